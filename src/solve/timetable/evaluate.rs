//! Evaluating a timetable exactly: with the timetable fixed the model is the per-slot routing
//! problem, so the routing LPs give the flows (and which registration each clash defers), and
//! every other MIP column follows from them. The exact counts are the routing's, not the
//! model's: the model prices persons with three or more papers below what they lose.

use super::super::highs::SolveError;
use super::super::problem::{Problem, Timetable};
use super::super::routing::{self, Routing};
use super::model::Cols;
use crate::case::Case;

/// A timetable, evaluated exactly.
#[derive(Clone)]
pub(super) struct Start {
    pub(super) timetable: Timetable,
    pub(super) deferred: f64,
    pub(super) travel: f64,
    /// What the routing LPs routed (group sizes after clashes) and their result.
    pub(super) sizes: Vec<u32>,
    pub(super) routing: Routing,
}

/// Evaluates a timetable exactly: with the timetable fixed the model is the per-slot routing
/// problem, so the routing LPs (in parallel) give the flows, their deferred count and their
/// travel (each group's km to its destination `dest[g]`, as the model counts it). No model is
/// needed: a quarter whose start meets its bounds never builds one ([`warm_values`] turns a
/// start into a MIP's columns when a MIP runs).
pub(super) fn evaluate(
    pb: &Problem,
    case: &Case,
    dest: &[Vec<(usize, f64)>],
    tt: &Timetable,
) -> Result<Start, SolveError> {
    let clock = std::time::Instant::now();
    let sizes: Vec<u32> = pb.groups.iter().map(|g| g.n).collect();
    let routing = routing::route(pb, case, tt, &sizes)?;
    let mut seated = vec![0u32; pb.groups.len()];
    let mut travel = 0.0;
    for f in &routing.flows {
        let k = destination(pb, case, dest, f.group, f.institution);
        travel += dest[f.group][k].1 * f64::from(f.count);
        seated[f.group] += f.count;
    }
    // clash deferrals and capacity deferrals alike leave their registrations unseated
    let deferred = pb
        .groups
        .iter()
        .zip(&seated)
        .map(|(group, &s)| f64::from(group.n - s))
        .sum::<f64>();
    crate::progress::trace(|| {
        format!(
            "start evaluated by routing in {:.2} s",
            clock.elapsed().as_secs_f64()
        )
    });
    Ok(Start {
        timetable: tt.clone(),
        deferred,
        travel,
        sizes,
        routing,
    })
}

/// Which of group `g`'s destinations a flow to `institution` goes to: the institution itself
/// for a registered group, else its prefecture.
fn destination(
    pb: &Problem,
    case: &Case,
    dest: &[Vec<(usize, f64)>],
    g: usize,
    institution: usize,
) -> usize {
    match pb.groups[g].registered {
        Some(_) => 0,
        None => {
            let q = case.institutions[institution].prefecture;
            dest[g]
                .iter()
                .position(|d| d.0 == q)
                .expect("routing uses the group's targets")
        }
    }
}

/// A start as a complete, feasible solution vector of a model with columns `cols`: the
/// timetable gives x, the flows every other column.
pub(super) fn warm_values(pb: &Problem, case: &Case, cols: &Cols, start: &Start) -> Vec<f64> {
    let tt = &start.timetable;
    let clash: Vec<bool> = pb
        .conflicts
        .iter()
        .map(|c| tt[c.a].iter().any(|t| tt[c.b].contains(t)))
        .collect();
    let mut values = vec![0.0; cols.columns];
    for (p, xs) in cols.x.iter().enumerate() {
        for &(t, _, col) in xs {
            if tt[p].contains(&t) {
                values[col] = 1.0;
            }
        }
    }
    let mut seated = vec![0u32; pb.groups.len()];
    for f in &start.routing.flows {
        let group = &pb.groups[f.group];
        let k = destination(pb, case, &cols.dest, f.group, f.institution);
        if group.registered.is_none() {
            values[cols.a[&(group.paper, f.institution)]] += f64::from(f.count);
        }
        values[cols.f[f.group][k].1] += f64::from(f.count);
        values[cols.z[&(group.paper, f.institution, f.slot)]] += f64::from(f.count);
        seated[f.group] += f.count;
    }
    let mut unseated: Vec<f64> = Vec::with_capacity(pb.groups.len());
    for (g, group) in pb.groups.iter().enumerate() {
        let u = f64::from(group.n - seated[g]);
        values[cols.u[g].1] = u;
        unseated.push(u);
    }
    for (c, ws) in pb.conflicts.iter().zip(&cols.w) {
        for &(t, _, col) in ws {
            if tt[c.a].contains(&t) && tt[c.b].contains(&t) {
                values[col] = 1.0;
            }
        }
    }
    // credits as large as the rows allow, taken greedily: the model's count of this start is
    // then at most its exact count in the usual case (a start for the MIP, never a result)
    for &(c, k, [col_g, col_h]) in &cols.v {
        if !clash[c] {
            continue;
        }
        let pair = &pb.conflicts[c].pairs[k];
        let tt_clash = cols.w[c].iter().filter(|e| values[e.2] > 0.5).count() as f64;
        let mut room = pair.weight * tt_clash;
        for (col, g) in [(col_g, pair.g), (col_h, pair.h)] {
            let credit = room.min(unseated[g]).max(0.0);
            values[col] = credit;
            unseated[g] -= credit;
            room -= credit;
        }
    }
    values
}

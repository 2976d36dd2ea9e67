//! Bounds from the quarter with its slots merged: every institution offers its seats once per
//! slot it can use, and a paper, sitting at one slot, fills at most one slot's seats at each.
//!
//! Any timetable's seating is a seating of this merged model, so its LP optimum bounds the
//! deferred count of every plan (clashes aside), and its least travel with that many seated
//! bounds the travel. It has no slot index and no binaries: an LP of the groups' flows alone,
//! solved in seconds where the timetable MIP's root LP does not finish (dense quarters, 1,000,000
//! registrations), and it sees capacity no single floor sees — a prefecture's unpinned
//! registrations beyond what its institutions' remaining seats hold.

use super::super::highs::{Limits, Model, SolveError};
use super::super::problem::Problem;
use super::model::{destinations, pool_shares};
use crate::case::Case;
use good_lp::{variable, Expression, Variable};
use std::collections::{BTreeMap, BTreeSet};

/// The merged model's LP: (model, deferred, travel).
fn build(pb: &Problem, case: &Case) -> (Model, Expression, Expression) {
    let mut m = Model::default();
    let sittings = f64::from(case.policy.sittings_per_paper);
    // D[p][i]: registrations of paper p that may sit at institution i
    let mut reach: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); pb.papers.len()];
    // the slots each institution can use: those of the papers that may sit there
    let mut usable: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for g in &pb.groups {
        for &(i, _) in &g.targets {
            *reach[g.paper].entry(i).or_default() += f64::from(g.n);
            usable
                .entry(i)
                .or_default()
                .extend(pb.paper_slots[g.paper].iter().copied());
        }
    }
    let mut deferred = Expression::default();
    let mut travel = Expression::default();
    // flow into (paper, institution), and a prefecture pool's inflow per paper
    let mut flow_in: Vec<BTreeMap<usize, Expression>> = vec![BTreeMap::new(); pb.papers.len()];
    let mut pool_in: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut shared: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); pb.papers.len()];
    for g in &pb.groups {
        let n = f64::from(g.n);
        let mut seated = Expression::default();
        for (q, km) in destinations(case, g) {
            let f: Variable = m.add(variable().min(0).max(n)).0;
            seated.add_mul(1.0, f);
            if km > 0.0 {
                travel.add_mul(km, f);
            }
            match g.registered {
                Some(i) => flow_in[g.paper].entry(i).or_default().add_mul(1.0, f),
                None => pool_in.entry((g.paper, q)).or_default().add_mul(1.0, f),
            }
        }
        if g.registered.is_none() {
            shared[g.paper].extend(g.targets.iter().map(|t| t.0));
        }
        let u = m.add(variable().min(0).max(n)).0;
        deferred.add_mul(1.0, u);
        m.constrain((seated + u).eq(n));
    }
    pool_shares(&mut m, case, &shared, &reach, &mut flow_in, pool_in);
    let mut load: BTreeMap<usize, Expression> = BTreeMap::new();
    for into in flow_in {
        for (i, e) in into {
            // one paper fills at most its sittings' seats at i
            m.constrain(e.clone().leq(sittings * f64::from(pb.capacity(i))));
            load.entry(i).or_default().add_mul(1.0, e);
        }
    }
    for (i, e) in load {
        let slots = usable.get(&i).map_or(0, BTreeSet::len) as f64;
        m.constrain(e.leq(slots * f64::from(pb.capacity(i))));
    }
    (m, deferred, travel)
}

/// LP solves here are exact and use HiGHS presolve (an LP, not a MIP: nothing to lose).
const LP: Limits = Limits::EXACT;

/// Deferrals no timetable avoids for want of seats: the merged model's fewest unseated,
/// rounded up (deferrals are whole) after a margin for the LP's own accuracy.
pub(super) fn deferred_floor(pb: &Problem, case: &Case) -> Result<f64, SolveError> {
    let (m, deferred, _) = build(pb, case);
    let lp = m.relaxation_bound(deferred, LP)?;
    Ok((lp - 1e-6 - 1e-9 * lp).ceil().max(0.0))
}

/// Travel no plan deferring at most `deferred` (the model's count) can beat: the merged model's
/// least travel with at most that many unseated, a billionth below for the LP's accuracy (the
/// summary calls a gap of a millionth proven).
pub(super) fn travel_floor(pb: &Problem, case: &Case, deferred: f64) -> Result<f64, SolveError> {
    let (mut m, unseated, travel) = build(pb, case);
    m.constrain(unseated.leq(deferred.max(0.0)));
    let lp = m.relaxation_bound(travel, LP)?;
    Ok((lp * (1.0 - 1e-9)).max(0.0))
}

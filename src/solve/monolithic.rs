//! The yardstick: the obvious monolithic model of docs/model.md, solved by HiGHS directly.
//!
//! Flows carry a slot index (`y[g,i,t] ≤ n_g·x[p,t]`, big-M), every room at every slot has an
//! open binary and an integer invigilator count, and objectives are solved in order (deferred,
//! then travel). It exists only to be measured against the decomposition (`exam-planner
//! compare`); plans are never written from it.

use super::highs::{Limits, Model, Reached, SolveError};
use super::problem::Problem;
use crate::case::Case;
use good_lp::{variable, Expression, Variable};
use std::collections::BTreeMap;
use std::time::Instant;

/// What the monolithic model reached in each stage.
#[derive(Debug, Clone, Copy)]
pub struct Result {
    /// Deferred within the model (conflicts counted per shared person), plus the fixed ones;
    /// `None` when the time limit passed before any feasible plan was found.
    pub deferred: Option<f64>,
    pub deferred_bound: f64,
    pub deferred_proven: bool,
    pub travel: Option<f64>,
    pub travel_bound: Option<f64>,
    pub travel_proven: bool,
    pub seconds: f64,
}

enum Stage {
    Deferred,
    Travel(f64),
}

fn build(pb: &Problem, case: &Case, stage: &Stage) -> (Model, Expression) {
    let policy = &case.policy;
    let mut m = Model::default();
    let x: Vec<Vec<(usize, Variable)>> = pb
        .paper_slots
        .iter()
        .map(|slots| {
            slots
                .iter()
                .map(|&t| (t, m.add(variable().binary()).0))
                .collect()
        })
        .collect();
    for xs in &x {
        let sum: Expression = xs.iter().map(|e| e.1).sum();
        m.constrain(sum.eq(1.0));
    }
    let mut deferred = Expression::default();
    let mut travel = Expression::default();
    let mut arrivals: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for g in &pb.groups {
        let mut seated = Expression::default();
        for &(t, xv) in &x[g.paper] {
            for &(i, km) in &g.targets {
                let (y, _) = m.add(variable().min(0).max(g.n));
                m.constrain((y - f64::from(g.n) * xv).leq(0.0));
                seated.add_mul(1.0, y);
                travel.add_mul(km, y);
                arrivals.entry((i, t)).or_default().add_mul(1.0, y);
            }
        }
        let (u, _) = m.add(variable().min(0).max(g.n));
        m.constrain((seated + u).eq(f64::from(g.n)));
        deferred.add_mul(1.0, u);
    }
    for ((i, _), arriving) in arrivals {
        let mut seated = Expression::default();
        let mut invigilators = Expression::default();
        for &r in &pb.venues[i].rooms {
            let seats = f64::from(case.rooms[r].seats);
            let (open, _) = m.add(variable().binary());
            let (n, _) = m.add(variable().min(0).max(seats));
            let (v, _) = m.add(variable().integer().min(0).max(case.institutions[i].staff));
            m.constrain((n - seats * open).leq(0.0));
            m.constrain((v - f64::from(policy.min_invigilators_per_room) * open).geq(0.0));
            m.constrain((f64::from(policy.candidates_per_invigilator) * v - n).geq(0.0));
            seated.add_mul(1.0, n);
            invigilators.add_mul(1.0, v);
        }
        m.constrain(invigilators.leq(f64::from(case.institutions[i].staff)));
        m.constrain((seated - arriving).eq(0.0));
    }
    for c in &pb.conflicts {
        for &(t, xa) in &x[c.a] {
            if let Some(&(_, xb)) = x[c.b].iter().find(|e| e.0 == t) {
                let (w, _) = m.add(variable().min(0).max(1));
                m.constrain((w - xa - xb).geq(-1.0));
                deferred.add_mul(f64::from(c.persons), w);
            }
        }
    }
    let objective = match stage {
        Stage::Deferred => deferred,
        Stage::Travel(max) => {
            m.constrain(deferred.leq(*max + 1e-6));
            travel
        }
    };
    (m, objective)
}

/// Solves the monolithic model, each stage with `time_limit` seconds.
pub fn solve(
    pb: &Problem,
    case: &Case,
    time_limit: f64,
    rel_gap: f64,
) -> std::result::Result<Result, SolveError> {
    let clock = Instant::now();
    let fixed: f64 = pb.fixed.iter().map(|d| f64::from(d.count)).sum();
    let limits = Limits {
        time_limit: Some(time_limit),
        rel_gap,
        abs_gap: 0.99,
        presolve: true,
        interior_point: false,
        node_limit: None,
        lp_iterations: None,
        stop_when_the_root_is_costly: false,
        sub_mip_heuristics: true,
        strong_branching: true,
    };
    let (m, obj) = build(pb, case, &Stage::Deferred);
    let first = match m.minimise(obj, limits, None) {
        Ok(s) => s,
        Err(SolveError::NoSolution) => {
            return Ok(Result {
                deferred: None,
                deferred_bound: fixed,
                deferred_proven: false,
                travel: None,
                travel_bound: None,
                travel_proven: false,
                seconds: clock.elapsed().as_secs_f64(),
            })
        }
        Err(e) => return Err(e),
    };
    let deferred = first.objective.round();
    let (m, obj) = build(pb, case, &Stage::Travel(deferred));
    let second = m.minimise(
        obj,
        Limits {
            abs_gap: 1e-6,
            ..limits
        },
        None,
    );
    let (travel, travel_bound, travel_proven) = match second {
        Ok(s) => (
            Some(s.objective),
            Some(s.bound),
            s.reached == Reached::Optimal,
        ),
        Err(SolveError::NoSolution) => (None, None, false),
        Err(e) => return Err(e),
    };
    Ok(Result {
        deferred: Some(deferred + fixed),
        deferred_bound: first.bound.max(0.0).ceil() + fixed,
        deferred_proven: first.reached == Reached::Optimal,
        travel,
        travel_bound,
        travel_proven,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

//! The optimisation, in three steps: timetable (MIP), conflicts, routing (LP per slot).
//!
//! `timetable` chooses each paper's slot by a MIP whose routing is aggregated per paper and
//! institution; `route` then solves each slot's transportation LP exactly, in parallel. This is
//! the only module that knows good_lp and HiGHS; it also holds the filing season's panels MIP
//! (`panels`) and exam day's roster MIP (`roster`).

pub mod capacity;
mod highs;
pub mod monolithic;
pub mod moves;
pub mod panels;
pub mod problem;
pub mod roster;
pub mod routing;
pub mod timetable;

pub use highs::{Limits, SolveError};
pub use problem::{Deferral, Group, Problem, Reason, Timetable};
pub use routing::{Flow, Routing, SeatValue};
pub use timetable::{SolvedBy, StageResult};

use crate::case::Case;
use std::time::Instant;

/// The default wall-clock limit per MIP, in seconds: the reference and 100,000-registration
/// cases prove both objectives well inside it, and a longer limit at 1,000,000 registrations
/// gave the same plan in far more time and memory (BENCHMARKS.md, "Why the code is as it is").
pub const DEFAULT_TIME_LIMIT: f64 = 30.0;

/// Solver settings from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Wall-clock limit per MIP, in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap to stop at.
    pub gap: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_limit: Some(DEFAULT_TIME_LIMIT),
            gap: 1e-4,
        }
    }
}

/// A solved quarter: the problem, each paper's slots, the routing and every deferral.
#[derive(Debug, Clone)]
pub struct Solution {
    pub problem: Problem,
    pub timetable: Timetable,
    pub routing: Routing,
    /// Group sizes after conflict deferrals (what the routing seated from).
    pub sizes: Vec<u32>,
    /// Registrations (or counts) deferred for conflicts and capacity; fixed ones are in `problem`.
    pub deferred: Vec<Deferral>,
    /// Registrations (or forecast candidates) the plan started from, before any deferral.
    pub registrations: u64,
    pub deferred_stage: StageResult,
    pub travel_stage: StageResult,
    /// (stage, seconds) in pipeline order.
    pub timings: Vec<(&'static str, f64)>,
    /// Planned on a published timetable (`plan --timetable`, `replan`): the objectives are
    /// optimal given that timetable.
    pub published: bool,
}

impl Solution {
    pub fn deferred_total(&self) -> u64 {
        self.problem
            .fixed
            .iter()
            .chain(&self.deferred)
            .map(|d| u64::from(d.count))
            .sum()
    }

    pub fn travel_km(&self) -> f64 {
        self.routing
            .flows
            .iter()
            .map(|f| {
                let g = &self.problem.groups[f.group];
                let km = g
                    .targets
                    .iter()
                    .find(|t| t.0 == f.institution)
                    .map_or(0.0, |t| t.1);
                km * f64::from(f.count)
            })
            .sum()
    }
}

/// Plans a problem built from `case`. `warm` is an earlier timetable to try as a start.
pub fn solve(
    case: &Case,
    problem: Problem,
    settings: &Settings,
    warm: Option<&Timetable>,
) -> Result<Solution, SolveError> {
    let mut timings = Vec::new();
    let clock = Instant::now();
    let outcome = timetable::solve(&problem, case, settings, warm)?;
    timings.push(("timetable", clock.elapsed().as_secs_f64()));
    route_and_defer(case, problem, outcome, timings)
}

/// Plans on a published timetable (`problem` built with it, so each paper has its one slot):
/// no timetable MIP runs, and the per-slot routing LPs, exact, give both objectives, proven
/// optimal given that timetable.
pub fn solve_published(case: &Case, problem: Problem) -> Result<Solution, SolveError> {
    let unproven = StageResult {
        value: 0.0,
        bound: 0.0,
        proven: false,
        by: SolvedBy::StartMetBound,
        seconds: 0.0,
    };
    let outcome = timetable::Outcome {
        timetable: problem.paper_slots.clone(),
        deferred: unproven,
        travel: unproven,
        routed: None,
    };
    let mut sol = route_and_defer(case, problem, outcome, vec![("timetable", 0.0)])?;
    let deferred: f64 = sol.deferred.iter().map(|d| f64::from(d.count)).sum();
    let travel = sol.travel_km();
    sol.deferred_stage = StageResult {
        value: deferred,
        bound: deferred,
        proven: true,
        ..unproven
    };
    sol.travel_stage = StageResult {
        value: travel,
        bound: travel,
        proven: true,
        ..unproven
    };
    sol.published = true;
    Ok(sol)
}

/// With every paper's slot chosen: clash deferrals, the routing LPs, capacity deferrals.
fn route_and_defer(
    case: &Case,
    problem: Problem,
    outcome: timetable::Outcome,
    mut timings: Vec<(&'static str, f64)>,
) -> Result<Solution, SolveError> {
    let clock = Instant::now();
    crate::progress::stage("routing every slot");
    let registrations = problem.registrations();
    let (sizes, mut deferred, problem) = defer_conflicts(case, problem, &outcome.timetable);
    // the start's routing, when the timetable and the sizes it routed are unchanged, is the
    // same LP solution (routing is deterministic): no need to solve it twice
    let routing = match outcome.routed {
        Some((routed_sizes, routing)) if routed_sizes == sizes => routing,
        _ => routing::route(&problem, case, &outcome.timetable, &sizes)?,
    };
    timings.push(("routing", clock.elapsed().as_secs_f64()));

    let mut problem = problem;
    for (g, &left) in routing.unseated.iter().enumerate() {
        if left == 0 {
            continue;
        }
        let group = &problem.groups[g];
        let reason = match group.registered {
            Some(i) => Reason::RegisteredFull {
                institution: case.institutions[i].id.clone(),
            },
            None => Reason::CapacityExhausted,
        };
        let paper = problem.papers[group.paper];
        if group.members.is_empty() {
            deferred.push(Deferral {
                candidate: None,
                home: group.home,
                paper,
                count: left,
                reason,
            });
        } else {
            let keep = group.members.len() - left as usize;
            for &c in &group.members[keep..] {
                deferred.push(Deferral {
                    candidate: Some(c),
                    home: group.home,
                    paper,
                    count: 1,
                    reason: reason.clone(),
                });
            }
            problem.groups[g].members.truncate(keep);
        }
    }
    Ok(Solution {
        problem,
        timetable: outcome.timetable,
        routing,
        sizes,
        deferred,
        registrations,
        deferred_stage: outcome.deferred,
        travel_stage: outcome.travel,
        timings,
        published: false,
    })
}

/// A person never sits two papers at one slot: keep each person's registrations in
/// candidate_id order while their slots are free, defer the rest. In count mode (no persons),
/// the conflicting persons counted per home are taken from the second paper's groups.
fn defer_conflicts(
    case: &Case,
    mut problem: Problem,
    tt: &Timetable,
) -> (Vec<u32>, Vec<Deferral>, Problem) {
    let mut deferred = Vec::new();
    let cands = case.candidates();
    let labels: Vec<String> = problem
        .papers
        .iter()
        .map(|&p| case.paper_label(p))
        .collect();
    let counted = problem
        .groups
        .iter()
        .any(|g| g.members.is_empty() && g.n > 0);
    if !counted {
        // each person's registrations, in candidate_id order, keep their slots while free
        let mut drop: Vec<Vec<usize>> = vec![Vec::new(); problem.groups.len()];
        for regs in problem::persons_with_several(case, &problem.groups) {
            let mut taken: Vec<(usize, usize)> = Vec::new(); // this person's (slot, paper)
            for (c, g) in regs {
                let p = problem.groups[g].paper;
                if let Some(&(_, other)) = taken.iter().find(|(t, _)| tt[p].contains(t)) {
                    deferred.push(Deferral {
                        candidate: Some(c),
                        home: problem.groups[g].home,
                        paper: problem.papers[p],
                        count: 1,
                        reason: Reason::Conflict {
                            other: labels[other].clone(),
                        },
                    });
                    drop[g].push(c);
                } else {
                    taken.extend(tt[p].iter().map(|&t| (t, p)));
                }
            }
        }
        deferred.sort_by(|a, b| {
            let id = |d: &Deferral| d.candidate.map(|c| cands[c].candidate_id.as_str());
            id(a).cmp(&id(b))
        });
        for (g, gone) in drop.into_iter().enumerate() {
            if !gone.is_empty() {
                problem.groups[g].members.retain(|c| !gone.contains(c));
                problem.groups[g].n = problem.groups[g].members.len() as u32;
            }
        }
    } else {
        for c in problem.conflicts.clone() {
            if !tt[c.a].iter().any(|t| tt[c.b].contains(t)) {
                continue;
            }
            for &(g, persons) in &c.losers {
                let group = &mut problem.groups[g];
                let taken = persons.min(group.n);
                group.n -= taken;
                let other = if group.paper == c.a { c.b } else { c.a };
                if taken > 0 {
                    deferred.push(Deferral {
                        candidate: None,
                        home: group.home,
                        paper: problem.papers[group.paper],
                        count: taken,
                        reason: Reason::Conflict {
                            other: labels[other].clone(),
                        },
                    });
                }
            }
        }
    }
    let sizes = problem.groups.iter().map(|g| g.n).collect();
    (sizes, deferred, problem)
}

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

#[cfg(test)]
pub(crate) use highs::throttle;
pub use highs::{Limits, SolveError};
pub use problem::{Deferral, Group, Problem, Reason, Timetable};
pub use routing::{Flow, Routing, SeatValue};
pub use timetable::{SolvedBy, StageResult};

use crate::case::Case;
use std::collections::BTreeMap;
use std::time::Instant;

/// The wall-clock limit `compare` gives the monolithic model per stage when none is given,
/// in seconds.
pub const DEFAULT_TIME_LIMIT: f64 = 30.0;

/// Solver settings from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// An explicit wall-clock cap per stage, in seconds (`--time-limit`); none by default. A
    /// default run stops on counted work ([`Work`]), so every machine gives the same plan;
    /// the cap changes the plan only when it is reached, and `summary.json` says when.
    pub time_limit: Option<f64>,
    /// Relative MIP gap to stop at.
    pub gap: f64,
    pub work: Work,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_limit: None,
            gap: 1e-4,
            work: Work::default(),
        }
    }
}

/// The counted work a default plan may spend: the same on every machine, sized so that the
/// capacity-bound 30,000-registration quarter of BENCHMARKS.md ("Hard quarters II") plans in
/// under a minute on the 2-core development machine, as it did under the old 30 s clocks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    /// Branch-and-bound nodes of a whole-quarter MIP.
    pub mip_nodes: i32,
    /// LP iterations of a whole-quarter MIP, its root's cut rounds included (on the
    /// capacity-bound quarter 60,000 of them took 58 s without improving the search's plan
    /// or raising the bound).
    pub mip_lp_iterations: u64,
    /// Simplex iterations the neighbourhood search for fewest deferred may spend over all its
    /// sub-MIPs (the travel search gets half); a round's sub-MIPs share what is left equally,
    /// and after a round that found nothing no round begins whose share is below the least a
    /// sub-MIP has spent so far.
    pub search_iterations: u64,
    /// Rows of the largest whole-quarter MIP that is run: beyond, its root LP alone took
    /// longer than the search's whole budget (BENCHMARKS.md, "Why the code is as it is": the
    /// size rule, 1,500 rows a second for 30 s).
    pub whole_mip_rows: usize,
}

impl Default for Work {
    fn default() -> Self {
        Work {
            mip_nodes: 1_000,
            mip_lp_iterations: 15_000,
            search_iterations: 150_000,
            whole_mip_rows: 45_000,
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
        timed_out: false,
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

/// With every paper's slot chosen: the routing LPs, then the deferrals they leave, clashes
/// first (each deferring the registration the routing chose), then for want of seats.
fn route_and_defer(
    case: &Case,
    problem: Problem,
    outcome: timetable::Outcome,
    mut timings: Vec<(&'static str, f64)>,
) -> Result<Solution, SolveError> {
    let clock = Instant::now();
    crate::progress::stage("routing every slot");
    let registrations = problem.registrations();
    let sizes: Vec<u32> = problem.groups.iter().map(|g| g.n).collect();
    // the start's routing, when the timetable and the sizes it routed are unchanged, is the
    // same LP solution (routing is deterministic): no need to solve it twice
    let routing = match outcome.routed {
        Some((routed_sizes, routing)) if routed_sizes == sizes => routing,
        _ => routing::route(&problem, case, &outcome.timetable, &sizes)?,
    };
    timings.push(("routing", clock.elapsed().as_secs_f64()));
    let (mut deferred, mut problem) = defer_clashes(case, problem, &outcome.timetable, &routing);
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
    let sizes = problem.groups.iter().map(|g| g.n).collect();
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

/// A person never sits two papers at one time: each clash of the routing defers, from each of
/// its groups, as many registrations as the routing chose. Persons are dealt in id_number
/// order, each keeping the earliest registration (by candidate_id) its quota allows; the others
/// are deferred, naming the paper the person keeps. In count mode (no persons) the counts are
/// deferred as they are. Returns the deferrals and the problem with them out of its groups.
fn defer_clashes(
    case: &Case,
    mut problem: Problem,
    tt: &Timetable,
    routing: &Routing,
) -> (Vec<Deferral>, Problem) {
    let mut deferred = Vec::new();
    let labels: Vec<String> = problem
        .papers
        .iter()
        .map(|&p| case.paper_label(p))
        .collect();
    let paper_of = |pb: &Problem, g: usize| pb.groups[g].paper;
    let counted = problem
        .groups
        .iter()
        .any(|g| g.members.is_empty() && g.n > 0);
    if counted {
        for clash in &routing.clashes {
            for (k, (&g, &d)) in clash.groups.iter().zip(&clash.deferred).enumerate() {
                if d == 0 {
                    continue;
                }
                let other = clash.groups[if k == 0 { 1 } else { 0 }];
                let group = &mut problem.groups[g];
                group.n -= d.min(group.n);
                deferred.push(Deferral {
                    candidate: None,
                    home: group.home,
                    paper: problem.papers[group.paper],
                    count: d,
                    reason: Reason::Conflict {
                        other: labels[paper_of(&problem, other)].clone(),
                    },
                });
            }
        }
        return (deferred, problem);
    }
    // registrations each clash keeps from each of its groups
    let mut keep: BTreeMap<(usize, &[usize]), Vec<u32>> = routing
        .clashes
        .iter()
        .map(|c| {
            let kept = c.deferred.iter().map(|&d| c.persons - d).collect();
            ((c.slot, c.groups.as_slice()), kept)
        })
        .collect();
    // each person's registrations meeting at one time: (clash key, the person's (candidate, group))
    let mut meetings: Vec<((usize, Vec<usize>), Vec<(usize, usize)>)> = Vec::new();
    for regs in problem::persons_with_several(case, &problem.groups) {
        let groups: Vec<usize> = regs.iter().map(|r| r.1).collect();
        for part in routing::meetings(&problem, tt, &groups) {
            let mine: Vec<(usize, usize)> = regs
                .iter()
                .copied()
                .filter(|r| part.1.contains(&r.1))
                .collect();
            meetings.push((part, mine));
        }
    }
    let mut gone: Vec<Vec<usize>> = vec![Vec::new(); problem.groups.len()];
    // first pass: the earliest registration where its quota allows; second: any left
    let mut kept_by: Vec<Option<usize>> = vec![None; meetings.len()];
    for pass in 0..2 {
        for (m, (key, regs)) in meetings.iter().enumerate() {
            if kept_by[m].is_some() {
                continue;
            }
            let quota = keep
                .get_mut(&(key.0, key.1.as_slice()))
                .expect("every meeting is a clash");
            let choices: &[(usize, usize)] = if pass == 0 { &regs[..1] } else { regs };
            if let Some(&(c, g)) = choices.iter().find(|r| {
                let k = key.1.iter().position(|&x| x == r.1).expect("in the clash");
                quota[k] > 0
            }) {
                let k = key.1.iter().position(|&x| x == g).expect("in the clash");
                quota[k] -= 1;
                kept_by[m] = Some(c);
            }
        }
    }
    for ((_, regs), kept) in meetings.iter().zip(&kept_by) {
        let kept_group = regs.iter().find(|r| Some(r.0) == *kept).map(|r| r.1);
        for &(c, g) in regs.iter().filter(|r| Some(r.0) != *kept) {
            let other = kept_group.unwrap_or(regs[0].1);
            deferred.push(Deferral {
                candidate: Some(c),
                home: problem.groups[g].home,
                paper: problem.papers[problem.groups[g].paper],
                count: 1,
                reason: Reason::Conflict {
                    other: labels[paper_of(&problem, other)].clone(),
                },
            });
            gone[g].push(c);
        }
    }
    let cands = case.candidates();
    deferred.sort_by(|a, b| {
        let id = |d: &Deferral| d.candidate.map(|c| cands[c].candidate_id.as_str());
        id(a).cmp(&id(b))
    });
    for (g, gone) in gone.into_iter().enumerate() {
        if !gone.is_empty() {
            problem.groups[g].members.retain(|c| !gone.contains(c));
            problem.groups[g].n = problem.groups[g].members.len() as u32;
        }
    }
    (deferred, problem)
}

//! Choosing each paper's slot: a MIP over papers × slots with routing aggregated per paper.
//!
//! With one sitting per paper, every candidate of a paper sits at the paper's slot, so a group's
//! flow to an institution needs no slot index: `f[g,i]` says how many of group g go to i, and
//! `z[p,i,t]` carries paper p's total at i into its slot. The link to the slot is one row per
//! paper, prefecture and slot, `Σ_i z[p,i,t] ≤ Σ_i min(D[p,i], cap[i])·x[p,t]`: exact for binary
//! x (z ≥ 0), a far smaller LP than a row per z (1.1M → 0.29M rows at 1,000,000 registrations,
//! same proven results on the reference, 3,000 and 100,000 cases). Slots with the same set of
//! admissible papers are interchangeable; we break that symmetry by letting the j-th paper use
//! only the first j slots of each class. Objectives are solved in order: deferred, then
//! travel with deferred fixed; each stage starts from the best plan known so far.

mod aggregate;
mod bounds;
mod cliques;
mod evaluate;
#[cfg(test)]
mod exact;
mod model;
mod neighbourhood;
mod stages;
mod start;
mod symmetry;
#[cfg(test)]
mod testing;

use super::highs::{Limits, SolveError};
use super::problem::{Problem, Timetable};
use super::routing::Routing;
use super::Settings;
use crate::case::Case;
use bounds::{integral_km, meets_bounds, travel_floor};
use evaluate::evaluate;
use model::{build, measure, read_timetable, Objective, Rows};
use neighbourhood::{Aim, Goal};
use stages::Stages;
use symmetry::{allowed_slots, canonical};

pub use start::starts;

/// What one objective stage reached.
#[derive(Debug, Clone, Copy)]
pub struct StageResult {
    pub value: f64,
    pub bound: f64,
    /// Proven optimal (within the gap), or stopped by its work or time limit.
    pub proven: bool,
    pub by: SolvedBy,
    pub seconds: f64,
    /// An explicit `--time-limit` stopped the stage's search or MIP: its result then depends
    /// on the machine.
    pub timed_out: bool,
}

/// What gave a stage its value (summary.json's `solved_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolvedBy {
    /// The starting plan already met a proven bound: no MIP ran.
    StartMetBound,
    /// The whole MIP over every paper and slot.
    Mip,
    /// The neighbourhood search's sub-MIPs; the whole MIP was too large to run
    /// ([`Work::whole_mip_rows`](crate::solve::Work), or an explicit time limit).
    NeighbourhoodSearch,
    /// The starting plan as it was, the floors its bound: the whole MIP was too large to run.
    Start,
}

impl SolvedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SolvedBy::StartMetBound => "start met the bound",
            SolvedBy::Mip => "mip",
            SolvedBy::NeighbourhoodSearch => "neighbourhood search",
            SolvedBy::Start => "start (model too large for a whole MIP)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub timetable: Timetable,
    pub deferred: StageResult,
    pub travel: StageResult,
    /// The routing of `timetable`, computed when it was evaluated, with the group sizes it
    /// routed: the final routing reuses it when its sizes are the same.
    pub routed: Option<(Vec<u32>, Routing)>,
}

/// " (at most N s)" for progress messages.
fn limit_text(settings: &Settings) -> String {
    settings
        .time_limit
        .map_or(String::new(), |t| format!(" (at most {t:.0} s)"))
}

/// Rows of a whole timetable MIP that HiGHS's root LP gets through per second, the slowest
/// measured (BENCHMARKS.md, "Why the code is as it is": the size rule): under an explicit
/// `--time-limit`, a MIP larger than the limit allows is not run, since it would end with no
/// root bound and the plan it started from.
const WHOLE_MIP_ROWS_PER_SECOND: f64 = 1_500.0;

/// Whether a whole MIP of `rows` rows is run: within the work's size rule, and when a time
/// limit is given, expected to get past its root LP within it. Decided by sizes alone, never
/// by a clock. Returns also whether the time limit alone kept it from running (the plan then
/// depends on the cap, and summary.json says the cap was reached).
fn whole_mip_fits(rows: usize, settings: &Settings) -> (bool, bool) {
    let by_work = rows <= settings.work.whole_mip_rows;
    let by_time = settings
        .time_limit
        .is_none_or(|t| rows as f64 <= WHOLE_MIP_ROWS_PER_SECOND * t);
    (by_work && by_time, by_work && !by_time)
}

/// A whole MIP's limits: its node budget, and the time cap when one is given.
fn limits(settings: &Settings, integral: bool) -> Limits {
    Limits {
        time_limit: settings.time_limit,
        rel_gap: settings.gap,
        abs_gap: if integral { 0.99 } else { 1e-6 },
        presolve: false,
        interior_point: false,
        node_limit: Some(settings.work.mip_nodes),
        lp_iterations: Some(settings.work.mip_lp_iterations),
        // on the capacity-bound 30,000 quarters (root LPs of 7,133–8,097 iterations) the cut
        // rounds after the root spent the rest of the budget without moving the bound or the
        // search's plan: 17–22 s of a 40–64 s plan (BENCHMARKS.md, "fourth step")
        stop_when_the_root_is_costly: true,
        // the root's RENS and RINS sub-MIPs ran past the LP-iteration budget: two
        // 12,000-registration quarters spent 18 and 24 s in a travel MIP that found nothing
        // (BENCHMARKS.md, "Hard quarters II", tenth step)
        sub_mip_heuristics: false,
        // and strong branching ran past it at a single node: the same travel MIP spent 24,245
        // LP iterations on it after its RENS and RINS were off, 11 s for nothing (tenth step)
        strong_branching: false,
    }
}

/// Solves the timetable: deferred first, then travel. `warm` is an earlier timetable (the
/// baseline of a what-if) tried as a start beside the greedy one.
pub fn solve(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    warm: Option<&Timetable>,
) -> Result<Outcome, SolveError> {
    solve_stages(pb, case, settings, warm, true).map(|(outcome, _)| outcome)
}

/// How stage 2 ran: after stage 1, beside its whole MIP (kept), or beside it and then again
/// from the MIP's better plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage2 {
    InTurn,
    Beside,
    Redone,
}

/// [`solve`], with stage 2 beside stage 1's whole MIP when `beside` (the tests compare both).
fn solve_stages(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    warm: Option<&Timetable>,
    beside: bool,
) -> Result<(Outcome, Stage2), SolveError> {
    let allowed = allowed_slots(pb, case);
    crate::progress::stage("building the timetable's start");
    // starts are evaluated by routing and counted as the model counts travel, so no model is
    // built until a stage needs one (`Stages::whole`): on most quarters and what-if scenarios
    // the first start meets both bounds and none is
    let dest = model::group_destinations(pb, case);
    let cliques = bounds::forced_cliques(pb, case);
    let stages = Stages::new(pb, case, settings, &dest, &allowed, &cliques);
    let (best, floor, evaluated) = stages.best_start(warm)?;
    let search_clock = std::time::Instant::now();
    let (start, searched) = stages.search_deferred(best, floor)?;
    crate::progress::trace(|| {
        format!(
            "start: deferred {} travel {} (of {evaluated} start(s))",
            start.deferred, start.travel
        )
    });
    let (deferred, travel, plan, ran) = if beside && stages.deferred_mip_runs(&start, floor) {
        // The whole MIP after the search has improved no hard quarter measured: stage 2 begins
        // beside it, from the search's plan, and is kept when the MIP leaves that plan as it
        // was. Either way the plan is the one the stages give one after the other; the MIP's
        // time goes into the cores the travel search leaves idle (BENCHMARKS.md, "Hard
        // quarters II", eleventh step).
        let held = start.deferred.round();
        let (ahead, stage1) = rayon::join(
            || stages.least_travel(start.clone(), held, searched),
            || stages.fewest_deferred(start.clone(), floor, searched, search_clock),
        );
        let (deferred, stage1) = stage1?;
        let unchanged = stage1.timetable == start.timetable
            && stage1.deferred == start.deferred
            && stage1.travel == start.travel
            && deferred.value == held;
        if unchanged {
            let (travel, plan) = ahead?;
            (deferred, travel, plan, Stage2::Beside)
        } else {
            let (travel, plan) = stages.least_travel(stage1, deferred.value, searched)?;
            (deferred, travel, plan, Stage2::Redone)
        }
    } else {
        let (deferred, stage1) = stages.fewest_deferred(start, floor, searched, search_clock)?;
        let (travel, plan) = stages.least_travel(stage1, deferred.value, searched)?;
        (deferred, travel, plan, Stage2::InTurn)
    };
    let timetable = plan.timetable;
    let routed = Some((plan.sizes, plan.routing));
    Ok((
        Outcome {
            timetable,
            deferred,
            travel,
            routed,
        },
        ran,
    ))
}

#[cfg(test)]
mod tests {
    use super::testing::{clash_case, travel_case};
    use super::*;
    use std::sync::{Arc, Mutex};

    /// The whole model is built only for a stage its start does not meet: a quarter whose
    /// start meets both bounds (most what-if scenarios) reports no model, one that needs
    /// the search or a MIP does, and both plan the same either way.
    #[test]
    fn the_whole_model_is_built_only_when_a_stage_needs_it() {
        let mut pairs = Vec::new();
        for i in 0..5 {
            for j in i + 1..5 {
                pairs.push((i, j, pairs.len() as u32 + 1));
            }
        }
        let cases = [
            travel_case(),
            clash_case(&pairs, 2, false),
            clash_case(&pairs, 3, true),
            clash_case(&[(0, 1, 3)], 2, false),
        ];
        let mut built_any = false;
        let mut skipped_any = false;
        for (pb, case, _dir) in &cases {
            let seen = Arc::new(Mutex::new(Vec::<String>::new()));
            let said = seen.clone();
            crate::progress::observe(Some(Arc::new(move |event| {
                if let crate::progress::Event::Stage(text) = event {
                    said.lock().unwrap().push(text.to_string());
                }
            })));
            let outcome = solve(pb, case, &Settings::default(), None);
            crate::progress::observe(None);
            let outcome = outcome.unwrap();
            let built = seen
                .lock()
                .unwrap()
                .iter()
                .any(|s| s == "building the timetable model");
            let met = outcome.deferred.by == SolvedBy::StartMetBound
                && outcome.travel.by == SolvedBy::StartMetBound;
            assert_eq!(built, !met, "{:?} {:?}", outcome.deferred, outcome.travel);
            built_any |= built;
            skipped_any |= !built;
        }
        assert!(built_any && skipped_any, "both kinds of quarter are tried");
    }

    /// Stage 2 beside stage 1's whole MIP gives the plan the stages give one after the other:
    /// kept when the MIP leaves the search's plan as it was, done again from the MIP's plan
    /// when it is better (with no search work, the MIP improves on the greedy start).
    #[test]
    fn stage_2_beside_stage_1_plans_as_the_stages_in_turn() {
        let mut ran = Vec::new();
        for seed in 0..24u64 {
            let (pb, case, _dir) = testing::random_small_case(seed);
            for search_iterations in [Settings::default().work.search_iterations, 0] {
                let mut settings = Settings::default();
                settings.work.search_iterations = search_iterations;
                let (beside, how) = solve_stages(&pb, &case, &settings, None, true).unwrap();
                let (in_turn, _) = solve_stages(&pb, &case, &settings, None, false).unwrap();
                let what = format!("seed {seed}, search {search_iterations}, {how:?}");
                assert_eq!(beside.timetable, in_turn.timetable, "{what}");
                for (a, b) in [
                    (beside.deferred, in_turn.deferred),
                    (beside.travel, in_turn.travel),
                ] {
                    assert_eq!((a.value, a.bound, a.proven), (b.value, b.bound, b.proven));
                    assert_eq!(a.by, b.by, "{what}");
                }
                ran.push(how);
            }
        }
        assert!(ran.contains(&Stage2::Beside), "{ran:?}");
        assert!(ran.contains(&Stage2::Redone), "{ran:?}");
    }

    /// The size rule decides alone by default; a time limit may keep a MIP from running, and
    /// then says it did (summary.json's `time_limit_reached`), but never one the rule rules out.
    #[test]
    fn a_whole_mip_kept_out_by_the_time_limit_alone_is_reported_as_capped() {
        let capped = |rows: usize, time_limit: Option<f64>| {
            let settings = Settings {
                time_limit,
                ..Settings::default()
            };
            whole_mip_fits(rows, &settings)
        };
        assert_eq!(capped(10_000, None), (true, false));
        assert_eq!(capped(10_000, Some(60.0)), (true, false));
        assert_eq!(capped(10_000, Some(5.0)), (false, true));
        assert_eq!(capped(50_000, None), (false, false));
        assert_eq!(capped(50_000, Some(5.0)), (false, false));
    }
}

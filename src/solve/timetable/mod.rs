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
mod model;
mod neighbourhood;
mod start;
mod symmetry;
#[cfg(test)]
mod testing;

use super::highs::{Limits, Reached, SolveError};
use super::problem::{Problem, Timetable};
use super::routing::Routing;
use super::Settings;
use crate::case::Case;
use bounds::{integral_km, meets_bounds, travel_floor};
use evaluate::{evaluate, round_near_integers};
use model::{build, measure, read_timetable, Objective, Rows};
use neighbourhood::{Aim, Goal};
use symmetry::{allowed_slots, canonical};

pub use start::greedy;

/// What one objective stage reached.
#[derive(Debug, Clone, Copy)]
pub struct StageResult {
    pub value: f64,
    pub bound: f64,
    /// Proven optimal (within the gap), or stopped at the time limit.
    pub proven: bool,
    pub by: SolvedBy,
    pub seconds: f64,
}

/// What gave a stage its value (summary.json's `solved_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolvedBy {
    /// The starting plan already met a proven bound: no MIP ran.
    StartMetBound,
    /// The whole MIP over every paper and slot.
    Mip,
    /// The neighbourhood search's sub-MIPs; the whole MIP was too large for the time limit.
    NeighbourhoodSearch,
    /// The starting plan as it was, the floors its bound: the whole MIP was too large for the
    /// time limit.
    Start,
}

impl SolvedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SolvedBy::StartMetBound => "start met the bound",
            SolvedBy::Mip => "mip",
            SolvedBy::NeighbourhoodSearch => "neighbourhood search",
            SolvedBy::Start => "start (model too large for the time limit)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub timetable: Timetable,
    pub deferred: StageResult,
    pub travel: StageResult,
    /// The routing of `timetable` when a start already computed it, with the group sizes it
    /// routed: the final routing reuses it when its sizes are the same.
    pub routed: Option<(Vec<u32>, Routing)>,
}

/// " (at most N s)" for progress messages.
fn limit_text(settings: &Settings) -> String {
    settings
        .time_limit
        .map_or(String::new(), |t| format!(" (at most {t:.0} s)"))
}

/// Rows of a whole timetable MIP that HiGHS's root LP gets through per second of the time
/// limit, the slowest measured: a MIP larger than the limit allows is not run, since it would
/// end with no root bound and the plan it started from. Measured (dual simplex, one thread):
/// 14,525 rows (30,000 registrations, 4 slots) in 2.6 s; 13,946 rows (100,000) in 4.5 s;
/// 76,007 rows (200,000, 81 institutions, 16 slots) unfinished after 10.7 s, its LP alone 52.8 s
/// by interior point; 291,579 rows (1,000,000) unfinished after 17.5 s and after 30 s.
const WHOLE_MIP_ROWS_PER_SECOND: f64 = 1_500.0;

/// Whether a whole MIP of `rows` rows can be expected to get past its root LP in the limit.
fn whole_mip_fits(rows: usize, settings: &Settings) -> bool {
    settings
        .time_limit
        .is_none_or(|t| rows as f64 <= WHOLE_MIP_ROWS_PER_SECOND * t)
}

fn limits(settings: &Settings, integral: bool) -> Limits {
    Limits {
        time_limit: settings.time_limit,
        rel_gap: settings.gap,
        abs_gap: if integral { 0.99 } else { 1e-6 },
        presolve: false,
        interior_point: false,
        node_limit: None,
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
    let allowed = allowed_slots(pb, case);
    // every model built here has the same columns, so one layout serves all starts
    let clock = std::time::Instant::now();
    crate::progress::stage("building the timetable model and its start");
    let (stage1_model, stage1_objective, cols) =
        build(pb, case, &allowed, Objective::Deferred, Rows::Plain);
    crate::progress::trace(|| {
        format!(
            "timetable model built in {:.2} s",
            clock.elapsed().as_secs_f64()
        )
    });
    // the cheap deferred floors: registrations pinned beyond seats, forced clashes
    let cliques = bounds::forced_cliques(pb, case);
    let mut floor = bounds::pinned_floor(pb, case).max(bounds::forced_clashes(&cliques));
    crate::progress::trace(|| format!("deferred floor (pinned, clashes): {floor}"));
    // The greedy start first (usually already at both proven bounds); the earlier timetable
    // (a what-if's baseline) is evaluated only when the greedy one leaves room to improve.
    let mut best = evaluate(pb, case, &cols, &canonical(pb, case, &greedy(pb, case)))?;
    let mut evaluated = 1;
    if let Some(w) = warm.filter(|_| !meets_bounds(pb, settings, &best, floor)) {
        let admissible = w.len() == pb.papers.len()
            && w.iter()
                .enumerate()
                .all(|(p, s)| !s.is_empty() && s.iter().all(|t| pb.paper_slots[p].contains(t)));
        if admissible {
            let s = evaluate(pb, case, &cols, &canonical(pb, case, w))?;
            evaluated += 1;
            if (s.deferred, s.travel) < (best.deferred, best.travel) {
                best = s;
            }
        }
    }
    // a start short of the floor first goes through the neighbourhood search, which may use
    // the stage's whole time (on every hard quarter measured, the whole MIP improved no start
    // the search handed it, and its bound was the merged floor's or 0); the MIP then starts
    // from what it found, with what is left
    if best.deferred > floor + 0.5 {
        let clock = std::time::Instant::now();
        let seats = aggregate::deferred_floor(pb, case, &cliques)?;
        crate::progress::trace(|| {
            format!(
                "deferred floor (seats and forced clashes, slots merged): {seats} in {:.2} s",
                clock.elapsed().as_secs_f64()
            )
        });
        floor = floor.max(seats);
    }
    let search_clock = std::time::Instant::now();
    // the deferred search's longest round: the travel search's rounds are as large
    let mut round = std::time::Duration::ZERO;
    // too large a whole MIP is not run: its stage's time all goes to the search
    let whole_mip = whole_mip_fits(stage1_model.rows(), settings);
    if !whole_mip {
        crate::progress::trace(|| {
            format!(
                "the whole MIP ({} rows) is too large for the time limit: not run",
                stage1_model.rows()
            )
        });
    }
    if best.deferred > floor + 0.5 {
        crate::progress::stage("fewest deferred: neighbourhood search");
        let budget = settings.time_limit.map(std::time::Duration::from_secs_f64);
        (best, round) = neighbourhood::improve(
            pb,
            case,
            settings,
            &cols,
            best,
            Goal {
                aim: Aim::Deferred,
                floor,
                budget,
            },
        )?;
    }
    let mut start = best;
    // timetables already routed, for the final routing to reuse
    let mut routed_before = vec![(
        start.timetable.clone(),
        std::mem::take(&mut start.sizes),
        std::mem::take(&mut start.routing),
    )];
    crate::progress::trace(|| {
        format!(
            "start: deferred {} travel {} (of {evaluated} start(s))",
            start.deferred, start.travel
        )
    });

    // Stage 1: fewest deferred.
    let clock = std::time::Instant::now();
    let (deferred, stage1_values) = if start.deferred <= floor + 0.5 {
        drop(stage1_model);
        let r = StageResult {
            value: start.deferred.round(),
            bound: floor,
            proven: true,
            by: SolvedBy::StartMetBound,
            seconds: 0.0,
        };
        (r, start.values.clone())
    } else if !whole_mip {
        drop(stage1_model);
        let r = StageResult {
            value: start.deferred.round(),
            bound: floor,
            proven: false,
            by: if round.is_zero() {
                SolvedBy::Start
            } else {
                SolvedBy::NeighbourhoodSearch
            },
            seconds: search_clock.elapsed().as_secs_f64(),
        };
        (r, start.values.clone())
    } else {
        crate::progress::stage(format!(
            "fewest deferred: HiGHS MIP{}",
            limit_text(settings)
        ));
        // the stage's limit covers the neighbourhood search and the MIP together
        let mut stage_limits = limits(settings, true);
        if let Some(t) = stage_limits.time_limit.as_mut() {
            *t = (*t - search_clock.elapsed().as_secs_f64()).max(1.0);
        }
        let solved = stage1_model.minimise(stage1_objective, stage_limits, Some(&start.values))?;
        crate::progress::trace(|| {
            format!(
                "deferred stage: objective {} bound {} in {:.2} s",
                solved.objective,
                solved.bound,
                clock.elapsed().as_secs_f64()
            )
        });
        let value = solved.objective.round();
        let r = StageResult {
            value,
            // the credits make the LP bound negative at times; deferred is never below the floor
            bound: (solved.bound - 1e-6).ceil().max(floor).min(value),
            proven: solved.reached == Reached::Optimal,
            by: SolvedBy::Mip,
            seconds: clock.elapsed().as_secs_f64(),
        };
        (r, round_near_integers(solved.values))
    };

    // Stage 2: least travel with deferred held at its stage-1 value.
    let clock = std::time::Instant::now();
    let mut floor = travel_floor(pb, deferred.value);
    // the stage-1 timetable re-routed for least travel is usually a far better start than the
    // stage-1 solution itself (which had no reason to care about travel)
    let mut first = if start.deferred <= deferred.value + 1e-6 {
        start.values.clone()
    } else {
        stage1_values.clone()
    };
    let stage1_timetable = read_timetable(&cols, &stage1_values);
    if deferred.by == SolvedBy::Mip && stage1_timetable != start.timetable {
        let mut routed = evaluate(pb, case, &cols, &stage1_timetable)?;
        routed_before.push((
            routed.timetable.clone(),
            std::mem::take(&mut routed.sizes),
            std::mem::take(&mut routed.routing),
        ));
        let (_, travel_now) = measure(pb, &cols, &first);
        crate::progress::trace(|| {
            format!(
                "stage-1 timetable re-routed: deferred {} travel {} (start had {travel_now})",
                routed.deferred, routed.travel
            )
        });
        if routed.deferred <= deferred.value + 1e-6 && routed.travel < travel_now {
            first = routed.values;
        }
    }
    let (_, mut first_travel) = measure(pb, &cols, &first);
    if first_travel > floor + 0.5 && first_travel - floor > settings.gap * first_travel {
        let clock = std::time::Instant::now();
        let merged = aggregate::travel_floor(pb, case, &cliques, deferred.value)?;
        crate::progress::trace(|| {
            format!(
                "travel floor {floor}, slots merged {merged} in {:.2} s",
                clock.elapsed().as_secs_f64()
            )
        });
        floor = floor.max(merged);
    }
    // A start short of its bound goes through the neighbourhood search first, as in stage 1
    // (the MIP then gets what is left; on the 4-slot hard quarters the search took 1.4–6.4 %
    // off the travel where the MIP took nothing). With no MIP to follow, the search gets half the
    // limit: travel comes second, and a plan whose whole MIPs are too large then takes one and
    // a half limits of search (dense 200,000 registrations: about 45 s). It is not begun when
    // two rounds as long as stage 1's longest would not fit (1,000,000 registrations: a round
    // took 21 s and improved nothing).
    let met = |travel: f64| travel <= floor + 0.5 || travel - floor <= settings.gap * travel;
    let search_clock = std::time::Instant::now();
    let budget = settings.time_limit.map(|t| {
        let share = if whole_mip { 1.0 } else { 0.5 };
        std::time::Duration::from_secs_f64(t * share)
    });
    let mut searched = false;
    if !met(first_travel) && budget.is_none_or(|b| b >= 2 * round) {
        crate::progress::stage("least travel: neighbourhood search");
        let from = evaluate(pb, case, &cols, &read_timetable(&cols, &first))?;
        let (mut found, longest) = neighbourhood::improve(
            pb,
            case,
            settings,
            &cols,
            from,
            Goal {
                aim: Aim::Travel,
                floor,
                budget,
            },
        )?;
        searched = !longest.is_zero();
        if found.deferred <= deferred.value + 1e-6 && found.travel < first_travel - 0.5 {
            first_travel = found.travel;
            first = std::mem::take(&mut found.values);
            routed_before.push((found.timetable, found.sizes, found.routing));
        }
    }
    let first = &first;
    let (travel, values) = if met(first_travel) {
        let r = StageResult {
            value: first_travel,
            bound: floor,
            proven: true,
            by: SolvedBy::StartMetBound,
            seconds: 0.0,
        };
        (r, first.clone())
    } else if !whole_mip {
        let r = StageResult {
            value: first_travel,
            bound: floor,
            proven: false,
            by: if searched {
                SolvedBy::NeighbourhoodSearch
            } else {
                SolvedBy::Start
            },
            seconds: search_clock.elapsed().as_secs_f64(),
        };
        (r, first.clone())
    } else {
        crate::progress::stage(format!("least travel: HiGHS MIP{}", limit_text(settings)));
        let (m, obj, _) = build(
            pb,
            case,
            &allowed,
            Objective::Travel {
                max_deferred: deferred.value + 1e-6,
            },
            Rows::Plain,
        );
        // the stage's limit covers the neighbourhood search and the MIP together
        let mut stage_limits = limits(settings, integral_km(pb));
        if let Some(t) = stage_limits.time_limit.as_mut() {
            *t = (*t - search_clock.elapsed().as_secs_f64()).max(1.0);
        }
        let solved = m.minimise(obj, stage_limits, Some(first))?;
        let r = StageResult {
            value: solved.objective,
            bound: solved.bound.max(floor).min(solved.objective),
            proven: solved.reached == Reached::Optimal,
            by: SolvedBy::Mip,
            seconds: clock.elapsed().as_secs_f64(),
        };
        crate::progress::trace(|| {
            let (d, t) = measure(pb, &cols, &solved.values);
            format!(
                "travel stage: objective {} bound {} measured deferred {d} travel {t} floor {floor}",
                solved.objective, solved.bound
            )
        });
        (r, round_near_integers(solved.values))
    };
    let timetable = read_timetable(&cols, &values);
    let routed = routed_before
        .into_iter()
        .find(|r| r.0 == timetable)
        .map(|r| (r.1, r.2));
    Ok(Outcome {
        timetable,
        deferred,
        travel,
        routed,
    })
}

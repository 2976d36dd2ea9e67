//! The timetable's two stages, each from the best start known: the start (greedy, or an
//! earlier timetable) and the deferred floors; stage 1, fewest deferred; stage 2, least travel
//! with deferred held. Each stage is met by its start, improved by the neighbourhood search,
//! or solved by the whole MIP when that fits the time limit (see `whole_mip_fits`).

use super::*;
use crate::solve::highs::Model;
use bounds::ForcedClashes;
use evaluate::Start;
use good_lp::Expression;
use model::Cols;
use std::time::{Duration, Instant};

/// Timetables already routed, with the group sizes and routing, for the final routing to reuse.
pub(super) type Routed = Vec<(Timetable, Vec<u32>, Routing)>;

/// What every stage reads, computed once.
pub(super) struct Stages<'a> {
    pub pb: &'a Problem,
    pub case: &'a Case,
    pub settings: &'a Settings,
    /// The columns of the timetable model (every model built here has the same).
    pub cols: &'a Cols,
    /// Each paper's slots after symmetry breaking.
    pub allowed: &'a [Vec<usize>],
    /// Papers that pairwise share persons, with the clashes they force.
    pub cliques: &'a [ForcedClashes],
    /// Whether a whole MIP can be expected to get past its root LP in the limit.
    pub whole_mip: bool,
}

impl Stages<'_> {
    /// The best start and the deferred floor: the greedy start first (usually already at
    /// both proven bounds); the earlier timetable (a what-if's baseline) only when the greedy
    /// one leaves room to improve; and, when the start is short of the cheap floors, the
    /// merged-slots floor. Returns the start, the floor and how many starts were evaluated.
    pub fn best_start(&self, warm: Option<&Timetable>) -> Result<(Start, f64, usize), SolveError> {
        // the cheap deferred floors: registrations pinned beyond seats, forced clashes
        let mut floor =
            bounds::pinned_floor(self.pb, self.case).max(bounds::forced_clashes(self.cliques));
        crate::progress::trace(|| format!("deferred floor (pinned, clashes): {floor}"));
        // The greedy start first (usually already at both proven bounds); the earlier timetable
        // (a what-if's baseline) is evaluated only when the greedy one leaves room to improve.
        let mut best = evaluate(
            self.pb,
            self.case,
            self.cols,
            &canonical(self.pb, self.case, &greedy(self.pb, self.case)),
        )?;
        let mut evaluated = 1;
        if let Some(w) = warm.filter(|_| !meets_bounds(self.pb, self.settings, &best, floor)) {
            let admissible = w.len() == self.pb.papers.len()
                && w.iter().enumerate().all(|(p, s)| {
                    !s.is_empty() && s.iter().all(|t| self.pb.paper_slots[p].contains(t))
                });
            if admissible {
                let s = evaluate(
                    self.pb,
                    self.case,
                    self.cols,
                    &canonical(self.pb, self.case, w),
                )?;
                evaluated += 1;
                if (s.deferred, s.travel) < (best.deferred, best.travel) {
                    best = s;
                }
            }
        }
        if best.deferred > floor + 0.5 {
            let clock = std::time::Instant::now();
            let seats = aggregate::deferred_floor(self.pb, self.case, self.cliques)?;
            crate::progress::trace(|| {
                format!(
                    "deferred floor (seats and forced clashes, slots merged): {seats} in {:.2} s",
                    clock.elapsed().as_secs_f64()
                )
            });
            floor = floor.max(seats);
        }
        Ok((best, floor, evaluated))
    }

    /// The neighbourhood search for fewer deferred, when the start is short of the floor. It
    /// may use the stage's whole time (on every hard quarter measured, the whole MIP improved no
    /// start the search handed it, and its bound was the merged floor's or 0); the MIP then
    /// starts from what it found, with what is left. Returns the best found and the search's
    /// longest round.
    pub fn search_deferred(
        &self,
        best: Start,
        floor: f64,
    ) -> Result<(Start, Duration), SolveError> {
        if best.deferred <= floor + 0.5 {
            return Ok((best, Duration::ZERO));
        }
        crate::progress::stage("fewest deferred: neighbourhood search");
        let budget = self.settings.time_limit.map(Duration::from_secs_f64);
        neighbourhood::improve(
            self.pb,
            self.case,
            self.settings,
            self.cols,
            best,
            Goal {
                aim: Aim::Deferred,
                floor,
                budget,
            },
        )
    }

    /// Stage 1, fewest deferred: met by the start, or the search's result when the whole MIP
    /// does not fit, or the whole MIP from the start with the stage's time left.
    pub fn fewest_deferred(
        &self,
        stage1_model: Model,
        stage1_objective: Expression,
        start: &Start,
        floor: f64,
        round: Duration,
        search_clock: Instant,
    ) -> Result<(StageResult, Vec<f64>), SolveError> {
        let clock = std::time::Instant::now();
        Ok(if start.deferred <= floor + 0.5 {
            drop(stage1_model);
            let r = StageResult {
                value: start.deferred.round(),
                bound: floor,
                proven: true,
                by: SolvedBy::StartMetBound,
                seconds: 0.0,
            };
            (r, start.values.clone())
        } else if !self.whole_mip {
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
                limit_text(self.settings)
            ));
            // the stage's limit covers the neighbourhood search and the MIP together
            let mut stage_limits = limits(self.settings, true);
            if let Some(t) = stage_limits.time_limit.as_mut() {
                *t = (*t - search_clock.elapsed().as_secs_f64()).max(1.0);
            }
            let solved =
                stage1_model.minimise(stage1_objective, stage_limits, Some(&start.values))?;
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
        })
    }

    /// Stage 2, least travel with deferred held at stage 1's value: from the better of the
    /// start and the stage-1 timetable re-routed, through the search, then the whole MIP when
    /// it fits. Timetables routed on the way go into `routed_before`.
    pub fn least_travel(
        &self,
        start: &Start,
        deferred: &StageResult,
        stage1_values: &[f64],
        round: Duration,
        routed_before: &mut Routed,
    ) -> Result<(StageResult, Vec<f64>), SolveError> {
        let clock = std::time::Instant::now();
        let (mut first, mut first_travel, floor) =
            self.travel_start(start, deferred, stage1_values, routed_before)?;
        // A start short of its bound goes through the neighbourhood search first, as in stage 1
        // (the MIP then gets what is left; on the hard quarters the search improved travel where
        // the MIP did not). With no MIP to follow, the search gets half the limit: travel comes
        // second, so a plan whose whole MIPs are too large takes one and a half limits of
        // search. It is not begun when two rounds as long as stage 1's longest would not fit
        // (BENCHMARKS.md, "Why the code is as it is": the travel search).
        let met =
            |travel: f64| travel <= floor + 0.5 || travel - floor <= self.settings.gap * travel;
        let search_clock = std::time::Instant::now();
        let budget = self.settings.time_limit.map(|t| {
            let share = if self.whole_mip { 1.0 } else { 0.5 };
            std::time::Duration::from_secs_f64(t * share)
        });
        let mut searched = false;
        if !met(first_travel) && budget.is_none_or(|b| b >= 2 * round) {
            crate::progress::stage("least travel: neighbourhood search");
            let from = evaluate(
                self.pb,
                self.case,
                self.cols,
                &read_timetable(self.cols, &first),
            )?;
            let (mut found, longest) = neighbourhood::improve(
                self.pb,
                self.case,
                self.settings,
                self.cols,
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
        Ok(if met(first_travel) {
            let r = StageResult {
                value: first_travel,
                bound: floor,
                proven: true,
                by: SolvedBy::StartMetBound,
                seconds: 0.0,
            };
            (r, first.clone())
        } else if !self.whole_mip {
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
            crate::progress::stage(format!(
                "least travel: HiGHS MIP{}",
                limit_text(self.settings)
            ));
            let (m, obj, _) = build(
                self.pb,
                self.case,
                self.allowed,
                Objective::Travel {
                    max_deferred: deferred.value + 1e-6,
                },
                Rows::Plain,
            );
            // the stage's limit covers the neighbourhood search and the MIP together
            let mut stage_limits = limits(self.settings, integral_km(self.pb));
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
                let (d, t) = measure(self.pb, self.cols, &solved.values);
                format!(
                    "travel stage: objective {} bound {} measured deferred {d} travel {t} floor {floor}",
                    solved.objective, solved.bound
                )
            });
            (r, round_near_integers(solved.values))
        })
    }

    /// Stage 2's start and floor: the start's values, or stage 1's timetable re-routed for
    /// least travel when that is better; the travel floor, raised by the merged-slots floor
    /// when the start is short of the cheap one. Returns (values, their travel, the floor).
    fn travel_start(
        &self,
        start: &Start,
        deferred: &StageResult,
        stage1_values: &[f64],
        routed_before: &mut Routed,
    ) -> Result<(Vec<f64>, f64, f64), SolveError> {
        let mut floor = travel_floor(self.pb, deferred.value);
        // the stage-1 timetable re-routed for least travel is usually a far better start than the
        // stage-1 solution itself (which had no reason to care about travel)
        let mut first = if start.deferred <= deferred.value + 1e-6 {
            start.values.clone()
        } else {
            stage1_values.to_vec()
        };
        let stage1_timetable = read_timetable(self.cols, stage1_values);
        if deferred.by == SolvedBy::Mip && stage1_timetable != start.timetable {
            let mut routed = evaluate(self.pb, self.case, self.cols, &stage1_timetable)?;
            routed_before.push((
                routed.timetable.clone(),
                std::mem::take(&mut routed.sizes),
                std::mem::take(&mut routed.routing),
            ));
            let (_, travel_now) = measure(self.pb, self.cols, &first);
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
        let (_, first_travel) = measure(self.pb, self.cols, &first);
        if first_travel > floor + 0.5 && first_travel - floor > self.settings.gap * first_travel {
            let clock = std::time::Instant::now();
            let merged = aggregate::travel_floor(self.pb, self.case, self.cliques, deferred.value)?;
            crate::progress::trace(|| {
                format!(
                    "travel floor {floor}, slots merged {merged} in {:.2} s",
                    clock.elapsed().as_secs_f64()
                )
            });
            floor = floor.max(merged);
        }
        Ok((first, first_travel, floor))
    }
}

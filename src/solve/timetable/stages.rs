//! The timetable's two stages, each from the best start known: the start (greedy, or an
//! earlier timetable) and the deferred floors; stage 1, fewest deferred; stage 2, least travel
//! with deferred held. Each stage is met by its start, improved by the neighbourhood search,
//! or solved by the whole MIP when that fits its size rule (see `whole_mip_fits`).

use super::*;
use crate::solve::highs::Model;
use crate::solve::highs::Reached;
use bounds::ForcedClashes;
use evaluate::{warm_values, Start};
use good_lp::Expression;
use model::Cols;
use neighbourhood::Spent;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What every stage reads, computed once.
pub(super) struct Stages<'a> {
    pub pb: &'a Problem,
    pub case: &'a Case,
    pub settings: &'a Settings,
    /// Each group's destinations and their km, as the timetable model counts travel.
    pub dest: &'a [Vec<(usize, f64)>],
    /// Each paper's slots after symmetry breaking.
    pub allowed: &'a [Vec<usize>],
    /// Papers that pairwise share persons, with the clashes they force.
    pub cliques: &'a [ForcedClashes],
    /// The whole timetable model, built the first time a stage needs it: a quarter whose
    /// start meets its bounds (most what-if scenarios) never does.
    whole: OnceLock<Whole>,
}

/// The whole timetable model (stage 1's, until stage 1 solves it), its columns (every model
/// built here has the same) and whether it may run.
struct Whole {
    stage1: Mutex<Option<(Model, Expression)>>,
    cols: Cols,
    /// Whether a whole MIP can be expected to get past its root LP in the limit.
    whole_mip: bool,
    /// The explicit time limit alone kept the whole MIP from running.
    capped: bool,
}

impl<'a> Stages<'a> {
    pub fn new(
        pb: &'a Problem,
        case: &'a Case,
        settings: &'a Settings,
        dest: &'a [Vec<(usize, f64)>],
        allowed: &'a [Vec<usize>],
        cliques: &'a [ForcedClashes],
    ) -> Stages<'a> {
        Stages {
            pb,
            case,
            settings,
            dest,
            allowed,
            cliques,
            whole: OnceLock::new(),
        }
    }

    /// The whole model, built now if no stage has needed it yet.
    fn whole(&self) -> &Whole {
        self.whole.get_or_init(|| {
            let clock = Instant::now();
            crate::progress::stage("building the timetable model");
            let (model, objective, cols) = build(
                self.pb,
                self.case,
                self.allowed,
                Objective::Deferred,
                Rows::Plain,
            );
            crate::progress::trace(|| {
                format!(
                    "timetable model built in {:.2} s",
                    clock.elapsed().as_secs_f64()
                )
            });
            // too large a whole MIP is not run: its stage's work all goes to the search
            let (whole_mip, capped) = whole_mip_fits(model.rows(), self.settings);
            if !whole_mip {
                crate::progress::trace(|| {
                    format!("the whole MIP ({} rows) is too large to run", model.rows())
                });
            }
            Whole {
                stage1: Mutex::new(Some((model, objective))),
                cols,
                whole_mip,
                capped,
            }
        })
    }
}

impl Stages<'_> {
    /// The best start and the deferred floor: the first greedy start (usually already at
    /// both proven bounds); the other greedy starts and the earlier timetable (a what-if's
    /// baseline) only when it leaves room to improve; and, when the start is short of the
    /// cheap floors, the merged-slots floor. Returns the start, the floor and how many starts
    /// were evaluated.
    pub fn best_start(&self, warm: Option<&Timetable>) -> Result<(Start, f64, usize), SolveError> {
        // the cheap deferred floors: registrations pinned beyond seats, forced clashes
        let mut floor =
            bounds::pinned_floor(self.pb, self.case).max(bounds::forced_clashes(self.cliques));
        crate::progress::trace(|| format!("deferred floor (pinned, clashes): {floor}"));
        // The first greedy start (usually already at both proven bounds); the other greedy
        // starts and the earlier timetable (a what-if's baseline) are evaluated only when it
        // leaves room to improve.
        let route = |tt: &Timetable| {
            evaluate(
                self.pb,
                self.case,
                self.dest,
                &canonical(self.pb, self.case, tt),
            )
        };
        let mut greedy = starts(self.pb, self.case);
        let first = greedy
            .next()
            .expect("the start heuristic gives at least one timetable");
        let mut best = route(&first)?;
        crate::progress::trace(|| {
            format!(
                "greedy start: deferred {} travel {}",
                best.deferred, best.travel
            )
        });
        let mut evaluated = 1;
        if !meets_bounds(self.pb, self.settings, &best, floor) {
            for other in greedy {
                let s = route(&other)?;
                crate::progress::trace(|| {
                    format!(
                        "another greedy start: deferred {} travel {}",
                        s.deferred, s.travel
                    )
                });
                evaluated += 1;
                if (s.deferred, s.travel) < (best.deferred, best.travel) {
                    best = s;
                }
            }
        }
        if let Some(w) = warm.filter(|_| !meets_bounds(self.pb, self.settings, &best, floor)) {
            let admissible = w.len() == self.pb.papers.len()
                && w.iter().enumerate().all(|(p, s)| {
                    !s.is_empty() && s.iter().all(|t| self.pb.paper_slots[p].contains(t))
                });
            if admissible {
                let s = route(w)?;
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
    /// may spend the stage's whole work (on every hard quarter measured, the whole MIP
    /// improved no start the search handed it, and its bound was the merged floor's or 0);
    /// the MIP then starts from what it found. Returns the best found and what it spent.
    pub fn search_deferred(&self, best: Start, floor: f64) -> Result<(Start, Spent), SolveError> {
        if best.deferred <= floor + 0.5 {
            return Ok((best, Spent::default()));
        }
        crate::progress::stage("fewest deferred: neighbourhood search");
        neighbourhood::improve(
            self.pb,
            self.case,
            self.settings,
            self.dest,
            best,
            Goal {
                aim: Aim::Deferred,
                floor,
                iterations: self.search_budget(),
                deadline: self.deadline(1.0),
            },
        )
    }

    /// Stage 1's search budget: [`Work::search_iterations`](crate::solve::Work), twice that
    /// when no whole MIP follows to spend the rest (dense 200,000 registrations: 2.3 % from
    /// 9,705 with the single budget in 23 s, BENCHMARKS.md, "Hard quarters II").
    fn search_budget(&self) -> u64 {
        let base = self.settings.work.search_iterations;
        if self.whole().whole_mip {
            base
        } else {
            2 * base
        }
    }

    /// The end of `share` of the explicit time limit, from now; none without one.
    fn deadline(&self, share: f64) -> Option<Instant> {
        self.settings
            .time_limit
            .map(|t| Instant::now() + Duration::from_secs_f64(t * share))
    }

    /// Whether stage 1 runs the whole MIP from `start` ([`Stages::fewest_deferred`] does
    /// when the start is short of the floor and the MIP fits its size rule).
    pub fn deferred_mip_runs(&self, start: &Start, floor: f64) -> bool {
        start.deferred > floor + 0.5 && self.whole().whole_mip
    }

    /// Stage 1, fewest deferred: met by the start, or the search's result when the whole MIP
    /// does not fit, or the whole MIP from the start with its budget of nodes and LP
    /// iterations (and what is left of an explicit time limit). The MIP's
    /// timetable is evaluated exactly and kept only when it defers fewer: its objective prices
    /// persons with three or more papers below what they lose, so its bound is a bound and
    /// its value is not the plan's. Returns the stage and its plan, evaluated.
    pub fn fewest_deferred(
        &self,
        start: Start,
        floor: f64,
        searched: Spent,
        search_clock: Instant,
    ) -> Result<(StageResult, Start), SolveError> {
        let clock = std::time::Instant::now();
        if start.deferred <= floor + 0.5 {
            let r = StageResult {
                value: start.deferred.round(),
                bound: floor,
                proven: true,
                by: SolvedBy::StartMetBound,
                seconds: 0.0,
                timed_out: false,
            };
            return Ok((r, start));
        }
        if !self.whole().whole_mip {
            let r = StageResult {
                value: start.deferred.round(),
                bound: floor,
                proven: false,
                by: if searched.rounds == 0 {
                    SolvedBy::Start
                } else {
                    SolvedBy::NeighbourhoodSearch
                },
                seconds: search_clock.elapsed().as_secs_f64(),
                timed_out: searched.timed_out || self.whole().capped,
            };
            return Ok((r, start));
        }
        crate::progress::stage(format!(
            "fewest deferred: HiGHS MIP{}",
            limit_text(self.settings)
        ));
        // the stage's limit covers the neighbourhood search and the MIP together
        let mut stage_limits = limits(self.settings, self.pb.clash_weights_integral());
        if let Some(t) = stage_limits.time_limit.as_mut() {
            *t = (*t - search_clock.elapsed().as_secs_f64()).max(1.0);
        }
        let (stage1_model, stage1_objective) = self
            .whole()
            .stage1
            .lock()
            .expect("no stage panics holding the model")
            .take()
            .expect("stage 1 solves its model once");
        let warm = warm_values(self.pb, self.case, &self.whole().cols, &start);
        let solved = stage1_model.minimise(stage1_objective, stage_limits, Some(&warm))?;
        crate::progress::trace(|| {
            format!(
                "deferred stage: objective {} bound {} in {:.2} s",
                solved.objective,
                solved.bound,
                clock.elapsed().as_secs_f64()
            )
        });
        let best = self.better_of(start, &solved.values, |found, best| {
            found.deferred < best.deferred - 0.5
                || (found.deferred <= best.deferred + 0.5 && found.travel < best.travel)
        })?;
        let value = best.deferred.round();
        // the credits make the LP bound negative at times; deferred is never below the floor
        let mip_bound = if self.mip_bound_holds() {
            (solved.bound - 1e-6).ceil()
        } else {
            floor
        };
        let bound = mip_bound.max(floor).min(value);
        let r = StageResult {
            value,
            bound,
            proven: value <= bound + 0.5,
            by: SolvedBy::Mip,
            seconds: clock.elapsed().as_secs_f64(),
            timed_out: searched.timed_out || solved.reached == Reached::TimeLimit,
        };
        Ok((r, best))
    }

    /// The whole MIPs price clashes per shared slot, which counts a pair of papers sharing
    /// two slots twice: with one sitting per paper their bounds are bounds of every plan,
    /// with more they are not used.
    fn mip_bound_holds(&self) -> bool {
        self.case.policy.sittings_per_paper == 1
    }

    /// `best`, or the timetable of a MIP's `values` evaluated exactly when `better` says so.
    fn better_of(
        &self,
        best: Start,
        values: &[f64],
        better: impl Fn(&Start, &Start) -> bool,
    ) -> Result<Start, SolveError> {
        let timetable = read_timetable(&self.whole().cols, values);
        if timetable == best.timetable {
            return Ok(best);
        }
        let found = evaluate(self.pb, self.case, self.dest, &timetable)?;
        crate::progress::trace(|| {
            format!(
                "the MIP's timetable evaluated: deferred {} travel {} (had {} and {})",
                found.deferred, found.travel, best.deferred, best.travel
            )
        });
        Ok(if better(&found, &best) { found } else { best })
    }

    /// Stage 2, least travel with deferred held at stage 1's value: from stage 1's plan,
    /// through the search, then the whole MIP when it fits. Each plan found is evaluated
    /// exactly and kept only when it defers no more and travels less.
    pub fn least_travel(
        &self,
        first: Start,
        held_deferred: f64,
        deferred_search: Spent,
    ) -> Result<(StageResult, Start), SolveError> {
        let clock = std::time::Instant::now();
        let floor = self.travel_floor(&first, held_deferred)?;
        let mut first = first;
        // A start short of its bound goes through the neighbourhood search first, as in stage 1
        // (on the hard quarters the search improved travel where the MIP did not), with half
        // stage 1's work: travel comes second, and its sub-MIPs are the slower ones
        // (BENCHMARKS.md, "Why the code is as it is": the travel search).
        let met =
            |travel: f64| travel <= floor + 0.5 || travel - floor <= self.settings.gap * travel;
        let search_clock = std::time::Instant::now();
        let share = 0.5;
        // A round of stage 1's search that cost more than stage 1's whole budget says the
        // neighbourhoods are too large to search for travel: at 1,000,000 registrations such a
        // round (235,000 iterations) was followed by a travel round of 249,000 iterations and
        // 49 s that took 0.3 % off (BENCHMARKS.md, "Hard quarters II")
        let fits = deferred_search.longest_round <= self.settings.work.search_iterations;
        // Nor is there work to spare for travel while fewest deferred, which comes first, was
        // still unsettled: stage 1's search ran out before it had searched every pair of
        // slots once (dense 200,000 registrations: 16.9 s of travel search for 0.7 % of the
        // travel; half-deferred 1,000,000: 127 s for nothing, BENCHMARKS.md, "Hard quarters
        // II", second step).
        let fits = fits && !deferred_search.cut_short;
        let mut searched = Spent::default();
        if !met(first.travel) && fits {
            crate::progress::stage("least travel: neighbourhood search");
            let budget = (self.search_budget() as f64 * share) as u64;
            let (found, spent) = neighbourhood::improve(
                self.pb,
                self.case,
                self.settings,
                self.dest,
                first,
                Goal {
                    aim: Aim::Travel,
                    floor,
                    iterations: budget,
                    deadline: self.deadline(share),
                },
            )?;
            searched = spent;
            first = found;
        }
        if met(first.travel) {
            let r = StageResult {
                value: first.travel,
                bound: floor,
                proven: true,
                by: SolvedBy::StartMetBound,
                seconds: 0.0,
                timed_out: searched.timed_out,
            };
            return Ok((r, first));
        }
        if !self.whole().whole_mip {
            let r = StageResult {
                value: first.travel,
                bound: floor,
                proven: false,
                by: if searched.rounds > 0 {
                    SolvedBy::NeighbourhoodSearch
                } else {
                    SolvedBy::Start
                },
                seconds: search_clock.elapsed().as_secs_f64(),
                timed_out: searched.timed_out || self.whole().capped,
            };
            return Ok((r, first));
        }
        crate::progress::stage(format!(
            "least travel: HiGHS MIP{}",
            limit_text(self.settings)
        ));
        let (m, obj, _) = build(
            self.pb,
            self.case,
            self.allowed,
            Objective::Travel {
                max_deferred: held_deferred + 1e-6,
            },
            Rows::Plain,
        );
        // the stage's limit covers the neighbourhood search and the MIP together
        let mut stage_limits = limits(self.settings, integral_km(self.pb));
        if let Some(t) = stage_limits.time_limit.as_mut() {
            *t = (*t - search_clock.elapsed().as_secs_f64()).max(1.0);
        }
        let warm = warm_values(self.pb, self.case, &self.whole().cols, &first);
        let solved = m.minimise(obj, stage_limits, Some(&warm))?;
        crate::progress::trace(|| {
            let (d, t) = measure(self.pb, &self.whole().cols, &solved.values);
            format!(
                "travel stage: objective {} bound {} measured deferred {d} travel {t} floor {floor}",
                solved.objective, solved.bound
            )
        });
        let held = held_deferred + 1e-6;
        let best = self.better_of(first, &solved.values, |found, best| {
            found.deferred <= held && found.travel < best.travel - 1e-9
        })?;
        let bound = if self.mip_bound_holds() {
            solved.bound.max(floor)
        } else {
            floor
        }
        .min(best.travel);
        let r = StageResult {
            value: best.travel,
            bound,
            proven: best.travel <= bound + 0.5
                || best.travel - bound <= self.settings.gap * best.travel,
            by: SolvedBy::Mip,
            seconds: clock.elapsed().as_secs_f64(),
            timed_out: searched.timed_out || solved.reached == Reached::TimeLimit,
        };
        Ok((r, best))
    }

    /// Stage 2's floor: the cheap travel floor, raised by the merged-slots floor when the
    /// start is short of the cheap one.
    fn travel_floor(&self, first: &Start, held_deferred: f64) -> Result<f64, SolveError> {
        let mut floor = travel_floor(self.pb, held_deferred);
        if first.travel > floor + 0.5 && first.travel - floor > self.settings.gap * first.travel {
            let clock = std::time::Instant::now();
            let merged = aggregate::travel_floor(self.pb, self.case, self.cliques, held_deferred)?;
            crate::progress::trace(|| {
                format!(
                    "travel floor {floor}, slots merged {merged} in {:.2} s",
                    clock.elapsed().as_secs_f64()
                )
            });
            floor = floor.max(merged);
        }
        Ok(floor)
    }
}

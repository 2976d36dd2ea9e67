//! Assessment panels as an integer program: which experts assess which applicant on site.
//!
//! Each applicant gets exactly `size` experts or none (`x[a][k]` picks candidate k of applicant
//! a, `y[a]` says a has a panel); the callers offer only experts the hard rules allow, so the
//! model itself only knows capacities and coverage. Four objectives are solved one after the
//! other, each held at its value while the next is optimised: applicants with a panel, applied
//! occupations covered (`z[a][o]`), expert travel, and the busiest expert's load. The last
//! stage is proven without a model when the plan already meets a floor that counts seats
//! (`busiest_floor`): on a capacity-bound round every qualified seat is needed.

mod dive;
mod model;
mod pricing;
#[cfg(test)]
mod tests;

use dive::dive;
use model::*;
use pricing::*;

use super::highs::{Limits, Model, Solved};
use super::{SolveError, StageResult};
use good_lp::{variable, Expression};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::time::Instant;

/// What the model needs to know, as indices: the callers resolve the case.
#[derive(Debug, Clone)]
pub struct PanelProblem {
    /// Experts on every panel (at least 2).
    pub size: u32,
    /// Panels each expert can sit (`max_panels`).
    pub capacity: Vec<u32>,
    pub applicants: Vec<Applicant>,
}

/// One institution with a pending filing and the experts who may assess it.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// How many occupations it applied for.
    pub occupations: usize,
    /// Experts the hard rules allow (qualified, no conflict), in a fixed order.
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub expert: usize,
    /// Indices (below `occupations`) of the applied occupations the expert covers.
    pub covers: Vec<usize>,
    pub km: f64,
}

/// Each applicant's panel (expert indices, empty for none) and each stage's value and bound.
#[derive(Debug, Clone)]
pub struct PanelPlan {
    pub panels: Vec<Vec<usize>>,
    /// Applicants with a panel (a maximum: its bound is an upper bound).
    pub with_panel: StageResult,
    /// Applied occupations the panels cover (a maximum).
    pub covered: StageResult,
    /// Expert travel, km (a minimum).
    pub travel: StageResult,
    /// Panels of the busiest expert (a minimum).
    pub busiest: StageResult,
}

/// The four objectives, in the order they are optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// Most applicants with a panel, then most applied occupations covered, as one weighted
    /// objective (see [`coverage_weight`]).
    Coverage,
    Travel,
    Busiest,
}

/// Values the earlier stages reached, held while later stages run.
#[derive(Default, Clone, Copy)]
struct Held {
    with_panel: f64,
    covered: f64,
    travel: f64,
}

/// Candidates per applicant the MIP gets beyond the LP's support, cheapest reduced cost first:
/// room for the integer plan to differ from the fractional one.
const MIP_EXTRA_PER_APPLICANT: usize = 4;

/// The most candidates the gap step adds to re-run a MIP that stopped short of the LP bound;
/// beyond it the stage keeps its plan and reports the LP bound.
const GAP_COLUMNS: usize = 20_000;

/// Binary variables for the MIP, `[0, 1]` for the LP that prices left-out candidates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mip,
    Lp,
}

/// How many times the other stages' LP iterations the travel stage's MIP may spend.
const TRAVEL_WORK: u64 = 4;

/// Solves the four stages. `limits` apply to each MIP (the travel stage's LP iterations
/// × [`TRAVEL_WORK`]).
///
/// Each stage first solves its LP relaxation over the pool and adds every left-out candidate
/// whose reduced cost is negative, until none is: the LP optimum is then the full model's, a
/// valid bound. The MIP runs on the pool; when it stops short of that bound, every candidate
/// whose reduced cost is below the gap joins (no better plan can use the others) and the MIP
/// runs again, so the stage's bound stays valid for the full model.
pub fn assign(problem: &PanelProblem, limits: Limits) -> Result<PanelPlan, SolveError> {
    let seed = greedy(problem);
    let mut pool = Pool::initial(problem);
    pool.add(&seed);
    assign_from(problem, limits, pool, seed)
}

fn assign_from(
    problem: &PanelProblem,
    limits: Limits,
    mut pool: Pool,
    seed: Vec<(usize, usize)>,
) -> Result<PanelPlan, SolveError> {
    let mut held = Held::default();
    let mut chosen = seed;
    let mut results = Vec::new();
    let weight = coverage_weight(problem);
    for stage in [Stage::Coverage, Stage::Travel, Stage::Busiest] {
        let clock = Instant::now();
        // a relative gap of the weighted objective (≈ panels × weight) would let whole
        // occupations go uncovered: the first stage's gap is counted in occupations instead
        let limits = match stage {
            Stage::Coverage => Limits {
                rel_gap: 0.0,
                abs_gap: (limits.rel_gap * weight).max(0.5),
                ..limits
            },
            // the travel MIP starts from the coverage stage's plan, far from its optimum: on
            // 2,000 applicants it needed 4× the LP iterations to find and prove its pool's
            // optimum, where more work for the other stages changed nothing (BENCHMARKS.md,
            // "Hard quarters II")
            Stage::Travel => Limits {
                lp_iterations: limits.lp_iterations.map(|n| n * TRAVEL_WORK),
                ..limits
            },
            Stage::Busiest => limits,
        };
        // the busiest expert's count has a floor that needs no LP: when the plan meets it, the
        // stage is proven as it stands (on a capacity-bound round every seat is needed)
        let floor = (stage == Stage::Busiest).then(|| busiest_floor(problem, held.with_panel));
        if let Some(floor) = floor {
            let busiest = panel_values(problem, &chosen).busiest;
            if busiest <= floor {
                crate::progress::trace(|| {
                    format!("panels {stage:?}: the plan meets the seat-count floor {floor}")
                });
                let seconds = clock.elapsed().as_secs_f64();
                results.push(stage_result(busiest, floor, true, seconds));
                continue;
            }
        }
        if stage == Stage::Travel {
            // travel prices afresh from the near candidates and the plan: the first stage's
            // pool is mostly experts priced in for coverage, far ones (2,000 applicants: the
            // travel LP's rounds took 10.3 s from here, 13.5 s from that pool; BENCHMARKS.md,
            // "Hard quarters II", tenth step)
            pool = Pool::initial(problem);
            pool.add(&chosen);
        }
        let lp = price(problem, &mut pool, stage, held)?;
        let integral_objective = stage != Stage::Travel;
        let mut bound = full_bound(lp.objective, integral_objective);
        if let Some(floor) = floor {
            bound = bound.max(floor);
        }
        if let Some(pairs) = lp.integral_plan() {
            // a vertex of this near-network LP is often integral: it is the MIP's optimum
            crate::progress::trace(|| format!("panels {stage:?}: the LP optimum is integral"));
            chosen = pairs;
        } else {
            // the MIP runs on the LP's support and the current plan: few columns, and the
            // LP bound stays valid for the full model whatever the MIP reaches
            let mut support = Pool::support(problem, &lp, &chosen);
            support.add(&reduced_below(
                problem,
                &support,
                stage,
                &lp.duals,
                f64::INFINITY,
                MIP_EXTRA_PER_APPLICANT,
            ));
            // it starts from the better of the current plan and the LP's own (the panels the
            // LP has whole, the rest solved apart), which the stage keeps whatever its MIP
            // finds within its work
            if let Some(plan) = dive(problem, &pool, &lp, stage, held, limits) {
                let v = panel_values(problem, &plan);
                let now = panel_values(problem, &chosen);
                if keeps_held(stage, held, &v)
                    && worth(problem, stage, &v) < worth(problem, stage, &now)
                {
                    support.add(&plan);
                    chosen = plan;
                }
            }
            let (mut layout, mut solved) =
                solve_pool(problem, &support, stage, held, limits, &chosen)?;
            if solved.objective > bound + 1e-6 {
                // candidates that could still improve on the pool's plan
                let gap = solved.objective - lp.objective;
                let more = reduced_below(problem, &support, stage, &lp.duals, gap, usize::MAX);
                if more.is_empty() {
                    bound = bound.max(solved.bound);
                } else if more.len() <= GAP_COLUMNS {
                    let mut pool = support;
                    pool.add(&more);
                    let incumbent = solved.objective;
                    let keep = solution_pairs(&solved, &layout);
                    (layout, solved) = solve_pool(problem, &pool, stage, held, limits, &keep)?;
                    bound = bound.max(solved.bound.min(incumbent));
                }
                // else: too many could still matter; the LP bound is what stays proven
            }
            chosen = solution_pairs(&solved, &layout);
        }
        let values = panel_values(problem, &chosen);
        crate::progress::trace(|| {
            format!(
                "panels {stage:?}: plan of {} pair(s), travel {}, covered {}",
                chosen.len(),
                values.travel,
                values.covered
            )
        });
        let seconds = clock.elapsed().as_secs_f64();
        match stage {
            Stage::Coverage => {
                held.with_panel = values.with_panel;
                held.covered = values.covered;
                // M·panels + covered ≤ −bound, and covered ≥ 0
                let most = -bound;
                let panels_bound = ((most + 1e-6) / weight).floor();
                let covered_bound = most - weight * values.with_panel;
                results.push(stage_result(
                    values.with_panel,
                    panels_bound,
                    false,
                    seconds,
                ));
                results.push(stage_result(values.covered, covered_bound, false, 0.0));
            }
            Stage::Travel => {
                held.travel = values.travel;
                results.push(stage_result(values.travel, bound, true, seconds));
            }
            Stage::Busiest => results.push(stage_result(values.busiest, bound, true, seconds)),
        }
    }
    let mut panels = vec![Vec::new(); problem.applicants.len()];
    for &(a, k) in &chosen {
        panels[a].push(problem.applicants[a].candidates[k].expert);
    }
    for p in &mut panels {
        p.sort_unstable();
    }
    let mut results = results.into_iter();
    Ok(PanelPlan {
        panels,
        with_panel: results.next().expect("stage 1"),
        covered: results.next().expect("stage 2"),
        travel: results.next().expect("stage 3"),
        busiest: results.next().expect("stage 4"),
    })
}

/// The weight of one more panel against one more covered occupation in the first stage: more
/// than all occupations together, so the weighted sum orders plans exactly as "most panels,
/// then most coverage" does.
fn coverage_weight(problem: &PanelProblem) -> f64 {
    (problem
        .applicants
        .iter()
        .map(|a| a.occupations)
        .sum::<usize>()
        + 1) as f64
}

/// A feasible plan to start from, scarcest applicants first: each takes, one member at a time,
/// the expert with panels left who covers most of its applied occupations not yet covered
/// (the first must cover one), nearest first among equals, or nothing when it cannot be
/// completed. Its coverage is what the first stage keeps if its MIP finds nothing better
/// within its work: on 2,000 applicants a nearest-first start covered 1,943 occupations where
/// the plan covers 3,279 (BENCHMARKS.md, "Hard quarters II", sixth step).
fn greedy(problem: &PanelProblem) -> Vec<(usize, usize)> {
    let mut left = problem.capacity.clone();
    let mut order: Vec<usize> = (0..problem.applicants.len()).collect();
    let covering = |a: usize| {
        problem.applicants[a]
            .candidates
            .iter()
            .filter(|c| !c.covers.is_empty())
            .count()
    };
    order.sort_by_key(|&a| (covering(a), a));
    let mut pairs = Vec::new();
    for a in order {
        let applicant = &problem.applicants[a];
        let cands = &applicant.candidates;
        let mut near: Vec<usize> = (0..cands.len()).collect();
        near.sort_by(|&i, &j| {
            cands[i]
                .km
                .total_cmp(&cands[j].km)
                .then(cands[i].expert.cmp(&cands[j].expert))
        });
        let mut covered = vec![false; applicant.occupations];
        let mut panel: Vec<usize> = Vec::new();
        while panel.len() < problem.size as usize {
            let gain = |k: usize| cands[k].covers.iter().filter(|&&o| !covered[o]).count();
            // the nearest of the most gaining: `near` is in order, so the first maximum wins
            let best = near
                .iter()
                .copied()
                .filter(|&k| left[cands[k].expert] > 0 && !panel.contains(&k))
                .filter(|&k| !panel.is_empty() || !cands[k].covers.is_empty())
                .fold(None, |best: Option<(usize, usize)>, k| match best {
                    Some((_, g)) if g >= gain(k) => best,
                    _ => Some((k, gain(k))),
                });
            let Some((k, _)) = best else { break };
            for &o in &cands[k].covers {
                covered[o] = true;
            }
            panel.push(k);
        }
        if panel.len() == problem.size as usize {
            for &k in &panel {
                left[cands[k].expert] -= 1;
                pairs.push((a, k));
            }
        }
    }
    pairs
}

/// The fewest panels the busiest expert can sit when `with_panel` panels are seated: the least
/// `b` with `Σ min(capacity, b) ≥ size × with_panel` over the experts some applicant may call,
/// since no expert sits more than `b` panels or more than its capacity.
fn busiest_floor(problem: &PanelProblem, with_panel: f64) -> f64 {
    let mut callable = vec![false; problem.capacity.len()];
    for c in problem.applicants.iter().flat_map(|a| &a.candidates) {
        callable[c.expert] = true;
    }
    let capacities: Vec<u32> = (0..problem.capacity.len())
        .filter(|&e| callable[e])
        .map(|e| problem.capacity[e])
        .collect();
    let seats = f64::from(problem.size) * with_panel.round();
    let most = capacities.iter().copied().max().unwrap_or(0);
    (0..=most)
        .find(|&b| capacities.iter().map(|&c| f64::from(c.min(b))).sum::<f64>() >= seats)
        .map_or(0.0, f64::from)
}

/// A bound on a minimised objective from the LP: whole-number objectives round up.
fn full_bound(lp: f64, integral: bool) -> f64 {
    if integral {
        (lp - 1e-6).ceil()
    } else {
        lp
    }
}

/// The MIP on the pool, started from `start` (pairs of an earlier, feasible plan).
///
/// With HiGHS presolve first, its answer checked against the plan it names, and again without
/// presolve when the check fails or HiGHS gives up. Presolve more than halves the large rounds'
/// MIPs (BENCHMARKS.md, "Hard quarters II", sixth step), but HiGHS twice went wrong with it on
/// small models that presolve reduced to nothing (both found by the property test, both kept
/// as regression tests): once "optimal" at a better objective than the start whose values it
/// returned (HiGHS issue 907 tells of the same), once "solve error" with the violated solution
/// presolve left. Both fail the check.
fn solve_pool(
    problem: &PanelProblem,
    pool: &Pool,
    stage: Stage,
    held: Held,
    limits: Limits,
    start: &[(usize, usize)],
) -> Result<(Layout, Solved), SolveError> {
    let clock = Instant::now();
    let attempt = |presolve: bool| -> Result<(Layout, Solved), SolveError> {
        let (model, layout, objective) = build(problem, pool, stage, held, Kind::Mip);
        let warm = (!start.is_empty()).then(|| start_vector(problem, &layout, start));
        let limits = Limits { presolve, ..limits };
        let solved = model.minimise(objective, limits, warm.as_deref())?;
        Ok((layout, solved))
    };
    let (layout, solved) = match attempt(true) {
        Ok((layout, solved)) if answer_holds(problem, stage, held, &layout, &solved) => {
            (layout, solved)
        }
        first => {
            crate::progress::trace(|| {
                let what = match &first {
                    Ok((_, solved)) => {
                        format!("objective {} not what its plan gives", solved.objective)
                    }
                    Err(e) => e.to_string(),
                };
                format!(
                    "panels {stage:?}: presolve's answer fails the check ({what}); again without"
                )
            });
            attempt(false)?
        }
    };
    crate::progress::trace(|| {
        format!(
            "panels {stage:?}: MIP over {} candidate(s) = {:.3} (bound {:.3}) in {:.2} s",
            layout.x.len(),
            solved.objective,
            solved.bound,
            clock.elapsed().as_secs_f64()
        )
    });
    Ok((layout, solved))
}

/// Whether a MIP's answer is what it claims: the plan its values name keeps every rule of the
/// model (whole panels with a covering member, capacities, the held stages) and is worth at
/// least the objective reported.
fn answer_holds(
    problem: &PanelProblem,
    stage: Stage,
    held: Held,
    layout: &Layout,
    solved: &Solved,
) -> bool {
    let pairs = solution_pairs(solved, layout);
    let size = problem.size as usize;
    let mut members = vec![0usize; problem.applicants.len()];
    let mut covering = vec![false; problem.applicants.len()];
    let mut load = vec![0u32; problem.capacity.len()];
    for &(a, k) in &pairs {
        let c = &problem.applicants[a].candidates[k];
        members[a] += 1;
        covering[a] |= !c.covers.is_empty();
        load[c.expert] += 1;
    }
    let whole = members
        .iter()
        .zip(&covering)
        .all(|(&n, &cov)| n == 0 || (n == size && cov));
    let within = load.iter().zip(&problem.capacity).all(|(l, c)| l <= c);
    let v = panel_values(problem, &pairs);
    let as_claimed =
        worth(problem, stage, &v) <= solved.objective + 1e-6 * solved.objective.abs().max(1.0);
    whole && within && keeps_held(stage, held, &v) && as_claimed
}

/// Whether a plan keeps the values the earlier stages reached, as the model's held rows ask.
fn keeps_held(stage: Stage, held: Held, v: &Values) -> bool {
    (stage == Stage::Coverage
        || (v.with_panel >= held.with_panel - 0.5 && v.covered >= held.covered - 0.5))
        && (stage != Stage::Busiest || v.travel <= held.travel * (1.0 + 1e-6) + 1e-6)
}

/// A plan's value in the objective `stage` minimises.
fn worth(problem: &PanelProblem, stage: Stage, v: &Values) -> f64 {
    match stage {
        Stage::Coverage => -(coverage_weight(problem) * v.with_panel + v.covered),
        Stage::Travel => v.travel,
        Stage::Busiest => v.busiest,
    }
}

/// The four objectives' values in a solution.
struct Values {
    with_panel: f64,
    covered: f64,
    travel: f64,
    busiest: f64,
}

fn panel_values(problem: &PanelProblem, pairs: &[(usize, usize)]) -> Values {
    let mut load = vec![0u32; problem.capacity.len()];
    let mut covered: HashSet<(usize, usize)> = HashSet::default();
    let mut with_panel: HashSet<usize> = HashSet::default();
    let mut travel = 0.0;
    for &(a, k) in pairs {
        let c = &problem.applicants[a].candidates[k];
        load[c.expert] += 1;
        travel += c.km;
        with_panel.insert(a);
        covered.extend(c.covers.iter().map(|&o| (a, o)));
    }
    Values {
        with_panel: with_panel.len() as f64,
        covered: covered.len() as f64,
        travel,
        busiest: f64::from(load.iter().copied().max().unwrap_or(0)),
    }
}

/// A stage's value and bound in its own sense (`minimised`: the bound is below the value, else
/// above it); proven when they meet.
fn stage_result(value: f64, bound: f64, minimised: bool, seconds: f64) -> StageResult {
    let bound = if minimised {
        bound.min(value)
    } else {
        bound.max(value)
    };
    let proven = (value - bound).abs() <= 1e-6 * value.abs().max(1.0);
    StageResult {
        value,
        bound: if proven { value } else { bound },
        proven,
        by: super::SolvedBy::Mip,
        seconds,
        timed_out: false,
    }
}

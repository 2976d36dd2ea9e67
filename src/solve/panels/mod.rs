//! Assessment panels as an integer program: which experts assess which applicant on site.
//!
//! Each applicant gets exactly `size` experts or none (`x[a][k]` picks candidate k of applicant
//! a, `y[a]` says a has a panel); the callers offer only experts the hard rules allow, so the
//! model itself only knows capacities and coverage. Four objectives are solved one after the
//! other, each held at its value while the next is optimised: applicants with a panel, applied
//! occupations covered (`z[a][o]`), expert travel, and the busiest expert's load. The last
//! stage is proven without a model when the plan already meets a floor that counts seats
//! (`busiest_floor`): on a capacity-bound round every qualified seat is needed.

mod model;
mod pricing;
#[cfg(test)]
mod tests;

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

/// A feasible plan to start from, scarcest applicants first: each takes the nearest covering
/// expert with panels left, then the nearest others, or nothing when it cannot be completed.
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
        let cands = &problem.applicants[a].candidates;
        let mut near: Vec<usize> = (0..cands.len()).collect();
        near.sort_by(|&i, &j| {
            cands[i]
                .km
                .total_cmp(&cands[j].km)
                .then(cands[i].expert.cmp(&cands[j].expert))
        });
        let Some(&first) = near
            .iter()
            .find(|&&k| !cands[k].covers.is_empty() && left[cands[k].expert] > 0)
        else {
            continue;
        };
        let mut panel = vec![first];
        for &k in &near {
            if panel.len() == problem.size as usize {
                break;
            }
            if k != first && left[cands[k].expert] > 0 {
                panel.push(k);
            }
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
fn solve_pool(
    problem: &PanelProblem,
    pool: &Pool,
    stage: Stage,
    held: Held,
    limits: Limits,
    start: &[(usize, usize)],
) -> Result<(Layout, Solved), SolveError> {
    let (model, layout, objective) = build(problem, pool, stage, held, Kind::Mip);
    let warm = (!start.is_empty()).then(|| start_vector(problem, &layout, start));
    let clock = Instant::now();
    // Without presolve. With it, HiGHS twice went wrong on small models that presolve reduced
    // to nothing (both found by the property test, both kept as regression tests): once
    // "optimal" at the better objective with the start's values (HiGHS issue 907 tells of the
    // same), once "solve error" with the violated solution presolve left. It costs time on
    // large rounds, which BENCHMARKS.md records (panels).
    let limits = Limits {
        presolve: false,
        ..limits
    };
    let solved = model.minimise(objective, limits, warm.as_deref())?;
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

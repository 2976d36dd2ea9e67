//! A start near the LP's optimum: the first stage's LP is nearly integral (on 2,000 applicants,
//! 53 had a fractional member), so the applicants whose LP panel is whole keep it and the few
//! others are solved as their own small MIP in what capacity is left. The stage's MIP then
//! starts from a plan close to its bound instead of hoping its root heuristics find one
//! before its work is spent.

use super::*;

/// The plan the LP suggests, or `None` when the small MIP finds none (its held values cannot
/// be met by the applicants left, or it fails). Only the first two stages: the busiest
/// expert's load is not a sum over applicants.
pub(super) fn dive(
    problem: &PanelProblem,
    pool: &Pool,
    lp: &Lp,
    stage: Stage,
    held: Held,
    limits: Limits,
) -> Option<Vec<(usize, usize)>> {
    if stage == Stage::Busiest {
        return None;
    }
    let l = &lp.duals.layout;
    let value = |col: usize| lp.values.get(col).copied().unwrap_or(0.0);
    let whole = |v: f64| (v - v.round()).abs() < 1e-6;
    // an applicant keeps its LP panel when it has one, whole
    let mut keeps: Vec<bool> = l.y.iter().map(|&col| value(col) > 1.0 - 1e-6).collect();
    for &(a, _, col) in &l.x {
        if !whole(value(col)) {
            keeps[a] = false;
        }
    }
    let fixed: Vec<(usize, usize)> =
        l.x.iter()
            .filter(|&&(a, _, col)| keeps[a] && value(col) > 0.5)
            .map(|&(a, k, _)| (a, k))
            .collect();
    let left: Vec<usize> = (0..problem.applicants.len())
        .filter(|&a| !keeps[a])
        .collect();
    let mut capacity = problem.capacity.clone();
    for &(a, k) in &fixed {
        let e = problem.applicants[a].candidates[k].expert;
        capacity[e] = capacity[e].saturating_sub(1);
    }
    let sub = PanelProblem {
        size: problem.size,
        capacity,
        applicants: left
            .iter()
            .map(|&a| problem.applicants[a].clone())
            .collect(),
    };
    let sub_pool = Pool {
        included: left.iter().map(|&a| pool.included[a].clone()).collect(),
    };
    let kept = panel_values(problem, &fixed);
    let sub_held = Held {
        with_panel: held.with_panel - kept.with_panel,
        covered: held.covered - kept.covered,
        travel: held.travel - kept.travel,
    };
    let (layout, solved) = solve_pool(&sub, &sub_pool, stage, sub_held, limits, &[]).ok()?;
    let mut plan = fixed;
    plan.extend(
        solution_pairs(&solved, &layout)
            .into_iter()
            .map(|(i, k)| (left[i], k)),
    );
    crate::progress::trace(|| {
        format!(
            "panels {stage:?}: {} applicant(s) keep the LP's panel, {} solved apart",
            problem.applicants.len() - left.len(),
            left.len()
        )
    });
    Some(plan)
}

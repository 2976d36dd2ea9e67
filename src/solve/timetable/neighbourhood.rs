//! Large neighbourhood search for the fewest-deferred stage: keep every paper at its slot
//! except those of two slots, let those move between the two, and solve that small MIP.
//!
//! On a capacity-bound, clash-dense quarter the whole MIP may not improve its start in its
//! time limit. Papers moving between slots a and b change nothing at the other slots (their
//! seats, and clashes with papers elsewhere, stay as they are), so the neighbourhood is a
//! problem of its own: only the papers of a and b, their groups and the clashes among them.
//! Slot pairs are visited in a fixed order and every accepted move is re-evaluated exactly on
//! the whole quarter, so the search is deterministic whenever no sub-MIP reaches its limit.

use super::super::highs::{Limits, Reached, SolveError};
use super::super::problem::{Conflict, Problem, Timetable};
use super::super::Settings;
use super::evaluate::{evaluate, Start};
use super::model::{build, read_timetable, Cols, Objective};
use super::symmetry::canonical;
use crate::case::Case;
use std::time::{Duration, Instant};

/// Each sub-MIP's own time limit, so that one stuck neighbourhood does not eat the budget.
const SUB_MIP_SECONDS: f64 = 5.0;

/// Improves `start` (a timetable with its exact evaluation on `full`, the stage's columns)
/// until no two-slot neighbourhood improves it, it reaches `floor`, or `budget` runs out.
/// Returns the best start found, evaluated on `full`'s columns.
pub(super) fn improve(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    full: &Cols,
    start: Start,
    floor: f64,
    budget: Duration,
) -> Result<Start, SolveError> {
    let slots = case.sessions.len();
    if case.policy.sittings_per_paper != 1 || slots < 2 {
        return Ok(start);
    }
    let clock = Instant::now();
    let pairs: Vec<(usize, usize)> = (0..slots)
        .flat_map(|a| (a + 1..slots).map(move |b| (a, b)))
        .collect();
    let mut best = start;
    let mut since_improvement = 0;
    let mut k = 0;
    let mut tried = 0;
    while since_improvement < pairs.len() && best.deferred > floor + 0.5 {
        let left = budget.saturating_sub(clock.elapsed()).as_secs_f64();
        if left < 0.5 || crate::progress::interrupted() {
            break;
        }
        let (a, b) = pairs[k % pairs.len()];
        k += 1;
        tried += 1;
        let papers: Vec<usize> = (0..pb.papers.len())
            .filter(|&p| best.timetable[p].iter().any(|&t| t == a || t == b))
            .collect();
        if papers.len() < 2 {
            since_improvement += 1;
            continue;
        }
        let sub = restrict(pb, &papers);
        let sub_tt: Timetable = papers.iter().map(|&p| best.timetable[p].clone()).collect();
        let allowed: Vec<Vec<usize>> = sub
            .paper_slots
            .iter()
            .map(|slots| {
                slots
                    .iter()
                    .copied()
                    .filter(|&t| t == a || t == b)
                    .collect()
            })
            .collect();
        let (model, objective, cols) = build(&sub, case, &allowed, Objective::Deferred);
        let warm = evaluate(&sub, case, &cols, &sub_tt)?;
        let limits = Limits {
            time_limit: Some(left.min(SUB_MIP_SECONDS)),
            rel_gap: settings.gap,
            abs_gap: 0.99,
            presolve: false,
            interior_point: false,
        };
        let solved = model.minimise(objective, limits, Some(&warm.values))?;
        let moved_sub = read_timetable(&cols, &solved.values);
        if solved.objective < warm.deferred - 0.5 && moved_sub != sub_tt {
            let mut found = best.timetable.clone();
            for (k, &p) in papers.iter().enumerate() {
                found[p] = moved_sub[k].clone();
            }
            // the stage's columns follow the symmetry rule: relabel interchangeable slots
            let moved = evaluate(pb, case, full, &canonical(pb, case, &found))?;
            if moved.deferred < best.deferred - 0.5 {
                crate::progress::trace(|| {
                    format!(
                        "neighbourhood of slots {a} and {b} ({} papers): deferred {} → {} ({:?})",
                        papers.len(),
                        best.deferred,
                        moved.deferred,
                        solved.reached
                    )
                });
                best = moved;
                since_improvement = 0;
                continue;
            }
        }
        if solved.reached == Reached::TimeLimit {
            crate::progress::trace(|| format!("neighbourhood of slots {a} and {b}: time limit"));
        }
        since_improvement += 1;
    }
    crate::progress::trace(|| {
        format!(
            "neighbourhood search: {tried} neighbourhood(s), deferred {} in {:.2} s",
            best.deferred,
            clock.elapsed().as_secs_f64()
        )
    });
    Ok(best)
}

/// The problem of `papers` alone: their groups and the clashes among them, indices renumbered
/// (paper k of the result is `papers[k]`). Nothing is fixed-deferred in it.
fn restrict(pb: &Problem, papers: &[usize]) -> Problem {
    let mut paper_index = vec![usize::MAX; pb.papers.len()];
    for (k, &p) in papers.iter().enumerate() {
        paper_index[p] = k;
    }
    let mut group_index = vec![usize::MAX; pb.groups.len()];
    let mut groups = Vec::new();
    for (g, group) in pb.groups.iter().enumerate() {
        if paper_index[group.paper] != usize::MAX {
            group_index[g] = groups.len();
            let mut group = group.clone();
            group.paper = paper_index[group.paper];
            groups.push(group);
        }
    }
    let conflicts = pb
        .conflicts
        .iter()
        .filter(|c| paper_index[c.a] != usize::MAX && paper_index[c.b] != usize::MAX)
        .map(|c| Conflict {
            a: paper_index[c.a],
            b: paper_index[c.b],
            persons: c.persons,
            losers: c.losers.iter().map(|&(g, n)| (group_index[g], n)).collect(),
        })
        .collect();
    Problem {
        papers: papers.iter().map(|&p| pb.papers[p]).collect(),
        paper_slots: papers.iter().map(|&p| pb.paper_slots[p].clone()).collect(),
        groups,
        conflicts,
        fixed: Vec::new(),
        venues: pb.venues.clone(),
        eligible: pb.eligible.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::build;
    use super::super::symmetry::allowed_slots;
    use super::super::testing::clash_case;
    use super::*;

    /// Five papers whose clashes form a 5-cycle (no two slots separate them all, three do),
    /// everything started at slot 0: two-slot moves alone reach no clash at all.
    #[test]
    fn two_slot_moves_take_a_five_cycle_from_twelve_clashes_to_none() {
        let cycle = [(0, 1, 3), (1, 2, 2), (2, 3, 4), (3, 4, 1), (0, 4, 2)];
        let (pb, case, _dir) = clash_case(&cycle, 3, false);
        let allowed = allowed_slots(&pb, &case);
        let (_, _, cols) = build(&pb, &case, &allowed, Objective::Deferred);
        let all_at_0: Timetable = vec![vec![0]; pb.papers.len()];
        let start = evaluate(&pb, &case, &cols, &all_at_0).unwrap();
        assert_eq!(start.deferred, 12.0, "every pair clashes");
        let settings = Settings::default();
        let best = improve(
            &pb,
            &case,
            &settings,
            &cols,
            start,
            0.0,
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(best.deferred, 0.0, "{:?}", best.timetable);
        for &(i, j, _) in &cycle {
            assert_ne!(best.timetable[i], best.timetable[j]);
        }
    }
}

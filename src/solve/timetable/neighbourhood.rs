//! Large neighbourhood search for either stage: keep every paper at its slot except those of
//! two slots, let those move between the two, and solve that small MIP (fewest deferred, or
//! least travel with the neighbourhood's deferred held).
//!
//! On a capacity-bound, clash-dense quarter the whole MIP may not improve its start in its
//! time limit. Papers moving between slots a and b change nothing at the other slots (their
//! seats, and clashes with papers elsewhere, stay as they are), so the neighbourhood is a
//! problem of its own: only the papers of a and b, their groups and the clashes among them.
//! Pairs of slots that share no slot are independent for the same reason, so the search goes
//! in rounds of disjoint pairs (a round-robin schedule), each round's pairs solved in parallel
//! and merged in the schedule's order. Each sub-MIP ends by proof or by a node limit, and the
//! search by its budget of simplex iterations counted between rounds, never by the clock: every
//! round gives the same timetable on any machine and at any `--threads`, and so does the
//! search. After a round that found nothing, no round begins when its sub-MIPs' share of what
//! is left is below the least a sub-MIP has spent so far: HiGHS cannot stop one inside its root
//! heuristics, so such a round would only overrun the budget (on a capacity-bound
//! 30,000-registration quarter the third round spent 78,665 iterations of 37,116 left, found
//! nothing, and took 9 s). Only an explicit `--time-limit` adds a clock, and then says when it
//! stopped it.

use super::super::highs::{Limits, Reached, SolveError};
use super::super::problem::{Conflict, Holding, Problem, SharedPair, Timetable};
use super::super::Settings;
use super::evaluate::{evaluate, warm_values, Start};
use super::model::{build, measure, read_timetable, Objective, Rows};
use super::symmetry::canonical;
use crate::case::Case;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Branch-and-bound nodes per sub-MIP: the root alone (its LP, cuts and HiGHS's heuristics,
/// which find the improving placements; more nodes made a round far slower, BENCHMARKS.md,
/// "Why the code is as it is"). A node limit, unlike a time limit, stops at the same point on
/// any machine.
const SUB_MIP_NODES: i32 = 1;

/// What a search improves: a stage's objective, the earlier one held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Aim {
    Deferred,
    /// Travel, with no more deferred than the start.
    Travel,
}

impl Aim {
    /// `found` is better than `best` for this aim, each (deferred, travel).
    fn better(self, found: (f64, f64), best: (f64, f64)) -> bool {
        match self {
            Aim::Deferred => found.0 < best.0 - 0.5,
            Aim::Travel => found.0 <= best.0 + 1e-6 && found.1 < best.1 - 0.5,
        }
    }

    fn value(self, start: &Start) -> f64 {
        match self {
            Aim::Deferred => start.deferred,
            Aim::Travel => start.travel,
        }
    }
}

/// What a search aims at, where it may stop, and what it may spend.
#[derive(Debug, Clone, Copy)]
pub(super) struct Goal {
    pub(super) aim: Aim,
    /// A proven bound for the aim's objective: the search stops on reaching it.
    pub(super) floor: f64,
    /// Simplex iterations the search may spend: no round begins once they are spent.
    pub(super) iterations: u64,
    /// The explicit `--time-limit`'s end, if any.
    pub(super) deadline: Option<Instant>,
}

/// What a search spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Spent {
    pub(super) rounds: usize,
    pub(super) iterations: u64,
    /// The simplex iterations of the search's costliest round.
    pub(super) longest_round: u64,
    /// The last round that improved the timetable (counting from 1; 0 when none did).
    pub(super) last_improving_round: usize,
    /// The time limit stopped the search (the result then depends on the machine).
    pub(super) timed_out: bool,
    /// The work ran out before every pair of slots had been searched once: the search was
    /// still far from done.
    pub(super) cut_short: bool,
}

/// Improves `start` (a timetable with its exact evaluation, each group's destinations `dest`) by
/// cycles of rounds (a cycle solves each pair of slots once) until a cycle's worth of rounds in a
/// row improves nothing, it reaches `floor` (for travel, within `--gap` of it), or its iterations
/// are spent. Under an explicit time limit, a round that would not end before the deadline is not begun (and a
/// sub-MIP still running at its end is dropped). Returns the best start found, evaluated
/// exactly, and what the search spent.
pub(super) fn improve(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    dest: &[Vec<(usize, f64)>],
    start: Start,
    goal: Goal,
) -> Result<(Start, Spent), SolveError> {
    let Goal {
        aim,
        floor,
        iterations,
        deadline,
    } = goal;
    let slots = case.sessions.len();
    if case.policy.sittings_per_paper != 1 || slots < 2 {
        return Ok((start, Spent::default()));
    }
    let clock = Instant::now();
    let rounds = round_robin(slots);
    let cycle: usize = rounds.iter().map(Vec::len).sum();
    let mut best = start;
    let mut spent = Spent::default();
    let mut solved = 0;
    // the fewest simplex iterations any sub-MIP has spent: what a root costs at least here
    let mut cheapest: Option<u64> = None;
    // whether the last round improved the best timetable
    let mut last_found = true;
    // the last round's length: under a time limit, a round that would not end before the
    // deadline is not begun, since what its unfinished sub-MIPs found would be dropped
    let mut last_round = Duration::ZERO;
    // rounds in a row that left the best timetable as it was: once they are a whole cycle,
    // every pair of slots has been solved on this timetable, and the next round would solve its
    // pairs again on the same papers and warm start with no more work than before. HiGHS is
    // told no limit (the work is counted by an interrupt), so it would follow the same path and
    // stop no later: nothing to find, and the search ends there rather than at the end of the
    // next whole cycle.
    let mut quiet = 0;
    'cycles: loop {
        for round in &rounds {
            if quiet >= rounds.len() {
                break 'cycles;
            }
            let value = aim.value(&best);
            if value <= floor + 0.5 || (aim == Aim::Travel && value - floor <= settings.gap * value)
            {
                break 'cycles;
            }
            if spent.iterations >= iterations {
                spent.cut_short = solved < cycle;
                crate::progress::trace(|| "neighbourhood search: its work is spent".to_string());
                break 'cycles;
            }
            // once a round has found nothing, a share below what every neighbourhood so far
            // has cost buys no search, only an overrun (HiGHS cannot stop a sub-MIP inside its
            // root heuristics); a search still finding goes on to the end of its work. With
            // work left, the search is not cut short: the travel search keeps its turn.
            let share = (iterations - spent.iterations) / round.len() as u64;
            if !last_found && cheapest.is_some_and(|least| share < least) {
                crate::progress::trace(|| {
                    format!(
                        "neighbourhood search: a share of {share} is below the least a neighbourhood has cost ({})",
                        cheapest.unwrap_or_default()
                    )
                });
                break 'cycles;
            }
            let out_of_time = deadline.is_some_and(|d| {
                d.saturating_duration_since(Instant::now())
                    < last_round.max(Duration::from_millis(1))
            });
            if out_of_time {
                spent.timed_out = true;
                crate::progress::trace(|| "neighbourhood search: stopped by --time-limit".into());
                break 'cycles;
            }
            if crate::progress::interrupted() {
                break 'cycles;
            }
            let round_clock = Instant::now();
            spent.rounds += 1;
            // the round's sub-MIPs share what is left of the work equally (each may overrun
            // its share by the heuristic it is in when the share is spent)
            let share = share.max(1);
            // one queue, the neighbourhoods with the most papers first: each free worker takes
            // the next, so the longest begin first and a worker busy elsewhere (stage 1's MIP
            // beside the travel search) delays a short one. The moves are applied in the
            // round's order whatever the order they ran in.
            let mut order: Vec<usize> = (0..round.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(papers_in(&best.timetable, round[i])));
            let ran: Vec<(usize, (Option<Placement>, u64, bool))> = order
                .into_iter()
                .par_bridge()
                .map(|i| {
                    let limits = SubLimits {
                        lp_iterations: share,
                        deadline,
                    };
                    let (a, b) = round[i];
                    neighbourhood(pb, case, settings, &best.timetable, aim, (a, b), limits)
                        .map(|m| (i, m))
                })
                .collect::<Result<_, _>>()?;
            let mut moves: Vec<Option<(Option<Placement>, u64, bool)>> = vec![None; round.len()];
            for (i, m) in ran {
                moves[i] = Some(m);
            }
            let moves: Vec<(Option<Placement>, u64, bool)> = moves.into_iter().flatten().collect();
            solved += round.len();
            last_round = round_clock.elapsed();
            last_found = false;
            quiet += 1;
            let mut found = best.timetable.clone();
            let mut moved_any = false;
            let round_iterations: u64 = moves.iter().map(|(_, used, _)| used).sum();
            spent.longest_round = spent.longest_round.max(round_iterations);
            for (placement, used, timed_out) in &moves {
                spent.iterations += used;
                if *used > 0 {
                    cheapest = Some(cheapest.map_or(*used, |least| least.min(*used)));
                }
                spent.timed_out |= timed_out;
                for (p, at) in placement.iter().flatten() {
                    found[*p] = at.clone();
                    moved_any = true;
                }
            }
            if moved_any {
                // the stage's columns follow the symmetry rule: relabel interchangeable slots
                let moved = evaluate(pb, case, dest, &canonical(pb, case, &found))?;
                if aim.better((moved.deferred, moved.travel), (best.deferred, best.travel)) {
                    crate::progress::trace(|| {
                        format!(
                            "neighbourhoods {round:?}: {aim:?} {} → {}",
                            aim.value(&best),
                            aim.value(&moved)
                        )
                    });
                    best = moved;
                    last_found = true;
                    quiet = 0;
                    spent.last_improving_round = spent.rounds;
                }
            }
        }
    }
    crate::progress::trace(|| {
        format!(
            "neighbourhood search ({aim:?}): {solved} neighbourhood(s) in {} round(s), {} simplex iterations, {} in {:.2} s",
            spent.rounds,
            spent.iterations,
            aim.value(&best),
            clock.elapsed().as_secs_f64()
        )
    });
    Ok((best, spent))
}

/// Where one neighbourhood's sub-MIP stops: its share of the round's work, and the explicit
/// `--time-limit`'s end, if any.
#[derive(Debug, Clone, Copy)]
struct SubLimits {
    lp_iterations: u64,
    deadline: Option<Instant>,
}

/// New slots for some papers: (paper, its slots).
type Placement = Vec<(usize, Vec<usize>)>;

/// Rounds of disjoint slot pairs covering every pair once (the circle method): n − 1 rounds of
/// n/2 pairs for even n, n rounds of (n − 1)/2 for odd n.
fn round_robin(slots: usize) -> Vec<Vec<(usize, usize)>> {
    let n = slots + slots % 2; // a bye for an odd count
    let mut ring: Vec<usize> = (0..n).collect();
    let mut rounds = Vec::new();
    for _ in 0..n - 1 {
        let round: Vec<(usize, usize)> = (0..n / 2)
            .map(|i| (ring[i], ring[n - 1 - i]))
            .filter(|&(a, b)| a < slots && b < slots)
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        rounds.push(round);
        ring[1..].rotate_right(1);
    }
    rounds
}

/// The best placement of the papers now at slots a and b, each at a or b, as a problem of its
/// own (for travel, with no more of its registrations deferred than now); `None` when it
/// improves nothing. The sub-MIP starts from the present placement. Returns also the simplex
/// iterations spent, and whether the time limit's deadline stopped it (what such a sub-MIP
/// found is dropped, as it would differ between machines).
fn neighbourhood(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    timetable: &Timetable,
    aim: Aim,
    (a, b): (usize, usize),
    SubLimits {
        lp_iterations,
        deadline,
    }: SubLimits,
) -> Result<(Option<Placement>, u64, bool), SolveError> {
    let papers: Vec<usize> = (0..pb.papers.len())
        .filter(|&p| timetable[p].iter().any(|&t| t == a || t == b))
        .collect();
    if papers.len() < 2 {
        return Ok((None, 0, false));
    }
    let sub = restrict(pb, &papers);
    let sub_tt: Timetable = papers.iter().map(|&p| timetable[p].clone()).collect();
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
    let (mut model, mut objective, cols) =
        build(&sub, case, &allowed, Objective::Deferred, Rows::Cliques);
    let warm = evaluate(&sub, case, &cols.dest, &sub_tt)?;
    if aim == Aim::Travel {
        // the same columns, with the deferred held at the neighbourhood's present count
        let max_deferred = warm.deferred + 1e-6;
        (model, objective, _) = build(
            &sub,
            case,
            &allowed,
            Objective::Travel { max_deferred },
            Rows::Cliques,
        );
    }
    let limits = Limits {
        time_limit: deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64()),
        rel_gap: settings.gap,
        abs_gap: 0.99,
        presolve: false,
        interior_point: false,
        node_limit: Some(SUB_MIP_NODES),
        lp_iterations: Some(lp_iterations),
        stop_when_the_root_is_costly: false,
        sub_mip_heuristics: true,
        strong_branching: true,
    };
    let solved = model.minimise(
        objective,
        limits,
        Some(&warm_values(&sub, case, &cols, &warm)),
    )?;
    if solved.reached == Reached::TimeLimit {
        crate::progress::trace(|| format!("neighbourhood of slots {a} and {b}: out of time"));
        return Ok((None, solved.iterations, true));
    }
    crate::progress::trace(|| {
        format!(
            "neighbourhood of slots {a} and {b} ({} papers): {:?}, value {:.1}, bound {:.1}, {} of {lp_iterations} simplex iterations",
            papers.len(),
            solved.reached,
            solved.objective,
            solved.bound,
            solved.iterations
        )
    });
    let moved = read_timetable(&cols, &solved.values);
    // the model prices a person with three or more papers below what they lose: then the
    // placement is judged by its exact evaluation
    let found = if sub.clash_weights_integral() {
        measure(&sub, &cols, &solved.values)
    } else {
        let exact = evaluate(&sub, case, &cols.dest, &moved)?;
        (exact.deferred, exact.travel)
    };
    let placement = (aim.better(found, (warm.deferred, warm.travel)) && moved != sub_tt)
        .then(|| papers.into_iter().zip(moved).collect());
    Ok((placement, solved.iterations, false))
}

/// How many papers sit in slot `a` or `b` of `timetable`: the size of their neighbourhood.
fn papers_in(timetable: &Timetable, (a, b): (usize, usize)) -> usize {
    timetable
        .iter()
        .filter(|slots| slots.iter().any(|&t| t == a || t == b))
        .count()
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
            weight: c.weight,
            pairs: c
                .pairs
                .iter()
                .map(|pair| SharedPair {
                    g: group_index[pair.g],
                    h: group_index[pair.h],
                    ..*pair
                })
                .collect(),
        })
        .collect();
    // a person's registrations outside these papers cannot clash with them here
    let holdings = pb
        .holdings
        .iter()
        .filter_map(|h| {
            let groups: Vec<usize> = h
                .groups
                .iter()
                .map(|&g| group_index[g])
                .filter(|&g| g != usize::MAX)
                .collect();
            (groups.len() > 1).then_some(Holding {
                groups,
                persons: h.persons,
            })
        })
        .collect();
    Problem {
        papers: papers.iter().map(|&p| pb.papers[p]).collect(),
        paper_slots: papers.iter().map(|&p| pb.paper_slots[p].clone()).collect(),
        groups,
        conflicts,
        holdings,
        fixed: Vec::new(),
        venues: pb.venues.clone(),
        eligible: pb.eligible.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::group_destinations;
    use super::super::testing::{clash_case, travel_case};
    use super::*;

    /// No floor, the default work, no time limit.
    fn goal(aim: Aim) -> Goal {
        Goal {
            aim,
            floor: 0.0,
            iterations: Settings::default().work.search_iterations,
            deadline: None,
        }
    }

    #[test]
    fn round_robin_rounds_are_disjoint_and_cover_every_pair_once() {
        for slots in 2..=17 {
            let rounds = round_robin(slots);
            let mut seen = std::collections::BTreeSet::new();
            for round in &rounds {
                let mut used = std::collections::BTreeSet::new();
                for &(a, b) in round {
                    assert!(a < b && b < slots, "{slots}: {round:?}");
                    assert!(used.insert(a) && used.insert(b), "{slots}: {round:?}");
                    assert!(seen.insert((a, b)), "{slots}: ({a}, {b}) twice");
                }
            }
            assert_eq!(seen.len(), slots * (slots - 1) / 2, "{slots}");
        }
        assert_eq!(round_robin(4).len(), 3);
        assert_eq!(round_robin(16).len(), 15);
    }

    /// Each group's destinations and their km (what `evaluate` and the search count travel by).
    type Dest = Vec<Vec<(usize, f64)>>;

    /// Five papers that pairwise share persons (1 to 10 of them), four slots, the papers
    /// started at two of them: (problem, case, each group's destinations, that start, the
    /// case's folder).
    fn five_papers_at_two_of_four_slots() -> (Problem, Case, Dest, Timetable, tempfile::TempDir) {
        let mut pairs = Vec::new();
        for i in 0..5 {
            for j in i + 1..5 {
                pairs.push((i, j, pairs.len() as u32 + 1));
            }
        }
        let (pb, case, dir) = clash_case(&pairs, 4, false);
        let dest = group_destinations(&pb, &case);
        let two_slots: Timetable = (0..pb.papers.len()).map(|p| vec![p % 2]).collect();
        (pb, case, dest, two_slots, dir)
    }

    /// Five papers that pairwise share persons (1 to 10 of them), four slots, started at two
    /// of them: rounds of two pairs, both with papers to move, solved on one worker and on two
    /// give the same timetable, and reach the optimum (only the lightest pair shares a slot).
    #[test]
    fn the_search_is_the_same_on_one_worker_and_on_two() {
        let (pb, case, dest, two_slots, _dir) = five_papers_at_two_of_four_slots();
        let settings = Settings::default();
        let search = |workers: usize| {
            let start = evaluate(&pb, &case, &dest, &canonical(&pb, &case, &two_slots)).unwrap();
            assert!(start.deferred >= 15.0, "{}", start.deferred);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .build()
                .unwrap();
            pool.install(|| improve(&pb, &case, &settings, &dest, start, goal(Aim::Deferred)))
                .unwrap()
                .0
        };
        let (one, two) = (search(1), search(2));
        assert_eq!(one.timetable, two.timetable);
        assert_eq!(one.deferred, 1.0, "{:?}", one.timetable);
    }

    /// Two papers at one slot send half their candidates to the next prefecture; the travel
    /// search puts them at two slots, where nobody travels, and defers no one more.
    #[test]
    fn the_travel_search_separates_papers_competing_for_seats() {
        let (pb, case, _dir) = travel_case();
        let dest = group_destinations(&pb, &case);
        let one_slot: Timetable = vec![vec![0]; pb.papers.len()];
        let start = evaluate(&pb, &case, &dest, &one_slot).unwrap();
        assert_eq!(start.deferred, 0.0);
        assert!(start.travel > 0.0, "200 candidates go to 株洲");
        let settings = Settings::default();
        let (best, _) = improve(&pb, &case, &settings, &dest, start, goal(Aim::Travel)).unwrap();
        assert_eq!(
            (best.deferred, best.travel),
            (0.0, 0.0),
            "{:?}",
            best.timetable
        );
        assert_ne!(best.timetable[0], best.timetable[1]);
    }

    /// Five papers whose clashes form a 5-cycle (no two slots separate them all, three do),
    /// everything started at slot 0: two-slot moves alone reach no clash at all.
    #[test]
    fn two_slot_moves_take_a_five_cycle_from_twelve_clashes_to_none() {
        let cycle = [(0, 1, 3), (1, 2, 2), (2, 3, 4), (3, 4, 1), (0, 4, 2)];
        let (pb, case, _dir) = clash_case(&cycle, 3, false);
        let dest = group_destinations(&pb, &case);
        let all_at_0: Timetable = vec![vec![0]; pb.papers.len()];
        let start = evaluate(&pb, &case, &dest, &all_at_0).unwrap();
        assert_eq!(start.deferred, 12.0, "every pair clashes");
        let settings = Settings::default();
        let (best, _) = improve(&pb, &case, &settings, &dest, start, goal(Aim::Deferred)).unwrap();
        assert_eq!(best.deferred, 0.0, "{:?}", best.timetable);
        for &(i, j, _) in &cycle {
            assert_ne!(best.timetable[i], best.timetable[j]);
        }
    }

    /// After a round that found nothing, a round begins only when its sub-MIPs' share is at
    /// least the least any sub-MIP so far has spent (a smaller share only overruns the work);
    /// a search still finding goes on. The same five papers, with work left for a share of one
    /// iteration after the first round: from the optimum (the first round finds nothing) the
    /// search stops there, having spent exactly that round, and is not cut short; from two
    /// slots (the first round improves) it begins a second round.
    #[test]
    fn a_stalled_search_begins_no_round_with_a_share_below_what_a_neighbourhood_has_cost() {
        let (pb, case, dest, two_slots, _dir) = five_papers_at_two_of_four_slots();
        let settings = Settings::default();
        let search = |from: &Timetable, iterations: u64| {
            let start = evaluate(&pb, &case, &dest, &canonical(&pb, &case, from)).unwrap();
            let goal = Goal {
                iterations,
                ..goal(Aim::Deferred)
            };
            improve(&pb, &case, &settings, &dest, start, goal).unwrap()
        };
        let (optimum, _) = search(&two_slots, settings.work.search_iterations);
        assert!(optimum.deferred > 0.0, "the floor of 0 is not reached");
        let (_, first) = search(&optimum.timetable, 1);
        assert_eq!(first.rounds, 1, "{first:?}");
        assert!(
            first.iterations > 4,
            "each sub-MIP spends iterations: {first:?}"
        );
        let (_, tight) = search(&optimum.timetable, first.iterations + 2);
        assert_eq!(tight.rounds, 1, "{tight:?}");
        assert_eq!(tight.iterations, first.iterations, "{tight:?}");
        assert!(
            !tight.cut_short,
            "work was left, so not cut short: {tight:?}"
        );
        let (_, more) = search(&optimum.timetable, first.iterations * 3);
        assert!(more.rounds >= 2, "{more:?}");

        let (_, finding) = search(&two_slots, 1);
        let (_, on) = search(&two_slots, finding.iterations + 2);
        assert!(
            on.rounds >= 2,
            "the first round improved, so the search goes on: {on:?}"
        );
    }

    /// A search ends once a cycle's worth of rounds in a row has left its timetable as it
    /// was, not at the end of the next whole cycle: every pair of slots has then been solved
    /// on that timetable. Five papers at four slots (three rounds a cycle; the last to improve
    /// is the second) and five papers that all share persons at three slots (three rounds of
    /// one pair; the fourth), each with the default work, neither reaching its floor of 0.
    #[test]
    fn a_search_ends_after_a_cycle_of_rounds_that_found_nothing() {
        let (pb, case, dest, two_slots, _dir) = five_papers_at_two_of_four_slots();
        let settings = Settings::default();
        let start = evaluate(&pb, &case, &dest, &canonical(&pb, &case, &two_slots)).unwrap();
        let (best, spent) =
            improve(&pb, &case, &settings, &dest, start, goal(Aim::Deferred)).unwrap();
        assert!(best.deferred > 0.0);
        assert!(spent.last_improving_round >= 1, "{spent:?}");
        assert_eq!(spent.rounds, spent.last_improving_round + 3, "{spent:?}");

        let mut all_pairs = Vec::new();
        for i in 0..5 {
            for j in i + 1..5 {
                all_pairs.push((i, j, ((i * 7 + j * 3) % 5 + 1) as u32));
            }
        }
        let (pb, case, _dir) = clash_case(&all_pairs, 3, false);
        let dest = group_destinations(&pb, &case);
        let all_at_0: Timetable = vec![vec![0]; pb.papers.len()];
        let start = evaluate(&pb, &case, &dest, &all_at_0).unwrap();
        let (best, spent) =
            improve(&pb, &case, &settings, &dest, start, goal(Aim::Deferred)).unwrap();
        assert!(best.deferred > 0.0);
        assert_eq!(spent.rounds, spent.last_improving_round + 3, "{spent:?}");
    }

    /// The same five papers, with work for one sub-MIP only: the search stops after its
    /// first round, two of the six pairs of slots searched, and says it was cut short; with
    /// the default work it searches every pair and is not.
    #[test]
    fn a_search_whose_work_runs_out_before_every_pair_is_searched_says_so() {
        let (pb, case, dest, two_slots, _dir) = five_papers_at_two_of_four_slots();
        let settings = Settings::default();
        let search = |iterations: u64| {
            let start = evaluate(&pb, &case, &dest, &canonical(&pb, &case, &two_slots)).unwrap();
            let goal = Goal {
                iterations,
                ..goal(Aim::Deferred)
            };
            improve(&pb, &case, &settings, &dest, start, goal)
                .unwrap()
                .1
        };
        let short = search(1);
        assert_eq!(short.rounds, 1, "{short:?}");
        assert!(short.cut_short, "{short:?}");
        let full = search(settings.work.search_iterations);
        assert!(full.rounds >= 3, "{full:?}");
        assert!(!full.cut_short, "{full:?}");
    }
}

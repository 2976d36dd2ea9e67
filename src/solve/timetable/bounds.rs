//! Proven bounds that need no MIP: the deferrals no timetable avoids (registrations pinned to
//! an institution beyond its seats; clashes forced by papers that pairwise share persons, more
//! papers than slots) and the travel no plan can beat (everyone at the nearest admissible
//! institution). A start that meets them is optimal and skips its MIP.

use super::super::problem::Problem;
use super::super::Settings;
use super::cliques::grow;
use super::evaluate::Start;
use crate::case::Case;
use std::collections::BTreeMap;

/// Travel no plan seating all but `deferred` registrations can beat: everyone at the nearest
/// admissible institution, less the farthest-travelling `deferred` of them.
pub(super) fn travel_floor(pb: &Problem, deferred: f64) -> f64 {
    let mut nearest: Vec<(f64, u32)> = pb.groups.iter().map(|g| (g.targets[0].1, g.n)).collect();
    let total: f64 = nearest.iter().map(|&(km, n)| km * f64::from(n)).sum();
    nearest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut left = deferred.max(0.0).round() as u64;
    let mut saved = 0.0;
    for (km, n) in nearest {
        if left == 0 {
            break;
        }
        let take = left.min(u64::from(n));
        saved += km * take as f64;
        left -= take;
    }
    (total - saved).max(0.0)
}

/// Deferrals no timetable avoids: registrations pinned to an institution (their registered one)
/// beyond what it seats. With s sittings per paper, one paper's pinned registrations at i get
/// at most s·cap[i] seats, and all of i's pinned registrations at most slots·cap[i].
pub(super) fn pinned_floor(pb: &Problem, case: &Case) -> f64 {
    let sittings = f64::from(case.policy.sittings_per_paper);
    let mut pinned: BTreeMap<usize, BTreeMap<usize, f64>> = BTreeMap::new();
    for g in pb.groups.iter().filter(|g| g.registered.is_some()) {
        *pinned
            .entry(g.targets[0].0)
            .or_default()
            .entry(g.paper)
            .or_default() += f64::from(g.n);
    }
    pinned
        .into_iter()
        .map(|(i, papers)| {
            let cap = f64::from(pb.capacity(i));
            let slots = (0..case.sessions.len())
                .filter(|t| papers.keys().any(|&p| pb.paper_slots[p].contains(t)))
                .count() as f64;
            let per_paper: f64 = papers
                .values()
                .map(|&n| (n - sittings * cap).max(0.0))
                .sum();
            let total = papers.values().sum::<f64>() - slots * cap;
            per_paper.max(total).max(0.0)
        })
        .sum()
}

/// Clashes no timetable avoids (the clash floor). Count only persons holding exactly two registrations, of two
/// papers: such a person loses one registration exactly when both papers share a slot (others
/// lose at least as many as their pairs say, or more, so leaving them out keeps the bound
/// valid). In a clique of k papers that pairwise share such persons, with only S slots among
/// them, at least m = Σ C(nᵢ, 2) pairs share a slot (nᵢ the balanced split of k into S), so at
/// least the m lightest pairs' persons lose one. Cliques that share no pair add up; they are
/// packed greedily from the heaviest pair ([`forced_cliques`]); this sums their lightest
/// forced pairs.
pub(super) fn forced_clashes(cliques: &[ForcedClashes]) -> f64 {
    cliques
        .iter()
        .map(|c| {
            let mut weights: Vec<u64> = c.pairs.iter().map(|p| p.2).collect();
            weights.sort_unstable();
            weights.iter().take(c.forced).sum::<u64>()
        })
        .sum::<u64>() as f64
}

/// A clique of papers that pairwise share persons holding exactly two registrations, and how
/// many of its pairs share a slot in every timetable.
#[derive(Debug, Clone)]
pub(super) struct ForcedClashes {
    /// (paper, paper, persons holding exactly these two registrations)
    pub(super) pairs: Vec<(usize, usize, u64)>,
    /// For each pair, the pairs of groups holding those persons' two registrations, with how
    /// many: a clash defers one of each person's two, from either group.
    pub(super) shared: Vec<Vec<(usize, usize, u64)>>,
    pub(super) forced: usize,
}

/// The clash floor's cliques that force a clash, sharing no pair (see [`forced_clashes`]).
pub(super) fn forced_cliques(pb: &Problem, case: &Case) -> Vec<ForcedClashes> {
    if case.policy.sittings_per_paper != 1 {
        return Vec::new();
    }
    let n = pb.papers.len();
    let mut weight = vec![vec![0u64; n]; n];
    let mut shared: BTreeMap<(usize, usize), BTreeMap<(usize, usize), u64>> = BTreeMap::new();
    for holding in pb.holdings.iter().filter(|h| h.groups.len() == 2) {
        let (g, h) = (holding.groups[0], holding.groups[1]);
        let (a, b) = (pb.groups[g].paper, pb.groups[h].paper);
        if a != b {
            let persons = u64::from(holding.persons);
            weight[a][b] += persons;
            weight[b][a] += persons;
            *shared
                .entry((a.min(b), a.max(b)))
                .or_default()
                .entry((g, h))
                .or_default() += persons;
        }
    }
    let mut pairs: Vec<(u64, usize, usize)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .filter(|&(a, b)| weight[a][b] > 0)
        .map(|(a, b)| (weight[a][b], a, b))
        .collect();
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut used = vec![vec![false; n]; n];
    let mut cliques = Vec::new();
    for &(_, a, b) in &pairs {
        if used[a][b] {
            continue;
        }
        // a clique over unused pairs only, so that the cliques' forced pairs add up
        let clique = grow(a, b, n, |p, q| if used[p][q] { 0 } else { weight[p][q] });
        let mut slots: Vec<usize> = clique
            .iter()
            .flat_map(|&p| pb.paper_slots[p].iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let forced = forced_pairs(clique.len(), slots.len());
        if forced == 0 {
            used[a][b] = true;
            used[b][a] = true;
            continue;
        }
        let mut clashes = Vec::new();
        let mut losing = Vec::new();
        for (i, &p) in clique.iter().enumerate() {
            for &q in &clique[i + 1..] {
                clashes.push((p, q, weight[p][q]));
                losing.push(
                    shared
                        .get(&(p.min(q), p.max(q)))
                        .map(|l| l.iter().map(|(&(g, h), &k)| (g, h, k)).collect())
                        .unwrap_or_default(),
                );
                used[p][q] = true;
                used[q][p] = true;
            }
        }
        cliques.push(ForcedClashes {
            pairs: clashes,
            shared: losing,
            forced,
        });
    }
    cliques
}

/// The fewest pairs that share a slot when `papers` papers sit in `slots` slots (spread evenly).
pub(super) fn forced_pairs(papers: usize, slots: usize) -> usize {
    if slots == 0 {
        return 0;
    }
    let (q, r) = (papers / slots, papers % slots);
    let pairs = |k: usize| k * k.saturating_sub(1) / 2;
    r * pairs(q + 1) + (slots - r) * pairs(q)
}

/// Does a start already meet both proven bounds: `deferred_floor` deferred, travel at the
/// floor?
pub(super) fn meets_bounds(
    pb: &Problem,
    settings: &Settings,
    s: &Start,
    deferred_floor: f64,
) -> bool {
    let floor = travel_floor(pb, s.deferred);
    s.deferred <= deferred_floor + 0.5
        && (s.travel <= floor + 0.5 || s.travel - floor <= settings.gap * s.travel)
}

pub(super) fn integral_km(pb: &Problem) -> bool {
    pb.groups
        .iter()
        .all(|g| g.targets.iter().all(|t| t.1.fract() == 0.0))
}

/// The clash floor of a problem, for tests.
#[cfg(test)]
pub(super) fn clash_floor(pb: &Problem, case: &Case) -> f64 {
    forced_clashes(&forced_cliques(pb, case))
}

#[cfg(test)]
mod tests {
    use super::super::testing::clash_case;
    use super::*;

    #[test]
    fn forced_pairs_spread_papers_evenly() {
        assert_eq!(forced_pairs(3, 4), 0);
        assert_eq!(forced_pairs(5, 4), 1);
        assert_eq!(forced_pairs(8, 4), 4);
        assert_eq!(forced_pairs(9, 4), 6);
        assert_eq!(forced_pairs(5, 2), 4);
        assert_eq!(forced_pairs(5, 0), 0);
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // the pairs (i, j) index a matrix
    fn five_papers_pairwise_shared_in_two_slots_force_the_four_lightest_pairs() {
        // one person per pair but two for (0, 1): the four lightest pairs weigh 4
        let mut persons = [[1u32; 5]; 5];
        persons[0][1] = 2;
        let (pb, case, _dir) = clash_case(&pairs_of(&persons), 2, false);
        assert_eq!(clash_floor(&pb, &case), 4.0);
        // the true optimum: 3 + 2 split, the pair (0, 1) apart: 3 + 1 pairs of weight 1
        let mut best = u32::MAX;
        for mask in 0u32..32 {
            let mut cost = 0;
            for i in 0..5 {
                for j in i + 1..5 {
                    if (mask >> i & 1) == (mask >> j & 1) {
                        cost += persons[i][j];
                    }
                }
            }
            best = best.min(cost);
        }
        assert_eq!(best, 4, "the floor is tight here");
    }

    fn pairs_of(persons: &[[u32; 5]; 5]) -> Vec<(usize, usize, u32)> {
        (0..5)
            .flat_map(|i| (i + 1..5).map(move |j| (i, j, persons[i][j])))
            .collect()
    }

    #[test]
    fn persons_with_three_papers_are_left_out_of_the_floor() {
        let (pb, case, _dir) = clash_case(&pairs_of(&[[1u32; 5]; 5]), 2, true);
        assert_eq!(clash_floor(&pb, &case), 0.0);
    }
}

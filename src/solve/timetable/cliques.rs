//! Cliques of the clash graph: papers that pairwise share persons. With more such papers than
//! slots some pair must share a slot, which neither the LP (papers spread a quarter over each of
//! four slots clash nowhere) nor the pairwise clash rows see. Two uses: the clash floor
//! (`bounds.rs`) and clique rows in the neighbourhoods' MIPs (`model.rs`).

use super::super::problem::Problem;
use std::collections::{BTreeMap, BTreeSet};

/// Grows a clique from the pair (a, b): each time by the paper whose lightest pair to the
/// clique is heaviest (ties to the lower index), until no paper has a pair with every member.
/// `weight(p, q)` is 0 where p and q share nobody (or the pair is not to be used).
pub(super) fn grow(
    a: usize,
    b: usize,
    papers: usize,
    weight: impl Fn(usize, usize) -> u64,
) -> Vec<usize> {
    let mut clique = vec![a, b];
    loop {
        let next = (0..papers)
            .filter(|c| !clique.contains(c))
            .filter_map(|c| {
                let lightest = clique.iter().map(|&m| weight(m, c)).min()?;
                (lightest > 0).then_some((lightest, c))
            })
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        match next {
            Some((_, c)) => clique.push(c),
            None => return clique,
        }
    }
}

/// Cliques of three or more papers covering the clash graph's pairs: from each pair not yet in
/// a clique, heaviest first, one clique grown over every pair (cliques may overlap, unlike the
/// floor's: a row is valid for any clique).
pub(super) fn covering(pb: &Problem) -> Vec<Vec<usize>> {
    let mut persons: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for c in &pb.conflicts {
        *persons.entry((c.a.min(c.b), c.a.max(c.b))).or_default() += u64::from(c.persons);
    }
    let weight = |p: usize, q: usize| persons.get(&(p.min(q), p.max(q))).copied().unwrap_or(0);
    let mut pairs: Vec<(u64, usize, usize)> =
        persons.iter().map(|(&(a, b), &w)| (w, a, b)).collect();
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut covered: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut cliques = Vec::new();
    for &(_, a, b) in &pairs {
        if covered.contains(&(a, b)) {
            continue;
        }
        let clique = grow(a, b, pb.papers.len(), weight);
        for (i, &p) in clique.iter().enumerate() {
            for &q in &clique[i + 1..] {
                covered.insert((p.min(q), p.max(q)));
            }
        }
        if clique.len() >= 3 {
            cliques.push(clique);
        }
    }
    cliques
}

#[cfg(test)]
mod tests {
    use super::super::super::highs::Limits;
    use super::super::model::{build, Objective, Rows};
    use super::super::testing::clash_case;

    /// Five papers that pairwise share one person, four slots: some pair must clash. The LP of
    /// the pairwise rows spreads every paper a quarter over each slot and clashes nowhere; the
    /// clique rows make it pay the one clash, which is the optimum.
    #[test]
    fn clique_rows_make_the_lp_pay_the_clash_five_papers_force_in_four_slots() {
        let pairs: Vec<(usize, usize, u32)> = (0..5)
            .flat_map(|i| (i + 1..5).map(move |j| (i, j, 1)))
            .collect();
        let (pb, case, _dir) = clash_case(&pairs, 4, false);
        assert_eq!(super::covering(&pb), vec![vec![0, 1, 2, 3, 4]]);
        for (rows, expected) in [(Rows::Plain, 0.0), (Rows::Cliques, 1.0)] {
            let (m, deferred, _) = build(&pb, &case, &pb.paper_slots, Objective::Deferred, rows);
            let lp = m.relaxation_bound(deferred, Limits::EXACT).unwrap();
            assert!((lp - expected).abs() < 1e-6, "{rows:?}: {lp}");
        }
    }
}

//! Bounds from the quarter with its slots merged: every institution offers its seats once per
//! slot it can use, and a paper, sitting at one slot, fills at most one slot's seats at each.
//!
//! Any timetable's seating is a seating of this merged model, so its LP optimum bounds the
//! deferred count of every plan, and its least travel with that many seated
//! bounds the travel. It has no slot index and no binaries: an LP of the groups' flows alone,
//! solved in seconds where the timetable MIP's root LP does not finish (dense quarters, 1,000,000
//! registrations), and it sees capacity no single floor sees — a prefecture's unpinned
//! registrations beyond what its institutions' remaining seats hold.
//!
//! It also carries the clash floor's cliques, so that seats and clashes are priced together: in
//! each clique at least its forced number of pairs share a slot (z, fractional here), and a
//! clashing pair's persons each lose a registration of one of its two papers, which then needs
//! no seat. Apart, the two floors only give the larger of them; together, a clash that falls
//! where seats are plentiful adds to the seat shortage instead of hiding in it.

use super::super::highs::{Limits, Model, SolveError};
use super::super::problem::Problem;
use super::bounds::ForcedClashes;
use super::model::{destinations, pool_shares};
use crate::case::Case;
use good_lp::{variable, Expression, Variable};
use std::collections::{BTreeMap, BTreeSet};

/// The merged model's LP: (model, deferred, travel).
fn build(pb: &Problem, case: &Case, cliques: &[ForcedClashes]) -> (Model, Expression, Expression) {
    let mut m = Model::default();
    let mut deferred = Expression::default();
    // registrations a clash takes out of each group: a pair sharing a slot (z = 1) defers
    // one registration of each of its persons, from either of the person's two groups
    let mut clashed: Vec<Expression> = vec![Expression::default(); pb.groups.len()];
    for clique in cliques {
        let mut sharing = Expression::default();
        for (&(_, _, persons), shared) in clique.pairs.iter().zip(&clique.shared) {
            let z: Variable = m.add(variable().min(0).max(1)).0;
            sharing.add_mul(1.0, z);
            deferred.add_mul(persons as f64, z);
            for &(g, h, k) in shared {
                let from_g: Variable = m.add(variable().min(0).max(k as f64)).0;
                let from_h: Variable = m.add(variable().min(0).max(k as f64)).0;
                m.constrain((from_g + from_h - k as f64 * z).eq(0.0));
                clashed[g].add_mul(1.0, from_g);
                clashed[h].add_mul(1.0, from_h);
            }
        }
        m.constrain(sharing.geq(clique.forced as f64));
    }
    let sittings = f64::from(case.policy.sittings_per_paper);
    // D[p][i]: registrations of paper p that may sit at institution i
    let mut reach: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); pb.papers.len()];
    // the slots each institution can use: those of the papers that may sit there
    let mut usable: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for g in &pb.groups {
        for &(i, _) in &g.targets {
            *reach[g.paper].entry(i).or_default() += f64::from(g.n);
            usable
                .entry(i)
                .or_default()
                .extend(pb.paper_slots[g.paper].iter().copied());
        }
    }
    let mut travel = Expression::default();
    // flow into (paper, institution), and a prefecture pool's inflow per paper
    let mut flow_in: Vec<BTreeMap<usize, Expression>> = vec![BTreeMap::new(); pb.papers.len()];
    let mut pool_in: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut shared: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); pb.papers.len()];
    for (g, clashed) in pb.groups.iter().zip(clashed) {
        let n = f64::from(g.n);
        // seated, or out by a clash
        let mut placed = clashed;
        for (q, km) in destinations(case, g) {
            let f: Variable = m.add(variable().min(0).max(n)).0;
            placed.add_mul(1.0, f);
            if km > 0.0 {
                travel.add_mul(km, f);
            }
            match g.registered {
                Some(i) => flow_in[g.paper].entry(i).or_default().add_mul(1.0, f),
                None => pool_in.entry((g.paper, q)).or_default().add_mul(1.0, f),
            }
        }
        if g.registered.is_none() {
            shared[g.paper].extend(g.targets.iter().map(|t| t.0));
        }
        let u = m.add(variable().min(0).max(n)).0;
        deferred.add_mul(1.0, u);
        m.constrain((placed + u).eq(n));
    }
    pool_shares(&mut m, case, &shared, &reach, &mut flow_in, pool_in);
    let mut load: BTreeMap<usize, Expression> = BTreeMap::new();
    for into in flow_in {
        for (i, e) in into {
            // one paper fills at most its sittings' seats at i
            m.constrain(e.clone().leq(sittings * f64::from(pb.capacity(i))));
            load.entry(i).or_default().add_mul(1.0, e);
        }
    }
    for (i, e) in load {
        let slots = usable.get(&i).map_or(0, BTreeSet::len) as f64;
        m.constrain(e.leq(slots * f64::from(pb.capacity(i))));
    }
    (m, deferred, travel)
}

/// LP solves here are exact and use HiGHS presolve (an LP, not a MIP: nothing to lose).
const LP: Limits = Limits::EXACT;

/// Deferrals no timetable avoids for want of seats or by forced clashes: the merged model's
/// fewest, rounded up (deferrals are whole) after a margin for the LP's own accuracy.
pub(super) fn deferred_floor(
    pb: &Problem,
    case: &Case,
    cliques: &[ForcedClashes],
) -> Result<f64, SolveError> {
    let (m, deferred, _) = build(pb, case, cliques);
    let lp = m.relaxation_bound(deferred, LP)?;
    Ok((lp - 1e-6 - 1e-9 * lp).ceil().max(0.0))
}

/// Travel no plan deferring at most `deferred` (the model's count) can beat: the merged model's
/// least travel with at most that many unseated, a billionth below for the LP's accuracy (the
/// summary calls a gap of a millionth proven).
pub(super) fn travel_floor(
    pb: &Problem,
    case: &Case,
    cliques: &[ForcedClashes],
    deferred: f64,
) -> Result<f64, SolveError> {
    let (mut m, unseated, travel) = build(pb, case, cliques);
    m.constrain(unseated.leq(deferred.max(0.0)));
    let lp = m.relaxation_bound(travel, LP)?;
    Ok((lp * (1.0 - 1e-9)).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::super::bounds::{clash_floor, forced_cliques};
    use super::super::testing::clash_case;
    use super::*;

    /// Five papers that pairwise share persons, two slots, seats for everyone: the merged
    /// model alone defers nobody, and with the cliques it defers the clash floor's four.
    #[test]
    fn the_merged_floor_prices_forced_clashes() {
        let mut pairs = Vec::new();
        for i in 0..5 {
            for j in i + 1..5 {
                pairs.push((i, j, if (i, j) == (0, 1) { 2 } else { 1 }));
            }
        }
        let (pb, case, _dir) = clash_case(&pairs, 2, false);
        assert_eq!(deferred_floor(&pb, &case, &[]).unwrap(), 0.0);
        let cliques = forced_cliques(&pb, &case);
        assert_eq!(clash_floor(&pb, &case), 4.0);
        assert_eq!(deferred_floor(&pb, &case, &cliques).unwrap(), 4.0);
    }
}

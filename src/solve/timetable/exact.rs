//! The yardstick for every bound: the best plan of a small quarter found person by person,
//! written apart from the planner's models. Every timetable is tried (slots identical, so one
//! per way of splitting the papers into groups sharing a slot), and each is seated by a MIP
//! over single registrations: a binary seat per registration and institution, each person at
//! most one registration per slot (either one), seats per institution and slot.

use super::super::highs::{Limits, Model};
use super::super::problem::{persons_with_several, Problem, Timetable};
use crate::case::Case;
use good_lp::{variable, Expression};
use std::collections::BTreeMap;

/// The best (deferred, travel) of any plan of `pb`, deferred first, and a timetable reaching
/// it. Every paper must admit every slot, the slots being interchangeable.
pub(super) fn best_plan(pb: &Problem, case: &Case) -> ((f64, f64), Timetable) {
    let slots = case.sessions.len();
    assert!(
        pb.paper_slots.iter().all(|s| s.len() == slots),
        "the yardstick needs interchangeable slots"
    );
    let mut best: Option<((f64, f64), Timetable)> = None;
    for labels in splits(pb.papers.len(), slots) {
        let tt: Timetable = labels.iter().map(|&t| vec![t]).collect();
        let value = seat(pb, case, &tt);
        if best.as_ref().is_none_or(|b| less(value, b.0)) {
            best = Some((value, tt));
        }
    }
    best.expect("at least one timetable")
}

/// (deferred, travel) `a` is better than `b`: fewer deferred, or as many and less travel.
pub(super) fn less(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 < b.0 - 0.5 || (a.0 <= b.0 + 0.5 && a.1 < b.1 - 1e-6)
}

/// Restricted growth strings: paper k's slot is at most one more than the largest before it,
/// so each split of the papers into at most `slots` classes appears once.
fn splits(papers: usize, slots: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut labels = vec![0usize; papers];
    fn grow(
        k: usize,
        top: usize,
        slots: usize,
        labels: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        if k == labels.len() {
            out.push(labels.clone());
            return;
        }
        for t in 0..=(top + 1).min(slots - 1) {
            labels[k] = t;
            grow(k + 1, top.max(t), slots, labels, out);
        }
    }
    if papers > 0 {
        labels[0] = 0;
        grow(1, 0, slots, &mut labels, &mut out);
    }
    out
}

/// The best (deferred, travel) of timetable `tt`, registration by registration.
pub(super) fn seat(pb: &Problem, case: &Case, tt: &Timetable) -> (f64, f64) {
    let mut m = Model::default();
    let registrations: u32 = pb.groups.iter().map(|g| g.n).sum();
    let max_km = pb
        .groups
        .iter()
        .flat_map(|g| g.targets.iter().map(|t| t.1))
        .fold(1.0f64, f64::max);
    let weight = f64::from(registrations + 1) * max_km;
    let mut objective = Expression::default();
    let mut seated: BTreeMap<usize, Expression> = BTreeMap::new(); // candidate → its seats
    let mut load: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut cols = Vec::new(); // (column, km)
    for g in &pb.groups {
        assert_eq!(g.members.len() as u32, g.n, "the yardstick needs persons");
        let t = tt[g.paper][0];
        for &c in &g.members {
            let mut mine = Expression::default();
            for &(i, km) in &g.targets {
                let (y, col) = m.add(variable().binary());
                mine.add_mul(1.0, y);
                objective.add_mul(km - weight, y);
                load.entry((i, t)).or_default().add_mul(1.0, y);
                cols.push((col, km));
            }
            m.constrain(mine.clone().leq(1.0));
            seated.insert(c, mine);
        }
    }
    for ((i, _), e) in load {
        m.constrain(e.leq(f64::from(pb.capacity(i))));
    }
    for regs in persons_with_several(case, &pb.groups) {
        let mut at: BTreeMap<usize, Expression> = BTreeMap::new();
        for &(c, g) in &regs {
            let t = tt[pb.groups[g].paper][0];
            at.entry(t).or_default().add_mul(1.0, seated[&c].clone());
        }
        for (_, e) in at {
            m.constrain(e.leq(1.0));
        }
    }
    let exact = Limits {
        presolve: true,
        ..Limits::EXACT
    };
    let solved = m
        .minimise(objective, exact, None)
        .expect("the yardstick solves");
    let seats: f64 = cols
        .iter()
        .map(|&(col, _)| solved.values[col].round())
        .sum();
    let travel: f64 = cols
        .iter()
        .map(|&(col, km)| km * solved.values[col].round())
        .sum();
    (f64::from(registrations) - seats, travel)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{random_small_case, small_case, Person, Site};
    use super::super::{aggregate, bounds, solve, Outcome};
    use super::*;
    use crate::solve::Settings;

    #[test]
    fn splits_count_the_set_partitions_into_at_most_so_many_classes() {
        // Stirling numbers of the second kind, summed: 5 papers into ≤ 4 classes = 1+15+25+10
        assert_eq!(splits(5, 4).len(), 51);
        assert_eq!(splits(5, 2).len(), 16);
        assert_eq!(splits(3, 1).len(), 1);
    }

    /// The planner to proof: no time limit, no gap.
    fn plan(pb: &Problem, case: &Case) -> Outcome {
        let settings = Settings {
            gap: 0.0,
            ..Settings::default()
        };
        solve(pb, case, &settings, None).unwrap()
    }

    fn site(prefecture: usize, seats: u32, papers: &[usize]) -> Site {
        Site {
            prefecture,
            seats,
            papers: papers.to_vec(),
        }
    }

    fn person(home: usize, papers: &[usize]) -> Person {
        Person {
            home,
            papers: papers.to_vec(),
        }
    }

    /// Every bound the planner uses, none above the best plan, and the planner's plan: a real
    /// plan (never below the best), each stage's value at or above its bound, and a stage
    /// called proven is the best.
    fn check_bounds(pb: &Problem, case: &Case, what: &str) -> ((f64, f64), Outcome) {
        let (best, best_tt) = best_plan(pb, case);
        let cliques = bounds::forced_cliques(pb, case);
        let floors = [
            ("pinned", bounds::pinned_floor(pb, case)),
            ("forced clashes", bounds::forced_clashes(&cliques)),
            (
                "merged slots",
                aggregate::deferred_floor(pb, case, &cliques).unwrap(),
            ),
        ];
        for (name, floor) in floors {
            assert!(
                floor <= best.0 + 1e-6,
                "{what}: {name} floor {floor} > best {best:?}"
            );
        }
        let travel_floors = [
            ("nearest", bounds::travel_floor(pb, best.0)),
            (
                "merged slots",
                aggregate::travel_floor(pb, case, &cliques, best.0).unwrap(),
            ),
        ];
        for (name, floor) in travel_floors {
            assert!(
                floor <= best.1 + 1e-6,
                "{what}: {name} travel floor {floor} > best {best:?} at {best_tt:?}"
            );
        }
        let out = plan(pb, case);
        let (d, t) = (out.deferred, out.travel);
        let found = (d.value, t.value);
        assert!(
            !less(found, best),
            "{what}: plan {found:?} beats the best {best:?}"
        );
        assert_eq!(
            seat(pb, case, &out.timetable).0,
            d.value,
            "{what}: the stage's value is its timetable's"
        );
        assert!(d.bound <= d.value + 1e-6, "{what}: deferred {d:?}");
        assert!(
            d.bound <= best.0 + 1e-6,
            "{what}: deferred bound {d:?}, best {best:?}"
        );
        if d.proven {
            assert_eq!(
                d.value, best.0,
                "{what}: proven deferred {d:?}, best {best:?}"
            );
        }
        assert!(t.bound <= t.value + 1e-6, "{what}: travel {t:?}");
        if d.value == best.0 {
            assert!(
                t.bound <= best.1 + 1e-6,
                "{what}: travel bound {t:?}, best {best:?}"
            );
            if t.proven {
                assert!(
                    (t.value - best.1).abs() < 1e-6,
                    "{what}: proven {t:?}, best {best:?}"
                );
            }
        }
        (best, out)
    }

    /// The first case: 201 registrations of paper 0 for its institution's 200 seats
    /// (the other papers sit at another), five papers that
    /// pairwise share one person each in four slots, paper 0 registered first by its persons.
    /// One pair must share a slot; putting paper 0 in it and deferring that person's paper-0
    /// registration also ends the seat shortage: 1 deferred, not 2.
    #[test]
    fn a_clash_may_defer_the_earlier_registration_and_end_a_seat_shortage() {
        let mut persons = Vec::new();
        for i in 0..5 {
            for j in i + 1..5 {
                persons.push(person(0, &[i, j]));
            }
        }
        for _ in 0..197 {
            persons.push(person(0, &[0]));
        }
        let sites = [site(0, 200, &[0]), site(0, 400, &[1, 2, 3, 4])];
        let (pb, case, _dir) = small_case(&sites, 4, &persons);
        let (best, out) = check_bounds(&pb, &case, "seat shortage");
        assert_eq!(best.0, 1.0);
        assert_eq!((out.deferred.value, out.deferred.bound), (1.0, 1.0));
        assert!(out.deferred.proven);
    }

    /// The second case: persons registered first for a paper filed only in 株洲 and
    /// then for one filed at home, both papers at the one slot. Deferring the far registration
    /// saves every km.
    #[test]
    fn a_clash_defers_the_registration_that_would_travel() {
        let mut persons: Vec<Person> = (0..10).map(|_| person(0, &[0, 1])).collect();
        persons.extend((0..5).map(|_| person(0, &[1])));
        let sites = [site(0, 200, &[1]), site(1, 200, &[0])];
        let (pb, case, _dir) = small_case(&sites, 1, &persons);
        let (best, out) = check_bounds(&pb, &case, "travel");
        assert_eq!(best, (10.0, 0.0));
        assert_eq!((out.deferred.value, out.travel.value), (10.0, 0.0));
    }

    /// A person with three papers at one slot loses two registrations, not three: the model's
    /// pairs count 2/3 each, the routing defers exactly two.
    #[test]
    fn three_papers_at_one_slot_defer_two_registrations() {
        let persons: Vec<Person> = (0..4).map(|_| person(0, &[0, 1, 2])).collect();
        let (pb, case, _dir) = small_case(&[site(0, 200, &[0, 1, 2])], 1, &persons);
        let (best, out) = check_bounds(&pb, &case, "three papers");
        assert_eq!(best.0, 8.0);
        assert_eq!(out.deferred.value, 8.0);
    }

    /// Random small quarters, dense in shared persons and short of seats, some persons with
    /// three papers: every bound at or below the best plan, every proven stage at it.
    #[test]
    fn no_bound_is_above_the_best_plan_on_random_small_quarters() {
        for seed in 0..24u64 {
            let (pb, case, _dir) = random_small_case(seed);
            check_bounds(&pb, &case, &format!("seed {seed}"));
        }
    }
}

//! Symmetry: slots that admit the same papers are interchangeable, so the j-th paper (by
//! registrations) may only use the first j slots of each such class, and any timetable can be
//! relabelled ([`canonical`]) to obey that rule without changing its value.

use super::super::problem::{Problem, Timetable};
use crate::case::Case;
use std::collections::BTreeMap;

/// Slots grouped by the set of papers they admit: within a class slots are interchangeable.
fn slot_classes(pb: &Problem, slots: usize) -> Vec<Vec<usize>> {
    let mut classes: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for t in 0..slots {
        let admits: Vec<usize> = (0..pb.papers.len())
            .filter(|&p| pb.paper_slots[p].contains(&t))
            .collect();
        classes.entry(admits).or_default().push(t);
    }
    classes.into_values().collect()
}

/// Papers in symmetry-breaking order: most registrations first.
pub(super) fn paper_order(pb: &Problem) -> Vec<usize> {
    let mut n = vec![0u64; pb.papers.len()];
    for g in &pb.groups {
        n[g.paper] += u64::from(g.n);
    }
    let mut order: Vec<usize> = (0..pb.papers.len()).collect();
    order.sort_by(|&a, &b| n[b].cmp(&n[a]).then(a.cmp(&b)));
    order
}

/// `allowed[p]`: the slots paper p's x variables exist for, after symmetry breaking.
pub(super) fn allowed_slots(pb: &Problem, case: &Case) -> Vec<Vec<usize>> {
    let mut allowed = pb.paper_slots.clone();
    if case.policy.sittings_per_paper != 1 {
        return allowed;
    }
    let order = paper_order(pb);
    for class in slot_classes(pb, case.sessions.len()) {
        let mut rank = 0;
        for &p in &order {
            if !pb.paper_slots[p].contains(&class[0]) {
                continue;
            }
            rank += 1;
            allowed[p].retain(|t| {
                !class.contains(t) || class.iter().position(|c| c == t).unwrap() < rank
            });
        }
    }
    allowed
}

/// Relabels slots inside each class so `tt` satisfies the symmetry-breaking rule.
pub fn canonical(pb: &Problem, case: &Case, tt: &Timetable) -> Timetable {
    if case.policy.sittings_per_paper != 1 {
        return tt.clone();
    }
    let order = paper_order(pb);
    let mut map: BTreeMap<usize, usize> = BTreeMap::new();
    for class in slot_classes(pb, case.sessions.len()) {
        let mut next = 0;
        for &p in &order {
            for &t in &tt[p] {
                if class.contains(&t) && !map.contains_key(&t) {
                    map.insert(t, class[next]);
                    next += 1;
                }
            }
        }
    }
    tt.iter()
        .map(|slots| slots.iter().map(|t| *map.get(t).unwrap_or(t)).collect())
        .collect()
}

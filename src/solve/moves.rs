//! Replanning one slot with the fewest changes: who keeps a seat, who moves, who waits.
//!
//! With the published timetable kept, each slot is a transportation problem of its own:
//! classes of identical registrations (a kept seat at an institution, a seat that became
//! invalid, no seat yet) flow to the institutions they may sit at, within each institution's
//! capacity. Two LPs give the contract's order exactly. The first minimises the deferred.
//! The second holds them at that minimum and minimises `W₂·institution changes +
//! W₁·ticket changes + km`: any two plans with the same deferred differ by cycles that pass
//! each institution at most once (at most 2·I + 2 arcs), so W₁ > (2I + 2)·(max km + 1) makes
//! one ticket change outweigh any travel a cycle can save, and W₂ likewise one institution
//! change outweigh any tickets and travel. Deferring a registration that held a seat (a
//! published ticket revoked) is worse than deferring one that never had a seat: the first LP
//! minimises the deferred, and among those the revoked, by weighting a revoked wait by one
//! more than the M = (seated-before registrations + 1) every wait costs; the second holds both
//! counts. All LPs are networks (capacities on the waiting nodes keep them networks), so their
//! basic optima are integral.

use super::highs::{Limits, Model, SolveError};
use good_lp::{variable, Expression};
use std::collections::BTreeMap;

/// What sitting somewhere changes for a registration of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing: the kept seat, or a first seat.
    None,
    /// The ticket (room or seat), not the institution.
    Ticket,
    /// The institution, and so the ticket.
    Institution,
}

/// Where a class may sit: (institution, road km, what sitting there changes).
pub type Arc = (usize, f64, Change);

/// Identical registrations of one slot.
#[derive(Debug, Clone)]
pub struct Class {
    pub count: u32,
    pub arcs: Vec<Arc>,
    /// Its registrations held a seat in the published plan: deferring one revokes a ticket.
    pub seated_before: bool,
}

/// The optimum of one slot.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    /// (class, institution, count), in class then institution order.
    pub flows: Vec<(usize, usize, u32)>,
    /// Registrations of each class left without a seat.
    pub deferred: Vec<u32>,
}

/// Assigns the classes of one slot to institutions within `capacity` (institution → seats).
pub fn assign(
    classes: &[Class],
    capacity: &BTreeMap<usize, u32>,
) -> Result<Assignment, SolveError> {
    let institutions = capacity.len() as f64;
    let max_km = classes
        .iter()
        .flat_map(|c| c.arcs.iter().map(|a| a.1))
        .fold(0.0f64, f64::max);
    let factor = 2.0 * institutions + 2.0;
    let w1 = factor * (max_km + 1.0);
    let w2 = factor * (w1 + max_km + 1.0);
    let cost = |km: f64, change: Change| {
        km + match change {
            Change::None => 0.0,
            Change::Ticket => w1,
            Change::Institution => w1 + w2,
        }
    };
    // stage 1: fewest deferred, then fewest of them seated before
    let m = 1.0
        + classes
            .iter()
            .filter(|c| c.seated_before)
            .map(|c| f64::from(c.count))
            .sum::<f64>();
    let wait = |c: &Class| if c.seated_before { m + 1.0 } else { m };
    let (waits, _) = solve(classes, capacity, None, &wait, &|_, _| 0.0)?;
    // stage 2: with both held there, fewest changes, then least travel
    let (_, assignment) = solve(classes, capacity, Some(waits), &|_| 0.0, &cost)?;
    Ok(assignment)
}

/// How many wait in all, and how many of them held a seat before.
#[derive(Debug, Clone, Copy)]
struct Waits {
    all: f64,
    seated_before: f64,
}

/// One LP: classes flow to institutions or wait. Without `held`, waiting costs `wait` per
/// registration (stage 1, no arc costs); with it, the waits are capped at those counts.
fn solve(
    classes: &[Class],
    capacity: &BTreeMap<usize, u32>,
    held: Option<Waits>,
    wait: &dyn Fn(&Class) -> f64,
    cost: &dyn Fn(f64, Change) -> f64,
) -> Result<(Waits, Assignment), SolveError> {
    let mut m = Model::default();
    let mut objective = Expression::default();
    let mut waiting = Expression::default();
    let mut waiting_seated = Expression::default();
    let mut load: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut arcs = Vec::new(); // (class, institution, column)
    let mut waits = Vec::new(); // column per class
    for (k, class) in classes.iter().enumerate() {
        let n = f64::from(class.count);
        let mut supply = Expression::default();
        for &(i, km, change) in &class.arcs {
            let (x, col) = m.add(variable().min(0).max(n));
            arcs.push((k, i, col));
            supply.add_mul(1.0, x);
            objective.add_mul(cost(km, change), x);
            load.entry(i).or_default().add_mul(1.0, x);
        }
        let (u, col) = m.add(variable().min(0).max(n));
        waits.push(col);
        supply.add_mul(1.0, u);
        waiting.add_mul(1.0, u);
        if class.seated_before {
            waiting_seated.add_mul(1.0, u);
        }
        objective.add_mul(wait(class), u);
        m.constrain(supply.eq(n));
    }
    for (i, e) in load {
        m.constrain(e.leq(f64::from(capacity.get(&i).copied().unwrap_or(0))));
    }
    if let Some(h) = held {
        m.constrain(waiting.leq(h.all));
        m.constrain(waiting_seated.leq(h.seated_before));
    }
    let solved = m.minimise(objective, Limits::EXACT, None)?;
    let value = |col: usize| {
        solved
            .values
            .get(col)
            .copied()
            .unwrap_or(0.0)
            .round()
            .max(0.0)
    };
    let mut assignment = Assignment {
        flows: Vec::new(),
        deferred: waits.iter().map(|&c| value(c) as u32).collect(),
    };
    for (k, i, col) in arcs {
        let n = value(col) as u32;
        if n > 0 {
            assignment.flows.push((k, i, n));
        }
    }
    let count = |seated_only: bool| -> f64 {
        classes
            .iter()
            .zip(&assignment.deferred)
            .filter(|(c, _)| c.seated_before || !seated_only)
            .map(|(_, &d)| f64::from(d))
            .sum()
    };
    Ok((
        Waits {
            all: count(false),
            seated_before: count(true),
        },
        assignment,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_registration_moves_only_to_seat_one_that_would_wait() {
        // institution 0 holds 1 seat, taken by a kept registration that could also sit at 1;
        // a new registration bound to 0 can sit nowhere else
        let classes = [
            Class {
                count: 1,
                arcs: vec![(0, 0.0, Change::None), (1, 50.0, Change::Institution)],
                seated_before: true,
            },
            Class {
                count: 1,
                arcs: vec![(0, 0.0, Change::None)],
                seated_before: false,
            },
        ];
        let capacity = BTreeMap::from([(0, 1), (1, 5)]);
        let a = assign(&classes, &capacity).unwrap();
        assert_eq!(a.deferred, [0, 0]);
        assert_eq!(a.flows, [(0, 1, 1), (1, 0, 1)]);
        // with room at 0 for both, nobody moves
        let capacity = BTreeMap::from([(0, 2), (1, 5)]);
        let a = assign(&classes, &capacity).unwrap();
        assert_eq!(a.flows, [(0, 0, 1), (1, 0, 1)]);
    }

    #[test]
    fn one_institution_change_outweighs_any_travel() {
        // a displaced registration may stay at its institution far away (ticket change) or
        // move next door (institution change): it stays
        let classes = [Class {
            count: 3,
            arcs: vec![(0, 240.0, Change::Ticket), (1, 0.0, Change::Institution)],
            seated_before: true,
        }];
        let capacity = BTreeMap::from([(0, 3), (1, 3)]);
        let a = assign(&classes, &capacity).unwrap();
        assert_eq!(a.flows, [(0, 0, 3)]);
    }

    #[test]
    fn a_published_seat_is_never_revoked_for_one_who_never_had_one() {
        // one seat at institution 0, held by a kept registration; a registration of the same
        // group without a seat competes for it: the kept one stays, the other waits
        let classes = [
            Class {
                count: 1,
                arcs: vec![(0, 10.0, Change::None)],
                seated_before: true,
            },
            Class {
                count: 1,
                arcs: vec![(0, 10.0, Change::None)],
                seated_before: false,
            },
        ];
        let capacity = BTreeMap::from([(0, 1)]);
        let a = assign(&classes, &capacity).unwrap();
        assert_eq!(a.deferred, [0, 1]);
        assert_eq!(a.flows, [(0, 0, 1)]);
        // listed the other way round, the same outcome
        let swapped = [classes[1].clone(), classes[0].clone()];
        let a = assign(&swapped, &capacity).unwrap();
        assert_eq!(a.deferred, [1, 0]);
        assert_eq!(a.flows, [(1, 0, 1)]);
    }
}

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
//! change outweigh any tickets and travel. Both LPs are networks (a capacity on the deferred
//! node is still one), so their basic optima are integral.

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
    // stage 1: fewest deferred
    let (deferred_min, _) = solve(classes, capacity, None, &|_, _| 0.0)?;
    // stage 2: with deferred held there, fewest changes, then least travel
    let (_, assignment) = solve(classes, capacity, Some(deferred_min), &cost)?;
    Ok(assignment)
}

/// One LP: classes flow to institutions or wait; waiting costs 1 in stage 1 (no arc costs),
/// and is capped at `max_deferred` in stage 2.
fn solve(
    classes: &[Class],
    capacity: &BTreeMap<usize, u32>,
    max_deferred: Option<f64>,
    cost: &dyn Fn(f64, Change) -> f64,
) -> Result<(f64, Assignment), SolveError> {
    let mut m = Model::default();
    let mut objective = Expression::default();
    let mut waiting = Expression::default();
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
        m.constrain(supply.eq(n));
    }
    for (i, e) in load {
        m.constrain(e.leq(f64::from(capacity.get(&i).copied().unwrap_or(0))));
    }
    let objective = match max_deferred {
        None => waiting,
        Some(d) => {
            m.constrain(waiting.leq(d));
            objective
        }
    };
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
    let deferred: f64 = assignment.deferred.iter().map(|&d| f64::from(d)).sum();
    Ok((deferred, assignment))
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
            },
            Class {
                count: 1,
                arcs: vec![(0, 0.0, Change::None)],
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
        }];
        let capacity = BTreeMap::from([(0, 3), (1, 3)]);
        let a = assign(&classes, &capacity).unwrap();
        assert_eq!(a.flows, [(0, 0, 3)]);
    }
}

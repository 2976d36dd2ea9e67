//! Routing with the timetable fixed: who sits where, slot by slot.
//!
//! Once every paper has its slot, each slot is an independent transportation problem (groups →
//! institutions, capacity per institution), whose LP optimum is integral. The slots are solved
//! in parallel. One deferred candidate costs more than any rerouting can save (the weight
//! exceeds the longest augmenting path's travel), so the single LP is lexicographically exact.
//! The duals of the capacity rows are the value of one more seat at an institution and slot.

use super::highs::{Limits, Model, SolveError};
use super::problem::{Problem, Timetable};
use crate::case::Case;
use good_lp::{variable, Expression};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// `count` registrations of group `group` sit at `institution` in `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    pub group: usize,
    pub institution: usize,
    pub slot: usize,
    pub count: u32,
}

/// Marginal value of one more seat at an institution and slot, in objective units
/// (km, with one deferred candidate worth `deferred_weight` km).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeatValue {
    pub institution: usize,
    pub slot: usize,
    pub value: f64,
}

impl SeatValue {
    /// The registrations one more seat would seat (0 to 1): the value's multiple of the
    /// weight of one deferred registration, which exceeds any travel the seat can change.
    pub fn deferred_per_seat(&self, deferred_weight: f64) -> f64 {
        (self.value / deferred_weight).round().clamp(0.0, 1.0)
    }

    /// The km of travel one more seat would save (negative: the registration it seats
    /// travels that far).
    pub fn km_per_seat(&self, deferred_weight: f64) -> f64 {
        self.value - self.deferred_per_seat(deferred_weight) * deferred_weight
    }
}

#[derive(Debug, Clone, Default)]
pub struct Routing {
    pub flows: Vec<Flow>,
    /// Registrations of each group left without a seat.
    pub unseated: Vec<u32>,
    pub seat_values: Vec<SeatValue>,
    pub deferred_weight: f64,
}

/// Routes `sizes[g]` registrations of every group given the timetable.
pub fn route(
    pb: &Problem,
    case: &Case,
    tt: &Timetable,
    sizes: &[u32],
) -> Result<Routing, SolveError> {
    let max_km = pb
        .groups
        .iter()
        .flat_map(|g| g.targets.iter().map(|t| t.1))
        .fold(0.0f64, f64::max);
    let weight = (max_km.max(1.0) * (pb.groups.len() + case.institutions.len() + 1) as f64).ceil();
    // with one sitting per paper the slots are independent blocks
    let blocks: Vec<Vec<usize>> = if case.policy.sittings_per_paper == 1 {
        (0..case.sessions.len()).map(|t| vec![t]).collect()
    } else {
        vec![(0..case.sessions.len()).collect()]
    };
    let solved: Vec<Result<Routing, SolveError>> = blocks
        .par_iter()
        .map(|block| route_block(pb, tt, sizes, block, weight))
        .collect();
    let mut routing = Routing {
        unseated: sizes.to_vec(),
        deferred_weight: weight,
        ..Routing::default()
    };
    for r in solved {
        let r = r?;
        for f in &r.flows {
            routing.unseated[f.group] -= f.count;
        }
        routing.flows.extend(r.flows);
        routing.seat_values.extend(r.seat_values);
    }
    routing
        .flows
        .sort_by_key(|f| (f.slot, f.institution, f.group));
    Ok(routing)
}

fn route_block(
    pb: &Problem,
    tt: &Timetable,
    sizes: &[u32],
    block: &[usize],
    weight: f64,
) -> Result<Routing, SolveError> {
    let mut m = Model::default();
    let mut objective = Expression::default();
    let mut arcs = Vec::new(); // (group, institution, slot, column)
    let mut load: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (g, group) in pb.groups.iter().enumerate() {
        if sizes[g] == 0 {
            continue;
        }
        let slots: Vec<usize> = tt[group.paper]
            .iter()
            .copied()
            .filter(|t| block.contains(t))
            .collect();
        if slots.is_empty() {
            continue;
        }
        let mut seated = Expression::default();
        for &t in &slots {
            for &(i, km) in &group.targets {
                let (y, col) = m.add(variable().min(0).max(sizes[g]));
                arcs.push((g, i, t, col));
                seated.add_mul(1.0, y);
                objective.add_mul(km, y);
                load.entry((i, t)).or_default().add_mul(1.0, y);
            }
        }
        let (u, _) = m.add(variable().min(0).max(sizes[g]));
        objective.add_mul(weight, u);
        m.constrain((seated + u).eq(f64::from(sizes[g])));
    }
    if arcs.is_empty() {
        return Ok(Routing::default());
    }
    let mut capacity_rows = Vec::new();
    for ((i, t), e) in load {
        let row = m.constrain(e.leq(f64::from(pb.capacity(i))));
        capacity_rows.push((i, t, row));
    }
    let solved = m.minimise(objective, Limits::EXACT, None)?;
    let mut flows = Vec::new();
    for (g, i, t, col) in arcs {
        // a basic solution of a transportation LP is integral; flooring guards against noise
        let count = (solved.values[col] + 1e-6).floor().max(0.0) as u32;
        if count > 0 {
            flows.push(Flow {
                group: g,
                institution: i,
                slot: t,
                count,
            });
        }
    }
    let seat_values = capacity_rows
        .into_iter()
        .map(|(institution, slot, row)| SeatValue {
            institution,
            slot,
            value: (-solved.row_duals.get(row).copied().unwrap_or(0.0)).max(0.0),
        })
        .collect();
    Ok(Routing {
        flows,
        unseated: Vec::new(),
        seat_values,
        deferred_weight: weight,
    })
}

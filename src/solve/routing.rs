//! Routing with the timetable fixed: who sits where, slot by slot.
//!
//! Once every paper has its slot, each slot is an independent transportation problem (groups →
//! institutions, capacity per institution), whose LP optimum is integral. The slots are solved
//! in parallel. One deferred candidate costs more than any rerouting can save (the weight
//! exceeds the longest augmenting path's travel), so the single LP is lexicographically exact.
//! The duals of the capacity rows are the value of one more seat at an institution and slot.
//!
//! A person whose papers sit at one time keeps one registration of them; which one is the
//! routing's choice ([`Clash`]): each clash is one more node of the transportation network,
//! drawing its deferrals from any of its groups, so the LP stays integral and defers the
//! registration whose seat is scarcest or farthest.

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

/// `persons` persons each hold a registration in every one of `groups`, whose papers sit at
/// one time (one slot; with several sittings per paper, papers sharing a slot). Each keeps at
/// most one of those registrations: the routing defers `deferred[k]` from `groups[k]`,
/// (groups − 1)·persons in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// A slot of the papers: the routing block it belongs to.
    pub slot: usize,
    /// Ascending.
    pub groups: Vec<usize>,
    pub persons: u32,
    pub deferred: Vec<u32>,
}

/// The clashes `tt` makes, from the problem's holdings. In count mode (a what-if's scaled
/// groups) a holding may name more persons than its groups still hold: each clash takes at
/// most what its groups have left, in a fixed order.
pub fn clashes(pb: &Problem, tt: &Timetable, sizes: &[u32]) -> Vec<Clash> {
    let mut kinds: BTreeMap<(usize, Vec<usize>), u32> = BTreeMap::new();
    for holding in &pb.holdings {
        for part in meetings(pb, tt, &holding.groups) {
            *kinds.entry(part).or_default() += holding.persons;
        }
    }
    let mut left = sizes.to_vec();
    kinds
        .into_iter()
        .filter_map(|((slot, groups), persons)| {
            let persons = groups.iter().map(|&g| left[g]).fold(persons, u32::min);
            for &g in &groups {
                left[g] -= persons;
            }
            (persons > 0).then(|| Clash {
                slot,
                deferred: vec![0; groups.len()],
                groups,
                persons,
            })
        })
        .collect()
}

/// The parts of one person's registrations (`groups`) that meet at one time: papers sharing
/// a slot, transitively. Each part of two or more is (its least slot, its groups ascending).
pub fn meetings(pb: &Problem, tt: &Timetable, groups: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let slots = |k: usize| &tt[pb.groups[groups[k]].paper];
    let mut part: Vec<usize> = (0..groups.len()).collect();
    for i in 0..groups.len() {
        for j in i + 1..groups.len() {
            if part[i] != part[j] && slots(i).iter().any(|t| slots(j).contains(t)) {
                let (from, to) = (part[j], part[i]);
                part.iter_mut()
                    .filter(|p| **p == from)
                    .for_each(|p| *p = to);
            }
        }
    }
    let mut roots = part.clone();
    roots.sort_unstable();
    roots.dedup();
    roots
        .into_iter()
        .filter_map(|root| {
            let members: Vec<usize> = (0..groups.len()).filter(|&k| part[k] == root).collect();
            if members.len() < 2 {
                return None;
            }
            let slot = members
                .iter()
                .flat_map(|&k| slots(k).iter().copied())
                .min()
                .expect("every paper has a slot");
            let mut part: Vec<usize> = members.iter().map(|&k| groups[k]).collect();
            part.sort_unstable();
            Some((slot, part))
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Routing {
    pub flows: Vec<Flow>,
    /// Registrations of each group left without a seat for want of one (clashes apart).
    pub unseated: Vec<u32>,
    /// The clashes, with the registrations each defers from each of its groups.
    pub clashes: Vec<Clash>,
    pub seat_values: Vec<SeatValue>,
    pub deferred_weight: f64,
}

impl Routing {
    /// Registrations of each group deferred by clashes.
    pub fn clashed(&self, groups: usize) -> Vec<u32> {
        let mut out = vec![0; groups];
        for c in &self.clashes {
            for (&g, &d) in c.groups.iter().zip(&c.deferred) {
                out[g] += d;
            }
        }
        out
    }
}

/// Routes `sizes[g]` registrations of every group given the timetable, each clash deferring
/// one registration less than its papers per person.
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
    let clashes = clashes(pb, tt, sizes);
    let solved: Vec<Result<Routing, SolveError>> = blocks
        .par_iter()
        // one block a task, so a worker that runs out takes the next one (see whatif::run)
        .with_max_len(1)
        .map(|block| route_block(pb, tt, sizes, &clashes, block, weight))
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
        for c in &r.clashes {
            for (&g, &d) in c.groups.iter().zip(&c.deferred) {
                routing.unseated[g] -= d;
            }
        }
        routing.flows.extend(r.flows);
        routing.clashes.extend(r.clashes);
        routing.seat_values.extend(r.seat_values);
    }
    routing
        .flows
        .sort_by_key(|f| (f.slot, f.institution, f.group));
    routing
        .clashes
        .sort_by(|a, b| (a.slot, &a.groups).cmp(&(b.slot, &b.groups)));
    Ok(routing)
}

fn route_block(
    pb: &Problem,
    tt: &Timetable,
    sizes: &[u32],
    clashes: &[Clash],
    block: &[usize],
    weight: f64,
) -> Result<Routing, SolveError> {
    let mut m = Model::default();
    let mut objective = Expression::default();
    let mut arcs = Vec::new(); // (group, institution, slot, column)
    let mut load: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    // a clash draws (groups − 1)·persons deferrals from its groups, at most persons from each
    let mut clashes: Vec<Clash> = clashes
        .iter()
        .filter(|c| block.contains(&c.slot))
        .cloned()
        .collect();
    let mut clash_cols: Vec<Vec<usize>> = Vec::with_capacity(clashes.len());
    let mut drawn: BTreeMap<usize, Expression> = BTreeMap::new();
    for c in &clashes {
        let mut all = Expression::default();
        let mut cols = Vec::with_capacity(c.groups.len());
        for &g in &c.groups {
            let (d, col) = m.add(variable().min(0).max(c.persons));
            all.add_mul(1.0, d);
            drawn.entry(g).or_default().add_mul(1.0, d);
            cols.push(col);
        }
        m.constrain(all.eq(f64::from(c.persons) * (c.groups.len() - 1) as f64));
        clash_cols.push(cols);
    }
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
        let clashed = drawn.remove(&g).unwrap_or_default();
        m.constrain((seated + u + clashed).eq(f64::from(sizes[g])));
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
    for (c, cols) in clashes.iter_mut().zip(&clash_cols) {
        // integral like the flows: the clash rows keep the network's matrix
        c.deferred = cols
            .iter()
            .map(|&col| (solved.values[col] + 0.5).floor().max(0.0) as u32)
            .collect();
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
        clashes,
        seat_values,
        deferred_weight: weight,
    })
}

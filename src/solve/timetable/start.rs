//! The start heuristic: a timetable built greedily on a proxy cost and improved by
//! single-paper moves, so the MIPs begin from a good, complete plan.

use super::super::problem::{Problem, Timetable};
use super::symmetry::paper_order;
use crate::case::Case;
use std::collections::BTreeMap;

/// The cost the start heuristic works with, per paper placement: persons whose two papers
/// share a slot, registrations pinned to an institution beyond its seats at the slot (both
/// are certain deferrals), then — far lighter — overflow of the expected unpinned load, which
/// routing can usually send elsewhere.
struct Proxy<'a> {
    pb: &'a Problem,
    cap: Vec<f64>,
    /// per paper: (institution, pinned registrations, expected unpinned registrations)
    demand: Vec<Vec<(usize, f64, f64)>>,
    /// per paper: (other paper, persons)
    clashes: Vec<Vec<(usize, f64)>>,
    pinned: Vec<Vec<f64>>,
    soft: Vec<Vec<f64>>,
    slot: Vec<Option<usize>>,
}

const SOFT: f64 = 1e-3;

impl<'a> Proxy<'a> {
    fn new(pb: &'a Problem, case: &Case) -> Proxy<'a> {
        let cap: Vec<f64> = (0..case.institutions.len())
            .map(|i| f64::from(pb.capacity(i)))
            .collect();
        let mut per: Vec<BTreeMap<usize, (f64, f64)>> = vec![BTreeMap::new(); pb.papers.len()];
        for g in &pb.groups {
            if g.registered.is_some() {
                per[g.paper].entry(g.targets[0].0).or_default().0 += f64::from(g.n);
                continue;
            }
            let nearest = g.targets[0].1;
            let tier: Vec<usize> = g
                .targets
                .iter()
                .filter(|t| t.1 <= nearest)
                .map(|t| t.0)
                .collect();
            let total: f64 = tier.iter().map(|&i| cap[i].max(1.0)).sum();
            for &i in &tier {
                per[g.paper].entry(i).or_default().1 += f64::from(g.n) * cap[i].max(1.0) / total;
            }
        }
        let mut clashes = vec![Vec::new(); pb.papers.len()];
        for c in &pb.conflicts {
            clashes[c.a].push((c.b, f64::from(c.persons)));
            clashes[c.b].push((c.a, f64::from(c.persons)));
        }
        let slots = case.sessions.len();
        Proxy {
            pb,
            demand: per
                .into_iter()
                .map(|m| m.into_iter().map(|(i, (a, b))| (i, a, b)).collect())
                .collect(),
            clashes,
            pinned: vec![vec![0.0; slots]; cap.len()],
            soft: vec![vec![0.0; slots]; cap.len()],
            cap,
            slot: vec![None; pb.papers.len()],
        }
    }

    /// What placing paper `p` at slot `t` adds to the cost, given every other placement.
    fn cost_at(&self, p: usize, t: usize) -> f64 {
        let mut cost = 0.0;
        for &(q, persons) in &self.clashes[p] {
            if self.slot[q] == Some(t) {
                cost += persons;
            }
        }
        for &(i, pinned, soft) in &self.demand[p] {
            let (pin0, soft0, cap) = (self.pinned[i][t], self.soft[i][t], self.cap[i]);
            cost += (pin0 + pinned - cap).max(0.0) - (pin0 - cap).max(0.0);
            cost += SOFT
                * ((pin0 + soft0 + pinned + soft - cap).max(0.0) - (pin0 + soft0 - cap).max(0.0));
        }
        cost
    }

    /// Fullest institution at slot t after placing p (a tie-breaker that spreads load).
    fn fill_at(&self, p: usize, t: usize) -> f64 {
        self.demand[p]
            .iter()
            .map(|&(i, a, b)| (self.pinned[i][t] + self.soft[i][t] + a + b) / self.cap[i].max(1.0))
            .fold(0.0, f64::max)
    }

    fn place(&mut self, p: usize, t: Option<usize>) {
        if let Some(old) = self.slot[p] {
            for &(i, a, b) in &self.demand[p] {
                self.pinned[i][old] -= a;
                self.soft[i][old] -= b;
            }
        }
        if let Some(new) = t {
            for &(i, a, b) in &self.demand[p] {
                self.pinned[i][new] += a;
                self.soft[i][new] += b;
            }
        }
        self.slot[p] = t;
    }

    fn best_slot(&self, p: usize) -> Option<usize> {
        let mut best: Option<(f64, f64, usize)> = None;
        for &t in &self.pb.paper_slots[p] {
            let key = (self.cost_at(p, t), self.fill_at(p, t), t);
            if best.is_none_or(|b| (key.0, key.1) < (b.0 - 1e-9, b.1)) {
                best = Some(key);
            }
        }
        best.map(|b| b.2)
    }
}

/// A start timetable: biggest papers first, each to the admissible slot of least proxy cost,
/// then single-paper moves while any move lowers the cost.
pub fn greedy(pb: &Problem, case: &Case) -> Timetable {
    let mut proxy = Proxy::new(pb, case);
    let order = paper_order(pb);
    for &p in &order {
        let t = proxy.best_slot(p);
        proxy.place(p, t);
    }
    for _ in 0..50 {
        let mut improved = false;
        for &p in &order {
            let Some(now) = proxy.slot[p] else { continue };
            proxy.place(p, None);
            let here = proxy.cost_at(p, now);
            let best = proxy.best_slot(p).unwrap_or(now);
            let moved = best != now && proxy.cost_at(p, best) < here - 1e-9;
            proxy.place(p, Some(if moved { best } else { now }));
            improved |= moved;
        }
        if !improved {
            break;
        }
    }
    proxy
        .slot
        .iter()
        .map(|t| t.iter().copied().collect())
        .collect()
}

//! Proven bounds that need no MIP: the deferrals no timetable avoids (registrations pinned to
//! an institution beyond its seats) and the travel no plan can beat (everyone at the nearest
//! admissible institution). A start that meets them is optimal and skips its MIP.

use super::super::problem::Problem;
use super::super::Settings;
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

/// Does a start already meet both proven bounds: nothing deferred, travel at the floor?
pub(super) fn meets_bounds(pb: &Problem, case: &Case, settings: &Settings, s: &Start) -> bool {
    let floor = travel_floor(pb, s.deferred);
    s.deferred <= pinned_floor(pb, case) + 0.5
        && (s.travel <= floor + 0.5 || s.travel - floor <= settings.gap * s.travel)
}

pub(super) fn integral_km(pb: &Problem) -> bool {
    pb.groups
        .iter()
        .all(|g| g.targets.iter().all(|t| t.1.fract() == 0.0))
}

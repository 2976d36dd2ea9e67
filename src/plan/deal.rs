//! Dealing seats: from routed flows to rooms and seats.
//!
//! At each institution and slot the load goes into the fewest, largest rooms the staff can
//! invigilate (`Venue::layout`). Candidates are dealt in a stable order — paper, home
//! prefecture, candidate_id — so a paper's candidates sit together and the same input always
//! gives the same seat to the same person. [`super::assemble`] turns the sites into rows.

use super::assemble::{self, Run, Seated, Site};
use super::ticket::Codes;
use super::Plan;
use crate::case::Case;
use crate::solve::Solution;
use std::collections::BTreeMap;

/// A site's flows, each with the position of its first member in its group: each group's
/// members are dealt across its flows in site order, then flow order (paper, home, group).
type SiteFlows = ((usize, usize), Vec<(usize, usize)>);

/// The sites (slot, institution) in order, with their flows and where each flow's members start.
fn sites(sol: &Solution) -> Vec<SiteFlows> {
    let pb = &sol.problem;
    let flows = &sol.routing.flows;
    let mut by_site: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, f) in flows.iter().enumerate() {
        by_site.entry((f.slot, f.institution)).or_default().push(k);
    }
    let mut cursor = vec![0usize; pb.groups.len()];
    by_site
        .into_iter()
        .map(|(site, mut ks)| {
            ks.sort_by_key(|&k| {
                let g = &pb.groups[flows[k].group];
                (g.paper, g.home, flows[k].group)
            });
            let starts = ks
                .into_iter()
                .map(|k| {
                    let first = cursor[flows[k].group];
                    cursor[flows[k].group] += flows[k].count as usize;
                    (k, first)
                })
                .collect();
            (site, starts)
        })
        .collect()
}

/// Opens the fewest, largest rooms for a site's load and fills them flow by flow, room by room.
fn site<'s>(
    case: &'s Case,
    sol: &Solution,
    &((slot, institution), ref flows): &SiteFlows,
) -> Site<'s> {
    let pb = &sol.problem;
    let with_seats = case.has_candidates();
    let load: u32 = flows.iter().map(|&(k, _)| sol.routing.flows[k].count).sum();
    let layout = pb.venues[institution]
        .layout(case, load)
        .expect("routing never exceeds an institution's capacity");
    // (room, seats to fill, seats filled)
    let mut open: Vec<(usize, u32, u32)> = layout.iter().map(|&(r, n, _)| (r, n, 0)).collect();
    let mut current = 0;
    let mut runs = Vec::new();
    for &(k, first) in flows {
        let flow = sol.routing.flows[k];
        let group = &pb.groups[flow.group];
        let mut member = first;
        let mut left = flow.count;
        while left > 0 {
            while open[current].2 == open[current].1 {
                current += 1;
            }
            let (room, capacity, ref mut used) = open[current];
            let take = left.min(capacity - *used);
            let first_seat = *used + 1;
            *used += take;
            left -= take;
            let seated = if with_seats {
                let members = &group.members[member..member + take as usize];
                member += take as usize;
                members
                    .iter()
                    .zip(first_seat..)
                    .map(|(&candidate, seat)| Seated {
                        candidate,
                        seat,
                        kept: None,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            runs.push(Run {
                room,
                group: flow.group,
                count: take,
                seated,
            });
        }
    }
    Site {
        slot,
        institution,
        rooms: layout.iter().map(|&(room, n, _)| (room, n)).collect(),
        runs,
    }
}

/// Turns a solution into the plan's rows (without the summary, which `plan` adds), every
/// ticket dealt under plan version 0.
///
/// Sites are independent once each flow knows where its group's members start (`sites`), so
/// they are dealt on rayon workers and joined in site order.
pub fn deal(case: &Case, sol: &Solution) -> Plan {
    use rayon::prelude::*;
    let dealt: Vec<Site> = sites(sol).par_iter().map(|s| site(case, sol, s)).collect();
    assemble::assemble(
        case,
        &sol.problem,
        &Codes::new(case, 0),
        &dealt,
        &sol.deferred,
    )
}

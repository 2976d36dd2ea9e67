//! Dealing seats: from routed flows to rooms, seats and ticket numbers.
//!
//! At each institution and slot the load goes into the fewest, largest rooms the staff can
//! invigilate (`Venue::layout`). Candidates are dealt in a stable order — paper, home
//! prefecture, candidate_id — so a paper's candidates sit together and the same input always
//! gives the same seat to the same person.

use crate::case::Case;
use crate::plan::{AllocationRow, DeferredRow, Plan, RoomRow, SeatRow, SeatsCsv, TimetableRow};
use crate::solve::{Deferral, Solution};
use crate::ticket::Codes;
use std::collections::{BTreeMap, BTreeSet};

/// Each slot's (date, start, end) as the plan files write them.
pub(crate) fn slot_texts(case: &Case) -> Vec<(String, String, String)> {
    case.sessions
        .iter()
        .map(|s| {
            (
                s.date.to_string(),
                s.start.format("%H:%M").to_string(),
                s.end.format("%H:%M").to_string(),
            )
        })
        .collect()
}

/// What one site (institution at one slot) contributes to the plan.
struct Site {
    /// seats.csv rows, rendered (no header).
    seats: Vec<u8>,
    rooms: Vec<RoomRow>,
    /// (room, paper, home, candidates) per room and group placed there.
    placed: Vec<(usize, usize, usize, u32)>,
}

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

/// What dealing any site needs, prepared once.
struct Dealer<'s> {
    case: &'s Case,
    sol: &'s Solution,
    with_seats: bool,
    /// The codes of ticket numbers (plan version 0: a fresh plan).
    codes: Codes,
    /// Date, start and end of each slot, formatted once.
    slot_text: Vec<(String, String, String)>,
}

impl<'s> Dealer<'s> {
    fn new(case: &'s Case, sol: &'s Solution) -> Dealer<'s> {
        let slot_text = slot_texts(case);
        Dealer {
            case,
            sol,
            with_seats: case.has_candidates(),
            codes: Codes::new(case, 0),
            slot_text,
        }
    }

    /// Opens the fewest, largest rooms for the site's load and fills them flow by flow, room
    /// by room, rendering a seats.csv row per candidate.
    fn site(&self, &((slot, inst), ref flows): &SiteFlows) -> Site {
        let (case, pb) = (self.case, &self.sol.problem);
        let load: u32 = flows
            .iter()
            .map(|&(k, _)| self.sol.routing.flows[k].count)
            .sum();
        let layout = pb.venues[inst]
            .layout(case, load)
            .expect("routing never exceeds an institution's capacity");
        let capacity = if self.with_seats {
            load as usize * 200
        } else {
            0
        };
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(capacity));
        let mut placed = Vec::new();
        // (room, seats to fill, seats filled)
        let mut open: Vec<(usize, u32, u32)> = layout.iter().map(|&(r, n, _)| (r, n, 0)).collect();
        let mut current = 0;
        let institution = &case.institutions[inst];
        let venue_prefecture = case.prefectures[institution.prefecture].name.as_str();
        let (date, start, end) = &self.slot_text[slot];
        for &(k, first) in flows {
            let flow = self.sol.routing.flows[k];
            let group = &pb.groups[flow.group];
            let paper = pb.papers[group.paper];
            let occupation = &case.occupations[paper.occupation];
            let home = case.prefectures[group.home].name.as_str();
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
                placed.push((room, group.paper, group.home, take));
                if !self.with_seats {
                    continue;
                }
                let prefix = self.codes.prefix(case, inst, slot, room);
                let room_id = case.rooms[room].room_id.as_str();
                let mut ticket = String::with_capacity(prefix.len() + 3);
                for seat in first_seat..first_seat + take {
                    let c = &case.candidates()[group.members[member]];
                    member += 1;
                    self.codes.write(&mut ticket, &prefix, seat);
                    SeatRow {
                        ticket_no: &ticket,
                        candidate_id: &c.candidate_id,
                        name: &c.name,
                        id_number: &c.id_number,
                        home_prefecture: home,
                        occupation_code: &occupation.code,
                        occupation: &occupation.name,
                        work_type: &occupation.work_type,
                        level: paper.level,
                        date,
                        start,
                        end,
                        venue_prefecture,
                        institution_id: &institution.id,
                        institution: &institution.name,
                        room_id,
                        seat,
                    }
                    .write(&mut w)
                    .expect("writing to memory");
                }
            }
        }
        let rooms = layout
            .iter()
            .map(|&(room, n, invigilators)| RoomRow {
                date: date.clone(),
                start: start.clone(),
                institution_id: institution.id.clone(),
                room_id: case.rooms[room].room_id.clone(),
                seats: case.rooms[room].seats,
                seated: n,
                invigilators,
            })
            .collect();
        Site {
            seats: w.into_inner().expect("writing to memory"),
            rooms,
            placed,
        }
    }
}

/// Turns a solution into the plan's rows (without the summary, which `plan` adds).
///
/// Sites are independent once each flow knows where its group's members start (`sites`), so
/// they are dealt and rendered on rayon workers and joined in site order: the bytes do not
/// depend on the number of threads.
pub fn deal(case: &Case, sol: &Solution) -> Plan {
    use rayon::prelude::*;
    let pb = &sol.problem;
    let with_seats = case.has_candidates();
    let sites = sites(sol);
    let dealer = Dealer::new(case, sol);
    let dealt: Vec<Site> = sites.par_iter().map(|s| dealer.site(s)).collect();

    let mut allocation: BTreeMap<(usize, usize, usize, usize, usize), u32> = BTreeMap::new();
    let mut sittings: BTreeMap<(usize, usize), (u32, BTreeSet<usize>, BTreeSet<usize>)> =
        BTreeMap::new();
    let mut rooms = Vec::new();
    let mut seats = SeatsCsv::default();
    for (((slot, inst), _), site) in sites.iter().zip(dealt) {
        for (room, paper, home, n) in site.placed {
            *allocation
                .entry((*slot, *inst, room, paper, home))
                .or_default() += n;
            let s = sittings.entry((paper, *slot)).or_default();
            s.0 += n;
            s.1.insert(*inst);
            s.2.insert(room);
        }
        rooms.extend(site.rooms);
        seats.pieces.push(site.seats);
    }
    let timetable = timetable_rows(case, &pb.papers, sittings);
    let allocation = allocation_rows(case, &pb.papers, allocation);
    let deferred = deferred_rows(case, pb.fixed.iter().chain(&sol.deferred));
    Plan {
        timetable,
        allocation,
        seats: with_seats.then_some(seats),
        deferred,
        rooms,
    }
}

/// Each paper sitting as timetable.csv writes it, from (paper, slot) → (candidates,
/// institutions, rooms), paper indices into `papers`.
pub(crate) fn timetable_rows(
    case: &Case,
    papers: &[crate::case::Paper],
    sittings: BTreeMap<(usize, usize), (u32, BTreeSet<usize>, BTreeSet<usize>)>,
) -> Vec<TimetableRow> {
    sittings
        .into_iter()
        .map(|((p, slot), (n, insts, rooms))| {
            let paper = papers[p];
            let occ = &case.occupations[paper.occupation];
            let s = &case.sessions[slot];
            TimetableRow {
                occupation_code: occ.code.clone(),
                occupation: occ.name.clone(),
                work_type: occ.work_type.clone(),
                level: paper.level,
                date: s.date.to_string(),
                start: s.start.format("%H:%M").to_string(),
                end: s.end.format("%H:%M").to_string(),
                candidates: n,
                institutions: insts.len() as u32,
                rooms: rooms.len() as u32,
            }
        })
        .collect()
}

/// allocation.csv's rows, from (slot, institution, room, paper, home) → candidates.
pub(crate) fn allocation_rows(
    case: &Case,
    papers: &[crate::case::Paper],
    allocation: BTreeMap<(usize, usize, usize, usize, usize), u32>,
) -> Vec<AllocationRow> {
    allocation
        .into_iter()
        .map(|((slot, inst, room, p, home), n)| {
            let paper = papers[p];
            let s = &case.sessions[slot];
            AllocationRow {
                date: s.date.to_string(),
                start: s.start.format("%H:%M").to_string(),
                institution_id: case.institutions[inst].id.clone(),
                room_id: case.rooms[room].room_id.clone(),
                occupation_code: case.occupations[paper.occupation].code.clone(),
                work_type: case.occupations[paper.occupation].work_type.clone(),
                level: paper.level,
                home_prefecture: case.prefectures[home].name.clone(),
                candidates: n,
            }
        })
        .collect()
}

pub(crate) fn deferred_rows<'a>(
    case: &Case,
    all: impl Iterator<Item = &'a Deferral>,
) -> Vec<DeferredRow> {
    let mut rows: Vec<DeferredRow> = all
        .map(|d| {
            let occ = &case.occupations[d.paper.occupation];
            DeferredRow {
                candidate_id: d
                    .candidate
                    .map(|c| case.candidates()[c].candidate_id.clone()),
                home_prefecture: case.prefectures[d.home].name.clone(),
                occupation_code: occ.code.clone(),
                work_type: occ.work_type.clone(),
                level: d.paper.level,
                candidates: d.count,
                reason: d.reason.text(case, d.paper),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            &a.candidate_id,
            &a.occupation_code,
            &a.work_type,
            a.level,
            &a.home_prefecture,
            &a.reason,
        )
            .cmp(&(
                &b.candidate_id,
                &b.occupation_code,
                &b.work_type,
                b.level,
                &b.home_prefecture,
                &b.reason,
            ))
    });
    if !case.has_candidates() {
        // one row per (home, paper, reason)
        let mut merged: Vec<DeferredRow> = Vec::new();
        for r in rows {
            match merged.last_mut() {
                Some(last)
                    if last.home_prefecture == r.home_prefecture
                        && last.occupation_code == r.occupation_code
                        && last.work_type == r.work_type
                        && last.level == r.level
                        && last.reason == r.reason =>
                {
                    last.candidates += r.candidates
                }
                _ => merged.push(r),
            }
        }
        return merged;
    }
    rows
}

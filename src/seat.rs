//! Dealing seats: from routed flows to rooms, seats and ticket numbers.
//!
//! At each institution and slot the load goes into the fewest, largest rooms the staff can
//! invigilate (`Venue::layout`). Candidates are dealt in a stable order — paper, home
//! prefecture, candidate_id — so a paper's candidates sit together and the same input always
//! gives the same seat to the same person.

use crate::case::Case;
use crate::plan::{AllocationRow, DeferredRow, Plan, RoomRow, SeatRow, TimetableRow};
use crate::solve::{Deferral, Solution};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The ticket number: quarter (5) · venue prefecture (4) · institution (4) · slot (2) ·
/// room (2) · seat (3) — 20 digits. Institution is the 1-based position in institutions.csv,
/// room the 1-based position of the room among its institution's rows in rooms.csv.
pub fn ticket_no(
    case: &Case,
    institution: usize,
    slot: usize,
    room_position: usize,
    seat: u32,
) -> String {
    format!(
        "{}{}{:04}{:02}{:02}{:03}",
        case.quarter.digits(),
        case.prefectures[case.institutions[institution].prefecture].code,
        institution + 1,
        slot + 1,
        room_position + 1,
        seat
    )
}

/// Turns a solution into the plan's rows (without the summary, which `plan` adds).
pub fn deal<'a>(case: &'a Case, sol: &Solution) -> Plan<'a> {
    let pb = &sol.problem;
    let cands = case.candidates();
    let with_seats = case.has_candidates();
    let mut by_site: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new(); // (slot, inst) → flows
    for (k, f) in sol.routing.flows.iter().enumerate() {
        by_site.entry((f.slot, f.institution)).or_default().push(k);
    }
    // each group's members are dealt across its flows in flow order
    let mut cursor = vec![0usize; pb.groups.len()];
    let mut seats = Vec::new();
    let mut allocation: BTreeMap<(usize, usize, usize, usize, usize), u32> = BTreeMap::new();
    let mut rooms = Vec::new();
    let mut sittings: BTreeMap<(usize, usize), (u32, BTreeSet<usize>, BTreeSet<usize>)> =
        BTreeMap::new();
    let mut room_pos: Vec<usize> = vec![0; case.rooms.len()];
    let mut counts = vec![0usize; case.institutions.len()];
    for (r, room) in case.rooms.iter().enumerate() {
        room_pos[r] = counts[room.institution];
        counts[room.institution] += 1;
    }
    // date, start and end of each slot, formatted once
    let slot_text: Vec<(Arc<str>, Arc<str>, Arc<str>)> = case
        .sessions
        .iter()
        .map(|s| {
            (
                Arc::from(s.date.to_string()),
                Arc::from(s.start.format("%H:%M").to_string()),
                Arc::from(s.end.format("%H:%M").to_string()),
            )
        })
        .collect();
    for (&(slot, inst), flow_ids) in &by_site {
        let mut flows: Vec<usize> = flow_ids.clone();
        flows.sort_by_key(|&k| {
            let g = &pb.groups[sol.routing.flows[k].group];
            (g.paper, g.home, sol.routing.flows[k].group)
        });
        let load: u32 = flows.iter().map(|&k| sol.routing.flows[k].count).sum();
        let layout = pb.venues[inst]
            .layout(case, load)
            .expect("routing never exceeds an institution's capacity");
        let mut open = layout
            .iter()
            .map(|&(room, n, _)| (room, n, 0u32))
            .collect::<Vec<_>>();
        let mut current = 0;
        for &k in &flows {
            let flow = sol.routing.flows[k];
            let group = &pb.groups[flow.group];
            let paper = pb.papers[group.paper];
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
                *allocation
                    .entry((slot, inst, room, group.paper, group.home))
                    .or_default() += take;
                let s = sittings.entry((group.paper, slot)).or_default();
                s.0 += take;
                s.1.insert(inst);
                s.2.insert(room);
                if !with_seats {
                    continue;
                }
                let (date, start, end) = &slot_text[slot];
                for seat in first_seat..first_seat + take {
                    let c = group.members[cursor[flow.group]];
                    cursor[flow.group] += 1;
                    seats.push(SeatRow {
                        ticket_no: ticket_no(case, inst, slot, room_pos[room], seat),
                        candidate_id: &cands[c].candidate_id,
                        name: &cands[c].name,
                        id_number: &cands[c].id_number,
                        home_prefecture: &case.prefectures[group.home].name,
                        occupation_code: &case.occupations[paper.occupation].code,
                        occupation: &case.occupations[paper.occupation].name,
                        work_type: &case.occupations[paper.occupation].work_type,
                        level: paper.level,
                        date: date.clone(),
                        start: start.clone(),
                        end: end.clone(),
                        venue_prefecture: &case.prefectures[case.institutions[inst].prefecture]
                            .name,
                        institution_id: &case.institutions[inst].id,
                        institution: &case.institutions[inst].name,
                        room_id: &case.rooms[room].room_id,
                        seat,
                    });
                }
            }
        }
        for &(room, n, invigilators) in &layout {
            rooms.push(RoomRow {
                date: case.sessions[slot].date.to_string(),
                start: case.sessions[slot].start.format("%H:%M").to_string(),
                institution_id: case.institutions[inst].id.clone(),
                room_id: case.rooms[room].room_id.clone(),
                seats: case.rooms[room].seats,
                seated: n,
                invigilators,
            });
        }
    }
    let session = |slot: usize| {
        let s = &case.sessions[slot];
        (
            s.date.to_string(),
            s.start.format("%H:%M").to_string(),
            s.end.format("%H:%M").to_string(),
        )
    };
    let timetable = sittings
        .into_iter()
        .map(|((p, slot), (n, insts, rms))| {
            let paper = pb.papers[p];
            let occ = &case.occupations[paper.occupation];
            let (date, start, end) = session(slot);
            TimetableRow {
                occupation_code: occ.code.clone(),
                occupation: occ.name.clone(),
                work_type: occ.work_type.clone(),
                level: paper.level,
                date,
                start,
                end,
                candidates: n,
                institutions: insts.len() as u32,
                rooms: rms.len() as u32,
            }
        })
        .collect();
    let allocation = allocation
        .into_iter()
        .map(|((slot, inst, room, p, home), n)| {
            let paper = pb.papers[p];
            let (date, start, _) = session(slot);
            AllocationRow {
                date,
                start,
                institution_id: case.institutions[inst].id.clone(),
                room_id: case.rooms[room].room_id.clone(),
                occupation_code: case.occupations[paper.occupation].code.clone(),
                work_type: case.occupations[paper.occupation].work_type.clone(),
                level: paper.level,
                home_prefecture: case.prefectures[home].name.clone(),
                candidates: n,
            }
        })
        .collect();
    let deferred = deferred_rows(case, pb.fixed.iter().chain(&sol.deferred));
    Plan {
        timetable,
        allocation,
        seats: with_seats.then_some(seats),
        deferred,
        rooms,
        summary: serde_json::Value::Null,
    }
}

fn deferred_rows<'a>(case: &Case, all: impl Iterator<Item = &'a Deferral>) -> Vec<DeferredRow> {
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

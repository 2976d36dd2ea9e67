//! From who sits where to the plan's rows: one assembly for every plan.
//!
//! `plan` deals seats from the routing ([`super::deal`]); `replan` keeps published seats and
//! deals the rest (`replan`). Both describe their result as [`Site`]s — an institution
//! at one slot: the rooms it opens and who sits in them — and [`assemble`] alone turns sites into
//! seats.csv, allocation.csv, timetable.csv, rooms.csv and deferred.csv, and decides every ticket
//! number ([`Seated::ticket`]). Sites are rendered on rayon workers and joined in the order given,
//! so the bytes never depend on the number of threads.

use super::ticket::Codes;
use super::{AllocationRow, DeferredRow, Plan, RoomRow, SeatRow, SeatsCsv, TimetableRow};
use crate::case::{Case, Paper};
use crate::solve::{Deferral, Problem};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// An institution at one slot: the rooms it opens and who sits in them.
#[derive(Debug, Default)]
pub struct Site<'p> {
    pub slot: usize,
    pub institution: usize,
    /// The open rooms, in the order rooms.csv lists them, with the candidates each seats.
    pub rooms: Vec<(usize, u32)>,
    /// The seated, in the order seats.csv lists them: runs of one group in one room.
    pub runs: Vec<Run<'p>>,
}

/// Candidates of one group seated in one room, consecutively in seats.csv.
#[derive(Debug, Default)]
pub struct Run<'p> {
    pub room: usize,
    pub group: usize,
    pub count: u32,
    /// Each candidate and seat, when the case has candidates (a demand forecast has counts).
    pub seated: Vec<Seated<'p>>,
}

/// One candidate at one seat.
#[derive(Debug, Clone, Copy)]
pub struct Seated<'p> {
    pub candidate: usize,
    pub seat: u32,
    /// The published ticket this seat keeps (a replan's kept seat); `None` deals a new one.
    pub kept: Option<&'p str>,
}

impl<'p> Seated<'p> {
    /// The seat's ticket number: the kept one, or one dealt under `codes`'s plan version from
    /// the run's `prefix` ([`Codes::prefix`] of its site and room) into `buf`. The only place a
    /// ticket is decided, so a published ticket is never dealt to another seat.
    pub fn ticket<'t>(&self, codes: &Codes, prefix: &str, buf: &'t mut String) -> &'t str
    where
        'p: 't,
    {
        match self.kept {
            Some(kept) => kept,
            None => {
                codes.write(buf, prefix, self.seat);
                buf.as_str()
            }
        }
    }
}

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

/// The plan's rows (without the summary, which the writer adds): `sites` in the order the files
/// list them, `deferred` beside the problem's fixed deferrals.
pub fn assemble(
    case: &Case,
    pb: &Problem,
    codes: &Codes,
    sites: &[Site],
    deferred: &[Deferral],
) -> Plan {
    let with_seats = case.has_candidates();
    let slot_text = slot_texts(case);
    let pieces: Vec<Vec<u8>> = if with_seats {
        sites
            .par_iter()
            .map(|s| render(case, pb, codes, &slot_text, s))
            .collect()
    } else {
        Vec::new()
    };
    let mut allocation: BTreeMap<(usize, usize, usize, usize, usize), u32> = BTreeMap::new();
    let mut sittings: BTreeMap<(usize, usize), (u32, BTreeSet<usize>, BTreeSet<usize>)> =
        BTreeMap::new();
    let mut rooms = Vec::new();
    for site in sites {
        for run in &site.runs {
            let group = &pb.groups[run.group];
            *allocation
                .entry((
                    site.slot,
                    site.institution,
                    run.room,
                    group.paper,
                    group.home,
                ))
                .or_default() += run.count;
            let s = sittings.entry((group.paper, site.slot)).or_default();
            s.0 += run.count;
            s.1.insert(site.institution);
            s.2.insert(run.room);
        }
        let (date, start, _) = &slot_text[site.slot];
        rooms.extend(site.rooms.iter().map(|&(room, seated)| RoomRow {
            date: date.clone(),
            start: start.clone(),
            institution_id: case.institutions[site.institution].id.clone(),
            room_id: case.rooms[room].room_id.clone(),
            seats: case.rooms[room].seats,
            seated,
            invigilators: case.policy.invigilators_for(seated),
        }));
    }
    Plan {
        timetable: timetable_rows(case, &pb.papers, sittings),
        allocation: allocation_rows(case, &pb.papers, allocation),
        seats: with_seats.then_some(SeatsCsv { pieces }),
        deferred: deferred_rows(case, pb.fixed.iter().chain(deferred)),
        rooms,
    }
}

/// One site's seats.csv rows (no header).
fn render(
    case: &Case,
    pb: &Problem,
    codes: &Codes,
    slot_text: &[(String, String, String)],
    site: &Site,
) -> Vec<u8> {
    let seated: usize = site.runs.iter().map(|r| r.seated.len()).sum();
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(seated * 200));
    let institution = &case.institutions[site.institution];
    let venue_prefecture = case.prefectures[institution.prefecture].name.as_str();
    let (date, start, end) = &slot_text[site.slot];
    let mut ticket = String::new();
    for run in &site.runs {
        let group = &pb.groups[run.group];
        let paper = pb.papers[group.paper];
        let occupation = &case.occupations[paper.occupation];
        let home = case.prefectures[group.home].name.as_str();
        let prefix = codes.prefix(case, site.institution, site.slot, run.room);
        let room_id = case.rooms[run.room].room_id.as_str();
        for s in &run.seated {
            let c = &case.candidates()[s.candidate];
            let ticket_no = s.ticket(codes, &prefix, &mut ticket);
            SeatRow {
                ticket_no,
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
                seat: s.seat,
            }
            .write(&mut w)
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// Each paper sitting as timetable.csv writes it, from (paper, slot) → (candidates,
/// institutions, rooms), paper indices into `papers`.
fn timetable_rows(
    case: &Case,
    papers: &[Paper],
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
fn allocation_rows(
    case: &Case,
    papers: &[Paper],
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

/// deferred.csv's rows: one per registration, or, for a demand forecast, one per (home, paper,
/// reason) with its count.
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
                reason: crate::words::reason(&d.reason, case, d.paper),
                reason_code: crate::words::reason_code(&d.reason),
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

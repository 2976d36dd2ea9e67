//! What the plan files name, resolved against the case once: slots, institutions, rooms and
//! candidates by their text, every seats.csv (or allocation.csv) row as a [`Sitting`], every
//! rooms.csv row as an [`OpenRoom`]. The rules then compare indices, not strings.

use super::Violation;
use crate::case::{Case, Paper};
use crate::plan::folder::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A seated registration or count, resolved against the case.
pub(super) struct Sitting {
    pub(super) file: &'static str,
    pub(super) line: u64,
    pub(super) home: usize,
    pub(super) paper: Paper,
    pub(super) slot: usize,
    pub(super) institution: usize,
    pub(super) room: usize,
    pub(super) count: u32,
    /// Candidate index (seats.csv only).
    pub(super) candidate: Option<usize>,
    pub(super) seat: u32,
}

/// Lookups of what plan files name (slots, institutions, rooms, candidates), built once: a plan
/// has up to a million rows.
pub(super) struct Index<'a> {
    /// (date, start) of each slot, as the plan files write them (a quarter has a few dozen).
    pub(super) slots: Vec<(String, String)>,
    pub(super) institutions: HashMap<&'a str, usize>,
    pub(super) rooms: HashMap<(usize, &'a str), usize>,
    pub(super) candidates: HashMap<&'a str, usize>,
    /// Each candidate's person: equal numbers for equal id_numbers (rules 1 and 7 compare
    /// persons a million times; integers hash far faster than 18-character strings).
    pub(super) persons: Vec<u32>,
}

impl<'a> Index<'a> {
    pub(super) fn new(case: &'a Case) -> Index<'a> {
        Index {
            slots: case
                .sessions
                .iter()
                .map(|s| (s.date.to_string(), s.start.format("%H:%M").to_string()))
                .collect(),
            institutions: case
                .institutions
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), i))
                .collect(),
            rooms: case
                .rooms
                .iter()
                .enumerate()
                .map(|(r, x)| ((x.institution, x.room_id.as_str()), r))
                .collect(),
            candidates: case
                .candidates()
                .iter()
                .enumerate()
                .map(|(i, c)| (c.candidate_id.as_str(), i))
                .collect(),
            persons: {
                let mut number: HashMap<&str, u32> = HashMap::default();
                case.candidates()
                    .iter()
                    .map(|c| {
                        let next = number.len() as u32;
                        *number.entry(c.id_number.as_str()).or_insert(next)
                    })
                    .collect()
            },
        }
    }

    pub(super) fn slot(&self, date: &str, start: &str) -> Option<usize> {
        self.slots.iter().position(|s| s.0 == date && s.1 == start)
    }

    pub(super) fn institution(&self, id: &str) -> Option<usize> {
        self.institutions.get(id).copied()
    }

    pub(super) fn room(&self, institution: usize, room_id: &str) -> Option<usize> {
        self.rooms.get(&(institution, room_id)).copied()
    }
}

pub(super) struct Checker<'a> {
    pub(super) case: &'a Case,
    pub(super) index: Index<'a>,
    /// (institution, paper) pairs with a `filed` filing dated by the quarter's first day.
    pub(super) filed: HashSet<(usize, Paper)>,
    pub(super) eligible: Vec<bool>,
    pub(super) violations: Vec<Violation>,
}

impl Checker<'_> {
    /// The file that lists who sits where: seats.csv, or allocation.csv for a forecast.
    pub(super) fn plan_file(&self) -> &'static str {
        if self.case.has_candidates() {
            "seats.csv"
        } else {
            "allocation.csv"
        }
    }

    pub(super) fn flag(&mut self, rule: u8, file: &str, line: Option<u64>, message: String) {
        self.violations.push(Violation {
            rule,
            file: file.to_string(),
            line,
            message,
        });
    }
}

/// A prefecture as the plan files write it (name) or by code.
pub(super) fn prefecture_of(case: &Case, text: &str) -> Option<usize> {
    case.prefectures
        .iter()
        .position(|p| p.name == text || p.code == text)
}

/// An occupation row by code and work type, as the plan files write it.
pub(super) fn occupation_of(case: &Case, code: &str, work_type: &str) -> Option<usize> {
    case.occupations
        .iter()
        .position(|o| o.code == code && o.work_type == work_type)
}

/// Resolves slot, institution and room of a row, flagging what the case does not know.
pub(super) fn place(
    ck: &mut Checker,
    file: &'static str,
    line: u64,
    date: &str,
    start: &str,
    inst: &str,
    room: &str,
) -> Option<(usize, usize, usize)> {
    let Some(slot) = ck.index.slot(date, start) else {
        ck.flag(
            8,
            file,
            Some(line),
            format!("{date} {start} is not a slot in sessions.csv"),
        );
        return None;
    };
    let Some(i) = ck.index.institution(inst) else {
        ck.flag(3, file, Some(line), format!("unknown institution {inst}"));
        return None;
    };
    let Some(r) = ck.index.room(i, room) else {
        ck.flag(
            5,
            file,
            Some(line),
            format!("institution {inst} has no room {room}"),
        );
        return None;
    };
    Some((slot, i, r))
}

pub(super) fn resolve_seats(ck: &mut Checker, seats: &[(u64, SeatRecord)]) -> Vec<Sitting> {
    let mut out = Vec::with_capacity(seats.len());
    for (line, s) in seats {
        let Some(&c) = ck.index.candidates.get(s.candidate_id) else {
            ck.flag(
                1,
                "seats.csv",
                Some(*line),
                format!("candidate {} is not in candidates.csv", s.candidate_id),
            );
            continue;
        };
        let Some((slot, institution, room)) = place(
            ck,
            "seats.csv",
            *line,
            s.date,
            s.start,
            s.institution_id,
            s.room_id,
        ) else {
            continue;
        };
        let cand = &ck.case.candidates()[c];
        if cand.name != s.name || !cand.id_number.eq_ignore_ascii_case(s.id_number) {
            ck.flag(
                1,
                "seats.csv",
                Some(*line),
                format!(
                    "ticket {} names {} ({}), but {} is {} ({}) in candidates.csv",
                    s.ticket_no,
                    s.name,
                    crate::privacy::mask_id(s.id_number),
                    s.candidate_id,
                    cand.name,
                    crate::privacy::mask_id(&cand.id_number)
                ),
            );
        }
        out.push(Sitting {
            file: "seats.csv",
            line: *line,
            home: cand.prefecture,
            paper: cand.paper(),
            slot,
            institution,
            room,
            count: 1,
            candidate: Some(c),
            seat: s.seat,
        });
    }
    out
}

pub(super) fn resolve_allocation(
    ck: &mut Checker,
    rows: &[(u64, AllocationRecord)],
) -> Vec<Sitting> {
    let mut out = Vec::new();
    for (line, a) in rows {
        let home = prefecture_of(ck.case, &a.home_prefecture);
        let occ = occupation_of(ck.case, &a.occupation_code, &a.work_type);
        let (Some(home), Some(occupation)) = (home, occ) else {
            ck.flag(
                1,
                "allocation.csv",
                Some(*line),
                format!(
                    "unknown prefecture {} or occupation {} {}",
                    a.home_prefecture, a.occupation_code, a.work_type
                ),
            );
            continue;
        };
        let Some((slot, institution, room)) = place(
            ck,
            "allocation.csv",
            *line,
            &a.date,
            &a.start,
            &a.institution_id,
            &a.room_id,
        ) else {
            continue;
        };
        out.push(Sitting {
            file: "allocation.csv",
            line: *line,
            home,
            paper: Paper {
                occupation,
                level: a.level,
            },
            slot,
            institution,
            room,
            count: a.candidates,
            candidate: None,
            seat: 0,
        });
    }
    out
}

/// A row of rooms.csv resolved against the case.
pub(super) struct OpenRoom {
    pub(super) line: u64,
    pub(super) slot: usize,
    pub(super) institution: usize,
    pub(super) room: usize,
    pub(super) seated: u32,
    pub(super) invigilators: u32,
}

pub(super) fn resolve_rooms(ck: &mut Checker, rows: &[(u64, RoomRecord)]) -> Vec<OpenRoom> {
    let mut out = Vec::new();
    for (line, r) in rows {
        if let Some((slot, institution, room)) = place(
            ck,
            "rooms.csv",
            *line,
            &r.date,
            &r.start,
            &r.institution_id,
            &r.room_id,
        ) {
            out.push(OpenRoom {
                line: *line,
                slot,
                institution,
                room,
                seated: r.seated,
                invigilators: r.invigilators,
            });
        }
    }
    out
}

//! Rules about rooms: seats (rule 5), invigilators within the staff (rule 6), and overlapping
//! slots as one time for rooms and staff (rules 5-7).

use super::index::*;
use crate::case::Case;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// Rule 5: rooms hold no more than their seats; seat numbers unique and within 1..=seats.
pub(super) fn rooms_within_seats(ck: &mut Checker, sittings: &[Sitting], rooms: &[OpenRoom]) {
    let mut load: BTreeMap<(usize, usize), (u32, u64)> = BTreeMap::new();
    let mut seat_taken: HashMap<(usize, usize, u32), u64> = HashMap::default();
    for s in sittings {
        let e = load.entry((s.slot, s.room)).or_insert((0, s.line));
        e.0 += s.count;
        if s.candidate.is_some() {
            let seats = ck.case.rooms[s.room].seats;
            if s.seat == 0 || s.seat > seats {
                ck.flag(
                    5,
                    s.file,
                    Some(s.line),
                    format!("seat {} outside 1..={seats}", s.seat),
                );
            }
            if let Some(first) = seat_taken.insert((s.slot, s.room, s.seat), s.line) {
                ck.flag(
                    5,
                    s.file,
                    Some(s.line),
                    format!(
                        "seat {} of room {} is also given at line {first}",
                        s.seat, ck.case.rooms[s.room].room_id
                    ),
                );
            }
        }
    }
    for (&(slot, room), &(n, line)) in &load {
        let seats = ck.case.rooms[room].seats;
        if n > seats {
            let file = ck.plan_file();
            ck.flag(
                5,
                file,
                Some(line),
                format!(
                    "room {} holds {n} at slot {} but has {seats} seats",
                    ck.case.rooms[room].room_id,
                    slot + 1
                ),
            );
        }
    }
    for r in rooms {
        let actual = load.get(&(r.slot, r.room)).map_or(0, |e| e.0);
        if actual != r.seated {
            let msg = format!(
                "room {} lists {} seated but the plan seats {actual}",
                ck.case.rooms[r.room].room_id, r.seated
            );
            ck.flag(5, "rooms.csv", Some(r.line), msg);
        }
    }
}

/// Rule 6: each open room has enough invigilators; an institution's staff suffices per slot.
pub(super) fn invigilators_suffice(ck: &mut Checker, sittings: &[Sitting], rooms: &[OpenRoom]) {
    let policy = &ck.case.policy;
    let mut listed: HashMap<(usize, usize), u32> = HashMap::default();
    let mut per_inst: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for r in rooms {
        let need = policy.invigilators_for(r.seated);
        if r.invigilators < need {
            let msg = format!(
                "room {} seats {} with {} invigilators; needs {need}",
                ck.case.rooms[r.room].room_id, r.seated, r.invigilators
            );
            ck.flag(6, "rooms.csv", Some(r.line), msg);
        }
        listed.insert((r.slot, r.room), r.invigilators);
        *per_inst.entry((r.institution, r.slot)).or_default() += r.invigilators;
    }
    let mut used: HashSet<(usize, usize)> = HashSet::default();
    for s in sittings {
        if used.insert((s.slot, s.room)) && !listed.contains_key(&(s.slot, s.room)) {
            ck.flag(
                6,
                s.file,
                Some(s.line),
                format!(
                    "room {} is used but rooms.csv lists no invigilators for it",
                    ck.case.rooms[s.room].room_id
                ),
            );
        }
    }
    for ((i, slot), n) in per_inst {
        let staff = ck.case.institutions[i].staff;
        if n > staff {
            ck.flag(
                6,
                "rooms.csv",
                None,
                format!(
                    "{} needs {n} invigilators at slot {} but has {staff} staff",
                    ck.case.institutions[i].id,
                    slot + 1
                ),
            );
        }
    }
}

/// Rules 5, 6 and 7 across slots that overlap on one date: a person is in one of them, a room
/// is used in one of them, and an institution's invigilators at both together are within its
/// staff.
pub(super) fn overlapping_slots_are_one_time(
    ck: &mut Checker,
    sittings: &[Sitting],
    rooms: &[OpenRoom],
) {
    let pairs = ck.case.overlapping_sessions();
    if pairs.is_empty() {
        return;
    }
    let label = |case: &Case, t: usize| {
        let s = &case.sessions[t];
        format!("{} {}", s.date, s.start.format("%H:%M"))
    };
    let mut person_at: HashMap<(u32, usize), u64> = HashMap::default();
    let mut room_at: HashMap<(usize, usize), u64> = HashMap::default();
    for s in sittings {
        if let Some(c) = s.candidate {
            person_at
                .entry((ck.index.persons[c], s.slot))
                .or_insert(s.line);
        }
        room_at.entry((s.room, s.slot)).or_insert(s.line);
    }
    let mut staff_at: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for r in rooms {
        *staff_at.entry((r.institution, r.slot)).or_default() += r.invigilators;
    }
    for (t, u) in pairs {
        let (a, b) = (label(ck.case, t), label(ck.case, u));
        let mut found = Vec::new();
        for (&(person, slot), &line) in &person_at {
            if slot == u {
                if let Some(&first) = person_at.get(&(person, t)) {
                    found.push((
                        7,
                        line,
                        format!(
                            "the same person also sits at {a} (line {first}), which overlaps {b}"
                        ),
                    ));
                }
            }
        }
        for (&(room, slot), &line) in &room_at {
            if slot == u {
                if let Some(&first) = room_at.get(&(room, t)) {
                    found.push((
                        5,
                        line,
                        format!(
                            "room {} is also used at {a} (line {first}), which overlaps {b}",
                            ck.case.rooms[room].room_id
                        ),
                    ));
                }
            }
        }
        found.sort();
        let file = ck.plan_file();
        for (rule, line, message) in found {
            ck.flag(rule, file, Some(line), message);
        }
        for (&(i, slot), &n) in &staff_at {
            if slot != t {
                continue;
            }
            let m = staff_at.get(&(i, u)).copied().unwrap_or(0);
            let staff = ck.case.institutions[i].staff;
            if n + m > staff {
                let msg = format!(
                    "{} needs {n} invigilators at {a} and {m} at {b}, which overlap, but has {staff} staff",
                    ck.case.institutions[i].id
                );
                ck.flag(6, "rooms.csv", None, msg);
            }
        }
    }
}

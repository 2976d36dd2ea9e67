//! changes.csv: every registration whose seat is not the one published, and why.
//!
//! A replan compares each registration now with the published plan: kept (not listed),
//! moved (ticket, room or institution), now deferred, now seated, new, or withdrawn. A seat taken
//! over names whom it was freed by, so an office can answer the candidate who asks.

use super::previous::{Previous, PreviousSeat};
use super::{ChangeRow, Placement, Standing};
use crate::case::Case;
use crate::plan::summary::ChangeCounts;
use crate::words::ChangeReason;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// Where each registration stands in the new plan.
pub(super) struct Now<'a> {
    /// Each seated candidate's ticket.
    pub tickets: &'a HashMap<usize, String>,
    /// Each seated candidate's placement.
    pub seated: &'a HashMap<usize, &'a Placement>,
    /// Each deferred candidate's reason.
    pub deferred: HashMap<usize, ChangeReason>,
}

/// The changes in candidate_id order, and their counts.
pub(super) fn list(
    case: &Case,
    previous: &Previous,
    matched: &[Option<usize>],
    standing: &HashMap<usize, Standing>,
    now: &Now,
) -> (Vec<ChangeRow>, ChangeCounts) {
    let cands = case.candidates();
    // who freed which seat: previous seats not kept by their holder
    let mut freed: BTreeMap<(usize, usize, u32), String> = BTreeMap::new();
    let mut changes: Vec<ChangeRow> = Vec::new();
    let mut counts = ChangeCounts::default();
    let current: BTreeSet<&str> = cands.iter().map(|c| c.candidate_id.as_str()).collect();
    let old_fields = |s: &PreviousSeat, row: &mut ChangeRow| {
        row.old_ticket_no = s.ticket_no.clone();
        row.old_institution_id = s.institution_id.clone();
        row.old_room_id = s.room_id.clone();
        row.old_seat = s.seat.to_string();
    };
    let matched_seats: BTreeSet<usize> = matched.iter().flatten().copied().collect();
    for (k, s) in previous.seats.iter().enumerate() {
        if matched_seats.contains(&k) {
            continue;
        }
        counts.withdrawn += 1;
        let mut row = ChangeRow {
            candidate_id: s.candidate_id.clone(),
            change: "withdrawn".into(),
            ..ChangeRow::default()
        };
        set_reason(
            &mut row,
            &if current.contains(s.candidate_id.as_str()) {
                ChangeReason::IdReused
            } else {
                ChangeReason::Withdrawn
            },
            None,
        );
        old_fields(s, &mut row);
        if let (Some(i), Some(room)) = (s.institution, s.room) {
            freed.insert((i, room, s.seat), s.candidate_id.clone());
        }
        changes.push(row);
    }
    let previously_deferred: BTreeSet<&str> =
        previous.deferred.iter().map(String::as_str).collect();
    // withdrawn while deferred: no ticket to take back, but the office still hears of it
    for id in &previously_deferred {
        if !current.contains(id) {
            let mut row = ChangeRow {
                candidate_id: id.to_string(),
                change: "withdrawn".into(),
                ..ChangeRow::default()
            };
            set_reason(&mut row, &ChangeReason::Withdrawn, None);
            changes.push(row);
        }
    }
    // seats their holder left (moved or now deferred), so a newcomer there can say whose
    // seat it took
    for (c, m) in matched.iter().enumerate() {
        let Some(k) = m else { continue };
        let s = &previous.seats[*k];
        let left = now.tickets.get(&c).is_none_or(|t| *t != s.ticket_no);
        if let (true, Some(i), Some(room)) = (left, s.institution, s.room) {
            freed.insert((i, room, s.seat), cands[c].candidate_id.clone());
        }
    }
    for (c, cand) in cands.iter().enumerate() {
        let seat = now.seated.get(&c);
        if let (Some(k), Some(_)) = (matched[c], seat) {
            if now.tickets[&c] == previous.seats[k].ticket_no {
                counts.kept += 1;
                continue;
            }
        }
        let mut row = ChangeRow {
            candidate_id: cand.candidate_id.clone(),
            ..ChangeRow::default()
        };
        if let Some(p) = seat {
            row.new_ticket_no = now.tickets[&c].to_string();
            row.new_institution_id = case.institutions[p.institution].id.clone();
            row.new_room_id = case.rooms[p.room].room_id.clone();
            row.new_seat = p.seat.to_string();
        }
        let took = |p: &Placement| {
            freed
                .get(&(p.institution, p.room, p.seat))
                .filter(|id| **id != cand.candidate_id)
                .map(String::as_str)
        };
        match (matched[c], seat) {
            (Some(k), Some(p)) => {
                let s = &previous.seats[k];
                counts.moved_ticket += 1;
                old_fields(s, &mut row);
                let moved_institution = s.institution != Some(p.institution);
                if moved_institution {
                    counts.moved_institution += 1;
                }
                row.change = if moved_institution {
                    "moved_institution"
                } else if s.room != Some(p.room) {
                    "moved_room"
                } else {
                    "moved_seat"
                }
                .into();
                let why = match &standing[&c] {
                    Standing::Displaced(_, why) => why.clone(),
                    _ => ChangeReason::FreesSeat {
                        institution: s.institution_id.clone(),
                    },
                };
                set_reason(&mut row, &why, took(p));
            }
            (Some(k), None) => {
                old_fields(&previous.seats[k], &mut row);
                row.change = "now_deferred".into();
                if let Some(why) = now.deferred.get(&c) {
                    set_reason(&mut row, why, None);
                }
            }
            (None, Some(p)) => {
                let why = if previously_deferred.contains(cand.candidate_id.as_str()) {
                    row.change = "now_seated".into();
                    ChangeReason::NowSeated {
                        institution: case.institutions[p.institution].id.clone(),
                    }
                } else {
                    counts.new += 1;
                    row.change = "new_seated".into();
                    ChangeReason::NewRegistration
                };
                set_reason(&mut row, &why, took(p));
            }
            (None, None) => {
                if previously_deferred.contains(cand.candidate_id.as_str()) {
                    continue; // deferred then and now: nothing changed
                }
                counts.new += 1;
                row.change = "new_deferred".into();
                if let Some(why) = now.deferred.get(&c) {
                    set_reason(&mut row, why, None);
                }
            }
        }
        changes.push(row);
    }
    changes.sort_by(|a, b| {
        a.candidate_id
            .cmp(&b.candidate_id)
            .then(a.change.cmp(&b.change))
    });

    (changes, counts)
}

/// A row's reason: the sentence and its code.
fn set_reason(row: &mut ChangeRow, why: &ChangeReason, took: Option<&str>) {
    row.reason = why.text(took);
    row.reason_code = why.code().to_string();
}

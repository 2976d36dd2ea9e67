//! Rules about persons: ticket numbers (rule 1), every registration seated once or deferred
//! (rule 1), a forecast's demand seated or deferred, a person once at a time (rule 7), a person's
//! duplicate registration seating the first.

use super::index::*;
use super::Violation;
use crate::case::{self, Paper};
use crate::plan::folder::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// Rule 5 for tickets (a ticket is a seat): every ticket is unique and has the documented
/// layout (docs/tickets.md): the quarter, the venue's prefecture, the seat, and a version no later than the
/// plan's; a ticket this version dealt also names its institution, slot and room by their
/// codes. Tickets of earlier versions are checked against the plan that dealt them by
/// `verify --previous`.
pub(super) fn ticket_numbers(ck: &mut Checker, seats: &[(u64, SeatRecord)], version: u32) {
    let codes = crate::plan::ticket::Codes::new(ck.case, version);
    let quarter = ck.case.quarter.digits();
    let mut seen: HashMap<&str, u64> = HashMap::default();
    for (line, s) in seats {
        let line = *line;
        if let Some(first) = seen.insert(s.ticket_no, line) {
            ck.flag(
                5,
                "seats.csv",
                Some(line),
                format!("ticket_no {} repeats line {first}", s.ticket_no),
            );
        }
        let Some(parts) = crate::plan::ticket::parse(s.ticket_no) else {
            ck.flag(
                5,
                "seats.csv",
                Some(line),
                format!(
                    "ticket_no {} is not {} digits",
                    s.ticket_no,
                    crate::plan::ticket::LEN
                ),
            );
            continue;
        };
        let place = ck.index.slot(s.date, s.start).and_then(|slot| {
            let i = ck.index.institution(s.institution_id)?;
            Some((slot, i, ck.index.room(i, s.room_id)?))
        });
        let mut wrong = Vec::new();
        if parts.quarter != quarter {
            wrong.push(format!("quarter {} (expected {quarter})", parts.quarter));
        }
        if parts.seat != s.seat {
            wrong.push(format!("seat {} (the row says {})", parts.seat, s.seat));
        }
        if parts.version > version {
            wrong.push(format!(
                "version {} (the plan is version {version})",
                parts.version
            ));
        }
        if let Some((slot, i, room)) = place {
            let prefecture = &ck.case.prefectures[ck.case.institutions[i].prefecture].code;
            if parts.prefecture != prefecture {
                wrong.push(format!(
                    "prefecture {} (the venue is in {prefecture})",
                    parts.prefecture
                ));
            }
            if parts.version == version {
                let expected = codes.ticket(ck.case, i, slot, room, s.seat);
                if expected != s.ticket_no {
                    wrong.push(format!(
                        "institution, slot or room codes (this seat's ticket is {expected})"
                    ));
                }
            }
        }
        if !wrong.is_empty() {
            ck.flag(
                5,
                "seats.csv",
                Some(line),
                format!(
                    "ticket_no {} does not fit its row: {}",
                    s.ticket_no,
                    wrong.join(", ")
                ),
            );
        }
    }
}

/// Rule 1: every registration is seated exactly once or deferred with a reason.
pub(super) fn every_registration_seated_once_or_deferred(
    ck: &mut Checker,
    sittings: &[Sitting],
    deferred: &[(u64, DeferredRecord)],
) {
    let cands = ck.case.candidates();
    // the line each candidate is first seated at
    let mut seated: Vec<Option<u64>> = vec![None; cands.len()];
    for s in sittings {
        let Some(c) = s.candidate else { continue };
        if let Some(first) = seated[c].replace(s.line) {
            ck.flag(
                1,
                s.file,
                Some(s.line),
                format!(
                    "{} is seated twice (also line {first})",
                    cands[s.candidate.unwrap()].candidate_id
                ),
            );
        }
    }
    let mut put_off = vec![false; cands.len()];
    for (line, d) in deferred {
        let Some(&c) = ck.index.candidates.get(d.candidate_id.as_str()) else {
            ck.flag(
                1,
                "deferred.csv",
                Some(*line),
                format!("candidate {:?} is not in candidates.csv", d.candidate_id),
            );
            continue;
        };
        if d.reason.trim().is_empty() {
            ck.flag(
                1,
                "deferred.csv",
                Some(*line),
                format!("{} is deferred without a reason", d.candidate_id),
            );
        }
        if seated[c].is_some() {
            ck.flag(
                1,
                "deferred.csv",
                Some(*line),
                format!("{} is both seated and deferred", d.candidate_id),
            );
        }
        if std::mem::replace(&mut put_off[c], true) {
            ck.flag(
                1,
                "deferred.csv",
                Some(*line),
                format!("{} is deferred twice", d.candidate_id),
            );
        }
    }
    for (c, cand) in cands.iter().enumerate() {
        if seated[c].is_none() && !put_off[c] {
            ck.flag(
                1,
                "candidates.csv",
                Some(cand.line),
                format!("{} is neither seated nor deferred", cand.candidate_id),
            );
        }
    }
}

/// Rule 1 for a forecast: per home and paper, seated plus deferred equals the demand.
pub(super) fn demand_is_seated_or_deferred(
    ck: &mut Checker,
    sittings: &[Sitting],
    deferred: &[(u64, DeferredRecord)],
) {
    let mut want: BTreeMap<(usize, Paper), i64> = BTreeMap::new();
    if let case::Registrations::Demand(rows) = &ck.case.registrations {
        for r in rows {
            *want
                .entry((
                    r.prefecture,
                    Paper {
                        occupation: r.occupation,
                        level: r.level,
                    },
                ))
                .or_default() += i64::from(r.candidates);
        }
    }
    for s in sittings {
        *want.entry((s.home, s.paper)).or_default() -= i64::from(s.count);
    }
    for (line, d) in deferred {
        let home = prefecture_of(ck.case, &d.home_prefecture);
        let occ = occupation_of(ck.case, &d.occupation_code, &d.work_type);
        let level = case::parse_level(&d.level);
        match (home, occ, level) {
            (Some(h), Some(o), Some(l)) => {
                if d.reason.trim().is_empty() {
                    ck.flag(
                        1,
                        "deferred.csv",
                        Some(*line),
                        "deferred without a reason".into(),
                    );
                }
                *want
                    .entry((
                        h,
                        Paper {
                            occupation: o,
                            level: l,
                        },
                    ))
                    .or_default() -= i64::from(d.candidates.unwrap_or(0));
            }
            _ => ck.flag(
                1,
                "deferred.csv",
                Some(*line),
                "unknown prefecture, occupation or level".into(),
            ),
        }
    }
    for ((home, paper), left) in want {
        if left != 0 {
            ck.flag(
                1,
                "demand.csv",
                None,
                format!(
                    "{} from {}: seated + deferred differs from the demand by {left}",
                    ck.case.paper_label(paper),
                    ck.case.prefectures[home].name
                ),
            );
        }
    }
}

/// Rule 7: two registrations of the same person never share a slot.
pub(super) fn same_person_never_shares_a_slot(ck: &mut Checker, sittings: &[Sitting]) {
    let mut seen: HashMap<(u32, usize), u64> = HashMap::default();
    seen.reserve(sittings.len());
    for s in sittings {
        let person = ck.index.persons[s.candidate.unwrap()];
        if let Some(first) = seen.insert((person, s.slot), s.line) {
            ck.violations.push(Violation {
                rule: 7,
                file: s.file.into(),
                line: Some(s.line),
                message: format!("the same person also sits at this slot (line {first})"),
            });
        }
    }
}

/// The contract: of two registrations of one person for one paper, the first is the one seated.
pub(super) fn duplicates_seat_the_first(ck: &mut Checker, sittings: &[Sitting]) {
    let cands = ck.case.candidates();
    let duplicate_of = ck.case.duplicate_of();
    for s in sittings {
        let c = s.candidate.expect("seats.csv rows name a candidate");
        if let Some(kept) = duplicate_of[c] {
            ck.flag(
                1,
                s.file,
                Some(s.line),
                format!(
                    "{} duplicates {} for the same paper and must be deferred",
                    cands[c].candidate_id, cands[kept].candidate_id
                ),
            );
        }
    }
}

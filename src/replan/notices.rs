//! The replan's changes as the offices read them: each changes.csv row with the candidate's
//! name and masked ID, the change in words, and the times and institutions by name, for
//! changes.xlsx and every affected institution's 变更通知 sheet.

use super::previous::Previous;
use super::{ChangeRow, Placement};
use crate::case::Case;
use crate::plan::Notice;
use rustc_hash::FxHashMap as HashMap;

/// A notice per change row, in the rows' order.
pub(super) fn of(
    case: &Case,
    previous: &Previous,
    rows: &[ChangeRow],
    seated: &HashMap<usize, &Placement>,
) -> Vec<Notice> {
    let cands = case.candidates();
    let candidate: HashMap<&str, usize> = cands
        .iter()
        .enumerate()
        .map(|(k, c)| (c.candidate_id.as_str(), k))
        .collect();
    let old_seat: HashMap<&str, usize> = previous
        .seats
        .iter()
        .enumerate()
        .map(|(k, s)| (s.ticket_no.as_str(), k))
        .collect();
    let institution: HashMap<&str, usize> = case
        .institutions
        .iter()
        .enumerate()
        .map(|(k, x)| (x.id.as_str(), k))
        .collect();
    let name_of = |id: &str| {
        institution
            .get(id)
            .map_or(id.to_string(), |&i| case.institutions[i].name.clone())
    };
    let when = |slot: usize| {
        let s = &case.sessions[slot];
        format!(
            "{} {}–{}",
            s.date,
            s.start.format("%H:%M"),
            s.end.format("%H:%M")
        )
    };
    rows.iter()
        .map(|r| {
            let before = old_seat
                .get(r.old_ticket_no.as_str())
                .map(|&k| &previous.seats[k]);
            let now = candidate.get(r.candidate_id.as_str()).copied();
            // the person as the case knows them now, else as the published plan did
            let (name, id_number) = match (now, before) {
                (Some(c), _) => (cands[c].name.clone(), cands[c].id_number.clone()),
                (None, Some(s)) => (s.name.clone(), s.id_number.clone()),
                (None, None) => (String::new(), String::new()),
            };
            let new_slot = now.and_then(|c| seated.get(&c)).map(|p| p.slot);
            Notice {
                candidate_id: r.candidate_id.clone(),
                name,
                masked_id: crate::privacy::mask_id(&id_number),
                change: crate::words::change_kind(&r.change).to_string(),
                old_ticket_no: r.old_ticket_no.clone(),
                new_ticket_no: r.new_ticket_no.clone(),
                old_time: before.map(|s| when(s.slot)).unwrap_or_default(),
                new_time: new_slot.map(when).unwrap_or_default(),
                old_institution: if r.old_institution_id.is_empty() {
                    String::new()
                } else {
                    name_of(&r.old_institution_id)
                },
                new_institution: if r.new_institution_id.is_empty() {
                    String::new()
                } else {
                    name_of(&r.new_institution_id)
                },
                old_institution_id: r.old_institution_id.clone(),
                new_institution_id: r.new_institution_id.clone(),
                old_room: r.old_room_id.clone(),
                new_room: r.new_room_id.clone(),
                old_seat: r.old_seat.clone(),
                new_seat: r.new_seat.clone(),
                reason: r.reason.clone(),
            }
        })
        .collect()
}

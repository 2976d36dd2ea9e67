//! `verify --previous`: a replanned folder against the plan it replaced, from the files alone.
//!
//! Rule 10 of this checker: the published timetable is kept (no paper at another slot); a
//! registration still holding its previous ticket has no row in changes.csv; every other
//! previous ticket has one that says what became of it (moved, now deferred, withdrawn), with
//! the old and new tickets as the two plans hold them; and summary.json's change counts are
//! those of the files.

use super::Violation;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A seat as both plans write it.
#[derive(Debug, Clone)]
struct Seat {
    line: u64,
    ticket: String,
    id_number: String,
    paper: (String, String, String),
    institution: String,
    room: String,
}

fn flag(out: &mut Vec<Violation>, file: &str, line: Option<u64>, message: String) {
    out.push(Violation {
        rule: 10,
        file: file.into(),
        line,
        message,
    });
}

/// Rows of a CSV file as column → value maps, with their line numbers (the plan files are
/// written with LF line ends by exam-planner).
fn rows(path: &Path, out: &mut Vec<Violation>) -> Vec<(u64, BTreeMap<String, String>)> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut reader = match csv::Reader::from_path(path) {
        Ok(r) => r,
        Err(e) => {
            out.push(Violation {
                rule: 0,
                file,
                line: None,
                message: format!("cannot read: {e}"),
            });
            return Vec::new();
        }
    };
    let headers = reader.headers().cloned().unwrap_or_default();
    let mut rows = Vec::new();
    for (k, record) in reader.records().enumerate() {
        match record {
            Ok(r) => rows.push((
                k as u64 + 2,
                headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect(),
            )),
            Err(e) => out.push(Violation {
                rule: 0,
                file: file.clone(),
                line: Some(k as u64 + 2),
                message: format!("cannot parse: {e}"),
            }),
        }
    }
    rows
}

fn seats(dir: &Path, out: &mut Vec<Violation>) -> BTreeMap<String, Seat> {
    rows(&dir.join("seats.csv"), out)
        .into_iter()
        .map(|(line, r)| {
            let get = |k: &str| r.get(k).cloned().unwrap_or_default();
            (
                get("candidate_id"),
                Seat {
                    line,
                    ticket: get("ticket_no"),
                    id_number: get("id_number").to_ascii_uppercase(),
                    paper: (get("occupation_code"), get("work_type"), get("level")),
                    institution: get("institution_id"),
                    room: get("room_id"),
                },
            )
        })
        .collect()
}

/// Checks the replanned folder `dir` against the previous plan folder `previous`.
pub fn verify(dir: &Path, previous: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    timetable_kept(dir, previous, &mut out);
    let old = seats(previous, &mut out);
    let new = seats(dir, &mut out);
    let changes = rows(&dir.join("changes.csv"), &mut out);
    let mut by_candidate: BTreeMap<&str, Vec<(u64, &BTreeMap<String, String>)>> = BTreeMap::new();
    for (line, r) in &changes {
        let id = r.get("candidate_id").map_or("", String::as_str);
        by_candidate.entry(id).or_default().push((*line, r));
        let kind = r.get("change").map_or("", String::as_str);
        const KINDS: [&str; 8] = [
            "withdrawn",
            "new_seated",
            "new_deferred",
            "moved_institution",
            "moved_room",
            "moved_seat",
            "now_deferred",
            "now_seated",
        ];
        if !KINDS.contains(&kind) {
            flag(
                &mut out,
                "changes.csv",
                Some(*line),
                format!("unknown change {kind:?}"),
            );
        }
    }
    let row_of = |id: &str, kinds: &[&str]| {
        by_candidate
            .get(id)
            .and_then(|v| {
                v.iter()
                    .find(|(_, r)| kinds.contains(&r.get("change").map_or("", String::as_str)))
            })
            .copied()
    };
    let mut counted = BTreeMap::<&str, u64>::new();
    for (id, was) in &old {
        match new
            .get(id)
            .filter(|s| s.id_number == was.id_number && s.paper == was.paper)
        {
            Some(now) if now.ticket == was.ticket => {
                *counted.entry("kept").or_default() += 1;
                if now.institution != was.institution || now.room != was.room {
                    flag(
                        &mut out,
                        "seats.csv",
                        Some(now.line),
                        format!("{id} keeps ticket {} but not its room", was.ticket),
                    );
                }
                if let Some((line, _)) = by_candidate.get(id.as_str()).and_then(|v| v.first()) {
                    flag(
                        &mut out,
                        "changes.csv",
                        Some(*line),
                        format!("{id} keeps its ticket yet has a change row"),
                    );
                }
            }
            Some(now) => {
                *counted.entry("moved_ticket").or_default() += 1;
                let kind = if now.institution != was.institution {
                    *counted.entry("moved_institution").or_default() += 1;
                    "moved_institution"
                } else if now.room != was.room {
                    "moved_room"
                } else {
                    "moved_seat"
                };
                match row_of(id, &[kind]) {
                    Some((line, r)) => {
                        let (o, n) = (&r["old_ticket_no"], &r["new_ticket_no"]);
                        if *o != was.ticket || *n != now.ticket {
                            flag(
                                &mut out,
                                "changes.csv",
                                Some(line),
                                format!(
                                    "{id}: the row says {o} → {n}, the plans say {} → {}",
                                    was.ticket, now.ticket
                                ),
                            );
                        }
                    }
                    None => flag(
                        &mut out,
                        "seats.csv",
                        Some(now.line),
                        format!(
                            "{id} moved from ticket {} to {} but changes.csv has no {kind} row",
                            was.ticket, now.ticket
                        ),
                    ),
                }
            }
            None => {
                let kinds: &[&str] = if new.contains_key(id) {
                    &["withdrawn"]
                } else {
                    &["withdrawn", "now_deferred"]
                };
                match row_of(id, kinds) {
                    Some((_, r)) if r["change"] == "withdrawn" => {
                        *counted.entry("withdrawn").or_default() += 1;
                    }
                    Some(_) => {}
                    None => flag(
                        &mut out,
                        "changes.csv",
                        None,
                        format!(
                            "ticket {} of {id} (previous seats.csv line {}) is gone, and no row says why",
                            was.ticket, was.line
                        ),
                    ),
                }
            }
        }
    }
    for (line, r) in &changes {
        if matches!(
            r.get("change").map(String::as_str),
            Some("new_seated" | "new_deferred")
        ) {
            *counted.entry("new").or_default() += 1;
        }
        let id = r.get("candidate_id").map_or("", String::as_str);
        let seated_now = new.contains_key(id);
        let says_seated = matches!(
            r.get("change").map(String::as_str),
            Some("new_seated" | "now_seated" | "moved_institution" | "moved_room" | "moved_seat")
        );
        if says_seated && !seated_now {
            flag(
                &mut out,
                "changes.csv",
                Some(*line),
                format!("{id} is said seated but has no seat"),
            );
        }
    }
    summary_counts(dir, &counted, &mut out);
    out
}

/// Every paper keeps the slot the previous plan published.
fn timetable_kept(dir: &Path, previous: &Path, out: &mut Vec<Violation>) {
    let key = |r: &BTreeMap<String, String>| {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        (
            (get("occupation_code"), get("work_type"), get("level")),
            (get("date"), get("start")),
        )
    };
    let published: BTreeMap<_, _> = rows(&previous.join("timetable.csv"), out)
        .iter()
        .map(|(_, r)| key(r))
        .collect();
    for (line, r) in rows(&dir.join("timetable.csv"), out) {
        let (paper, slot) = key(&r);
        if published.get(&paper) != Some(&slot) {
            flag(
                out,
                "timetable.csv",
                Some(line),
                format!(
                    "{} {} level {} sits at {} {}, not at its published slot",
                    paper.0, paper.1, paper.2, slot.0, slot.1
                ),
            );
        }
    }
}

fn summary_counts(dir: &Path, counted: &BTreeMap<&str, u64>, out: &mut Vec<Violation>) {
    let summary: serde_json::Value = match std::fs::read_to_string(dir.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
    {
        Some(v) => v,
        None => {
            flag(
                out,
                "summary.json",
                None,
                "cannot read the change counts".into(),
            );
            return;
        }
    };
    let names: BTreeSet<&str> = [
        "kept",
        "moved_ticket",
        "moved_institution",
        "withdrawn",
        "new",
    ]
    .into_iter()
    .collect();
    for name in names {
        let claimed = summary[name].as_u64();
        let actual = counted.get(name).copied().unwrap_or(0);
        if claimed != Some(actual) {
            flag(
                out,
                "summary.json",
                None,
                format!("{name} is {claimed:?} but the two plans give {actual}"),
            );
        }
    }
}

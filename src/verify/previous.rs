//! `verify --previous`: a replanned folder against the plan it replaced, from the files alone.
//!
//! Rule 10 of this checker: the published timetable is kept (no paper at another slot); a
//! registration still holding its previous ticket has no row in changes.csv; every other
//! previous ticket has one that says what became of it (moved, now deferred, withdrawn), with
//! the old and new tickets as the two plans hold them; and summary.json's change counts are
//! those of the files.

use super::Violation;
use crate::plan::folder::{
    self, ChangeRecord, FolderError, SeatRecord, SummaryHead, Table, TimetableRecord,
};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A seat as both plans write it, borrowing its text from the plan's seats.csv.
#[derive(Debug, Clone)]
struct Seat<'t> {
    line: u64,
    ticket: &'t str,
    /// Upper case, as the ID is compared (a final x and X are the same person).
    id_number: Cow<'t, str>,
    paper: (&'t str, &'t str, &'t str),
    institution: &'t str,
    room: &'t str,
}

fn flag(out: &mut Vec<Violation>, file: &str, line: Option<u64>, message: String) {
    out.push(Violation {
        rule: 10,
        file: file.into(),
        line,
        message,
    });
}

/// Rows a plan file cannot give (unreadable, unparsable) as violations, rule 0.
fn unread(errors: Vec<FolderError>, out: &mut Vec<Violation>) {
    out.extend(errors.into_iter().map(Violation::from));
}

/// The seats.csv of the plan in `dir`, and why it could not be read (then it is empty).
fn seats_table(dir: &Path) -> (Table, Vec<Violation>) {
    let mut errors = Vec::new();
    let table = Table::read(dir, "seats.csv", &mut errors).unwrap_or_default();
    let mut out = Vec::new();
    unread(errors, &mut out);
    (table, out)
}

/// Each seat of a plan's seats.csv in file order, and where each candidate_id's seat is (the
/// last row naming it). The seats sit in a list and the map holds positions: a map of whole
/// seats at 1,000,000 rows spent 1.5 s writing 300 MB of scattered buckets.
struct Seats<'t> {
    list: Vec<(&'t str, Seat<'t>)>,
    at: HashMap<&'t str, usize>,
}

impl<'t> Seats<'t> {
    fn get(&self, id: &str) -> Option<&Seat<'t>> {
        self.at.get(id).map(|&k| &self.list[k].1)
    }

    fn contains_key(&self, id: &str) -> bool {
        self.at.contains_key(id)
    }

    /// Each candidate_id once, with its seat, in file order.
    fn iter(&self) -> impl Iterator<Item = (&'t str, &Seat<'t>)> + '_ {
        self.list
            .iter()
            .enumerate()
            .filter(|(k, (id, _))| self.at.get(id) == Some(k))
            .map(|(_, (id, seat))| (*id, seat))
    }
}

fn seats<'t>(table: &'t Table, out: &mut Vec<Violation>) -> Seats<'t> {
    let mut errors = Vec::new();
    let list: Vec<(&str, Seat)> = table
        .rows::<SeatRecord>(&mut errors)
        .into_iter()
        .map(|(line, r)| {
            let id_number = if r.id_number.bytes().any(|b| b.is_ascii_lowercase()) {
                Cow::Owned(r.id_number.to_ascii_uppercase())
            } else {
                Cow::Borrowed(r.id_number)
            };
            (
                r.candidate_id,
                Seat {
                    line,
                    ticket: r.ticket_no,
                    id_number,
                    paper: (r.occupation_code, r.work_type, r.level),
                    institution: r.institution_id,
                    room: r.room_id,
                },
            )
        })
        .collect();
    let at = list
        .iter()
        .enumerate()
        .map(|(k, (id, _))| (*id, k))
        .collect();
    unread(errors, out);
    Seats { list, at }
}

/// Checks the replanned folder `dir` against the previous plan folder `previous`.
pub fn verify(dir: &Path, previous: &Path) -> Vec<Violation> {
    let (new_table, mut out) = seats_table(dir);
    out.extend(verify_with(dir, previous, &new_table));
    out
}

/// [`verify`] with `dir`'s seats.csv already read (its unreadable rows are reported by
/// whoever read it).
pub(super) fn verify_with(dir: &Path, previous: &Path, new_table: &Table) -> Vec<Violation> {
    let laps = crate::progress::Laps::new("verify --previous");
    let mut out = Vec::new();
    for mut v in unchanged(previous) {
        v.file = format!("{}/{}", previous.display(), v.file);
        out.push(v);
    }
    timetable_kept(dir, previous, &mut out);
    laps.lap("previous plan unchanged");
    let (old_table, old_errors) = seats_table(previous);
    out.extend(old_errors);
    laps.lap("previous seats.csv read");
    let old = seats(&old_table, &mut out);
    // the new rows that do not parse are the reader's to report
    let new = seats(new_table, &mut Vec::new());
    laps.lap("seats by candidate");
    let mut errors = Vec::new();
    let changes = folder::rows::<ChangeRecord>(dir, "changes.csv", &mut errors).unwrap_or_default();
    unread(errors, &mut out);
    let mut by_candidate: HashMap<&str, Vec<(u64, &ChangeRecord)>> = HashMap::default();
    for (line, r) in &changes {
        by_candidate
            .entry(r.candidate_id.as_str())
            .or_default()
            .push((*line, r));
        let kind = r.change.as_str();
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
            .and_then(|v| v.iter().find(|(_, r)| kinds.contains(&r.change.as_str())))
            .copied()
    };
    ticket_keeps_its_person(&old, &new, &mut out);
    let mut counted = BTreeMap::<&str, u64>::new();
    for (id, was) in old.iter() {
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
                if let Some((line, _)) = by_candidate.get(id).and_then(|v| v.first()) {
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
                        let (o, n) = (&r.old_ticket_no, &r.new_ticket_no);
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
                    Some((_, r)) if r.change == "withdrawn" => {
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
        let kind = r.change.as_str();
        if matches!(kind, "new_seated" | "new_deferred") {
            *counted.entry("new").or_default() += 1;
        }
        let id = r.candidate_id.as_str();
        let says_seated = matches!(
            kind,
            "new_seated" | "now_seated" | "moved_institution" | "moved_room" | "moved_seat"
        );
        if says_seated && !new.contains_key(id) {
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

/// A published ticket is a person: a ticket of the previous plan found in the new one names
/// the same candidate and ID number, never someone else (a re-dealt seat takes a new ticket).
fn ticket_keeps_its_person(old: &Seats, new: &Seats, out: &mut Vec<Violation>) {
    let owner: HashMap<&str, (&str, &Seat)> =
        old.iter().map(|(id, s)| (s.ticket, (id, s))).collect();
    let mut given: Vec<(u64, String)> = new
        .iter()
        .filter_map(|(id, now)| {
            let &(was_id, was) = owner.get(now.ticket)?;
            (was_id != id || was.id_number != now.id_number).then(|| {
                (
                    now.line,
                    format!(
                        "ticket {} was published to {was_id} ({}) and now names {id} ({}): a published ticket is a person",
                        now.ticket,
                        crate::privacy::mask_id(&was.id_number),
                        crate::privacy::mask_id(&now.id_number)
                    ),
                )
            })
        })
        .collect();
    given.sort();
    for (line, message) in given {
        flag(out, "seats.csv", Some(line), message);
    }
}

/// Every paper keeps the slot the previous plan published.
fn timetable_kept(dir: &Path, previous: &Path, out: &mut Vec<Violation>) {
    let mut errors = Vec::new();
    let key = |r: &TimetableRecord| {
        (
            (r.occupation_code.clone(), r.work_type.clone(), r.level),
            (r.date.clone(), r.start.clone()),
        )
    };
    let before = folder::rows::<TimetableRecord>(previous, "timetable.csv", &mut errors);
    let published: BTreeMap<_, _> = before.iter().flatten().map(|(_, r)| key(r)).collect();
    let now = folder::rows::<TimetableRecord>(dir, "timetable.csv", &mut errors);
    for (line, r) in now.iter().flatten() {
        let (paper, slot) = key(r);
        if published.get(&paper) != Some(&slot) {
            flag(
                out,
                "timetable.csv",
                Some(*line),
                format!(
                    "{} {} level {} sits at {} {}, not at its published slot",
                    paper.0, paper.1, paper.2, slot.0, slot.1
                ),
            );
        }
    }
    unread(errors, out);
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

/// Rule 11: a published plan is what was published. Every file of the folder `dir` has the
/// SHA-256 its summary.json records, and the folder holds no other file (but summary.json and
/// the manifest): an edited seats.csv, a row appended by hand, a door list replaced are named
/// here, before a replan builds on them.
pub fn unchanged(dir: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut flag11 = |file: &str, message: String| {
        out.push(Violation {
            rule: 11,
            file: file.into(),
            line: None,
            message,
        })
    };
    let recorded = match folder::summary::<SummaryHead>(dir) {
        Ok(head) => head.files,
        Err(e) => {
            flag11("summary.json", e.message());
            return out;
        }
    };
    if recorded.is_empty() {
        flag11(
            "summary.json",
            "records no file hashes: the folder was not written by this exam-planner, so what was published cannot be told".into(),
        );
        return out;
    }
    let present = match crate::output::staging::file_hashes(
        dir,
        &["summary.json", crate::output::staging::MANIFEST],
    ) {
        Ok(p) => p,
        Err(e) => {
            flag11(&dir.display().to_string(), format!("cannot be read: {e}"));
            return out;
        }
    };
    for (file, hash) in &recorded {
        match present.get(file) {
            None => flag11(file, "is missing from the published plan".into()),
            Some(h) if h != hash => flag11(
                file,
                "was changed after the plan was written (its SHA-256 is not the one summary.json records)".into(),
            ),
            Some(_) => {}
        }
    }
    for file in present.keys().filter(|f| !recorded.contains_key(*f)) {
        flag11(file, "was added after the plan was written".into());
    }
    out
}

//! The plan that was published, read back against the quarter as it stands now.
//!
//! Its timetable is kept (`timetable.csv` read as a published timetable); its seats are the
//! tickets candidates already hold. A previous plan of another quarter, naming slots or papers
//! the case does not know, or with a seats.csv that does not parse is refused with file and
//! line: a replan must never guess which seat a ticket meant.

use crate::case::published::{self, Published};
use crate::case::{Case, Paper};
use crate::diag::Diagnostics;
use crate::plan::folder::{self, DeferredRecord, FolderError, SeatRecord, SummaryHead, Table};
use std::path::Path;

/// One seat of the previous plan, resolved against the case.
#[derive(Debug, Clone)]
pub struct PreviousSeat {
    pub line: u64,
    pub ticket_no: String,
    pub candidate_id: String,
    pub name: String,
    pub id_number: String,
    pub paper: Paper,
    pub slot: usize,
    /// The institution's id as written (it may have left the case).
    pub institution_id: String,
    pub institution: Option<usize>,
    pub room_id: String,
    /// The room, when the institution still has a room of that id.
    pub room: Option<usize>,
    pub seat: u32,
}

/// The previous plan: its timetable, its seats and who it deferred.
#[derive(Debug, Clone)]
pub struct Previous {
    pub published: Published,
    pub seats: Vec<PreviousSeat>,
    /// candidate_ids deferred by the previous plan.
    pub deferred: Vec<String>,
    /// The previous plan's version (summary.json's `plan_version`): the replan is one more.
    pub version: u32,
}

/// What of the previous plan folder can be read before the case is: whether its files are as
/// published, and its seats.csv (the bulk of the reading, so it can run beside loading the
/// case). `previous_of` resolves it against the case.
pub struct Files {
    /// Files that differ from what summary.json records (rule 11); empty when unchanged.
    pub edited: Vec<crate::verify::Violation>,
    seats: Option<Table>,
    seat_errors: Vec<FolderError>,
}

impl Files {
    /// Reads the folder `dir` (a folder that does not exist reads as nothing, which
    /// [`read`] reports).
    pub fn read(dir: &Path) -> Files {
        let edited = crate::verify::previous::unchanged(dir);
        let mut seat_errors = Vec::new();
        let seats = if dir.is_dir() {
            Table::read(dir, "seats.csv", &mut seat_errors)
        } else {
            None
        };
        Files {
            edited,
            seats,
            seat_errors,
        }
    }
}

/// Reads the previous plan folder `dir`, its seats.csv already in `files`; `None` with
/// diagnostics when it does not fit `case`.
pub fn read(case: &Case, dir: &Path, files: Files, diags: &mut Diagnostics) -> Option<Previous> {
    if !dir.is_dir() {
        diags.error(
            &dir.display().to_string(),
            None,
            None,
            "the previous plan folder does not exist".into(),
        );
        return None;
    }
    let head = match folder::summary::<SummaryHead>(dir) {
        Ok(h) => h,
        Err(e) => {
            diags.error(
                "summary.json",
                None,
                None,
                format!("the previous plan's summary: {}", e.message()),
            );
            return None;
        }
    };
    if head.quarter != case.quarter.to_string() {
        diags.error(
            "summary.json",
            None,
            Some("quarter"),
            format!(
                "the previous plan is for {}, the case for {}",
                head.quarter, case.quarter
            ),
        );
        return None;
    }
    if head.plan_version >= crate::plan::ticket::MAX_VERSION {
        diags.error(
            "summary.json",
            None,
            Some("plan_version"),
            format!(
                "the previous plan is version {}: tickets have room for {} versions of a quarter's plan",
                head.plan_version,
                crate::plan::ticket::MAX_VERSION + 1
            ),
        );
        return None;
    }
    let published = published::read(case, &dir.join("timetable.csv"), diags)?;
    let seats = read_seats(case, files, head.plan_version, diags)?;
    let mut errors = Vec::new();
    let deferred = folder::rows::<DeferredRecord>(dir, "deferred.csv", &mut errors)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, r)| r.candidate_id)
        .filter(|id| !id.is_empty())
        .collect();
    if refused(errors, diags) {
        return None;
    }
    Some(Previous {
        published,
        seats,
        deferred,
        version: head.plan_version,
    })
}

/// Every previous seat it can be sure of, or `None` with diagnostics: a replan must never guess
/// which seat a ticket meant.
fn read_seats(
    case: &Case,
    files: Files,
    version: u32,
    diags: &mut Diagnostics,
) -> Option<Vec<PreviousSeat>> {
    let file = "seats.csv";
    let Files {
        seats: table,
        seat_errors: mut errors,
        ..
    } = files;
    let rows = table
        .as_ref()
        .map(|t| t.rows::<SeatRecord>(&mut errors))
        .unwrap_or_default();
    let mut bad = refused(errors, diags);
    let digits = case.quarter.digits();
    let institution_of: std::collections::HashMap<&str, usize> = case
        .institutions
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let room_of: std::collections::HashMap<(usize, &str), usize> = case
        .rooms
        .iter()
        .enumerate()
        .map(|(r, x)| ((x.institution, x.room_id.as_str()), r))
        .collect();
    // a slot as seats.csv writes it (date, start), and a paper's occupation by code and work type
    let slot_text: Vec<(String, String)> = case
        .sessions
        .iter()
        .map(|s| (s.date.to_string(), s.start.format("%H:%M").to_string()))
        .collect();
    let mut slot_of: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for (k, (date, start)) in slot_text.iter().enumerate() {
        slot_of.entry((date.as_str(), start.as_str())).or_insert(k);
    }
    let mut occupation_of: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for (k, o) in case.occupations.iter().enumerate() {
        occupation_of
            .entry((o.code.as_str(), o.work_type.as_str()))
            .or_insert(k);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let layout = crate::plan::ticket::parse(row.ticket_no);
        if layout.is_none_or(|p| p.version > version) {
            diags.error(
                file,
                Some(line),
                Some("ticket_no"),
                format!(
                    "ticket {} is not a ticket of plan version {version} ({} digits, docs/tickets.md); was the plan written by an earlier exam-planner, or edited?",
                    row.ticket_no,
                    crate::plan::ticket::LEN
                ),
            );
            bad = true;
            continue;
        }
        if !row.ticket_no.starts_with(&digits) {
            diags.error(
                file,
                Some(line),
                Some("ticket_no"),
                format!(
                    "ticket {} is not of quarter {} (its tickets start {digits})",
                    row.ticket_no, case.quarter
                ),
            );
            bad = true;
            continue;
        }
        let slot = slot_of.get(&(row.date, row.start)).copied();
        let Some(slot) = slot else {
            diags.error(
                file,
                Some(line),
                Some("date"),
                format!("{} {} is not a slot in sessions.csv", row.date, row.start),
            );
            bad = true;
            continue;
        };
        let occupation = occupation_of
            .get(&(row.occupation_code, row.work_type))
            .copied();
        let level = crate::case::parse_level(row.level);
        let (Some(occupation), Some(level)) = (occupation, level) else {
            diags.error(
                file,
                Some(line),
                Some("occupation_code"),
                format!(
                    "no paper {} {:?} level {} in occupations.csv",
                    row.occupation_code, row.work_type, row.level
                ),
            );
            bad = true;
            continue;
        };
        let institution = institution_of.get(row.institution_id).copied();
        let room = institution.and_then(|i| room_of.get(&(i, row.room_id)).copied());
        out.push(PreviousSeat {
            line,
            ticket_no: row.ticket_no.to_string(),
            candidate_id: row.candidate_id.to_string(),
            name: row.name.to_string(),
            id_number: row.id_number.to_ascii_uppercase(),
            paper: Paper { occupation, level },
            slot,
            institution_id: row.institution_id.to_string(),
            institution,
            room_id: row.room_id.to_string(),
            room,
            seat: row.seat,
        });
    }
    (!bad).then_some(out)
}

/// Reports what the folder reader could not read as errors; true when there was any.
fn refused(errors: Vec<FolderError>, diags: &mut Diagnostics) -> bool {
    let any = !errors.is_empty();
    for e in errors {
        diags.error(e.file(), e.line(), e.column(), e.message());
    }
    any
}

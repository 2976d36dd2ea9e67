//! Re-checks a written plan against its case, independently of the solver.
//!
//! Reads only the case and the plan's files — never `solve/` — and checks each rule of the
//! contract with one small function, so a bug in the planner cannot hide itself. Every
//! violation names its rule and the rows involved.

mod files;
mod index;
mod places;
pub mod previous;
mod registrations;
mod rooms;

use crate::case::{self, Case};
use crate::plan::folder::{self, *};
use crate::vet;
use index::{resolve_allocation, resolve_rooms, resolve_seats, Checker, Index};
use std::fmt;
use std::path::Path;

/// One broken rule at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The contract's rule number (1–8); 9 when the plan's own files disagree (timetable.csv
    /// or summary.json against the seats, deferrals and rooms); 0 for a file that cannot be read.
    pub rule: u8,
    pub file: String,
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = crate::privacy::mask_ids_in(&self.message);
        let rule = self.rule;
        let name = rule_name(rule);
        match self.line {
            Some(l) => write!(f, "rule {rule} ({name}): {}:{l}: {message}", self.file),
            None => write!(f, "rule {rule} ({name}): {}: {message}", self.file),
        }
    }
}

/// Each rule's short name, as `verify` prints it beside the number.
pub fn rule_name(rule: u8) -> &'static str {
    match rule {
        0 => "unreadable file",
        1 => "seated once or deferred",
        2 => "one slot per paper",
        3 => "filed and eligible",
        4 => "travel and registered institution",
        5 => "seats",
        6 => "invigilators",
        7 => "a person once at a time",
        8 => "slot length",
        9 => "files agree",
        10 => "previous plan",
        11 => "published files unchanged",
        _ => "unknown rule",
    }
}

/// Checks the plan in `plan_dir` against the case in `case_dir`, and against the plan it
/// replaced when `previous` names one (rule 10).
pub fn verify_dirs(
    case_dir: &Path,
    plan_dir: &Path,
    previous: Option<&Path>,
) -> Result<Vec<Violation>, String> {
    let (case, diags) = case::load(case_dir);
    let case = match case {
        Some(c) if !diags.has_errors() => c,
        _ => {
            let first = diags
                .errors()
                .next()
                .map(|d| d.to_string())
                .unwrap_or_default();
            return Err(format!("the case has errors; run validate first ({first})"));
        }
    };
    Ok(match previous {
        Some(previous) => verify_replan(&case, plan_dir, previous),
        None => verify(&case, plan_dir),
    })
}

/// Checks a plan folder against an already loaded case.
pub fn verify(case: &Case, dir: &Path) -> Vec<Violation> {
    let (seats, mut violations) = SeatsFile::read(case, dir);
    violations.extend(verify_with(case, dir, &seats));
    violations
}

/// Checks a replanned folder against its case (rules 1–9) and against the plan it replaced
/// (rule 10, [`previous::verify`]), side by side, reading its seats.csv once for both.
pub fn verify_replan(case: &Case, dir: &Path, previous: &Path) -> Vec<Violation> {
    let (seats, mut violations) = SeatsFile::read(case, dir);
    let (rules, against_previous) = rayon::join(
        || verify_with(case, dir, &seats),
        || previous::verify_with(dir, previous, &seats.table),
    );
    violations.extend(rules);
    violations.extend(against_previous);
    violations
}

/// A plan folder's seats.csv, read once for the checks that need it (empty for a demand
/// forecast, which seats nobody by name).
pub struct SeatsFile {
    table: Table,
}

impl SeatsFile {
    /// Reads `dir`'s seats.csv when the case has candidates; what could not be read is
    /// returned as rule 0 violations.
    fn read(case: &Case, dir: &Path) -> (SeatsFile, Vec<Violation>) {
        let mut io = Vec::new();
        let table = if case.has_candidates() {
            Table::read(dir, "seats.csv", &mut io).unwrap_or_default()
        } else {
            Table::default()
        };
        let violations = io.into_iter().map(Violation::from).collect();
        (SeatsFile { table }, violations)
    }
}

/// [`verify`] on a seats.csv already read.
fn verify_with(case: &Case, dir: &Path, seats_file: &SeatsFile) -> Vec<Violation> {
    let laps = crate::progress::Laps::new("verify");
    let mut ck = Checker {
        case,
        index: Index::new(case),
        filed: case.filed_papers(),
        eligible: vet::eligible(case),
        violations: Vec::new(),
    };
    laps.lap("index built");
    let mut io = Vec::new();
    let rooms = folder::rows::<RoomRecord>(dir, "rooms.csv", &mut io).unwrap_or_default();
    let deferred = folder::rows::<DeferredRecord>(dir, "deferred.csv", &mut io).unwrap_or_default();
    let sittings = if case.has_candidates() {
        let seats = seats_file.table.rows::<SeatRecord>(&mut io);
        laps.lap("seats.csv read");
        registrations::ticket_numbers(&mut ck, &seats, plan_version(dir));
        resolve_seats(&mut ck, &seats)
    } else {
        let alloc =
            folder::rows::<AllocationRecord>(dir, "allocation.csv", &mut io).unwrap_or_default();
        resolve_allocation(&mut ck, &alloc)
    };
    ck.violations.extend(io.into_iter().map(Violation::from));
    laps.lap("seats resolved");
    if case.has_candidates() {
        registrations::every_registration_seated_once_or_deferred(&mut ck, &sittings, &deferred);
        registrations::same_person_never_shares_a_slot(&mut ck, &sittings);
        registrations::duplicates_seat_the_first(&mut ck, &sittings);
        places::registered_candidates_sit_at_their_institution(&mut ck, &sittings);
    } else {
        registrations::demand_is_seated_or_deferred(&mut ck, &sittings, &deferred);
    }
    laps.lap("registration rules");
    places::paper_sits_at_few_enough_slots(&mut ck, &sittings);
    places::institution_is_filed_and_eligible(&mut ck, &sittings);
    places::travel_within_limit(&mut ck, &sittings);
    places::slot_long_enough(&mut ck, &sittings);
    laps.lap("place rules");
    let rooms = resolve_rooms(&mut ck, &rooms);
    rooms::rooms_within_seats(&mut ck, &sittings, &rooms);
    rooms::invigilators_suffice(&mut ck, &sittings, &rooms);
    rooms::overlapping_slots_are_one_time(&mut ck, &sittings, &rooms);
    laps.lap("room rules");
    let mut io = Vec::new();
    let timetable =
        folder::rows::<TimetableRecord>(dir, "timetable.csv", &mut io).unwrap_or_default();
    ck.violations.extend(io.into_iter().map(Violation::from));
    files::timetable_lists_every_sitting(&mut ck, &sittings, &timetable);
    files::summary_agrees_with_the_files(
        &mut ck,
        dir,
        &sittings,
        &deferred,
        &rooms,
        timetable.len(),
    );
    laps.lap("file rules");
    ck.violations
}

/// The plan's version (summary.json's `plan_version`; 0 when it cannot be read, which
/// `summary_agrees_with_the_files` reports).
fn plan_version(dir: &Path) -> u32 {
    folder::summary::<SummaryHead>(dir).map_or(0, |h| h.plan_version)
}

impl From<FolderError> for Violation {
    /// A plan file that cannot be read, or a row that does not parse: rule 0.
    fn from(e: FolderError) -> Violation {
        Violation {
            rule: 0,
            file: e.file().to_string(),
            line: e.line(),
            message: match e.column() {
                Some(c) => format!("{} (column {c})", e.message()),
                None => e.message(),
            },
        }
    }
}

//! Re-checks a written plan against its case, independently of the solver.
//!
//! Reads only the case and the plan's files — never `solve/` — and checks each rule of the
//! contract with one small function, so a bug in the planner cannot hide itself. Every
//! violation names its rule and the rows involved.

pub mod previous;

use crate::case::{self, Case, Paper};
use crate::vet;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
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

/// A seats.csv row, borrowing its text from the record it was read from (a plan has up to a
/// million of them; owned strings cost seven allocations a row).
#[derive(Debug, Deserialize)]
struct Seat<'r> {
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    ticket_no: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    candidate_id: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    name: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    id_number: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    date: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    start: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    institution_id: &'r str,
    #[serde(borrow, deserialize_with = "crate::output::csv_out::restored")]
    room_id: &'r str,
    seat: u32,
}

#[derive(Debug, Deserialize)]
struct Deferred {
    #[serde(default, deserialize_with = "crate::output::csv_out::restored_owned")]
    candidate_id: String,
    #[serde(default)]
    home_prefecture: String,
    #[serde(default)]
    occupation_code: String,
    #[serde(default)]
    work_type: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    candidates: Option<u32>,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Deserialize)]
struct RoomUse {
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    date: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    start: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    institution_id: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    room_id: String,
    seated: u32,
    invigilators: u32,
}

#[derive(Debug, Deserialize)]
struct Allocation {
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    date: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    start: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    institution_id: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    room_id: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    occupation_code: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    work_type: String,
    level: u8,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    home_prefecture: String,
    candidates: u32,
}

/// A row of timetable.csv: one paper sitting at one slot.
#[derive(Debug, Deserialize)]
struct TimetableUse {
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    occupation_code: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    work_type: String,
    level: u8,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    date: String,
    #[serde(deserialize_with = "crate::output::csv_out::restored_owned")]
    start: String,
    candidates: u32,
    institutions: u32,
    rooms: u32,
}

/// The figures of summary.json that the files can confirm.
#[derive(Debug, Deserialize)]
struct SummaryFigures {
    candidates: u64,
    seated: u64,
    deferred: u64,
    rooms_opened: u64,
    papers: u64,
    slots_used: u64,
}

/// A seated registration or count, resolved against the case.
struct Sitting {
    file: &'static str,
    line: u64,
    home: usize,
    paper: Paper,
    slot: usize,
    institution: usize,
    room: usize,
    count: u32,
    /// Candidate index (seats.csv only).
    candidate: Option<usize>,
    seat: u32,
}

/// Lookups of what plan files name (slots, institutions, rooms, candidates), built once: a plan
/// has up to a million rows.
struct Index<'a> {
    /// (date, start) of each slot, as the plan files write them (a quarter has a few dozen).
    slots: Vec<(String, String)>,
    institutions: HashMap<&'a str, usize>,
    rooms: HashMap<(usize, &'a str), usize>,
    candidates: HashMap<&'a str, usize>,
    /// Each candidate's person: equal numbers for equal id_numbers (rules 1 and 7 compare
    /// persons a million times; integers hash far faster than 18-character strings).
    persons: Vec<u32>,
}

impl<'a> Index<'a> {
    fn new(case: &'a Case) -> Index<'a> {
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

    fn slot(&self, date: &str, start: &str) -> Option<usize> {
        self.slots.iter().position(|s| s.0 == date && s.1 == start)
    }

    fn institution(&self, id: &str) -> Option<usize> {
        self.institutions.get(id).copied()
    }

    fn room(&self, institution: usize, room_id: &str) -> Option<usize> {
        self.rooms.get(&(institution, room_id)).copied()
    }
}

struct Checker<'a> {
    case: &'a Case,
    index: Index<'a>,
    /// (institution, paper) pairs with a `filed` filing dated by the quarter's first day.
    filed: HashSet<(usize, Paper)>,
    eligible: Vec<bool>,
    violations: Vec<Violation>,
}

impl Checker<'_> {
    /// The file that lists who sits where: seats.csv, or allocation.csv for a forecast.
    fn plan_file(&self) -> &'static str {
        if self.case.has_candidates() {
            "seats.csv"
        } else {
            "allocation.csv"
        }
    }

    fn flag(&mut self, rule: u8, file: &str, line: Option<u64>, message: String) {
        self.violations.push(Violation {
            rule,
            file: file.to_string(),
            line,
            message,
        });
    }
}

/// Reads a plan file's records as they are; `None` (and a violation) when it cannot be opened.
fn read_records(
    dir: &Path,
    file: &str,
    out: &mut Vec<Violation>,
) -> Option<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let cannot = |out: &mut Vec<Violation>, what: &str, e: csv::Error| {
        out.push(Violation {
            rule: 0,
            file: file.into(),
            line: e.position().map(|p| p.line()),
            message: format!("cannot {what}: {e}"),
        });
    };
    let mut reader = match csv::Reader::from_path(dir.join(file)) {
        Ok(r) => r,
        Err(e) => {
            cannot(out, "read", e);
            return None;
        }
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            cannot(out, "read", e);
            return None;
        }
    };
    let mut records = Vec::new();
    for r in reader.records() {
        match r {
            Ok(record) => records.push(record),
            Err(e) => cannot(out, "parse", e),
        }
    }
    Some((headers, records))
}

/// Rows of type `T` (which may borrow from `records`) with their line numbers; a row that does
/// not parse is a violation, not a row.
fn parse_rows<'r, T: Deserialize<'r>>(
    file: &str,
    (headers, records): &'r (csv::StringRecord, Vec<csv::StringRecord>),
    out: &mut Vec<Violation>,
) -> Vec<(u64, T)> {
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let line = record.position().map_or(0, |p| p.line());
        match record.deserialize::<T>(Some(headers)) {
            Ok(row) => rows.push((line, row)),
            Err(e) => out.push(Violation {
                rule: 0,
                file: file.into(),
                line: Some(line),
                message: format!("cannot parse: {e}"),
            }),
        }
    }
    rows
}

fn read_rows<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    file: &str,
    out: &mut Vec<Violation>,
) -> Option<Vec<(u64, T)>> {
    let records = read_records(dir, file, out)?;
    Some(parse_rows(file, &records, out))
}

/// Checks the plan in `plan_dir` against the case in `case_dir`.
pub fn verify_dirs(case_dir: &Path, plan_dir: &Path) -> Result<Vec<Violation>, String> {
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
    Ok(verify(&case, plan_dir))
}

/// Checks a plan folder against an already loaded case.
pub fn verify(case: &Case, dir: &Path) -> Vec<Violation> {
    let mut ck = Checker {
        case,
        index: Index::new(case),
        filed: case.filed_papers(),
        eligible: vet::eligible(case),
        violations: Vec::new(),
    };
    let mut io = Vec::new();
    let rooms = read_rows::<RoomUse>(dir, "rooms.csv", &mut io).unwrap_or_default();
    let deferred = read_rows::<Deferred>(dir, "deferred.csv", &mut io).unwrap_or_default();
    let sittings = if case.has_candidates() {
        let records = read_records(dir, "seats.csv", &mut io).unwrap_or_default();
        let seats = parse_rows::<Seat>("seats.csv", &records, &mut io);
        ticket_numbers(&mut ck, &seats, plan_version(dir));
        resolve_seats(&mut ck, &seats)
    } else {
        let alloc = read_rows::<Allocation>(dir, "allocation.csv", &mut io).unwrap_or_default();
        resolve_allocation(&mut ck, &alloc)
    };
    ck.violations.extend(io);
    if case.has_candidates() {
        every_registration_seated_once_or_deferred(&mut ck, &sittings, &deferred);
        same_person_never_shares_a_slot(&mut ck, &sittings);
        duplicates_seat_the_first(&mut ck, &sittings);
        registered_candidates_sit_at_their_institution(&mut ck, &sittings);
    } else {
        demand_is_seated_or_deferred(&mut ck, &sittings, &deferred);
    }
    paper_sits_at_few_enough_slots(&mut ck, &sittings);
    institution_is_filed_and_eligible(&mut ck, &sittings);
    travel_within_limit(&mut ck, &sittings);
    slot_long_enough(&mut ck, &sittings);
    let rooms = resolve_rooms(&mut ck, &rooms);
    rooms_within_seats(&mut ck, &sittings, &rooms);
    invigilators_suffice(&mut ck, &sittings, &rooms);
    overlapping_slots_are_one_time(&mut ck, &sittings, &rooms);
    let mut io = Vec::new();
    let timetable = read_rows::<TimetableUse>(dir, "timetable.csv", &mut io).unwrap_or_default();
    ck.violations.extend(io);
    timetable_lists_every_sitting(&mut ck, &sittings, &timetable);
    summary_agrees_with_the_files(&mut ck, dir, &sittings, &deferred, &rooms, timetable.len());
    ck.violations
}

/// The plan's version (summary.json's `plan_version`; 0 when it cannot be read, which
/// `summary_agrees_with_the_files` reports).
fn plan_version(dir: &Path) -> u32 {
    #[derive(Deserialize)]
    struct Version {
        #[serde(default)]
        plan_version: u32,
    }
    std::fs::read(dir.join("summary.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Version>(&b).ok())
        .map_or(0, |v| v.plan_version)
}

/// A prefecture as the plan files write it (name) or by code.
fn prefecture_of(case: &Case, text: &str) -> Option<usize> {
    case.prefectures
        .iter()
        .position(|p| p.name == text || p.code == text)
}

/// An occupation row by code and work type, as the plan files write it.
fn occupation_of(case: &Case, code: &str, work_type: &str) -> Option<usize> {
    case.occupations
        .iter()
        .position(|o| o.code == code && o.work_type == work_type)
}

/// Resolves slot, institution and room of a row, flagging what the case does not know.
fn place(
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

fn resolve_seats(ck: &mut Checker, seats: &[(u64, Seat)]) -> Vec<Sitting> {
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

fn resolve_allocation(ck: &mut Checker, rows: &[(u64, Allocation)]) -> Vec<Sitting> {
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

/// Rule 5 for tickets: every ticket is unique and has the documented layout (README, "Ticket
/// numbers"): the quarter, the venue's prefecture, the seat, and a version no later than the
/// plan's; a ticket this version dealt also names its institution, slot and room by their
/// codes. Tickets of earlier versions are checked against the plan that dealt them by
/// `verify --previous`.
fn ticket_numbers(ck: &mut Checker, seats: &[(u64, Seat)], version: u32) {
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
fn every_registration_seated_once_or_deferred(
    ck: &mut Checker,
    sittings: &[Sitting],
    deferred: &[(u64, Deferred)],
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
fn demand_is_seated_or_deferred(
    ck: &mut Checker,
    sittings: &[Sitting],
    deferred: &[(u64, Deferred)],
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

/// Rule 2: a paper sits at no more than `sittings_per_paper` slots.
fn paper_sits_at_few_enough_slots(ck: &mut Checker, sittings: &[Sitting]) {
    let mut slots: BTreeMap<Paper, (HashSet<usize>, u64)> = BTreeMap::new();
    for s in sittings {
        let e = slots
            .entry(s.paper)
            .or_insert_with(|| (HashSet::default(), s.line));
        e.0.insert(s.slot);
    }
    let limit = ck.case.policy.sittings_per_paper as usize;
    for (paper, (set, line)) in slots {
        if set.len() > limit {
            let file = ck.plan_file();
            ck.flag(
                2,
                file,
                Some(line),
                format!(
                    "{} sits at {} slots (at most {limit})",
                    ck.case.paper_label(paper),
                    set.len()
                ),
            );
        }
    }
}

/// Rule 3: only at an eligible institution with a `filed` filing covering the paper.
fn institution_is_filed_and_eligible(ck: &mut Checker, sittings: &[Sitting]) {
    for s in sittings {
        let ok = ck.eligible[s.institution] && ck.filed.contains(&(s.institution, s.paper));
        if !ok {
            let msg = format!(
                "{} is not an eligible institution filed for {}",
                ck.case.institutions[s.institution].id,
                ck.case.paper_label(s.paper)
            );
            ck.flag(3, s.file, Some(s.line), msg);
        }
    }
}

/// Rule 4a: nobody travels farther than `max_travel_km`.
fn travel_within_limit(ck: &mut Checker, sittings: &[Sitting]) {
    for s in sittings {
        let km = ck.case.road_km[s.home][ck.case.institutions[s.institution].prefecture];
        if km > ck.case.policy.max_travel_km {
            ck.flag(
                4,
                s.file,
                Some(s.line),
                format!(
                    "travel of {km} km exceeds {} km",
                    ck.case.policy.max_travel_km
                ),
            );
        }
    }
}

/// Rule 4b: a registered candidate sits at the institution of registration whenever that
/// institution is eligible, filed for the paper and within reach.
fn registered_candidates_sit_at_their_institution(ck: &mut Checker, sittings: &[Sitting]) {
    if !ck.case.policy.keep_registered_institution {
        return;
    }
    for s in sittings {
        let cand = &ck.case.candidates()[s.candidate.unwrap()];
        let Some(reg) = cand.institution else {
            continue;
        };
        let binding = ck.eligible[reg]
            && ck.filed.contains(&(reg, s.paper))
            && ck.case.road_km[cand.prefecture][ck.case.institutions[reg].prefecture]
                <= ck.case.policy.max_travel_km;
        if binding && reg != s.institution {
            let msg = format!(
                "{} registered at {} but sits at {}",
                cand.candidate_id,
                ck.case.institutions[reg].id,
                ck.case.institutions[s.institution].id
            );
            ck.flag(4, s.file, Some(s.line), msg);
        }
    }
}

/// A row of rooms.csv resolved against the case.
struct OpenRoom {
    line: u64,
    slot: usize,
    institution: usize,
    room: usize,
    seated: u32,
    invigilators: u32,
}

fn resolve_rooms(ck: &mut Checker, rows: &[(u64, RoomUse)]) -> Vec<OpenRoom> {
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

/// Rule 5: rooms hold no more than their seats; seat numbers unique and within 1..=seats.
fn rooms_within_seats(ck: &mut Checker, sittings: &[Sitting], rooms: &[OpenRoom]) {
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
fn invigilators_suffice(ck: &mut Checker, sittings: &[Sitting], rooms: &[OpenRoom]) {
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
fn overlapping_slots_are_one_time(ck: &mut Checker, sittings: &[Sitting], rooms: &[OpenRoom]) {
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

/// Rule 7: two registrations of the same person never share a slot.
fn same_person_never_shares_a_slot(ck: &mut Checker, sittings: &[Sitting]) {
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
fn duplicates_seat_the_first(ck: &mut Checker, sittings: &[Sitting]) {
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

/// Rule 8: a paper's slot is long enough for its theory and skill minutes.
fn slot_long_enough(ck: &mut Checker, sittings: &[Sitting]) {
    let mut seen = HashSet::default();
    for s in sittings {
        if !seen.insert((s.paper, s.slot)) {
            continue;
        }
        let need = ck.case.occupations[s.paper.occupation].exam_minutes();
        let have = ck.case.sessions[s.slot].minutes();
        if have < need {
            ck.flag(
                8,
                s.file,
                Some(s.line),
                format!(
                    "{} needs {need} minutes; the slot lasts {have}",
                    ck.case.paper_label(s.paper)
                ),
            );
        }
    }
}

/// Rule 9: timetable.csv lists every paper sitting once, with the candidates, institutions and
/// rooms the seats (or the allocation) give it, and nothing else.
fn timetable_lists_every_sitting(
    ck: &mut Checker,
    sittings: &[Sitting],
    rows: &[(u64, TimetableUse)],
) {
    // (paper, slot) → (candidates, institutions, rooms)
    let mut actual: BTreeMap<(Paper, usize), (u64, HashSet<usize>, HashSet<usize>)> =
        BTreeMap::new();
    for s in sittings {
        let e = actual.entry((s.paper, s.slot)).or_default();
        e.0 += u64::from(s.count);
        e.1.insert(s.institution);
        e.2.insert(s.room);
    }
    let mut listed: BTreeMap<(Paper, usize), u64> = BTreeMap::new();
    for (line, r) in rows {
        let occupation = occupation_of(ck.case, &r.occupation_code, &r.work_type);
        let slot = ck.index.slot(&r.date, &r.start);
        let (Some(occupation), Some(slot)) = (occupation, slot) else {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "unknown paper {} {} or slot {} {}",
                    r.occupation_code, r.work_type, r.date, r.start
                ),
            );
            continue;
        };
        let paper = Paper {
            occupation,
            level: r.level,
        };
        if let Some(first) = listed.insert((paper, slot), *line) {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "{} at this slot is also listed at line {first}",
                    ck.case.paper_label(paper)
                ),
            );
            continue;
        }
        let (n, insts, rooms) = actual
            .get(&(paper, slot))
            .map(|(n, i, r)| (*n, i.len() as u64, r.len() as u64))
            .unwrap_or_default();
        let claimed = (
            u64::from(r.candidates),
            u64::from(r.institutions),
            u64::from(r.rooms),
        );
        if claimed != (n, insts, rooms) {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "{} lists {} candidates in {} institutions and {} rooms; the plan seats {n} in {insts} and {rooms}",
                    ck.case.paper_label(paper),
                    claimed.0,
                    claimed.1,
                    claimed.2
                ),
            );
        }
    }
    for &(paper, slot) in actual.keys() {
        if !listed.contains_key(&(paper, slot)) {
            let file = ck.plan_file();
            let msg = format!(
                "{} sits at slot {} but timetable.csv does not list it",
                ck.case.paper_label(paper),
                slot + 1
            );
            ck.flag(9, file, None, msg);
        }
    }
}

/// Rule 9: summary.json's counts are the files' counts.
fn summary_agrees_with_the_files(
    ck: &mut Checker,
    dir: &Path,
    sittings: &[Sitting],
    deferred: &[(u64, Deferred)],
    rooms: &[OpenRoom],
    timetable_rows: usize,
) {
    let figures = std::fs::read_to_string(dir.join("summary.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<SummaryFigures>(&t).map_err(|e| e.to_string()));
    let figures = match figures {
        Ok(f) => f,
        Err(e) => {
            ck.flag(0, "summary.json", None, format!("cannot read: {e}"));
            return;
        }
    };
    let registrations: u64 = match &ck.case.registrations {
        case::Registrations::Candidates(c) => c.len() as u64,
        case::Registrations::Demand(d) => d.iter().map(|r| u64::from(r.candidates)).sum(),
    };
    let deferred_total: u64 = if ck.case.has_candidates() {
        deferred.len() as u64
    } else {
        deferred
            .iter()
            .map(|(_, d)| u64::from(d.candidates.unwrap_or(0)))
            .sum()
    };
    let slots: HashSet<usize> = rooms.iter().map(|r| r.slot).collect();
    let checks = [
        ("candidates", figures.candidates, registrations),
        (
            "seated",
            figures.seated,
            sittings.iter().map(|s| u64::from(s.count)).sum(),
        ),
        ("deferred", figures.deferred, deferred_total),
        ("rooms_opened", figures.rooms_opened, rooms.len() as u64),
        ("papers", figures.papers, timetable_rows as u64),
        ("slots_used", figures.slots_used, slots.len() as u64),
    ];
    for (key, claimed, actual) in checks {
        if claimed != actual {
            ck.flag(
                9,
                "summary.json",
                None,
                format!("{key} is {claimed} but the plan's files give {actual}"),
            );
        }
    }
}

//! Reading a plan folder back: the one reader of what `plan` and `replan` wrote.
//!
//! `verify`, `verify --previous` and `replan` (its previous plan) read plan folders. Each asks
//! for a file's rows as one of the record types below and gets every row with its line, every
//! cell as it was before the writer made it formula-safe ([`crate::csv_out::restore`]).
//! A row that does not parse is a [`FolderError`] with its file and line, never a dropped row.

use crate::csv_out::{restored, restored_owned};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Why part of a plan folder could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FolderError {
    /// The file is missing, unreadable, or its header is not CSV.
    #[error("{file}: cannot read: {message}")]
    Unreadable { file: String, message: String },
    /// A row is not CSV, or does not hold the file's columns as the writer writes them.
    #[error("{file}:{line}: cannot parse: {}{message}", column.as_ref().map(|c| format!("column {c}: ")).unwrap_or_default())]
    BadRow {
        file: String,
        line: u64,
        /// The column whose cell is wrong, when one is.
        column: Option<String>,
        message: String,
    },
}

impl FolderError {
    /// The file the error is about (as named inside the folder).
    pub fn file(&self) -> &str {
        match self {
            FolderError::Unreadable { file, .. } | FolderError::BadRow { file, .. } => file,
        }
    }

    /// The line of the row, when the error is about one.
    pub fn line(&self) -> Option<u64> {
        match self {
            FolderError::Unreadable { .. } => None,
            FolderError::BadRow { line, .. } => Some(*line),
        }
    }

    /// The column of the cell that is wrong, when one is.
    pub fn column(&self) -> Option<&str> {
        match self {
            FolderError::Unreadable { .. } => None,
            FolderError::BadRow { column, .. } => column.as_deref(),
        }
    }

    /// What went wrong, without the file, line and column.
    pub fn message(&self) -> String {
        match self {
            FolderError::Unreadable { message, .. } => format!("cannot read: {message}"),
            FolderError::BadRow { message, .. } => format!("cannot parse: {message}"),
        }
    }

    /// A row's error from the csv crate's, naming the column by its header.
    fn bad_row(file: &str, line: u64, e: &csv::Error, headers: &csv::StringRecord) -> FolderError {
        let (column, message) = match e.kind() {
            csv::ErrorKind::Deserialize { err, .. } => (
                err.field()
                    .and_then(|f| headers.get(f as usize))
                    .map(str::to_string),
                err.kind().to_string(),
            ),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => (
                None,
                format!("the row has {len} fields, the header {expected_len}"),
            ),
            _ => (None, e.to_string()),
        };
        FolderError::BadRow {
            file: file.into(),
            line,
            column,
            message,
        }
    }
}

/// One CSV file of a plan folder: its header and records, read once; rows are parsed from it on
/// demand (seats.csv rows borrow their text from these records).
#[derive(Debug, Default)]
pub struct Table {
    pub file: String,
    headers: csv::StringRecord,
    records: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads `file` of the folder `dir`. Records that are not CSV are reported in `errors`
    /// and left out; a file that cannot be opened is an error of its own.
    pub fn read(dir: &Path, file: &str, errors: &mut Vec<FolderError>) -> Option<Table> {
        let unreadable = |e: csv::Error| FolderError::Unreadable {
            file: file.into(),
            message: e.to_string(),
        };
        let mut reader = match csv::Reader::from_path(dir.join(file)) {
            Ok(r) => r,
            Err(e) => {
                errors.push(unreadable(e));
                return None;
            }
        };
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                errors.push(unreadable(e));
                return None;
            }
        };
        let mut records = Vec::new();
        for r in reader.records() {
            match r {
                Ok(record) => records.push(record),
                Err(e) => errors.push(FolderError::bad_row(
                    file,
                    e.position().map_or(0, |p| p.line()),
                    &e,
                    &headers,
                )),
            }
        }
        Some(Table {
            file: file.into(),
            headers,
            records,
        })
    }

    /// The rows as `T` (which may borrow from the table), each with its line; a row that does
    /// not parse goes to `errors`.
    pub fn rows<'r, T: Deserialize<'r>>(&'r self, errors: &mut Vec<FolderError>) -> Vec<(u64, T)> {
        let mut rows = Vec::with_capacity(self.records.len());
        for record in &self.records {
            let line = record.position().map_or(0, |p| p.line());
            match record.deserialize::<T>(Some(&self.headers)) {
                Ok(row) => rows.push((line, row)),
                Err(e) => errors.push(FolderError::bad_row(&self.file, line, &e, &self.headers)),
            }
        }
        rows
    }
}

/// The rows of `file` as `T`, each with its line (`None` when the file cannot be read).
pub fn rows<T: DeserializeOwned>(
    dir: &Path,
    file: &str,
    errors: &mut Vec<FolderError>,
) -> Option<Vec<(u64, T)>> {
    Some(Table::read(dir, file, errors)?.rows(errors))
}

/// summary.json, as any type that takes what it needs of it ([`SummaryHead`],
/// [`SummaryFigures`]).
pub fn summary<T: DeserializeOwned>(dir: &Path) -> Result<T, FolderError> {
    let unreadable = |message: String| FolderError::Unreadable {
        file: "summary.json".into(),
        message,
    };
    let bytes = std::fs::read(dir.join("summary.json")).map_err(|e| unreadable(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))
}

/// Which plan a folder holds: its quarter, its version and each file's SHA-256.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryHead {
    pub quarter: String,
    /// 0 for `plan`, one more per `replan` (docs/tickets.md).
    #[serde(default)]
    pub plan_version: u32,
    /// Each file's SHA-256 as the plan was written (README, "Trust").
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Each door list's source digest (a replan reuses the unchanged ones).
    #[serde(default)]
    pub door_lists: BTreeMap<String, String>,
}

/// The figures of summary.json that the files can confirm.
#[derive(Debug, Deserialize)]
pub struct SummaryFigures {
    pub candidates: u64,
    pub seated: u64,
    pub deferred: u64,
    pub rooms_opened: u64,
    pub papers: u64,
    pub slots_used: u64,
}

/// A seats.csv row, borrowing its text from the table (a plan has up to a million of them;
/// owned strings cost a dozen allocations a row).
#[derive(Debug, Deserialize)]
pub struct SeatRecord<'r> {
    #[serde(borrow, deserialize_with = "restored")]
    pub ticket_no: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub candidate_id: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub name: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub id_number: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub occupation_code: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub occupation: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub work_type: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub level: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub date: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub start: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub institution_id: &'r str,
    #[serde(borrow, deserialize_with = "restored")]
    pub room_id: &'r str,
    pub seat: u32,
}

impl SeatRecord<'_> {
    /// The seat's paper in words: 企业人力资源管理师（工种）三级（高级工）.
    pub fn paper_words(&self) -> String {
        let level = self.level.parse().map_or("", crate::words::level);
        match self.work_type {
            "" => format!("{} {level}", self.occupation),
            w => format!("{}（{w}）{level}", self.occupation),
        }
    }
}

/// A deferred.csv row: a registration (with candidates) or a count (a demand forecast).
#[derive(Debug, Deserialize)]
pub struct DeferredRecord {
    #[serde(default, deserialize_with = "restored_owned")]
    pub candidate_id: String,
    #[serde(default)]
    pub home_prefecture: String,
    #[serde(default)]
    pub occupation_code: String,
    #[serde(default)]
    pub work_type: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub candidates: Option<u32>,
    #[serde(default)]
    pub reason: String,
}

/// A rooms.csv row: one room open at one slot.
#[derive(Debug, Deserialize)]
pub struct RoomRecord {
    #[serde(deserialize_with = "restored_owned")]
    pub date: String,
    #[serde(deserialize_with = "restored_owned")]
    pub start: String,
    #[serde(deserialize_with = "restored_owned")]
    pub institution_id: String,
    #[serde(deserialize_with = "restored_owned")]
    pub room_id: String,
    pub seated: u32,
    pub invigilators: u32,
}

/// An allocation.csv row: candidates of one paper and home in one room at one slot.
#[derive(Debug, Deserialize)]
pub struct AllocationRecord {
    #[serde(deserialize_with = "restored_owned")]
    pub date: String,
    #[serde(deserialize_with = "restored_owned")]
    pub start: String,
    #[serde(deserialize_with = "restored_owned")]
    pub institution_id: String,
    #[serde(deserialize_with = "restored_owned")]
    pub room_id: String,
    #[serde(deserialize_with = "restored_owned")]
    pub occupation_code: String,
    #[serde(deserialize_with = "restored_owned")]
    pub work_type: String,
    pub level: u8,
    #[serde(deserialize_with = "restored_owned")]
    pub home_prefecture: String,
    pub candidates: u32,
}

/// A timetable.csv row: one paper sitting at one slot.
#[derive(Debug, Deserialize)]
pub struct TimetableRecord {
    #[serde(deserialize_with = "restored_owned")]
    pub occupation_code: String,
    #[serde(deserialize_with = "restored_owned")]
    pub work_type: String,
    pub level: u8,
    #[serde(deserialize_with = "restored_owned")]
    pub date: String,
    #[serde(deserialize_with = "restored_owned")]
    pub start: String,
    pub candidates: u32,
    pub institutions: u32,
    pub rooms: u32,
}

/// A changes.csv row (a replan's).
#[derive(Debug, Deserialize)]
pub struct ChangeRecord {
    #[serde(deserialize_with = "restored_owned")]
    pub candidate_id: String,
    #[serde(deserialize_with = "restored_owned")]
    pub change: String,
    #[serde(deserialize_with = "restored_owned")]
    pub old_ticket_no: String,
    #[serde(deserialize_with = "restored_owned")]
    pub new_ticket_no: String,
}

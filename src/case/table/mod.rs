//! Reading one table of a case — CSV or xlsx — into rows whose every error has a position.
//!
//! A table named `candidates` is `candidates.csv` or `candidates.xlsx` (both at once is an
//! error). A CSV may be UTF-8 (with or without BOM) or GB18030, what Excel's plain "CSV" writes
//! on a Chinese Windows; its line numbers are the physical lines an editor shows, whatever the
//! line ends (LF, CRLF, a lone CR), counted from byte offsets because the csv crate's own line
//! count misses CRLF. An xlsx is read with calamine from its first worksheet, header in row 1;
//! its positions are the sheet row and the cell (`id_number (C42)`), and Excel's typed cells
//! become the text a CSV would hold. Both give the same [`Row`], so the readers in `case/`
//! never know where a row came from.

#[cfg(test)]
mod tests;
mod text;
mod xlsx;

use text::*;
use xlsx::*;

use crate::diag::Diagnostics;
use calamine::{Data, Reader};
use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use csv::StringRecord;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The tables of one case folder, found once: each table's file as it is on disk.
#[derive(Debug, Clone, Default)]
pub struct Folder {
    pub dir: PathBuf,
    /// table name (`candidates`) → file name (`candidates.xlsx`)
    found: BTreeMap<String, String>,
}

impl Folder {
    /// Looks for each table of `tables` as `.csv` and `.xlsx`; both at once is an error.
    pub fn find(dir: &Path, tables: &[&str], diags: &mut Diagnostics) -> Folder {
        let mut found = BTreeMap::new();
        for &table in tables {
            let csv = format!("{table}.csv");
            let xlsx = format!("{table}.xlsx");
            match (dir.join(&csv).is_file(), dir.join(&xlsx).is_file()) {
                (true, true) => {
                    diags.error(
                        &xlsx,
                        None,
                        None,
                        format!("{csv} and {xlsx} are both in the case folder: keep one"),
                    );
                    found.insert(table.to_string(), csv);
                }
                (true, false) => {
                    found.insert(table.to_string(), csv);
                }
                (false, true) => {
                    found.insert(table.to_string(), xlsx);
                }
                (false, false) => {}
            }
        }
        Folder {
            dir: dir.to_path_buf(),
            found,
        }
    }

    /// Is the table in the folder?
    pub fn has(&self, table: &str) -> bool {
        self.found.contains_key(table)
    }

    /// The table's file name as diagnostics name it: the file found, else `TABLE.csv`.
    pub fn name(&self, table: &str) -> String {
        self.found
            .get(table)
            .cloned()
            .unwrap_or_else(|| format!("{table}.csv"))
    }
}

/// One data row with its position and the table's header map.
pub struct Row<'a> {
    pub file: &'a str,
    /// The line (CSV) or sheet row (xlsx), 1 being the header.
    pub line: u64,
    record: &'a StringRecord,
    /// Per field: did Excel store it as a number? Empty for CSV.
    numeric: &'a [bool],
    /// Per field: its column letter in the sheet (xlsx only).
    letters: &'a [String],
    columns: &'a HashMap<String, usize>,
}

impl<'a> Row<'a> {
    /// The trimmed text of a column; empty if the column is absent from the file.
    pub fn text(&self, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Did Excel store this column's cell as a number?
    fn is_numeric(&self, column: &str) -> bool {
        self.columns
            .get(column)
            .is_some_and(|&i| self.numeric.get(i).copied().unwrap_or(false))
    }

    /// `id_number`, or `id_number (C42)` in a sheet, as Excel names the cell.
    fn place(&self, column: &str) -> String {
        match self.columns.get(column).and_then(|&i| self.letters.get(i)) {
            Some(letter) => format!("{column} ({letter}{})", self.line),
            None => column.to_string(),
        }
    }

    pub fn error(&self, diags: &mut Diagnostics, column: &str, message: String) {
        diags.error(
            self.file,
            Some(self.line),
            Some(&self.place(column)),
            message,
        );
    }

    pub fn warning(&self, diags: &mut Diagnostics, column: &str, message: String) {
        diags.warning(
            self.file,
            Some(self.line),
            Some(&self.place(column)),
            message,
        );
    }

    /// A non-empty field, or an error saying it is missing.
    pub fn required(&self, diags: &mut Diagnostics, column: &str) -> Option<&'a str> {
        let value = self.text(column);
        if value.is_empty() {
            self.error(diags, column, "value is missing".to_string());
            None
        } else {
            Some(value)
        }
    }

    /// A key other rows and output files use (`institution_id`, `room_id`, `candidate_id`,
    /// `expert_id`): present and of the identifier shape ([`super::checks::check_identifier`]).
    pub fn key(&self, diags: &mut Diagnostics, column: &str) -> Option<&'a str> {
        let value = self.required(diags, column)?;
        match super::checks::check_identifier(value) {
            Ok(()) => Some(value),
            Err(m) => {
                self.error(diags, column, m);
                None
            }
        }
    }

    /// An identifier (resident ID, credit code) that must be text: Excel keeps 15 significant
    /// digits of a number, so an 18-digit ID stored as a number has lost its last digits and
    /// is refused rather than read wrongly.
    pub fn identifier(&self, diags: &mut Diagnostics, column: &str) -> Option<&'a str> {
        let value = self.required(diags, column)?;
        if self.is_numeric(column) {
            self.error(
                diags,
                column,
                format!(
                    "Excel stored {value} as a number, which keeps only 15 digits, so the last ones are lost: format the column as Text and paste the values again"
                ),
            );
            return None;
        }
        Some(value)
    }

    pub fn parse_u32(&self, diags: &mut Diagnostics, column: &str) -> Option<u32> {
        let value = self.required(diags, column)?;
        match value.parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.error(
                    diags,
                    column,
                    format!("expected a whole number ≥ 0, found {value:?}"),
                );
                None
            }
        }
    }

    pub fn parse_f64(&self, diags: &mut Diagnostics, column: &str) -> Option<f64> {
        let value = self.required(diags, column)?;
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.error(diags, column, format!("expected a number, found {value:?}"));
                None
            }
        }
    }

    /// A level list or range (`5|4|3`, `5-3`).
    pub fn parse_levels(&self, diags: &mut Diagnostics, column: &str) -> Option<Vec<u8>> {
        let value = self.required(diags, column)?;
        super::parse_levels(value)
            .map_err(|m| self.error(diags, column, m))
            .ok()
    }

    /// A date `YYYY-MM-DD` (or `YYYY/MM/DD`); in a sheet, also a date serial that Excel shows
    /// as a number.
    pub fn parse_date(&self, diags: &mut Diagnostics, column: &str) -> Option<NaiveDate> {
        let value = self.required(diags, column)?;
        let serial = self
            .is_numeric(column)
            .then(|| value.parse::<f64>().ok().and_then(serial_date))
            .flatten();
        serial.or_else(|| parse_date(value)).or_else(|| {
            self.error(
                diags,
                column,
                format!("expected a date YYYY-MM-DD, found {value:?}"),
            );
            None
        })
    }

    /// A time `HH:MM` (or `HH:MM:SS`); in a sheet, also a fraction of a day shown as a number.
    pub fn parse_time(&self, diags: &mut Diagnostics, column: &str) -> Option<NaiveTime> {
        let value = self.required(diags, column)?;
        let fraction = self
            .is_numeric(column)
            .then(|| value.parse::<f64>().ok().and_then(day_fraction))
            .flatten();
        fraction.or_else(|| parse_time(value)).or_else(|| {
            self.error(
                diags,
                column,
                format!("expected a time HH:MM, found {value:?}"),
            );
            None
        })
    }
}

pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y/%m/%d"))
        .ok()
}

pub fn parse_time(value: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .ok()
}

/// Reads the table `table` of `folder`, checks that the `required` columns are in its header,
/// and calls `each` for every data row (blank rows are skipped). Returns `false` (with a
/// diagnostic) when the file is missing, unreadable or lacks a required column; rows are then
/// not visited.
pub fn read_table(
    folder: &Folder,
    table: &str,
    required: &[&str],
    diags: &mut Diagnostics,
    each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let file = folder.name(table);
    let path = folder.dir.join(&file);
    if file.ends_with(".xlsx") {
        read_xlsx(&path, &file, required, diags, each)
    } else {
        read_csv(&path, &file, required, diags, each)
    }
}

/// Reads one table file outside a case folder (a published timetable), CSV or xlsx by its
/// extension, exactly as [`read_table`] reads a case's tables.
pub fn read_file(
    path: &Path,
    required: &[&str],
    diags: &mut Diagnostics,
    each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    if file.ends_with(".xlsx") {
        read_xlsx(path, &file, required, diags, each)
    } else {
        read_csv(path, &file, required, diags, each)
    }
}

/// A table's header: column name → field index, after checking the required columns.
fn header_map(
    header: &StringRecord,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
) -> Option<HashMap<String, usize>> {
    let mut columns = HashMap::default();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_string();
        if name.is_empty() {
            continue;
        }
        if columns.insert(name.clone(), i).is_some() {
            diags.error(
                file,
                Some(1),
                Some(&name),
                "column appears twice in the header".into(),
            );
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if missing.is_empty() {
        return Some(columns);
    }
    for column in missing {
        diags.error(
            file,
            Some(1),
            Some(column),
            format!(
                "required column is missing (the header has: {})",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        );
    }
    None
}

/// Splits a `|`-separated list, dropping empty items.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split('|').map(str::trim).filter(|s| !s.is_empty())
}

//! Reading one CSV file of a case: header by name, BOM-tolerant, every field error positioned.
//!
//! Each reader in `case/` calls [`read_table`] with the columns it needs and a closure that turns
//! one [`Row`] into a domain value. The closure reports its own field errors through the row, so
//! a bad number in line 4,711 of candidates.csv reads `candidates.csv:4711: seats: …`.

use crate::diag::Diagnostics;
use chrono::{NaiveDate, NaiveTime};
use csv::StringRecord;
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

/// One data row with its line number and the file's header map.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    record: &'a StringRecord,
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

    pub fn error(&self, diags: &mut Diagnostics, column: &str, message: String) {
        diags.error(self.file, Some(self.line), Some(column), message);
    }

    pub fn warning(&self, diags: &mut Diagnostics, column: &str, message: String) {
        diags.warning(self.file, Some(self.line), Some(column), message);
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

    pub fn parse_date(&self, diags: &mut Diagnostics, column: &str) -> Option<NaiveDate> {
        let value = self.required(diags, column)?;
        parse_date(value).or_else(|| {
            self.error(
                diags,
                column,
                format!("expected a date YYYY-MM-DD, found {value:?}"),
            );
            None
        })
    }

    pub fn parse_time(&self, diags: &mut Diagnostics, column: &str) -> Option<NaiveTime> {
        let value = self.required(diags, column)?;
        parse_time(value).or_else(|| {
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

/// Reads `dir/file`, checks that the `required` columns are in the header, and calls `each` for
/// every data row. Returns `false` (with a diagnostic) when the file is missing, unreadable or
/// lacks a required column; rows are then not visited.
pub fn read_table(
    dir: &Path,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let path = dir.join(file);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(
                file,
                None,
                None,
                format!("cannot read {}: {e}", path.display()),
            );
            return false;
        }
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body);
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(file, Some(1), None, format!("cannot read the header: {e}"));
            return false;
        }
    };
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
    if !missing.is_empty() {
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
        return false;
    }
    let width = header.len();
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                if record.len() != width {
                    diags.error(
                        file,
                        Some(line),
                        None,
                        format!(
                            "expected {width} fields as in the header, found {}",
                            record.len()
                        ),
                    );
                    continue;
                }
                let row = Row {
                    file,
                    line,
                    record: &record,
                    columns: &columns,
                };
                each(&row, diags);
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        "the line is not valid UTF-8 (save the file as CSV UTF-8)".to_string()
                    }
                    _ => format!("cannot parse the line: {e}"),
                };
                diags.error(file, line, None, message);
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    true
}

/// Splits a `|`-separated list, dropping empty items.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split('|').map(str::trim).filter(|s| !s.is_empty())
}

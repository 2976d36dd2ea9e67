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

/// Excel's day 0 (its serials count days from 1899-12-30, after its 1900 leap-year bug).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a valid date")
}

/// The date of a whole Excel serial (46249 → 2026-08-15); `None` for a fraction or nonsense.
fn serial_date(serial: f64) -> Option<NaiveDate> {
    (serial.fract() == 0.0 && (1.0..=2_958_465.0).contains(&serial))
        .then(|| excel_epoch() + Duration::days(serial as i64))
}

/// The time of a fraction of a day (0.354166… → 08:30), to the nearest second.
fn day_fraction(fraction: f64) -> Option<NaiveTime> {
    if !(0.0..1.0).contains(&fraction) {
        return None;
    }
    let seconds = (fraction * 86_400.0).round() as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)
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

/// The byte offset at which each physical line starts: after `\n`, after `\r\n`, and after a
/// `\r` that no `\n` follows (old Mac files), as a text editor counts them.
fn line_starts(body: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if body.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Turns byte offsets, met in increasing order, into 1-based physical line numbers.
struct Lines<'b> {
    body: &'b [u8],
    starts: Vec<usize>,
    at: usize,
}

impl<'b> Lines<'b> {
    fn new(body: &'b [u8]) -> Lines<'b> {
        Lines {
            body,
            starts: line_starts(body),
            at: 0,
        }
    }

    /// The line of the record that starts at `byte`. The csv crate gives a record after a
    /// CRLF the offset of that `\n`; a record never starts with a line end, so line-end bytes
    /// are skipped first.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut byte = byte as usize;
        while matches!(self.body.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        while self.at + 1 < self.starts.len() && self.starts[self.at + 1] <= byte {
            self.at += 1;
        }
        if self.at > 0 && self.starts[self.at] > byte {
            // an error may point back inside the record: search from the start
            self.at = self
                .starts
                .partition_point(|&s| s <= byte)
                .saturating_sub(1);
        }
        self.at as u64 + 1
    }
}

/// The text of a CSV file: UTF-8 as it is (BOM removed), anything else decoded as GB18030
/// with one warning. `Err` names the first line that is neither.
fn csv_text(bytes: Vec<u8>, file: &str, diags: &mut Diagnostics) -> Result<Vec<u8>, u64> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(body) => body.to_vec(),
        None => bytes,
    };
    if std::str::from_utf8(&bytes).is_ok() {
        return Ok(bytes);
    }
    let gb = encoding_rs::GB18030;
    if let Some(text) = gb.decode_without_bom_handling_and_without_replacement(&bytes) {
        diags.warning(
            file,
            None,
            None,
            "read as GB18030 (the file is not UTF-8: Excel's plain \"CSV\" on a Chinese Windows); save as \"CSV UTF-8\" to silence this".into(),
        );
        return Ok(text.into_owned().into_bytes());
    }
    let starts = line_starts(&bytes);
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
        let line = &bytes[start..end];
        if std::str::from_utf8(line).is_err()
            && gb
                .decode_without_bom_handling_and_without_replacement(line)
                .is_none()
        {
            return Err(k as u64 + 1);
        }
    }
    Err(1)
}

fn read_csv(
    path: &Path,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let bytes = match std::fs::read(path) {
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
    let body = match csv_text(bytes, file, diags) {
        Ok(b) => b,
        Err(line) => {
            diags.error(
                file,
                Some(line),
                None,
                "the line is neither UTF-8 nor GB18030: save the file as \"CSV UTF-8\"".into(),
            );
            return false;
        }
    };
    let mut lines = Lines::new(&body);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body.as_slice());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(file, Some(1), None, format!("cannot read the header: {e}"));
            return false;
        }
    };
    let Some(columns) = header_map(&header, file, required, diags) else {
        return false;
    };
    let width = header.len();
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_of(record.position().map_or(0, |p| p.byte()));
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
                    numeric: &[],
                    letters: &[],
                    columns: &columns,
                };
                each(&row, diags);
            }
            Err(e) => {
                let line = e.position().map(|p| lines.line_of(p.byte()));
                diags.error(file, line, None, format!("cannot parse the line: {e}"));
                break;
            }
        }
    }
    true
}

/// `A`, `B`, … `Z`, `AA` … for a 0-based column index.
fn column_letter(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// A cell as the text a CSV would hold, and whether Excel stored it as a number. Whole numbers
/// lose Excel's `.0`; dates become `YYYY-MM-DD`, times of day `HH:MM`.
fn cell_text(cell: &Data) -> Result<(String, bool), String> {
    Ok(match cell {
        Data::Empty => (String::new(), false),
        Data::String(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), true),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (format!("{}", *f as i64), true),
        Data::Float(f) => (f.to_string(), true),
        Data::Bool(b) => (b.to_string(), false),
        Data::DateTime(d) => {
            let serial = d.as_f64();
            let date = excel_epoch() + Duration::days(serial.floor() as i64);
            let time = day_fraction(serial.fract()).unwrap_or(NaiveTime::MIN);
            let time_text = if time.second() == 0 {
                time.format("%H:%M").to_string()
            } else {
                time.format("%H:%M:%S").to_string()
            };
            let text = if serial < 1.0 {
                time_text
            } else if time == NaiveTime::MIN {
                date.format("%Y-%m-%d").to_string()
            } else {
                format!("{} {time_text}", date.format("%Y-%m-%d"))
            };
            (text, false)
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Error(e) => return Err(format!("the cell holds the Excel error {e}")),
    })
}

fn read_xlsx(
    path: &Path,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let rows = match sheet_cells(path) {
        Ok(r) => r,
        Err(e) => {
            diags.error(file, None, None, format!("cannot read the workbook: {e}"));
            return false;
        }
    };
    let first_col = rows
        .values()
        .flat_map(|cells| cells.first().map(|c| c.0))
        .min()
        .unwrap_or(0);
    let mut rows = rows.into_iter();
    let Some((_, head_cells)) = rows.next() else {
        diags.error(file, Some(1), None, "the first sheet is empty".into());
        return false;
    };
    let width = head_cells
        .last()
        .map_or(0, |c| (c.0 - first_col + 1) as usize);
    let spread = |cells: &[(u32, Data)]| -> Vec<Data> {
        let mut out = vec![Data::Empty; width];
        for (col, value) in cells {
            if let Some(slot) = out.get_mut((col - first_col) as usize) {
                *slot = value.clone();
            }
        }
        out
    };
    let head = spread(&head_cells);
    let header: StringRecord = head
        .iter()
        .map(|c| cell_text(c).map(|t| t.0).unwrap_or_default())
        .collect();
    let Some(columns) = header_map(&header, file, required, diags) else {
        return false;
    };
    let letters: Vec<String> = (0..head.len() as u32)
        .map(|i| column_letter(first_col + i))
        .collect();
    let rows = rows.map(|(row, cells)| (row, spread(&cells)));
    let mut record = StringRecord::new();
    let mut numeric = Vec::with_capacity(head.len());
    'rows: for (row_index, cells) in rows {
        let line = u64::from(row_index) + 1;
        record.clear();
        numeric.clear();
        for (i, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok((text, is_number)) => {
                    record.push_field(&text);
                    numeric.push(is_number);
                }
                Err(message) => {
                    let name = header.get(i).unwrap_or("").trim();
                    let place = format!("{name} ({}{line})", letters[i]);
                    diags.error(file, Some(line), Some(&place), message);
                    continue 'rows;
                }
            }
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let row = Row {
            file,
            line,
            record: &record,
            numeric: &numeric,
            letters: &letters,
            columns: &columns,
        };
        each(&row, diags);
    }
    true
}

/// The first worksheet's cells that hold something, by row and then column (0-based), read
/// cell by cell: memory follows the data, never the sheet's claimed dimension (one stray cell
/// at XFD1048576 would make a dense range of 17 billion cells).
fn sheet_cells(path: &Path) -> Result<BTreeMap<u32, Vec<(u32, Data)>>, String> {
    let mut book =
        calamine::open_workbook::<calamine::Xlsx<_>, _>(path).map_err(|e| e.to_string())?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| "the workbook has no worksheet".to_string())?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| e.to_string())?;
    let mut rows: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        let (row, col) = cell.get_position();
        rows.entry(row).or_default().push((col, value));
    }
    for cells in rows.values_mut() {
        cells.sort_by_key(|c| c.0);
    }
    Ok(rows)
}

/// Splits a `|`-separated list, dropping empty items.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split('|').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_lines_for_every_line_end() {
        for body in [&b"a\nb\nc\n"[..], b"a\r\nb\r\nc\r\n", b"a\rb\rc\r"] {
            let mut lines = Lines::new(body);
            let third = body.iter().position(|&b| b == b'c').unwrap() as u64;
            assert_eq!(lines.line_of(0), 1);
            assert_eq!(lines.line_of(third), 3, "{body:?}");
            // the csv crate's offset of a record after a CRLF is that CRLF's `\n`
            let mut lines = Lines::new(body);
            assert_eq!(lines.line_of(third - 1), 3, "{body:?}");
        }
    }

    #[test]
    fn excel_columns_serials_and_fractions() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(serial_date(46249.0), NaiveDate::from_ymd_opt(2026, 8, 15));
        assert_eq!(serial_date(46249.5), None);
        assert_eq!(
            day_fraction(0.354_166_666_666_666_7),
            NaiveTime::from_hms_opt(8, 30, 0)
        );
        assert_eq!(day_fraction(1.2), None);
    }
}

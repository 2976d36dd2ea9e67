//! Workbook tables: the first sheet read cell by cell (memory follows the data, not the
//! sheet's claimed size), Excel's typed cells turned back into the text officials meant.

use super::*;

/// Excel's day 0 (its serials count days from 1899-12-30, after its 1900 leap-year bug).
pub(super) fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a valid date")
}

/// The date of a whole Excel serial (46249 → 2026-08-15); `None` for a fraction or nonsense.
pub(super) fn serial_date(serial: f64) -> Option<NaiveDate> {
    (serial.fract() == 0.0 && (1.0..=2_958_465.0).contains(&serial))
        .then(|| excel_epoch() + Duration::days(serial as i64))
}

/// The time of a fraction of a day (0.354166… → 08:30), to the nearest second.
pub(super) fn day_fraction(fraction: f64) -> Option<NaiveTime> {
    if !(0.0..1.0).contains(&fraction) {
        return None;
    }
    let seconds = (fraction * 86_400.0).round() as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)
}

/// `A`, `B`, … `Z`, `AA` … for a 0-based column index.
pub(super) fn column_letter(mut index: u32) -> String {
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
pub(super) fn cell_text(cell: &Data) -> Result<(String, bool), String> {
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

pub(super) fn read_xlsx(
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
pub(super) fn sheet_cells(path: &Path) -> Result<BTreeMap<u32, Vec<(u32, Data)>>, String> {
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

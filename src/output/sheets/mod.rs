//! Workbooks for people who live in Excel: `plan.xlsx`, the door lists `institutions/ID.xlsx`,
//! and `whatif.xlsx`.
//!
//! Every table sheet is built from the very CSV bytes the plan folder holds, so a sheet's rows
//! are the file's rows; its headers are Chinese ([`crate::words::header`]), levels read as
//! officials write them (三级（高级工）), numbers are stored as numbers, IDs and codes as text, the
//! header row is frozen and columns are as wide as their text shows on screen (a Chinese
//! character is two columns wide). The creation date is the quarter's first day, never "now",
//! so the same plan gives the same bytes. [`door_lists`] writes the door lists and a replan's
//! notices; [`case_xlsx`] the case as workbooks (`to-xlsx`).

pub mod case_xlsx;
pub mod door_lists;

pub use case_xlsx::{case_to_xlsx, CASE_XLSX_FILES};
pub use door_lists::{changes_workbook, door_lists};

use crate::case::Case;
use crate::plan::summary::PlanStats;
use crate::plan::Notice;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Columns stored as numbers; every other column is text (IDs, codes, dates as written).
const NUMERIC: [&str; 20] = [
    "level",
    "candidates",
    "institutions",
    "rooms",
    "seats",
    "seated",
    "invigilators",
    "seat",
    "deferred",
    "delta_deferred",
    "travel_km",
    "delta_travel_km",
    "cross_prefecture",
    "rooms_opened",
    "gap",
    "solve_seconds",
    "seat_value",
    "draws",
    "mean_deferred",
    "p95_deferred",
];

fn io(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

pub(crate) fn workbook(created: NaiveDate) -> Workbook {
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    // Excel's own level: at the default 6, zip compression was about 30 % of the door lists'
    // time (BENCHMARKS.md, "Writing a million seats")
    book.set_zip_compression_level(3);
    book
}

pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDE6F0")
        .set_border_bottom(FormatBorder::Thin)
}

/// Sets each column to the widest text it shows (display width, capped).
pub(crate) fn size_columns(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (c, &w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (w as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    Ok(())
}

/// Adds a sheet holding the CSV table `csv` (header first) under Chinese headers, numbers as
/// numbers, levels in words.
fn table_sheet(book: &mut Workbook, name: &str, csv: &[u8]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let head = header_format();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut numeric = Vec::new();
    let mut level = Vec::new();
    let mut status = Vec::new();
    let mut widths: Vec<usize> = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        let row = r as u32;
        for (c, value) in record.iter().enumerate() {
            // the CSV's formula-safe quote is not part of the text: a workbook cell holds
            // the text as a string, which Excel never runs
            let value = crate::csv_out::restore(value);
            let col = c as u16;
            if widths.len() <= c {
                widths.push(0);
            }
            if r == 0 {
                numeric.push(NUMERIC.contains(&value));
                level.push(value == "level");
                status.push(value == "status");
                let header = crate::words::header(value);
                widths[c] = widths[c].max(header.width());
                sheet.write_string_with_format(row, col, header, &head)?;
                continue;
            }
            if level[c] || status[c] {
                let words: &str = match value.parse() {
                    Ok(n) if level[c] => crate::words::level(n),
                    _ if status[c] => crate::words::status_text(value),
                    _ => value,
                };
                widths[c] = widths[c].max(words.width());
                sheet.write_string(row, col, words)?;
                continue;
            }
            let value = crate::words::value(value);
            widths[c] = widths[c].max(value.width());
            match value.parse::<f64>() {
                Ok(n) if numeric[c] && n.is_finite() => {
                    sheet.write_number(row, col, n)?;
                }
                _ if value.is_empty() => {}
                _ => {
                    sheet.write_string(row, col, value)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    size_columns(sheet, &widths)
}

/// plan.xlsx: 总览 (each objective with its bound, gap and status), then 时间表, 考场, 分配 and
/// 缓考 from timetable.csv, rooms.csv, allocation.csv and deferred.csv.
pub fn plan_workbook(
    case: &Case,
    stats: &PlanStats,
    files: &[(&str, Vec<u8>)],
) -> std::io::Result<Vec<u8>> {
    let mut book = workbook(case.quarter.first_day());
    overview(&mut book, stats).map_err(io)?;
    for (sheet, file) in [
        ("时间表", "timetable.csv"),
        ("考场", "rooms.csv"),
        ("分配", "allocation.csv"),
        ("缓考", "deferred.csv"),
    ] {
        let bytes = files
            .iter()
            .find(|f| f.0 == file)
            .map(|f| f.1.as_slice())
            .unwrap_or_default();
        table_sheet(&mut book, sheet, bytes).map_err(io)?;
    }
    book.save_to_buffer().map_err(io)
}

fn overview(book: &mut Workbook, s: &PlanStats) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("总览")?;
    let head = header_format();
    let title = Format::new().set_bold().set_font_size(14);
    let percent = Format::new().set_num_format("0.00%");
    sheet.write_string_with_format(0, 0, format!("{}（{}）", s.case, s.quarter), &title)?;
    let header = ["指标", "数值", "已证明的界", "差距", "已证明最优"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let o = &s.objectives;
    let rows: [(&str, f64, Option<(f64, f64, bool)>); 5] = [
        (
            "缓考人数（越少越好）",
            s.deferred as f64,
            Some((o.deferred.bound, o.deferred.gap, o.deferred.proven_optimal)),
        ),
        (
            "考生总里程（公里）",
            s.travel_km,
            Some((
                o.travel_km.bound,
                o.travel_km.gap,
                o.travel_km.proven_optimal,
            )),
        ),
        ("开考考场场次", s.rooms_opened as f64, None),
        ("安排座位人数", s.seated as f64, None),
        ("报名人次", s.candidates as f64, None),
    ];
    for (k, (name, value, bound)) in rows.iter().enumerate() {
        let r = 3 + k as u32;
        sheet.write_string(r, 0, *name)?;
        sheet.write_number(r, 1, *value)?;
        if let Some((b, gap, proven)) = bound {
            sheet.write_number(r, 2, *b)?;
            sheet.write_number_with_format(r, 3, *gap, &percent)?;
            sheet.write_string(r, 4, crate::words::yes_no(*proven))?;
        }
    }
    sheet.write_string(9, 0, "状态")?;
    sheet.write_string(9, 1, crate::words::status(s.status.as_str()))?;
    sheet.write_string(10, 0, "说明")?;
    sheet.write_string(
        10,
        1,
        "最优：两项目标均已证明最优；可行：在 --gap 允许的差距内；已达上限：求解在计算量上限（或 --time-limit 时限）内未能证明最优，结果仍是可用的方案",
    )?;
    sheet.set_freeze_panes(3, 0)?;
    size_columns(sheet, &[22, 14, 12, 10, 10])
}

pub use crate::privacy::mask_id;

/// A workbook of CSV tables, one sheet each under its Chinese name: whatif.xlsx (every CSV
/// file of the what-if folder), vetting.xlsx (vetting, coverage, publication).
pub fn tables_workbook(created: NaiveDate, files: &[(&str, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let mut book = workbook(created);
    for (name, bytes) in files {
        if let Some(stem) = name.strip_suffix(".csv") {
            table_sheet(&mut book, crate::words::sheet(stem), bytes).map_err(io)?;
        }
    }
    book.save_to_buffer().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::door_lists::sheet_name;
    use super::*;

    #[test]
    fn ids_are_masked_but_for_region_and_last_four() {
        assert_eq!(mask_id("430102199001013919"), "430102********3919");
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id("123"), "***");
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("2026-08-15", "08:30", "R1"), "08-15 0830 R1");
        let long = sheet_name(
            "2026-08-15",
            "08:30",
            "第一教学楼/三层/机房A[主]-很长的名字啊啊啊",
        );
        assert!(long.chars().count() <= 31);
        assert!(!long.contains('/') && !long.contains('['));
    }
}

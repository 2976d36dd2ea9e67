//! Workbooks for people who live in Excel: `plan.xlsx`, the door lists `institutions/ID.xlsx`,
//! and `whatif.xlsx`.
//!
//! Every table sheet is built from the very CSV bytes the plan folder holds, so a sheet's rows
//! are the file's rows; its headers are Chinese ([`crate::words::header`]), levels read as
//! officials write them (三级（高级工）), numbers are stored as numbers, IDs and codes as text, the
//! header row is frozen and columns are as wide as their text shows on screen (a Chinese
//! character is two columns wide). The creation date is the quarter's first day, never "now", so the same plan
//! gives the same bytes.

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

fn workbook(created: NaiveDate) -> Workbook {
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    book
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDE6F0")
        .set_border_bottom(FormatBorder::Thin)
}

/// Sets each column to the widest text it shows (display width, capped).
fn size_columns(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
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
    sheet.write_string(9, 1, crate::words::status(s.status))?;
    sheet.write_string(10, 0, "说明")?;
    sheet.write_string(
        10,
        1,
        "最优：两项目标均已证明最优；可行：在 --gap 允许的差距内；已达时限：求解达到时间上限，结果未证明最优",
    )?;
    sheet.set_freeze_panes(3, 0)?;
    size_columns(sheet, &[22, 14, 12, 10, 10])
}

pub use crate::privacy::mask_id;

/// A door list's columns.
const DOOR_COLUMNS: [&str; 5] = ["座位号", "准考证号", "姓名", "身份证号", "职业（工种）等级"];

/// About how many display columns (a Chinese character is two) the merged lines of a door list
/// hold per printed line on A4 portrait.
const DOOR_LINE_WIDTH: usize = 90;

/// One seat of a door list.
struct DoorRow {
    seat: u32,
    ticket_no: String,
    name: String,
    masked_id: String,
    paper: String,
}

/// A room at a slot: its title and seats.
struct Sitting {
    date: String,
    start: String,
    end: String,
    room: String,
    rows: Vec<DoorRow>,
}

/// Door lists: for every institution that seats anyone, a workbook with one sheet per room
/// sitting (门贴/座位表), print-ready on A4. Returned as (institution id, bytes) in
/// institutions.csv order; built on rayon workers, one workbook each.
pub fn door_lists(
    case: &Case,
    seats_csv: &[u8],
    notices: &[Notice],
) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    // institution → (slot, room) → seats, from seats.csv
    let mut by_institution: BTreeMap<usize, BTreeMap<(String, String, String), Sitting>> =
        BTreeMap::new();
    let position: BTreeMap<&str, usize> = case
        .institutions
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let mut reader = csv::Reader::from_reader(seats_csv);
    let headers = reader.headers().map_err(std::io::Error::other)?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0);
    let (ticket, name, id, occupation, work_type, level) = (
        col("ticket_no"),
        col("name"),
        col("id_number"),
        col("occupation"),
        col("work_type"),
        col("level"),
    );
    let (date, start, end, inst, room, seat) = (
        col("date"),
        col("start"),
        col("end"),
        col("institution_id"),
        col("room_id"),
        col("seat"),
    );
    for record in reader.records() {
        let r = record.map_err(std::io::Error::other)?;
        let r: csv::StringRecord = r.iter().map(crate::csv_out::restore).collect();
        let Some(&i) = position.get(&r[inst]) else {
            continue;
        };
        let level = r[level].parse().map_or("", crate::words::level);
        let paper = match &r[work_type] {
            "" => format!("{} {level}", &r[occupation]),
            w => format!("{}（{w}）{level}", &r[occupation]),
        };
        let key = (
            r[date].to_string(),
            r[start].to_string(),
            r[room].to_string(),
        );
        let sitting = by_institution
            .entry(i)
            .or_default()
            .entry(key)
            .or_insert_with(|| Sitting {
                date: r[date].to_string(),
                start: r[start].to_string(),
                end: r[end].to_string(),
                room: r[room].to_string(),
                rows: Vec::new(),
            });
        sitting.rows.push(DoorRow {
            seat: r[seat].parse().unwrap_or(0),
            ticket_no: r[ticket].to_string(),
            name: r[name].to_string(),
            masked_id: mask_id(&r[id]),
            paper,
        });
    }
    // a replan's changes go to every institution a candidate leaves or comes to, also one that
    // seats nobody now
    let mut changed: BTreeMap<usize, Vec<&Notice>> = BTreeMap::new();
    for n in notices {
        let mut at: Vec<usize> = [&n.old_institution_id, &n.new_institution_id]
            .iter()
            .filter_map(|id| position.get(id.as_str()).copied())
            .collect();
        at.dedup();
        for i in at {
            changed.entry(i).or_default().push(n);
            by_institution.entry(i).or_default();
        }
    }
    let created = case.quarter.first_day();
    let institutions: Vec<(usize, BTreeMap<_, Sitting>)> = by_institution.into_iter().collect();
    institutions
        .into_par_iter()
        .map(|(i, sittings)| {
            let inst = &case.institutions[i];
            let notices = changed.get(&i).map_or(&[][..], Vec::as_slice);
            let bytes = door_workbook(
                &inst.name,
                &inst.id,
                sittings.into_values(),
                notices,
                created,
            )
            .map_err(io)?;
            Ok((inst.id.clone(), bytes))
        })
        .collect()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(date: &str, start: &str, room: &str) -> String {
    let text = format!(
        "{} {} {room}",
        &date[5.min(date.len())..],
        start.replace(':', "")
    );
    text.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

fn door_workbook(
    institution: &str,
    id: &str,
    sittings: impl Iterator<Item = Sitting>,
    notices: &[&Notice],
    created: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = workbook(created);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Left);
    let head = header_format().set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let mut used = std::collections::BTreeSet::new();
    for s in sittings {
        let sheet = book.add_worksheet();
        let mut name = sheet_name(&s.date, &s.start, &s.room);
        while !used.insert(name.clone()) {
            name = format!("{}+", name.chars().take(30).collect::<String>());
        }
        sheet.set_name(&name)?;
        let mut papers: Vec<&str> = s.rows.iter().map(|r| r.paper.as_str()).collect();
        papers.dedup();
        papers.sort_unstable();
        papers.dedup();
        // the title and subject lines span the printed width and wrap, as posted on the door
        let last = DOOR_COLUMNS.len() as u16 - 1;
        sheet.merge_range(
            0,
            0,
            0,
            last,
            &format!("{institution}（{id}） 考场 {}", s.room),
            &title,
        )?;
        sheet.merge_range(
            1,
            0,
            1,
            last,
            &format!("考试时间：{} {}–{}", s.date, s.start, s.end),
            &wrapped,
        )?;
        let subjects = format!("科目：{}", papers.join("、"));
        sheet.merge_range(2, 0, 2, last, &subjects, &wrapped)?;
        // a merged cell does not grow by itself: as many lines as the text needs on the page
        let lines = subjects.width().div_ceil(DOOR_LINE_WIDTH).max(1);
        sheet.set_row_height(2, 15.0 * lines as f64)?;
        let header = DOOR_COLUMNS;
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(3, c as u16, *h, &head)?;
        }
        let mut widths = header.iter().map(|h| h.width()).collect::<Vec<_>>();
        for (k, r) in s.rows.iter().enumerate() {
            let row = 4 + k as u32;
            sheet.write_number_with_format(row, 0, f64::from(r.seat), &cell)?;
            sheet.write_string_with_format(row, 1, &r.ticket_no, &cell)?;
            sheet.write_string_with_format(row, 2, &r.name, &cell)?;
            sheet.write_string_with_format(row, 3, &r.masked_id, &cell)?;
            sheet.write_string_with_format(row, 4, &r.paper, &cell)?;
            for (c, text) in [&r.ticket_no, &r.name, &r.masked_id, &r.paper]
                .iter()
                .enumerate()
            {
                widths[c + 1] = widths[c + 1].max(text.width());
            }
        }
        let foot = 4 + s.rows.len() as u32;
        sheet.merge_range(
            foot,
            0,
            foot,
            last,
            &format!("应考 {} 人", s.rows.len()),
            &wrapped,
        )?;
        size_columns(sheet, &widths)?;
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(3, 3)?;
        sheet.set_header(format!("&L{institution}&R第 &P 页，共 &N 页"));
        sheet.set_freeze_panes(4, 0)?;
    }
    if !notices.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("变更通知")?;
        sheet.merge_range(
            0,
            0,
            0,
            NOTICE_COLUMNS.len() as u16 - 1,
            &format!("{institution}（{id}） 变更通知：共 {} 人", notices.len()),
            &title,
        )?;
        notice_table(sheet, 1, notices)?;
        sheet.set_paper_size(9);
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(1, 1)?;
        sheet.set_header(format!("&L{institution} 变更通知&R第 &P 页，共 &N 页"));
    }
    book.save_to_buffer()
}

/// The columns of a change notice, as the offices read them.
const NOTICE_COLUMNS: [&str; 15] = [
    "报名号",
    "姓名",
    "身份证号",
    "变更",
    "原准考证号",
    "新准考证号",
    "原考试时间",
    "新考试时间",
    "原机构",
    "新机构",
    "原考场",
    "新考场",
    "原座位号",
    "新座位号",
    "原因",
];

/// Writes the notices as a table from row `top` (its header first), sized to their text.
fn notice_table(sheet: &mut Worksheet, top: u32, notices: &[&Notice]) -> Result<(), XlsxError> {
    let head = header_format();
    for (c, h) in NOTICE_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &head)?;
    }
    let mut widths: Vec<usize> = NOTICE_COLUMNS.iter().map(|h| h.width()).collect();
    for (k, n) in notices.iter().enumerate() {
        let cells = [
            &n.candidate_id,
            &n.name,
            &n.masked_id,
            &n.change,
            &n.old_ticket_no,
            &n.new_ticket_no,
            &n.old_time,
            &n.new_time,
            &n.old_institution,
            &n.new_institution,
            &n.old_room,
            &n.new_room,
            &n.old_seat,
            &n.new_seat,
            &n.reason,
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string(top + 1 + k as u32, c as u16, text.as_str())?;
            widths[c] = widths[c].max(text.width());
        }
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    size_columns(sheet, &widths)
}

/// changes.xlsx: every change of a replan on one sheet, 变更, for the provincial office.
pub fn changes_workbook(created: NaiveDate, notices: &[Notice]) -> std::io::Result<Vec<u8>> {
    let mut book = workbook(created);
    let sheet = book.add_worksheet();
    sheet.set_name("变更").map_err(io)?;
    let all: Vec<&Notice> = notices.iter().collect();
    notice_table(sheet, 0, &all).map_err(io)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0).map_err(io)?;
    book.save_to_buffer().map_err(io)
}

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

/// Columns a user's sheet holds as dates, as times of day, and as text whatever they look like.
const DATE_COLUMNS: [&str; 2] = ["date", "filed_on"];
const TIME_COLUMNS: [&str; 2] = ["start", "end"];
const TEXT_COLUMNS: [&str; 10] = [
    "id_number",
    "credit_code",
    "candidate_id",
    "code",
    "id",
    "expert_id",
    "employer",
    "staff_id",
    "supervisor_id",
    // staff.csv's declared relations: resident IDs, 18 digits Excel would round as a number
    "conflicts",
];

/// `to-xlsx`: every CSV table of a case folder as `NAME.xlsx`, typed as a user's workbook holds
/// it (numbers as numbers, dates and times as Excel dates, IDs and codes as text), `case.toml`
/// copied; for officials who keep the case in Excel. Returns the number of tables written.
pub fn case_to_xlsx(case_dir: &std::path::Path, out: &std::path::Path) -> std::io::Result<usize> {
    let staging = crate::output::staging::Staging::new(out)?;
    let mut written = 0;
    for table in crate::case::columns::TABLES {
        let path = case_dir.join(format!("{table}.csv"));
        if !path.is_file() {
            continue;
        }
        let bytes = table_to_xlsx(&path)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        staging.add_bytes(&format!("{table}.xlsx"), &bytes)?;
        written += 1;
    }
    let toml = std::fs::read(case_dir.join("case.toml"))?;
    staging.add_bytes("case.toml", &toml)?;
    staging.commit(&CASE_XLSX_FILES)?;
    Ok(written)
}

/// Every file `to-xlsx` may write.
pub const CASE_XLSX_FILES: [&str; 16] = [
    "case.toml",
    "prefectures.xlsx",
    "distances.xlsx",
    "occupations.xlsx",
    "institutions.xlsx",
    "assessment.xlsx",
    "rooms.xlsx",
    "filings.xlsx",
    "sessions.xlsx",
    "holidays.xlsx",
    "candidates.xlsx",
    "demand.xlsx",
    "materials.xlsx",
    "experts.xlsx",
    "staff.xlsx",
    "supervisors.xlsx",
];

fn table_to_xlsx(path: &std::path::Path) -> Result<Vec<u8>, XlsxError> {
    let bad = |e: &dyn std::fmt::Display| XlsxError::ParameterError(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    let text = std::fs::read_to_string(path).map_err(|e| bad(&e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h)?;
    }
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&e))?;
        let row = r as u32 + 1;
        for (c, value) in record.iter().enumerate() {
            let (col, name) = (c as u16, header.get(c).map_or("", String::as_str));
            if value.is_empty() {
                continue;
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(value.width());
            }
            let parsed = rust_xlsxwriter::ExcelDateTime::parse_from_str(value);
            match parsed {
                Ok(d) if DATE_COLUMNS.contains(&name) => {
                    sheet.write_datetime_with_format(row, col, d, &date)?;
                }
                Ok(d) if TIME_COLUMNS.contains(&name) => {
                    sheet.write_datetime_with_format(row, col, d, &time)?;
                }
                _ => match value.parse::<f64>() {
                    Ok(n) if n.is_finite() && !TEXT_COLUMNS.contains(&name) => {
                        sheet.write_number(row, col, n)?;
                    }
                    _ => {
                        sheet.write_string(row, col, value)?;
                    }
                },
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    size_columns(sheet, &widths)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
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

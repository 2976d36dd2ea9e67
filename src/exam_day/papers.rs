//! Papers for the day, printed on A4: per institution `exam-day/ID.xlsx` — its roster, and per
//! room sitting a 签到表 (sign-in sheet) and a 考场情况记录表 (room record) — and per quality
//! supervisor `supervision/ID.xlsx`, a 督考记录表 per dispatch. Every page is marked 保密 until
//! the exam; ID numbers are masked; header rows repeat on every printed page.
//!
//! Supervisors' papers are apart from the institutions' on purpose: 双随机 means an
//! institution learns who supervises it when the supervisor arrives.

use super::roster::Duty;
use super::sittings::{Day, Sitting};
use super::ExamDay;
use crate::case::Case;
use crate::output::sheets::door_lists::sheet_name;
use crate::output::sheets::{header_format, size_columns, workbook};
use crate::privacy::mask_id;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use std::collections::{BTreeMap, BTreeSet};
use unicode_width::UnicodeWidthStr;

/// What every page says at its top: the papers are secret until the exam.
const SECRET: &str = "保密 · 考试结束前不得外传";

/// The sign-in sheet's columns.
const SIGN_IN_COLUMNS: [&str; 6] = [
    "座位号",
    "准考证号",
    "姓名",
    "身份证号",
    "职业（工种）等级",
    "考生签名",
];

/// The roster sheet's columns.
const ROSTER_COLUMNS: [&str; 6] = ["日期", "开始", "考场", "职务", "工号", "姓名"];

/// What a supervisor checks at a site (督考记录表), one line each.
const SUPERVISION_ITEMS: [&str; 7] = [
    "考点、考场设置与座位编排",
    "考生身份核验",
    "监考员、主考、巡考到岗",
    "考场纪律与违纪处理",
    "机考系统与试卷安全",
    "视频监控运行",
    "其他情况",
];

fn io(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// A4, one page wide, the secret mark in the page header, page numbers in the footer.
fn print_setup(sheet: &mut Worksheet, left: &str) {
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_header(format!("&L{left}&R{SECRET}"));
    sheet.set_footer("&C第 &P 页，共 &N 页");
}

/// Names on duty at each place: (duty) → names in staff-id order.
fn on_duty<'a>(case: &'a Case, day: &ExamDay) -> BTreeMap<Duty, Vec<&'a str>> {
    let staff = case.staff.as_deref().unwrap_or_default();
    let mut out: BTreeMap<Duty, Vec<&str>> = BTreeMap::new();
    for &(s, duty) in &day.roster.duties {
        out.entry(duty).or_default().push(staff[s].name.as_str());
    }
    out
}

/// Every institution open on the day: (id, workbook bytes), in id order, built in parallel.
pub fn institution_papers(case: &Case, run: &ExamDay) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    let names = on_duty(case, run);
    let day = &run.day;
    let mut by_institution: BTreeMap<&str, (Vec<usize>, Vec<(usize, Duty)>)> = BTreeMap::new();
    let id = |site: usize| case.institutions[day.sites[site].institution].id.as_str();
    for k in 0..day.sites.len() {
        by_institution.entry(id(k)).or_default().0.push(k);
    }
    for &(s, duty) in &run.roster.duties {
        let site = match duty {
            Duty::Room(r) => day.site_of[r],
            Duty::Chief(k) | Duty::Roaming(k) => k,
        };
        by_institution
            .entry(id(site))
            .or_default()
            .1
            .push((s, duty));
    }
    let groups: Vec<_> = by_institution.into_iter().collect();
    groups
        .into_par_iter()
        .map(|(id, (sites, mut duties))| {
            duties.sort_by_cached_key(|&(s, duty)| super::duty_order(case, day, s, duty));
            institution_book(case, run, &names, &sites, &duties)
                .map(|bytes| (id.to_string(), bytes))
                .map_err(io)
        })
        .collect()
}

fn institution_book(
    case: &Case,
    run: &ExamDay,
    names: &BTreeMap<Duty, Vec<&str>>,
    sites: &[usize],
    duties: &[(usize, Duty)],
) -> Result<Vec<u8>, XlsxError> {
    let day: &Day = &run.day;
    let institution = &case.institutions[day.sites[sites[0]].institution];
    let label = format!("{}（{}）", institution.name, institution.id);
    let mut book = workbook(case.quarter.first_day());
    roster_sheet(case, day, duties, &label, book.add_worksheet())?;
    let mut used = BTreeSet::new();
    for &k in sites {
        let site = &day.sites[k];
        let chiefs = names.get(&Duty::Chief(k)).cloned().unwrap_or_default();
        for &r in &site.rooms {
            let sitting = &day.sittings[r];
            let (date, start, end) = when(case, sitting.slot);
            let base = sheet_name(&date, &start, &sitting.room_id);
            let invigilators = names.get(&Duty::Room(r)).cloned().unwrap_or_default();
            let sheet = book.add_worksheet();
            sheet.set_name(unique(&mut used, &format!("签到 {base}")))?;
            sign_in_sheet(sheet, &label, sitting, (&date, &start, &end))?;
            let sheet = book.add_worksheet();
            sheet.set_name(unique(&mut used, &format!("记录 {base}")))?;
            record_sheet(
                sheet,
                &label,
                sitting,
                (&date, &start, &end),
                &invigilators,
                &chiefs,
            )?;
        }
    }
    book.save_to_buffer()
}

/// A sheet name not used yet in the workbook (at most 31 characters).
fn unique(used: &mut BTreeSet<String>, name: &str) -> String {
    let mut name: String = name.chars().take(31).collect();
    while !used.insert(name.clone()) {
        name = format!("{}+", name.chars().take(30).collect::<String>());
    }
    name
}

/// (date, start, end) of a slot as printed.
fn when(case: &Case, slot: usize) -> (String, String, String) {
    let s = &case.sessions[slot];
    (
        s.date.format("%Y-%m-%d").to_string(),
        s.start.format("%H:%M").to_string(),
        s.end.format("%H:%M").to_string(),
    )
}

fn title_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
}

/// The institution's roster: everyone on duty, by slot, place and role.
fn roster_sheet(
    case: &Case,
    day: &Day,
    duties: &[(usize, Duty)],
    label: &str,
    sheet: &mut Worksheet,
) -> Result<(), XlsxError> {
    let staff = case.staff.as_deref().unwrap_or_default();
    sheet.set_name("考务安排")?;
    let last = ROSTER_COLUMNS.len() as u16 - 1;
    sheet.merge_range(
        0,
        0,
        0,
        last,
        &format!("{label} 考务人员安排"),
        &title_format(),
    )?;
    sheet.merge_range(1, 0, 1, last, SECRET, &Format::new())?;
    let head = header_format();
    for (c, h) in ROSTER_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let mut widths: Vec<usize> = ROSTER_COLUMNS.iter().map(|h| h.width()).collect();
    for (row, &(s, duty)) in (3..).zip(duties) {
        let (slot, room) = match duty {
            Duty::Room(r) => (day.sittings[r].slot, day.sittings[r].room_id.as_str()),
            Duty::Chief(k) | Duty::Roaming(k) => (day.sites[k].slot, "（全考点）"),
        };
        let (date, start, _) = when(case, slot);
        let cells = [
            date.as_str(),
            start.as_str(),
            room,
            duty.role().label(),
            staff[s].staff_id.as_str(),
            staff[s].name.as_str(),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string(row, c as u16, *text)?;
            widths[c] = widths[c].max(text.width());
        }
    }
    size_columns(sheet, &widths)?;
    print_setup(sheet, label);
    sheet.set_repeat_rows(2, 2)?;
    sheet.set_freeze_panes(3, 0)?;
    Ok(())
}

/// 签到表: one line per seat, a box to sign.
fn sign_in_sheet(
    sheet: &mut Worksheet,
    label: &str,
    sitting: &Sitting,
    (date, start, end): (&str, &str, &str),
) -> Result<(), XlsxError> {
    let last = SIGN_IN_COLUMNS.len() as u16 - 1;
    sheet.merge_range(
        0,
        0,
        0,
        last,
        &format!("{label} 考场 {} 考生签到表", sitting.room_id),
        &title_format(),
    )?;
    sheet.merge_range(
        1,
        0,
        1,
        last,
        &format!("考试时间：{date} {start}–{end}    {SECRET}"),
        &Format::new(),
    )?;
    let head = header_format()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    for (c, h) in SIGN_IN_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let cell = Format::new().set_border(FormatBorder::Thin);
    let mut widths: Vec<usize> = SIGN_IN_COLUMNS.iter().map(|h| h.width()).collect();
    widths[5] = 16;
    for (k, seat) in sitting.seats.iter().enumerate() {
        let row = 3 + k as u32;
        let masked = mask_id(&seat.id_number);
        sheet.write_number_with_format(row, 0, f64::from(seat.seat), &cell)?;
        for (c, text) in [&seat.ticket_no, &seat.name, &masked, &seat.paper]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(row, c as u16 + 1, text.as_str(), &cell)?;
            widths[c + 1] = widths[c + 1].max(text.width());
        }
        sheet.write_blank(row, 5, &cell)?;
        sheet.set_row_height(row, 24.0)?;
    }
    let foot = 3 + sitting.seats.len() as u32;
    sheet.merge_range(
        foot + 1,
        0,
        foot + 1,
        last,
        &format!(
            "应考 {} 人，实考 ____ 人。监考员签名：______________  ______________",
            sitting.seats.len()
        ),
        &Format::new(),
    )?;
    size_columns(sheet, &widths)?;
    print_setup(sheet, label);
    sheet.set_repeat_rows(2, 2)?;
    Ok(())
}

/// 考场情况记录表: the room's facts, blanks to fill in by hand, signature lines.
fn record_sheet(
    sheet: &mut Worksheet,
    label: &str,
    sitting: &Sitting,
    (date, start, end): (&str, &str, &str),
    invigilators: &[&str],
    chiefs: &[&str],
) -> Result<(), XlsxError> {
    let mut papers: Vec<&str> = sitting.seats.iter().map(|s| s.paper.as_str()).collect();
    papers.sort_unstable();
    papers.dedup();
    let lines: Vec<(&str, String, f64)> = vec![
        ("考点", label.to_string(), 20.0),
        ("考场", sitting.room_id.clone(), 20.0),
        ("考试时间", format!("{date} {start}–{end}"), 20.0),
        ("科目", papers.join("、"), 40.0),
        ("应考人数", sitting.seats.len().to_string(), 20.0),
        ("实考人数", String::new(), 24.0),
        ("缺考人数", String::new(), 24.0),
        ("违纪人数", String::new(), 24.0),
        ("缺考考生准考证号", String::new(), 80.0),
        ("违纪情况记录", String::new(), 100.0),
        ("考场其他情况", String::new(), 60.0),
        ("监考员", invigilators.join("、"), 24.0),
        ("监考员签名", String::new(), 30.0),
        ("主考", chiefs.join("、"), 24.0),
        ("主考签名", String::new(), 30.0),
    ];
    sheet.merge_range(0, 0, 0, 1, "考场情况记录表", &title_format())?;
    sheet.merge_range(1, 0, 1, 1, SECRET, &Format::new())?;
    let key = header_format().set_border(FormatBorder::Thin);
    let value = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    for (k, (name, text, height)) in lines.iter().enumerate() {
        let row = 2 + k as u32;
        sheet.write_string_with_format(row, 0, *name, &key)?;
        sheet.write_string_with_format(row, 1, text, &value)?;
        sheet.set_row_height(row, *height)?;
    }
    sheet.set_column_width(0, 20.0)?;
    sheet.set_column_width(1, 70.0)?;
    print_setup(sheet, label);
    Ok(())
}

/// Every supervisor dispatched: (id, workbook bytes), a 督考记录表 per dispatch.
pub fn supervision_papers(case: &Case, run: &ExamDay) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    let supervisors = case.supervisors.as_deref().unwrap_or_default();
    let names = on_duty(case, run);
    // (supervisor id, index) → sites, in id order
    let mut by_supervisor: BTreeMap<(&str, usize), Vec<usize>> = BTreeMap::new();
    for d in &run.dispatch {
        if let Some(v) = d.supervisor {
            by_supervisor
                .entry((supervisors[v].supervisor_id.as_str(), v))
                .or_default()
                .push(d.site);
        }
    }
    let groups: Vec<_> = by_supervisor.into_iter().collect();
    groups
        .into_par_iter()
        .map(|((id, v), sites)| {
            supervision_book(case, run, &names, v, &sites)
                .map(|bytes| (id.to_string(), bytes))
                .map_err(io)
        })
        .collect()
}

fn supervision_book(
    case: &Case,
    run: &ExamDay,
    names: &BTreeMap<Duty, Vec<&str>>,
    v: usize,
    sites: &[usize],
) -> Result<Vec<u8>, XlsxError> {
    let supervisor = &case.supervisors.as_deref().unwrap_or_default()[v];
    let who = format!("{}（{}）", supervisor.name, supervisor.supervisor_id);
    let mut book = workbook(case.quarter.first_day());
    let mut used = BTreeSet::new();
    let key = header_format().set_border(FormatBorder::Thin);
    let value = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    for &k in sites {
        let site = &run.day.sites[k];
        let institution = &case.institutions[site.institution];
        let (date, start, end) = when(case, site.slot);
        let sheet = book.add_worksheet();
        sheet.set_name(unique(
            &mut used,
            &format!("督考 {}", sheet_name(&date, &start, &institution.id)),
        ))?;
        sheet.merge_range(0, 0, 0, 2, "质量督导员督考记录表", &title_format())?;
        sheet.merge_range(1, 0, 1, 2, SECRET, &Format::new())?;
        let seated: usize = site
            .rooms
            .iter()
            .map(|&r| run.day.sittings[r].seats.len())
            .sum();
        let chiefs = names.get(&Duty::Chief(k)).cloned().unwrap_or_default();
        let facts = [
            ("质量督导员", who.clone()),
            (
                "考点",
                format!(
                    "{}（{}），{}",
                    institution.name, institution.id, case.prefectures[institution.prefecture].name
                ),
            ),
            ("考试时间", format!("{date} {start}–{end}")),
            (
                "考场数 / 应考人数",
                format!("{} 个考场，应考 {seated} 人", site.rooms.len()),
            ),
            ("主考", chiefs.join("、")),
        ];
        let mut row = 2;
        for (name, text) in &facts {
            sheet.write_string_with_format(row, 0, *name, &key)?;
            sheet.merge_range(row, 1, row, 2, text, &value)?;
            row += 1;
        }
        for (c, h) in ["督导项目", "情况（符合 / 不符合）", "说明"]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(row, c as u16, *h, &key)?;
        }
        row += 1;
        for item in SUPERVISION_ITEMS {
            sheet.write_string_with_format(row, 0, item, &value)?;
            sheet.write_blank(row, 1, &value)?;
            sheet.write_blank(row, 2, &value)?;
            sheet.set_row_height(row, 36.0)?;
            row += 1;
        }
        for line in ["督导员签名 / 日期", "考点主考签名"] {
            sheet.write_string_with_format(row, 0, line, &key)?;
            sheet.merge_range(row, 1, row, 2, "", &value)?;
            sheet.set_row_height(row, 30.0)?;
            row += 1;
        }
        sheet.set_column_width(0, 26.0)?;
        sheet.set_column_width(1, 22.0)?;
        sheet.set_column_width(2, 44.0)?;
        print_setup(sheet, &who);
    }
    book.save_to_buffer()
}

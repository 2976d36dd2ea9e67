//! Door lists (门贴/座位表) and a replan's change notices: each institution's workbook, one sheet
//! per room sitting printed as posted, and a 变更通知 sheet where its candidates changed; the
//! province's changes.xlsx.

use super::*;
use crate::plan::SeatsCsv;

/// A door list's columns.
pub(super) const DOOR_COLUMNS: [&str; 5] =
    ["座位号", "准考证号", "姓名", "身份证号", "职业（工种）等级"];

/// About how many display columns (a Chinese character is two) the merged lines of a door list
/// hold per printed line on A4 portrait.
pub(super) const DOOR_LINE_WIDTH: usize = 90;

/// One seat of a door list.
pub(super) struct DoorRow {
    pub(super) seat: u32,
    pub(super) ticket_no: String,
    pub(super) name: String,
    pub(super) masked_id: String,
    pub(super) paper: String,
}

/// A room at a slot: its title and seats.
pub(super) struct Sitting {
    pub(super) date: String,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) room: String,
    pub(super) rows: Vec<DoorRow>,
}

/// An institution's room sittings, by (date, start, room), each with its seats in file order.
type Sittings = BTreeMap<(String, String, String), Sitting>;

/// Door lists: for every institution that seats anyone, a workbook with one sheet per room
/// sitting (门贴/座位表), print-ready on A4. Returned as (institution id, bytes) in
/// institutions.csv order. Built from the very rows of seats.csv: its pieces are read on rayon
/// workers (one per site), then the workbooks are built there too, one each.
pub fn door_lists(
    case: &Case,
    seats: &SeatsCsv,
    notices: &[Notice],
) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    let position: BTreeMap<&str, usize> = case
        .institutions
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let columns = Columns::of(&crate::plan::header_of::<crate::plan::SeatRow>())?;
    let pieces: Vec<BTreeMap<usize, Sittings>> = seats
        .pieces
        .par_iter()
        .map(|piece| read_piece(piece, &columns, &position))
        .collect::<std::io::Result<_>>()?;
    // joined in file order, so each sitting's seats stay in the order seats.csv lists them
    let mut by_institution: BTreeMap<usize, Sittings> = BTreeMap::new();
    for piece in pieces {
        for (i, sittings) in piece {
            let mine = by_institution.entry(i).or_default();
            for (key, sitting) in sittings {
                match mine.entry(key) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(sitting);
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        o.get_mut().rows.extend(sitting.rows)
                    }
                }
            }
        }
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

/// Where seats.csv keeps each field a door list shows.
struct Columns {
    ticket: usize,
    name: usize,
    id: usize,
    occupation: usize,
    work_type: usize,
    level: usize,
    date: usize,
    start: usize,
    end: usize,
    institution: usize,
    room: usize,
    seat: usize,
}

impl Columns {
    /// The positions in seats.csv's header line.
    fn of(header: &[u8]) -> std::io::Result<Columns> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(header);
        let mut record = csv::StringRecord::new();
        reader
            .read_record(&mut record)
            .map_err(std::io::Error::other)?;
        let col = |name: &str| {
            record
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| std::io::Error::other(format!("seats.csv has no column {name}")))
        };
        Ok(Columns {
            ticket: col("ticket_no")?,
            name: col("name")?,
            id: col("id_number")?,
            occupation: col("occupation")?,
            work_type: col("work_type")?,
            level: col("level")?,
            date: col("date")?,
            start: col("start")?,
            end: col("end")?,
            institution: col("institution_id")?,
            room: col("room_id")?,
            seat: col("seat")?,
        })
    }
}

/// One piece of seats.csv (rows without a header) as door-list rows, by institution and room
/// sitting; each cell as it was before the writer made it formula-safe.
fn read_piece(
    piece: &[u8],
    c: &Columns,
    position: &BTreeMap<&str, usize>,
) -> std::io::Result<BTreeMap<usize, Sittings>> {
    let mut out: BTreeMap<usize, Sittings> = BTreeMap::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(piece);
    let mut raw = csv::StringRecord::new();
    while reader
        .read_record(&mut raw)
        .map_err(std::io::Error::other)?
    {
        let r: csv::StringRecord = raw.iter().map(crate::csv_out::restore).collect();
        let Some(&i) = position.get(&r[c.institution]) else {
            continue;
        };
        let level = r[c.level].parse().map_or("", crate::words::level);
        let paper = match &r[c.work_type] {
            "" => format!("{} {level}", &r[c.occupation]),
            w => format!("{}（{w}）{level}", &r[c.occupation]),
        };
        let key = (
            r[c.date].to_string(),
            r[c.start].to_string(),
            r[c.room].to_string(),
        );
        let sitting = out
            .entry(i)
            .or_default()
            .entry(key)
            .or_insert_with(|| Sitting {
                date: r[c.date].to_string(),
                start: r[c.start].to_string(),
                end: r[c.end].to_string(),
                room: r[c.room].to_string(),
                rows: Vec::new(),
            });
        sitting.rows.push(DoorRow {
            seat: r[c.seat].parse().unwrap_or(0),
            ticket_no: r[c.ticket].to_string(),
            name: r[c.name].to_string(),
            masked_id: mask_id(&r[c.id]),
            paper,
        });
    }
    Ok(out)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub(crate) fn sheet_name(date: &str, start: &str, room: &str) -> String {
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

pub(super) fn door_workbook(
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
pub(super) const NOTICE_COLUMNS: [&str; 15] = [
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
pub(super) fn notice_table(
    sheet: &mut Worksheet,
    top: u32,
    notices: &[&Notice],
) -> Result<(), XlsxError> {
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

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

/// An institution's door list, and the digest of what it was made from.
pub struct DoorList {
    pub institution_id: String,
    pub bytes: Vec<u8>,
    /// [`source_digest`]: summary.json's `door_lists`, so the next replan can tell an
    /// unchanged door list.
    pub source: String,
    /// Taken from the previous plan rather than built again.
    pub reused: bool,
}

/// Door lists: for every institution that seats anyone, a workbook with one sheet per room
/// sitting (门贴/座位表), print-ready on A4. Returned in institutions.csv order. Built from the
/// very rows of seats.csv: its pieces are read on rayon workers (one per site), then the
/// workbooks are built there too, one each; a replan takes from the plan it replaces
/// (`earlier`) each door list whose sources are unchanged (see [`Earlier`]).
pub fn door_lists(
    case: &Case,
    seats: &SeatsCsv,
    notices: &[Notice],
    earlier: Option<&Earlier>,
) -> std::io::Result<Vec<DoorList>> {
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
            let source = source_digest(&inst.name, &inst.id, sittings.values(), notices, created);
            if let Some(bytes) = earlier.and_then(|e| e.door_list(&inst.id, &source)) {
                return Ok(DoorList {
                    institution_id: inst.id.clone(),
                    bytes,
                    source,
                    reused: true,
                });
            }
            let bytes = door_workbook(
                &inst.name,
                &inst.id,
                sittings.into_values(),
                notices,
                created,
            )
            .map_err(io)?;
            Ok(DoorList {
                institution_id: inst.id.clone(),
                bytes,
                source,
                reused: false,
            })
        })
        .collect()
}

/// The door lists of the plan a replan replaces, as far as they can be trusted.
///
/// Building 400 door lists is most of a 1,000,000-seat replan's writing, and most of them come
/// out as they were: an institution whose sittings, seats, name and notices are as before gets
/// the same bytes. So each plan's summary.json records, per institution, the digest of what its
/// door list was made from ([`source_digest`], which also covers the code that lays it out); a
/// replan whose digest is the same takes the earlier file, after checking that its bytes are
/// the ones that summary.json says were published.
pub struct Earlier {
    dir: std::path::PathBuf,
    /// Institution id → the digest of its door list's sources.
    sources: BTreeMap<String, String>,
    /// Path → SHA-256 of every file as published.
    files: BTreeMap<String, String>,
}

impl Earlier {
    /// The previous plan folder's door-list digests; `None` (build every door list) when its
    /// summary.json cannot be read or records none.
    pub fn read(dir: &std::path::Path) -> Option<Earlier> {
        let head = crate::plan::folder::summary::<crate::plan::folder::SummaryHead>(dir).ok()?;
        (!head.door_lists.is_empty()).then(|| Earlier {
            dir: dir.to_path_buf(),
            sources: head.door_lists,
            files: head.files,
        })
    }

    /// The earlier door list of institution `id` when it was made from `source` and its bytes
    /// are as published.
    fn door_list(&self, id: &str, source: &str) -> Option<Vec<u8>> {
        if self.sources.get(id).map(String::as_str) != Some(source) {
            return None;
        }
        let path = format!("institutions/{id}.xlsx");
        let published = self.files.get(&path)?;
        let bytes = std::fs::read(self.dir.join(&path)).ok()?;
        (crate::digest::sha256_hex(&bytes) == *published).then_some(bytes)
    }
}

/// SHA-256 of everything a door list is made from: the layout (the digest of a sample door
/// list, [`form`], so a change of code or of rust_xlsxwriter changes it), the creation date,
/// the institution, each sitting with its seats in order, and its change notices.
fn source_digest<'s>(
    name: &str,
    id: &str,
    sittings: impl Iterator<Item = &'s Sitting>,
    notices: &[&Notice],
    created: NaiveDate,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    // every field with its length, so no two sources run together into the same bytes
    let mut field = |text: &str| {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    };
    field(form());
    field(&created.to_string());
    field(name);
    field(id);
    for s in sittings {
        field("sitting");
        for text in [&s.date, &s.start, &s.end, &s.room] {
            field(text);
        }
        for r in &s.rows {
            field(&r.seat.to_string());
            for text in [&r.ticket_no, &r.name, &r.masked_id, &r.paper] {
                field(text);
            }
        }
    }
    for n in notices {
        field("notice");
        for text in notice_fields(n) {
            field(text);
        }
    }
    crate::digest::hex(&h.finalize())
}

/// Every field of a notice, in [`NOTICE_COLUMNS`] order then the two institution ids.
fn notice_fields(n: &Notice) -> [&str; 17] {
    [
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
        &n.old_institution_id,
        &n.new_institution_id,
    ]
}

/// The digest of a sample door list (two sittings, one with a subject line that wraps, and a
/// change notice): it changes whenever the code or the workbook library lays a door list out
/// differently, and with it every [`source_digest`], so no earlier layout is ever reused.
fn form() -> &'static str {
    static FORM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FORM.get_or_init(|| {
        let row = |seat: u32, paper: &str| DoorRow {
            seat,
            ticket_no: format!("20263430100010101{seat:03}00"),
            name: "张三".into(),
            masked_id: "430102********3919".into(),
            paper: paper.into(),
        };
        let sitting = |start: &str, room: &str, papers: &[&str]| Sitting {
            date: "2026-07-04".into(),
            start: start.into(),
            end: "12:30".into(),
            room: room.into(),
            rows: papers
                .iter()
                .enumerate()
                .map(|(k, p)| row(k as u32 + 1, p))
                .collect(),
        };
        let long: Vec<String> = (0..12)
            .map(|k| format!("企业人力资源管理师 {k}级"))
            .collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        let notice = Notice {
            candidate_id: "C1".into(),
            name: "李四".into(),
            masked_id: "430102********002X".into(),
            change: "调换考场".into(),
            old_ticket_no: "1".into(),
            new_ticket_no: "2".into(),
            old_time: "2026-07-04 08:30–12:30".into(),
            new_time: "2026-07-04 14:00–17:00".into(),
            old_institution_id: "I1".into(),
            new_institution_id: "I1".into(),
            old_institution: "某机构".into(),
            new_institution: "某机构".into(),
            old_room: "R1".into(),
            new_room: "R2".into(),
            old_seat: "1".into(),
            new_seat: "2".into(),
            reason: "考场调整".into(),
        };
        let sittings = vec![
            sitting("08:30", "R1", &["健康管理师 三级（高级工）"]),
            sitting("14:00", "R2", &long),
        ];
        let created = NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date");
        match door_workbook("某机构", "I1", sittings.into_iter(), &[&notice], created) {
            Ok(bytes) => crate::digest::sha256_hex(&bytes),
            // a sample that cannot be laid out matches no earlier door list
            Err(e) => format!("unwritable: {e}"),
        }
    })
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
        let fields = notice_fields(n);
        let cells = &fields[..NOTICE_COLUMNS.len()];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string(top + 1 + k as u32, c as u16, *text)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan folder holding one door list, its summary.json recording `source` for it and the
    /// SHA-256 of `published` as the file's.
    fn folder(bytes: &[u8], published: &[u8], source: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("institutions")).unwrap();
        std::fs::write(dir.path().join("institutions/I1.xlsx"), bytes).unwrap();
        let summary = serde_json::json!({
            "quarter": "2026Q3",
            "files": { "institutions/I1.xlsx": crate::digest::sha256_hex(published) },
            "door_lists": { "I1": source },
        });
        std::fs::write(dir.path().join("summary.json"), summary.to_string()).unwrap();
        dir
    }

    #[test]
    fn an_earlier_door_list_is_taken_only_with_the_same_sources_and_the_published_bytes() {
        let dir = folder(b"door list", b"door list", "s1");
        let earlier = Earlier::read(dir.path()).unwrap();
        assert_eq!(
            earlier.door_list("I1", "s1").as_deref(),
            Some(&b"door list"[..])
        );
        assert_eq!(earlier.door_list("I1", "s2"), None, "other sources");
        assert_eq!(earlier.door_list("I2", "s1"), None, "another institution");
        let edited = folder(b"door list, edited", b"door list", "s1");
        let earlier = Earlier::read(edited.path()).unwrap();
        assert_eq!(
            earlier.door_list("I1", "s1"),
            None,
            "bytes not as published"
        );
    }

    #[test]
    fn a_plan_without_door_list_sources_offers_none() {
        let dir = folder(b"x", b"x", "s1");
        std::fs::write(dir.path().join("summary.json"), r#"{"quarter":"2026Q3"}"#).unwrap();
        assert!(Earlier::read(dir.path()).is_none());
        assert!(Earlier::read(&dir.path().join("missing")).is_none());
    }

    #[test]
    fn the_sources_cover_the_layout_the_sittings_and_the_notices() {
        let created = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert!(!form().starts_with("unwritable"), "{}", form());
        let sitting = |name: &str| Sitting {
            date: "2026-07-04".into(),
            start: "08:30".into(),
            end: "12:30".into(),
            room: "R1".into(),
            rows: vec![DoorRow {
                seat: 1,
                ticket_no: "T1".into(),
                name: name.into(),
                masked_id: "430102********3919".into(),
                paper: "甲 三级（高级工）".into(),
            }],
        };
        let of = |s: &Sitting, notices: &[&Notice]| {
            source_digest("一号", "I1", std::iter::once(s), notices, created)
        };
        let base = of(&sitting("张三"), &[]);
        assert_eq!(base, of(&sitting("张三"), &[]));
        assert_ne!(base, of(&sitting("张四"), &[]));
        let notice = Notice {
            candidate_id: "C1".into(),
            name: "张三".into(),
            masked_id: String::new(),
            change: "调换考场".into(),
            old_ticket_no: String::new(),
            new_ticket_no: String::new(),
            old_time: String::new(),
            new_time: String::new(),
            old_institution_id: String::new(),
            new_institution_id: String::new(),
            old_institution: String::new(),
            new_institution: String::new(),
            old_room: String::new(),
            new_room: String::new(),
            old_seat: String::new(),
            new_seat: String::new(),
            reason: String::new(),
        };
        assert_ne!(base, of(&sitting("张三"), &[&notice]));
        // fields run together differently are different sources
        assert_ne!(
            source_digest("一号I", "1", std::iter::empty(), &[], created),
            source_digest("一号", "I1", std::iter::empty(), &[], created)
        );
    }
}

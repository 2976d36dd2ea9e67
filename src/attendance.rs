//! After exam day: the institutions' marks (到考 / 缺考 / 违纪) against the published plan.
//!
//! Every mark must name a ticket of the plan, once: an unknown or twice-marked ticket is an
//! error at its file and line, and nothing is written. What comes out: every seated
//! registration with its status (未登记 when nobody marked it), attendance rates by institution
//! and by paper, the absent by name (ID numbers masked), and `carry_over.csv` — the quarter's
//! deferred and absent registrations in candidates.csv's columns, ready for next quarter's case.

use crate::case::table::read_file;
use crate::case::{columns, Case};
use crate::diag::Diagnostics;
use crate::plan::folder::{self, DeferredRecord, SeatRecord, Table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What an institution marked for a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// 到考: sat the paper.
    Present,
    /// 缺考: did not come.
    Absent,
    /// 违纪: came and broke the rules.
    Misconduct,
    /// 未登记: no institution marked the ticket.
    Unmarked,
}

impl Mark {
    pub const LABELS: [&'static str; 3] = ["到考", "缺考", "违纪"];

    fn parse(text: &str) -> Option<Mark> {
        Some(match text.trim() {
            "到考" => Mark::Present,
            "缺考" => Mark::Absent,
            "违纪" => Mark::Misconduct,
            _ => return None,
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Mark::Present => "到考",
            Mark::Absent => "缺考",
            Mark::Misconduct => "违纪",
            Mark::Unmarked => "未登记",
        }
    }
}

/// Every file `attendance --out` writes.
pub const FILES: [&str; 4] = [
    "attendance.csv",
    "carry_over.csv",
    "attendance.xlsx",
    "report.html",
];

/// One seated registration with its mark.
struct Seat {
    ticket_no: String,
    candidate_id: String,
    name: String,
    id_number: String,
    institution_id: String,
    institution: String,
    room_id: String,
    date: String,
    start: String,
    paper: String,
    mark: Mark,
}

/// The quarter's attendance.
pub struct Attendance {
    seats: Vec<Seat>,
    /// carry_over.csv's rows: a candidates.csv row of the case and why it is carried.
    carried: Vec<(usize, String)>,
}

/// Why attendance could not be taken.
#[derive(Debug)]
pub enum Error {
    /// The plan folder is not the published one, or cannot be read.
    Plan(Vec<String>),
    /// Marks files with errors (file, line, column).
    Marks(Diagnostics),
}

/// Takes attendance of the published plan in `plan_dir` from the `marks` files.
pub fn take(case: &Case, plan_dir: &Path, marks: &[PathBuf]) -> Result<Attendance, Error> {
    let edited = crate::verify::previous::unchanged(plan_dir);
    if !edited.is_empty() {
        return Err(Error::Plan(edited.iter().map(|v| v.to_string()).collect()));
    }
    let mut errors = Vec::new();
    let table = Table::read(plan_dir, "seats.csv", &mut errors).unwrap_or_default();
    let rows = table.rows::<SeatRecord>(&mut errors);
    let deferred = folder::rows::<DeferredRecord>(plan_dir, "deferred.csv", &mut errors);
    if !errors.is_empty() {
        return Err(Error::Plan(errors.iter().map(|e| e.to_string()).collect()));
    }
    let institution_name = |id: &str| {
        case.institutions
            .iter()
            .find(|i| i.id == id)
            .map_or(id.to_string(), |i| i.name.clone())
    };
    let mut seats: Vec<Seat> = rows
        .iter()
        .map(|(_, r)| Seat {
            ticket_no: r.ticket_no.to_string(),
            candidate_id: r.candidate_id.to_string(),
            name: r.name.to_string(),
            id_number: r.id_number.to_string(),
            institution_id: r.institution_id.to_string(),
            institution: institution_name(r.institution_id),
            room_id: r.room_id.to_string(),
            date: r.date.to_string(),
            start: r.start.to_string(),
            paper: r.paper_words(),
            mark: Mark::Unmarked,
        })
        .collect();
    let by_ticket: BTreeMap<String, usize> = seats
        .iter()
        .enumerate()
        .map(|(k, s)| (s.ticket_no.clone(), k))
        .collect();
    let mut diags = Diagnostics::default();
    // (file, line) of each ticket's mark, for naming a second one
    let mut marked: BTreeMap<usize, (String, u64)> = BTreeMap::new();
    for path in marks {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        );
        read_file(path, &["ticket_no", "status"], &mut diags, |row, diags| {
            let Some(ticket) = row.identifier(diags, "ticket_no") else {
                return;
            };
            let Some(status) = row.required(diags, "status") else {
                return;
            };
            let Some(mark) = Mark::parse(status) else {
                row.error(
                    diags,
                    "status",
                    format!(
                        "expected one of {}, found {status:?}",
                        Mark::LABELS.join(", ")
                    ),
                );
                return;
            };
            let Some(&k) = by_ticket.get(ticket.trim()) else {
                row.error(
                    diags,
                    "ticket_no",
                    format!("ticket {ticket} is not in the plan's seats.csv"),
                );
                return;
            };
            if let Some((first_file, first_line)) = marked.get(&k) {
                row.error(
                    diags,
                    "ticket_no",
                    format!("ticket {ticket} is marked twice: {first_file}:{first_line} marked it first"),
                );
                return;
            }
            marked.insert(k, (file.clone(), row.line));
            seats[k].mark = mark;
        });
    }
    if diags.has_errors() {
        return Err(Error::Marks(diags));
    }
    // carried over: the deferred with their reason, then the absent
    let by_id: BTreeMap<&str, usize> = case
        .candidates()
        .iter()
        .enumerate()
        .map(|(k, c)| (c.candidate_id.as_str(), k))
        .collect();
    let mut carried: Vec<(usize, String)> = deferred
        .unwrap_or_default()
        .iter()
        .filter_map(|(_, d)| {
            let k = *by_id.get(d.candidate_id.as_str())?;
            Some((k, format!("缓考：{}", d.reason)))
        })
        .collect();
    carried.extend(
        seats
            .iter()
            .filter(|s| s.mark == Mark::Absent)
            .filter_map(|s| {
                let k = *by_id.get(s.candidate_id.as_str())?;
                Some((k, format!("缺考（准考证号 {}）", s.ticket_no)))
            }),
    );
    carried.sort_by(|a, b| {
        case.candidates()[a.0]
            .candidate_id
            .cmp(&case.candidates()[b.0].candidate_id)
    });
    Ok(Attendance { seats, carried })
}

/// Counts of one institution or paper.
#[derive(Default, Clone, Copy)]
struct Tally {
    expected: u64,
    present: u64,
    absent: u64,
    misconduct: u64,
    unmarked: u64,
}

impl Tally {
    fn add(&mut self, mark: Mark) {
        self.expected += 1;
        match mark {
            Mark::Present => self.present += 1,
            Mark::Absent => self.absent += 1,
            Mark::Misconduct => self.misconduct += 1,
            Mark::Unmarked => self.unmarked += 1,
        }
    }

    /// Came (到考 or 违纪) out of those expected.
    fn rate(&self) -> f64 {
        (self.present + self.misconduct) as f64 / self.expected.max(1) as f64
    }

    fn cells(&self) -> [String; 6] {
        [
            self.expected.to_string(),
            self.present.to_string(),
            self.absent.to_string(),
            self.misconduct.to_string(),
            self.unmarked.to_string(),
            format!("{:.4}", self.rate()),
        ]
    }
}

const TALLY: [&str; 6] = [
    "expected",
    "present",
    "absent",
    "misconduct",
    "unmarked",
    "rate",
];

impl Attendance {
    /// Marks counted: (present, absent, misconduct, unmarked).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let n = |m: Mark| self.seats.iter().filter(|s| s.mark == m).count();
        (
            n(Mark::Present),
            n(Mark::Absent),
            n(Mark::Misconduct),
            n(Mark::Unmarked),
        )
    }

    /// Registrations carried over to next quarter.
    pub fn carried(&self) -> usize {
        self.carried.len()
    }

    fn attendance_csv(&self) -> Vec<u8> {
        let mut w = crate::csv_out::Writer::from_writer(Vec::new());
        w.write_record([
            "ticket_no",
            "candidate_id",
            "institution_id",
            "room_id",
            "date",
            "start",
            "paper",
            "status",
        ])
        .expect("memory");
        for s in &self.seats {
            w.write_record([
                &s.ticket_no,
                &s.candidate_id,
                &s.institution_id,
                &s.room_id,
                &s.date,
                &s.start,
                &s.paper,
                s.mark.label(),
            ])
            .expect("memory");
        }
        w.into_inner().expect("memory")
    }

    fn carry_over_csv(&self, case: &Case) -> Vec<u8> {
        let mut w = crate::csv_out::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = columns::CANDIDATES.to_vec();
        header.push("carried_reason");
        w.write_record(&header).expect("memory");
        for (k, why) in &self.carried {
            let c = &case.candidates()[*k];
            let occupation = &case.occupations[c.occupation];
            let registered = c
                .institution
                .map(|i| case.institutions[i].id.clone())
                .unwrap_or_default();
            w.write_record([
                c.candidate_id.as_str(),
                &c.name,
                &c.id_number,
                &case.prefectures[c.prefecture].name,
                &occupation.name,
                &occupation.work_type,
                &c.level.to_string(),
                &registered,
                why,
            ])
            .expect("memory");
        }
        w.into_inner().expect("memory")
    }

    /// Tallies by institution and by paper, in name order.
    fn tallies(&self) -> (BTreeMap<(&str, &str), Tally>, BTreeMap<&str, Tally>) {
        let mut by_institution: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
        let mut by_paper: BTreeMap<&str, Tally> = BTreeMap::new();
        for s in &self.seats {
            by_institution
                .entry((&s.institution_id, &s.institution))
                .or_default()
                .add(s.mark);
            by_paper.entry(&s.paper).or_default().add(s.mark);
        }
        (by_institution, by_paper)
    }

    fn workbook(&self, case: &Case) -> std::io::Result<Vec<u8>> {
        let (by_institution, by_paper) = self.tallies();
        let table = |head: &[&str], rows: Vec<Vec<String>>| {
            let mut w = crate::csv_out::Writer::from_writer(Vec::new());
            w.write_record(head).expect("memory");
            for r in rows {
                w.write_record(&r).expect("memory");
            }
            w.into_inner().expect("memory")
        };
        let mut head = vec!["institution_id", "institution"];
        head.extend(TALLY);
        let institutions = table(
            &head,
            by_institution
                .iter()
                .map(|((id, name), t)| {
                    let mut r = vec![id.to_string(), name.to_string()];
                    r.extend(t.cells());
                    r
                })
                .collect(),
        );
        let mut head = vec!["paper"];
        head.extend(TALLY);
        let papers = table(
            &head,
            by_paper
                .iter()
                .map(|(paper, t)| {
                    let mut r = vec![paper.to_string()];
                    r.extend(t.cells());
                    r
                })
                .collect(),
        );
        let absent = table(
            &[
                "institution_id",
                "institution",
                "room_id",
                "date",
                "start",
                "ticket_no",
                "candidate_id",
                "name",
                "masked_id",
                "paper",
            ],
            self.seats
                .iter()
                .filter(|s| s.mark == Mark::Absent)
                .map(|s| {
                    vec![
                        s.institution_id.clone(),
                        s.institution.clone(),
                        s.room_id.clone(),
                        s.date.clone(),
                        s.start.clone(),
                        s.ticket_no.clone(),
                        s.candidate_id.clone(),
                        s.name.clone(),
                        crate::privacy::mask_id(&s.id_number),
                        s.paper.clone(),
                    ]
                })
                .collect(),
        );
        crate::output::sheets::tables_workbook(
            case.quarter.first_day(),
            &[
                ("attendance_by_institution.csv", institutions),
                ("attendance_by_paper.csv", papers),
                ("absent.csv", absent),
            ],
        )
    }

    fn page(&self, case: &Case) -> String {
        use crate::output::report::{bars, count, figure, page};
        use maud::html;
        let (by_institution, by_paper) = self.tallies();
        let (present, absent, misconduct, unmarked) = self.counts();
        let rate = |t: &Tally| (t.rate(), format!("{:.1} %", t.rate() * 100.0));
        let institutions: Vec<(String, f64, String)> = by_institution
            .iter()
            .map(|((id, name), t)| {
                let (r, text) = rate(t);
                (format!("{name}（{id}）"), r, text)
            })
            .collect();
        let papers: Vec<(String, f64, String)> = by_paper
            .iter()
            .map(|(paper, t)| {
                let (r, text) = rate(t);
                (paper.to_string(), r, text)
            })
            .collect();
        let body = html! {
            section #headline {
                h1 { "考试情况：" (case.name) }
                div.figures {
                    (figure("expected", "应考", count(self.seats.len() as u64), None))
                    (figure("present", "到考", count(present as u64), None))
                    (figure("absent", "缺考", count(absent as u64), None))
                    (figure("misconduct", "违纪", count(misconduct as u64), None))
                    (figure("unmarked", "未登记", count(unmarked as u64), None))
                    (figure("carried", "转入下季度", count(self.carried.len() as u64), None))
                }
            }
            section #by-institution {
                h2 { "到考率（按机构）" }
                (bars(&institutions, "good"))
            }
            section #by-paper {
                h2 { "到考率（按科目）" }
                (bars(&papers, "good"))
            }
            p.note { "到考率 = （到考 + 违纪）/ 应考。缺考名单见 attendance.xlsx；缺考与缓考的报名见 carry_over.csv，可作为下季度 candidates.csv。" }
        };
        page(&format!("{} 考试情况", case.name), body)
    }

    /// Writes attendance.csv, carry_over.csv, attendance.xlsx and report.html into `out`, all
    /// or nothing.
    pub fn write(&self, case: &Case, out: &Path) -> std::io::Result<()> {
        let staging = crate::output::staging::Staging::new(out)?;
        staging.add_bytes("attendance.csv", &self.attendance_csv())?;
        staging.add_bytes("carry_over.csv", &self.carry_over_csv(case))?;
        staging.add_bytes("attendance.xlsx", &self.workbook(case)?)?;
        staging.add_bytes("report.html", self.page(case).as_bytes())?;
        staging.commit(&FILES)
    }
}

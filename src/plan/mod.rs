//! The plan: its rows and the bytes of the plan folder's files.
//!
//! Every table is a row type deriving `Serialize`; its header is derived from the same type
//! ([`header_of`]), so a column list can never drift from the rows under it. Writing the
//! folder all-or-nothing is [`crate::output::staging`]'s job.

pub mod assemble;
pub mod deal;
pub mod folder;
pub mod summary;
pub mod ticket;

use serde::{Deserialize, Serialize};
use summary::PlanStats;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TimetableRow {
    pub occupation_code: String,
    pub occupation: String,
    pub work_type: String,
    pub level: u8,
    pub date: String,
    pub start: String,
    pub end: String,
    pub candidates: u32,
    pub institutions: u32,
    pub rooms: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AllocationRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub room_id: String,
    pub occupation_code: String,
    pub work_type: String,
    pub level: u8,
    pub home_prefecture: String,
    pub candidates: u32,
}

/// seats.csv, rendered while the seats are dealt (a million rows are cheaper written once than
/// kept as rows and written later): the body without its header, in pieces (one per site, in
/// order). It is written piece by piece, never joined in memory.
#[derive(Debug, Clone, Default)]
pub struct SeatsCsv {
    pub pieces: Vec<Vec<u8>>,
}

impl SeatsCsv {
    /// Writes the file: its header line, then the pieces in order.
    pub fn write(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&header_of::<SeatRow>())?;
        for piece in &self.pieces {
            w.write_all(piece)?;
        }
        Ok(())
    }
}

/// One row of seats.csv, borrowing its text from the case (a million rows are rendered
/// straight from it). The field order is the file's column order: the header comes from it
/// (`header_of`), and [`SeatRow::write`] writes the fields in the same order (a test checks it
/// against serde's rendering).
#[derive(Debug, Default, Serialize)]
pub struct SeatRow<'a> {
    pub ticket_no: &'a str,
    pub candidate_id: &'a str,
    pub name: &'a str,
    pub id_number: &'a str,
    pub home_prefecture: &'a str,
    pub occupation_code: &'a str,
    pub occupation: &'a str,
    pub work_type: &'a str,
    pub level: u8,
    pub date: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub venue_prefecture: &'a str,
    pub institution_id: &'a str,
    pub institution: &'a str,
    pub room_id: &'a str,
    pub seat: u32,
}

impl SeatRow<'_> {
    /// Writes the row: serde's rendering of the same row, without its per-field overhead
    /// (BENCHMARKS.md, "Why the code is as it is": seats.csv), every cell formula-safe
    /// ([`crate::csv_out::neutral`]).
    pub fn write<W: std::io::Write>(&self, w: &mut csv::Writer<W>) -> csv::Result<()> {
        let mut level = itoa::Buffer::new();
        let mut seat = itoa::Buffer::new();
        let n = crate::csv_out::neutral;
        w.write_record([
            n(self.ticket_no.as_bytes()),
            n(self.candidate_id.as_bytes()),
            n(self.name.as_bytes()),
            n(self.id_number.as_bytes()),
            n(self.home_prefecture.as_bytes()),
            n(self.occupation_code.as_bytes()),
            n(self.occupation.as_bytes()),
            n(self.work_type.as_bytes()),
            n(level.format(self.level).as_bytes()),
            n(self.date.as_bytes()),
            n(self.start.as_bytes()),
            n(self.end.as_bytes()),
            n(self.venue_prefecture.as_bytes()),
            n(self.institution_id.as_bytes()),
            n(self.institution.as_bytes()),
            n(self.room_id.as_bytes()),
            n(seat.format(self.seat).as_bytes()),
        ])
    }
}

/// A deferred registration (candidate mode) or count (demand mode).
#[derive(Debug, Clone)]
pub struct DeferredRow {
    pub candidate_id: Option<String>,
    pub home_prefecture: String,
    pub occupation_code: String,
    pub work_type: String,
    pub level: u8,
    pub candidates: u32,
    /// Why, in Chinese, for the people who read it.
    pub reason: String,
    /// Why, as a stable ASCII code for scripts ([`crate::words::reason_code`]).
    pub reason_code: &'static str,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoomRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub room_id: String,
    pub seats: u32,
    pub seated: u32,
    pub invigilators: u32,
}

/// A row of deferred.csv for a registration.
#[derive(Debug, Default, Serialize)]
struct DeferredRegistration<'a> {
    candidate_id: &'a str,
    home_prefecture: &'a str,
    occupation_code: &'a str,
    work_type: &'a str,
    level: u8,
    reason: &'a str,
    reason_code: &'a str,
}

/// A row of deferred.csv for a forecast count (a case with demand.csv only).
#[derive(Debug, Default, Serialize)]
struct DeferredCount<'a> {
    home_prefecture: &'a str,
    occupation_code: &'a str,
    work_type: &'a str,
    level: u8,
    candidates: u32,
    reason: &'a str,
    reason_code: &'a str,
}

/// One change of a replan as the offices read it: changes.xlsx and each affected institution's
/// 变更通知 sheet. Every field is text ready to print; the ID number is masked.
#[derive(Debug, Clone, Default)]
pub struct Notice {
    pub candidate_id: String,
    pub name: String,
    pub masked_id: String,
    /// The change in words (调换考场 …).
    pub change: String,
    pub old_ticket_no: String,
    pub new_ticket_no: String,
    /// "2026-08-15 08:30–12:30", or empty.
    pub old_time: String,
    pub new_time: String,
    pub old_institution_id: String,
    pub new_institution_id: String,
    /// The institution's name (its id when it has left the case).
    pub old_institution: String,
    pub new_institution: String,
    pub old_room: String,
    pub new_room: String,
    pub old_seat: String,
    pub new_seat: String,
    pub reason: String,
}

/// Everything a plan folder holds but its summary.
#[derive(Debug, Clone)]
pub struct Plan {
    pub timetable: Vec<TimetableRow>,
    pub allocation: Vec<AllocationRow>,
    /// `None` when the case has only a demand forecast.
    pub seats: Option<SeatsCsv>,
    pub deferred: Vec<DeferredRow>,
    pub rooms: Vec<RoomRow>,
}

/// The header line of the table whose rows are `T`, from `T`'s own field names.
pub fn header_of<T: Serialize + Default>() -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(T::default()).expect("writing to memory");
    let bytes = w.into_inner().expect("writing to memory");
    let end = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
    bytes[..end].to_vec()
}

/// A table's bytes: the header of `T`, then each row (a `T` or a reference to one), every
/// text cell formula-safe ([`crate::csv_out`]).
pub fn csv_bytes<T: Serialize + Default, R: Serialize>(
    rows: impl IntoIterator<Item = R>,
) -> Vec<u8> {
    let mut w = crate::csv_out::Writer::from_writer(header_of::<T>());
    for r in rows {
        w.serialize(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

impl Plan {
    /// The plan's files as (name, bytes), in a fixed order — all but seats.csv, which
    /// `SeatsCsv::write` writes straight from its pieces.
    pub fn files(&self, stats: &PlanStats) -> Vec<(&'static str, Vec<u8>)> {
        let deferred = if self.seats.is_some() {
            csv_bytes::<DeferredRegistration, _>(self.deferred.iter().map(|d| {
                DeferredRegistration {
                    candidate_id: d.candidate_id.as_deref().unwrap_or(""),
                    home_prefecture: &d.home_prefecture,
                    occupation_code: &d.occupation_code,
                    work_type: &d.work_type,
                    level: d.level,
                    reason: &d.reason,
                    reason_code: d.reason_code,
                }
            }))
        } else {
            csv_bytes::<DeferredCount, _>(self.deferred.iter().map(|d| DeferredCount {
                home_prefecture: &d.home_prefecture,
                occupation_code: &d.occupation_code,
                work_type: &d.work_type,
                level: d.level,
                candidates: d.candidates,
                reason: &d.reason,
                reason_code: d.reason_code,
            }))
        };
        vec![
            (
                "timetable.csv",
                csv_bytes::<TimetableRow, _>(&self.timetable),
            ),
            (
                "allocation.csv",
                csv_bytes::<AllocationRow, _>(&self.allocation),
            ),
            ("deferred.csv", deferred),
            ("rooms.csv", csv_bytes::<RoomRow, _>(&self.rooms)),
            ("summary.json", stats.to_json()),
        ]
    }
}

/// Every name a plan folder may hold: an existing folder holding only these is replaced.
pub const PLAN_FILES: [&str; 11] = [
    "timetable.csv",
    "allocation.csv",
    "seats.csv",
    "deferred.csv",
    "rooms.csv",
    "summary.json",
    "plan.xlsx",
    "report.html",
    "institutions",
    "changes.csv",
    "changes.xlsx",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_row_is_written_as_serde_writes_it() {
        let row = SeatRow {
            ticket_no: "20263430100010101001",
            candidate_id: "C1",
            name: "张三, \"小名\"",
            id_number: "11010519491231002X",
            home_prefecture: "长沙市",
            occupation_code: "4-07-05-02",
            occupation: "健康管理师",
            work_type: "",
            level: 3,
            date: "2026-08-15",
            start: "08:30",
            end: "12:30",
            venue_prefecture: "长沙市",
            institution_id: "I1",
            institution: "一号",
            room_id: "R1",
            seat: 17,
        };
        let mut by_serde = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        by_serde.serialize(&row).unwrap();
        let mut by_hand = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        row.write(&mut by_hand).unwrap();
        assert_eq!(
            by_hand.into_inner().unwrap(),
            by_serde.into_inner().unwrap()
        );
        let header = String::from_utf8(header_of::<SeatRow>()).unwrap();
        assert!(header.starts_with("ticket_no,candidate_id,name,id_number,home_prefecture,"));
        assert!(header.ends_with(",institution_id,institution,room_id,seat\n"));
    }
}

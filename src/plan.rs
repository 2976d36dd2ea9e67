//! The plan: its rows, its summary, and writing the plan folder all-or-nothing.
//!
//! Files are first written into a hidden staging folder beside the target; only when every
//! file is complete (and `plan` has verified them) are they renamed into place. A failed or
//! interrupted run therefore never leaves a half-written plan.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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
        w.write_all(&header_line(&SEAT_COLUMNS))?;
        for piece in &self.pieces {
            w.write_all(piece)?;
        }
        Ok(())
    }
}

/// The columns of seats.csv, in order.
pub const SEAT_COLUMNS: [&str; 17] = [
    "ticket_no",
    "candidate_id",
    "name",
    "id_number",
    "home_prefecture",
    "occupation_code",
    "occupation",
    "work_type",
    "level",
    "date",
    "start",
    "end",
    "venue_prefecture",
    "institution_id",
    "institution",
    "room_id",
    "seat",
];

/// A deferred registration (candidate mode) or count (demand mode).
#[derive(Debug, Clone)]
pub struct DeferredRow {
    pub candidate_id: Option<String>,
    pub home_prefecture: String,
    pub occupation_code: String,
    pub work_type: String,
    pub level: u8,
    pub candidates: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoomRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub room_id: String,
    pub seats: u32,
    pub seated: u32,
    pub invigilators: u32,
}

/// Everything a plan folder holds.
#[derive(Debug, Clone)]
pub struct Plan {
    pub timetable: Vec<TimetableRow>,
    pub allocation: Vec<AllocationRow>,
    /// `None` when the case has only a demand forecast.
    pub seats: Option<SeatsCsv>,
    pub deferred: Vec<DeferredRow>,
    pub rooms: Vec<RoomRow>,
    pub summary: serde_json::Value,
}

/// A CSV header line.
fn header_line(header: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

fn csv_bytes<T: Serialize>(rows: &[T], header: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(header_line(header));
    for r in rows {
        w.serialize(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

impl Plan {
    /// The plan's files as (name, bytes), in a fixed order — all but seats.csv, which
    /// `SeatsCsv::write` writes straight from its pieces.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut files = vec![
            (
                "timetable.csv",
                csv_bytes(
                    &self.timetable,
                    &[
                        "occupation_code",
                        "occupation",
                        "work_type",
                        "level",
                        "date",
                        "start",
                        "end",
                        "candidates",
                        "institutions",
                        "rooms",
                    ],
                ),
            ),
            (
                "allocation.csv",
                csv_bytes(
                    &self.allocation,
                    &[
                        "date",
                        "start",
                        "institution_id",
                        "room_id",
                        "occupation_code",
                        "work_type",
                        "level",
                        "home_prefecture",
                        "candidates",
                    ],
                ),
            ),
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        if self.seats.is_some() {
            w.write_record([
                "candidate_id",
                "home_prefecture",
                "occupation_code",
                "work_type",
                "level",
                "reason",
            ])
            .expect("memory");
            for d in &self.deferred {
                let level = d.level.to_string();
                w.write_record([
                    d.candidate_id.as_deref().unwrap_or(""),
                    &d.home_prefecture,
                    &d.occupation_code,
                    &d.work_type,
                    &level,
                    &d.reason,
                ])
                .expect("memory");
            }
        } else {
            w.write_record([
                "home_prefecture",
                "occupation_code",
                "work_type",
                "level",
                "candidates",
                "reason",
            ])
            .expect("memory");
            for d in &self.deferred {
                let (level, n) = (d.level.to_string(), d.candidates.to_string());
                w.write_record([
                    &d.home_prefecture,
                    &d.occupation_code,
                    &d.work_type,
                    &level,
                    &n,
                    &d.reason,
                ])
                .expect("memory");
            }
        }
        files.push(("deferred.csv", w.into_inner().expect("memory")));
        files.push((
            "rooms.csv",
            csv_bytes(
                &self.rooms,
                &[
                    "date",
                    "start",
                    "institution_id",
                    "room_id",
                    "seats",
                    "seated",
                    "invigilators",
                ],
            ),
        ));
        let mut json = serde_json::to_vec_pretty(&self.summary).expect("json");
        json.push(b'\n');
        files.push(("summary.json", json));
        files
    }
}

/// Every file name a plan folder may hold (stale ones are removed when a plan replaces another).
pub const PLAN_FILES: [&str; 6] = [
    "timetable.csv",
    "allocation.csv",
    "seats.csv",
    "deferred.csv",
    "rooms.csv",
    "summary.json",
];

/// A staging folder beside `out` holding complete files, not yet in place.
pub struct Staged {
    pub dir: PathBuf,
    out: PathBuf,
    names: Vec<String>,
}

/// Writes `files` into a fresh staging folder beside `out`.
pub fn stage(out: &Path, files: &[(&str, Vec<u8>)]) -> std::io::Result<Staged> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "plan".into());
    let dir = parent.join(format!(".{base}.staging-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir(&dir)?;
    let mut staged = Staged {
        dir,
        out: out.to_path_buf(),
        names: Vec::new(),
    };
    for (name, bytes) in files {
        if let Err(e) = staged.add(name, |f| std::io::Write::write_all(f, bytes)) {
            staged.discard();
            return Err(e);
        }
    }
    Ok(staged)
}

impl Staged {
    /// Moves the staged files into place: the whole folder when `out` is new, else file by file
    /// (each rename atomic), removing plan files of an earlier run that this plan does not have.
    pub fn commit(self, known: &[&str]) -> std::io::Result<()> {
        if !self.out.exists() {
            std::fs::rename(&self.dir, &self.out)?;
            return Ok(());
        }
        for name in &self.names {
            std::fs::rename(self.dir.join(name), self.out.join(name))?;
        }
        for stale in known.iter().filter(|k| !self.names.iter().any(|n| n == *k)) {
            let p = self.out.join(stale);
            if p.exists() {
                std::fs::remove_file(p)?;
            }
        }
        std::fs::remove_dir_all(&self.dir)
    }

    /// Adds a file that `write` writes into the staging folder.
    pub fn add(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut file = std::fs::File::create(self.dir.join(name))?;
        write(&mut file)?;
        self.names.push(name.to_string());
        Ok(())
    }

    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! The case: one quarter's input, read from a case folder into plain domain values.
//!
//! `load` reads every file, resolves names to indices (prefectures, occupations, institutions)
//! and collects every problem as a positioned diagnostic. Later stages borrow these values and
//! refer to them by index; nothing after this module parses text.

mod institution;
mod levels;

pub use institution::*;
pub use levels::*;

pub mod checks;
pub mod columns;
mod load;
pub mod published;
mod rules;
pub mod table;

pub use load::load;
pub(crate) use load::{load_quiet, Names};
pub use rules::{road_km, ticket};

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Deserialize;
use std::path::PathBuf;

/// The rules the plan obeys, from `case.toml`'s `[policy]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub max_travel_km: f64,
    pub road_factor: f64,
    pub candidates_per_invigilator: u32,
    pub min_invigilators_per_room: u32,
    pub sittings_per_paper: u32,
    pub keep_registered_institution: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_travel_km: 250.0,
            road_factor: 1.3,
            candidates_per_invigilator: 15,
            min_invigilators_per_room: 2,
            sittings_per_paper: 1,
            keep_registered_institution: true,
        }
    }
}

impl Policy {
    /// Invigilators a room needs for `seated` candidates (0 when the room stays closed).
    pub fn invigilators_for(&self, seated: u32) -> u32 {
        if seated == 0 {
            0
        } else {
            self.min_invigilators_per_room
                .max(seated.div_ceil(self.candidates_per_invigilator.max(1)))
        }
    }
}

/// A calendar quarter such as 2026Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, q) = text.trim().split_once(['Q', 'q'])?;
        let year: i32 = year.parse().ok()?;
        let q: u32 = q.parse().ok()?;
        ((1..=4).contains(&q) && (2000..=2999).contains(&year)).then_some(Quarter { year, q })
    }

    pub fn containing(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            q: date.month0() / 3 + 1,
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("valid quarter")
    }

    /// `20263` for 2026Q3: the first digits of every ticket number.
    pub fn digits(&self) -> String {
        format!("{:04}{}", self.year, self.q)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

#[derive(Debug, Clone)]
pub struct Prefecture {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// One row of occupations.csv: an occupation, or one work type of it.
#[derive(Debug, Clone)]
pub struct Occupation {
    pub code: String,
    pub name: String,
    /// Empty when the occupation has no work types.
    pub work_type: String,
    pub levels: Vec<u8>,
    pub aliases: Vec<String>,
    pub theory_minutes: u32,
    pub skill_minutes: u32,
}

impl Occupation {
    pub fn exam_minutes(&self) -> u32 {
        self.theory_minutes + self.skill_minutes
    }

    /// `健康管理师` or `互联网营销师（直播销售员）` for messages.
    pub fn label(&self) -> String {
        if self.work_type.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.work_type)
        }
    }
}

/// One unified exam slot the centre opened this quarter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Session {
    pub fn minutes(&self) -> u32 {
        (self.end - self.start).num_minutes().max(0) as u32
    }
}

#[derive(Debug, Clone)]
pub struct Holiday {
    pub date: NaiveDate,
    /// `true` for a day off, `false` for a make-up workday.
    pub off: bool,
}

/// One registration (a person with two papers has two).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub candidate_id: String,
    pub name: String,
    pub id_number: String,
    pub prefecture: usize,
    pub occupation: usize,
    pub level: u8,
    pub institution: Option<usize>,
    pub line: u64,
}

impl Candidate {
    pub fn paper(&self) -> Paper {
        Paper {
            occupation: self.occupation,
            level: self.level,
        }
    }
}

/// One row of demand.csv: a forecast count for one home prefecture and paper.
#[derive(Debug, Clone)]
pub struct DemandRow {
    pub prefecture: usize,
    pub occupation: usize,
    pub level: u8,
    pub candidates: u32,
}

/// One unified exam: an occupation row (occupation × work type) at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Paper {
    pub occupation: usize,
    pub level: u8,
}

/// Where the registrations come from: named candidates, or a forecast of counts.
#[derive(Debug, Clone)]
pub enum Registrations {
    Candidates(Vec<Candidate>),
    Demand(Vec<DemandRow>),
}

/// Everything one quarter's plan needs, resolved to indices.
#[derive(Debug, Clone)]
pub struct Case {
    pub dir: PathBuf,
    /// Each table's file as found (`candidates.csv` or `candidates.xlsx`), for diagnostics.
    pub files: table::Folder,
    pub name: String,
    pub quarter: Quarter,
    pub policy: Policy,
    pub prefectures: Vec<Prefecture>,
    /// Road km between prefecture seats, `[from][to]`.
    pub road_km: Vec<Vec<f64>>,
    pub occupations: Vec<Occupation>,
    pub institutions: Vec<Institution>,
    pub rooms: Vec<Room>,
    pub assessments: Vec<Assessment>,
    /// `None` without materials.csv: materials were not checked.
    pub materials: Option<Vec<Material>>,
    /// `None` without experts.csv (needed by `panels` and `spot-check` only).
    pub experts: Option<Vec<Expert>>,
    /// `None` without staff.csv (exam day: rosters).
    pub staff: Option<Vec<StaffMember>>,
    /// `None` without supervisors.csv (exam day: dispatch).
    pub supervisors: Option<Vec<Supervisor>>,
    pub filings: Vec<Filing>,
    pub sessions: Vec<Session>,
    pub holidays: Vec<Holiday>,
    pub registrations: Registrations,
}

impl Case {
    pub fn has_candidates(&self) -> bool {
        matches!(self.registrations, Registrations::Candidates(_))
    }

    /// Registrations, or forecast candidates with only a demand.csv.
    pub fn registration_count(&self) -> u64 {
        match &self.registrations {
            Registrations::Candidates(c) => c.len() as u64,
            Registrations::Demand(d) => d.iter().map(|r| u64::from(r.candidates)).sum(),
        }
    }

    pub fn candidates(&self) -> &[Candidate] {
        match &self.registrations {
            Registrations::Candidates(c) => c,
            Registrations::Demand(_) => &[],
        }
    }

    /// `企业人力资源管理师 三级` for messages.
    pub fn paper_label(&self, paper: Paper) -> String {
        format!(
            "{} {}",
            self.occupations[paper.occupation].label(),
            level_name(paper.level)
        )
    }
}

/// Great-circle distance in km between two points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6371.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_names_lists_and_ranges() {
        assert_eq!(parse_level("高级工"), Some(3));
        assert_eq!(parse_level("三级"), Some(3));
        assert_eq!(parse_level("技师"), Some(2));
        assert_eq!(parse_level("6"), None);
        assert_eq!(parse_levels("5-3").unwrap(), vec![5, 4, 3]);
        assert_eq!(parse_levels("3-5").unwrap(), vec![5, 4, 3]);
        assert_eq!(parse_levels("4|3|2|1").unwrap(), vec![4, 3, 2, 1]);
        assert!(parse_levels("4|x").is_err());
    }

    #[test]
    fn quarter_first_day_and_digits() {
        let q = Quarter::parse("2026Q3").unwrap();
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.digits(), "20263");
        assert!(Quarter::parse("2026Q5").is_none());
    }

    #[test]
    fn changsha_to_jishou_is_about_313_km() {
        let d = haversine_km(28.228, 112.939, 28.314, 109.739);
        assert!((d - 313.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn invigilators_follow_the_policy() {
        let p = Policy::default();
        assert_eq!(p.invigilators_for(0), 0);
        assert_eq!(p.invigilators_for(1), 2);
        assert_eq!(p.invigilators_for(31), 3);
        assert_eq!(p.invigilators_for(200), 14);
    }
}

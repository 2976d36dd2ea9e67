//! Exam day: the published plan's rooms get their people and papers.
//!
//! [`sittings`] reads what the plan opened; [`roster`] puts the institutions' staff in place by
//! integer programs (HiGHS, in [`crate::solve::roster`]); [`dispatch`] draws a quality
//! supervisor for every site from the seed; [`check`] re-checks the rows against every rule
//! before anything is written; [`papers`] prints the sign-in sheets, room records and
//! supervision records. The folder is written all or nothing, as a plan is.

pub mod check;
pub mod dispatch;
pub mod papers;
pub mod roster;
pub mod sittings;

use crate::case::{Case, Role};
use crate::output::staging::Staging;
use dispatch::Dispatch;
use roster::{Duty, Figure, Roster};
use serde::{Deserialize, Serialize};
use sittings::Day;
use std::path::Path;

/// Every top-level name `exam-day --out` writes.
pub const FILES: [&str; 6] = [
    "roster.csv",
    "shortfall.csv",
    "dispatch.csv",
    "summary.json",
    "exam-day",
    "supervision",
];

/// shortfall.csv's role for a site nobody could be dispatched to.
pub const SUPERVISOR_ROLE: &str = "质量督导员";

/// A roster.csv row: one person at one place and slot (no room for 主考 and 巡考).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub room_id: String,
    pub staff_id: String,
    pub name: String,
    pub role: String,
}

/// A shortfall.csv row: people missing at a site and slot, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortfallRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub role: String,
    pub missing: u32,
}

/// A dispatch.csv row: the quality supervisor of a site at a slot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchRow {
    pub date: String,
    pub start: String,
    pub institution_id: String,
    pub institution: String,
    pub supervisor_id: String,
    pub supervisor: String,
}

/// Why exam day could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The plan folder is not the published one, or not of this case.
    #[error("the plan folder cannot be used")]
    Plan(Vec<String>),
    /// The case has no staff.csv (or staff.xlsx).
    #[error("the case has no staff.csv: the roster is made from it")]
    NoStaff,
    /// The case has no supervisors.csv (or supervisors.xlsx).
    #[error("the case has no supervisors.csv: quality supervisors are drawn from it")]
    NoSupervisors,
    /// HiGHS failed on a pool.
    #[error("the roster could not be solved: {0}")]
    Solve(#[from] crate::solve::SolveError),
    /// An input file could not be hashed.
    #[error("cannot read {path} to hash it: {message}")]
    Hash { path: String, message: String },
}

/// The day, its roster and its dispatch.
pub struct ExamDay {
    pub seed: String,
    pub day: Day,
    pub roster: Roster,
    pub dispatch: Vec<Dispatch>,
    /// `(file, SHA-256)` of every input: the case's files, then the plan's.
    pub inputs: Vec<(String, String)>,
}

/// Prepares exam day for the published plan in `plan_dir`.
pub fn prepare(case: &Case, plan_dir: &Path, seed: &str) -> Result<ExamDay, Error> {
    let staff = case.staff.as_deref().ok_or(Error::NoStaff)?;
    let supervisors = case.supervisors.as_deref().ok_or(Error::NoSupervisors)?;
    let clock = std::time::Instant::now();
    let lap = |what: &str| {
        crate::progress::trace(|| {
            format!("exam day: {what} at {:.2} s", clock.elapsed().as_secs_f64())
        })
    };
    crate::progress::stage("reading the published plan");
    let day = sittings::read(case, plan_dir).map_err(Error::Plan)?;
    lap("plan read");
    crate::progress::stage(format!("rostering {} room sittings", day.sittings.len()));
    let roster = roster::roster(case, &day, staff)?;
    lap("roster solved");
    crate::progress::stage("drawing the quality supervisors");
    let dispatch = dispatch::draw(case, &day, supervisors, seed);
    lap("supervisors drawn");
    let mut inputs = crate::filing::spot_check::input_hashes(case).map_err(|e| Error::Hash {
        path: case.dir.display().to_string(),
        message: e.to_string(),
    })?;
    for file in ["summary.json", "rooms.csv", "seats.csv"] {
        let path = plan_dir.join(file);
        let hash = crate::digest::file_sha256(&path).map_err(|e| Error::Hash {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        inputs.push((format!("plan/{file}"), hash));
    }
    Ok(ExamDay {
        seed: seed.to_string(),
        day,
        roster,
        dispatch,
        inputs,
    })
}

/// The order of the roster: slot by time, institution, site roles before rooms, room, role,
/// staff id.
pub(crate) fn duty_order(
    case: &Case,
    day: &Day,
    staff: usize,
    duty: Duty,
) -> (usize, String, Role, String) {
    let (site, room) = match duty {
        Duty::Room(r) => (day.site_of[r], day.sittings[r].room_id.clone()),
        Duty::Chief(k) | Duty::Roaming(k) => (k, String::new()),
    };
    (
        site,
        room,
        duty.role(),
        case.staff.as_deref().unwrap_or_default()[staff]
            .staff_id
            .clone(),
    )
}

impl ExamDay {
    /// A slot as the files write it.
    fn when(case: &Case, slot: usize) -> (String, String) {
        let s = &case.sessions[slot];
        (
            s.date.format("%Y-%m-%d").to_string(),
            s.start.format("%H:%M").to_string(),
        )
    }

    /// roster.csv's rows, in [`duty_order`].
    pub fn roster_rows(&self, case: &Case) -> Vec<RosterRow> {
        let staff = case.staff.as_deref().unwrap_or_default();
        let mut duties = self.roster.duties.clone();
        duties.sort_by_cached_key(|&(s, d)| duty_order(case, &self.day, s, d));
        duties
            .into_iter()
            .map(|(s, duty)| {
                let (slot, institution, room) = match duty {
                    Duty::Room(r) => {
                        let x = &self.day.sittings[r];
                        (x.slot, x.institution, x.room_id.clone())
                    }
                    Duty::Chief(k) | Duty::Roaming(k) => {
                        let x = &self.day.sites[k];
                        (x.slot, x.institution, String::new())
                    }
                };
                let (date, start) = Self::when(case, slot);
                RosterRow {
                    date,
                    start,
                    institution_id: case.institutions[institution].id.clone(),
                    room_id: room,
                    staff_id: staff[s].staff_id.clone(),
                    name: staff[s].name.clone(),
                    role: duty.role().label().to_string(),
                }
            })
            .collect()
    }

    /// shortfall.csv's rows: per site, each role that is short, and sites without a supervisor.
    pub fn shortfall_rows(&self, case: &Case) -> Vec<ShortfallRow> {
        let mut held = vec![[0u32; 3]; self.day.sites.len()];
        let mut room_held = vec![0u32; self.day.sittings.len()];
        for &(_, duty) in &self.roster.duties {
            match duty {
                Duty::Room(r) => room_held[r] += 1,
                Duty::Chief(k) => held[k][1] += 1,
                Duty::Roaming(k) => held[k][2] += 1,
            }
        }
        let undispatched: Vec<bool> = {
            let mut v = vec![false; self.day.sites.len()];
            for d in self.dispatch.iter().filter(|d| d.supervisor.is_none()) {
                v[d.site] = true;
            }
            v
        };
        let mut rows = Vec::new();
        for (k, site) in self.day.sites.iter().enumerate() {
            let (date, start) = Self::when(case, site.slot);
            let id = &case.institutions[site.institution].id;
            let invigilators_missing: u32 = site
                .rooms
                .iter()
                .map(|&r| {
                    self.day.sittings[r]
                        .invigilators
                        .saturating_sub(room_held[r])
                })
                .sum();
            let missing = [
                ("监考", invigilators_missing),
                ("主考", sittings::CHIEFS_PER_SITE.saturating_sub(held[k][1])),
                ("巡考", site.roaming_needed().saturating_sub(held[k][2])),
                (SUPERVISOR_ROLE, u32::from(undispatched[k])),
            ];
            for (role, missing) in missing.into_iter().filter(|m| m.1 > 0) {
                rows.push(ShortfallRow {
                    date: date.clone(),
                    start: start.clone(),
                    institution_id: id.clone(),
                    role: role.to_string(),
                    missing,
                });
            }
        }
        rows
    }

    /// dispatch.csv's rows, site by site.
    pub fn dispatch_rows(&self, case: &Case) -> Vec<DispatchRow> {
        let supervisors = case.supervisors.as_deref().unwrap_or_default();
        self.dispatch
            .iter()
            .filter_map(|d| {
                let v = &supervisors[d.supervisor?];
                let site = &self.day.sites[d.site];
                let (date, start) = Self::when(case, site.slot);
                let inst = &case.institutions[site.institution];
                Some(DispatchRow {
                    date,
                    start,
                    institution_id: inst.id.clone(),
                    institution: inst.name.clone(),
                    supervisor_id: v.supervisor_id.clone(),
                    supervisor: v.name.clone(),
                })
            })
            .collect()
    }

    /// Writes the exam-day folder into `out`, all or nothing, after [`check::check`] passes on
    /// the very rows written.
    pub fn write(&self, case: &Case, out: &Path) -> Result<Written, WriteError> {
        let clock = std::time::Instant::now();
        let lap = |what: &str| {
            crate::progress::trace(|| {
                format!("exam day: {what} at {:.2} s", clock.elapsed().as_secs_f64())
            })
        };
        let roster = self.roster_rows(case);
        let shortfall = self.shortfall_rows(case);
        let dispatch = self.dispatch_rows(case);
        crate::progress::stage("checking every exam-day rule");
        let violations = check::check(case, &self.day, &roster, &shortfall, &dispatch);
        lap("rows checked");
        if !violations.is_empty() {
            return Err(WriteError::Unverified(violations));
        }
        let summary = self.summary(case, &roster, &shortfall, &dispatch);
        let staging = Staging::new(out)?;
        staging.add_bytes(
            "roster.csv",
            &crate::plan::csv_bytes::<RosterRow, _>(roster.iter()),
        )?;
        staging.add_bytes(
            "shortfall.csv",
            &crate::plan::csv_bytes::<ShortfallRow, _>(shortfall.iter()),
        )?;
        staging.add_bytes(
            "dispatch.csv",
            &crate::plan::csv_bytes::<DispatchRow, _>(dispatch.iter()),
        )?;
        let mut json = serde_json::to_vec_pretty(&summary).expect("summary serialises");
        json.push(b'\n');
        staging.add_bytes("summary.json", &json)?;
        crate::progress::stage("printing the papers");
        let (institutions, supervisors) = rayon::join(
            || papers::institution_papers(case, self),
            || papers::supervision_papers(case, self),
        );
        lap("papers built");
        {
            use rayon::prelude::*;
            institutions?.par_iter().try_for_each(|(id, bytes)| {
                staging.add_bytes(&format!("exam-day/{id}.xlsx"), bytes)
            })?;
            supervisors?.par_iter().try_for_each(|(id, bytes)| {
                staging.add_bytes(&format!("supervision/{id}.xlsx"), bytes)
            })?;
        }
        lap("papers written");
        staging.commit(&FILES)?;
        Ok(Written { summary })
    }

    fn summary(
        &self,
        case: &Case,
        roster: &[RosterRow],
        shortfall: &[ShortfallRow],
        dispatch: &[DispatchRow],
    ) -> Summary {
        let pools = &self.roster.pools;
        let sum = |f: fn(&roster::PoolOutcome) -> Figure| Figure {
            value: pools.iter().map(|p| f(p).value).sum(),
            bound: pools.iter().map(|p| f(p).bound).sum(),
        };
        let max = |f: fn(&roster::PoolOutcome) -> Figure| Figure {
            value: pools.iter().map(|p| f(p).value).max().unwrap_or(0),
            bound: pools.iter().map(|p| f(p).bound).max().unwrap_or(0),
        };
        let supervisors = case.supervisors.as_deref().unwrap_or_default();
        let mut other_prefecture = 0;
        let mut repeat_visits = 0;
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.dispatch {
            let Some(v) = d.supervisor else { continue };
            let institution = self.day.sites[d.site].institution;
            if supervisors[v].prefecture != case.institutions[institution].prefecture {
                other_prefecture += 1;
            }
            if !seen.insert((v, institution)) {
                repeat_visits += 1;
            }
        }
        Summary {
            command: "exam-day",
            seed: self.seed.clone(),
            inputs: self
                .inputs
                .iter()
                .map(|(file, sha256)| Input {
                    file: file.clone(),
                    sha256: sha256.clone(),
                })
                .collect(),
            room_sittings: self.day.sittings.len(),
            sites: self.day.sites.len(),
            roster: RosterSummary {
                needed: pools.iter().map(|p| p.needed).sum(),
                rostered: roster.len(),
                pools: pools.len(),
                proven_pools: pools.iter().filter(|p| p.proven).count(),
                missing: sum(|p| p.missing),
                largest_load: max(|p| p.largest_load),
                largest_spread: max(|p| p.spread),
                repeated_pairs: sum(|p| p.repeated_pairs),
            },
            dispatch: DispatchSummary {
                sites: self.day.sites.len(),
                dispatched: dispatch.len(),
                missing: shortfall
                    .iter()
                    .filter(|s| s.role == SUPERVISOR_ROLE)
                    .count(),
                from_other_prefecture: other_prefecture,
                repeat_visits,
            },
        }
    }
}

/// What `exam-day` wrote, for the console.
pub struct Written {
    pub summary: Summary,
}

/// Why the folder was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The rows break a rule: a bug in the roster or the draw; nothing written.
    #[error("the exam-day rows break {} rule(s)", .0.len())]
    Unverified(Vec<check::Violation>),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// summary.json of an exam-day folder.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub command: &'static str,
    pub seed: String,
    pub inputs: Vec<Input>,
    pub room_sittings: usize,
    pub sites: usize,
    pub roster: RosterSummary,
    pub dispatch: DispatchSummary,
}

/// An input file and its SHA-256.
#[derive(Debug, Serialize)]
pub struct Input {
    pub file: String,
    pub sha256: String,
}

/// The roster's objectives, in the contract's order, each with a proven bound: missing and
/// repeated pairs summed over pools, loads and spreads their largest over pools.
#[derive(Debug, Serialize)]
pub struct RosterSummary {
    pub needed: u32,
    pub rostered: usize,
    pub pools: usize,
    pub proven_pools: usize,
    pub missing: Figure,
    pub largest_load: Figure,
    pub largest_spread: Figure,
    pub repeated_pairs: Figure,
}

/// The dispatch's counts.
#[derive(Debug, Serialize)]
pub struct DispatchSummary {
    pub sites: usize,
    pub dispatched: usize,
    pub missing: usize,
    pub from_other_prefecture: usize,
    pub repeat_visits: usize,
}

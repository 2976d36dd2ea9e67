//! How one scenario ended: its plan's figures, or why it has none.

use crate::case::Case;
use crate::plan::summary::{PlanStats, Status};
use crate::solve::{Settings, Solution};

/// How a scenario ended: planned (with the plan's status), or not planned and why. Written
/// as the word scenarios.csv shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ScenarioStatus {
    Planned(Status),
    /// The edits do not fit the case (unknown institution, bad value…).
    Invalid,
    /// The solver found no plan.
    Failed,
}

impl std::fmt::Display for ScenarioStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioStatus::Planned(s) => s.fmt(f),
            ScenarioStatus::Invalid => f.write_str("invalid"),
            ScenarioStatus::Failed => f.write_str("failed"),
        }
    }
}

impl ScenarioStatus {
    /// The status in Chinese, for the report and the workbook.
    pub fn words(&self) -> &'static str {
        match self {
            ScenarioStatus::Planned(s) => crate::words::status(s.as_str()),
            ScenarioStatus::Invalid => crate::words::SCENARIO_INVALID,
            ScenarioStatus::Failed => crate::words::SCENARIO_FAILED,
        }
    }
}

impl From<ScenarioStatus> for String {
    fn from(s: ScenarioStatus) -> String {
        s.to_string()
    }
}

impl TryFrom<String> for ScenarioStatus {
    type Error = String;

    fn try_from(text: String) -> Result<ScenarioStatus, String> {
        Ok(match text.as_str() {
            "optimal" => ScenarioStatus::Planned(Status::Optimal),
            "feasible" => ScenarioStatus::Planned(Status::Feasible),
            "time_limit" => ScenarioStatus::Planned(Status::TimeLimit),
            "invalid" => ScenarioStatus::Invalid,
            "failed" => ScenarioStatus::Failed,
            other => return Err(format!("unknown scenario status {other:?}")),
        })
    }
}

/// The outcome of one scenario.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub name: String,
    pub status: ScenarioStatus,
    /// Why a scenario is invalid or failed; empty otherwise.
    pub reason: String,
    /// The plan's figures, when it was planned.
    pub stats: Option<PlanStats>,
    /// Travel km unrounded (the stats round to 0.01 km).
    pub travel_km: f64,
    pub seconds: f64,
    pub deferred_by_prefecture: Vec<u64>,
    /// The part of it a prefecture can act on: capacity shortfalls and conflicts, not the
    /// registrations no plan could seat (unfiled papers, out of reach, duplicates).
    pub planning_deferred_by_prefecture: Vec<u64>,
}

impl Outcome {
    pub fn unplanned(name: &str, status: ScenarioStatus, reason: String, seconds: f64) -> Outcome {
        Outcome {
            name: name.to_string(),
            status,
            reason,
            stats: None,
            travel_km: 0.0,
            seconds,
            deferred_by_prefecture: Vec::new(),
            planning_deferred_by_prefecture: Vec::new(),
        }
    }

    pub fn planned(
        case: &Case,
        sol: &Solution,
        settings: &Settings,
        name: &str,
        seconds: f64,
    ) -> Outcome {
        let stats = PlanStats::of(case, sol, settings);
        let mut by_pref = vec![0u64; case.prefectures.len()];
        let mut planning = vec![0u64; case.prefectures.len()];
        for d in &sol.problem.fixed {
            by_pref[d.home] += u64::from(d.count);
        }
        for d in &sol.deferred {
            by_pref[d.home] += u64::from(d.count);
            planning[d.home] += u64::from(d.count);
        }
        Outcome {
            name: name.to_string(),
            status: ScenarioStatus::Planned(stats.status),
            reason: String::new(),
            stats: Some(stats),
            travel_km: sol.travel_km(),
            seconds,
            deferred_by_prefecture: by_pref,
            planning_deferred_by_prefecture: planning,
        }
    }
}

//! What a plan achieved, as typed figures: `summary.json` of `plan`, a row of `scenarios.csv`
//! of `whatif`.
//!
//! Both come from [`PlanStats::of`], which reads only the solution (flows, deferrals, stage
//! bounds), so a scenario and a plan of the same case report the same numbers, and the status
//! words (`optimal`, `feasible`, `time_limit`) mean the same thing everywhere.

use crate::case::Case;
use crate::solve::{Settings, Solution, StageResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How far a plan is known to be from the best: the contract's three words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Both objectives proven optimal, with no gap.
    Optimal,
    /// Both objectives proven, at least one only within `--gap`.
    Feasible,
    /// A stage stopped before proving its objective: at its counted work (nodes, LP
    /// iterations, search rounds) or at an explicit `--time-limit`
    /// (`settings.time_limit_reached` says which). The contract's word for both.
    TimeLimit,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::TimeLimit => "time_limit",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One objective's value, its proven bound and the relative gap between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveStats {
    pub value: f64,
    pub bound: f64,
    pub gap: f64,
    pub proven_optimal: bool,
    /// `mip`, `start met the bound` when no MIP was needed, `neighbourhood search` or `start
    /// (model too large for a whole MIP)` when the whole MIP was too large to run.
    pub solved_by: String,
}

/// A relative gap at or below this is no gap: HiGHS returns bounds a rounding error below
/// the value it proved. `status` and each `proven_optimal` use this one tolerance.
const OPTIMAL_GAP: f64 = 1e-6;

impl ObjectiveStats {
    fn of(stage: &StageResult, value: f64, published: bool) -> ObjectiveStats {
        let bound = stage.bound.min(value);
        ObjectiveStats {
            value: round2(value),
            bound: round2(bound),
            gap: round6(gap(value, bound)),
            proven_optimal: stage.proven && gap(value, bound) <= OPTIMAL_GAP,
            solved_by: if published {
                "routing on the published timetable"
            } else {
                stage.by.as_str()
            }
            .to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomsStats {
    pub value: u64,
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objectives {
    pub deferred: ObjectiveStats,
    pub travel_km: ObjectiveStats,
    pub rooms_opened: RoomsStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSeconds {
    pub stage: String,
    pub seconds: f64,
}

/// The solver settings the plan was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsUsed {
    /// The explicit `--time-limit`, if any: a default plan stops on counted work alone.
    pub time_limit_seconds: Option<f64>,
    /// Whether that time limit stopped a search or a MIP: only then may another machine give
    /// another plan from the same input and settings.
    #[serde(default)]
    pub time_limit_reached: bool,
    pub gap: f64,
    /// The counted work a plan may spend (the same on every machine).
    #[serde(default)]
    pub work: Option<WorkUsed>,
}

/// `solve::Work`, as summary.json records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkUsed {
    pub mip_nodes: i32,
    pub mip_lp_iterations: u64,
    pub search_simplex_iterations: u64,
    pub whole_mip_rows: usize,
}

/// The policy values a reader of the plan needs to interpret it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyUsed {
    pub max_travel_km: f64,
    pub sittings_per_paper: u32,
    pub keep_registered_institution: bool,
}

/// The counts summary.json adds for a replan (`replan`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeCounts {
    /// Registrations still at their previous ticket.
    pub kept: u64,
    /// Previously seated registrations now at another institution.
    pub moved_institution: u64,
    /// Previously seated registrations with another ticket (another room or seat, including
    /// those at another institution).
    pub moved_ticket: u64,
    /// Previous seats whose registration is gone (or now names another person or paper).
    pub withdrawn: u64,
    /// Registrations the previous plan had neither seated nor deferred.
    pub new: u64,
}

/// summary.json: the contract's keys first, then per-objective detail. `solve_seconds` and
/// `stage_seconds` are the only values that differ between two runs of the same input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStats {
    pub case: String,
    pub quarter: String,
    pub status: Status,
    /// Travel km, with deferred held at the deferred stage's value (see `objectives`: that
    /// value is proven fewest only when its own status says so).
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub objective_meaning: String,
    pub candidates: u64,
    pub seated: u64,
    pub deferred: u64,
    pub travel_km: f64,
    pub cross_prefecture: u64,
    pub rooms_opened: u64,
    pub slots_used: u64,
    pub slots_offered: u64,
    /// Paper sittings (rows of timetable.csv).
    pub papers: u64,
    pub invigilators: u64,
    pub solve_seconds: f64,
    pub stage_seconds: Vec<StageSeconds>,
    pub objectives: Objectives,
    pub deferred_by_reason: BTreeMap<String, u64>,
    pub settings: SettingsUsed,
    pub policy: PolicyUsed,
    /// `optimised`, or `published` when the plan sat every paper at a published slot (its
    /// objectives are then optimal given that timetable).
    pub timetable: String,
    /// Which version of the quarter's plan this is: 0 for `plan`, one more for each `replan`.
    /// The last two digits of every ticket the version dealt (docs/tickets.md).
    #[serde(default)]
    pub plan_version: u32,
    /// A replan's changes against the previous plan.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangeCounts>,
    /// The SHA-256 of every other file of the plan folder, by path: what was published, so
    /// `replan` and `verify --previous` can tell an edited folder (rule 11).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
    /// Each institution's door list, by id: the SHA-256 of what it was made from (its
    /// sittings, seats and notices, and the layout). A replan takes an earlier door list whose
    /// digest is the same instead of building it again (`output::sheets::door_lists::Earlier`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub door_lists: BTreeMap<String, String>,
}

impl PlanStats {
    /// The figures of a solved quarter. Rooms and invigilators follow from each institution's
    /// load at each slot exactly as the seat dealer lays them out.
    pub fn of(case: &Case, sol: &Solution, settings: &Settings) -> PlanStats {
        let pb = &sol.problem;
        let mut load: BTreeMap<(usize, usize), u32> = BTreeMap::new();
        let mut sittings: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut cross = 0u64;
        for f in &sol.routing.flows {
            *load.entry((f.slot, f.institution)).or_default() += f.count;
            sittings.insert((pb.groups[f.group].paper, f.slot));
            if case.institutions[f.institution].prefecture != pb.groups[f.group].home {
                cross += u64::from(f.count);
            }
        }
        let (mut rooms, mut invigilators) = (0u64, 0u64);
        for (&(_, i), &n) in &load {
            let layout = pb.venues[i]
                .layout(case, n)
                .expect("routing never exceeds an institution's capacity");
            rooms += layout.len() as u64;
            invigilators += layout.iter().map(|r| u64::from(r.2)).sum::<u64>();
        }
        let seated: u64 = load.values().map(|&n| u64::from(n)).sum();
        let slots_used: BTreeSet<usize> = load.keys().map(|k| k.0).collect();
        let deferred = sol.deferred_total();
        let travel = sol.travel_km();
        let fixed: u64 = pb.fixed.iter().map(|d| u64::from(d.count)).sum();
        let deferred_stage = StageResult {
            bound: fixed as f64 + sol.deferred_stage.bound,
            ..sol.deferred_stage
        };
        let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
        for d in pb.fixed.iter().chain(&sol.deferred) {
            *by_reason.entry(d.reason.key().to_string()).or_default() += u64::from(d.count);
        }
        let travel_bound = sol.travel_stage.bound.min(travel);
        let travel_gap = gap(travel, travel_bound);
        let objectives = Objectives {
            deferred: ObjectiveStats::of(&deferred_stage, deferred as f64, sol.published),
            travel_km: ObjectiveStats::of(&sol.travel_stage, travel, sol.published),
            rooms_opened: RoomsStats {
                value: rooms,
                scope: "fewest rooms for each institution's load at each slot, given the routing"
                    .into(),
            },
        };
        let status = if !(deferred_stage.proven && sol.travel_stage.proven) {
            Status::TimeLimit
        } else if objectives.deferred.proven_optimal && objectives.travel_km.proven_optimal {
            Status::Optimal
        } else {
            Status::Feasible
        };
        PlanStats {
            case: case.name.clone(),
            quarter: case.quarter.to_string(),
            status,
            objective: round2(travel),
            bound: round2(travel_bound),
            gap: round6(travel_gap),
            objective_meaning:
                "travel_km, with deferred held at the deferred stage's value (see objectives)"
                    .into(),
            candidates: sol.registrations,
            seated,
            deferred,
            travel_km: round2(travel),
            cross_prefecture: cross,
            rooms_opened: rooms,
            slots_used: slots_used.len() as u64,
            slots_offered: case.sessions.len() as u64,
            papers: sittings.len() as u64,
            invigilators,
            solve_seconds: round2(sol.timings.iter().map(|t| t.1).sum()),
            stage_seconds: sol
                .timings
                .iter()
                .map(|&(stage, seconds)| StageSeconds {
                    stage: stage.to_string(),
                    seconds: round2(seconds),
                })
                .collect(),
            objectives: Objectives {
                deferred: ObjectiveStats::of(&deferred_stage, deferred as f64, sol.published),
                travel_km: ObjectiveStats::of(&sol.travel_stage, travel, sol.published),
                rooms_opened: RoomsStats {
                    value: rooms,
                    scope:
                        "fewest rooms for each institution's load at each slot, given the routing"
                            .into(),
                },
            },
            deferred_by_reason: by_reason,
            settings: SettingsUsed {
                time_limit_seconds: settings.time_limit,
                time_limit_reached: sol.deferred_stage.timed_out || sol.travel_stage.timed_out,
                gap: settings.gap,
                work: Some(WorkUsed {
                    mip_nodes: settings.work.mip_nodes,
                    mip_lp_iterations: settings.work.mip_lp_iterations,
                    search_simplex_iterations: settings.work.search_iterations,
                    whole_mip_rows: settings.work.whole_mip_rows,
                }),
            },
            policy: PolicyUsed {
                max_travel_km: case.policy.max_travel_km,
                sittings_per_paper: case.policy.sittings_per_paper,
                keep_registered_institution: case.policy.keep_registered_institution,
            },
            timetable: if sol.published {
                "published"
            } else {
                "optimised"
            }
            .to_string(),
            plan_version: 0,
            changes: None,
            files: BTreeMap::new(),
            door_lists: BTreeMap::new(),
        }
    }

    /// Rooms, invigilators and slots as dealt (a replan keeps the rooms kept seats hold open,
    /// so its rooms are not the fresh layout [`PlanStats::of`] assumes).
    pub fn set_rooms(&mut self, rooms_opened: u64, invigilators: u64, slots_used: u64) {
        self.rooms_opened = rooms_opened;
        self.objectives.rooms_opened.value = rooms_opened;
        self.invigilators = invigilators;
        self.slots_used = slots_used;
    }

    /// summary.json's bytes: pretty JSON and a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(self).expect("plan figures serialise");
        json.push(b'\n');
        json
    }

    /// One paragraph for humans.
    pub fn describe(&self) -> String {
        let o = &self.objectives;
        format!(
            "{} ({}): {} of {} registrations seated, {} deferred{} ; {} papers in {} of {} slots; {} room sittings with {} invigilators; travel {:.0} km ({} candidates cross a prefecture line){}.",
            self.case,
            self.status,
            self.seated,
            self.candidates,
            self.deferred,
            if o.deferred.proven_optimal { " (proven fewest)" } else { " (not proven fewest)" },
            self.papers,
            self.slots_used,
            self.slots_offered,
            self.rooms_opened,
            self.invigilators,
            self.travel_km,
            self.cross_prefecture,
            if o.travel_km.proven_optimal {
                " (proven least)".to_string()
            } else {
                format!(", within {:.2} % of the bound", self.gap * 100.0)
            }
        )
    }
}

/// How far a scenario's change can be trusted: `exact` when both runs are proven optimal;
/// `effect` when the change of the deferred (or, with the same deferred, of the travel) lies
/// beyond both runs' gaps; `within_gap` when the true optima may not differ at all, so the
/// reported delta may be solver luck rather than the scenario's doing.
pub fn significance(base: &PlanStats, scenario: &PlanStats) -> &'static str {
    let exact = |s: &PlanStats| {
        s.objectives.deferred.proven_optimal && s.objectives.travel_km.proven_optimal
    };
    if exact(base) && exact(scenario) {
        return "exact";
    }
    // the true change lies in [scenario's bound − baseline's value, scenario's value −
    // baseline's bound]
    let excludes_zero = |vb: f64, bb: f64, vs: f64, bs: f64| bs - vb > 1e-9 || vs - bb < -1e-9;
    let (b, s) = (&base.objectives, &scenario.objectives);
    if excludes_zero(
        b.deferred.value,
        b.deferred.bound,
        s.deferred.value,
        s.deferred.bound,
    ) || excludes_zero(
        b.travel_km.value,
        b.travel_km.bound,
        s.travel_km.value,
        s.travel_km.bound,
    ) {
        "effect"
    } else {
        "within_gap"
    }
}

/// The relative gap of a minimisation: how much of `value` the bound does not yet prove.
pub fn gap(value: f64, bound: f64) -> f64 {
    if value <= 0.0 {
        0.0
    } else {
        ((value - bound) / value).max(0.0)
    }
}

/// Rounded to hundredths, never `-0.0`: a float sum of nothing is `-0.0` (a replan that solved
/// nothing wrote `"solve_seconds": -0.0`), and adding `0.0` makes it `0.0`.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

/// Rounded to millionths, never `-0.0` (see [`round2`]).
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6 + 0.0
}

#[cfg(test)]
mod tests {
    use super::{round2, round6};

    #[test]
    fn rounding_never_writes_negative_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert!(empty.is_sign_negative(), "the float sum of nothing is -0.0");
        for v in [empty, -0.001, -0.0000001] {
            assert_eq!(serde_json::to_string(&round2(v)).unwrap(), "0.0", "{v}");
        }
        assert_eq!(serde_json::to_string(&round6(-0.0000001)).unwrap(), "0.0");
        assert_eq!(round2(82.284), 82.28);
        assert_eq!(round6(-1.5e-6), -2e-6);
    }
}

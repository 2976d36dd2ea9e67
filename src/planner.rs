//! The `plan` pipeline as one call: vet → problem → solve → seat → summary.

use crate::case::Case;
use crate::plan::Plan;
use crate::solve::{self, Settings, Solution, SolveError, StageResult, Timetable};
use crate::{progress, seat, vet};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// A planned quarter: the solver's solution and the rows it becomes.
pub struct Planned {
    pub solution: Solution,
    pub plan: Plan,
}

/// Plans a case that validated without errors.
pub fn plan_case(
    case: &Case,
    settings: &Settings,
    warm: Option<&Timetable>,
) -> Result<Planned, SolveError> {
    let clock = Instant::now();
    progress::stage("grouping registrations");
    let eligible = vet::eligible(case);
    let problem = solve::problem::build(case, &eligible);
    let prepare = clock.elapsed().as_secs_f64();
    let mut solution = solve::solve(case, problem, settings, warm)?;
    solution.timings.insert(0, ("groups", prepare));
    let clock = Instant::now();
    progress::stage("dealing seats");
    let mut plan = seat::deal(case, &solution);
    solution
        .timings
        .push(("seat", clock.elapsed().as_secs_f64()));
    plan.summary = summary(case, &solution, &plan, settings);
    Ok(Planned { solution, plan })
}

fn stage_json(s: &StageResult, value: f64) -> serde_json::Value {
    let bound = s.bound.min(value);
    json!({
        "value": round2(value),
        "bound": round2(bound),
        "gap": round6(gap(value, bound)),
        "proven_optimal": s.proven && gap(value, bound) <= 1e-9,
        "solved_by": if s.mip { "mip" } else { "start met the bound" },
    })
}

fn gap(value: f64, bound: f64) -> f64 {
    if value <= 0.0 {
        0.0
    } else {
        ((value - bound) / value).max(0.0)
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// summary.json: the contract's keys first, then per-objective detail. `solve_seconds` and
/// `stage_seconds` are the only values that differ between two runs of the same input.
fn summary(case: &Case, sol: &Solution, plan: &Plan, settings: &Settings) -> serde_json::Value {
    let deferred = sol.deferred_total();
    let seated: u64 = plan.rooms.iter().map(|r| u64::from(r.seated)).sum();
    let travel = sol.travel_km();
    let cross: u64 = sol
        .routing
        .flows
        .iter()
        .filter(|f| case.institutions[f.institution].prefecture != sol.problem.groups[f.group].home)
        .map(|f| u64::from(f.count))
        .sum();
    let slots_used: BTreeSet<(&str, &str)> = plan
        .rooms
        .iter()
        .map(|r| (r.date.as_str(), r.start.as_str()))
        .collect();
    let fixed = sol
        .problem
        .fixed
        .iter()
        .map(|d| u64::from(d.count))
        .sum::<u64>();
    let deferred_bound = fixed as f64 + sol.deferred_stage.bound;
    let deferred_stage = StageResult {
        bound: deferred_bound,
        ..sol.deferred_stage
    };
    let mut by_reason: BTreeMap<&str, u64> = BTreeMap::new();
    for d in sol.problem.fixed.iter().chain(&sol.deferred) {
        let key = match d.reason {
            solve::Reason::Duplicate { .. } => "duplicate registration",
            solve::Reason::NotFiled => "no filed institution",
            solve::Reason::NoneWithinReach => "none within reach",
            solve::Reason::NoSlotLongEnough => "no slot long enough",
            solve::Reason::Conflict { .. } => "conflicting registration",
            solve::Reason::RegisteredFull { .. } => "registered institution full",
            solve::Reason::CapacityExhausted => "capacity exhausted",
        };
        *by_reason.entry(key).or_default() += u64::from(d.count);
    }
    let proven = deferred_stage.proven && sol.travel_stage.proven;
    let travel_gap = gap(travel, sol.travel_stage.bound.min(travel));
    let status = if !proven {
        "time_limit"
    } else if travel_gap > 1e-6 || gap(deferred as f64, deferred_bound) > 1e-9 {
        "feasible"
    } else {
        "optimal"
    };
    let invigilators: u64 = plan.rooms.iter().map(|r| u64::from(r.invigilators)).sum();
    json!({
        "case": case.name,
        "quarter": case.quarter.to_string(),
        "status": status,
        "objective": round2(travel),
        "bound": round2(sol.travel_stage.bound.min(travel)),
        "gap": round6(travel_gap),
        "objective_meaning": "travel_km, with deferred held at its optimum (see objectives)",
        "candidates": sol.registrations,
        "seated": seated,
        "deferred": deferred,
        "travel_km": round2(travel),
        "cross_prefecture": cross,
        "rooms_opened": plan.rooms.len(),
        "slots_used": slots_used.len(),
        "slots_offered": case.sessions.len(),
        "papers": plan.timetable.len(),
        "invigilators": invigilators,
        "solve_seconds": round2(sol.timings.iter().map(|t| t.1).sum()),
        "stage_seconds": sol.timings.iter().map(|(k, v)| json!({"stage": k, "seconds": round2(*v)})).collect::<Vec<_>>(),
        "objectives": {
            "deferred": stage_json(&deferred_stage, deferred as f64),
            "travel_km": stage_json(&sol.travel_stage, travel),
            "rooms_opened": {
                "value": plan.rooms.len(),
                "scope": "fewest rooms for each institution's load at each slot, given the routing",
            },
        },
        "deferred_by_reason": by_reason,
        "settings": {
            "time_limit_seconds": settings.time_limit,
            "gap": settings.gap,
        },
        "policy": {
            "max_travel_km": case.policy.max_travel_km,
            "sittings_per_paper": case.policy.sittings_per_paper,
            "keep_registered_institution": case.policy.keep_registered_institution,
        },
    })
}

/// One paragraph for humans from a summary.json value.
pub fn describe(s: &serde_json::Value) -> String {
    let num = |k: &str| s[k].as_f64().unwrap_or(0.0);
    let proven = |k: &str| {
        s["objectives"][k]["proven_optimal"]
            .as_bool()
            .unwrap_or(false)
    };
    format!(
        "{} ({}): {} of {} registrations seated, {} deferred{} ; {} papers in {} of {} slots; {} room sittings with {} invigilators; travel {:.0} km ({} candidates cross a prefecture line){}.",
        s["case"].as_str().unwrap_or(""),
        s["status"].as_str().unwrap_or(""),
        num("seated"),
        num("candidates"),
        num("deferred"),
        if proven("deferred") { " (proven fewest)" } else { " (not proven fewest)" },
        num("papers"),
        num("slots_used"),
        num("slots_offered"),
        num("rooms_opened"),
        num("invigilators"),
        num("travel_km"),
        num("cross_prefecture"),
        if proven("travel_km") {
            " (proven least)".to_string()
        } else {
            format!(", within {:.2} % of the bound", num("gap") * 100.0)
        }
    )
}

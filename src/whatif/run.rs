//! Running the scenarios: the baseline first, then every scenario on its own rayon worker.
//!
//! Every scenario is a full plan (timetable MIP + routing LPs) with single-threaded HiGHS, so
//! results never depend on the number of workers. A scenario starts from the baseline's
//! timetable when the edit leaves it admissible (warm start). Plans are computed on counts
//! (no seats), which is what a comparison needs.

use super::edit;
use super::outcome::{Outcome, ScenarioStatus};
use super::report::{self, Report};
use super::request::{Error, Request};
use super::scenario::{self, Prepared};
use super::shard;
use crate::case::{self, Case, Paper};
use crate::solve::{self, Problem, Timetable};
use crate::{pipeline, progress};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Each paper's slots, keyed by paper: a scenario's problem numbers its papers afresh.
fn keyed(pb: &Problem, tt: &Timetable) -> BTreeMap<Paper, Vec<usize>> {
    pb.papers
        .iter()
        .zip(tt)
        .map(|(p, s)| (*p, s.clone()))
        .collect()
}

/// Plans one scenario (or draw) on the calling worker.
fn run_one(
    base: &Case,
    names: &case::Names,
    prep: &Prepared,
    req: &Request,
    warm: Option<&BTreeMap<Paper, Vec<usize>>>,
) -> Outcome {
    let clock = Instant::now();
    let invalid =
        |reason: String| Outcome::unplanned(&prep.name, ScenarioStatus::Invalid, reason, 0.0);
    let scenario = match &prep.edit {
        Ok(s) => s,
        Err(e) => return invalid(e.clone()),
    };
    let (case, factors) = match edit::apply(base, names, scenario) {
        Ok(x) => x,
        Err(e) => return invalid(e),
    };
    let mut pb = pipeline::prepare(&case, None);
    edit::scale_demand(&case, &mut pb, &factors);
    if let Some(draw) = prep.draw {
        edit::draw_demand(&mut pb, req.seed, req.cv, draw);
    }
    let warm_tt: Option<Timetable> = warm.map(|w| {
        pb.papers
            .iter()
            .map(|p| w.get(p).cloned().unwrap_or_default())
            .collect()
    });
    match solve::solve(&case, pb, &req.settings, warm_tt.as_ref()) {
        Ok(sol) => Outcome::planned(
            &case,
            &sol,
            &req.settings,
            &prep.name,
            clock.elapsed().as_secs_f64(),
        ),
        Err(e) => Outcome::unplanned(
            &prep.name,
            ScenarioStatus::Failed,
            e.to_string(),
            clock.elapsed().as_secs_f64(),
        ),
    }
}

/// Runs every scenario and writes the comparison into `out` (all files or none); returns what
/// the command line prints.
pub fn run(case_dir: &Path, req: &Request, out: &Path) -> Result<Report, Error> {
    let wall = Instant::now();
    let (loaded, mut diags) = case::load_quiet(case_dir);
    let Some((base, names)) = loaded else {
        return Err(Error::Case(
            diags
                .items
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    };
    crate::validate::cross_check(&base, &mut diags);
    if diags.has_errors() {
        return Err(Error::Case(
            diags
                .errors()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    let mut prepared = Vec::new();
    if let Some(path) = &req.scenarios {
        prepared.extend(scenario::read_scenarios(path)?);
    }
    if let Some(sweep) = &req.sweep {
        prepared.extend(scenario::sweep(&base, sweep)?);
    }
    if req.monte_carlo.is_some() && !(req.cv >= 0.0 && req.cv.is_finite()) {
        return Err(Error::Usage(format!("--cv must be ≥ 0, got {}", req.cv)));
    }
    prepared.extend(scenario::draws(req.monte_carlo.unwrap_or(0)));

    // the baseline: its timetable warms the scenarios, its duals give capacity values
    let pb = pipeline::prepare(&base, None);
    let clock = Instant::now();
    let baseline =
        solve::solve(&base, pb, &req.settings, None).map_err(|e| Error::Baseline(e.to_string()))?;
    let base_outcome = Outcome::planned(
        &base,
        &baseline,
        &req.settings,
        "baseline",
        clock.elapsed().as_secs_f64(),
    );
    let warm = req
        .warm_start
        .then(|| keyed(&baseline.problem, &baseline.timetable));

    // the scenarios this run owns: all, or its part's
    let owned: Vec<usize> = (0..prepared.len())
        .filter(|&i| req.shard.is_none_or(|s| s.owns(i)))
        .collect();
    let counter = progress::Counter::new(owned.len(), "scenarios");
    // one scenario a task: a worker that runs out takes the next scenario, never left idle
    // while the other works through a run of them (rayon's adaptive split hands each worker
    // runs of several at once, which it cannot split again)
    let outcomes: Vec<Option<(usize, Outcome)>> = owned
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            if progress::interrupted() {
                return None;
            }
            let o = run_one(&base, &names, &prepared[i], req, warm.as_ref());
            counter.inc("scenarios");
            Some((i, o))
        })
        .collect();
    counter.finish();
    if progress::interrupted() || outcomes.iter().any(Option::is_none) {
        return Err(Error::Interrupted);
    }
    let outcomes: Vec<(usize, Outcome)> = outcomes.into_iter().flatten().collect();
    if let Some(shard) = req.shard {
        let part = shard::Part {
            format: "exam-planner what-if part 1".into(),
            case: std::fs::canonicalize(case_dir).unwrap_or_else(|_| case_dir.to_path_buf()),
            case_sha256: crate::digest::case_sha256(case_dir)?,
            scenarios_sha256: match &req.scenarios {
                Some(path) => crate::digest::file_sha256(path)?,
                None => String::new(),
            },
            options: shard::Options::of(req),
            shard,
            scenarios: prepared
                .iter()
                .map(|p| shard::Listed {
                    name: p.name.clone(),
                    draw: p.draw,
                })
                .collect(),
            baseline: base_outcome,
            seat_values: baseline.routing.seat_values.clone(),
            deferred_weight: baseline.routing.deferred_weight,
            threads: req.threads,
            wall_seconds: wall.elapsed().as_secs_f64(),
            outcomes,
        };
        let count = part.outcomes.len();
        shard::write_part(&part, out)?;
        return Ok(Report {
            story: format!(
                "part {} of {}: {count} of {} scenario(s); join the parts with `exam-planner whatif-merge`",
                shard.k,
                shard.n,
                prepared.len()
            ),
            scenarios: count,
            wall_seconds: wall.elapsed().as_secs_f64(),
        });
    }
    let results = report::Results {
        case: &base,
        base: base_outcome,
        outcomes: outcomes.into_iter().map(|(_, o)| o).collect(),
        prepared: &prepared,
        seat_values: baseline.routing.seat_values.clone(),
        deferred_weight: baseline.routing.deferred_weight,
    };
    results.write(req, wall, out)
}

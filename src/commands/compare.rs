//! `compare CASE`: exam-planner's decomposition beside the monolithic model of the same
//! problem under the same limits; prints both, writes nothing.

use super::{exit, load_case, SolveArgs};
use clap::Args;
use exam_planner::plan::summary::Status;
use exam_planner::{note, pipeline, say, solve};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(after_help = "Example:\n  exam-planner compare data/hunan --time-limit 60")]
pub struct CompareArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    #[command(flatten)]
    solve: SolveArgs,
}

pub fn run(args: CompareArgs) -> ExitCode {
    exit(compare(&args))
}

fn compare(args: &CompareArgs) -> Result<ExitCode, ExitCode> {
    let settings = args.solve.settings()?;
    let case = load_case(&args.case, "nothing compared")?.case;
    let limit = settings.time_limit.unwrap_or(solve::DEFAULT_TIME_LIMIT);
    let clock = std::time::Instant::now();
    let ours = pipeline::plan_case(&case, &settings, None, None).map_err(|e| {
        note!("exam-planner found no plan: {e}");
        ExitCode::from(3)
    })?;
    let ours_seconds = clock.elapsed().as_secs_f64();
    let s = &ours.stats;
    let problem = pipeline::prepare(&case, None);
    let mono = solve::monolithic::solve(&problem, &case, limit, settings.gap).map_err(|e| {
        note!("the monolithic model failed: {e}");
        ExitCode::from(3)
    })?;
    let opt = |v: Option<f64>| v.map_or("none".to_string(), |v| format!("{v:.0}"));
    say!("time limit {limit} s per model, gap {}", settings.gap);
    say!(
        "{:<14} {:>10} {:>10} {:>12} {:>12} {:>9} {:>9}",
        "model",
        "deferred",
        "bound",
        "travel_km",
        "bound",
        "proven",
        "seconds"
    );
    say!(
        "{:<14} {:>10} {:>10.0} {:>12} {:>12} {:>9} {:>9.2}",
        "exam-planner",
        opt(Some(s.deferred as f64)),
        s.objectives.deferred.bound,
        opt(Some(s.travel_km)),
        opt(Some(s.objectives.travel_km.bound)),
        s.status == Status::Optimal,
        ours_seconds
    );
    say!(
        "{:<14} {:>10} {:>10.0} {:>12} {:>12} {:>9} {:>9.2}",
        "monolithic",
        opt(mono.deferred),
        mono.deferred_bound,
        opt(mono.travel),
        opt(mono.travel_bound),
        mono.deferred_proven && mono.travel_proven,
        mono.seconds
    );
    Ok(ExitCode::SUCCESS)
}

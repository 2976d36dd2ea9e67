//! `whatif CASE … --out DIR`: scenarios against the baseline on rayon workers (or one part of
//! them, `--shard K/N`); `whatif-merge PARTS… --out DIR` joins the parts.

use super::{exit, guard, usage, SolveArgs};
use clap::Args;
use exam_planner::{note, progress, say, whatif};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  exam-planner whatif data/hunan --sweep add-room:240 --out sweep-2026Q3\n  exam-planner whatif data/hunan --scenarios scenarios.toml --out whatif-2026Q3\n  exam-planner whatif data/hunan --monte-carlo 200 --cv 0.2 --seed 1 --out risk-2026Q3"
)]
pub struct WhatifArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// A TOML file of [[scenario]] tables.
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// One scenario per eligible institution: `add-room:SEATS`.
    #[arg(long, value_name = "add-room:SEATS")]
    sweep: Option<String>,
    /// Demand draws around the case (Monte Carlo): each group's count drawn with --cv.
    #[arg(long, value_name = "N")]
    monte_carlo: Option<usize>,
    /// Coefficient of variation of each group's count.
    #[arg(long, value_name = "C", default_value_t = 0.2)]
    cv: f64,
    /// The draws' random seed: the same seed gives the same draws.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Do not start scenarios from the baseline's timetable.
    #[arg(long)]
    no_warm_start: bool,
    /// Run part K of N of the scenario list and write a part folder (see whatif-merge).
    /// Without it, a Slurm job array's variables choose the part.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// The number of parts of a Kubernetes Indexed Job (its completions); the part is
    /// JOB_COMPLETION_INDEX + 1.
    #[arg(long, value_name = "N")]
    shards: Option<usize>,
    #[command(flatten)]
    solve: SolveArgs,
}

#[derive(Args)]
#[command(after_help = "Example:\n  exam-planner whatif-merge runs/part-* --out whatif-2026Q3")]
pub struct MergeArgs {
    /// The part folders, in any order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// The case, when it is no longer where the parts ran.
    #[arg(long)]
    case: Option<PathBuf>,
}

pub fn run(args: WhatifArgs) -> ExitCode {
    exit(whatif(args))
}

fn whatif(args: WhatifArgs) -> Result<ExitCode, ExitCode> {
    let shard = match &args.shard {
        Some(text) => Some(whatif::Shard::parse(text).map_err(|e| usage(&e))?),
        None => whatif::Shard::from_env(|v| std::env::var(v).ok(), args.shards)
            .map_err(|e| usage(&e))?,
    };
    let (settings, pool) = args.solve.setup()?;
    if args.scenarios.is_none() && args.sweep.is_none() && args.monte_carlo.is_none() {
        return Err(usage(
            "whatif needs --scenarios FILE, --sweep add-room:SEATS or --monte-carlo N",
        ));
    }
    let request = whatif::Request {
        scenarios: args.scenarios,
        sweep: args.sweep,
        monte_carlo: args.monte_carlo,
        cv: args.cv,
        seed: args.seed,
        warm_start: !args.no_warm_start,
        settings,
        threads: pool.current_num_threads(),
        shard,
    };
    let (case, out) = (args.case.as_path(), args.out.as_path());
    let mut inputs = vec![case];
    inputs.extend(request.scenarios.as_deref());
    let owned: &[&str] = if request.shard.is_some() {
        &[whatif::shard::PART_FILE]
    } else {
        &whatif::report::FILES
    };
    guard(out, &inputs, owned)?;
    progress::start();
    match pool.install(|| whatif::run(case, &request, out)) {
        Ok(report) => {
            say!("{}", report.story);
            note!(
                "{} scenario(s) in {:.1} s on {} worker(s); written to {}",
                report.scenarios,
                report.wall_seconds,
                request.threads,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(failed(e, "whatif failed")),
    }
}

pub fn merge(args: MergeArgs) -> ExitCode {
    let mut inputs: Vec<&Path> = args.parts.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.case.as_deref());
    if let Err(code) = guard(&args.out, &inputs, &whatif::report::FILES) {
        return code;
    }
    match whatif::shard::merge(&args.parts, args.case.as_deref(), &args.out) {
        Ok(report) => {
            say!("{}", report.story);
            note!(
                "{} part(s) merged: {} scenario(s) written to {}",
                args.parts.len(),
                report.scenarios,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(whatif::Error::Usage(m)) => usage(&m),
        Err(e) => {
            note!("{e}; nothing written");
            ExitCode::from(1)
        }
    }
}

/// The exit code of a what-if error: usage 2, the case 1, interrupted 130, anything else 3.
fn failed(e: whatif::Error, what: &str) -> ExitCode {
    match e {
        whatif::Error::Usage(m) => usage(&m),
        whatif::Error::Case(m) => {
            note!("{m}");
            ExitCode::from(1)
        }
        whatif::Error::Interrupted => ExitCode::from(130),
        e => {
            note!("{what}: {e}");
            ExitCode::from(3)
        }
    }
}

//! `plan CASE --out DIR [--timetable FILE]`: plans the quarter (or seats it on a published
//! timetable) and writes the verified plan folder.

use super::{exit, guard, load_case_noting_warnings, print_diagnostics, write_failed, SolveArgs};
use clap::Args;
use exam_planner::pipeline::write;
use exam_planner::{note, pipeline, progress, say};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner plan data/hunan --out plan-2026Q3\n  exam-planner plan data/hunan --timetable plan-2026Q3/timetable.csv --out seated-2026Q3"
)]
pub struct PlanArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// A published timetable (a timetable.csv written earlier): every listed paper sits at
    /// its slot; registrations for unlisted papers are deferred.
    #[arg(long, value_name = "FILE")]
    timetable: Option<PathBuf>,
    #[command(flatten)]
    solve: SolveArgs,
}

pub fn run(args: PlanArgs) -> ExitCode {
    exit(plan(&args))
}

fn plan(args: &PlanArgs) -> Result<ExitCode, ExitCode> {
    let (settings, pool) = args.solve.setup()?;
    let out = args.out.as_path();
    let mut inputs = vec![args.case.as_path()];
    inputs.extend(args.timetable.as_deref());
    guard(out, &inputs, &exam_planner::plan::PLAN_FILES)?;
    let clock = Instant::now();
    let case = load_case_noting_warnings(&args.case, "nothing planned, nothing written")?;
    let published = match &args.timetable {
        None => None,
        Some(path) => {
            let mut diags = exam_planner::diag::Diagnostics::default();
            let Some(p) = exam_planner::case::published::read(&case, path, &mut diags) else {
                print_diagnostics(&diags);
                note!("the published timetable has errors: nothing planned, nothing written");
                return Err(ExitCode::from(1));
            };
            Some(p)
        }
    };
    note!(
        "read {} registration(s) in {:.2} s; planning…",
        case.registration_count(),
        clock.elapsed().as_secs_f64()
    );
    progress::start();
    let planned = pool
        .install(|| pipeline::plan_case(&case, &settings, None, published.as_ref()))
        .map_err(|e| {
            progress::finish();
            note!("no plan could be found: {e}");
            ExitCode::from(3)
        })?;
    let written = pool.install(|| write::write(&case, &planned, out));
    progress::finish();
    let written = written.map_err(write_failed)?;
    for (stage, secs) in &planned.solution.timings {
        note!("  {stage:<10} {secs:>8.2} s");
    }
    note!(
        "  write      {:>8.2} s ({:.2} s rendering CSV)",
        written.write_seconds,
        written.render_seconds
    );
    note!(
        "  workbooks  {:>8.2} s (plan.xlsx, door lists, report.html)",
        written.extras_seconds
    );
    note!(
        "  verify     {:>8.2} s (beside the workbooks)",
        written.verify_seconds
    );
    note!("  total      {:>8.2} s", clock.elapsed().as_secs_f64());
    say!("{}", planned.stats.describe());
    say!("plan written to {} and verified", out.display());
    Ok(ExitCode::SUCCESS)
}

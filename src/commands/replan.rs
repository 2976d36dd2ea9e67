//! `replan CASE --previous DIR --out NEWDIR`: the quarter as it stands now, seated on the
//! published plan with the fewest changes; a plan folder plus changes.csv.

use super::{exit, guard, load_case, write_failed, SolveArgs};
use clap::Args;
use exam_planner::{note, progress, replan, say};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner replan data/hunan --previous plan-2026Q3 --out plan-2026Q3-v1"
)]
pub struct ReplanArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// The plan folder that was published.
    #[arg(long, value_name = "DIR")]
    previous: PathBuf,
    /// The folder to write the new version to: a new one, or one this tool wrote earlier that
    /// holds nothing else (never the case, never --previous).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    solve: SolveArgs,
}

pub fn run(args: ReplanArgs) -> ExitCode {
    exit(replan(&args))
}

fn replan(args: &ReplanArgs) -> Result<ExitCode, ExitCode> {
    let (settings, pool) = args.solve.setup()?;
    let (previous_dir, out) = (args.previous.as_path(), args.out.as_path());
    guard(
        out,
        &[&args.case, previous_dir],
        &exam_planner::plan::PLAN_FILES,
    )?;
    let clock = Instant::now();
    // the previous plan's seats.csv is read beside the case: neither needs the other
    let (loaded, files) = pool.install(|| {
        rayon::join(
            || load_case(&args.case, "nothing planned, nothing written"),
            || replan::previous::Files::read(previous_dir),
        )
    });
    let case = loaded?.case;
    progress::trace(|| format!("read: case at {:.2} s", clock.elapsed().as_secs_f64()));
    let previous = replan::previous_from(&case, previous_dir, files).map_err(|refusal| {
        match refusal {
            replan::Refusal::DemandOnly => note!(
                "{}: replan seats registrations; the case has only a demand forecast",
                case.files.name("demand")
            ),
            replan::Refusal::Edited(edited) => {
                for mut v in edited {
                    v.file = format!("{}/{}", previous_dir.display(), v.file);
                    say!("{v}");
                }
                note!(
                    "{} is not the plan that was published: nothing planned, nothing written",
                    previous_dir.display()
                );
            }
            replan::Refusal::Mismatch(diags) => {
                for d in diags.errors() {
                    say!("{}/{d}", previous_dir.display());
                }
                note!("the previous plan does not fit the case: nothing planned, nothing written");
            }
        }
        ExitCode::from(1)
    })?;
    let read = clock.elapsed().as_secs_f64();
    progress::start();
    let solve_clock = Instant::now();
    let replanned = pool
        .install(|| replan::replan(&case, &previous, &settings))
        .map_err(|e| {
            progress::finish();
            note!("no plan could be found: {e}");
            ExitCode::from(3)
        })?;
    let solved = solve_clock.elapsed().as_secs_f64();
    // its seats are read from the folder again by verify --previous; freed before the
    // workbooks and verify (the peak of a million-seat replan)
    drop(previous);
    let written = pool.install(|| replan::write(&case, &replanned, previous_dir, out));
    progress::finish();
    let w = written.map_err(write_failed)?;
    note!("  read       {read:>8.2} s (the case and the previous plan)");
    note!("  replan     {solved:>8.2} s");
    note!("  write      {:>8.2} s", w.write_seconds);
    note!("  workbooks  {:>8.2} s", w.extras_seconds);
    note!(
        "  verify     {:>8.2} s (rules 1-10, beside the workbooks)",
        w.verify_seconds
    );
    note!("  total      {:>8.2} s", clock.elapsed().as_secs_f64());
    say!("{}", replanned.stats.describe());
    if let Some(c) = &replanned.stats.changes {
        say!(
            "{} kept, {} moved to another ticket ({} to another institution), {} withdrawn, {} new; changes.csv lists every change",
            c.kept, c.moved_ticket, c.moved_institution, c.withdrawn, c.new
        );
    }
    say!(
        "replan written to {} and verified against {}",
        out.display(),
        previous_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

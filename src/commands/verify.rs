//! `verify CASE DIR [--previous PREV]`: re-checks a written plan against every rule,
//! independently of the solver.

use clap::Args;
use exam_planner::{note, say, verify};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner verify data/hunan plan-2026Q3\n  exam-planner verify data/hunan plan-2026Q3-v1 --previous plan-2026Q3"
)]
pub struct VerifyArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// The plan folder to check (written by plan or replan).
    dir: PathBuf,
    /// The plan DIR replanned: check its kept and moved tickets against this one too.
    #[arg(long, value_name = "PREVIOUS")]
    previous: Option<PathBuf>,
}

pub fn run(args: VerifyArgs) -> ExitCode {
    let dir = &args.dir;
    match verify::verify_dirs(&args.case, dir, args.previous.as_deref()) {
        Ok(v) => {
            if v.is_empty() {
                say!("{}: the plan obeys every rule", dir.display());
                return ExitCode::SUCCESS;
            }
            for x in &v {
                say!("{x}");
            }
            say!("{}: {} violation(s)", dir.display(), v.len());
            ExitCode::from(1)
        }
        Err(e) => {
            note!("{e}");
            ExitCode::from(1)
        }
    }
}

//! `validate CASE`: every problem of every file, as file:line: column: severity: message.

use super::print_diagnostics;
use clap::Args;
use exam_planner::diag::Severity;
use exam_planner::{say, validate};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(after_help = "Example:\n  exam-planner validate data/hunan")]
pub struct ValidateArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
}

pub fn run(args: ValidateArgs) -> ExitCode {
    let (_, diags) = validate::validate_dir(&args.case);
    print_diagnostics(&diags);
    let (e, w) = (diags.count(Severity::Error), diags.count(Severity::Warning));
    say!("{}: {e} error(s), {w} warning(s)", args.case.display());
    if e > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

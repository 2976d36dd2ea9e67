//! `vet CASE [--out DIR]`: every institution against the selection conditions, the refusal
//! grounds, the assessment and the materials; vetting.csv, coverage.csv and publication.csv.

use super::{guard, print_diagnostics};
use clap::Args;
use exam_planner::{note, say, vet};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(after_help = "Example:\n  exam-planner vet data/hunan --out vetting-2026Q3")]
pub struct VetArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// Write vetting.csv and coverage.csv into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: VetArgs) -> ExitCode {
    let (case_dir, out) = (args.case.as_path(), args.out.as_deref());
    if let Some(out) = out {
        if let Err(code) = guard(out, &[case_dir], &vet::FILES) {
            return code;
        }
    }
    let (case, diags) = exam_planner::case::load(case_dir);
    let Some(case) = case else {
        print_diagnostics(&diags);
        return ExitCode::from(1);
    };
    if diags.has_errors() {
        note!("note: the case has input errors (run validate); vetting what could be read");
    }
    let report = vet::report(&case);
    for line in report.table.lines() {
        say!("{line}");
    }
    if let Some(out) = out {
        if let Err(e) = report.write(out, case.quarter.first_day()) {
            note!("cannot write {}: {e}", out.display());
            return ExitCode::from(1);
        }
        note!("wrote {} to {}", vet::FILES.join(" and "), out.display());
    }
    ExitCode::SUCCESS
}

//! `to-xlsx CASE --out DIR`: the case's CSV tables as workbooks, for officials who keep the
//! case in Excel.

use super::guard;
use clap::Args;
use exam_planner::note;
use exam_planner::output::sheets;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(after_help = "Example:\n  exam-planner to-xlsx data/hunan --out hunan-xlsx")]
pub struct ToXlsxArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: ToXlsxArgs) -> ExitCode {
    if let Err(code) = guard(&args.out, &[&args.case], &sheets::CASE_XLSX_FILES) {
        return code;
    }
    match sheets::case_to_xlsx(&args.case, &args.out) {
        Ok(n) => {
            note!(
                "wrote {n} table(s) as xlsx and case.toml to {}",
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            note!("cannot write {}: {e}; nothing written", args.out.display());
            ExitCode::from(1)
        }
    }
}

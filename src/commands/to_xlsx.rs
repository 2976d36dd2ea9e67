//! `to-xlsx CASE --out DIR`: the case's CSV tables as workbooks, for officials who keep the
//! case in Excel.

use super::guard;
use clap::Args;
use exam_planner::note;
use exam_planner::output::sheets;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ToXlsxArgs {
    case: PathBuf,
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

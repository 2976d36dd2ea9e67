//! `attendance CASE --plan DIR --marks FILE… --out OUT`: the institutions' marks (到考 / 缺考 /
//! 违纪) against the published plan; rates, the absent, and next quarter's carry-over.

use super::{exit, guard, load_case};
use clap::Args;
use exam_planner::attendance::{self, Error};
use exam_planner::{note, say};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner attendance data/hunan --plan plan-2026Q3 --marks marks/I001.xlsx marks/I002.csv --out attendance-2026Q3"
)]
pub struct AttendanceArgs {
    /// The case folder the plan was made from (docs/case-files.md).
    case: PathBuf,
    /// The published plan folder (written by plan or replan, unchanged since).
    #[arg(long, value_name = "DIR")]
    plan: PathBuf,
    /// The institutions' marks: CSV or xlsx files with columns ticket_no and status (到考, 缺考
    /// or 违纪), one per institution or one for all.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    marks: Vec<PathBuf>,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: AttendanceArgs) -> ExitCode {
    exit(take(&args))
}

fn take(args: &AttendanceArgs) -> Result<ExitCode, ExitCode> {
    let mut inputs = vec![args.case.as_path(), args.plan.as_path()];
    inputs.extend(args.marks.iter().map(PathBuf::as_path));
    guard(&args.out, &inputs, &attendance::FILES)?;
    let case = load_case(&args.case, "nothing written")?.case;
    let taken = attendance::take(&case, &args.plan, &args.marks).map_err(|e| {
        match e {
            Error::Plan(lines) => {
                for l in lines {
                    say!("{}/{l}", args.plan.display());
                }
                note!(
                    "{} is not the plan that was published: nothing written",
                    args.plan.display()
                );
            }
            Error::Marks(diags) => {
                for d in diags.errors() {
                    say!("{d}");
                }
                note!("the marks have errors: nothing written");
            }
        }
        ExitCode::from(1)
    })?;
    if let Err(e) = taken.write(&case, &args.out) {
        note!("cannot write {}: {e}; nothing written", args.out.display());
        return Err(ExitCode::from(1));
    }
    let (present, absent, misconduct, unmarked) = taken.counts();
    say!(
        "到考 {present}，缺考 {absent}，违纪 {misconduct}，未登记 {unmarked}；转入下季度 {} 人（carry_over.csv）",
        taken.carried()
    );
    note!(
        "wrote {} to {}",
        attendance::FILES.join(", "),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

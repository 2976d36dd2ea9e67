//! `exam-day CASE --plan DIR --seed TEXT --out OUT`: the published plan's rooms get their
//! invigilators, 主考 and 巡考 (an integer program), every site a quality supervisor drawn from
//! the seed, and every institution its papers for the day.

use super::{exit, guard, load_case};
use clap::Args;
use exam_planner::exam_day::{self, Error, WriteError};
use exam_planner::{note, say};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner exam-day data/hunan --plan plan-2026Q3 --seed \"2026年第三季度考务 2026-09-01\" --out exam-day-2026Q3"
)]
pub struct ExamDayArgs {
    /// The case folder the plan was made from, with staff.csv and supervisors.csv.
    case: PathBuf,
    /// The published plan folder (written by plan or replan, unchanged since).
    #[arg(long, value_name = "DIR")]
    plan: PathBuf,
    /// The seed text of the supervisors' draw, announced beforehand: the same text gives the
    /// same draw (README, "Exam day").
    #[arg(long, value_name = "TEXT")]
    seed: String,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: ExamDayArgs) -> ExitCode {
    exit(take(&args))
}

fn take(args: &ExamDayArgs) -> Result<ExitCode, ExitCode> {
    guard(
        &args.out,
        &[args.case.as_path(), args.plan.as_path()],
        &exam_day::FILES,
    )?;
    if args.seed.trim().is_empty() {
        return Err(super::usage("--seed must not be empty"));
    }
    exam_planner::progress::start();
    let case = load_case(&args.case, "nothing written")?.case;
    let day = exam_day::prepare(&case, &args.plan, &args.seed).map_err(|e| {
        exam_planner::progress::finish();
        match &e {
            Error::Plan(lines) => {
                for l in lines {
                    say!("{}/{l}", args.plan.display());
                }
                note!(
                    "{} is not the published plan of this case: nothing written",
                    args.plan.display()
                );
            }
            other => note!("error: {other}; nothing written"),
        }
        ExitCode::from(match e {
            Error::Solve(_) => 3,
            _ => 1,
        })
    })?;
    let written = day.write(&case, &args.out).map_err(|e| {
        exam_planner::progress::finish();
        written_error(e, args)
    })?;
    exam_planner::progress::finish();
    let s = &written.summary;
    let r = &s.roster;
    say!(
        "{} 个考场场次、{} 个考点场次：安排考务人员 {} 人次，缺 {} 人次（下界 {}）；最多一人 {} 场（下界 {}）",
        s.room_sittings,
        s.sites,
        r.rostered,
        r.missing.value,
        r.missing.bound,
        r.largest_load.value,
        r.largest_load.bound
    );
    say!(
        "质量督导员：{} 个考点场次派出 {}，其中外市州 {}；未能派出 {}",
        s.dispatch.sites,
        s.dispatch.dispatched,
        s.dispatch.from_other_prefecture,
        s.dispatch.missing
    );
    note!(
        "wrote roster.csv, shortfall.csv, dispatch.csv, summary.json, exam-day/ and supervision/ to {}",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Says why the folder was not written; the exit code.
fn written_error(e: WriteError, args: &ExamDayArgs) -> ExitCode {
    match e {
        WriteError::Unverified(violations) => {
            for v in violations.iter().take(50) {
                note!("{v}");
            }
            note!(
                "the exam-day rows break {} rule(s): a bug in exam-planner; nothing written",
                violations.len()
            );
            ExitCode::from(3)
        }
        WriteError::Io(e) => {
            note!("cannot write {}: {e}; nothing written", args.out.display());
            ExitCode::from(1)
        }
    }
}

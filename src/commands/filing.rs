//! The filing season: `panels CASE --out DIR` (an on-site assessment panel for every pending
//! filing) and `spot-check CASE --seed TEXT --rate F --out DIR` (双随机、一公开).

use super::{exit, guard, load_case, usage, SolveArgs};
use clap::Args;
use exam_planner::filing::{panels, spot_check};
use exam_planner::{note, say};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner panels data/hunan --out panels-2026Q3 --panel-size 3"
)]
pub struct PanelsArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// Experts per panel (at least 2).
    #[arg(long, value_name = "N", default_value_t = panels::DEFAULT_SIZE)]
    panel_size: u32,
    #[command(flatten)]
    solve: SolveArgs,
}

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner spot-check data/hunan --seed \"2026-09-01 福彩3D 123\" --rate 0.1 --out spot-2026Q3"
)]
pub struct SpotCheckArgs {
    /// The case folder: prefectures, occupations, institutions, rooms, filings, sessions and
    /// candidates (or demand) as NAME.csv or NAME.xlsx (docs/case-files.md).
    case: PathBuf,
    /// Any text, announced before the draw (e.g. the date and a lottery number).
    #[arg(long)]
    seed: String,
    /// The share of eligible filed institutions to draw, e.g. 0.1.
    #[arg(long, value_name = "F")]
    rate: String,
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// Accepted for symmetry with the other commands; the draw is sequential, so the
    /// bytes never depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

const NOTHING: &str = "nothing written";

pub fn panels(args: PanelsArgs) -> ExitCode {
    exit(assign_panels(&args))
}

fn assign_panels(args: &PanelsArgs) -> Result<ExitCode, ExitCode> {
    let (size, out) = (args.panel_size, args.out.as_path());
    let settings = args.solve.settings()?;
    if size < 2 {
        return Err(usage(&format!(
            "--panel-size must be at least 2 (附件5 说明2), got {size}"
        )));
    }
    guard(out, &[&args.case], &panels::FILES)?;
    let case = load_case(&args.case, NOTHING)?.case;
    let clock = std::time::Instant::now();
    let result = match panels::assign(&case, size, &settings) {
        Ok(r) => r,
        Err(e @ panels::Error::NoExperts) => {
            note!("{e}; nothing written");
            return Err(ExitCode::from(1));
        }
        Err(e) => {
            note!("no panels could be found: {e}; nothing written");
            return Err(ExitCode::from(3));
        }
    };
    if let Err(e) = result.write(&case, out) {
        note!("cannot write {}: {e}; nothing written", out.display());
        return Err(ExitCode::from(1));
    }
    say!("{}", result.story());
    note!(
        "panels in {:.1} s; wrote {} to {}",
        clock.elapsed().as_secs_f64(),
        panels::FILES.join(", "),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn spot_check(args: SpotCheckArgs) -> ExitCode {
    exit(draw(&args))
}

fn draw(args: &SpotCheckArgs) -> Result<ExitCode, ExitCode> {
    let out = args.out.as_path();
    let rate = spot_check::Rate::parse(&args.rate).map_err(|e| usage(&e.to_string()))?;
    if args.seed.trim().is_empty() {
        return Err(usage("--seed needs a text announced before the draw"));
    }
    guard(out, &[&args.case], &spot_check::FILES)?;
    let case = load_case(&args.case, NOTHING)?.case;
    let draw = spot_check::draw(&case, &args.seed, rate).map_err(|e| {
        note!("{e}; nothing written");
        ExitCode::from(1)
    })?;
    if let Err(e) = draw.write(&case, out) {
        note!("cannot write {}: {e}; nothing written", out.display());
        return Err(ExitCode::from(1));
    }
    for line in draw.shortfall_lines(&case) {
        note!("note: {line}");
    }
    say!(
        "drew {} of {} eligible filed institution(s) (asked ⌈{} × {}⌉ = {}, at least one per prefecture), two inspectors each",
        draw.checks.len(),
        draw.pool.len(),
        draw.rate,
        draw.pool.len(),
        draw.asked
    );
    note!(
        "wrote {} to {}",
        spot_check::FILES.join(" and "),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

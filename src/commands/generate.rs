//! `generate --out DIR --seed N --candidates K`: a realistic synthetic Hunan case, same seed
//! same bytes.

use super::{guard, usage};
use clap::Args;
use exam_planner::{generate, note};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner generate --out /tmp/g30k --seed 7 --candidates 30000"
)]
pub struct GenerateArgs {
    /// The folder to write: a new one, or one this tool wrote earlier that holds nothing else
    /// (never the case; it is replaced whole, all or nothing).
    #[arg(long)]
    out: PathBuf,
    /// The random seed: the same seed and options give the same bytes.
    #[arg(long)]
    seed: u64,
    /// Registrations to generate.
    #[arg(long)]
    candidates: usize,
    /// Institutions per prefecture × this (default: grows with the candidates).
    #[arg(long)]
    institution_scale: Option<f64>,
    /// Exam weekends in the quarter, 4 sessions each (default 2, or 4 above 30,000).
    #[arg(long)]
    weekends: Option<usize>,
    /// The quarter, e.g. 2026Q3.
    #[arg(long, default_value = "2026Q3")]
    quarter: String,
    /// Write demand.csv (a forecast) instead of candidates.csv.
    #[arg(long)]
    demand_only: bool,
}

pub fn run(args: GenerateArgs) -> ExitCode {
    let Some(q) = exam_planner::case::Quarter::parse(&args.quarter) else {
        return usage(&format!(
            "--quarter expects a quarter such as 2026Q3, got {:?}",
            args.quarter
        ));
    };
    if args.candidates == 0 {
        return usage("--candidates must be at least 1");
    }
    if let Err(code) = guard(&args.out, &[], &generate::CASE_FILES) {
        return code;
    }
    let spec = generate::Spec {
        seed: args.seed,
        candidates: args.candidates,
        institution_scale: args.institution_scale,
        weekends: args.weekends,
        quarter: (q.year, q.q),
        demand_only: args.demand_only,
    };
    match generate::generate(&spec, &args.out) {
        Ok(n) => {
            note!(
                "wrote a synthetic case of {n} registrations to {}",
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            note!("cannot write {}: {e}", args.out.display());
            ExitCode::from(1)
        }
    }
}

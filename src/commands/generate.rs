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
    /// The share of persons who register for two papers, 0 to 1.
    #[arg(long, default_value_t = 0.03)]
    two_paper_share: f64,
    /// The share of registrations that name a filed local institution (and must sit there),
    /// 0 to 1.
    #[arg(long, default_value_t = 0.7)]
    registered_share: f64,
    /// Institutions filed per prefecture and occupation (default: one, two in big
    /// prefectures, × the institution scale).
    #[arg(long)]
    filings_per_occupation: Option<usize>,
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
    for (flag, share) in [
        ("--two-paper-share", args.two_paper_share),
        ("--registered-share", args.registered_share),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return usage(&format!("{flag} must be between 0 and 1, got {share}"));
        }
    }
    if args.filings_per_occupation == Some(0) {
        return usage("--filings-per-occupation must be at least 1");
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
        mix: generate::Mix {
            two_paper_share: args.two_paper_share,
            registered_share: args.registered_share,
            filings_per_occupation: args.filings_per_occupation,
        },
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

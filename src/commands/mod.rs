//! One file per subcommand: its arguments, the pipeline calls, what the console shows and the
//! exit code. No planning logic lives here; what every command shares is below.
//!
//! Exit codes: 0 done, 1 input errors or plan violations, 2 usage (or an `--out` that could
//! cost the user a file), 3 no plan (or a plan that failed its own verification), 130 interrupted.

pub mod attendance;
pub mod compare;
pub mod exam_day;
pub mod filing;
pub mod generate;
pub mod plan;
pub mod replan;
pub mod serve;
pub mod to_xlsx;
pub mod validate;
pub mod verify;
pub mod vet;
pub mod whatif;

use clap::Args;
use exam_planner::case::Case;
use exam_planner::diag::Diagnostics;
use exam_planner::{note, pipeline, say, solve};
use std::path::Path;
use std::process::ExitCode;

/// The solver options of every command that plans.
#[derive(Args, Clone)]
pub struct SolveArgs {
    /// A wall-clock cap per solver stage, in seconds. None by default: a default run stops on
    /// counted work (nodes, simplex iterations), so every machine gives the same plan; with a
    /// cap, summary.json says whether it was reached.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Relative MIP gap to stop at (default 0.0001; 0 proves optimality).
    #[arg(long, value_name = "FRACTION")]
    gap: Option<f64>,
    /// Parallel workers (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

impl SolveArgs {
    /// The solver settings, or the usage error's exit code.
    pub fn settings(&self) -> Result<solve::Settings, ExitCode> {
        let mut s = solve::Settings::default();
        if let Some(t) = self.time_limit {
            if t.is_nan() || t <= 0.0 {
                return Err(usage(&format!("--time-limit must be positive, got {t}")));
            }
            s.time_limit = Some(t);
        }
        if let Some(g) = self.gap {
            if !(0.0..1.0).contains(&g) {
                return Err(usage(&format!("--gap must be in [0, 1), got {g}")));
            }
            s.gap = g;
        }
        Ok(s)
    }

    /// Settings and worker pool, or the usage error's exit code.
    pub fn setup(&self) -> Result<(solve::Settings, rayon::ThreadPool), ExitCode> {
        let settings = self.settings()?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.unwrap_or(0))
            .build()
            .map_err(|e| usage(&e.to_string()))?;
        Ok((settings, pool))
    }
}

/// Refuses an `--out` that could cost the user a file (exit 2), before any work.
pub fn guard(out: &Path, inputs: &[&Path], owned: &[&str]) -> Result<(), ExitCode> {
    exam_planner::output::staging::check_out(out, inputs, owned).map_err(|e| {
        note!("error: {e}");
        ExitCode::from(2)
    })
}

/// A usage error: the message, a pointer to `--help`, exit 2.
pub fn usage(message: &str) -> ExitCode {
    note!("error: {message}\nFor more information, try '--help'.");
    ExitCode::from(2)
}

/// Prints every diagnostic, errors and warnings, one per line.
pub fn print_diagnostics(diags: &Diagnostics) {
    for d in &diags.items {
        say!("{d}");
    }
}

/// Reads and validates the case; on any input error prints the errors and `consequence`
/// ("nothing planned, nothing written") and ends the command with exit 1.
pub fn load_case(case_dir: &Path, consequence: &str) -> Result<pipeline::Loaded, ExitCode> {
    pipeline::load(case_dir).map_err(|diags| {
        for d in diags.errors() {
            say!("{d}");
        }
        note!("the case has input errors: {consequence} (see `exam-planner validate`)");
        ExitCode::from(1)
    })
}

/// [`load_case`], and a note of the warnings when there are any.
pub fn load_case_noting_warnings(case_dir: &Path, consequence: &str) -> Result<Case, ExitCode> {
    let loaded = load_case(case_dir, consequence)?;
    if loaded.warnings > 0 {
        note!(
            "{} warning(s); `exam-planner validate {}` lists them",
            loaded.warnings,
            case_dir.display()
        );
    }
    Ok(loaded.case)
}

/// A plan folder that was not written: a planner bug the verification caught (exit 3), or
/// the disk (exit 1). Nothing is on disk either way.
pub fn write_failed(e: exam_planner::pipeline::write::WriteError) -> ExitCode {
    use exam_planner::pipeline::write::WriteError;
    match e {
        WriteError::Unverified(violations) => {
            for v in violations.iter().take(50) {
                note!("{v}");
            }
            note!(
                "internal error: the plan failed its own verification ({} violation(s)); nothing written",
                violations.len()
            );
            ExitCode::from(3)
        }
        e => {
            note!("{e}; nothing written");
            ExitCode::from(1)
        }
    }
}

/// `?` for functions that end the command early: the exit code is the error.
pub fn exit(result: Result<ExitCode, ExitCode>) -> ExitCode {
    result.unwrap_or_else(|code| code)
}

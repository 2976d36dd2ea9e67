//! What a what-if run is asked to do, and how it can fail.

use crate::solve::Settings;
use std::path::PathBuf;

/// What the command line asked for.
pub struct Request {
    pub scenarios: Option<PathBuf>,
    pub sweep: Option<String>,
    pub monte_carlo: Option<usize>,
    pub cv: f64,
    pub seed: u64,
    pub warm_start: bool,
    pub settings: Settings,
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The case or the scenario file cannot be read (exit 1).
    #[error("{0}")]
    Case(String),
    /// Ctrl-C: nothing was written.
    #[error("interrupted")]
    Interrupted,
    #[error("the baseline could not be planned: {0}")]
    Baseline(String),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

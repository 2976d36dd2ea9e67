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
    /// Run only part K of N (1-based) of the scenario list and write a part folder.
    pub shard: Option<Shard>,
}

/// One of N deterministic parts of a what-if run: scenario i belongs to part (i mod N) + 1,
/// so parts are balanced and a scenario's part depends only on its place in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// 1-based.
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// `K/N` as the command line writes it.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard expects K/N such as 2/8, got {text:?}"))?;
        let (k, n): (usize, usize) = match (k.trim().parse(), n.trim().parse()) {
            (Ok(k), Ok(n)) => (k, n),
            _ => return Err(format!("--shard expects K/N such as 2/8, got {text:?}")),
        };
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard K/N needs 1 ≤ K ≤ N, got {text:?}"));
        }
        Ok(Shard { k, n })
    }

    /// The part chosen by a batch engine's environment: a Slurm job array
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, `SLURM_ARRAY_TASK_MIN`) or a
    /// Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with `shards` from `--shards N`).
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        shards: Option<usize>,
    ) -> Result<Option<Shard>, String> {
        let number = |name: &str| -> Result<Option<usize>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name} is not a whole number: {v:?}")),
            }
        };
        if let (Some(id), Some(count)) = (
            number("SLURM_ARRAY_TASK_ID")?,
            number("SLURM_ARRAY_TASK_COUNT")?,
        ) {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let k = id.checked_sub(min).map(|k| k + 1).unwrap_or(0);
            return Shard::parse(&format!("{k}/{count}")).map(Some);
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let n = shards.ok_or_else(|| {
                "JOB_COMPLETION_INDEX is set: give the Job's completions as --shards N".to_string()
            })?;
            return Shard::parse(&format!("{}/{n}", index + 1)).map(Some);
        }
        match shards {
            Some(_) => Err(
                "--shards N goes with a Kubernetes Indexed Job (JOB_COMPLETION_INDEX is not set)"
                    .into(),
            ),
            None => Ok(None),
        }
    }

    /// Does scenario `index` (0-based, in the list order) belong to this part?
    pub fn owns(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
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

//! Parts of a what-if run on a batch engine, and joining them.
//!
//! `whatif … --shard K/N` (or a Slurm job array, or a Kubernetes Indexed Job) runs the
//! scenarios the part owns and writes a part folder holding `part.json`: the whole scenario
//! list, the baseline (every part plans it; it is deterministic), the part's outcomes, and
//! SHA-256 fingerprints of the case and the scenario file. `whatif-merge` checks that the
//! parts belong together — same case, same scenario file, same options, each of 1..N once —
//! and writes the very files a one-machine run writes, timings aside.

use super::outcome::Outcome;
use super::report::{Report, Results};
use super::request::{Error, Request, Shard};
use super::scenario::{Prepared, Scenario};
use crate::digest::case_sha256;
use crate::solve::{SeatValue, Settings};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The file of a part folder.
pub const PART_FILE: &str = "part.json";
const FORMAT: &str = "exam-planner what-if part 1";

/// The options that must be equal in every part of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub sweep: Option<String>,
    pub monte_carlo: Option<usize>,
    pub cv: f64,
    pub seed: u64,
    pub warm_start: bool,
    pub time_limit: Option<f64>,
    pub gap: f64,
}

impl Options {
    pub fn of(req: &Request) -> Options {
        Options {
            sweep: req.sweep.clone(),
            monte_carlo: req.monte_carlo,
            cv: req.cv,
            seed: req.seed,
            warm_start: req.warm_start,
            time_limit: req.settings.time_limit,
            gap: req.settings.gap,
        }
    }
}

/// A scenario of the whole list, as the merge needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listed {
    pub name: String,
    pub draw: Option<u64>,
}

/// One part of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    pub format: String,
    /// The case folder, as the part saw it (the merge reads names from it).
    pub case: PathBuf,
    pub case_sha256: String,
    /// Of the scenario file; empty without one.
    pub scenarios_sha256: String,
    pub options: Options,
    pub shard: Shard,
    pub scenarios: Vec<Listed>,
    pub baseline: Outcome,
    pub seat_values: Vec<SeatValue>,
    pub deferred_weight: f64,
    /// (index in the whole list, outcome) of the scenarios this part ran.
    pub outcomes: Vec<(usize, Outcome)>,
    pub threads: usize,
    pub wall_seconds: f64,
}

/// Writes a part folder (all or nothing).
pub fn write_part(part: &Part, out: &Path) -> std::io::Result<()> {
    let staging = crate::output::staging::Staging::new(out)?;
    let mut json = serde_json::to_vec_pretty(part).map_err(std::io::Error::other)?;
    json.push(b'\n');
    staging.add_bytes(PART_FILE, &json)?;
    staging.commit(&[PART_FILE])
}

fn read_part(dir: &Path) -> Result<Part, Error> {
    let path = dir.join(PART_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::Case(format!("{}: {e}", path.display())))?;
    let part: Part = serde_json::from_str(&text)
        .map_err(|e| Error::Case(format!("{}: not a what-if part: {e}", path.display())))?;
    if part.format != FORMAT {
        return Err(Error::Case(format!(
            "{}: written by another version ({:?})",
            path.display(),
            part.format
        )));
    }
    Ok(part)
}

/// Joins the part folders `dirs` into `out`: the files a one-machine run writes. `case`
/// overrides where the parts say the case is (it must be the same files).
pub fn merge(dirs: &[PathBuf], case: Option<&Path>, out: &Path) -> Result<Report, Error> {
    let clock = Instant::now();
    let Some(first_dir) = dirs.first() else {
        return Err(Error::Usage(
            "whatif-merge needs at least one part folder".into(),
        ));
    };
    let parts: Vec<Part> = dirs
        .iter()
        .map(|d| read_part(d))
        .collect::<Result<_, _>>()?;
    let first = &parts[0];
    let n = first.shard.n;
    let mut seen: Vec<Option<&Path>> = vec![None; n];
    for (dir, p) in dirs.iter().zip(&parts) {
        let differs = |what: &str| {
            Error::Case(format!(
                "{} was made with {what} than {}: parts of different runs cannot be merged",
                dir.display(),
                first_dir.display()
            ))
        };
        if p.case_sha256 != first.case_sha256 {
            return Err(differs("another case"));
        }
        if p.scenarios_sha256 != first.scenarios_sha256 {
            return Err(differs("another scenario file"));
        }
        if p.options != first.options {
            return Err(differs("other options (sweep, draws, cv, seed, limits)"));
        }
        if p.shard.n != n || p.scenarios.len() != first.scenarios.len() {
            return Err(differs("another number of parts"));
        }
        if let Some(other) = seen[p.shard.k - 1].replace(dir) {
            return Err(Error::Case(format!(
                "part {} of {n} is given twice: {} and {}",
                p.shard.k,
                other.display(),
                dir.display()
            )));
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| (k + 1).to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Case(format!(
            "part(s) {} of {n} missing: nothing merged",
            missing.join(", ")
        )));
    }
    let case_dir = case.map_or_else(|| first.case.clone(), Path::to_path_buf);
    let found = case_sha256(&case_dir).map_err(|e| {
        Error::Case(format!(
            "{}: {e} (give the case with --case)",
            case_dir.display()
        ))
    })?;
    if found != first.case_sha256 {
        return Err(Error::Case(format!(
            "{} is not the case the parts were run on (its files changed since)",
            case_dir.display()
        )));
    }
    let (loaded, diags) = crate::case::load(&case_dir);
    let loaded = loaded
        .filter(|_| !diags.has_errors())
        .ok_or_else(|| Error::Case(format!("{}: the case has errors", case_dir.display())))?;
    let mut outcomes: Vec<Option<Outcome>> = vec![None; first.scenarios.len()];
    for p in &parts {
        for (i, o) in &p.outcomes {
            if *i >= outcomes.len()
                || !p.shard.owns(*i)
                || outcomes[*i].replace(o.clone()).is_some()
            {
                return Err(Error::Case(format!(
                    "scenario {} is claimed by a part that does not own it",
                    i + 1
                )));
            }
        }
    }
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .enumerate()
        .map(|(i, o)| o.ok_or_else(|| Error::Case(format!("scenario {} has no outcome", i + 1))))
        .collect::<Result<_, _>>()?;
    let prepared: Vec<Prepared> = first
        .scenarios
        .iter()
        .map(|l| Prepared {
            name: l.name.clone(),
            edit: Ok(Scenario::default()),
            draw: l.draw,
        })
        .collect();
    let o = &first.options;
    let req = Request {
        scenarios: None,
        sweep: o.sweep.clone(),
        monte_carlo: o.monte_carlo,
        cv: o.cv,
        seed: o.seed,
        warm_start: o.warm_start,
        settings: Settings {
            time_limit: o.time_limit,
            gap: o.gap,
            ..Settings::default()
        },
        threads: parts.iter().map(|p| p.threads).sum(),
        shard: None,
    };
    let results = Results {
        case: &loaded,
        base: first.baseline.clone(),
        outcomes,
        prepared: &prepared,
        seat_values: first.seat_values.clone(),
        deferred_weight: first.deferred_weight,
    };
    // the wall time of the run is its slowest part's
    let slowest = parts.iter().map(|p| p.wall_seconds).fold(0.0, f64::max);
    let started = clock
        .checked_sub(Duration::from_secs_f64(slowest))
        .unwrap_or(clock);
    results.write(&req, started, out)
}

//! Writing a plan folder all-or-nothing: every file into a staging folder, `verify` on the
//! staged files (and on the previous plan, for a replan), and only a plan that obeys every rule
//! takes the name `--out`.

use super::Planned;
use crate::case::Case;
use crate::output::staging::{self, Staging};
use crate::output::{report, sheets};
use crate::plan::summary::PlanStats;
use crate::plan::{Notice, Plan, PLAN_FILES};
use crate::progress;
use crate::solve::Solution;
use crate::verify::{self, Violation};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

const SUMMARY: &str = "summary.json";

/// Why a plan folder was not written. Nothing is left on disk in either case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder could not be written (disk, permissions, a foreign file in `--out`).
    #[error("cannot write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The written plan broke a rule when `verify` read it back: a planner bug, never shown
    /// to an institution.
    #[error("the plan failed its own verification ({} violation(s))", .0.len())]
    Unverified(Vec<Violation>),
}

/// How long writing took, for the report on stderr.
pub struct Written {
    pub render_seconds: f64,
    pub write_seconds: f64,
    /// plan.xlsx, the door lists and report.html.
    pub extras_seconds: f64,
    pub verify_seconds: f64,
}

/// Writes the plan folder all-or-nothing: every file into a staging folder, `verify` on the
/// staged files, and only a plan that obeys every rule takes the name `out`.
pub fn write(case: &Case, planned: &Planned, out: &Path) -> Result<Written, WriteError> {
    let parts = Parts {
        solution: &planned.solution,
        plan: &planned.plan,
        stats: &planned.stats,
        extra: &[],
        previous: None,
        notices: &[],
    };
    write_parts(case, &parts, out)
}

/// What a plan folder is written from: a plan's rows and figures, files a command adds
/// (a replan's changes.csv), and the previous plan a replan must be checked against.
pub struct Parts<'a> {
    pub solution: &'a Solution,
    pub plan: &'a Plan,
    pub stats: &'a PlanStats,
    pub extra: &'a [(&'a str, Vec<u8>)],
    pub previous: Option<&'a Path>,
    /// A replan's changes as the offices read them: changes.xlsx and a 变更通知 sheet in each
    /// affected institution's workbook (none for a plan).
    pub notices: &'a [Notice],
}

/// [`write`] for any plan: stage, verify (against the previous plan too, for a replan),
/// commit.
///
/// `verify` reads only the CSV files and summary.json's figures, so it runs beside the
/// workbooks and report.html (which are built from the same plan, not from the files) on a
/// provisional summary.json: the final one differs from it only by the files' SHA-256, which
/// need every other file written first.
pub fn write_parts(case: &Case, parts: &Parts, out: &Path) -> Result<Written, WriteError> {
    let io = |source| WriteError::Io {
        path: out.to_path_buf(),
        source,
    };
    progress::stage("writing the plan folder");
    let clock = Instant::now();
    let mut files = parts.plan.files(parts.stats);
    files.extend(parts.extra.iter().cloned());
    let render_seconds = clock.elapsed().as_secs_f64();
    let staging = Staging::new(out).map_err(io)?;
    for (name, bytes) in files.iter().filter(|f| f.0 != SUMMARY) {
        staging.add_bytes(name, bytes).map_err(io)?;
    }
    if let Some(seats) = &parts.plan.seats {
        staging.add("seats.csv", |w| seats.write(w)).map_err(io)?;
    }
    staging
        .add_bytes(SUMMARY, &parts.stats.to_json())
        .map_err(io)?;
    let write_seconds = clock.elapsed().as_secs_f64();
    progress::stage("writing plan.xlsx, door lists and report.html; verifying the plan");
    let ((extras, extras_seconds), (violations, verify_seconds)) = rayon::join(
        || timed(|| extras(case, parts, &files, &staging)),
        || timed(|| check(case, staging.path(), parts.previous)),
    );
    let door_lists = extras.map_err(io)?;
    if !violations.is_empty() {
        return Err(WriteError::Unverified(violations));
    }
    // summary.json last: it records every other file's SHA-256
    let mut stats = parts.stats.clone();
    stats.door_lists = door_lists;
    stats.files =
        staging::file_hashes(staging.path(), &[SUMMARY, staging::MANIFEST]).map_err(io)?;
    staging.add_bytes(SUMMARY, &stats.to_json()).map_err(io)?;
    staging.commit(&PLAN_FILES).map_err(io)?;
    Ok(Written {
        render_seconds,
        write_seconds,
        extras_seconds,
        verify_seconds,
    })
}

/// `f`'s result and the seconds it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let clock = Instant::now();
    let value = f();
    (value, clock.elapsed().as_secs_f64())
}

/// What officials open: plan.xlsx, a replan's changes.xlsx, each institution's door lists and
/// report.html, staged beside the CSV files. Returns each door list's source digest, by
/// institution id, for summary.json.
fn extras(
    case: &Case,
    parts: &Parts,
    files: &[(&str, Vec<u8>)],
    staging: &Staging,
) -> std::io::Result<BTreeMap<String, String>> {
    let laps = progress::Laps::new("workbooks");
    let book = sheets::plan_workbook(case, parts.stats, files)?;
    staging.add_bytes("plan.xlsx", &book)?;
    if parts.previous.is_some() {
        let book = sheets::changes_workbook(case.quarter.first_day(), parts.notices)?;
        staging.add_bytes("changes.xlsx", &book)?;
    }
    laps.lap("plan.xlsx written");
    let mut sources = BTreeMap::new();
    if let Some(seats) = &parts.plan.seats {
        // a replan takes the door lists that come out as they were from the plan it replaces
        let earlier = parts.previous.and_then(sheets::door_lists::Earlier::read);
        let lists = sheets::door_lists(case, seats, parts.notices, earlier.as_ref())?;
        if earlier.is_some() {
            let reused = lists.iter().filter(|d| d.reused).count();
            laps.lap(&format!(
                "door lists built ({reused} of {} as the previous plan had them)",
                lists.len()
            ));
        } else {
            laps.lap("door lists built");
        }
        for list in lists {
            let path = format!("institutions/{}.xlsx", list.institution_id);
            staging.add_bytes(&path, &list.bytes)?;
            sources.insert(list.institution_id, list.source);
        }
        laps.lap("door lists written");
    }
    let page = report::plan::page_of(case, parts.solution, parts.stats, parts.notices);
    staging.add_bytes("report.html", page.as_bytes())?;
    Ok(sources)
}

/// `verify` on the staged CSV files, and for a replan `verify --previous` beside it.
fn check(case: &Case, staged: &Path, previous: Option<&Path>) -> Vec<Violation> {
    match previous {
        Some(previous) => verify::verify_replan(case, staged, previous),
        None => verify::verify(case, staged),
    }
}

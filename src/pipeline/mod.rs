//! The one pipeline every command runs: [`load`] (read → validate), [`prepare`] (eligible
//! institutions → registration groups), solve, and [`plan_case`] (→ assemble → figures).
//! `plan`, `plan --timetable`, `replan`, `whatif`, `compare` and the server call these; only
//! what they pin and what they report differs.

use crate::case::published::Published;
use crate::case::Case;
use crate::diag::{Diagnostics, Severity};
use crate::plan::summary::PlanStats;
use crate::plan::Plan;
use crate::solve::{self, Problem, Settings, Solution, SolveError, Timetable};
use crate::{progress, validate, vet};
use std::path::Path;
use std::time::Instant;

pub mod write;

/// A case that read and validated without errors, and how many warnings it drew.
pub struct Loaded {
    pub case: Case,
    pub warnings: usize,
}

/// Reads and validates a case folder. Any error refuses it: the diagnostics come back to be
/// shown (file, line, column), and nothing downstream runs.
pub fn load(case_dir: &Path) -> Result<Loaded, Diagnostics> {
    let (case, diags) = validate::validate_dir(case_dir);
    match case {
        Some(case) if !diags.has_errors() => Ok(Loaded {
            case,
            warnings: diags.count(Severity::Warning),
        }),
        _ => Err(diags),
    }
}

/// The problem every solve starts from: the institutions that pass vetting, and the
/// registrations grouped by paper, home and reachable institutions (on a published timetable,
/// its slots pinned).
pub fn prepare(case: &Case, published: Option<&Published>) -> Problem {
    let eligible = vet::eligible(case);
    solve::problem::build(case, &eligible, published)
}

/// A planned quarter: the solver's solution, the rows it becomes and its figures.
pub struct Planned {
    pub solution: Solution,
    pub plan: Plan,
    pub stats: PlanStats,
}

/// Plans a case that validated without errors: the timetable is optimised, or, with a
/// published one, taken as it is (`warm` is an earlier timetable to try as a start).
pub fn plan_case(
    case: &Case,
    settings: &Settings,
    warm: Option<&Timetable>,
    published: Option<&Published>,
) -> Result<Planned, SolveError> {
    let clock = Instant::now();
    progress::stage("grouping registrations");
    let problem = prepare(case, published);
    let prepare = clock.elapsed().as_secs_f64();
    let mut solution = match published {
        Some(_) => solve::solve_published(case, problem)?,
        None => solve::solve(case, problem, settings, warm)?,
    };
    solution.timings.insert(0, ("groups", prepare));
    let clock = Instant::now();
    progress::stage("dealing seats");
    let plan = crate::plan::deal::deal(case, &solution);
    solution
        .timings
        .push(("seat", clock.elapsed().as_secs_f64()));
    let stats = PlanStats::of(case, &solution, settings);
    Ok(Planned {
        solution,
        plan,
        stats,
    })
}

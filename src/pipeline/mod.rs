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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, Spec};
    use crate::solve::{throttle, Work};

    /// Plans `case` on a pool of `workers` threads named `name` and writes it into `out`.
    fn plan_on(case: &Case, settings: &Settings, workers: usize, name: &str, out: &Path) {
        let name = name.to_string();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(move |_| name.clone())
            .build()
            .unwrap();
        let planned = pool
            .install(|| plan_case(case, settings, None, None))
            .unwrap();
        write::write(case, &planned, out).unwrap();
    }

    /// summary.json without its timings.
    fn untimed(out: &Path) -> serde_json::Value {
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    m.retain(|k, _| !k.contains("seconds"));
                    m.values_mut().for_each(strip);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        strip(&mut v);
        v
    }

    /// A capacity-bound quarter whose plan goes through both neighbourhood searches and both
    /// whole MIPs, stopped by their counted work (scaled down to keep the test short): planned
    /// on two workers, and on one worker of a machine made slow (every solve and every MIP
    /// interrupt check sleeps), it gives the same files, timings apart.
    #[test]
    fn a_hard_quarter_plans_the_same_on_one_slow_worker_and_on_two() {
        let dir = tempfile::tempdir().unwrap();
        let spec = Spec {
            seed: 1,
            candidates: 8000,
            institution_scale: Some(0.14),
            weekends: Some(1),
            quarter: (2026, 3),
            demand_only: false,
            mix: Default::default(),
        };
        generate(&spec, &dir.path().join("case")).unwrap();
        let case = load(&dir.path().join("case")).unwrap().case;
        let settings = Settings {
            work: Work {
                mip_nodes: 20,
                mip_lp_iterations: 2_000,
                search_iterations: 12_000,
                ..Work::default()
            },
            ..Settings::default()
        };
        let (fast, slow) = (dir.path().join("fast"), dir.path().join("slow"));
        plan_on(&case, &settings, 2, "fast-worker", &fast);
        plan_on(&case, &settings, 1, throttle::SLOW, &slow);
        let s = untimed(&fast);
        assert_eq!(s, untimed(&slow));
        assert_eq!(s["settings"]["time_limit_reached"], false, "{s}");
        for f in [
            "timetable.csv",
            "allocation.csv",
            "seats.csv",
            "deferred.csv",
            "rooms.csv",
        ] {
            let read = |out: &Path| std::fs::read(out.join(f)).unwrap();
            assert!(read(&fast) == read(&slow), "{f} differs");
        }
    }
}

//! The one door to HiGHS: a model written with good_lp goes in, values, bound and duals come out.
//!
//! good_lp builds the model; `into_inner` hands it to the `highs` crate so we can read what
//! good_lp does not expose (the MIP dual bound, row duals) and pass a complete warm start.
//! Every model runs single-threaded with a fixed seed: parallelism comes from running many
//! models on rayon workers, and the same input then gives the same answer at any thread count.

use good_lp::solvers::highs::highs;
use good_lp::{
    Constraint, Expression, ProblemVariables, SolverModel, Variable, VariableDefinition,
};
use highs::HighsModelStatus;

/// Limits for one model.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time_limit: Option<f64>,
    pub rel_gap: f64,
    /// Stop when the incumbent is within this much of the bound (use < 1 for integral objectives).
    pub abs_gap: f64,
    /// Run HiGHS presolve. Off for the timetable MIPs: on large cases MIP presolve ran past
    /// the time limit to remove a few rows (BENCHMARKS.md, "Why the code is as it is").
    pub presolve: bool,
    /// Solve an LP by the interior-point method (with crossover, so duals and a vertex come
    /// back): far faster than dual simplex on the panels' degenerate pricing LPs
    /// (BENCHMARKS.md, "Why the code is as it is").
    pub interior_point: bool,
    /// Stop a MIP after this many branch-and-bound nodes: unlike the time limit, the same on
    /// every machine (HiGHS runs on one thread with a fixed seed), so a MIP stopped by it
    /// returns the same solution everywhere.
    pub node_limit: Option<i32>,
    /// Stop a MIP once its LP iterations (the root's cut rounds included, which no node
    /// limit stops) reach this many: counted work, the same on every machine, through
    /// HiGHS's MIP interrupt callback.
    pub lp_iterations: Option<u64>,
    /// Give up right after the root LP when it alone took more than a third of
    /// `lp_iterations`: each of the root's cut rounds costs about as much again (1.1–1.2× on
    /// the capacity-bound quarter of BENCHMARKS.md), so such a budget is spent in cut rounds
    /// before a single branch. For MIPs that start from a plan a search already improved,
    /// where branching is their only use; not for MIPs whose root heuristics find their plan
    /// (the panels').
    pub stop_when_the_root_is_costly: bool,
    /// Let HiGHS run its RENS and RINS heuristics, sub-MIPs of their own (nested up to eight
    /// deep) that the interrupt callback cannot reach and that run past `lp_iterations`.
    pub sub_mip_heuristics: bool,
    /// Let HiGHS's reliability branching solve LPs to score candidates before it trusts its
    /// pseudocosts: at one node these strong-branching LPs can run far past `lp_iterations`,
    /// which is only checked between nodes.
    pub strong_branching: bool,
}

impl Limits {
    /// For LPs: no time limit, no gap.
    pub const EXACT: Limits = Limits {
        time_limit: None,
        rel_gap: 0.0,
        abs_gap: 0.0,
        presolve: true,
        interior_point: false,
        node_limit: None,
        lp_iterations: None,
        stop_when_the_root_is_costly: false,
        sub_mip_heuristics: true,
        strong_branching: true,
    };

    /// [`Limits::EXACT`] by the interior-point method.
    pub const INTERIOR_POINT: Limits = Limits {
        interior_point: true,
        ..Limits::EXACT
    };
}

/// What HiGHS reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// Proven optimal (within the requested gaps).
    Optimal,
    /// Stopped by the wall-clock limit with a feasible solution: where it stops depends on
    /// the machine.
    TimeLimit,
    /// Stopped by counted work (the node limit) with a feasible solution: the same on every
    /// machine.
    WorkLimit,
}

#[derive(Debug)]
pub struct Solved {
    pub reached: Reached,
    pub objective: f64,
    /// The proven lower bound (for an LP or an optimal MIP, the objective itself).
    pub bound: f64,
    pub values: Vec<f64>,
    pub row_duals: Vec<f64>,
    /// Simplex iterations spent: the counted work of the neighbourhood search's budget (the
    /// same on every machine, as the solve is).
    pub iterations: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the model is infeasible")]
    Infeasible,
    #[error("the solver stopped at its time limit before finding any feasible plan")]
    NoSolution,
    #[error("HiGHS failed: {0}")]
    Solver(String),
}

/// A model under construction: variables get consecutive column indices, constraints
/// consecutive row indices, so solutions and duals can be read back by index.
#[derive(Default)]
pub struct Model {
    vars: ProblemVariables,
    count: usize,
    constraints: Vec<Constraint>,
}

impl Model {
    pub fn add(&mut self, def: VariableDefinition) -> (Variable, usize) {
        let v = self.vars.add(def);
        self.count += 1;
        (v, self.count - 1)
    }

    /// Columns so far (a solution vector's length).
    pub fn columns(&self) -> usize {
        self.count
    }

    /// Rows so far.
    pub fn rows(&self) -> usize {
        self.constraints.len()
    }

    /// Adds a row and returns its index (for duals).
    pub fn constrain(&mut self, c: Constraint) -> usize {
        self.constraints.push(c);
        self.constraints.len() - 1
    }

    /// Solves `min objective`. `start`, when given, must hold one value per column and be feasible.
    pub fn minimise(
        self,
        objective: Expression,
        limits: Limits,
        start: Option<&[f64]>,
    ) -> Result<Solved, SolveError> {
        if self.count == 0 {
            // HiGHS reports no solution status for an empty model
            return Ok(Solved {
                reached: Reached::Optimal,
                objective: 0.0,
                bound: 0.0,
                values: Vec::new(),
                row_duals: vec![0.0; self.constraints.len()],
                iterations: 0,
            });
        }
        #[cfg(test)]
        throttle::pause();
        let mut model = self.prepare(objective, limits)?;
        // read by the callback throughout the solve below, which it outlives
        let budget = Box::new(Budget {
            lp_iterations: limits.lp_iterations.unwrap_or(u64::MAX),
            stop_when_the_root_is_costly: limits.stop_when_the_root_is_costly,
            root_seen: std::cell::Cell::new(false),
        });
        if limits.lp_iterations.is_some() {
            let data = std::ptr::from_ref::<Budget>(&budget).cast_mut().cast();
            // SAFETY: the model pointer is live; the callback only reads `budget`, which lives
            // until this function returns, after the solve
            let status = unsafe {
                highs_sys::Highs_setCallback(
                    model.as_mut_ptr(),
                    Some(stop_after_lp_iterations),
                    data,
                )
                .max(highs_sys::Highs_startCallback(
                    model.as_mut_ptr(),
                    highs_sys::kHighsCallbackMipInterrupt,
                ))
            };
            if status == highs_sys::kHighsStatusError {
                return Err(SolveError::Solver(
                    "the MIP interrupt callback was refused".into(),
                ));
            }
        }
        if let Some(start) = start {
            model
                .try_set_solution(Some(start), None, None, None)
                .map_err(|e| SolveError::Solver(format!("warm start rejected: {e:?}")))?;
        }
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        read(&solved)
    }

    /// The LP relaxation's optimum (integrality dropped): a bound for the MIP of `minimise`.
    pub fn relaxation_bound(
        self,
        objective: Expression,
        limits: Limits,
    ) -> Result<f64, SolveError> {
        let mut model = self.prepare(objective, limits)?;
        set(&mut model, "solve_relaxation", true)?;
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        match solved.status() {
            HighsModelStatus::Optimal => Ok(solved.objective_value()),
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                Err(SolveError::Infeasible)
            }
            other => Err(SolveError::Solver(format!("status {other:?}"))),
        }
    }

    /// An LP that stays in HiGHS between solves, for column generation: columns added after a
    /// solve join its basis, so the next solve (primal simplex) starts where the last one ended
    /// instead of from scratch.
    pub fn into_growing(
        self,
        objective: Expression,
        limits: Limits,
    ) -> Result<Growing, SolveError> {
        let columns = self.count;
        Ok(Growing {
            model: Some(self.prepare(objective, limits)?),
            columns,
        })
    }

    /// The model in HiGHS with the options of `limits`, not yet solved.
    fn prepare(self, objective: Expression, limits: Limits) -> Result<highs::Model, SolveError> {
        let clock = std::time::Instant::now();
        let (rows, columns) = (self.constraints.len(), self.count);
        let mut problem = self.vars.minimise(objective).using(highs);
        for c in self.constraints {
            problem.add_constraint(c);
        }
        let mut model = problem
            .try_into_inner()
            .map_err(|e| SolveError::Solver(e.to_string()))?;
        crate::progress::trace(|| {
            format!(
                "model of {rows} rows, {columns} columns handed to HiGHS in {:.2} s",
                clock.elapsed().as_secs_f64()
            )
        });
        if std::env::var("EXAM_PLANNER_DEBUG").as_deref() == Ok("highs") {
            set(&mut model, "output_flag", true)?;
            set(&mut model, "log_to_console", true)?;
        } else {
            model.make_quiet();
        }
        set(&mut model, "threads", 1)?;
        set(&mut model, "random_seed", 0)?;
        set(&mut model, "mip_rel_gap", limits.rel_gap)?;
        set(&mut model, "mip_abs_gap", limits.abs_gap)?;
        if limits.interior_point {
            set(&mut model, "solver", "ipm")?;
        }
        if !limits.presolve {
            set(&mut model, "presolve", "off")?;
        }
        if let Some(n) = limits.node_limit {
            set(&mut model, "mip_max_nodes", n)?;
        }
        if !limits.sub_mip_heuristics {
            set(&mut model, "mip_heuristic_run_rens", false)?;
            set(&mut model, "mip_heuristic_run_rins", false)?;
        }
        if !limits.strong_branching {
            set(&mut model, "mip_pscost_minreliable", 0)?;
        }
        if let Some(t) = limits.time_limit {
            set(&mut model, "time_limit", t.max(0.01))?;
        }
        Ok(model)
    }
}

/// What the MIP interrupt callback reads: the LP-iteration budget and the root rule of
/// [`Limits::stop_when_the_root_is_costly`].
struct Budget {
    lp_iterations: u64,
    stop_when_the_root_is_costly: bool,
    /// Set at the first check after the root LP (the first with LP iterations spent). HiGHS
    /// calls back on the thread that solves (one thread), so a `Cell` is enough.
    root_seen: std::cell::Cell<bool>,
}

/// HiGHS's MIP interrupt callback: interrupts once the MIP's LP iterations reach the budget
/// `data` points to (a [`Budget`]), or right after a root LP that took more than a third of it
/// when the budget asks for that.
unsafe extern "C" fn stop_after_lp_iterations(
    callback_type: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    input: *mut highs_sys::HighsCallbackDataIn,
    data: *mut std::ffi::c_void,
) {
    if callback_type != highs_sys::kHighsCallbackMipInterrupt || out.is_null() || input.is_null() {
        return;
    }
    #[cfg(test)]
    throttle::pause();
    // SAFETY: HiGHS passes live pointers for the call; `data` is the budget `minimise` keeps
    let (spent, budget) = unsafe { ((*out).mip_total_lp_iterations, &*data.cast::<Budget>()) };
    let spent = u64::try_from(spent).unwrap_or(0);
    let costly_root = spent > 0 && !budget.root_seen.replace(true) && {
        // the first check with iterations spent follows the root LP
        budget.stop_when_the_root_is_costly && spent.saturating_mul(3) > budget.lp_iterations
    };
    if costly_root || spent >= budget.lp_iterations {
        // SAFETY: as above
        unsafe { (*input).user_interrupt = 1 };
    }
}

/// The status, values, bound and duals of a solved model.
fn read(solved: &highs::SolvedModel) -> Result<Solved, SolveError> {
    let reached = match solved.status() {
        HighsModelStatus::Optimal => Reached::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(SolveError::Infeasible)
        }
        HighsModelStatus::ReachedTimeLimit => Reached::TimeLimit,
        // the only interrupt is the LP-iteration budget's callback
        HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget => Reached::WorkLimit,
        other => return Err(SolveError::Solver(format!("status {other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(SolveError::NoSolution);
    }
    let objective = solved.objective_value();
    let bound = match solved.double_info_value(c"mip_dual_bound") {
        Ok(b) if b.is_finite() && !b.is_nan() => b,
        _ if reached == Reached::Optimal => objective,
        _ => f64::NEG_INFINITY,
    };
    let solution = solved.get_solution();
    Ok(Solved {
        reached,
        objective,
        bound: bound.min(objective),
        values: solution.columns().to_vec(),
        row_duals: solution.dual_rows().to_vec(),
        iterations: u64::try_from(solved.simplex_iteration_count()).unwrap_or(0),
    })
}

/// An LP that grows by columns between solves (see [`Model::into_growing`]).
pub struct Growing {
    /// `None` only while HiGHS holds it for a solve.
    model: Option<highs::Model>,
    columns: usize,
}

impl Growing {
    /// Solves the LP as it stands; later solves start from this one's basis by primal simplex.
    pub fn solve(&mut self) -> Result<Solved, SolveError> {
        #[cfg(test)]
        throttle::pause();
        let model = self
            .model
            .take()
            .expect("the model is back after every solve");
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        let result = read(&solved);
        let mut model = highs::Model::from(solved);
        // new columns enter at 0, so the basis stays primal feasible: primal simplex goes on
        // from it (dual simplex was far slower a round, BENCHMARKS.md, "Why the code is as it is")
        set(&mut model, "solver", "simplex")?;
        set(&mut model, "simplex_strategy", 4)?;
        self.model = Some(model);
        result
    }

    /// Adds a column `lower ≤ x ≤ upper` with `cost` in the objective and `rows` as
    /// (row index, coefficient); returns its column index.
    pub fn add_column(
        &mut self,
        cost: f64,
        lower: f64,
        upper: f64,
        rows: &[(usize, f64)],
    ) -> Result<usize, SolveError> {
        let model = self.model.as_mut().expect("not solving");
        let index: Vec<highs_sys::HighsInt> = rows
            .iter()
            .map(|&(r, _)| r as highs_sys::HighsInt)
            .collect();
        let value: Vec<f64> = rows.iter().map(|&(_, v)| v).collect();
        // SAFETY: the pointer is the live HiGHS instance `model` owns, and `index` and `value`
        // hold `rows.len()` entries each for the duration of the call, which copies them.
        let status = unsafe {
            highs_sys::Highs_addCol(
                model.as_mut_ptr(),
                cost,
                lower,
                upper,
                rows.len() as highs_sys::HighsInt,
                index.as_ptr(),
                value.as_ptr(),
            )
        };
        if status == highs_sys::kHighsStatusError {
            return Err(SolveError::Solver("HiGHS refused a column".into()));
        }
        self.columns += 1;
        Ok(self.columns - 1)
    }
}

fn set<V: highs::HighsOptionValue + Copy>(
    model: &mut highs::Model,
    key: &str,
    value: V,
) -> Result<(), SolveError> {
    model
        .try_set_option(key, value)
        .map_err(|e| SolveError::Solver(format!("option {key}: {e:?}")))
}

/// A slow machine, for tests: every solve, and every MIP's interrupt check, on a thread of a
/// rayon pool named [`throttle::SLOW`] first sleeps 20 ms. A plan that stops on
/// counted work comes out the same on it; one that read a clock would not.
#[cfg(test)]
pub(crate) mod throttle {
    /// The thread name of a pool whose threads are slowed.
    pub(crate) const SLOW: &str = "slow-worker";

    pub(super) fn pause() {
        if std::thread::current().name() == Some(SLOW) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::variable;
    use rand::{Rng, SeedableRng};

    /// HiGHS's own time limit (not the planner's size rule, which skips a MIP before it
    /// starts): the market split, whose LP bound 0 no branch and bound closes in 10 ms, stops
    /// with the warm start's incumbent, says so, and keeps a bound below it.
    #[test]
    fn a_mip_stopped_by_the_highs_time_limit_says_time_limit_and_keeps_its_bound() {
        let (m, slack, start) = market_split();
        let limits = Limits {
            time_limit: Some(0.01),
            rel_gap: 0.0,
            abs_gap: 0.0,
            presolve: false,
            interior_point: false,
            node_limit: None,
            lp_iterations: None,
            stop_when_the_root_is_costly: false,
            sub_mip_heuristics: true,
            strong_branching: true,
        };
        let solved = m
            .minimise(slack, limits, Some(&start))
            .expect("an incumbent");
        assert_eq!(solved.reached, Reached::TimeLimit);
        assert!(solved.objective > 0.5, "{}", solved.objective);
        assert!(solved.bound < solved.objective, "{solved:?}");
    }

    /// The same instance stopped by a node limit says so (counted work, not the clock), and
    /// stops at the same point every time: same incumbent, same bound, same iterations.
    #[test]
    fn a_mip_stopped_by_its_node_limit_says_work_limit_and_stops_at_the_same_point() {
        let run = || {
            let (m, slack, start) = market_split();
            let limits = Limits {
                node_limit: Some(20),
                ..Limits::EXACT
            };
            let limits = Limits {
                presolve: false,
                ..limits
            };
            m.minimise(slack, limits, Some(&start))
                .expect("an incumbent")
        };
        let (a, b) = (run(), run());
        assert_eq!(a.reached, Reached::WorkLimit);
        assert!(a.iterations > 0);
        assert_eq!(
            (a.objective, a.bound, a.iterations, &a.values),
            (b.objective, b.bound, b.iterations, &b.values)
        );
    }

    /// A root LP that takes more than a third of the LP-iteration budget stops the MIP right
    /// after it when asked to (and only then): the same budget without the rule goes on.
    #[test]
    fn a_costly_root_stops_the_mip_after_its_root_lp_only_when_asked() {
        let run = |budget: u64, stop_when_the_root_is_costly: bool| {
            let (m, slack, start) = market_split();
            let limits = Limits {
                presolve: false,
                node_limit: Some(200),
                lp_iterations: Some(budget),
                stop_when_the_root_is_costly,
                ..Limits::EXACT
            };
            m.minimise(slack, limits, Some(&start))
                .expect("an incumbent")
        };
        // a budget of one stops at the first check after the root LP: its iterations
        let root = run(1, false).iterations;
        assert!(root > 0);
        let budget = 3 * root - 1;
        let costly = run(budget, true);
        assert_eq!(costly.reached, Reached::WorkLimit);
        assert_eq!(costly.iterations, root);
        let on = run(budget, false);
        assert!(on.iterations > root, "{} against {root}", on.iterations);
        // a budget the root fits in three times over is not cut short
        assert!(run(3 * root, true).iterations > root);
    }

    /// `sub_mip_heuristics: false` reaches HiGHS as RENS and RINS off, `strong_branching:
    /// false` as pseudocosts trusted from the start (`mip_pscost_minreliable` 0, not HiGHS's
    /// 8); by default each stays as HiGHS has it.
    #[test]
    fn sub_mip_heuristics_and_strong_branching_off_reach_highs() {
        let options = |sub_mip_heuristics: bool, strong_branching: bool| {
            let (m, slack, _) = market_split();
            let limits = Limits {
                sub_mip_heuristics,
                strong_branching,
                ..Limits::EXACT
            };
            let mut model = m.prepare(slack, limits).unwrap();
            let ptr = model.as_mut_ptr();
            let read = |key: &std::ffi::CStr, int: bool| {
                let mut value: highs_sys::HighsInt = -1;
                // SAFETY: `ptr` is the live HiGHS instance `model` owns; `key` is a C string
                // and `value` outlives the call
                let status = unsafe {
                    if int {
                        highs_sys::Highs_getIntOptionValue(ptr, key.as_ptr(), &mut value)
                    } else {
                        highs_sys::Highs_getBoolOptionValue(ptr, key.as_ptr(), &mut value)
                    }
                };
                assert_eq!(status, highs_sys::kHighsStatusOk);
                value
            };
            [
                read(c"mip_heuristic_run_rens", false),
                read(c"mip_heuristic_run_rins", false),
                read(c"mip_pscost_minreliable", true),
            ]
        };
        assert_eq!(options(false, true), [0, 0, 8]);
        assert_eq!(options(true, false), [1, 1, 0]);
        assert_eq!(options(true, true), [1, 1, 8]);
    }

    /// A market-split instance (Cornuéjols and Dawande): 6 equations over 50 binaries with
    /// slack, whose LP bound 0 no branch and bound closes quickly; the start has every x at 0.
    fn market_split() -> (Model, Expression, Vec<f64>) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut m = Model::default();
        let xs: Vec<Variable> = (0..50).map(|_| m.add(variable().binary()).0).collect();
        let mut slack = Expression::from(0.0);
        let mut start = vec![0.0; xs.len()];
        for _ in 0..6 {
            let a: Vec<f64> = (0..xs.len())
                .map(|_| f64::from(rng.gen_range(0..100u32)))
                .collect();
            let b = (a.iter().sum::<f64>() / 2.0).floor();
            let (up, _) = m.add(variable().min(0.0));
            let (down, _) = m.add(variable().min(0.0));
            let lhs: Expression = xs.iter().zip(&a).map(|(x, c)| *c * *x).sum();
            m.constrain((lhs + up - down).eq(b));
            slack += up + down;
            start.extend([b, 0.0]); // every x at 0: the slack takes the whole right-hand side
        }
        (m, slack, start)
    }
}

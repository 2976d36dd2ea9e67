//! Assessment panels as an integer program: which experts assess which applicant on site.
//!
//! Each applicant gets exactly `size` experts or none (`x[a][k]` picks candidate k of applicant
//! a, `y[a]` says a has a panel); the callers offer only experts the hard rules allow, so the
//! model itself only knows capacities and coverage. Four objectives are solved one after the
//! other, each held at its value while the next is optimised: applicants with a panel, applied
//! occupations covered (`z[a][o]`), expert travel, and the busiest expert's load.

use super::highs::{Limits, Model, Reached, Solved};
use super::{SolveError, StageResult};
use good_lp::{variable, Expression, Variable};
use std::time::Instant;

/// What the model needs to know, as indices: the callers resolve the case.
#[derive(Debug, Clone)]
pub struct PanelProblem {
    /// Experts on every panel (at least 2).
    pub size: u32,
    /// Panels each expert can sit (`max_panels`).
    pub capacity: Vec<u32>,
    pub applicants: Vec<Applicant>,
}

/// One institution with a pending filing and the experts who may assess it.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// How many occupations it applied for.
    pub occupations: usize,
    /// Experts the hard rules allow (qualified, no conflict), in a fixed order.
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub expert: usize,
    /// Indices (below `occupations`) of the applied occupations the expert covers.
    pub covers: Vec<usize>,
    pub km: f64,
}

/// Each applicant's panel (expert indices, empty for none) and each stage's value and bound.
#[derive(Debug, Clone)]
pub struct PanelPlan {
    pub panels: Vec<Vec<usize>>,
    /// Applicants with a panel (a maximum: its bound is an upper bound).
    pub with_panel: StageResult,
    /// Applied occupations the panels cover (a maximum).
    pub covered: StageResult,
    /// Expert travel, km (a minimum).
    pub travel: StageResult,
    /// Panels of the busiest expert (a minimum).
    pub busiest: StageResult,
}

/// The columns of one build of the model.
struct Columns {
    /// `(applicant, candidate, column)`.
    x: Vec<(usize, usize, usize)>,
    y: Vec<usize>,
    /// `(applicant, occupation, column)`.
    z: Vec<(usize, usize, usize)>,
    busiest: Option<usize>,
}

/// The four objectives, in the order they are optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    WithPanel,
    Covered,
    Travel,
    Busiest,
}

/// Values the earlier stages reached, held while later stages run.
#[derive(Default, Clone, Copy)]
struct Held {
    with_panel: f64,
    covered: f64,
    travel: f64,
}

/// Solves the four stages. `limits` apply to each MIP.
pub fn assign(problem: &PanelProblem, limits: Limits) -> Result<PanelPlan, SolveError> {
    let mut held = Held::default();
    let mut start: Option<Vec<f64>> = None;
    let mut results = Vec::new();
    for stage in [
        Stage::WithPanel,
        Stage::Covered,
        Stage::Travel,
        Stage::Busiest,
    ] {
        let clock = Instant::now();
        let (model, columns, objective) = build(problem, stage, held);
        let warm = start.as_ref().map(|s| extend_start(problem, &columns, s));
        let solved = model.minimise(objective, limits, warm.as_deref())?;
        let seconds = clock.elapsed().as_secs_f64();
        let values = panel_values(problem, &columns, &solved);
        match stage {
            Stage::WithPanel => held.with_panel = values.with_panel,
            Stage::Covered => held.covered = values.covered,
            Stage::Travel => held.travel = values.travel,
            Stage::Busiest => {}
        }
        results.push(stage_result(problem, stage, &solved, &values, seconds));
        start = Some(solved.values);
    }
    let last = start.expect("four stages ran");
    let (_, columns, _) = build(problem, Stage::Busiest, held);
    let mut panels = vec![Vec::new(); problem.applicants.len()];
    for &(a, k, col) in &columns.x {
        if last[col] > 0.5 {
            panels[a].push(problem.applicants[a].candidates[k].expert);
        }
    }
    let mut results = results.into_iter();
    Ok(PanelPlan {
        panels,
        with_panel: results.next().expect("stage 1"),
        covered: results.next().expect("stage 2"),
        travel: results.next().expect("stage 3"),
        busiest: results.next().expect("stage 4"),
    })
}

/// The model with the objective of `stage` and the earlier stages held at their values.
fn build(problem: &PanelProblem, stage: Stage, held: Held) -> (Model, Columns, Expression) {
    let mut m = Model::default();
    let mut cols = Columns {
        x: Vec::new(),
        y: Vec::new(),
        z: Vec::new(),
        busiest: None,
    };
    let mut load: Vec<Expression> = vec![Expression::default(); problem.capacity.len()];
    let (mut with_panel, mut covered, mut travel) = (
        Expression::default(),
        Expression::default(),
        Expression::default(),
    );
    let size = f64::from(problem.size);
    for (a, applicant) in problem.applicants.iter().enumerate() {
        let (y, col) = m.add(variable().binary());
        cols.y.push(col);
        with_panel.add_mul(1.0, y);
        let mut members = Expression::default();
        let mut covering = Expression::default();
        let mut per_occupation: Vec<Vec<Variable>> = vec![Vec::new(); applicant.occupations];
        for (k, c) in applicant.candidates.iter().enumerate() {
            let (x, col) = m.add(variable().binary());
            cols.x.push((a, k, col));
            members.add_mul(1.0, x);
            if !c.covers.is_empty() {
                covering.add_mul(1.0, x);
            }
            for &o in &c.covers {
                per_occupation[o].push(x);
            }
            load[c.expert].add_mul(1.0, x);
            travel.add_mul(c.km, x);
        }
        m.constrain((members - size * y).eq(0.0));
        m.constrain((covering - y).geq(0.0));
        if stage >= Stage::Covered {
            for (o, xs) in per_occupation.iter().enumerate() {
                if xs.is_empty() {
                    continue;
                }
                let (z, col) = m.add(variable().binary());
                cols.z.push((a, o, col));
                covered.add_mul(1.0, z);
                let mut sum = Expression::default();
                for &x in xs {
                    sum.add_mul(1.0, x);
                }
                m.constrain((sum - z).geq(0.0));
            }
        }
    }
    let busiest = (stage == Stage::Busiest).then(|| m.add(variable().integer().min(0)));
    if let Some((_, col)) = busiest {
        cols.busiest = Some(col);
    }
    for (e, l) in load.into_iter().enumerate() {
        m.constrain(l.clone().leq(f64::from(problem.capacity[e])));
        if let Some((b, _)) = busiest {
            m.constrain((l - b).leq(0.0));
        }
    }
    // earlier stages held at the values they reached (travel with room for rounding)
    if stage > Stage::WithPanel {
        m.constrain(with_panel.clone().geq(held.with_panel - 0.5));
    }
    if stage > Stage::Covered {
        m.constrain(covered.clone().geq(held.covered - 0.5));
    }
    if stage > Stage::Travel {
        m.constrain(
            travel
                .clone()
                .leq(held.travel + 1e-6 * held.travel.max(1.0)),
        );
    }
    let objective = match stage {
        Stage::WithPanel => -with_panel,
        Stage::Covered => -covered,
        Stage::Travel => travel,
        Stage::Busiest => busiest
            .map(|(b, _)| Expression::from(b))
            .unwrap_or_default(),
    };
    (m, cols, objective)
}

/// The previous stage's solution as a start for `columns` (new columns filled in).
fn extend_start(problem: &PanelProblem, columns: &Columns, previous: &[f64]) -> Vec<f64> {
    let total = columns.x.len()
        + columns.y.len()
        + columns.z.len()
        + usize::from(columns.busiest.is_some());
    let mut start = vec![0.0; total];
    let mut load = vec![0.0; problem.capacity.len()];
    let mut covered: Vec<Vec<usize>> = vec![Vec::new(); problem.applicants.len()];
    for &(a, k, col) in &columns.x {
        let v = previous.get(col).copied().unwrap_or(0.0).round();
        start[col] = v;
        let c = &problem.applicants[a].candidates[k];
        load[c.expert] += v;
        if v > 0.5 {
            covered[a].extend(&c.covers);
        }
    }
    for &col in &columns.y {
        start[col] = previous.get(col).copied().unwrap_or(0.0).round();
    }
    for &(a, o, col) in &columns.z {
        start[col] = if covered[a].contains(&o) { 1.0 } else { 0.0 };
    }
    if let Some(col) = columns.busiest {
        start[col] = load.iter().copied().fold(0.0, f64::max);
    }
    start
}

/// The four objectives' values in a solution.
struct Values {
    with_panel: f64,
    covered: f64,
    travel: f64,
    busiest: f64,
}

fn panel_values(problem: &PanelProblem, columns: &Columns, solved: &Solved) -> Values {
    let on = |col: usize| solved.values.get(col).is_some_and(|v| *v > 0.5);
    let mut load = vec![0u32; problem.capacity.len()];
    let mut covered = vec![Vec::<usize>::new(); problem.applicants.len()];
    let mut travel = 0.0;
    for &(a, k, col) in &columns.x {
        if on(col) {
            let c = &problem.applicants[a].candidates[k];
            load[c.expert] += 1;
            travel += c.km;
            covered[a].extend(&c.covers);
        }
    }
    for c in &mut covered {
        c.sort_unstable();
        c.dedup();
    }
    Values {
        with_panel: columns.y.iter().filter(|&&c| on(c)).count() as f64,
        covered: covered.iter().map(Vec::len).sum::<usize>() as f64,
        travel,
        busiest: f64::from(load.iter().copied().max().unwrap_or(0)),
    }
}

/// A stage's value and bound in its own sense: the two maximised stages report an upper bound.
fn stage_result(
    problem: &PanelProblem,
    stage: Stage,
    solved: &Solved,
    values: &Values,
    seconds: f64,
) -> StageResult {
    let proven = solved.reached == Reached::Optimal;
    let (value, bound) = match stage {
        // minimised as the negated count: the lower bound of −count bounds the count above
        Stage::WithPanel => (
            values.with_panel,
            (-solved.bound).floor().min(problem.applicants.len() as f64),
        ),
        Stage::Covered => (
            values.covered,
            (-solved.bound).floor().min(
                problem
                    .applicants
                    .iter()
                    .map(|a| a.occupations)
                    .sum::<usize>() as f64,
            ),
        ),
        Stage::Travel => (values.travel, solved.bound.max(0.0)),
        Stage::Busiest => (values.busiest, solved.bound.ceil().max(0.0)),
    };
    let bound = match stage {
        Stage::WithPanel | Stage::Covered => bound.max(value),
        Stage::Travel | Stage::Busiest => bound.min(value),
    };
    StageResult {
        value,
        bound: if proven { value } else { bound },
        proven,
        mip: true,
        seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(expert: usize, covers: &[usize], km: f64) -> Candidate {
        Candidate {
            expert,
            covers: covers.to_vec(),
            km,
        }
    }

    /// Two applicants, each applied for two occupations; expert 0 covers both occupations of
    /// either but has one panel to give, so one applicant gets the second-best coverage.
    #[test]
    fn capacity_forces_the_second_best_coverage() {
        let applicant = |far: f64| Applicant {
            occupations: 2,
            candidates: vec![
                candidate(0, &[0, 1], far),
                candidate(1, &[0], 10.0),
                candidate(2, &[], 10.0),
            ],
        };
        let problem = PanelProblem {
            size: 2,
            capacity: vec![1, 2, 2],
            applicants: vec![applicant(100.0), applicant(50.0)],
        };
        let plan = assign(&problem, Limits::EXACT).unwrap();
        assert_eq!(plan.with_panel.value, 2.0);
        assert_eq!(plan.covered.value, 3.0, "2 + 1: expert 0 sits once");
        assert!(plan.covered.proven && plan.covered.bound == 3.0);
        // expert 0 goes to the nearer applicant
        assert!(plan.panels[1].contains(&0), "{:?}", plan.panels);
        assert_eq!(plan.travel.value, 50.0 + 10.0 + 10.0 + 10.0);
        assert_eq!(plan.busiest.value, 2.0);
    }

    #[test]
    fn an_applicant_without_a_covering_candidate_gets_no_panel() {
        let problem = PanelProblem {
            size: 2,
            capacity: vec![5, 5],
            applicants: vec![Applicant {
                occupations: 1,
                candidates: vec![candidate(0, &[], 0.0), candidate(1, &[], 0.0)],
            }],
        };
        let plan = assign(&problem, Limits::EXACT).unwrap();
        assert_eq!(plan.with_panel.value, 0.0);
        assert_eq!(plan.with_panel.bound, 0.0);
        assert!(plan.panels[0].is_empty());
    }
}

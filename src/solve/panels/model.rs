//! The panel model of one stage over a pool, as rows and columns: `x[a][k]` (candidate k on
//! applicant a's panel), `y[a]` (a has a panel), `z[a][o]` (occupation o covered), the busiest
//! load; with the earlier stages' values held. [`Layout`] says where each lives.

use super::*;

/// The rows and columns of one build of the model, for reading values and duals back.
pub(super) struct Layout {
    /// `(applicant, candidate, column)`.
    pub(super) x: Vec<(usize, usize, usize)>,
    pub(super) y: Vec<usize>,
    /// `(applicant, occupation) → (column, row)`.
    pub(super) z: HashMap<(usize, usize), (usize, usize)>,
    pub(super) busiest: Option<usize>,
    pub(super) members_row: Vec<usize>,
    pub(super) covering_row: Vec<usize>,
    pub(super) capacity_row: Vec<Option<usize>>,
    pub(super) busiest_row: Vec<Option<usize>>,
    pub(super) travel_row: Option<usize>,
}

/// The model over the pool with the objective of `stage` and the earlier stages held.
pub(super) fn build(
    problem: &PanelProblem,
    pool: &Pool,
    stage: Stage,
    held: Held,
    kind: Kind,
) -> (Model, Layout, Expression) {
    let mut m = Model::default();
    let experts = problem.capacity.len();
    let mut l = Layout {
        x: Vec::new(),
        y: Vec::new(),
        z: HashMap::default(),
        busiest: None,
        members_row: Vec::new(),
        covering_row: Vec::new(),
        capacity_row: vec![None; experts],
        busiest_row: vec![None; experts],
        travel_row: None,
    };
    let binary = || match kind {
        Kind::Mip => variable().binary(),
        Kind::Lp => variable().min(0).max(1),
    };
    let mut load: Vec<Expression> = vec![Expression::default(); experts];
    let mut callable = vec![false; experts];
    for c in problem.applicants.iter().flat_map(|a| &a.candidates) {
        callable[c.expert] = true;
    }
    let (mut with_panel, mut covered, mut travel) = (
        Expression::default(),
        Expression::default(),
        Expression::default(),
    );
    let size = f64::from(problem.size);
    for (a, applicant) in problem.applicants.iter().enumerate() {
        let (y, col) = m.add(binary());
        l.y.push(col);
        with_panel.add_mul(1.0, y);
        let mut members = Expression::default();
        let mut covering = Expression::default();
        let mut per_occupation: Vec<Option<Expression>> = vec![None; applicant.occupations];
        for c in &applicant.candidates {
            for &o in &c.covers {
                per_occupation[o].get_or_insert_with(Expression::default);
            }
        }
        for (k, c) in applicant.candidates.iter().enumerate() {
            if !pool.included[a][k] {
                continue;
            }
            let (x, col) = m.add(binary());
            l.x.push((a, k, col));
            members.add_mul(1.0, x);
            if !c.covers.is_empty() {
                covering.add_mul(1.0, x);
            }
            for &o in &c.covers {
                if let Some(e) = &mut per_occupation[o] {
                    e.add_mul(1.0, x);
                }
            }
            load[c.expert].add_mul(1.0, x);
            travel.add_mul(c.km, x);
        }
        l.members_row
            .push(m.constrain((members - size * y).eq(0.0)));
        l.covering_row.push(m.constrain((covering - y).geq(0.0)));
        for (o, sum) in per_occupation.into_iter().enumerate() {
            let Some(sum) = sum else { continue };
            let (z, col) = m.add(binary());
            covered.add_mul(1.0, z);
            let row = m.constrain((sum - z).geq(0.0));
            l.z.insert((a, o), (col, row));
        }
    }
    let busiest = (stage == Stage::Busiest).then(|| match kind {
        Kind::Mip => m.add(variable().integer().min(0)),
        Kind::Lp => m.add(variable().min(0)),
    });
    l.busiest = busiest.map(|(_, col)| col);
    // every expert someone may call gets its rows, even with no column yet: pricing may add one
    for (e, load) in load.into_iter().enumerate() {
        if !callable[e] {
            continue;
        }
        l.capacity_row[e] = Some(m.constrain(load.clone().leq(f64::from(problem.capacity[e]))));
        if let Some((b, _)) = busiest {
            l.busiest_row[e] = Some(m.constrain((load - b).leq(0.0)));
        }
    }
    // earlier stages held at the values they reached (travel with room for rounding)
    if stage > Stage::Coverage {
        m.constrain(with_panel.clone().geq(held.with_panel - 0.5));
        m.constrain(covered.clone().geq(held.covered - 0.5));
    }
    if stage > Stage::Travel {
        let slack = 1e-6 * held.travel.max(1.0);
        l.travel_row = Some(m.constrain(travel.clone().leq(held.travel + slack)));
    }
    let objective = match stage {
        Stage::Coverage => -(coverage_weight(problem) * with_panel + covered),
        Stage::Travel => travel,
        Stage::Busiest => busiest
            .map(|(b, _)| Expression::from(b))
            .unwrap_or_default(),
    };
    (m, l, objective)
}

/// A complete start for `layout` from a plan's (applicant, candidate) pairs, all in the pool.
pub(super) fn start_vector(
    problem: &PanelProblem,
    layout: &Layout,
    pairs: &[(usize, usize)],
) -> Vec<f64> {
    let total =
        layout.x.len() + layout.y.len() + layout.z.len() + usize::from(layout.busiest.is_some());
    let mut start = vec![0.0; total];
    let chosen: HashSet<(usize, usize)> = pairs.iter().copied().collect();
    let mut load = vec![0.0; problem.capacity.len()];
    let mut covered: HashSet<(usize, usize)> = HashSet::default();
    for &(a, k, col) in &layout.x {
        if chosen.contains(&(a, k)) {
            start[col] = 1.0;
            start[layout.y[a]] = 1.0;
            let c = &problem.applicants[a].candidates[k];
            load[c.expert] += 1.0;
            covered.extend(c.covers.iter().map(|&o| (a, o)));
        }
    }
    for (key, &(col, _)) in &layout.z {
        if covered.contains(key) {
            start[col] = 1.0;
        }
    }
    if let Some(col) = layout.busiest {
        start[col] = load.iter().copied().fold(0.0, f64::max);
    }
    start
}

/// The (applicant, candidate) pairs a MIP solution picks.
pub(super) fn solution_pairs(solved: &Solved, layout: &Layout) -> Vec<(usize, usize)> {
    layout
        .x
        .iter()
        .filter(|&&(_, _, col)| solved.values.get(col).is_some_and(|v| *v > 0.5))
        .map(|&(a, k, _)| (a, k))
        .collect()
}

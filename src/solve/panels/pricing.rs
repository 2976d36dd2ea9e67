//! Column generation for the panel model: a pool of candidates per applicant, grown by pricing
//! until no left-out candidate has a negative reduced cost, so the pool's LP optimum is the full
//! model's and a valid bound.

use super::*;

/// The candidates each applicant's columns come from: a few near experts per applied
/// occupation at first, grown by pricing until no left-out candidate could improve the LP.
pub(super) struct Pool {
    pub(super) included: Vec<Vec<bool>>,
}

impl Pool {
    /// Per applicant: the `size + 1` nearest candidates covering each applied occupation and
    /// the `size + 1` nearest of all (near first, then by expert).
    pub(super) fn initial(problem: &PanelProblem) -> Pool {
        let keep = problem.size as usize + 1;
        let included = problem
            .applicants
            .iter()
            .map(|a| {
                let mut order: Vec<usize> = (0..a.candidates.len()).collect();
                order.sort_by(|&i, &j| {
                    let (ci, cj) = (&a.candidates[i], &a.candidates[j]);
                    ci.km.total_cmp(&cj.km).then(ci.expert.cmp(&cj.expert))
                });
                let mut inc = vec![false; a.candidates.len()];
                for &k in order.iter().take(keep) {
                    inc[k] = true;
                }
                for o in 0..a.occupations {
                    for &k in order
                        .iter()
                        .filter(|&&k| a.candidates[k].covers.contains(&o))
                        .take(keep)
                    {
                        inc[k] = true;
                    }
                }
                inc
            })
            .collect();
        Pool { included }
    }

    /// Every candidate (the model without pricing, for tests).
    #[cfg(test)]
    pub(super) fn full(problem: &PanelProblem) -> Pool {
        Pool {
            included: problem
                .applicants
                .iter()
                .map(|a| vec![true; a.candidates.len()])
                .collect(),
        }
    }

    /// The candidates an LP solution uses, and those of `plan`.
    pub(super) fn support(problem: &PanelProblem, lp: &Lp, plan: &[(usize, usize)]) -> Pool {
        let mut pool = Pool {
            included: problem
                .applicants
                .iter()
                .map(|a| vec![false; a.candidates.len()])
                .collect(),
        };
        for &(a, k, col) in &lp.duals.layout.x {
            if lp.values.get(col).is_some_and(|v| *v > 1e-6) {
                pool.included[a][k] = true;
            }
        }
        pool.add(plan);
        pool
    }

    pub(super) fn add(&mut self, pairs: &[(usize, usize)]) {
        for &(a, k) in pairs {
            self.included[a][k] = true;
        }
    }
}

/// Grows the pool until the LP relaxation prices out: its optimum is the full model's. The LP
/// stays in HiGHS between rounds and each round's columns join the last basis.
pub(super) fn price(
    problem: &PanelProblem,
    pool: &mut Pool,
    stage: Stage,
    held: Held,
) -> Result<Lp, SolveError> {
    let (model, mut layout, objective) = build(problem, pool, stage, held, Kind::Lp);
    let mut lp = model.into_growing(objective, Limits::INTERIOR_POINT)?;
    loop {
        let clock = Instant::now();
        let solved = lp.solve()?;
        let duals = Duals {
            layout,
            row: solved.row_duals,
        };
        let negative = reduced_below(problem, pool, stage, &duals, -1e-7, PRICED_PER_APPLICANT);
        crate::progress::trace(|| {
            format!(
                "panels {stage:?}: LP over {} candidate(s) = {:.3} in {:.2} s; {} priced in",
                duals.layout.x.len(),
                solved.objective,
                clock.elapsed().as_secs_f64(),
                negative.len()
            )
        });
        if negative.is_empty() {
            return Ok(Lp {
                objective: solved.objective,
                values: solved.values,
                duals,
            });
        }
        layout = duals.layout;
        for &(a, k) in &negative {
            let (cost, rows) = column_of(problem, &layout, stage, a, k);
            let col = lp.add_column(cost, 0.0, 1.0, &rows)?;
            layout.x.push((a, k, col));
        }
        pool.add(&negative);
    }
}

/// A candidate's objective coefficient and its (row, coefficient) entries in `layout`'s rows,
/// as `build` writes them: the one place the pricing and the added columns read the model.
pub(super) fn column_of(
    problem: &PanelProblem,
    layout: &Layout,
    stage: Stage,
    a: usize,
    k: usize,
) -> (f64, Vec<(usize, f64)>) {
    let c = &problem.applicants[a].candidates[k];
    let mut rows = vec![(layout.members_row[a], 1.0)];
    if !c.covers.is_empty() {
        rows.push((layout.covering_row[a], 1.0));
    }
    for &o in &c.covers {
        if let Some(&(_, row)) = layout.z.get(&(a, o)) {
            rows.push((row, 1.0));
        }
    }
    rows.extend(layout.capacity_row[c.expert].map(|r| (r, 1.0)));
    rows.extend(layout.busiest_row[c.expert].map(|r| (r, 1.0)));
    rows.extend(layout.travel_row.map(|r| (r, c.km)));
    let cost = if stage == Stage::Travel { c.km } else { 0.0 };
    (cost, rows)
}

/// A priced-out LP relaxation: its optimum, solution and duals.
pub(super) struct Lp {
    pub(super) objective: f64,
    pub(super) values: Vec<f64>,
    pub(super) duals: Duals,
}

impl Lp {
    /// The plan when every panel variable is 0 or 1.
    pub(super) fn integral_plan(&self) -> Option<Vec<(usize, usize)>> {
        let l = &self.duals.layout;
        let whole = |col: usize| {
            let v = self.values.get(col).copied().unwrap_or(0.0);
            (v - v.round()).abs() < 1e-6
        };
        let all = l.x.iter().all(|&(_, _, c)| whole(c)) && l.y.iter().all(|&c| whole(c));
        all.then(|| {
            l.x.iter()
                .filter(|&&(_, _, c)| self.values[c] > 0.5)
                .map(|&(a, k, _)| (a, k))
                .collect()
        })
    }
}

/// An LP's row duals with the layout that names the rows.
pub(super) struct Duals {
    pub(super) layout: Layout,
    pub(super) row: Vec<f64>,
}

/// Candidates one pricing round adds per applicant at most, most negative reduced cost first:
/// the first stage's LP is so degenerate that adding every negative one took 290,000 columns
/// at once on 2,000 applicants. Two rather than four: more rounds, each cheaper, and on the
/// rounds of BENCHMARKS.md ("Hard quarters II", sixth step) a pool the MIPs did better on.
pub(super) const PRICED_PER_APPLICANT: usize = 2;

/// Left-out candidates whose reduced cost (objective coefficient less the duals of its rows)
/// is below `threshold`, at most `per_applicant` each (lowest cost, then nearest, then by expert).
pub(super) fn reduced_below(
    problem: &PanelProblem,
    pool: &Pool,
    stage: Stage,
    duals: &Duals,
    threshold: f64,
    per_applicant: usize,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (a, applicant) in problem.applicants.iter().enumerate() {
        let mut found: Vec<(f64, f64, usize, usize)> = Vec::new();
        for (k, c) in applicant.candidates.iter().enumerate() {
            if pool.included[a][k] {
                continue;
            }
            let (cost, rows) = column_of(problem, &duals.layout, stage, a, k);
            let d = cost - rows.iter().map(|&(r, v)| v * duals.row[r]).sum::<f64>();
            if d < threshold {
                found.push((d, c.km, c.expert, k));
            }
        }
        found.sort_by(|p, q| {
            p.0.total_cmp(&q.0)
                .then(p.1.total_cmp(&q.1))
                .then(p.2.cmp(&q.2))
        });
        out.extend(found.iter().take(per_applicant).map(|f| (a, f.3)));
    }
    out
}

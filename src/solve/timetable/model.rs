//! The timetable MIP's columns and rows: x (paper at slot), f (group flows to institutions or
//! prefecture pools), a (an institution's share of a pool), z (a paper's load at an institution
//! and slot), u (unseated), w (a clash of two papers at a slot), v (overlap credits).

use super::super::highs::Model;
use super::super::problem::{Group, Problem};
use crate::case::Case;
use good_lp::{variable, Expression, Variable};
use std::collections::BTreeMap;

pub(super) enum Objective {
    Deferred,
    Travel { max_deferred: f64 },
}

/// Which rows beyond the model's own a build adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rows {
    /// The model as it is: the whole quarter's stages.
    Plain,
    /// With clique rows: they prove a neighbourhood's small MIP quickly, but slow the whole
    /// quarter's root LP far more than they raise its bound, so only neighbourhoods get them
    /// (BENCHMARKS.md, "Why the code is as it is": clique rows).
    Cliques,
}

pub(super) struct Cols {
    /// x[p] = (slot, variable, column)
    pub(super) x: Vec<Vec<(usize, Variable, usize)>>,
    /// f[g] = flow of group g to each of its destinations `dest[g]` = (institution if the group
    /// is registered, else prefecture; km)
    pub(super) f: Vec<Vec<(Variable, usize)>>,
    pub(super) dest: Vec<Vec<(usize, f64)>>,
    /// a[(paper, institution)] = column of the institution's share of its prefecture's pool
    pub(super) a: BTreeMap<(usize, usize), usize>,
    pub(super) u: Vec<(Variable, usize)>,
    /// z[(paper, institution, slot)] = column
    pub(super) z: BTreeMap<(usize, usize, usize), usize>,
    /// w[conflict] = (slot, variable, column)
    pub(super) w: Vec<Vec<(usize, Variable, usize)>>,
    /// Overlap credits (conflict, pair, columns of its two groups' credits): deferrals counted
    /// both as clashes and as their groups' unseated.
    pub(super) v: Vec<(usize, usize, [usize; 2])>,
    pub(super) columns: usize,
}

pub(super) fn build(
    pb: &Problem,
    case: &Case,
    allowed: &[Vec<usize>],
    objective: Objective,
    rows: Rows,
) -> (Model, Expression, Cols) {
    let mut m = Model::default();
    let sittings = case.policy.sittings_per_paper as f64;
    let x: Vec<Vec<(usize, Variable, usize)>> = (0..pb.papers.len())
        .map(|p| {
            allowed[p]
                .iter()
                .map(|&t| {
                    let (v, col) = m.add(variable().binary());
                    (t, v, col)
                })
                .collect()
        })
        .collect();
    let dest = group_destinations(pb, case);
    let f: Vec<Vec<(Variable, usize)>> = pb
        .groups
        .iter()
        .zip(&dest)
        .map(|(g, d)| {
            d.iter()
                .map(|_| m.add(variable().min(0).max(g.n)))
                .collect()
        })
        .collect();
    let u: Vec<(Variable, usize)> = pb
        .groups
        .iter()
        .map(|g| m.add(variable().min(0).max(g.n)))
        .collect();
    // D[p][i]: registrations of paper p that may sit at institution i
    let mut reach: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); pb.papers.len()];
    for g in &pb.groups {
        for &(i, _) in &g.targets {
            *reach[g.paper].entry(i).or_default() += f64::from(g.n);
        }
    }
    let mut load: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut z_cols = BTreeMap::new();
    // flow into (paper, institution): registered groups directly, the others through a share
    // a[p,i] of their prefecture's pool, Σ_{i in q} a[p,i] = Σ_g f[g,q]
    let mut flow_in: Vec<BTreeMap<usize, Expression>> = vec![BTreeMap::new(); pb.papers.len()];
    let mut pool_in: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut shared: Vec<std::collections::BTreeSet<usize>> =
        vec![Default::default(); pb.papers.len()];
    for (g, group) in pb.groups.iter().enumerate() {
        match group.registered {
            Some(i) => flow_in[group.paper]
                .entry(i)
                .or_default()
                .add_mul(1.0, f[g][0].0),
            None => {
                for (k, &(q, _)) in dest[g].iter().enumerate() {
                    pool_in
                        .entry((group.paper, q))
                        .or_default()
                        .add_mul(1.0, f[g][k].0);
                }
                shared[group.paper].extend(group.targets.iter().map(|t| t.0));
            }
        }
    }
    let a_cols = pool_shares(&mut m, case, &shared, &reach, &mut flow_in, pool_in);
    for p in 0..pb.papers.len() {
        let sum: Expression = x[p].iter().map(|e| e.1).sum();
        if sittings <= 1.0 {
            m.constrain(sum.eq(1.0));
        } else {
            m.constrain(sum.clone().geq(1.0));
            m.constrain(sum.leq(sittings));
        }
        // links per (paper, prefecture, slot): (Σ_i z[p,i,t], Σ_i bound)
        let mut links: BTreeMap<(usize, usize), (Expression, f64)> = BTreeMap::new();
        for (&i, &d) in &reach[p] {
            let cap = f64::from(pb.capacity(i)).min(d);
            let q = case.institutions[i].prefecture;
            let mut total = Expression::default();
            for &(t, _, _) in &x[p] {
                let (z, col) = m.add(variable().min(0).max(cap));
                z_cols.insert((p, i, t), col);
                let link = links.entry((q, t)).or_default();
                link.0.add_mul(1.0, z);
                link.1 += cap;
                total.add_mul(1.0, z);
                load.entry((i, t)).or_default().add_mul(1.0, z);
            }
            let inflow = flow_in[p].remove(&i).unwrap_or_default();
            m.constrain((total - inflow).eq(0.0));
        }
        for ((_, t), (sum, bound)) in links {
            let xv = x[p]
                .iter()
                .find(|e| e.0 == t)
                .expect("link slot is allowed")
                .1;
            m.constrain((sum - bound * xv).leq(0.0));
        }
    }
    for (g, group) in pb.groups.iter().enumerate() {
        let seated: Expression = f[g].iter().map(|e| e.0).sum();
        m.constrain((seated + u[g].0).eq(f64::from(group.n)));
    }
    for ((i, _), e) in load {
        m.constrain(e.leq(f64::from(pb.capacity(i))));
    }
    let w: Vec<Vec<(usize, Variable, usize)>> = pb
        .conflicts
        .iter()
        .map(|c| {
            let mut ws = Vec::new();
            for &(t, xa, _) in &x[c.a] {
                if let Some(&(_, xb, _)) = x[c.b].iter().find(|e| e.0 == t) {
                    let (wv, col) = m.add(variable().min(0).max(1));
                    m.constrain((wv - xa - xb).geq(-1.0));
                    ws.push((t, wv, col));
                }
            }
            ws
        })
        .collect();
    if rows == Rows::Cliques && sittings <= 1.0 {
        clique_rows(&mut m, pb, &x, &w);
    }
    let mut deferred: Expression = u.iter().map(|e| e.0).sum();
    for (c, ws) in pb.conflicts.iter().zip(&w) {
        for &(_, wv, _) in ws {
            deferred.add_mul(c.weight, wv);
        }
    }
    // A clash defers one registration of each of its persons, from either paper, and that
    // registration is also among its group's unseated u[g] (it still counts in the group's
    // size): so it is credited back once. For each pair of groups (g, h) sharing persons,
    // v[g] + v[h] ≤ weight·Σ_t w, and a group's credits never exceed its unseated. Neither
    // side is favoured: the routing chooses which registration a clash defers.
    let mut v = Vec::new();
    let mut credit: BTreeMap<usize, Expression> = BTreeMap::new();
    for (ci, (c, ws)) in pb.conflicts.iter().zip(&w).enumerate() {
        if ws.is_empty() {
            continue;
        }
        let clash: Expression = ws.iter().map(|e| e.1).sum();
        let most = ws.len() as f64;
        for (k, pair) in c.pairs.iter().enumerate() {
            let (vg, col_g) = m.add(variable().min(0).max(pair.weight * most));
            let (vh, col_h) = m.add(variable().min(0).max(pair.weight * most));
            m.constrain((vg + vh - pair.weight * clash.clone()).leq(0.0));
            credit.entry(pair.g).or_default().add_mul(1.0, vg);
            credit.entry(pair.h).or_default().add_mul(1.0, vh);
            deferred.add_mul(-1.0, vg);
            deferred.add_mul(-1.0, vh);
            v.push((ci, k, [col_g, col_h]));
        }
    }
    for (g, e) in credit {
        m.constrain((e - u[g].0).leq(0.0));
    }
    let mut travel = Expression::default();
    for (g, d) in dest.iter().enumerate() {
        for (k, &(_, km)) in d.iter().enumerate() {
            if km > 0.0 {
                travel.add_mul(km, f[g][k].0);
            }
        }
    }
    let objective = match objective {
        Objective::Deferred => deferred,
        Objective::Travel { max_deferred } => {
            m.constrain(deferred.leq(max_deferred));
            travel
        }
    };
    let columns = m.columns();
    (
        m,
        objective,
        Cols {
            x,
            f,
            dest,
            a: a_cols,
            u,
            z: z_cols,
            w,
            v,
            columns,
        },
    )
}

/// Clique rows: n papers of a clique at one slot make n(n−1)/2 ≥ j·n − j(j+1)/2 clashing pairs
/// (any whole j ≥ 1), so at slot t, Σ_pairs w[·,t] ≥ j·Σ_p x[p,t] − j(j+1)/2. The pairwise rows
/// w ≥ x_a + x_b − 1 let a fractional timetable clash nowhere; these make the LP pay for the
/// clashes a clique larger than its slots forces. j runs to the clique's papers per slot, where
/// the tangent touches the even split.
fn clique_rows(
    m: &mut Model,
    pb: &Problem,
    x: &[Vec<(usize, Variable, usize)>],
    w: &[Vec<(usize, Variable, usize)>],
) {
    let conflict: BTreeMap<(usize, usize), usize> = pb
        .conflicts
        .iter()
        .enumerate()
        .map(|(k, c)| ((c.a.min(c.b), c.a.max(c.b)), k))
        .collect();
    for clique in super::cliques::covering(pb) {
        let mut slots: Vec<usize> = clique
            .iter()
            .flat_map(|&p| x[p].iter().map(|e| e.0))
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let deepest = (clique.len() / slots.len().max(1)).max(1);
        for &t in &slots {
            let at_t: Vec<(usize, Variable)> = clique
                .iter()
                .filter_map(|&p| x[p].iter().find(|e| e.0 == t).map(|e| (p, e.1)))
                .collect();
            if at_t.len() < 3 {
                continue; // two papers: their pairwise row says it all
            }
            let mut pairs = Expression::default();
            for (i, &(p, _)) in at_t.iter().enumerate() {
                for &(q, _) in &at_t[i + 1..] {
                    let k = conflict[&(p.min(q), p.max(q))];
                    let wv = w[k]
                        .iter()
                        .find(|e| e.0 == t)
                        .expect("both papers allow t")
                        .1;
                    pairs.add_mul(1.0, wv);
                }
            }
            let placed: Expression = at_t.iter().map(|e| e.1).sum();
            for j in 1..=deepest.min(at_t.len() - 1) {
                let j = j as f64;
                m.constrain((pairs.clone() - j * placed.clone()).geq(-j * (j + 1.0) / 2.0));
            }
        }
    }
}

/// The shares a[p,i] of each prefecture pool's flow of paper p that institution i takes (at most
/// what may reach i), added to `flow_in`, with one row per pool: Σ_{i in q} a[p,i] = its inflow.
/// Returns the shares' columns.
pub(super) fn pool_shares(
    m: &mut Model,
    case: &Case,
    shared: &[std::collections::BTreeSet<usize>],
    reach: &[BTreeMap<usize, f64>],
    flow_in: &mut [BTreeMap<usize, Expression>],
    mut pool_in: BTreeMap<(usize, usize), Expression>,
) -> BTreeMap<(usize, usize), usize> {
    let mut a_cols = BTreeMap::new();
    let mut pool_out: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (p, institutions) in shared.iter().enumerate() {
        for &i in institutions {
            let (a, col) = m.add(variable().min(0).max(reach[p][&i]));
            a_cols.insert((p, i), col);
            flow_in[p].entry(i).or_default().add_mul(1.0, a);
            pool_out
                .entry((p, case.institutions[i].prefecture))
                .or_default()
                .add_mul(1.0, a);
        }
    }
    for (key, out) in pool_out {
        let into = pool_in.remove(&key).unwrap_or_default();
        m.constrain((out - into).eq(0.0));
    }
    a_cols
}

/// Every group's destinations ([`destinations`]), in group order: what travel is counted
/// against, by the model and by `evaluate` alike.
pub(super) fn group_destinations(pb: &Problem, case: &Case) -> Vec<Vec<(usize, f64)>> {
    pb.groups.iter().map(|g| destinations(case, g)).collect()
}

/// A registered group flows to its institution; any other group to the prefectures of its
/// targets (all of a prefecture's filed institutions are equally far, so travel needs no more).
pub(super) fn destinations(case: &Case, g: &Group) -> Vec<(usize, f64)> {
    match g.registered {
        Some(i) => vec![(i, g.targets[0].1)],
        None => {
            let mut d: Vec<(usize, f64)> = Vec::new();
            for &(i, km) in &g.targets {
                let q = case.institutions[i].prefecture;
                if !d.iter().any(|e| e.0 == q) {
                    d.push((q, km));
                }
            }
            d
        }
    }
}

/// The model's deferred count and travel for a solution vector. The count is exact when
/// every person sharing papers holds two registrations; a person with more counts less (see
/// `Conflict::weight`), so a timetable's exact count comes from `evaluate`.
pub(super) fn measure(pb: &Problem, cols: &Cols, values: &[f64]) -> (f64, f64) {
    let mut deferred = 0.0;
    let mut travel = 0.0;
    for g in 0..pb.groups.len() {
        deferred += values[cols.u[g].1];
        for (k, &(_, km)) in cols.dest[g].iter().enumerate() {
            travel += km * values[cols.f[g][k].1];
        }
    }
    for (c, ws) in pb.conflicts.iter().zip(&cols.w) {
        for &(_, _, col) in ws {
            deferred += c.weight * values[col];
        }
    }
    for &(_, _, cols) in &cols.v {
        deferred -= values[cols[0]] + values[cols[1]];
    }
    (deferred, travel)
}

pub(super) fn read_timetable(cols: &Cols, values: &[f64]) -> super::Timetable {
    cols.x
        .iter()
        .map(|xs| {
            xs.iter()
                .filter(|e| values[e.2] > 0.5)
                .map(|e| e.0)
                .collect()
        })
        .collect()
}

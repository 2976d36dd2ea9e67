//! Choosing each paper's slot: a MIP over papers × slots with routing aggregated per paper.
//!
//! With one sitting per paper, every candidate of a paper sits at the paper's slot, so a group's
//! flow to an institution needs no slot index: `f[g,i]` says how many of group g go to i, and
//! `z[p,i,t]` carries paper p's total at i into its slot. The link to the slot is one row per
//! paper, prefecture and slot, `Σ_i z[p,i,t] ≤ Σ_i min(D[p,i], cap[i])·x[p,t]`: exact for binary
//! x (z ≥ 0), a far smaller LP than a row per z (1.1M → 0.29M rows at 1,000,000 registrations,
//! same proven results on the reference, 3,000 and 100,000 cases). Slots with the same set of
//! admissible papers are interchangeable; we break that symmetry by letting the j-th paper use
//! only the first j slots of each class. Objectives are solved in order: deferred, then
//! travel with deferred fixed; each stage starts from the best plan known so far.

use super::highs::{Limits, Model, Reached, SolveError};
use super::problem::Problem;
use super::routing::Routing;
use super::Settings;
use crate::case::Case;
use good_lp::{variable, Expression, Variable};
use std::collections::BTreeMap;

/// The slots each paper sits at (indices into `case.sessions`), per paper of the problem.
pub type Timetable = Vec<Vec<usize>>;

/// What one objective stage reached.
#[derive(Debug, Clone, Copy)]
pub struct StageResult {
    pub value: f64,
    pub bound: f64,
    /// Proven optimal (within the gap), or stopped at the time limit.
    pub proven: bool,
    /// Solved by a MIP (false: the starting plan already met a proven bound).
    pub mip: bool,
    pub seconds: f64,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub timetable: Timetable,
    pub deferred: StageResult,
    pub travel: StageResult,
    /// The routing of `timetable` when a start already computed it, with the group sizes it
    /// routed: the final routing reuses it when its sizes are the same.
    pub routed: Option<(Vec<u32>, Routing)>,
}

enum Objective {
    Deferred,
    Travel { max_deferred: f64 },
}

struct Cols {
    /// x[p] = (slot, variable, column)
    x: Vec<Vec<(usize, Variable, usize)>>,
    /// f[g] = flow of group g to each of its destinations `dest[g]` = (institution if the group
    /// is registered, else prefecture; km)
    f: Vec<Vec<(Variable, usize)>>,
    dest: Vec<Vec<(usize, f64)>>,
    /// a[(paper, institution)] = column of the institution's share of its prefecture's pool
    a: BTreeMap<(usize, usize), usize>,
    u: Vec<(Variable, usize)>,
    /// z[(paper, institution, slot)] = column
    z: BTreeMap<(usize, usize, usize), usize>,
    /// w[conflict] = (slot, variable, column)
    w: Vec<Vec<(usize, Variable, usize)>>,
    /// Overlap credits (conflict, group, column): deferrals counted both as conflicts and as
    /// capacity shortfalls.
    v: Vec<(usize, usize, usize)>,
    columns: usize,
}

/// Slots grouped by the set of papers they admit: within a class slots are interchangeable.
fn slot_classes(pb: &Problem, slots: usize) -> Vec<Vec<usize>> {
    let mut classes: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for t in 0..slots {
        let admits: Vec<usize> = (0..pb.papers.len())
            .filter(|&p| pb.paper_slots[p].contains(&t))
            .collect();
        classes.entry(admits).or_default().push(t);
    }
    classes.into_values().collect()
}

/// Papers in symmetry-breaking order: most registrations first.
fn paper_order(pb: &Problem) -> Vec<usize> {
    let mut n = vec![0u64; pb.papers.len()];
    for g in &pb.groups {
        n[g.paper] += u64::from(g.n);
    }
    let mut order: Vec<usize> = (0..pb.papers.len()).collect();
    order.sort_by(|&a, &b| n[b].cmp(&n[a]).then(a.cmp(&b)));
    order
}

/// `allowed[p]`: the slots paper p's x variables exist for, after symmetry breaking.
fn allowed_slots(pb: &Problem, case: &Case) -> Vec<Vec<usize>> {
    let mut allowed = pb.paper_slots.clone();
    if case.policy.sittings_per_paper != 1 {
        return allowed;
    }
    let order = paper_order(pb);
    for class in slot_classes(pb, case.sessions.len()) {
        let mut rank = 0;
        for &p in &order {
            if !pb.paper_slots[p].contains(&class[0]) {
                continue;
            }
            rank += 1;
            allowed[p].retain(|t| {
                !class.contains(t) || class.iter().position(|c| c == t).unwrap() < rank
            });
        }
    }
    allowed
}

/// Relabels slots inside each class so `tt` satisfies the symmetry-breaking rule.
pub fn canonical(pb: &Problem, case: &Case, tt: &Timetable) -> Timetable {
    if case.policy.sittings_per_paper != 1 {
        return tt.clone();
    }
    let order = paper_order(pb);
    let mut map: BTreeMap<usize, usize> = BTreeMap::new();
    for class in slot_classes(pb, case.sessions.len()) {
        let mut next = 0;
        for &p in &order {
            for &t in &tt[p] {
                if class.contains(&t) && !map.contains_key(&t) {
                    map.insert(t, class[next]);
                    next += 1;
                }
            }
        }
    }
    tt.iter()
        .map(|slots| slots.iter().map(|t| *map.get(t).unwrap_or(t)).collect())
        .collect()
}

fn build(
    pb: &Problem,
    case: &Case,
    allowed: &[Vec<usize>],
    objective: Objective,
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
    let dest: Vec<Vec<(usize, f64)>> = pb.groups.iter().map(|g| destinations(case, g)).collect();
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
    let mut deferred: Expression = u.iter().map(|e| e.0).sum();
    for (c, ws) in pb.conflicts.iter().zip(&w) {
        for &(_, wv, _) in ws {
            deferred.add_mul(f64::from(c.persons), wv);
        }
    }
    // A clash defers known registrations (the later of each person's pair) which still count
    // in their group's load; when that group is also short of seats, the shortfall can fall on
    // exactly those registrations, so they are deferred once, not twice:
    // v[c,g] ≤ k[c,g]·Σ_t w[c,t] and Σ_c v[c,g] ≤ u[g] credit the overlap.
    let mut v = Vec::new();
    let mut credit: BTreeMap<usize, Expression> = BTreeMap::new();
    for (ci, (c, ws)) in pb.conflicts.iter().zip(&w).enumerate() {
        if ws.is_empty() {
            continue;
        }
        let clash: Expression = ws.iter().map(|e| e.1).sum();
        for &(g, k) in &c.losers {
            let (vv, col) = m.add(variable().min(0).max(k));
            m.constrain((vv - f64::from(k) * clash.clone()).leq(0.0));
            credit.entry(g).or_default().add_mul(1.0, vv);
            deferred.add_mul(-1.0, vv);
            v.push((ci, g, col));
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

/// A registered group flows to its institution; any other group to the prefectures of its
/// targets (all of a prefecture's filed institutions are equally far, so travel needs no more).
fn destinations(case: &Case, g: &super::problem::Group) -> Vec<(usize, f64)> {
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

/// The model's deferred count and travel for a solution vector.
fn measure(pb: &Problem, cols: &Cols, values: &[f64]) -> (f64, f64) {
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
            deferred += f64::from(c.persons) * values[col];
        }
    }
    for &(_, _, col) in &cols.v {
        deferred -= values[col];
    }
    (deferred, travel)
}

fn read_timetable(cols: &Cols, values: &[f64]) -> Timetable {
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

/// The cost the start heuristic works with, per paper placement: persons whose two papers
/// share a slot, registrations pinned to an institution beyond its seats at the slot (both
/// are certain deferrals), then — far lighter — overflow of the expected unpinned load, which
/// routing can usually send elsewhere.
struct Proxy<'a> {
    pb: &'a Problem,
    cap: Vec<f64>,
    /// per paper: (institution, pinned registrations, expected unpinned registrations)
    demand: Vec<Vec<(usize, f64, f64)>>,
    /// per paper: (other paper, persons)
    clashes: Vec<Vec<(usize, f64)>>,
    pinned: Vec<Vec<f64>>,
    soft: Vec<Vec<f64>>,
    slot: Vec<Option<usize>>,
}

const SOFT: f64 = 1e-3;

impl<'a> Proxy<'a> {
    fn new(pb: &'a Problem, case: &Case) -> Proxy<'a> {
        let cap: Vec<f64> = (0..case.institutions.len())
            .map(|i| f64::from(pb.capacity(i)))
            .collect();
        let mut per: Vec<BTreeMap<usize, (f64, f64)>> = vec![BTreeMap::new(); pb.papers.len()];
        for g in &pb.groups {
            if g.registered.is_some() {
                per[g.paper].entry(g.targets[0].0).or_default().0 += f64::from(g.n);
                continue;
            }
            let nearest = g.targets[0].1;
            let tier: Vec<usize> = g
                .targets
                .iter()
                .filter(|t| t.1 <= nearest)
                .map(|t| t.0)
                .collect();
            let total: f64 = tier.iter().map(|&i| cap[i].max(1.0)).sum();
            for &i in &tier {
                per[g.paper].entry(i).or_default().1 += f64::from(g.n) * cap[i].max(1.0) / total;
            }
        }
        let mut clashes = vec![Vec::new(); pb.papers.len()];
        for c in &pb.conflicts {
            clashes[c.a].push((c.b, f64::from(c.persons)));
            clashes[c.b].push((c.a, f64::from(c.persons)));
        }
        let slots = case.sessions.len();
        Proxy {
            pb,
            demand: per
                .into_iter()
                .map(|m| m.into_iter().map(|(i, (a, b))| (i, a, b)).collect())
                .collect(),
            clashes,
            pinned: vec![vec![0.0; slots]; cap.len()],
            soft: vec![vec![0.0; slots]; cap.len()],
            cap,
            slot: vec![None; pb.papers.len()],
        }
    }

    /// What placing paper `p` at slot `t` adds to the cost, given every other placement.
    fn cost_at(&self, p: usize, t: usize) -> f64 {
        let mut cost = 0.0;
        for &(q, persons) in &self.clashes[p] {
            if self.slot[q] == Some(t) {
                cost += persons;
            }
        }
        for &(i, pinned, soft) in &self.demand[p] {
            let (pin0, soft0, cap) = (self.pinned[i][t], self.soft[i][t], self.cap[i]);
            cost += (pin0 + pinned - cap).max(0.0) - (pin0 - cap).max(0.0);
            cost += SOFT
                * ((pin0 + soft0 + pinned + soft - cap).max(0.0) - (pin0 + soft0 - cap).max(0.0));
        }
        cost
    }

    /// Fullest institution at slot t after placing p (a tie-breaker that spreads load).
    fn fill_at(&self, p: usize, t: usize) -> f64 {
        self.demand[p]
            .iter()
            .map(|&(i, a, b)| (self.pinned[i][t] + self.soft[i][t] + a + b) / self.cap[i].max(1.0))
            .fold(0.0, f64::max)
    }

    fn place(&mut self, p: usize, t: Option<usize>) {
        if let Some(old) = self.slot[p] {
            for &(i, a, b) in &self.demand[p] {
                self.pinned[i][old] -= a;
                self.soft[i][old] -= b;
            }
        }
        if let Some(new) = t {
            for &(i, a, b) in &self.demand[p] {
                self.pinned[i][new] += a;
                self.soft[i][new] += b;
            }
        }
        self.slot[p] = t;
    }

    fn best_slot(&self, p: usize) -> Option<usize> {
        let mut best: Option<(f64, f64, usize)> = None;
        for &t in &self.pb.paper_slots[p] {
            let key = (self.cost_at(p, t), self.fill_at(p, t), t);
            if best.is_none_or(|b| (key.0, key.1) < (b.0 - 1e-9, b.1)) {
                best = Some(key);
            }
        }
        best.map(|b| b.2)
    }
}

/// A start timetable: biggest papers first, each to the admissible slot of least proxy cost,
/// then single-paper moves while any move lowers the cost.
pub fn greedy(pb: &Problem, case: &Case) -> Timetable {
    let mut proxy = Proxy::new(pb, case);
    let order = paper_order(pb);
    for &p in &order {
        let t = proxy.best_slot(p);
        proxy.place(p, t);
    }
    for _ in 0..50 {
        let mut improved = false;
        for &p in &order {
            let Some(now) = proxy.slot[p] else { continue };
            proxy.place(p, None);
            let here = proxy.cost_at(p, now);
            let best = proxy.best_slot(p).unwrap_or(now);
            let moved = best != now && proxy.cost_at(p, best) < here - 1e-9;
            proxy.place(p, Some(if moved { best } else { now }));
            improved |= moved;
        }
        if !improved {
            break;
        }
    }
    proxy
        .slot
        .iter()
        .map(|t| t.iter().copied().collect())
        .collect()
}

/// " (at most N s)" for progress messages.
fn limit_text(settings: &Settings) -> String {
    settings
        .time_limit
        .map_or(String::new(), |t| format!(" (at most {t:.0} s)"))
}

fn limits(settings: &Settings, integral: bool) -> Limits {
    Limits {
        time_limit: settings.time_limit,
        rel_gap: settings.gap,
        abs_gap: if integral { 0.99 } else { 1e-6 },
        presolve: false,
    }
}

/// A timetable with a complete, feasible solution vector for the MIPs.
struct Start {
    timetable: Timetable,
    deferred: f64,
    travel: f64,
    values: Vec<f64>,
    /// What the routing LPs routed (group sizes after clashes) and their result.
    sizes: Vec<u32>,
    routing: Routing,
}

/// Evaluates a timetable exactly and turns it into a complete start for the MIPs: with the
/// timetable fixed the model is the per-slot routing problem, so the routing LPs (in parallel)
/// give the flows, and every other column follows from them.
fn evaluate(pb: &Problem, case: &Case, cols: &Cols, tt: &Timetable) -> Result<Start, SolveError> {
    let clock = std::time::Instant::now();
    let clash: Vec<bool> = pb
        .conflicts
        .iter()
        .map(|c| tt[c.a].iter().any(|t| tt[c.b].contains(t)))
        .collect();
    let mut sizes: Vec<u32> = pb.groups.iter().map(|g| g.n).collect();
    for (conflict, _) in pb
        .conflicts
        .iter()
        .zip(&clash)
        .filter(|(_, &clashes)| clashes)
    {
        for &(g, k) in &conflict.losers {
            sizes[g] -= k.min(sizes[g]);
        }
    }
    let routing = super::routing::route(pb, case, tt, &sizes)?;
    let mut values = vec![0.0; cols.columns];
    for (p, xs) in cols.x.iter().enumerate() {
        for &(t, _, col) in xs {
            if tt[p].contains(&t) {
                values[col] = 1.0;
            }
        }
    }
    let mut seated = vec![0u32; pb.groups.len()];
    for f in &routing.flows {
        let group = &pb.groups[f.group];
        let k = match group.registered {
            Some(_) => 0,
            None => {
                let q = case.institutions[f.institution].prefecture;
                values[cols.a[&(group.paper, f.institution)]] += f64::from(f.count);
                cols.dest[f.group]
                    .iter()
                    .position(|d| d.0 == q)
                    .expect("routing uses the group's targets")
            }
        };
        values[cols.f[f.group][k].1] += f64::from(f.count);
        values[cols.z[&(group.paper, f.institution, f.slot)]] += f64::from(f.count);
        seated[f.group] += f.count;
    }
    let mut unseated: Vec<f64> = Vec::with_capacity(pb.groups.len());
    for (g, group) in pb.groups.iter().enumerate() {
        let u = f64::from(group.n - seated[g]);
        values[cols.u[g].1] = u;
        unseated.push(u);
    }
    for (c, ws) in pb.conflicts.iter().zip(&cols.w) {
        for &(t, _, col) in ws {
            if tt[c.a].contains(&t) && tt[c.b].contains(&t) {
                values[col] = 1.0;
            }
        }
    }
    for &(c, g, col) in &cols.v {
        if clash[c] {
            let k = pb.conflicts[c]
                .losers
                .iter()
                .find(|l| l.0 == g)
                .map_or(0, |l| l.1);
            let credit = f64::from(k).min(unseated[g]);
            values[col] = credit;
            unseated[g] -= credit;
        }
    }
    let (deferred, travel) = measure(pb, cols, &values);
    super::trace(|| {
        format!(
            "start evaluated by routing in {:.2} s",
            clock.elapsed().as_secs_f64()
        )
    });
    Ok(Start {
        timetable: tt.clone(),
        deferred,
        travel,
        values,
        sizes,
        routing,
    })
}

fn round_near_integers(mut values: Vec<f64>) -> Vec<f64> {
    for v in &mut values {
        let r = v.round();
        if (*v - r).abs() < 1e-6 {
            *v = r;
        }
    }
    values
}

/// Travel no plan seating all but `deferred` registrations can beat: everyone at the nearest
/// admissible institution, less the farthest-travelling `deferred` of them.
fn travel_floor(pb: &Problem, deferred: f64) -> f64 {
    let mut nearest: Vec<(f64, u32)> = pb.groups.iter().map(|g| (g.targets[0].1, g.n)).collect();
    let total: f64 = nearest.iter().map(|&(km, n)| km * f64::from(n)).sum();
    nearest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut left = deferred.max(0.0).round() as u64;
    let mut saved = 0.0;
    for (km, n) in nearest {
        if left == 0 {
            break;
        }
        let take = left.min(u64::from(n));
        saved += km * take as f64;
        left -= take;
    }
    (total - saved).max(0.0)
}

/// Deferrals no timetable avoids: registrations pinned to an institution (their registered one)
/// beyond what it seats. With s sittings per paper, one paper's pinned registrations at i get
/// at most s·cap[i] seats, and all of i's pinned registrations at most slots·cap[i].
fn pinned_floor(pb: &Problem, case: &Case) -> f64 {
    let sittings = f64::from(case.policy.sittings_per_paper);
    let mut pinned: BTreeMap<usize, BTreeMap<usize, f64>> = BTreeMap::new();
    for g in pb.groups.iter().filter(|g| g.registered.is_some()) {
        *pinned
            .entry(g.targets[0].0)
            .or_default()
            .entry(g.paper)
            .or_default() += f64::from(g.n);
    }
    pinned
        .into_iter()
        .map(|(i, papers)| {
            let cap = f64::from(pb.capacity(i));
            let slots = (0..case.sessions.len())
                .filter(|t| papers.keys().any(|&p| pb.paper_slots[p].contains(t)))
                .count() as f64;
            let per_paper: f64 = papers
                .values()
                .map(|&n| (n - sittings * cap).max(0.0))
                .sum();
            let total = papers.values().sum::<f64>() - slots * cap;
            per_paper.max(total).max(0.0)
        })
        .sum()
}

/// Does a start already meet both proven bounds: nothing deferred, travel at the floor?
fn meets_bounds(pb: &Problem, case: &Case, settings: &Settings, s: &Start) -> bool {
    let floor = travel_floor(pb, s.deferred);
    s.deferred <= pinned_floor(pb, case) + 0.5
        && (s.travel <= floor + 0.5 || s.travel - floor <= settings.gap * s.travel)
}

fn integral_km(pb: &Problem) -> bool {
    pb.groups
        .iter()
        .all(|g| g.targets.iter().all(|t| t.1.fract() == 0.0))
}

/// Solves the timetable: deferred first, then travel. `warm` is an earlier timetable (the
/// baseline of a what-if) tried as a start beside the greedy one.
pub fn solve(
    pb: &Problem,
    case: &Case,
    settings: &Settings,
    warm: Option<&Timetable>,
) -> Result<Outcome, SolveError> {
    let allowed = allowed_slots(pb, case);
    // every model built here has the same columns, so one layout serves all starts
    let clock = std::time::Instant::now();
    crate::progress::stage("building the timetable model and its start");
    let (stage1_model, stage1_objective, cols) = build(pb, case, &allowed, Objective::Deferred);
    super::trace(|| {
        format!(
            "timetable model built in {:.2} s",
            clock.elapsed().as_secs_f64()
        )
    });
    // The greedy start first (usually already at both proven bounds); the earlier timetable
    // (a what-if's baseline) is evaluated only when the greedy one leaves room to improve.
    let mut best = evaluate(pb, case, &cols, &canonical(pb, case, &greedy(pb, case)))?;
    let mut evaluated = 1;
    if let Some(w) = warm.filter(|_| !meets_bounds(pb, case, settings, &best)) {
        let admissible = w.len() == pb.papers.len()
            && w.iter()
                .enumerate()
                .all(|(p, s)| !s.is_empty() && s.iter().all(|t| pb.paper_slots[p].contains(t)));
        if admissible {
            let s = evaluate(pb, case, &cols, &canonical(pb, case, w))?;
            evaluated += 1;
            if (s.deferred, s.travel) < (best.deferred, best.travel) {
                best = s;
            }
        }
    }
    let mut start = best;
    // timetables already routed, for the final routing to reuse
    let mut routed_before = vec![(
        start.timetable.clone(),
        std::mem::take(&mut start.sizes),
        std::mem::take(&mut start.routing),
    )];
    super::trace(|| {
        format!(
            "start: deferred {} travel {} (of {evaluated} start(s))",
            start.deferred, start.travel
        )
    });

    // Stage 1: fewest deferred.
    let clock = std::time::Instant::now();
    let floor = pinned_floor(pb, case);
    let (deferred, stage1_values) = if start.deferred <= floor + 0.5 {
        let r = StageResult {
            value: start.deferred.round(),
            bound: floor,
            proven: true,
            mip: false,
            seconds: 0.0,
        };
        (r, start.values.clone())
    } else {
        crate::progress::stage(format!(
            "fewest deferred: HiGHS MIP{}",
            limit_text(settings)
        ));
        let solved = stage1_model.minimise(
            stage1_objective,
            limits(settings, true),
            Some(&start.values),
        )?;
        super::trace(|| {
            format!(
                "deferred stage: objective {} bound {} in {:.2} s",
                solved.objective,
                solved.bound,
                clock.elapsed().as_secs_f64()
            )
        });
        let value = solved.objective.round();
        let r = StageResult {
            value,
            // the credits make the LP bound negative at times; deferred is never below the floor
            bound: (solved.bound - 1e-6).ceil().max(floor).min(value),
            proven: solved.reached == Reached::Optimal,
            mip: true,
            seconds: clock.elapsed().as_secs_f64(),
        };
        (r, round_near_integers(solved.values))
    };

    // Stage 2: least travel with deferred held at its stage-1 value.
    let clock = std::time::Instant::now();
    let floor = travel_floor(pb, deferred.value);
    let (m, obj, _) = build(
        pb,
        case,
        &allowed,
        Objective::Travel {
            max_deferred: deferred.value + 1e-6,
        },
    );
    // the stage-1 timetable re-routed for least travel is usually a far better start than the
    // stage-1 solution itself (which had no reason to care about travel)
    let mut first = if start.deferred <= deferred.value + 1e-6 {
        start.values.clone()
    } else {
        stage1_values.clone()
    };
    let stage1_timetable = read_timetable(&cols, &stage1_values);
    if deferred.mip && stage1_timetable != start.timetable {
        let mut routed = evaluate(pb, case, &cols, &stage1_timetable)?;
        routed_before.push((
            routed.timetable.clone(),
            std::mem::take(&mut routed.sizes),
            std::mem::take(&mut routed.routing),
        ));
        let (_, travel_now) = measure(pb, &cols, &first);
        super::trace(|| {
            format!(
                "stage-1 timetable re-routed: deferred {} travel {} (start had {travel_now})",
                routed.deferred, routed.travel
            )
        });
        if routed.deferred <= deferred.value + 1e-6 && routed.travel < travel_now {
            first = routed.values;
        }
    }
    let first = &first;
    let (_, first_travel) = measure(pb, &cols, first);
    let (travel, values) = if first_travel <= floor + 0.5
        || first_travel - floor <= settings.gap * first_travel
    {
        let r = StageResult {
            value: first_travel,
            bound: floor,
            proven: true,
            mip: false,
            seconds: 0.0,
        };
        (r, first.clone())
    } else {
        crate::progress::stage(format!("least travel: HiGHS MIP{}", limit_text(settings)));
        let solved = m.minimise(obj, limits(settings, integral_km(pb)), Some(first))?;
        let r = StageResult {
            value: solved.objective,
            bound: solved.bound.max(floor).min(solved.objective),
            proven: solved.reached == Reached::Optimal,
            mip: true,
            seconds: clock.elapsed().as_secs_f64(),
        };
        super::trace(|| {
            let (d, t) = measure(pb, &cols, &solved.values);
            format!(
                "travel stage: objective {} bound {} measured deferred {d} travel {t} floor {floor}",
                solved.objective, solved.bound
            )
        });
        (r, round_near_integers(solved.values))
    };
    let timetable = read_timetable(&cols, &values);
    let routed = routed_before
        .into_iter()
        .find(|r| r.0 == timetable)
        .map(|r| (r.1, r.2));
    Ok(Outcome {
        timetable,
        deferred,
        travel,
        routed,
    })
}

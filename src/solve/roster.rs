//! One pool's exam-day roster as an integer program: members (one institution's staff of one
//! role) to posts (room sittings, or a site's 主考 / 巡考 places), each post wanting `need`.
//!
//! The contract's order — fewest missing, then the smallest largest load, then the smallest
//! spread — is one weighted objective that is exactly lexicographic: with K the slots the pool
//! spans, `(K+1)²·missing + (K+1)·L − ℓ` where L is the largest load and ℓ ≤ L the largest
//! "floor" every member meets unless they cannot work that much (δ_k = [ℓ ≥ k], ordered). The
//! last two terms span fewer than (K+1)² values, so no balance buys a missing invigilator.
//! When slots do not overlap (every plan's), the pool is a network flow and a few LPs reach the
//! same optimum with integral vertices ([`by_flows`]), about ten times faster than branch and
//! bound's fixed costs on thousands of small pools; otherwise, or should a vertex come back
//! fractional, HiGHS branches on the MIP and its bound is reported as what it is.

use super::highs::{Limits, Model, Reached, SolveError};
use good_lp::{constraint, variable, Expression};

/// One pool to roster.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    /// Per member: the most posts it may hold (max_slots, and no more than the distinct times
    /// it could work: the "could have worked more" of the spread).
    pub capacity: Vec<u32>,
    /// Per post: members it wants.
    pub need: Vec<u32>,
    /// `(member, post)` pairs that break no hard rule on their own (availability, 回避).
    pub allowed: Vec<(usize, usize)>,
    /// Sets of posts at the same or overlapping times: a member holds at most one of each.
    pub at_once: Vec<Vec<usize>>,
    /// Distinct slots the posts span: no load exceeds it.
    pub slots: u32,
}

/// A pool's roster and what HiGHS proved of it.
#[derive(Debug, Clone, Default)]
pub struct Rostered {
    /// `(member, post)` pairs held.
    pub duties: Vec<(usize, usize)>,
    /// HiGHS proved the weighted objective optimal: every figure is the optimum.
    pub proven: bool,
    /// A lower bound on missing members (the optimum when `proven`).
    pub missing_bound: u32,
}

/// Branch-and-bound nodes per pool: counted work, so a stopped search stops at the same place
/// on every machine. Pools of a generated 1,000,000-registration quarter close at the root.
const NODE_LIMIT: i32 = 20_000;

/// Rosters one pool.
pub fn roster(pool: &Pool) -> Result<Rostered, SolveError> {
    let needed: u32 = pool.need.iter().sum();
    if pool.allowed.is_empty() || needed == 0 {
        return Ok(Rostered {
            duties: Vec::new(),
            proven: true,
            missing_bound: needed,
        });
    }
    if is_network(pool) {
        if let Some(r) = by_flows(pool, needed)? {
            return Ok(r);
        }
    }
    by_branch_and_bound(pool, needed)
}

/// Every post in at most one set of simultaneous posts: then the pool is a network flow
/// (source → member → member's moment → post → sink) and every LP below has integral vertices.
fn is_network(pool: &Pool) -> bool {
    let mut seen = vec![false; pool.need.len()];
    pool.at_once
        .iter()
        .flatten()
        .all(|&p| !std::mem::replace(&mut seen[p], true))
}

/// The same optimum by linear programs, exact because the pool is a network (its constraint
/// rows are two laminar families, so the matrix is totally unimodular):
/// 1. `min −(K+1)·Σx + L` over the relaxation: Σx is the most posts that can be held (one more
///    post raises one member's load by one, so weight K+1 never trades a post for balance), and
///    ⌈L⌉ the least largest load of any roster holding them;
/// 2. with loads capped at ⌈L⌉, and every member's load at least min(ℓ, what they can work),
///    the largest ℓ for which the most posts are still held, by bisection — each an LP whose
///    vertex is integral.
///
/// `None` if a vertex is not integral after all (the MIP then decides).
fn by_flows(pool: &Pool, needed: u32) -> Result<Option<Rostered>, SolveError> {
    let k = pool.slots.max(1);
    let first = balance_model(pool).minimise_built(Limits::EXACT)?;
    let x = pool.allowed.len();
    let held: f64 = first.values[..x].iter().sum();
    let most = held.round();
    if (held - most).abs() > 1e-6 {
        return Ok(None);
    }
    let largest = ((first.values[x] - 1e-7).ceil().max(0.0) as u32).min(k);
    // the floor ℓ = 0 always holds; bisect for the largest ℓ ≤ L that still holds `most`
    let held_with = |floor: u32| -> Result<Option<Vec<(usize, usize)>>, SolveError> {
        match flow_model(pool, largest, floor).minimise_built(Limits::EXACT) {
            Ok(solved) => {
                let values = &solved.values[..x];
                if values.iter().any(|v| (v - v.round()).abs() > 1e-6) {
                    return Err(SolveError::Solver("fractional vertex".into()));
                }
                let duties: Vec<(usize, usize)> = pool
                    .allowed
                    .iter()
                    .zip(values)
                    .filter(|(_, &v)| v > 0.5)
                    .map(|(&d, _)| d)
                    .collect();
                Ok((duties.len() as f64 >= most).then_some(duties))
            }
            Err(SolveError::Infeasible) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let fractional =
        |e: &SolveError| matches!(e, SolveError::Solver(m) if m == "fractional vertex");
    let mut best = match held_with(0) {
        Ok(Some(d)) => d,
        Ok(None) => return Ok(None),
        Err(e) if fractional(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (mut lo, mut hi) = (floor_of(pool, &best, largest), largest);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        match held_with(mid) {
            Ok(Some(d)) => {
                best = d;
                lo = mid;
            }
            Ok(None) => hi = mid - 1,
            Err(e) if fractional(&e) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(Some(Rostered {
        missing_bound: needed - best.len() as u32,
        duties: best,
        proven: true,
    }))
}

/// The floor a roster meets: the least load of a member below what they can work, at most L.
fn floor_of(pool: &Pool, duties: &[(usize, usize)], largest: u32) -> u32 {
    let mut load = vec![0u32; pool.capacity.len()];
    for &(m, _) in duties {
        load[m] += 1;
    }
    load.iter()
        .zip(&pool.capacity)
        .filter(|&(&l, &c)| l < c.min(pool.slots))
        .map(|(&l, _)| l)
        .min()
        .unwrap_or(largest)
        .min(largest)
}

/// The weighted MIP, when the pool is not a network (overlapping slots) or an LP vertex was
/// not integral.
fn by_branch_and_bound(pool: &Pool, needed: u32) -> Result<Rostered, SolveError> {
    let limits = Limits {
        abs_gap: 0.5,
        node_limit: Some(NODE_LIMIT),
        lp_iterations: None,
        stop_when_the_root_is_costly: false,
        sub_mip_heuristics: true,
        strong_branching: true,
        ..Limits::EXACT
    };
    let solved = model(pool).minimise_built(limits)?;
    let k = pool.slots.max(1);
    let w_missing = f64::from(k + 1) * f64::from(k + 1);
    let duties: Vec<(usize, usize)> = pool
        .allowed
        .iter()
        .zip(&solved.values)
        .filter(|(_, &v)| v > 0.5)
        .map(|(&d, _)| d)
        .collect();
    let proven = solved.reached == Reached::Optimal;
    let missing_bound = if proven {
        needed - duties.len() as u32
    } else {
        // objective + w_missing·needed ≥ w_missing·missing − K (the balance terms' least)
        let b = (solved.bound + w_missing * f64::from(needed) - f64::from(k)) / w_missing;
        (b - 1e-6).ceil().max(0.0) as u32
    };
    Ok(Rostered {
        duties,
        proven,
        missing_bound,
    })
}

/// A built model and its objective.
struct Built {
    model: Model,
    objective: Expression,
}

impl Built {
    fn minimise_built(self, limits: Limits) -> Result<super::highs::Solved, SolveError> {
        self.model.minimise(self.objective, limits, None)
    }
}

/// The weighted MIP (columns: one per allowed pair, in order, then L, then δ_1..δ_K).
fn model(pool: &Pool) -> Built {
    let k = pool.slots.max(1);
    let w_load = f64::from(k + 1);
    let w_missing = w_load * w_load;
    let mut m = Model::default();
    let x: Vec<_> = pool
        .allowed
        .iter()
        .map(|_| m.add(variable().binary()).0)
        .collect();
    let largest = m.add(variable().integer().min(0).max(k)).0;
    let floor: Vec<_> = (0..k).map(|_| m.add(variable().binary()).0).collect();
    for k in 1..floor.len() {
        m.constrain(constraint!(floor[k] <= floor[k - 1]));
    }
    let floor_sum: Expression = floor.iter().copied().sum();
    m.constrain(constraint!(floor_sum.clone() <= largest));
    let loads = shared_rows(&mut m, pool, &x, None);
    for (member, l) in loads.into_iter().enumerate() {
        m.constrain(constraint!(l.clone() - largest <= 0));
        let reach = pool.capacity[member].min(k) as usize;
        if reach > 0 {
            let met: Expression = floor[..reach].iter().copied().sum();
            m.constrain(constraint!(l - met >= 0));
        }
    }
    let total: Expression = x.iter().copied().sum();
    Built {
        model: m,
        objective: -w_missing * total + w_load * largest - floor_sum,
    }
}

/// The rows every model shares: posts held at most `need`, one post per member at a time,
/// loads within `capacity` (and `cap`, when given). Returns the loads.
fn shared_rows(
    m: &mut Model,
    pool: &Pool,
    x: &[good_lp::Variable],
    cap: Option<u32>,
) -> Vec<Expression> {
    let members = pool.capacity.len();
    let mut load: Vec<Expression> = vec![Expression::default(); members];
    let mut filled: Vec<Expression> = vec![Expression::default(); pool.need.len()];
    let mut any = vec![false; pool.need.len()];
    for (j, &(member, post)) in pool.allowed.iter().enumerate() {
        load[member] += x[j];
        filled[post] += x[j];
        any[post] = true;
    }
    for (post, f) in filled.into_iter().enumerate() {
        if any[post] {
            m.constrain(constraint!(f <= pool.need[post]));
        }
    }
    let mut in_set: Vec<Vec<usize>> = vec![Vec::new(); pool.need.len()];
    for (s, set) in pool.at_once.iter().enumerate() {
        for &p in set {
            in_set[p].push(s);
        }
    }
    let mut per: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (j, &(member, post)) in pool.allowed.iter().enumerate() {
        for &s in &in_set[post] {
            per.entry((member, s)).or_default().push(j);
        }
    }
    for js in per.values().filter(|js| js.len() > 1) {
        let sum: Expression = js.iter().map(|&j| x[j]).sum();
        m.constrain(constraint!(sum <= 1));
    }
    for (member, l) in load.iter().enumerate() {
        let c = cap.map_or(pool.capacity[member], |c| c.min(pool.capacity[member]));
        m.constrain(constraint!(l.clone() <= c));
    }
    load
}

/// Step 1 of [`by_flows`]: `min −(K+1)·Σx + L` over the relaxation (columns: x, then L).
fn balance_model(pool: &Pool) -> Built {
    let k = pool.slots.max(1);
    let mut m = Model::default();
    let x: Vec<_> = pool
        .allowed
        .iter()
        .map(|_| m.add(variable().min(0).max(1)).0)
        .collect();
    let (largest, _) = m.add(variable().min(0).max(k));
    for l in shared_rows(&mut m, pool, &x, None) {
        m.constrain(constraint!(l - largest <= 0));
    }
    let total: Expression = x.iter().copied().sum();
    Built {
        model: m,
        objective: -f64::from(k + 1) * total + largest,
    }
}

/// Step 2 of [`by_flows`]: the most posts held with loads at most `largest` and at least
/// min(`floor`, what each member can work).
fn flow_model(pool: &Pool, largest: u32, floor: u32) -> Built {
    let mut m = Model::default();
    let x: Vec<_> = pool
        .allowed
        .iter()
        .map(|_| m.add(variable().min(0).max(1)).0)
        .collect();
    let loads = shared_rows(&mut m, pool, &x, Some(largest));
    for (member, l) in loads.into_iter().enumerate() {
        let at_least = floor.min(pool.capacity[member]).min(pool.slots);
        if at_least > 0 {
            m.constrain(l.geq(f64::from(at_least)));
        }
    }
    let total: Expression = x.iter().copied().sum();
    Built {
        model: m,
        objective: -total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every roster of a tiny pool, by brute force: (missing, largest load, floor) optimum.
    fn brute(pool: &Pool) -> (u32, u32, i64) {
        let n = pool.allowed.len();
        let needed: u32 = pool.need.iter().sum();
        let mut best = (u32::MAX, u32::MAX, i64::MAX);
        for mask in 0u32..(1 << n) {
            let chosen: Vec<(usize, usize)> = (0..n)
                .filter(|j| mask >> j & 1 == 1)
                .map(|j| pool.allowed[j])
                .collect();
            let mut filled = vec![0u32; pool.need.len()];
            let mut load = vec![0u32; pool.capacity.len()];
            for &(m, p) in &chosen {
                filled[p] += 1;
                load[m] += 1;
            }
            let ok = filled.iter().zip(&pool.need).all(|(f, n)| f <= n)
                && load.iter().zip(&pool.capacity).all(|(l, c)| l <= c)
                && pool.at_once.iter().all(|set| {
                    (0..pool.capacity.len()).all(|m| {
                        chosen
                            .iter()
                            .filter(|(mm, p)| *mm == m && set.contains(p))
                            .count()
                            <= 1
                    })
                });
            if !ok {
                continue;
            }
            let missing = needed - chosen.len() as u32;
            let (largest, floor) = figures(&load, &pool.capacity, pool.slots);
            best = best.min((missing, largest, -i64::from(floor)));
        }
        (best.0, best.1, -best.2)
    }

    /// (largest load, floor): the floor is the least load of members who could work more.
    fn figures(load: &[u32], capacity: &[u32], slots: u32) -> (u32, u32) {
        let largest = load.iter().copied().max().unwrap_or(0);
        let floor = load
            .iter()
            .zip(capacity)
            .filter(|&(&l, &c)| l < c.min(slots))
            .map(|(&l, _)| l)
            .min()
            .unwrap_or(largest)
            .min(largest);
        (largest, floor)
    }

    fn outcome(pool: &Pool) -> (u32, u32, i64) {
        let r = roster(pool).unwrap();
        assert!(r.proven);
        let mut load = vec![0u32; pool.capacity.len()];
        for &(m, _) in &r.duties {
            load[m] += 1;
        }
        let needed: u32 = pool.need.iter().sum();
        let (largest, floor) = figures(&load, &pool.capacity, pool.slots);
        (needed - r.duties.len() as u32, largest, floor as i64)
    }

    /// Three slots with one post each; `need` members per post; everyone allowed everywhere.
    /// Every member allowed at every post.
    fn all_pairs(members: usize, posts: usize) -> Vec<(usize, usize)> {
        (0..members)
            .flat_map(|m| (0..posts).map(move |p| (m, p)))
            .collect()
    }

    fn slots_pool(members: usize, need: &[u32], capacity: &[u32]) -> Pool {
        let allowed = all_pairs(members, need.len());
        Pool {
            capacity: capacity.to_vec(),
            need: need.to_vec(),
            allowed,
            at_once: (0..need.len()).map(|p| vec![p]).collect(),
            slots: need.len() as u32,
        }
    }

    #[test]
    fn the_load_is_spread_evenly_when_staff_suffice() {
        // 4 posts over 4 slots, 2 members: 2 each, nobody missing
        let pool = slots_pool(2, &[1, 1, 1, 1], &[4, 4]);
        assert_eq!(outcome(&pool), (0, 2, 2));
        assert_eq!(outcome(&pool), brute(&pool));
    }

    #[test]
    fn max_slots_leaves_posts_missing_and_the_rest_balanced() {
        // 2 invigilators per slot over 3 slots, members capped at 1, 1, 3
        let pool = slots_pool(3, &[2, 2, 2], &[1, 1, 3]);
        assert_eq!(outcome(&pool), brute(&pool));
        assert_eq!(outcome(&pool).0, 1);
    }

    #[test]
    fn two_posts_at_one_time_are_never_held_by_one_member() {
        // two rooms at slot 0 (posts 0, 1), one at slot 1 (post 2); 2 members
        let allowed = all_pairs(2, 3);
        let pool = Pool {
            capacity: vec![3, 3],
            need: vec![1, 1, 2],
            allowed,
            at_once: vec![vec![0, 1], vec![2]],
            slots: 2,
        };
        assert_eq!(outcome(&pool), (0, 2, 2));
        assert_eq!(outcome(&pool), brute(&pool));
    }

    #[test]
    fn a_declared_conflict_moves_the_member_not_the_count() {
        // member 0 may not stand in post 0; posts 0 and 1 at one slot, one member each
        let pool = Pool {
            capacity: vec![1, 1],
            need: vec![1, 1],
            allowed: vec![(0, 1), (1, 0), (1, 1)],
            at_once: vec![vec![0, 1]],
            slots: 1,
        };
        let r = roster(&pool).unwrap();
        let mut duties = r.duties.clone();
        duties.sort();
        assert_eq!(duties, vec![(0, 1), (1, 0)]);
    }

    /// The figures of a roster: (missing, largest load, floor).
    fn figures_of(pool: &Pool, r: &Rostered) -> (u32, u32, u32) {
        let mut load = vec![0u32; pool.capacity.len()];
        for &(m, _) in &r.duties {
            load[m] += 1;
        }
        let needed: u32 = pool.need.iter().sum();
        let (largest, floor) = figures(&load, &pool.capacity, pool.slots);
        (needed - r.duties.len() as u32, largest, floor)
    }

    /// A random pool: up to `members` members, up to `slots` slots with up to `posts` posts
    /// each wanting up to `need`, each pair allowed with probability `allowed`.
    fn random_pool(
        rng: &mut rand_chacha::ChaCha8Rng,
        members: usize,
        slots: u32,
        posts: usize,
        need: u32,
        allowed: f64,
    ) -> Pool {
        use rand::Rng;
        let members = rng.gen_range(1..=members);
        let slots = rng.gen_range(1..=slots);
        let mut at_once = Vec::new();
        let mut needs = Vec::new();
        for _ in 0..slots {
            let n = rng.gen_range(1..=posts);
            at_once.push((needs.len()..needs.len() + n).collect::<Vec<_>>());
            for _ in 0..n {
                needs.push(rng.gen_range(1..=need));
            }
        }
        let capacity: Vec<u32> = (0..members).map(|_| rng.gen_range(0..=slots)).collect();
        let mut pairs = Vec::new();
        for m in 0..members {
            for p in 0..needs.len() {
                if rng.gen_bool(allowed) {
                    pairs.push((m, p));
                }
            }
        }
        Pool {
            capacity,
            need: needs,
            allowed: pairs,
            at_once,
            slots,
        }
    }

    #[test]
    fn the_flows_reach_the_optimum_branch_and_bound_proves() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..60 {
            let pool = random_pool(&mut rng, 12, 6, 3, 5, 0.85);
            let needed: u32 = pool.need.iter().sum();
            let flows = by_flows(&pool, needed).unwrap().expect("a network pool");
            let mip = by_branch_and_bound(&pool, needed).unwrap();
            assert!(mip.proven);
            assert_eq!(
                figures_of(&pool, &flows),
                figures_of(&pool, &mip),
                "{pool:?}"
            );
        }
    }

    #[test]
    fn overlapping_times_go_to_branch_and_bound_and_reach_the_optimum() {
        // post 1's time overlaps posts 0 and 2, which do not overlap each other
        let allowed = all_pairs(3, 3);
        let pool = Pool {
            capacity: vec![3, 3, 1],
            need: vec![2, 2, 2],
            allowed,
            at_once: vec![vec![0, 1], vec![1, 2]],
            slots: 3,
        };
        assert!(!is_network(&pool));
        assert_eq!(outcome(&pool), brute(&pool));
    }

    #[test]
    fn small_pools_reach_the_brute_force_optimum() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut tried = 0;
        for _ in 0..40 {
            let pool = random_pool(&mut rng, 3, 3, 2, 2, 0.8);
            if pool.allowed.len() > 14 {
                continue;
            }
            tried += 1;
            assert_eq!(outcome(&pool), brute(&pool), "{pool:?}");
        }
        assert!(
            tried >= 20,
            "only {tried} pools small enough to brute-force"
        );
    }
}

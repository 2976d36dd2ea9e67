//! Who stands where on exam day: every room sitting's invigilators, every site's 主考 and 巡考.
//!
//! Staff never cross institutions or roles, so the roster splits exactly into pools — one
//! institution's 监考, its 主考, its 巡考 — each one MIP ([`crate::solve::roster`]) solved on a
//! rayon worker. Missing members add up and the largest load is a maximum over pools, so the
//! split loses nothing; balance (largest load, spread) is an institution's own staff compared
//! with each other, as the institution sees it. Then invigilators paired twice are undone where
//! swaps inside one slot can do it: a swap keeps every load and every room's count, so it never
//! costs an earlier objective.

use super::sittings::{Day, CHIEFS_PER_SITE};
use crate::case::{Case, Role, StaffMember};
use crate::solve::roster::{self as mip, Pool};
use crate::solve::SolveError;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// A place on exam day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Duty {
    /// Invigilates a room sitting (index into [`Day::sittings`]).
    Room(usize),
    /// 主考 of a site (index into [`Day::sites`]).
    Chief(usize),
    /// 巡考 of a site.
    Roaming(usize),
}

impl Duty {
    /// The staff role the place takes.
    pub fn role(self) -> Role {
        match self {
            Duty::Room(_) => Role::Invigilator,
            Duty::Chief(_) => Role::Chief,
            Duty::Roaming(_) => Role::Roaming,
        }
    }
}

/// An objective's value in the roster and a proven bound on its optimum (equal when proven).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    pub value: u32,
    pub bound: u32,
}

/// One pool's outcome.
#[derive(Debug, Clone)]
pub struct PoolOutcome {
    pub institution: usize,
    pub role: Role,
    pub members: usize,
    pub needed: u32,
    pub missing: Figure,
    pub largest_load: Figure,
    /// Largest load minus the least load of a member who could have worked more.
    pub spread: Figure,
    /// Pairs of invigilators in one room more than once, counted once per extra meeting.
    pub repeated_pairs: Figure,
    /// HiGHS proved the pool's first three objectives optimal.
    pub proven: bool,
}

/// The day's roster.
#[derive(Debug, Default)]
pub struct Roster {
    /// `(staff index, duty)`, sorted.
    pub duties: Vec<(usize, Duty)>,
    pub pools: Vec<PoolOutcome>,
}

/// One pool before solving: its members (staff indices) and posts.
struct Draft {
    institution: usize,
    role: Role,
    members: Vec<usize>,
    posts: Vec<(Duty, usize)>,
    pool: Pool,
}

/// Rosters the day from `staff`.
pub fn roster(case: &Case, day: &Day, staff: &[StaffMember]) -> Result<Roster, SolveError> {
    let drafts = drafts(case, day, staff);
    let solved: Vec<(Draft, mip::Rostered, Vec<(usize, usize)>, u32)> = drafts
        .into_par_iter()
        .map(|draft| {
            let rostered = mip::roster(&draft.pool)?;
            let mut duties = rostered.duties.clone();
            let repeated = if draft.role == Role::Invigilator {
                unpair(&draft, &|t, u| case.same_time(t, u), &mut duties)
            } else {
                0
            };
            Ok((draft, rostered, duties, repeated))
        })
        .collect::<Result<_, SolveError>>()?;
    let mut roster = Roster::default();
    for (draft, rostered, duties, repeated) in solved {
        roster
            .pools
            .push(outcome(&draft, &rostered, &duties, repeated));
        roster.duties.extend(
            duties
                .iter()
                .map(|&(m, p)| (draft.members[m], draft.posts[p].0)),
        );
    }
    roster.duties.sort();
    Ok(roster)
}

/// Every pool with posts: per institution open on the day, its three roles.
fn drafts(case: &Case, day: &Day, staff: &[StaffMember]) -> Vec<Draft> {
    let conflicted = conflicted_sittings(day, staff);
    let mut posts_of: BTreeMap<(usize, Role), Vec<(Duty, usize, u32)>> = BTreeMap::new();
    for (k, s) in day.sittings.iter().enumerate() {
        posts_of
            .entry((s.institution, Role::Invigilator))
            .or_default()
            .push((Duty::Room(k), s.slot, s.invigilators));
    }
    for (k, site) in day.sites.iter().enumerate() {
        let i = site.institution;
        posts_of.entry((i, Role::Chief)).or_default().push((
            Duty::Chief(k),
            site.slot,
            CHIEFS_PER_SITE,
        ));
        posts_of.entry((i, Role::Roaming)).or_default().push((
            Duty::Roaming(k),
            site.slot,
            site.roaming_needed(),
        ));
    }
    let mut members_of: HashMap<(usize, Role), Vec<usize>> = HashMap::default();
    for (s, m) in staff.iter().enumerate() {
        members_of
            .entry((m.institution, m.role))
            .or_default()
            .push(s);
    }
    posts_of
        .into_iter()
        .map(|((institution, role), posts)| {
            let mut members = members_of
                .get(&(institution, role))
                .cloned()
                .unwrap_or_default();
            members.sort_by(|&a, &b| staff[a].staff_id.cmp(&staff[b].staff_id));
            let pool = pool(case, staff, &members, &posts, &conflicted);
            Draft {
                institution,
                role,
                members,
                posts: posts.iter().map(|&(d, slot, _)| (d, slot)).collect(),
                pool,
            }
        })
        .collect()
}

/// Per staff member with declared conflicts: the room sittings seating one of them.
fn conflicted_sittings(day: &Day, staff: &[StaffMember]) -> HashMap<usize, HashSet<usize>> {
    let mut who: HashMap<&str, Vec<usize>> = HashMap::default();
    for (s, m) in staff.iter().enumerate() {
        for id in &m.conflicts {
            who.entry(id.as_str()).or_default().push(s);
        }
    }
    let mut out: HashMap<usize, HashSet<usize>> = HashMap::default();
    if who.is_empty() {
        return out;
    }
    for (k, sitting) in day.sittings.iter().enumerate() {
        for seat in &sitting.seats {
            if let Some(members) = who.get(seat.id_number.to_ascii_uppercase().as_str()) {
                for &s in members {
                    out.entry(s).or_default().insert(k);
                }
            }
        }
    }
    out
}

/// The MIP's view of a pool.
fn pool(
    case: &Case,
    staff: &[StaffMember],
    members: &[usize],
    posts: &[(Duty, usize, u32)],
    conflicted: &HashMap<usize, HashSet<usize>>,
) -> Pool {
    let mut allowed = Vec::new();
    let mut capacity = Vec::with_capacity(members.len());
    for (m, &s) in members.iter().enumerate() {
        let member = &staff[s];
        let mut times = Vec::new();
        for (p, &(duty, slot, _)) in posts.iter().enumerate() {
            let barred = match duty {
                Duty::Room(k) => conflicted.get(&s).is_some_and(|ks| ks.contains(&k)),
                _ => false,
            };
            if member.max_slots > 0 && !member.unavailable.contains(&slot) && !barred {
                allowed.push((m, p));
                times.push(slot);
            }
        }
        capacity.push(member.max_slots.min(workable(case, &mut times)));
    }
    let mut slots: Vec<usize> = posts.iter().map(|p| p.1).collect();
    slots.sort_unstable();
    slots.dedup();
    let at_once = slots
        .iter()
        .map(|&t| {
            (0..posts.len())
                .filter(|&p| at_same_time(case, posts[p].1, t))
                .collect()
        })
        .collect();
    Pool {
        capacity,
        need: posts.iter().map(|p| p.2).collect(),
        allowed,
        at_once,
        slots: slots.len() as u32,
    }
}

/// Slot `u` is under way when slot `t` starts (the same slot, or one that overlaps it and
/// started no later): the posts of all such `u` are one moment for a person.
fn at_same_time(case: &Case, u: usize, t: usize) -> bool {
    let (a, b) = (&case.sessions[u], &case.sessions[t]);
    u == t || (a.date == b.date && a.start <= b.start && b.start < a.end)
}

/// The most of these slots one person can work: earliest end first (interval scheduling).
fn workable(case: &Case, slots: &mut Vec<usize>) -> u32 {
    slots.sort_unstable();
    slots.dedup();
    let s = &case.sessions;
    slots.sort_by_key(|&t| (s[t].date, s[t].end, s[t].start));
    let mut count = 0;
    let mut free_from = None;
    for &t in slots.iter() {
        if free_from.is_none_or(|(d, e)| s[t].date > d || s[t].start >= e) {
            count += 1;
            free_from = Some((s[t].date, s[t].end));
        }
    }
    count
}

/// The cost of a pair that met `c` times.
fn cost(c: u32) -> i64 {
    i64::from(c.saturating_sub(1))
}

/// Lowers the pairs met twice by two moves that never cost an earlier objective: two
/// invigilators of one slot change rooms (loads unchanged), or one hands their place to a
/// colleague free at that time (who stays within max_slots and the largest load, while the
/// one who hands over stays at or above the floor). Returns the pairs met twice that remain.
/// Passes are counted, never timed: the same roster on every machine.
fn unpair(
    draft: &Draft,
    same_time: &dyn Fn(usize, usize) -> bool,
    duties: &mut [(usize, usize)],
) -> u32 {
    const PASSES: usize = 20;
    let pool = &draft.pool;
    let allowed: HashSet<(usize, usize)> = pool.allowed.iter().copied().collect();
    let slot_of = |p: usize| draft.posts[p].1;
    // slot → post → members
    let mut rooms: BTreeMap<usize, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    let mut load = vec![0u32; draft.members.len()];
    let mut busy: Vec<Vec<usize>> = vec![Vec::new(); draft.members.len()];
    for &(m, p) in duties.iter() {
        rooms
            .entry(slot_of(p))
            .or_default()
            .entry(p)
            .or_default()
            .push(m);
        load[m] += 1;
        busy[m].push(slot_of(p));
    }
    let reach: Vec<u32> = pool.capacity.iter().map(|&c| c.min(pool.slots)).collect();
    let largest = load.iter().copied().max().unwrap_or(0);
    let floor = (0..load.len())
        .filter(|&m| load[m] < reach[m])
        .map(|m| load[m])
        .min()
        .unwrap_or(largest)
        .min(largest);
    let key = |a: usize, b: usize| (a.min(b), a.max(b));
    let mut met: HashMap<(usize, usize), u32> = HashMap::default();
    for posts in rooms.values() {
        for members in posts.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    *met.entry(key(a, b)).or_default() += 1;
                }
            }
        }
    }
    for _ in 0..PASSES {
        let mut improved = false;
        for (&t, posts) in rooms.iter_mut() {
            let ids: Vec<usize> = posts.keys().copied().collect();
            // two rooms of the slot exchange one invigilator each
            for (x, &r1) in ids.iter().enumerate() {
                for &r2 in &ids[x + 1..] {
                    for i in 0..posts[&r1].len() {
                        for j in 0..posts[&r2].len() {
                            let (a, b) = (posts[&r1][i], posts[&r2][j]);
                            if !allowed.contains(&(a, r2)) || !allowed.contains(&(b, r1)) {
                                continue;
                            }
                            if swap_delta(&met, &posts[&r1], &posts[&r2], a, b) < 0 {
                                apply_swap(&mut met, &posts[&r1], &posts[&r2], a, b);
                                posts.get_mut(&r1).expect("room")[i] = b;
                                posts.get_mut(&r2).expect("room")[j] = a;
                                improved = true;
                                break;
                            }
                        }
                    }
                }
            }
            // an invigilator hands the place to a colleague free at that time
            for &r in &ids {
                for i in 0..posts[&r].len() {
                    let a = posts[&r][i];
                    if load[a] == 0 || load[a] - 1 < floor {
                        continue;
                    }
                    for b in 0..load.len() {
                        if load[b] + 1 > reach[b].min(largest)
                            || !allowed.contains(&(b, r))
                            || busy[b].iter().any(|&u| same_time(t, u))
                        {
                            continue;
                        }
                        if hand_over_delta(&met, &posts[&r], a, b) < 0 {
                            apply_hand_over(&mut met, &posts[&r], a, b);
                            posts.get_mut(&r).expect("room")[i] = b;
                            load[a] -= 1;
                            load[b] += 1;
                            busy[a].retain(|&u| u != t);
                            busy[b].push(t);
                            improved = true;
                            break;
                        }
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
    // write the rooms back into the duties
    let mut k = 0;
    for posts in rooms.values() {
        for (&p, members) in posts {
            for &m in members {
                duties[k] = (m, p);
                k += 1;
            }
        }
    }
    met.values().map(|&c| cost(c) as u32).sum()
}

/// The change in repeated pairs if `a` leaves `room` and `b` takes the place.
fn hand_over_delta(met: &HashMap<(usize, usize), u32>, room: &[usize], a: usize, b: usize) -> i64 {
    let count = |x: usize, y: usize| met.get(&(x.min(y), x.max(y))).copied().unwrap_or(0);
    room.iter()
        .filter(|&&y| y != a)
        .map(|&y| {
            cost(count(a, y) - 1) - cost(count(a, y)) + cost(count(b, y) + 1) - cost(count(b, y))
        })
        .sum()
}

fn apply_hand_over(met: &mut HashMap<(usize, usize), u32>, room: &[usize], a: usize, b: usize) {
    let key = |x: usize, y: usize| (x.min(y), x.max(y));
    for &y in room.iter().filter(|&&y| y != a) {
        *met.entry(key(a, y)).or_default() -= 1;
        *met.entry(key(b, y)).or_default() += 1;
    }
}

/// The change in repeated pairs if `a` (of room `r1`) and `b` (of room `r2`) change places.
fn swap_delta(
    met: &HashMap<(usize, usize), u32>,
    r1: &[usize],
    r2: &[usize],
    a: usize,
    b: usize,
) -> i64 {
    let count = |x: usize, y: usize| met.get(&(x.min(y), x.max(y))).copied().unwrap_or(0);
    let mut delta = 0;
    for &y in r1.iter().filter(|&&y| y != a) {
        delta += cost(count(a, y) - 1) - cost(count(a, y));
        delta += cost(count(b, y) + 1) - cost(count(b, y));
    }
    for &z in r2.iter().filter(|&&z| z != b) {
        delta += cost(count(b, z) - 1) - cost(count(b, z));
        delta += cost(count(a, z) + 1) - cost(count(a, z));
    }
    delta
}

fn apply_swap(
    met: &mut HashMap<(usize, usize), u32>,
    r1: &[usize],
    r2: &[usize],
    a: usize,
    b: usize,
) {
    let key = |x: usize, y: usize| (x.min(y), x.max(y));
    for &y in r1.iter().filter(|&&y| y != a) {
        *met.entry(key(a, y)).or_default() -= 1;
        *met.entry(key(b, y)).or_default() += 1;
    }
    for &z in r2.iter().filter(|&&z| z != b) {
        *met.entry(key(b, z)).or_default() -= 1;
        *met.entry(key(a, z)).or_default() += 1;
    }
}

/// A lower bound on pairs met twice. Every roster that ties on the first objective holds at
/// least the posts this one holds (it misses at most as many), and rooms holding F places in
/// all make at least the meetings of F spread as evenly as the rooms allow (Σ C(f, 2) is
/// convex); those meetings fall on at most C(n, 2) distinct pairs of the n members who can
/// work at all, so the rest are repeats.
fn pairs_bound(draft: &Draft, missing: u32) -> u32 {
    if draft.role != Role::Invigilator {
        return 0;
    }
    let need = &draft.pool.need;
    let held: u32 = need.iter().sum::<u32>() - missing;
    // water-filling: each place goes to the least-filled room that still needs someone
    let mut fill = vec![0u32; need.len()];
    for _ in 0..held {
        let Some(p) = (0..need.len())
            .filter(|&p| fill[p] < need[p])
            .min_by_key(|&p| fill[p])
        else {
            break;
        };
        fill[p] += 1;
    }
    let choose2 = |n: u64| n * n.saturating_sub(1) / 2;
    let meetings: u64 = fill.iter().map(|&f| choose2(u64::from(f))).sum();
    let working = draft.pool.capacity.iter().filter(|&&c| c > 0).count() as u64;
    meetings.saturating_sub(choose2(working)) as u32
}

/// A pool's figures, counted from its duties; bounds from what HiGHS proved.
fn outcome(
    draft: &Draft,
    rostered: &mip::Rostered,
    duties: &[(usize, usize)],
    repeated: u32,
) -> PoolOutcome {
    let needed: u32 = draft.pool.need.iter().sum();
    let missing = needed - duties.len() as u32;
    let mut load = vec![0u32; draft.members.len()];
    for &(m, _) in duties {
        load[m] += 1;
    }
    let largest = load.iter().copied().max().unwrap_or(0);
    let floor = load
        .iter()
        .zip(&draft.pool.capacity)
        .filter(|&(&l, &c)| l < c.min(draft.pool.slots))
        .map(|(&l, _)| l)
        .min()
        .unwrap_or(largest)
        .min(largest);
    let (largest_bound, spread_bound) = if rostered.proven {
        (largest, largest - floor)
    } else if draft.members.is_empty() {
        (0, 0)
    } else {
        // at the optimum at least `needed − missing` posts are held, by these members
        ((needed - missing).div_ceil(draft.members.len() as u32), 0)
    };
    PoolOutcome {
        institution: draft.institution,
        role: draft.role,
        members: draft.members.len(),
        needed,
        missing: Figure {
            value: missing,
            bound: rostered.missing_bound.min(missing),
        },
        largest_load: Figure {
            value: largest,
            bound: largest_bound,
        },
        spread: Figure {
            value: largest - floor,
            bound: spread_bound,
        },
        repeated_pairs: Figure {
            value: repeated,
            bound: pairs_bound(draft, missing).min(repeated),
        },
        proven: rostered.proven,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One invigilator pool: `members` who can work `slots` slots, one room per slot with `need`.
    fn draft(members: usize, need: &[u32]) -> Draft {
        let slots = need.len();
        Draft {
            institution: 0,
            role: Role::Invigilator,
            members: (0..members).collect(),
            posts: (0..slots).map(|t| (Duty::Room(t), t)).collect(),
            pool: Pool {
                capacity: vec![slots as u32; members],
                need: need.to_vec(),
                allowed: (0..members)
                    .flat_map(|m| (0..slots).map(move |p| (m, p)))
                    .collect(),
                at_once: (0..slots).map(|p| vec![p]).collect(),
                slots: slots as u32,
            },
        }
    }

    #[test]
    fn the_pairs_bound_counts_the_meetings_rooms_force() {
        // three members in one room of three at two slots: 6 meetings, 3 pairs, 3 repeats
        assert_eq!(pairs_bound(&draft(3, &[3, 3]), 0), 3);
        // with one place left empty the rooms hold 3 + 2: 4 meetings, 1 repeat at least
        assert_eq!(pairs_bound(&draft(3, &[3, 3]), 1), 1);
        // four members, two rooms of two: the pairs need not meet twice
        assert_eq!(pairs_bound(&draft(4, &[2, 2]), 0), 0);
    }

    #[test]
    fn swaps_and_hand_overs_undo_repeated_pairs_without_touching_loads() {
        // four members, two slots of two rooms of two: a roster pairing {0,1},{2,3} twice has
        // 2 repeats; swapping inside the second slot ends them
        let mut d = draft(4, &[2, 2, 2, 2]);
        d.posts = vec![
            (Duty::Room(0), 0),
            (Duty::Room(1), 0),
            (Duty::Room(2), 1),
            (Duty::Room(3), 1),
        ];
        d.pool.at_once = vec![vec![0, 1], vec![2, 3]];
        d.pool.slots = 2;
        d.pool.capacity = vec![2; 4];
        let mut duties = vec![
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 1),
            (0, 2),
            (1, 2),
            (2, 3),
            (3, 3),
        ];
        let repeated = unpair(&d, &|t, u| t == u, &mut duties);
        assert_eq!(repeated, 0);
        let mut load = [0; 4];
        for &(m, _) in &duties {
            load[m] += 1;
        }
        assert_eq!(load, [2, 2, 2, 2]);
    }
}

//! From a case to the planning problem: papers, their possible slots, groups of identical
//! registrations, conflicts between papers, and the registrations no plan can seat.
//!
//! A group is every registration with the same paper, home prefecture and binding registered
//! institution: the optimisation works on a few thousand groups, never on individuals.
//! Registrations that no slot, filing or road can serve are deferred here, with their reason,
//! before any model is built.

use super::capacity::Venue;
use crate::case::published::Published;
use crate::case::{Case, Paper, Registrations};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// Why a registration (or forecast count) is deferred to the next quarter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The same person registered twice for the same paper; the first is kept.
    Duplicate { kept: String },
    /// No eligible institution in the province is filed for the paper.
    NotFiled,
    /// Filed institutions exist, but none within `max_travel_km` of home.
    NoneWithinReach,
    /// No slot is long enough for the paper's theory and skill minutes.
    NoSlotLongEnough,
    /// The same person's other paper sits at the same slot.
    Conflict { other: String },
    /// The binding registered institution has no seat left at the paper's slot.
    RegisteredFull { institution: String },
    /// Every institution within reach is full at the paper's slot.
    CapacityExhausted,
    /// The paper has registrations but the published timetable does not list it.
    NotPublished,
}

impl Reason {
    /// The short name summary.json counts deferrals under.
    pub fn key(&self) -> &'static str {
        match self {
            Reason::Duplicate { .. } => "duplicate registration",
            Reason::NotFiled => "no filed institution",
            Reason::NoneWithinReach => "none within reach",
            Reason::NoSlotLongEnough => "no slot long enough",
            Reason::Conflict { .. } => "conflicting registration",
            Reason::RegisteredFull { .. } => "registered institution full",
            Reason::CapacityExhausted => "capacity exhausted",
            Reason::NotPublished => "not in the published timetable",
        }
    }
}

/// The slots each paper sits at (indices into `case.sessions`), per paper of the problem.
pub type Timetable = Vec<Vec<usize>>;

/// Registrations deferred before or after planning.
#[derive(Debug, Clone)]
pub struct Deferral {
    /// The registration (index into `case.candidates()`), or `None` for forecast counts.
    pub candidate: Option<usize>,
    pub home: usize,
    pub paper: Paper,
    pub count: u32,
    pub reason: Reason,
}

/// Identical registrations: same paper, home prefecture and binding registered institution.
#[derive(Debug, Clone)]
pub struct Group {
    /// Index into `Problem::papers`.
    pub paper: usize,
    pub home: usize,
    /// The institution the group must sit at (keep_registered_institution), if any.
    pub registered: Option<usize>,
    /// Registrations (indices into `case.candidates()`), by candidate_id; empty for counts.
    pub members: Vec<usize>,
    pub n: u32,
    /// Institutions the group may sit at, with road km from home, nearest first.
    pub targets: Vec<(usize, f64)>,
}

/// Persons registered for both papers `a` and `b` (indices into `Problem::papers`).
#[derive(Debug, Clone)]
pub struct Conflict {
    pub a: usize,
    pub b: usize,
    pub persons: u32,
    /// The registrations a clash of `a` and `b` defers, at least: a person holding k
    /// registrations counts 2/k here (1 for the usual two), since k papers at one slot make
    /// k(k−1)/2 clashing pairs but defer only k − 1 registrations. Every bound built on the
    /// pairs stays a bound; the exact count comes from routing (`routing::route`).
    pub weight: f64,
    /// The pairs of groups holding the two registrations of those persons.
    pub pairs: Vec<SharedPair>,
}

/// Persons holding a registration in both group `g` and group `h` (of two different papers).
/// A clash defers one of each person's two registrations, from either group: which one is
/// the routing's choice, so neither side is favoured by any model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharedPair {
    pub g: usize,
    pub h: usize,
    pub persons: u32,
    /// As [`Conflict::weight`], for these persons.
    pub weight: f64,
}

/// Persons holding registrations in exactly the same groups (two or more), with how many:
/// the unit in which clashes are priced and deferred.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holding {
    /// The groups, in the order of the persons' registrations (candidate_id).
    pub groups: Vec<usize>,
    pub persons: u32,
}

/// The planning problem derived from a case.
#[derive(Debug, Clone)]
pub struct Problem {
    pub papers: Vec<Paper>,
    /// Slots long enough for each paper.
    pub paper_slots: Vec<Vec<usize>>,
    pub groups: Vec<Group>,
    pub conflicts: Vec<Conflict>,
    /// Persons holding several planned registrations, by the groups they hold.
    pub holdings: Vec<Holding>,
    pub fixed: Vec<Deferral>,
    /// Per institution; ineligible institutions have no rooms and capacity 0.
    pub venues: Vec<Venue>,
    pub eligible: Vec<bool>,
}

impl Problem {
    pub fn capacity(&self, institution: usize) -> u32 {
        if self.eligible[institution] {
            self.venues[institution].capacity()
        } else {
            0
        }
    }

    /// Whether every clash costs whole registrations in the models (no person sharing papers
    /// holds three or more), so that their objectives are whole numbers.
    pub fn clash_weights_integral(&self) -> bool {
        self.conflicts
            .iter()
            .all(|c| c.pairs.iter().all(|p| p.weight.fract() == 0.0))
    }

    pub fn registrations(&self) -> u64 {
        self.groups.iter().map(|g| u64::from(g.n)).sum::<u64>()
            + self.fixed.iter().map(|d| u64::from(d.count)).sum::<u64>()
    }

    /// Multiplies group sizes (what-if demand changes); see [`Problem::resize`].
    pub fn scale(&mut self, factor: impl Fn(&Group, &Paper) -> Option<f64>) {
        let sizes = self
            .groups
            .iter()
            .map(|g| match factor(g, &self.papers[g.paper]) {
                Some(f) => (f64::from(g.n) * f).round().max(0.0) as u32,
                None => g.n,
            })
            .collect();
        let untouched: Vec<bool> = self
            .groups
            .iter()
            .map(|g| factor(g, &self.papers[g.paper]).is_none())
            .collect();
        self.resize(sizes, &untouched);
    }

    /// Sets every group's size (a what-if's demand); the members of a group whose size is set
    /// are dropped (`keep[g]` false), so the plan is computed on counts. A group shrunk below
    /// the persons its holdings name takes them down with it (holdings in their order), so no
    /// clash is priced or deferred for persons no longer there.
    pub fn resize(&mut self, sizes: Vec<u32>, keep: &[bool]) {
        for ((g, n), &kept) in self.groups.iter_mut().zip(sizes).zip(keep) {
            if !kept {
                g.n = n;
                g.members.clear();
            }
        }
        let mut left: Vec<u32> = self.groups.iter().map(|g| g.n).collect();
        for h in &mut self.holdings {
            h.persons = h.groups.iter().map(|&g| left[g]).fold(h.persons, u32::min);
            for &g in &h.groups {
                left[g] -= h.persons;
            }
        }
        self.holdings.retain(|h| h.persons > 0);
        self.conflicts = conflicts(&self.groups, &self.holdings);
    }
}

/// Builds the problem; `eligible` comes from vetting. With a published timetable, each listed
/// paper may sit only at its published slot and an unlisted paper's registrations are deferred.
pub fn build(case: &Case, eligible: &[bool], published: Option<&Published>) -> Problem {
    let policy = &case.policy;
    let mut filed = case.filed_papers();
    filed.retain(|&(i, _)| eligible[i]);
    let venues: Vec<Venue> = (0..case.institutions.len())
        .map(|i| {
            let mut v = Venue::new(case, i);
            if !eligible[i] {
                v.rooms.clear();
                v.best = vec![0];
            }
            v
        })
        .collect();

    // (paper, home, registered) → registrations or counts, in a fixed order
    let mut raw: BTreeMap<(Paper, usize, Option<usize>), (Vec<usize>, u32)> = BTreeMap::new();
    let mut fixed = Vec::new();
    match &case.registrations {
        Registrations::Candidates(cands) => {
            let duplicate_of = case.duplicate_of();
            let mut order: Vec<usize> = (0..cands.len()).collect();
            order.sort_by(|&a, &b| cands[a].candidate_id.cmp(&cands[b].candidate_id));
            for c in order {
                let cand = &cands[c];
                if let Some(kept) = duplicate_of[c] {
                    fixed.push(Deferral {
                        candidate: Some(c),
                        home: cand.prefecture,
                        paper: cand.paper(),
                        count: 1,
                        reason: Reason::Duplicate {
                            kept: cands[kept].candidate_id.clone(),
                        },
                    });
                    continue;
                }
                let e = raw
                    .entry((cand.paper(), cand.prefecture, cand.institution))
                    .or_default();
                e.0.push(c);
                e.1 += 1;
            }
        }
        Registrations::Demand(rows) => {
            for r in rows.iter().filter(|r| r.candidates > 0) {
                let paper = Paper {
                    occupation: r.occupation,
                    level: r.level,
                };
                raw.entry((paper, r.prefecture, None)).or_default().1 += r.candidates;
            }
        }
    }

    let mut paper_index: BTreeMap<Paper, usize> = BTreeMap::new();
    let mut merged: BTreeMap<(usize, usize, Option<usize>), Group> = BTreeMap::new();
    let mut filed_anywhere: HashMap<Paper, Vec<usize>> = HashMap::default();
    for ((paper, home, registered), (members, n)) in raw {
        let defer = |fixed: &mut Vec<Deferral>, reason: Reason| {
            if members.is_empty() {
                fixed.push(Deferral {
                    candidate: None,
                    home,
                    paper,
                    count: n,
                    reason,
                });
            } else {
                for &c in &members {
                    fixed.push(Deferral {
                        candidate: Some(c),
                        home,
                        paper,
                        count: 1,
                        reason: reason.clone(),
                    });
                }
            }
        };
        let minutes = case.occupations[paper.occupation].exam_minutes();
        if !case.sessions.iter().any(|s| s.minutes() >= minutes) {
            defer(&mut fixed, Reason::NoSlotLongEnough);
            continue;
        }
        let institutions = filed_anywhere.entry(paper).or_insert_with(|| {
            (0..case.institutions.len())
                .filter(|&i| filed.contains(&(i, paper)) && venues[i].capacity() > 0)
                .collect()
        });
        if institutions.is_empty() {
            defer(&mut fixed, Reason::NotFiled);
            continue;
        }
        if published.is_some_and(|p| !p.slot_of.contains_key(&paper)) {
            defer(&mut fixed, Reason::NotPublished);
            continue;
        }
        let km = |i: usize| case.road_km[home][case.institutions[i].prefecture];
        let binding = registered.filter(|&i| {
            policy.keep_registered_institution
                && filed.contains(&(i, paper))
                && venues[i].capacity() > 0
                && km(i) <= policy.max_travel_km
        });
        let mut targets: Vec<(usize, f64)> = match binding {
            Some(i) => vec![(i, km(i))],
            None => institutions
                .iter()
                .map(|&i| (i, km(i)))
                .filter(|&(_, d)| d <= policy.max_travel_km)
                .collect(),
        };
        if targets.is_empty() {
            defer(&mut fixed, Reason::NoneWithinReach);
            continue;
        }
        targets.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let next = paper_index.len();
        let p = *paper_index.entry(paper).or_insert(next);
        let g = merged.entry((p, home, binding)).or_insert_with(|| Group {
            paper: p,
            home,
            registered: binding,
            members: Vec::new(),
            n: 0,
            targets,
        });
        g.members.extend(members);
        g.n += n;
    }
    let mut groups: Vec<Group> = merged.into_values().collect();
    for g in &mut groups {
        g.members.sort_by(|&a, &b| {
            case.candidates()[a]
                .candidate_id
                .cmp(&case.candidates()[b].candidate_id)
        });
    }
    let mut papers = vec![
        Paper {
            occupation: 0,
            level: 0
        };
        paper_index.len()
    ];
    for (paper, &p) in &paper_index {
        papers[p] = *paper;
    }
    let usable = case.usable_sessions();
    let paper_slots = papers
        .iter()
        .map(|paper| match published {
            Some(p) => vec![p.slot_of[paper]],
            None => {
                let minutes = case.occupations[paper.occupation].exam_minutes();
                (0..case.sessions.len())
                    .filter(|&t| usable[t] && case.sessions[t].minutes() >= minutes)
                    .collect()
            }
        })
        .collect();
    let holdings = holdings(case, &groups);
    let conflicts = conflicts(&groups, &holdings);
    fixed.sort_by_key(|d| (d.paper, d.home, d.candidate));
    Problem {
        papers,
        paper_slots,
        groups,
        conflicts,
        holdings,
        fixed,
        venues,
        eligible: eligible.to_vec(),
    }
}

/// The registrations of every person holding more than one (the only ones that can clash), as
/// one run of (candidate, group) per person, in candidate_id order within the run; persons in
/// id_number order.
pub fn persons_with_several(case: &Case, groups: &[Group]) -> Vec<Vec<(usize, usize)>> {
    let cands = case.candidates();
    let registrations: usize = groups.iter().map(|g| g.members.len()).sum();
    // each registration's person, numbered as first met (one hash lookup a registration: at a
    // million registrations this function ran twice per plan and once more per replan)
    let mut number: HashMap<&str, u32> =
        HashMap::with_capacity_and_hasher(registrations, Default::default());
    let mut person: Vec<u32> = Vec::with_capacity(registrations);
    let mut held: Vec<u32> = Vec::new();
    for group in groups {
        for &c in &group.members {
            let next = number.len() as u32;
            let p = *number.entry(cands[c].id_number.as_str()).or_insert(next);
            if p == next {
                held.push(0);
            }
            held[p as usize] += 1;
            person.push(p);
        }
    }
    let mut regs: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    for (g, group) in groups.iter().enumerate() {
        for &c in &group.members {
            if held[person[k] as usize] > 1 {
                regs.push((c, g));
            }
            k += 1;
        }
    }
    regs.sort_by(|a, b| {
        let (x, y) = (&cands[a.0], &cands[b.0]);
        (&x.id_number, &x.candidate_id).cmp(&(&y.id_number, &y.candidate_id))
    });
    regs.chunk_by(|a, b| cands[a.0].id_number == cands[b.0].id_number)
        .map(<[_]>::to_vec)
        .collect()
}

/// Persons with several registrations, counted by the groups they hold.
fn holdings(case: &Case, groups: &[Group]) -> Vec<Holding> {
    let mut held: BTreeMap<Vec<usize>, u32> = BTreeMap::new();
    for regs in persons_with_several(case, groups) {
        *held.entry(regs.iter().map(|r| r.1).collect()).or_default() += 1;
    }
    held.into_iter()
        .map(|(groups, persons)| Holding { groups, persons })
        .collect()
}

/// Pairs of planned papers that share registered persons, with how many and in which groups.
pub fn conflicts(groups: &[Group], holdings: &[Holding]) -> Vec<Conflict> {
    // (paper, paper) → (group, group) → (persons, weight)
    let mut pairs: BTreeMap<(usize, usize), BTreeMap<(usize, usize), (u32, f64)>> = BTreeMap::new();
    for holding in holdings {
        let share = 2.0 / holding.groups.len() as f64;
        for (i, &g) in holding.groups.iter().enumerate() {
            for &h in &holding.groups[i + 1..] {
                let (a, b) = (groups[g].paper, groups[h].paper);
                if a == b {
                    continue;
                }
                let key = if a < b { (g, h) } else { (h, g) };
                let e = pairs
                    .entry((a.min(b), a.max(b)))
                    .or_default()
                    .entry(key)
                    .or_default();
                e.0 += holding.persons;
                e.1 += share * f64::from(holding.persons);
            }
        }
    }
    pairs
        .into_iter()
        .map(|((a, b), shared)| Conflict {
            a,
            b,
            persons: shared.values().map(|e| e.0).sum(),
            weight: shared.values().map(|e| e.1).sum(),
            pairs: shared
                .into_iter()
                .map(|((g, h), (persons, weight))| SharedPair {
                    g,
                    h,
                    persons,
                    weight,
                })
                .collect(),
        })
        .collect()
}

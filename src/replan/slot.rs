//! One slot of a replan: its registrations in classes (group × where each stands), the
//! capacities with every kept seat in place, the assignment with the fewest changes
//! ([`crate::solve::moves`]), and the seats: kept ones where they were, the others dealt.

use super::*;

pub(super) struct SlotResult {
    pub(super) placed: Vec<Placement>,
    pub(super) deferred: Vec<Deferral>,
}

/// The class of a registration: its group and where it stands (kept at, may stay at, none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Kept(usize),
    DisplacedFrom(Option<usize>),
    Unseated,
}

pub(super) fn assign_slot(
    case: &Case,
    pb: &solve::Problem,
    t: usize,
    standing: &HashMap<usize, Standing>,
) -> Result<SlotResult, SolveError> {
    // classes in a fixed order: group, then kind; members by candidate_id
    let mut members: BTreeMap<(usize, Kind), Vec<usize>> = BTreeMap::new();
    for (g, group) in pb.groups.iter().enumerate() {
        if pb.paper_slots[group.paper][0] != t {
            continue;
        }
        for &c in &group.members {
            let kind = match &standing[&c] {
                Standing::Kept(i, _, _) => Kind::Kept(*i),
                Standing::Displaced(i, _) => Kind::DisplacedFrom(*i),
                Standing::Unseated => Kind::Unseated,
            };
            members.entry((g, kind)).or_default().push(c);
        }
    }
    let keys: Vec<(usize, Kind)> = members.keys().copied().collect();
    let classes: Vec<Class> = keys
        .iter()
        .map(|&(g, kind)| Class {
            count: members[&(g, kind)].len() as u32,
            arcs: pb.groups[g]
                .targets
                .iter()
                .map(|&(i, km)| {
                    let change = match kind {
                        Kind::Kept(k) if k == i => Change::None,
                        Kind::Kept(_) => Change::Institution,
                        Kind::DisplacedFrom(Some(k)) if k == i => Change::Ticket,
                        Kind::DisplacedFrom(_) => Change::Institution,
                        Kind::Unseated => Change::None,
                    };
                    (i, km, change)
                })
                .collect(),
            seated_before: kind != Kind::Unseated,
        })
        .collect();
    // capacities with every kept seat in place
    let mut kept: BTreeMap<usize, Vec<(usize, u32)>> = BTreeMap::new();
    for list in members.values() {
        for &c in list {
            if let Standing::Kept(i, room, seat) = standing[&c] {
                kept.entry(i).or_default().push((room, seat));
            }
        }
    }
    let mut capacity: BTreeMap<usize, u32> = BTreeMap::new();
    for class in &classes {
        for &(i, _, _) in &class.arcs {
            capacity.entry(i).or_insert_with(|| {
                if pb.capacity(i) == 0 {
                    0
                } else {
                    Site::new(case, i, kept.get(&i).map_or(&[][..], Vec::as_slice)).capacity()
                }
            });
        }
    }
    let assignment = assign_keeping(&keys, &classes, &capacity)?;

    // registrations to institutions: kept ones stay first, the last by candidate_id move
    let mut going: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new(); // institution → (group, candidate)
    let mut staying: Vec<Placement> = Vec::new();
    let mut deferred = Vec::new();
    for (k, &(g, kind)) in keys.iter().enumerate() {
        let list = &members[&(g, kind)];
        let mut flows: Vec<(usize, u32)> = assignment
            .flows
            .iter()
            .filter(|f| f.0 == k)
            .map(|f| (f.1, f.2))
            .collect();
        if let Kind::Kept(i) = kind {
            flows.sort_by_key(|f| f.0 != i);
        }
        let mut next = list.iter();
        for (i, n) in flows {
            for _ in 0..n {
                let Some(&c) = next.next() else { break };
                match (&standing[&c], kind) {
                    (Standing::Kept(_, room, seat), Kind::Kept(home)) if home == i => {
                        staying.push(Placement {
                            candidate: c,
                            group: g,
                            slot: t,
                            institution: i,
                            room: *room,
                            seat: *seat,
                        })
                    }
                    _ => going.entry(i).or_default().push((g, c)),
                }
            }
        }
        let group = &pb.groups[g];
        for &c in next {
            deferred.push(Deferral {
                candidate: Some(c),
                home: group.home,
                paper: pb.papers[group.paper],
                count: 1,
                reason: match group.registered {
                    Some(i) => Reason::RegisteredFull {
                        institution: case.institutions[i].id.clone(),
                    },
                    None => Reason::CapacityExhausted,
                },
            });
        }
    }
    // seats: kept ones where they were, the others dealt by paper, home, candidate_id; a
    // kept seat whose holder left is dealt first, so the site holds exactly what its capacity
    // counted
    let mut placed = Vec::new();
    for (i, mut arriving) in going {
        let all_kept = kept.get(&i).map_or(&[][..], Vec::as_slice);
        let staying_here: BTreeSet<(usize, u32)> = staying
            .iter()
            .filter(|p| p.institution == i)
            .map(|p| (p.room, p.seat))
            .collect();
        let leaving: Vec<(usize, u32)> = all_kept
            .iter()
            .filter(|s| !staying_here.contains(s))
            .copied()
            .collect();
        let mut site = Site::vacating(case, i, all_kept, &leaving);
        arriving.sort_by(|a, b| {
            let (ga, gb) = (&pb.groups[a.0], &pb.groups[b.0]);
            (ga.paper, ga.home, &case.candidates()[a.1].candidate_id).cmp(&(
                gb.paper,
                gb.home,
                &case.candidates()[b.1].candidate_id,
            ))
        });
        for (g, c) in arriving {
            let (room, seat) = site.place().ok_or_else(|| {
                SolveError::Solver(format!(
                    "replan: no seat left at {} for a load within its capacity (a bug: please report it with the case)",
                    case.institutions[i].id
                ))
            })?;
            placed.push(Placement {
                candidate: c,
                group: g,
                slot: t,
                institution: i,
                room,
                seat,
            });
        }
    }
    placed.extend(staying);
    Ok(SlotResult { placed, deferred })
}

/// Solves a slot. First every kept seat stays and the others take the seats left: when that
/// seats everyone it is the optimum (moving a kept registration could only add a change), from
/// a model of only the registrations without a valid seat. Otherwise the whole slot is solved.
pub(super) fn assign_keeping(
    keys: &[(usize, Kind)],
    classes: &[Class],
    capacity: &BTreeMap<usize, u32>,
) -> Result<moves::Assignment, SolveError> {
    let mut left = capacity.clone();
    let mut open = Vec::new(); // indices of the classes without a kept seat
    for (k, &(_, kind)) in keys.iter().enumerate() {
        match kind {
            Kind::Kept(i) => {
                let seats = left.entry(i).or_default();
                *seats = seats.saturating_sub(classes[k].count);
            }
            _ => open.push(k),
        }
    }
    let others: Vec<Class> = open.iter().map(|&k| classes[k].clone()).collect();
    let quick = moves::assign(&others, &left)?;
    if quick.deferred.iter().any(|&d| d > 0) {
        return moves::assign(classes, capacity);
    }
    let mut flows: Vec<(usize, usize, u32)> = keys
        .iter()
        .enumerate()
        .filter_map(|(k, &(_, kind))| match kind {
            Kind::Kept(i) => Some((k, i, classes[k].count)),
            _ => None,
        })
        .collect();
    flows.extend(quick.flows.iter().map(|&(k, i, n)| (open[k], i, n)));
    flows.sort_unstable();
    Ok(moves::Assignment {
        flows,
        deferred: vec![0; classes.len()],
    })
}

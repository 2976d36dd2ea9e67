//! `replan`: the quarter as it stands now, seated on the published plan with the fewest
//! changes (UniTime's minimal perturbation problem; Timefold's pinning).
//!
//! The previous plan's timetable is kept, so every slot is planned on its own. A registration
//! that still matches the previous plan (same candidate_id, person and paper) keeps its seat
//! when that seat is still valid (institution filed, eligible, within reach and the one it is
//! bound to; room still there and large enough). [`crate::solve::moves`] then decides, per
//! slot, who sits where: fewest deferred, then fewest institution changes, then fewest ticket
//! changes, then least travel; a kept registration moves only when that seats one who would
//! otherwise wait. [`site`] keeps kept seats exactly and fills free ones, and
//! [`crate::plan::assemble`] turns the seats into the plan's rows as it does for a fresh plan;
//! `changes.csv` lists every change with what forced it, `notices` the same for people.

mod changes;
mod notices;
pub mod previous;
mod site;
mod slot;

use crate::case::Case;
use crate::plan::assemble::{self, assemble, Run, Site as Seats};
use crate::plan::summary::PlanStats;
use crate::plan::Plan;
use crate::solve::moves::{self, Change, Class};
use crate::solve::{self, Deferral, Reason, Settings, SolveError, SolvedBy, StageResult};
use crate::words::ChangeReason;
use changes::Now;
use previous::{Previous, PreviousSeat};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use site::Site;
use slot::*;
use std::collections::{BTreeMap, BTreeSet};

/// One row of changes.csv.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeRow {
    pub candidate_id: String,
    pub change: String,
    pub old_ticket_no: String,
    pub new_ticket_no: String,
    pub old_institution_id: String,
    pub new_institution_id: String,
    pub old_room_id: String,
    pub new_room_id: String,
    pub old_seat: String,
    pub new_seat: String,
    /// Why, in Chinese.
    pub reason: String,
    /// Why, as a stable ASCII code ([`ChangeReason::code`]).
    pub reason_code: String,
}

/// A replanned quarter.
pub struct Replanned {
    pub solution: solve::Solution,
    pub plan: Plan,
    pub stats: PlanStats,
    pub changes: Vec<ChangeRow>,
    /// The changes as the offices read them (changes.xlsx, 变更通知).
    pub notices: Vec<crate::plan::Notice>,
}

/// Where a registration stands against the previous plan.
#[derive(Debug, Clone, PartialEq)]
enum Standing {
    /// Its previous seat is still valid: (institution, room, seat).
    Kept(usize, usize, u32),
    /// Its previous seat is not valid any more, and why; the institution if it may stay there.
    Displaced(Option<usize>, ChangeReason),
    /// No previous seat (new, or deferred before).
    Unseated,
}

/// Replans `case` on `previous`.
pub fn replan(
    case: &Case,
    previous: &Previous,
    settings: &Settings,
) -> Result<Replanned, SolveError> {
    let laps = crate::progress::Laps::new("replan");
    let lap = |step: &str| laps.lap(step);
    let mut pb = crate::pipeline::prepare(case, Some(&previous.published));
    lap("problem built");
    // every registration, before clashes take any out of its group
    let registrations = pb.registrations();
    let cands = case.candidates();
    let by_id: HashMap<&str, usize> = previous
        .seats
        .iter()
        .enumerate()
        .map(|(k, s)| (s.candidate_id.as_str(), k))
        .collect();
    // the previous seat of each registration that still matches it
    let matched: Vec<Option<usize>> = cands
        .iter()
        .map(|c| {
            by_id.get(c.candidate_id.as_str()).copied().filter(|&k| {
                let s = &previous.seats[k];
                s.id_number == c.id_number && s.paper == c.paper()
            })
        })
        .collect();
    let slot_of = |g: &solve::Group, pb: &solve::Problem| pb.paper_slots[g.paper][0];

    // a person's two registrations never share a slot: the previously seated one stays
    let mut deferred: Vec<Deferral> = Vec::new();
    let mut gone: BTreeSet<usize> = BTreeSet::new();
    for regs in solve::problem::persons_with_several(case, &pb.groups) {
        let mut order = regs.clone();
        order.sort_by_key(|&(c, _)| (matched[c].is_none(), cands[c].candidate_id.clone()));
        let mut taken: Vec<(usize, usize)> = Vec::new(); // (slot, group)
        for (c, g) in order {
            let t = slot_of(&pb.groups[g], &pb);
            if let Some(&(_, other)) = taken.iter().find(|x| x.0 == t) {
                let other = case.paper_label(pb.papers[pb.groups[other].paper]);
                deferred.push(Deferral {
                    candidate: Some(c),
                    home: pb.groups[g].home,
                    paper: pb.papers[pb.groups[g].paper],
                    count: 1,
                    reason: Reason::Conflict { other },
                });
                gone.insert(c);
            } else {
                taken.push((t, g));
            }
        }
    }
    for g in &mut pb.groups {
        g.members.retain(|c| !gone.contains(c));
        g.n = g.members.len() as u32;
    }

    // each registration's standing
    let mut standing: HashMap<usize, Standing> = HashMap::default();
    for g in &pb.groups {
        let t = slot_of(g, &pb);
        for &c in &g.members {
            let s = match matched[c] {
                None => Standing::Unseated,
                Some(k) => judge(case, &pb, g, t, &previous.seats[k]),
            };
            standing.insert(c, s);
        }
    }
    // kept seats whose rooms the staff no longer cover are displaced, site by site
    let mut kept_at: BTreeMap<(usize, usize), Vec<(usize, u32)>> = BTreeMap::new();
    for g in &pb.groups {
        for &c in &g.members {
            if let Some(Standing::Kept(i, room, seat)) = standing.get(&c) {
                kept_at
                    .entry((slot_of(g, &pb), *i))
                    .or_default()
                    .push((*room, *seat));
            }
        }
    }
    for (&(t, i), kept) in &kept_at {
        if !Site::new(case, i, kept).staffed() {
            for g in pb.groups.iter().filter(|g| slot_of(g, &pb) == t) {
                for &c in &g.members {
                    if matches!(standing.get(&c), Some(Standing::Kept(j, _, _)) if *j == i) {
                        let why = ChangeReason::StaffShort {
                            institution: case.institutions[i].id.clone(),
                        };
                        standing.insert(c, Standing::Displaced(Some(i), why));
                    }
                }
            }
        }
    }

    lap("standings judged");
    // per slot: classes, capacities, the assignment
    let slots: Vec<usize> = (0..case.sessions.len()).collect();
    let per_slot: Vec<Result<SlotResult, SolveError>> = slots
        .par_iter()
        // one slot a task: a worker that runs out takes the next
        .with_max_len(1)
        .map(|&t| assign_slot(case, &pb, t, &standing))
        .collect();
    let mut placed: Vec<Placement> = Vec::new();
    for r in per_slot {
        let r = r?;
        placed.extend(r.placed);
        deferred.extend(r.deferred);
    }
    lap("slots assigned");
    let replanned = finish(
        case,
        pb,
        previous,
        &matched,
        &standing,
        placed,
        deferred,
        registrations,
        settings,
    );
    lap("rows and changes built");
    Ok(replanned)
}

/// Is a matched registration's previous seat still valid at slot `t`?
fn judge(
    case: &Case,
    pb: &solve::Problem,
    g: &solve::Group,
    t: usize,
    s: &PreviousSeat,
) -> Standing {
    let Some(i) = s.institution else {
        return Standing::Displaced(
            None,
            ChangeReason::InstitutionGone {
                institution: s.institution_id.clone(),
            },
        );
    };
    let institution = s.institution_id.clone();
    let stay = g.targets.iter().any(|x| x.0 == i).then_some(i);
    if stay.is_none() {
        let paper = crate::words::paper(case, pb.papers[g.paper]);
        let why = if !pb.eligible[i] {
            ChangeReason::NotVetted { institution }
        } else if !case.is_filed_for(i, pb.papers[g.paper]) {
            ChangeReason::FilingNotInForce { institution, paper }
        } else if let Some(bound) = g.registered.filter(|&b| b != i) {
            ChangeReason::RegisteredElsewhere {
                institution: case.institutions[bound].id.clone(),
                paper,
            }
        } else {
            ChangeReason::BeyondReach { institution }
        };
        return Standing::Displaced(None, why);
    }
    if s.slot != t {
        return Standing::Displaced(stay, ChangeReason::SlotChanged);
    }
    let Some(room) = s.room else {
        return Standing::Displaced(
            stay,
            ChangeReason::RoomRemoved {
                institution,
                room: s.room_id.clone(),
            },
        );
    };
    let seats = case.rooms[room].seats;
    if s.seat == 0 || s.seat > seats {
        return Standing::Displaced(
            stay,
            ChangeReason::RoomSmaller {
                institution,
                room: s.room_id.clone(),
                seats,
            },
        );
    }
    Standing::Kept(i, room, s.seat)
}

/// One registration's outcome at its slot.
struct Placement {
    candidate: usize,
    group: usize,
    slot: usize,
    institution: usize,
    room: usize,
    seat: u32,
}

/// The plan rows, changes and figures of a replan.
#[allow(clippy::too_many_arguments)]
fn finish(
    case: &Case,
    pb: solve::Problem,
    previous: &Previous,
    matched: &[Option<usize>],
    standing: &HashMap<usize, Standing>,
    placed: Vec<Placement>,
    mut deferred: Vec<Deferral>,
    registrations: u64,
    settings: &Settings,
) -> Replanned {
    let codes = crate::plan::ticket::Codes::new(case, previous.version + 1);
    let sites = sites_of(case, previous, matched, standing, &placed);
    deferred.sort_by(|a, b| {
        let id = |d: &Deferral| {
            d.candidate
                .map(|c| case.candidates()[c].candidate_id.as_str())
        };
        id(a).cmp(&id(b))
    });
    let plan = assemble(case, &pb, &codes, &sites, &deferred);
    let mut tickets: HashMap<usize, String> = HashMap::default();
    for site in &sites {
        for run in &site.runs {
            let prefix = codes.prefix(case, site.institution, site.slot, run.room);
            let mut buf = String::new();
            for s in &run.seated {
                tickets.insert(s.candidate, s.ticket(&codes, &prefix, &mut buf).to_string());
            }
        }
    }
    let seated: HashMap<usize, &Placement> = placed.iter().map(|p| (p.candidate, p)).collect();
    let now = Now {
        tickets: &tickets,
        seated: &seated,
        deferred: pb
            .fixed
            .iter()
            .chain(&deferred)
            .filter_map(|d| {
                d.candidate.map(|c| {
                    let why = ChangeReason::Deferred {
                        code: crate::words::reason_code(&d.reason),
                        text: crate::words::reason(&d.reason, case, d.paper),
                    };
                    (c, why)
                })
            })
            .collect(),
    };
    let (changes, counts) = changes::list(case, previous, matched, standing, &now);
    let notices = notices::of(case, previous, &changes, &seated);

    // the figures: a solution of the flows, proven (both LPs are exact), rooms as dealt
    let mut flows: BTreeMap<(usize, usize, usize), u32> = BTreeMap::new();
    for p in &placed {
        *flows.entry((p.group, p.institution, p.slot)).or_default() += 1;
    }
    let flows: Vec<solve::Flow> = flows
        .into_iter()
        .map(|((group, institution, slot), count)| solve::Flow {
            group,
            institution,
            slot,
            count,
        })
        .collect();
    let deferred_count: f64 = deferred.iter().map(|d| f64::from(d.count)).sum();
    let exact = |value: f64| StageResult {
        value,
        bound: value,
        proven: true,
        by: SolvedBy::StartMetBound,
        seconds: 0.0,
        timed_out: false,
    };
    let mut solution = solve::Solution {
        timetable: pb.paper_slots.clone(),
        routing: solve::Routing {
            flows,
            ..solve::Routing::default()
        },
        sizes: pb.groups.iter().map(|g| g.n).collect(),
        deferred,
        registrations,
        deferred_stage: exact(deferred_count),
        travel_stage: exact(0.0),
        timings: Vec::new(),
        published: true,
        problem: pb,
    };
    solution.travel_stage = exact(solution.travel_km());
    let mut stats = PlanStats::of(case, &solution, settings);
    let slots_used: BTreeSet<(&str, &str)> = plan
        .rooms
        .iter()
        .map(|r| (r.date.as_str(), r.start.as_str()))
        .collect();
    stats.set_rooms(
        plan.rooms.len() as u64,
        plan.rooms.iter().map(|r| u64::from(r.invigilators)).sum(),
        slots_used.len() as u64,
    );
    stats.changes = Some(counts);
    stats.plan_version = codes.version();
    Replanned {
        solution,
        plan,
        stats,
        changes,
        notices,
    }
}

/// The replan's seats as sites for [`assemble`]: sites by slot and institution, rooms by
/// room, seats by room id and seat; a seat its holder keeps carries its published ticket.
fn sites_of<'p>(
    case: &Case,
    previous: &'p Previous,
    matched: &[Option<usize>],
    standing: &HashMap<usize, Standing>,
    placed: &[Placement],
) -> Vec<Seats<'p>> {
    let mut by_site: BTreeMap<(usize, usize), Vec<&Placement>> = BTreeMap::new();
    for p in placed {
        by_site.entry((p.slot, p.institution)).or_default().push(p);
    }
    by_site
        .into_iter()
        .map(|((slot, institution), mut here)| {
            here.sort_by(|a, b| {
                (&case.rooms[a.room].room_id, a.seat).cmp(&(&case.rooms[b.room].room_id, b.seat))
            });
            let mut rooms: BTreeMap<usize, u32> = BTreeMap::new();
            let mut runs: Vec<Run> = Vec::new();
            for p in here {
                *rooms.entry(p.room).or_default() += 1;
                let kept = match (standing.get(&p.candidate), matched[p.candidate]) {
                    (Some(Standing::Kept(i, room, seat)), Some(k))
                        if *i == p.institution && *room == p.room && *seat == p.seat =>
                    {
                        Some(previous.seats[k].ticket_no.as_str())
                    }
                    _ => None,
                };
                let seated = assemble::Seated {
                    candidate: p.candidate,
                    seat: p.seat,
                    kept,
                };
                match runs.last_mut() {
                    Some(r) if r.room == p.room && r.group == p.group => {
                        r.count += 1;
                        r.seated.push(seated);
                    }
                    _ => runs.push(Run {
                        room: p.room,
                        group: p.group,
                        count: 1,
                        seated: vec![seated],
                    }),
                }
            }
            Seats {
                slot,
                institution,
                rooms: rooms.into_iter().collect(),
                runs,
            }
        })
        .collect()
}

/// changes.csv's bytes.
/// Why a replan cannot start from a folder: what the command line prints and the server shows.
#[derive(Debug)]
pub enum Refusal {
    /// The case has only a demand forecast; a replan seats registrations.
    DemandOnly,
    /// The folder is not the plan that was published (a file edited, added or removed).
    Edited(Vec<crate::verify::Violation>),
    /// The folder does not fit the case (its rows name what the case does not hold).
    Mismatch(crate::diag::Diagnostics),
}

/// The published plan in `dir`, checked unchanged and read against the case: what [`replan`]
/// starts from, for the command line and the server alike.
pub fn previous_of(case: &Case, dir: &std::path::Path) -> Result<Previous, Refusal> {
    previous_from(case, dir, previous::Files::read(dir))
}

/// [`previous_of`] with the folder's files already read ([`previous::Files::read`], which
/// needs no case: the command reads them beside loading the case).
pub fn previous_from(
    case: &Case,
    dir: &std::path::Path,
    files: previous::Files,
) -> Result<Previous, Refusal> {
    if !case.has_candidates() {
        return Err(Refusal::DemandOnly);
    }
    if !files.edited.is_empty() {
        return Err(Refusal::Edited(files.edited));
    }
    let mut diags = crate::diag::Diagnostics::default();
    previous::read(case, dir, files, &mut diags).ok_or(Refusal::Mismatch(diags))
}

/// Writes a replan's folder (the plan files, changes.csv, changes.xlsx and the 变更通知
/// sheets), verified against the published plan in `previous_dir`, all or nothing.
pub fn write(
    case: &Case,
    replanned: &Replanned,
    previous_dir: &std::path::Path,
    out: &std::path::Path,
) -> Result<crate::pipeline::write::Written, crate::pipeline::write::WriteError> {
    let extra = [("changes.csv", changes_csv(&replanned.changes))];
    let parts = crate::pipeline::write::Parts {
        solution: &replanned.solution,
        plan: &replanned.plan,
        stats: &replanned.stats,
        extra: &extra,
        previous: Some(previous_dir),
        notices: &replanned.notices,
    };
    crate::pipeline::write::write_parts(case, &parts, out)
}

pub fn changes_csv(changes: &[ChangeRow]) -> Vec<u8> {
    crate::plan::csv_bytes::<ChangeRow, _>(changes)
}

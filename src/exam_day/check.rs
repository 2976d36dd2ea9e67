//! The exam-day rules, checked on the rows to be written — not on the solver's variables — so a
//! mistake in the roster model or the draw cannot hide: one small function per rule, as
//! `verify` checks a plan. `exam-day` writes nothing when any rule is broken.

use super::sittings::Day;
use super::{DispatchRow, RosterRow, ShortfallRow, SUPERVISOR_ROLE};
use crate::case::{Case, Role};
use std::collections::{BTreeMap, BTreeSet};

/// A broken rule: which, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// What the rules look at: the case, the day and the rows, indexed once.
struct Seen<'a> {
    case: &'a Case,
    /// staff.csv's members (none without the file).
    staff: &'a [crate::case::StaffMember],
    /// (date, start) → session index.
    slot: BTreeMap<(&'a str, &'a str), usize>,
    /// (slot, institution id, room id) → (invigilators required, the declared conflicts' ID
    /// numbers seated there, upper-case)
    rooms: BTreeMap<(usize, &'a str, &'a str), (u32, BTreeSet<String>)>,
    /// (slot, institution id) → rooms open
    sites: BTreeMap<(usize, &'a str), u32>,
}

/// Every rule against the rows; empty when all hold.
pub fn check(
    case: &Case,
    day: &Day,
    roster: &[RosterRow],
    shortfall: &[ShortfallRow],
    dispatch: &[DispatchRow],
) -> Vec<Violation> {
    let dates: Vec<(String, String)> = case
        .sessions
        .iter()
        .map(|s| {
            (
                s.date.format("%Y-%m-%d").to_string(),
                s.start.format("%H:%M").to_string(),
            )
        })
        .collect();
    let mut seen = Seen {
        case,
        staff: case.staff.as_deref().unwrap_or_default(),
        slot: BTreeMap::new(),
        rooms: BTreeMap::new(),
        sites: BTreeMap::new(),
    };
    let slot: BTreeMap<(&str, &str), usize> = dates
        .iter()
        .enumerate()
        .map(|(t, (d, s))| ((d.as_str(), s.as_str()), t))
        .collect();
    // only the ID numbers someone declared matter to the 回避 rule
    let declared: BTreeSet<String> = case
        .staff
        .iter()
        .flatten()
        .flat_map(|m| m.conflicts.iter().map(|c| c.to_ascii_uppercase()))
        .collect();
    for s in &day.sittings {
        let id = case.institutions[s.institution].id.as_str();
        let ids = s
            .seats
            .iter()
            .map(|x| x.id_number.to_ascii_uppercase())
            .filter(|x| declared.contains(x))
            .collect();
        seen.rooms
            .insert((s.slot, id, s.room_id.as_str()), (s.invigilators, ids));
        *seen.sites.entry((s.slot, id)).or_default() += 1;
    }
    seen.slot = slot;
    let mut out = Vec::new();
    let staff = seen.staff;
    let by_id: BTreeMap<&str, usize> = staff
        .iter()
        .enumerate()
        .map(|(k, m)| (m.staff_id.as_str(), k))
        .collect();
    // each row resolved to (slot, staff) once; rows that do not resolve are violations
    let mut resolved = Vec::new();
    for (n, r) in roster.iter().enumerate() {
        match staff_on_duty(&seen, &by_id, r) {
            Ok(x) => resolved.push((n, x.0, x.1)),
            Err(message) => out.push(Violation {
                rule: "staff on duty",
                message: format!("roster row {}: {message}", n + 1),
            }),
        }
    }
    out.extend(one_place_at_a_time(&seen, &resolved));
    out.extend(within_max_slots(&seen, &resolved));
    out.extend(only_when_available(&seen, roster, &resolved));
    out.extend(no_declared_conflict_in_the_room(&seen, roster, &resolved));
    out.extend(shortfall_is_exact(&seen, roster, shortfall));
    out.extend(a_supervisor_per_site(&seen, dispatch, shortfall));
    out.extend(supervisors_may_go(&seen, dispatch));
    out
}

/// The row names a staff member of its institution with its role, at a room open at that
/// slot (监考) or at a site open then (主考 and 巡考, no room).
fn staff_on_duty(
    seen: &Seen,
    by_id: &BTreeMap<&str, usize>,
    r: &RosterRow,
) -> Result<(usize, usize), String> {
    let case = seen.case;
    let slot = *seen
        .slot
        .get(&(r.date.as_str(), r.start.as_str()))
        .ok_or_else(|| format!("{} {} is not a session", r.date, r.start))?;
    let &k = by_id
        .get(r.staff_id.as_str())
        .ok_or_else(|| format!("{} is not in staff.csv", r.staff_id))?;
    let member = &seen.staff[k];
    if case.institutions[member.institution].id != r.institution_id {
        return Err(format!(
            "{} works for {}, not {}",
            r.staff_id, case.institutions[member.institution].id, r.institution_id
        ));
    }
    if member.role.label() != r.role {
        return Err(format!(
            "{} is {}, placed as {}",
            r.staff_id,
            member.role.label(),
            r.role
        ));
    }
    let open = if member.role == Role::Invigilator {
        seen.rooms
            .contains_key(&(slot, r.institution_id.as_str(), r.room_id.as_str()))
    } else {
        r.room_id.is_empty() && seen.sites.contains_key(&(slot, r.institution_id.as_str()))
    };
    if !open {
        return Err(format!(
            "{} {} {} {} is not open in the plan",
            r.date, r.start, r.institution_id, r.room_id
        ));
    }
    Ok((slot, k))
}

/// Nobody in two places at the same or overlapping times.
fn one_place_at_a_time(seen: &Seen, resolved: &[(usize, usize, usize)]) -> Vec<Violation> {
    let mut at: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for &(n, slot, k) in resolved {
        at.entry(k).or_default().push((slot, n));
    }
    let mut out = Vec::new();
    for (k, duties) in at {
        for (x, &(t, n)) in duties.iter().enumerate() {
            for &(u, m) in &duties[x + 1..] {
                if seen.case.same_time(t, u) {
                    out.push(Violation {
                        rule: "one place at a time",
                        message: format!(
                            "{} is on roster rows {} and {} at the same time",
                            seen.staff[k].staff_id,
                            n.min(m) + 1,
                            n.max(m) + 1
                        ),
                    });
                }
            }
        }
    }
    out
}

/// Nobody over their `max_slots`.
fn within_max_slots(seen: &Seen, resolved: &[(usize, usize, usize)]) -> Vec<Violation> {
    let staff = seen.staff;
    let mut slots: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for &(_, slot, k) in resolved {
        slots.entry(k).or_default().insert(slot);
    }
    slots
        .into_iter()
        .filter(|(k, s)| s.len() as u32 > staff[*k].max_slots)
        .map(|(k, s)| Violation {
            rule: "within max_slots",
            message: format!(
                "{} works {} slots, max_slots {}",
                staff[k].staff_id,
                s.len(),
                staff[k].max_slots
            ),
        })
        .collect()
}

/// Nobody in a slot they declared unavailable.
fn only_when_available(
    seen: &Seen,
    roster: &[RosterRow],
    resolved: &[(usize, usize, usize)],
) -> Vec<Violation> {
    let staff = seen.staff;
    resolved
        .iter()
        .filter(|&&(_, slot, k)| staff[k].unavailable.contains(&slot))
        .map(|&(n, _, k)| Violation {
            rule: "only when available",
            message: format!(
                "roster row {}: {} declared {} {} unavailable",
                n + 1,
                staff[k].staff_id,
                roster[n].date,
                roster[n].start
            ),
        })
        .collect()
}

/// Nobody invigilates a room that seats a candidate they declared a relation to (回避).
fn no_declared_conflict_in_the_room(
    seen: &Seen,
    roster: &[RosterRow],
    resolved: &[(usize, usize, usize)],
) -> Vec<Violation> {
    let staff = seen.staff;
    let mut out = Vec::new();
    for &(n, slot, k) in resolved {
        let r = &roster[n];
        let Some((_, seated)) =
            seen.rooms
                .get(&(slot, r.institution_id.as_str(), r.room_id.as_str()))
        else {
            continue;
        };
        if staff[k]
            .conflicts
            .iter()
            .any(|id| seated.contains(&id.to_ascii_uppercase()))
        {
            out.push(Violation {
                rule: "no declared conflict in the room",
                message: format!(
                    "roster row {}: {} declared a relation to a candidate seated in {}",
                    n + 1,
                    staff[k].staff_id,
                    r.room_id
                ),
            });
        }
    }
    out
}

/// Every place holds at most what it needs, and shortfall.csv says exactly what is missing.
fn shortfall_is_exact(
    seen: &Seen,
    roster: &[RosterRow],
    shortfall: &[ShortfallRow],
) -> Vec<Violation> {
    let mut out = Vec::new();
    // (slot, institution, role) → needed, and per room the count
    let mut needed: BTreeMap<(usize, &str, &str), u32> = BTreeMap::new();
    let mut room_held: BTreeMap<(usize, &str, &str), u32> = BTreeMap::new();
    for (&(slot, inst, room), (need, _)) in &seen.rooms {
        *needed.entry((slot, inst, "监考")).or_default() += need;
        room_held.insert((slot, inst, room), 0);
    }
    for (&(slot, inst), &rooms) in &seen.sites {
        needed.insert((slot, inst, "主考"), super::sittings::CHIEFS_PER_SITE);
        needed.insert(
            (slot, inst, "巡考"),
            rooms.div_ceil(super::sittings::ROOMS_PER_ROAMING).max(1),
        );
    }
    let mut held: BTreeMap<(usize, &str, &str), u32> = BTreeMap::new();
    for r in roster {
        let Some(&slot) = seen.slot.get(&(r.date.as_str(), r.start.as_str())) else {
            continue;
        };
        *held
            .entry((slot, r.institution_id.as_str(), r.role.as_str()))
            .or_default() += 1;
        if let Some(c) = room_held.get_mut(&(slot, r.institution_id.as_str(), r.room_id.as_str())) {
            *c += 1;
        }
    }
    for (&(slot, inst, room), &c) in &room_held {
        let need = seen.rooms[&(slot, inst, room)].0;
        if c > need {
            out.push(Violation {
                rule: "shortfall is exact",
                message: format!(
                    "{} {} {inst} room {room}: {c} invigilators, rooms.csv requires {need}",
                    seen.date(slot).0,
                    seen.date(slot).1
                ),
            });
        }
    }
    let mut said: BTreeMap<(usize, &str, &str), u32> = BTreeMap::new();
    for s in shortfall.iter().filter(|s| s.role != SUPERVISOR_ROLE) {
        match seen.slot.get(&(s.date.as_str(), s.start.as_str())) {
            Some(&slot) => {
                *said
                    .entry((slot, s.institution_id.as_str(), s.role.as_str()))
                    .or_default() += s.missing
            }
            None => out.push(Violation {
                rule: "shortfall is exact",
                message: format!("shortfall {} {} is not a session", s.date, s.start),
            }),
        }
    }
    for (&(slot, inst, role), &need) in &needed {
        let h = held.get(&(slot, inst, role)).copied().unwrap_or(0);
        let s = said.remove(&(slot, inst, role)).unwrap_or(0);
        if h > need || need - h != s {
            out.push(Violation {
                rule: "shortfall is exact",
                message: format!(
                    "{} {} {inst} {role}: needs {need}, rostered {h}, shortfall.csv says {s} missing",
                    seen.date(slot).0,
                    seen.date(slot).1
                ),
            });
        }
    }
    for ((slot, inst, role), s) in said.into_iter().filter(|(_, s)| *s > 0) {
        out.push(Violation {
            rule: "shortfall is exact",
            message: format!(
                "shortfall.csv: {} {} {inst} {role} missing {s}, but nothing is open there",
                seen.date(slot).0,
                seen.date(slot).1
            ),
        });
    }
    out
}

/// Every open site has exactly one supervisor, or a shortfall row saying it has none.
fn a_supervisor_per_site(
    seen: &Seen,
    dispatch: &[DispatchRow],
    shortfall: &[ShortfallRow],
) -> Vec<Violation> {
    let mut got: BTreeMap<(usize, &str), u32> = BTreeMap::new();
    let mut out = Vec::new();
    for d in dispatch {
        match seen.slot.get(&(d.date.as_str(), d.start.as_str())) {
            Some(&slot) => *got.entry((slot, d.institution_id.as_str())).or_default() += 1,
            None => out.push(Violation {
                rule: "a supervisor per site",
                message: format!("dispatch {} {} is not a session", d.date, d.start),
            }),
        }
    }
    let short: BTreeSet<(usize, &str)> = shortfall
        .iter()
        .filter(|s| s.role == SUPERVISOR_ROLE && s.missing == 1)
        .filter_map(|s| {
            seen.slot
                .get(&(s.date.as_str(), s.start.as_str()))
                .map(|&t| (t, s.institution_id.as_str()))
        })
        .collect();
    for &(slot, inst) in seen.sites.keys() {
        let n = got.remove(&(slot, inst)).unwrap_or(0);
        let ok =
            (n == 1 && !short.contains(&(slot, inst))) || (n == 0 && short.contains(&(slot, inst)));
        if !ok {
            out.push(Violation {
                rule: "a supervisor per site",
                message: format!(
                    "{} {} {inst}: {n} supervisors dispatched",
                    seen.date(slot).0,
                    seen.date(slot).1
                ),
            });
        }
    }
    for ((slot, inst), _) in got {
        out.push(Violation {
            rule: "a supervisor per site",
            message: format!(
                "{} {} {inst}: a supervisor sent where nothing is open",
                seen.date(slot).0,
                seen.date(slot).1
            ),
        });
    }
    out
}

/// A supervisor is known, never sent to their employer, within `max_slots`, at one site at a
/// time.
fn supervisors_may_go(seen: &Seen, dispatch: &[DispatchRow]) -> Vec<Violation> {
    let case = seen.case;
    let supervisors = case.supervisors.as_deref().unwrap_or_default();
    let by_id: BTreeMap<&str, usize> = supervisors
        .iter()
        .enumerate()
        .map(|(k, s)| (s.supervisor_id.as_str(), k))
        .collect();
    let mut out = Vec::new();
    let mut slots: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let bad = |message: String| Violation {
        rule: "supervisors may go",
        message,
    };
    for (n, d) in dispatch.iter().enumerate() {
        let Some(&v) = by_id.get(d.supervisor_id.as_str()) else {
            out.push(bad(format!(
                "dispatch row {}: {} is not in supervisors.csv",
                n + 1,
                d.supervisor_id
            )));
            continue;
        };
        if let Some(inst) = case.institutions.iter().find(|i| i.id == d.institution_id) {
            if supervisors[v].employed_by(inst) {
                out.push(bad(format!(
                    "dispatch row {}: {} works for {}",
                    n + 1,
                    d.supervisor_id,
                    d.institution_id
                )));
            }
        }
        if let Some(&t) = seen.slot.get(&(d.date.as_str(), d.start.as_str())) {
            slots.entry(v).or_default().push(t);
        }
    }
    for (v, ts) in slots {
        let sup = &supervisors[v];
        if ts.len() as u32 > sup.max_slots {
            out.push(bad(format!(
                "{} is sent {} times, max_slots {}",
                sup.supervisor_id,
                ts.len(),
                sup.max_slots
            )));
        }
        for (x, &t) in ts.iter().enumerate() {
            for &u in &ts[x + 1..] {
                if case.same_time(t, u) {
                    out.push(bad(format!(
                        "{} is at two sites at the same time",
                        sup.supervisor_id
                    )));
                }
            }
        }
    }
    out
}

impl Seen<'_> {
    /// A slot as the files write it.
    fn date(&self, slot: usize) -> (String, String) {
        let s = &self.case.sessions[slot];
        (
            s.date.format("%Y-%m-%d").to_string(),
            s.start.format("%H:%M").to_string(),
        )
    }
}

//! What exam day must staff, read from the published plan: every room sitting (a room open at a
//! slot, with the invigilators rooms.csv requires and the seats seats.csv gives it) and every
//! site (an institution open at a slot, with its rooms).
//!
//! The plan folder is checked unchanged first (its summary.json's hashes), as `replan` and
//! `attendance` check it: papers for the day are printed from what was published, nothing else.

use crate::case::Case;
use crate::plan::folder::{self, RoomRecord, SeatRecord, Table};
use std::collections::BTreeMap;
use std::path::Path;

/// One seat of a room sitting, as the sign-in sheet lists it.
#[derive(Debug, Clone)]
pub struct Seat {
    pub seat: u32,
    pub ticket_no: String,
    pub name: String,
    /// The full ID number: conflicts (回避) are checked against it; papers show it masked.
    pub id_number: String,
    pub paper: String,
}

/// A room open at a slot.
#[derive(Debug, Clone)]
pub struct Sitting {
    /// Index into `Case::sessions`.
    pub slot: usize,
    /// Index into `Case::institutions`.
    pub institution: usize,
    pub room_id: String,
    /// Invigilators the plan's rooms.csv requires.
    pub invigilators: u32,
    /// By seat number.
    pub seats: Vec<Seat>,
}

/// An institution open at a slot: it needs one 主考 and its 巡考.
#[derive(Debug, Clone)]
pub struct Site {
    pub slot: usize,
    pub institution: usize,
    /// Indices into [`Day::sittings`], by room id.
    pub rooms: Vec<usize>,
}

/// 主考 per site.
pub const CHIEFS_PER_SITE: u32 = 1;
/// One 巡考 per this many rooms open at a site (at least one).
pub const ROOMS_PER_ROAMING: u32 = 10;

impl Site {
    /// 巡考 the site needs: one per [`ROOMS_PER_ROAMING`] rooms open, at least one.
    pub fn roaming_needed(&self) -> u32 {
        (self.rooms.len() as u32).div_ceil(ROOMS_PER_ROAMING).max(1)
    }
}

/// Exam day's work, in the order papers are printed: slots by time, institutions by id, rooms
/// by id.
#[derive(Debug, Default)]
pub struct Day {
    pub sittings: Vec<Sitting>,
    pub sites: Vec<Site>,
    /// Per sitting, its site (index into `sites`).
    pub site_of: Vec<usize>,
}

/// Reads the published plan in `plan_dir` made from `case`. Errors are lines naming the plan's
/// file (and row), ready to print.
pub fn read(case: &Case, plan_dir: &Path) -> Result<Day, Vec<String>> {
    let edited = crate::verify::previous::unchanged(plan_dir);
    if !edited.is_empty() {
        return Err(edited.iter().map(|v| v.to_string()).collect());
    }
    let mut errors = Vec::new();
    let table = Table::read(plan_dir, "seats.csv", &mut errors).unwrap_or_default();
    let seat_rows = table.rows::<SeatRecord>(&mut errors);
    let room_rows =
        folder::rows::<RoomRecord>(plan_dir, "rooms.csv", &mut errors).unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors.iter().map(|e| e.to_string()).collect());
    }
    let slot_of: BTreeMap<(String, String), usize> = case
        .sessions
        .iter()
        .enumerate()
        .map(|(t, s)| {
            let key = (
                s.date.format("%Y-%m-%d").to_string(),
                s.start.format("%H:%M").to_string(),
            );
            (key, t)
        })
        .collect();
    let institution_of: BTreeMap<&str, usize> = case
        .institutions
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let mut problems = Vec::new();
    let place = |file: &str, line: u64, date: &str, start: &str, inst: &str| {
        let slot = slot_of.get(&(date.to_string(), start.to_string())).copied();
        let institution = institution_of.get(inst).copied();
        match (slot, institution) {
            (Some(t), Some(i)) => Ok((t, i)),
            (None, _) => Err(format!(
                "{file}:{line}: {date} {start} is not a session of the case's sessions.csv: the plan was made from another case"
            )),
            (_, None) => Err(format!(
                "{file}:{line}: institution {inst} is not in the case's institutions.csv: the plan was made from another case"
            )),
        }
    };
    // (slot, institution, room) → sitting
    let mut sittings: BTreeMap<(usize, usize, String), Sitting> = BTreeMap::new();
    for (line, r) in &room_rows {
        let placed = place("rooms.csv", *line, &r.date, &r.start, &r.institution_id);
        if let Ok((slot, institution)) = placed.map_err(|e| problems.push(e)) {
            sittings.insert(
                (slot, institution, r.room_id.clone()),
                Sitting {
                    slot,
                    institution,
                    room_id: r.room_id.clone(),
                    invigilators: r.invigilators,
                    seats: Vec::new(),
                },
            );
        }
    }
    for (line, r) in &seat_rows {
        let (slot, institution) = match place("seats.csv", *line, r.date, r.start, r.institution_id)
        {
            Ok(x) => x,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        match sittings.get_mut(&(slot, institution, r.room_id.to_string())) {
            Some(s) => s.seats.push(Seat {
                seat: r.seat,
                ticket_no: r.ticket_no.to_string(),
                name: r.name.to_string(),
                id_number: r.id_number.to_string(),
                paper: r.paper_words(),
            }),
            None => problems.push(format!(
                "seats.csv:{line}: room {} of {} at {} {} is not in rooms.csv",
                r.room_id, r.institution_id, r.date, r.start
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Day::from_sittings(case, sittings.into_values().collect()))
}

impl Day {
    /// The day of these room sittings: sorted for printing, grouped into sites.
    pub fn from_sittings(case: &Case, mut sittings: Vec<Sitting>) -> Day {
        let time = |t: usize| (case.sessions[t].date, case.sessions[t].start);
        sittings.sort_by(|a, b| {
            time(a.slot)
                .cmp(&time(b.slot))
                .then_with(|| {
                    case.institutions[a.institution]
                        .id
                        .cmp(&case.institutions[b.institution].id)
                })
                .then_with(|| a.room_id.cmp(&b.room_id))
        });
        for s in &mut sittings {
            s.seats.sort_by_key(|x| x.seat);
        }
        let mut sites: Vec<Site> = Vec::new();
        let mut site_of = Vec::with_capacity(sittings.len());
        for (k, s) in sittings.iter().enumerate() {
            match sites.last_mut() {
                Some(site) if site.slot == s.slot && site.institution == s.institution => {
                    site.rooms.push(k)
                }
                _ => sites.push(Site {
                    slot: s.slot,
                    institution: s.institution,
                    rooms: vec![k],
                }),
            }
            site_of.push(sites.len() - 1);
        }
        Day {
            sittings,
            sites,
            site_of,
        }
    }
}

//! Applying a scenario's edits to a copy of the case, and drawing Monte Carlo demand.
//!
//! Edits work on the case (rooms, institutions, filings, sessions, policy) so every rule of
//! the contract applies to the edited quarter unchanged; demand changes work on the planning
//! problem's group sizes, since a scaled or drawn demand has no named candidates.

use super::scenario::Scenario;
use crate::case::{self, Case, EntityType, Filing, FilingStatus, Institution, Room, Session};
use crate::solve::{self, Problem};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::collections::BTreeMap;

/// A demand factor: home prefecture (any if `None`), occupation row (any if `None`), factor.
pub type Factor = (Option<usize>, Option<usize>, f64);

/// Applies a scenario's edits to a copy of the case; the demand factors are returned apart.
pub(crate) fn apply(
    base: &Case,
    names: &case::Names,
    s: &Scenario,
) -> Result<(Case, Vec<Factor>), String> {
    let mut c = base.clone();
    let inst = |c: &Case, id: &str| {
        c.institutions
            .iter()
            .position(|i| i.id == id)
            .ok_or(format!("unknown institution {id:?}"))
    };
    for r in &s.add_room {
        let i = inst(&c, &r.institution_id)?;
        crate::case::checks::check_identifier(&r.room_id)
            .map_err(|m| format!("room_id {:?}: {m}", r.room_id))?;
        if r.seats == 0 || r.seats > 999 {
            return Err(format!("room {} must have 1-999 seats", r.room_id));
        }
        if c.rooms
            .iter()
            .any(|x| x.institution == i && x.room_id == r.room_id)
        {
            return Err(format!(
                "institution {} already has a room {}",
                r.institution_id, r.room_id
            ));
        }
        c.rooms.push(Room {
            institution: i,
            room_id: r.room_id.clone(),
            seats: r.seats,
            camera_p: r.camera_p,
        });
    }
    for a in &s.add_institution {
        crate::case::checks::check_identifier(&a.id)
            .map_err(|m| format!("institution id {:?}: {m}", a.id))?;
        if c.institutions.iter().any(|i| i.id == a.id) {
            return Err(format!("institution {} already exists", a.id));
        }
        let prefecture = names
            .prefecture(&a.prefecture)
            .ok_or(format!("unknown prefecture {:?}", a.prefecture))?;
        if a.rooms.is_empty() || a.rooms.iter().any(|&s| s == 0 || s > 999) {
            return Err(format!("institution {} needs rooms of 1-999 seats", a.id));
        }
        let index = c.institutions.len();
        // fields the scenario leaves out take values that pass vetting
        c.institutions.push(Institution {
            id: a.id.clone(),
            name: a.name.clone().unwrap_or_else(|| a.id.clone()),
            credit_code: "91350100M000100Y43".into(),
            prefecture,
            entity_type: EntityType::Enterprise,
            staff: a.staff,
            qualified_staff: 5.max(a.staff / 3),
            total_area_m2: 1500.0,
            office_area_m2: 150.0,
            records: Vec::new(),
        });
        for (k, &seats) in a.rooms.iter().enumerate() {
            c.rooms.push(Room {
                institution: index,
                room_id: format!("R{}", k + 1),
                seats,
                camera_p: 1080,
            });
        }
        for f in &a.filings {
            let (row, _) = names.occupation(&f.occupation, &f.work_type)?;
            let levels = case::parse_levels(&f.levels)?;
            if let Some(l) = levels
                .iter()
                .find(|l| !c.occupations[row].levels.contains(l))
            {
                return Err(format!(
                    "{} does not define level {l}",
                    c.occupations[row].label()
                ));
            }
            c.filings.push(Filing {
                institution: index,
                occupation: row,
                levels,
                status: FilingStatus::Filed,
                filed_on: None,
            });
        }
    }
    for id in &s.remove_institution {
        let i = inst(&c, id)?;
        for f in c.filings.iter_mut().filter(|f| f.institution == i) {
            f.status = FilingStatus::Revoked;
        }
    }
    for a in &s.add_session {
        let date = case::table::parse_date(&a.date).ok_or(format!("bad date {:?}", a.date))?;
        let start = case::table::parse_time(&a.start).ok_or(format!("bad time {:?}", a.start))?;
        let end = case::table::parse_time(&a.end).ok_or(format!("bad time {:?}", a.end))?;
        if end <= start {
            return Err(format!("session {} ends before it starts", a.date));
        }
        let session = Session { date, start, end };
        if c.sessions.contains(&session) {
            return Err(format!("the slot {} {} already exists", a.date, a.start));
        }
        // appended (not sorted in) so the baseline's slot numbers stay valid for warm starts
        c.sessions.push(session);
    }
    if let Some(p) = &s.policy {
        let mut merged = toml::Table::try_from(&c.policy).map_err(|e| e.to_string())?;
        for (k, v) in p {
            merged.insert(k.clone(), v.clone());
        }
        let policy: case::Policy = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        if let Some((key, message)) = policy.problems().first() {
            return Err(format!("policy {key} {message}"));
        }
        if policy.road_factor != c.policy.road_factor {
            // distances.csv overrides are not kept: they were measured at the old factor
            c.road_km = case::road_km(&c.prefectures, policy.road_factor);
        }
        c.policy = policy;
    }
    let mut factors = Vec::new();
    for d in &s.scale_demand {
        if !(d.factor >= 0.0 && d.factor.is_finite()) {
            return Err(format!("factor must be ≥ 0, got {}", d.factor));
        }
        let p = match &d.prefecture {
            Some(p) => Some(
                names
                    .prefecture(p)
                    .ok_or(format!("unknown prefecture {p:?}"))?,
            ),
            None => None,
        };
        let o = match &d.occupation {
            Some(o) => Some(
                names
                    .occupation_rows(o)
                    .ok_or(format!("unknown occupation {o:?}"))?
                    .0[0],
            ),
            None => None,
        };
        factors.push((p, o, d.factor));
    }
    Ok((c, factors))
}

/// Scales the problem's group sizes by every factor that matches a group (home prefecture and
/// occupation, either may be "any"); unmatched groups keep their size.
pub fn scale_demand(case: &Case, pb: &mut Problem, factors: &[Factor]) {
    if factors.is_empty() {
        return;
    }
    pb.scale(|g, paper| {
        let mut f = 1.0;
        let mut hit = false;
        for &(p, o, factor) in factors {
            if p.is_none_or(|p| p == g.home)
                && o.is_none_or(|o| {
                    case.occupations[o].code == case.occupations[paper.occupation].code
                })
            {
                f *= factor;
                hit = true;
            }
        }
        hit.then_some(f)
    });
}

/// Monte Carlo draw number `draw`: every group's size, and every count no plan can seat, drawn
/// from a normal law around it with coefficient of variation `cv` (rounded, never below 0).
/// The random numbers depend on `seed` and `draw` only, never on which worker runs the draw.
pub fn draw_demand(pb: &mut Problem, seed: u64, cv: f64, draw: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(draw));
    let mut draw_count = |n: u32| {
        let sd = cv * f64::from(n);
        let x = match Normal::new(f64::from(n), sd) {
            Ok(d) if sd > 0.0 => d.sample(&mut rng),
            _ => f64::from(n),
        };
        x.round().max(0.0) as u32
    };
    let sizes: Vec<u32> = pb.groups.iter().map(|g| draw_count(g.n)).collect();
    pb.resize(sizes, &vec![false; pb.groups.len()]);
    // registrations no plan can seat vary with demand too: draw them per home, paper, reason
    let mut fixed: BTreeMap<(usize, case::Paper, solve::Reason), u32> = BTreeMap::new();
    for d in pb.fixed.drain(..) {
        *fixed.entry((d.home, d.paper, d.reason)).or_default() += d.count;
    }
    pb.fixed = fixed
        .into_iter()
        .map(|((home, paper, reason), n)| solve::Deferral {
            candidate: None,
            home,
            paper,
            count: draw_count(n),
            reason,
        })
        .collect();
}

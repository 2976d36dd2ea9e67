//! What-if scenarios: edits applied to copies of the case, each planned on its own rayon worker.
//!
//! Every scenario is a full plan (timetable MIP + routing LPs) with single-threaded HiGHS, so
//! results never depend on the number of workers. A scenario starts from the baseline's
//! timetable when the edit leaves it admissible (warm start). Plans are computed on counts
//! (no seats), which is what a comparison needs. The baseline's routing duals give each
//! institution and slot the value of one more seat.

use crate::case::{
    self, Case, EntityType, Filing, FilingStatus, Institution, Paper, Room, Session,
};
use crate::solve::{self, Problem, Settings, Solution, Timetable};
use crate::vet;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// What the command line asked for.
pub struct Request {
    pub scenarios: Option<PathBuf>,
    pub sweep: Option<String>,
    pub monte_carlo: Option<usize>,
    pub cv: f64,
    pub seed: u64,
    pub warm_start: bool,
    pub settings: Settings,
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The case or the scenario file cannot be read (exit 1).
    #[error("{0}")]
    Case(String),
    /// Ctrl-C: nothing was written.
    #[error("interrupted")]
    Interrupted,
    #[error("the baseline could not be planned: {0}")]
    Baseline(String),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRoom {
    pub institution_id: String,
    pub room_id: String,
    pub seats: u32,
    #[serde(default = "hd")]
    pub camera_p: u32,
}

fn hd() -> u32 {
    1080
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFiling {
    pub occupation: String,
    #[serde(default)]
    pub work_type: String,
    pub levels: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddInstitution {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub prefecture: String,
    #[serde(default = "default_staff")]
    pub staff: u32,
    pub rooms: Vec<u32>,
    #[serde(default)]
    pub filings: Vec<NewFiling>,
}

fn default_staff() -> u32 {
    20
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleDemand {
    #[serde(default)]
    pub prefecture: Option<String>,
    #[serde(default)]
    pub occupation: Option<String>,
    pub factor: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSession {
    pub date: String,
    pub start: String,
    pub end: String,
}

/// One scenario as written in the TOML file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub add_room: Vec<AddRoom>,
    #[serde(default)]
    pub add_institution: Vec<AddInstitution>,
    #[serde(default)]
    pub scale_demand: Vec<ScaleDemand>,
    #[serde(default)]
    pub remove_institution: Vec<String>,
    #[serde(default)]
    pub add_session: Vec<AddSession>,
    #[serde(default)]
    pub policy: Option<toml::Table>,
}

/// A scenario ready to run: edits, or the reason it is invalid.
struct Prepared {
    name: String,
    edit: Result<Scenario, String>,
    /// Monte Carlo draw number, if this is a draw.
    draw: Option<u64>,
}

/// The outcome of one scenario.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub name: String,
    pub status: String,
    pub reason: String,
    pub candidates: u64,
    pub seated: u64,
    pub deferred: u64,
    pub travel_km: f64,
    pub cross_prefecture: u64,
    pub rooms_opened: u64,
    pub gap: f64,
    pub seconds: f64,
    pub deferred_by_prefecture: Vec<u64>,
    /// The part of it a prefecture can act on: capacity shortfalls and conflicts, not the
    /// registrations no plan could seat (unfiled papers, out of reach, duplicates).
    pub planning_deferred_by_prefecture: Vec<u64>,
}

/// TOML 1.0 forbids newlines inside `{ … }` but the contract's examples (TOML 1.1 style) use
/// them; inside braces (outside strings and comments) newlines become spaces.
fn join_inline_tables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for c in text.chars() {
        match (quote, c) {
            _ if comment => {
                if c == '\n' {
                    comment = false;
                    out.push(if depth > 0 { ' ' } else { c });
                }
                continue;
            }
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => {
                comment = true;
                continue;
            }
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            (None, '\n') if depth > 0 => {
                out.push(' ');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Parses a scenario file; a scenario that does not fit is kept with its reason.
fn read_scenarios(path: &Path) -> Result<Vec<Prepared>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Case(format!("{}: {e}", path.display())))?;
    let value: toml::Table = toml::from_str(&join_inline_tables(&text))
        .map_err(|e| Error::Case(format!("{}: {}", path.display(), e.message())))?;
    let list = match value.get("scenario") {
        Some(toml::Value::Array(a)) => a.clone(),
        _ => {
            return Err(Error::Case(format!(
                "{}: expected [[scenario]] tables",
                path.display()
            )))
        }
    };
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(k, v)| {
            let name = v
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("scenario {}", k + 1));
            let edit = v
                .try_into::<Scenario>()
                .map_err(|e| e.message().to_string());
            Prepared {
                name,
                edit,
                draw: None,
            }
        })
        .collect())
}

/// Applies a scenario's edits to a copy of the case; the demand factors are returned apart.
fn apply(
    base: &Case,
    names: &case::Names,
    s: &Scenario,
) -> Result<(Case, Vec<(Option<usize>, Option<usize>, f64)>), String> {
    let mut c = base.clone();
    let inst = |c: &Case, id: &str| {
        c.institutions
            .iter()
            .position(|i| i.id == id)
            .ok_or(format!("unknown institution {id:?}"))
    };
    for r in &s.add_room {
        let i = inst(&c, &r.institution_id)?;
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
        if !(policy.max_travel_km > 0.0)
            || policy.candidates_per_invigilator == 0
            || policy.sittings_per_paper == 0
            || policy.road_factor < 1.0
        {
            return Err("policy values out of range".into());
        }
        if policy.road_factor != c.policy.road_factor {
            for a in 0..c.prefectures.len() {
                for b in 0..c.prefectures.len() {
                    if a != b {
                        let (pa, pb) = (&c.prefectures[a], &c.prefectures[b]);
                        c.road_km[a][b] = (case::haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)
                            * policy.road_factor)
                            .round();
                    }
                }
            }
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

fn outcome_of(case: &Case, sol: &Solution, name: &str, seconds: f64) -> Outcome {
    let mut load: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let mut cross = 0;
    for f in &sol.routing.flows {
        *load.entry((f.slot, f.institution)).or_default() += f.count;
        if case.institutions[f.institution].prefecture != sol.problem.groups[f.group].home {
            cross += u64::from(f.count);
        }
    }
    let rooms: u64 = load
        .iter()
        .map(|(&(_, i), &n)| sol.problem.venues[i].rooms_needed(n).unwrap_or(0) as u64)
        .sum();
    let seated: u64 = load.values().map(|&n| u64::from(n)).sum();
    let mut by_pref = vec![0u64; case.prefectures.len()];
    let mut planning = vec![0u64; case.prefectures.len()];
    for d in &sol.problem.fixed {
        by_pref[d.home] += u64::from(d.count);
    }
    for d in &sol.deferred {
        by_pref[d.home] += u64::from(d.count);
        planning[d.home] += u64::from(d.count);
    }
    let travel = sol.travel_km();
    let bound = sol.travel_stage.bound.min(travel);
    let proven = sol.deferred_stage.proven && sol.travel_stage.proven;
    Outcome {
        name: name.to_string(),
        status: if proven { "optimal" } else { "time_limit" }.to_string(),
        reason: String::new(),
        candidates: sol.registrations,
        seated,
        deferred: sol.deferred_total(),
        travel_km: travel,
        cross_prefecture: cross,
        rooms_opened: rooms,
        gap: if travel > 0.0 {
            ((travel - bound) / travel).max(0.0)
        } else {
            0.0
        },
        seconds,
        deferred_by_prefecture: by_pref,
        planning_deferred_by_prefecture: planning,
    }
}

fn keyed(pb: &Problem, tt: &Timetable) -> BTreeMap<Paper, Vec<usize>> {
    pb.papers
        .iter()
        .zip(tt)
        .map(|(p, s)| (*p, s.clone()))
        .collect()
}

/// Plans one scenario (or draw) on the calling worker.
fn run_one(
    base: &Case,
    names: &case::Names,
    prep: &Prepared,
    req: &Request,
    warm: Option<&BTreeMap<Paper, Vec<usize>>>,
) -> Outcome {
    let clock = Instant::now();
    let invalid = |reason: String| Outcome {
        name: prep.name.clone(),
        status: "invalid".into(),
        reason,
        ..Outcome::default()
    };
    let scenario = match &prep.edit {
        Ok(s) => s,
        Err(e) => return invalid(e.clone()),
    };
    let (case, factors) = match apply(base, names, scenario) {
        Ok(x) => x,
        Err(e) => return invalid(e),
    };
    let eligible = vet::eligible(&case);
    let mut pb = solve::problem::build(&case, &eligible);
    if !factors.is_empty() {
        pb.scale(|g, paper| {
            let mut f = 1.0;
            let mut hit = false;
            for &(p, o, factor) in &factors {
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
    if let Some(draw) = prep.draw {
        let mut rng =
            ChaCha8Rng::seed_from_u64(req.seed.wrapping_mul(1_000_003).wrapping_add(draw));
        let mut draw_count = |n: u32| {
            let sd = req.cv * f64::from(n);
            let x = match Normal::new(f64::from(n), sd) {
                Ok(d) if sd > 0.0 => d.sample(&mut rng),
                _ => f64::from(n),
            };
            x.round().max(0.0) as u32
        };
        let sizes: Vec<u32> = pb.groups.iter().map(|g| g.n).collect();
        pb.scale(|_, _| Some(1.0));
        for (g, n) in pb.groups.iter_mut().zip(sizes) {
            g.n = draw_count(n);
        }
        // registrations no plan can seat vary with demand too: draw them per home, paper, reason
        let mut fixed: BTreeMap<(usize, Paper, solve::Reason), u32> = BTreeMap::new();
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
    let warm_tt: Option<Timetable> = warm.map(|w| {
        pb.papers
            .iter()
            .map(|p| w.get(p).cloned().unwrap_or_default())
            .collect()
    });
    match solve::solve(&case, pb, &req.settings, warm_tt.as_ref()) {
        Ok(sol) => outcome_of(&case, &sol, &prep.name, clock.elapsed().as_secs_f64()),
        Err(e) => Outcome {
            name: prep.name.clone(),
            status: "failed".into(),
            reason: e.to_string(),
            seconds: clock.elapsed().as_secs_f64(),
            ..Outcome::default()
        },
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Runs every scenario and writes the comparison into `out` (all files or none).
pub fn run(case_dir: &Path, req: &Request, out: &Path) -> Result<(), Error> {
    let wall = Instant::now();
    let (loaded, mut diags) = case::load_quiet(case_dir);
    let Some((base, names)) = loaded else {
        return Err(Error::Case(
            diags
                .items
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    };
    crate::validate::cross_check(&base, &mut diags);
    if diags.has_errors() {
        return Err(Error::Case(
            diags
                .errors()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    let mut prepared = Vec::new();
    if let Some(path) = &req.scenarios {
        prepared.extend(read_scenarios(path)?);
    }
    if let Some(sweep) = &req.sweep {
        let seats: u32 = sweep
            .strip_prefix("add-room:")
            .and_then(|s| s.parse().ok())
            .filter(|&s| s > 0 && s <= 999)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--sweep expects add-room:SEATS (1-999), got {sweep:?}"
                ))
            })?;
        for (i, ok) in vet::eligible(&base).into_iter().enumerate() {
            if ok {
                let id = &base.institutions[i].id;
                let room_id = (1..)
                    .map(|k| format!("SWEEP{k}"))
                    .find(|r| {
                        !base
                            .rooms
                            .iter()
                            .any(|x| x.institution == i && &x.room_id == r)
                    })
                    .unwrap();
                let s = Scenario {
                    name: format!("{id} adds a {seats}-seat room"),
                    add_room: vec![AddRoom {
                        institution_id: id.clone(),
                        room_id,
                        seats,
                        camera_p: 1080,
                    }],
                    ..Scenario::default()
                };
                prepared.push(Prepared {
                    name: s.name.clone(),
                    edit: Ok(s),
                    draw: None,
                });
            }
        }
    }
    let draws = req.monte_carlo.unwrap_or(0);
    if req.monte_carlo.is_some() && !(req.cv >= 0.0 && req.cv.is_finite()) {
        return Err(Error::Usage(format!("--cv must be ≥ 0, got {}", req.cv)));
    }
    for d in 0..draws {
        prepared.push(Prepared {
            name: format!("monte-carlo draw {}", d + 1),
            edit: Ok(Scenario::default()),
            draw: Some(d as u64),
        });
    }
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));

    // the baseline: its timetable warms the scenarios, its duals give capacity values
    let eligible = vet::eligible(&base);
    let pb = solve::problem::build(&base, &eligible);
    let clock = Instant::now();
    let baseline =
        solve::solve(&base, pb, &req.settings, None).map_err(|e| Error::Baseline(e.to_string()))?;
    let base_outcome = outcome_of(&base, &baseline, "baseline", clock.elapsed().as_secs_f64());
    let warm = req
        .warm_start
        .then(|| keyed(&baseline.problem, &baseline.timetable));

    let total = prepared.len();
    let done = AtomicUsize::new(0);
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} scenarios, {per_sec}, eta {eta}",
            )
            .unwrap(),
        );
        b
    });
    let outcomes: Vec<Option<Outcome>> = prepared
        .par_iter()
        .map(|p| {
            if INTERRUPTED.load(Ordering::SeqCst) {
                return None;
            }
            let o = run_one(&base, &names, p, req, warm.as_ref());
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            match &bar {
                Some(b) => b.inc(1),
                None if n.is_multiple_of((total / 10).max(1)) || n == total => {
                    eprintln!("{n}/{total} scenarios done")
                }
                None => {}
            }
            Some(o)
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if INTERRUPTED.load(Ordering::SeqCst) || outcomes.iter().any(Option::is_none) {
        return Err(Error::Interrupted);
    }
    let outcomes: Vec<Outcome> = outcomes.into_iter().flatten().collect();
    let (scen, mc): (Vec<(&Outcome, &Prepared)>, Vec<(&Outcome, &Prepared)>) = outcomes
        .iter()
        .zip(&prepared)
        .partition(|(_, p)| p.draw.is_none());
    let wall_seconds = wall.elapsed().as_secs_f64();

    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    files.push((
        "scenarios.csv",
        scenarios_csv(&base_outcome, scen.iter().map(|x| x.0)),
    ));
    files.push(("capacity_value.csv", capacity_csv(&base, &baseline)));
    if req.monte_carlo.is_some() {
        files.push((
            "monte_carlo.csv",
            monte_carlo_csv(&base, mc.iter().map(|x| x.0).collect()),
        ));
    }
    let story = narrative(
        &base,
        &base_outcome,
        &scen.iter().map(|x| x.0).collect::<Vec<_>>(),
        &baseline,
    );
    let summary = json!({
        "scenarios": total,
        "invalid": outcomes.iter().filter(|o| o.status == "invalid").count(),
        "threads": req.threads,
        "warm_start": req.warm_start,
        "wall_seconds": (wall_seconds * 100.0).round() / 100.0,
        "scenarios_per_second": ((total as f64 / wall_seconds.max(1e-9)) * 100.0).round() / 100.0,
        "deferred_weight": baseline.routing.deferred_weight,
        "what_the_scenarios_say": story,
    });
    let mut json_bytes = serde_json::to_vec_pretty(&summary).expect("json");
    json_bytes.push(b'\n');
    files.push(("summary.json", json_bytes));
    let staged = crate::plan::stage(out, &files)?;
    staged.commit(&[
        "scenarios.csv",
        "capacity_value.csv",
        "monte_carlo.csv",
        "summary.json",
    ])?;
    println!("{story}");
    eprintln!(
        "{total} scenario(s) in {wall_seconds:.1} s on {} worker(s); written to {}",
        req.threads,
        out.display()
    );
    Ok(())
}

fn scenarios_csv<'a>(base: &'a Outcome, scen: impl Iterator<Item = &'a Outcome>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "status",
        "candidates",
        "seated",
        "deferred",
        "delta_deferred",
        "travel_km",
        "delta_travel_km",
        "cross_prefecture",
        "rooms_opened",
        "gap",
        "solve_seconds",
        "reason",
    ])
    .expect("memory");
    for o in std::iter::once(base).chain(scen) {
        let valid = o.status != "invalid";
        let f = |v: String| if valid { v } else { String::new() };
        w.write_record([
            o.name.clone(),
            o.status.clone(),
            f(o.candidates.to_string()),
            f(o.seated.to_string()),
            f(o.deferred.to_string()),
            f((o.deferred as i64 - base.deferred as i64).to_string()),
            f(format!("{:.0}", o.travel_km.round() + 0.0)),
            f(format!(
                "{:.0}",
                (o.travel_km - base.travel_km).round() + 0.0
            )),
            f(o.cross_prefecture.to_string()),
            f(o.rooms_opened.to_string()),
            f(format!("{:.6}", o.gap)),
            format!("{:.3}", o.seconds),
            o.reason.clone(),
        ])
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

fn capacity_csv(case: &Case, sol: &Solution) -> Vec<u8> {
    let mut values = sol.routing.seat_values.clone();
    values.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.institution.cmp(&b.institution))
            .then(a.slot.cmp(&b.slot))
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "institution_id",
        "institution",
        "prefecture",
        "date",
        "start",
        "seat_value",
    ])
    .expect("memory");
    for v in values {
        let inst = &case.institutions[v.institution];
        let s = &case.sessions[v.slot];
        w.write_record([
            inst.id.clone(),
            inst.name.clone(),
            case.prefectures[inst.prefecture].name.clone(),
            s.date.to_string(),
            s.start.format("%H:%M").to_string(),
            format!("{:.2}", v.value),
        ])
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

fn monte_carlo_csv(case: &Case, draws: Vec<&Outcome>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "prefecture",
        "draws",
        "p_any_deferred",
        "mean_deferred",
        "p95_deferred",
        "p_any_planning_deferred",
        "mean_planning_deferred",
    ])
    .expect("memory");
    let ok: Vec<&&Outcome> = draws
        .iter()
        .filter(|o| !o.deferred_by_prefecture.is_empty())
        .collect();
    for (p, pref) in case.prefectures.iter().enumerate() {
        let planning: Vec<u64> = ok
            .iter()
            .map(|o| o.planning_deferred_by_prefecture[p])
            .collect();
        let m = planning.len().max(1) as f64;
        let any_planning = planning.iter().filter(|&&d| d > 0).count() as f64 / m;
        let mean_planning = planning.iter().sum::<u64>() as f64 / m;
        let mut v: Vec<u64> = ok.iter().map(|o| o.deferred_by_prefecture[p]).collect();
        v.sort_unstable();
        let n = v.len().max(1) as f64;
        let any = v.iter().filter(|&&d| d > 0).count() as f64 / n;
        let mean = v.iter().sum::<u64>() as f64 / n;
        let p95 = if v.is_empty() {
            0
        } else {
            v[((0.95 * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
        };
        w.write_record([
            pref.name.clone(),
            v.len().to_string(),
            format!("{any:.4}"),
            format!("{mean:.2}"),
            p95.to_string(),
            format!("{any_planning:.4}"),
            format!("{mean_planning:.2}"),
        ])
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

/// "What the scenarios say": the biggest changes and the most valuable seats.
fn narrative(case: &Case, base: &Outcome, scen: &[&Outcome], baseline: &Solution) -> String {
    let mut valid: Vec<&&Outcome> = scen
        .iter()
        .filter(|o| o.status != "invalid" && o.status != "failed")
        .collect();
    let mut text = format!(
        "Baseline: {} of {} seated, {} deferred, {:.0} km of travel.",
        base.seated, base.candidates, base.deferred, base.travel_km
    );
    valid.sort_by(|a, b| {
        (a.deferred as i64)
            .cmp(&(b.deferred as i64))
            .then(a.travel_km.total_cmp(&b.travel_km))
            .then(a.name.cmp(&b.name))
    });
    if let Some(best) = valid.first() {
        text += &format!(
            " Most helpful scenario: \"{}\" ({:+} deferred, {:+.0} km).",
            best.name,
            best.deferred as i64 - base.deferred as i64,
            best.travel_km - base.travel_km
        );
    }
    if let Some(worst) = valid.last().filter(|_| valid.len() > 1) {
        text += &format!(
            " Most harmful: \"{}\" ({:+} deferred, {:+.0} km).",
            worst.name,
            worst.deferred as i64 - base.deferred as i64,
            worst.travel_km - base.travel_km
        );
    }
    let invalid = scen.iter().filter(|o| o.status == "invalid").count();
    if invalid > 0 {
        text += &format!(" {invalid} scenario(s) invalid (see scenarios.csv).");
    }
    let mut values = baseline.routing.seat_values.clone();
    values.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.institution.cmp(&b.institution))
    });
    let top: Vec<String> = values
        .iter()
        .filter(|v| v.value > 0.0)
        .take(3)
        .map(|v| {
            format!(
                "{} at {} {} ({:.0})",
                case.institutions[v.institution].id,
                case.sessions[v.slot].date,
                case.sessions[v.slot].start.format("%H:%M"),
                v.value
            )
        })
        .collect();
    if top.is_empty() {
        text += " No institution's seats are binding: one more seat anywhere changes nothing.";
    } else {
        text += &format!(" Highest value of one more seat: {}.", top.join("; "));
    }
    text
}

//! What a what-if run writes: scenarios.csv, capacity_value.csv, monte_carlo.csv, summary.json,
//! and the paragraph the command prints ("what the scenarios say").

use super::outcome::{Outcome, ScenarioStatus};
use super::ranking::{effect, rank_key, ranked};
use super::request::{Error, Request};
use super::scenario::Prepared;
use crate::case::Case;
use crate::output::staging::Staging;
use crate::plan::summary::significance;
use crate::solve::SeatValue;
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// Every file a what-if folder may hold.
pub const FILES: [&str; 6] = [
    "scenarios.csv",
    "capacity_value.csv",
    "monte_carlo.csv",
    "summary.json",
    "whatif.xlsx",
    "report.html",
];

/// A finished run: the baseline and every scenario's outcome, in the order given, and the
/// baseline's seat values (its routing duals) with the weight of one deferred registration.
pub struct Results<'a> {
    pub case: &'a Case,
    pub base: Outcome,
    pub outcomes: Vec<Outcome>,
    pub prepared: &'a [Prepared],
    pub seat_values: Vec<SeatValue>,
    pub deferred_weight: f64,
}

/// What the command line prints once the folder is written.
pub struct Report {
    /// "What the scenarios say": the paragraph for stdout.
    pub story: String,
    pub scenarios: usize,
    pub wall_seconds: f64,
}

/// The what-if summary.json.
#[derive(Debug, Serialize)]
struct WhatifSummary<'a> {
    scenarios: usize,
    invalid: usize,
    threads: usize,
    warm_start: bool,
    wall_seconds: f64,
    scenarios_per_second: f64,
    deferred_weight: f64,
    what_the_scenarios_say: &'a str,
}

impl Results<'_> {
    /// Writes the folder (all files or none) and returns what to print.
    pub fn write(&self, req: &Request, wall: Instant, out: &Path) -> Result<Report, Error> {
        let (scen, mc): (Vec<(&Outcome, &Prepared)>, Vec<(&Outcome, &Prepared)>) = self
            .outcomes
            .iter()
            .zip(self.prepared)
            .partition(|(_, p)| p.draw.is_none());
        let scen: Vec<&Outcome> = scen.into_iter().map(|x| x.0).collect();
        let wall_seconds = wall.elapsed().as_secs_f64();
        let total = self.outcomes.len();
        let draws: Vec<&Outcome> = mc.iter().map(|x| x.0).collect();
        let mut tables = vec![
            (
                "scenarios.csv",
                scenarios_csv(&self.base, scen.iter().copied()),
            ),
            (
                "capacity_value.csv",
                capacity_csv(self.case, &self.seat_values, self.deferred_weight),
            ),
        ];
        if req.monte_carlo.is_some() {
            tables.push(("monte_carlo.csv", monte_carlo_csv(self.case, draws.clone())));
        }
        let staging = Staging::new(out)?;
        for (name, bytes) in &tables {
            staging.add_bytes(name, bytes)?;
        }
        let book = crate::output::sheets::tables_workbook(self.case.quarter.first_day(), &tables)?;
        staging.add_bytes("whatif.xlsx", &book)?;
        let page = super::page::page_of(
            self.case,
            &self.base,
            &scen,
            &draws,
            &self.seat_values,
            self.deferred_weight,
        );
        staging.add_bytes("report.html", page.as_bytes())?;
        let story = narrative(
            self.case,
            &self.base,
            &scen,
            &self.seat_values,
            self.deferred_weight,
        );
        let summary = WhatifSummary {
            scenarios: total,
            invalid: self
                .outcomes
                .iter()
                .filter(|o| o.status == ScenarioStatus::Invalid)
                .count(),
            threads: req.threads,
            warm_start: req.warm_start,
            wall_seconds: (wall_seconds * 100.0).round() / 100.0,
            scenarios_per_second: ((total as f64 / wall_seconds.max(1e-9)) * 100.0).round() / 100.0,
            deferred_weight: self.deferred_weight,
            what_the_scenarios_say: &story,
        };
        let mut json = serde_json::to_vec_pretty(&summary).expect("json");
        json.push(b'\n');
        staging.add_bytes("summary.json", &json)?;
        staging.commit(&FILES)?;
        Ok(Report {
            story,
            scenarios: total,
            wall_seconds,
        })
    }
}

fn scenarios_csv<'a>(base: &'a Outcome, scen: impl Iterator<Item = &'a Outcome>) -> Vec<u8> {
    let mut w = crate::csv_out::Writer::from_writer(Vec::new());
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
        "deferred_bound",
        "travel_bound",
        "significance",
        "delta_rooms_opened",
        "invigilators",
        "delta_invigilators",
    ])
    .expect("memory");
    let base_deferred = base.stats.as_ref().map_or(0, |s| s.deferred);
    let base_rooms = base.stats.as_ref().map_or(0, |s| s.rooms_opened);
    let base_invigilators = base.stats.as_ref().map_or(0, |s| s.invigilators);
    for o in std::iter::once(base).chain(scen) {
        let mut row = vec![o.name.clone(), o.status.to_string()];
        match &o.stats {
            Some(st) => row.extend([
                st.candidates.to_string(),
                st.seated.to_string(),
                st.deferred.to_string(),
                (st.deferred as i64 - base_deferred as i64).to_string(),
                format!("{:.0}", o.travel_km.round() + 0.0),
                format!("{:.0}", (o.travel_km - base.travel_km).round() + 0.0),
                st.cross_prefecture.to_string(),
                st.rooms_opened.to_string(),
                format!("{:.6}", st.gap),
            ]),
            None => row.extend(std::iter::repeat_n(String::new(), 9)),
        }
        row.push(format!("{:.3}", o.seconds));
        row.push(o.reason.clone());
        match &o.stats {
            Some(st) => {
                row.push(format!("{:.0}", st.objectives.deferred.bound));
                row.push(format!("{:.0}", st.objectives.travel_km.bound));
                row.push(match (std::ptr::eq(o, base), &base.stats) {
                    (true, _) | (_, None) => String::new(),
                    (false, Some(b)) => significance(b, st).to_string(),
                });
                row.push((st.rooms_opened as i64 - base_rooms as i64).to_string());
                row.push(st.invigilators.to_string());
                row.push((st.invigilators as i64 - base_invigilators as i64).to_string());
            }
            None => row.extend(std::iter::repeat_n(String::new(), 6)),
        }
        w.write_record(&row).expect("memory");
    }
    w.into_inner().expect("memory")
}

/// capacity_value.csv: each seat's shadow price, and the same in plain units.
fn capacity_csv(case: &Case, seat_values: &[SeatValue], weight: f64) -> Vec<u8> {
    let values = ranked(seat_values);
    let mut w = crate::csv_out::Writer::from_writer(Vec::new());
    w.write_record([
        "institution_id",
        "institution",
        "prefecture",
        "date",
        "start",
        "seat_value",
        "deferred_per_seat",
        "km_per_seat",
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
            format!("{:.0}", v.deferred_per_seat(weight)),
            format!("{:.2}", v.km_per_seat(weight) + 0.0),
        ])
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

fn monte_carlo_csv(case: &Case, draws: Vec<&Outcome>) -> Vec<u8> {
    let mut w = crate::csv_out::Writer::from_writer(Vec::new());
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

/// "What the scenarios say" (情景结论), in Chinese: the baseline, the most helpful and most
/// harmful scenarios with every figure they change, and the most valuable seats.
fn narrative(
    case: &Case,
    base: &Outcome,
    scen: &[&Outcome],
    seat_values: &[SeatValue],
    weight: f64,
) -> String {
    let mut valid: Vec<&&Outcome> = scen.iter().filter(|o| o.stats.is_some()).collect();
    let mut text = match base.stats.as_ref() {
        Some(s) => format!(
            "基准方案：{} 名报名中安排 {} 名，缓考 {} 名，总里程 {:.0} 公里，考场 {} 场次，监考 {} 人次。",
            s.candidates, s.seated, s.deferred, base.travel_km, s.rooms_opened, s.invigilators
        ),
        None => "基准方案未能求解。".to_string(),
    };
    valid.sort_by(|a, b| rank_key(a).cmp(&rank_key(b)));
    if let Some(best) = valid.first() {
        text += &format!(
            "最有帮助的情景：“{}”（{}）。",
            best.name,
            effect(base, best)
        );
    }
    if let Some(worst) = valid.last().filter(|_| valid.len() > 1) {
        text += &format!(
            "最不利的情景：“{}”（{}）。",
            worst.name,
            effect(base, worst)
        );
    }
    let invalid = scen
        .iter()
        .filter(|o| o.status == ScenarioStatus::Invalid)
        .count();
    if invalid > 0 {
        text += &format!("{invalid} 个情景无效（见 scenarios.csv）。");
    }
    let top: Vec<String> = ranked(seat_values)
        .iter()
        .filter(|v| v.value > 0.0)
        .take(3)
        .map(|v| {
            format!(
                "{} {} {}（{}）",
                case.institutions[v.institution].id,
                case.sessions[v.slot].date,
                case.sessions[v.slot].start.format("%H:%M"),
                in_units(v, weight)
            )
        })
        .collect();
    if top.is_empty() {
        text += "没有机构的座位是紧约束：任何地方增加一个座位都不改变方案。";
    } else {
        text += &format!("增加一个座位价值最高的是：{}。", top.join("；"));
    }
    text
}

/// A seat's value in words: "多安排 1 人，里程 +30 公里".
fn in_units(v: &SeatValue, weight: f64) -> String {
    let seats = v.deferred_per_seat(weight);
    let km = v.km_per_seat(weight);
    match (seats > 0.0, km) {
        (true, km) if km.abs() < 0.5 => "多安排 1 人".to_string(),
        (true, km) => format!("多安排 1 人，里程 {:+.0} 公里", -km),
        (false, km) => format!("节省里程 {km:.0} 公里"),
    }
}

//! The report of a plan: headline with bounds and gaps, the timetable as a grid of papers ×
//! slots, utilisation of every institution at every slot as a heat map, the 14 prefectures on
//! a map with the candidate flows between them, and deferrals by reason and by prefecture.

use super::{bars, count, figure, page};
use crate::case::Case;
use crate::plan::summary::PlanStats;
use crate::plan::Notice;
use crate::solve::Solution;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// The page of a planned quarter.
pub fn page_of(case: &Case, sol: &Solution, stats: &PlanStats, notices: &[Notice]) -> String {
    let body = html! {
        (headline(stats))
        @if stats.changes.is_some() {
            (changes(notices))
        }
        (map(case, sol))
        (deferred(case, sol, stats))
        (timetable(case, sol))
        (utilisation(case, sol))
        p.note { "exam-planner · " (stats.case) " · 由 exam-planner plan 生成，数据与同目录 CSV 文件一致。" }
    };
    page(&format!("{} 考试计划", stats.case), body)
}

fn headline(s: &PlanStats) -> Markup {
    let o = &s.objectives;
    html! {
        section #headline {
            h1 { (s.case) }
            div.sub {
                (s.quarter) " · 状态 " span class=(format!("status {}", s.status)) id="status" { (crate::words::status(s.status.as_str())) }
                " · " (s.papers) " 个科目场次，使用 " (s.slots_used) "/" (s.slots_offered) " 个考试时段"
            }
            div.figures {
                (figure("seated", "安排座位", count(s.seated), None))
                (figure("candidates", "报名人次", count(s.candidates), None))
                (figure("deferred", "缓考（越少越好）", count(s.deferred),
                    Some((count(o.deferred.bound.round() as u64), o.deferred.gap))))
                (figure("travel", "考生总里程（公里）", count(s.travel_km.round() as u64),
                    Some((count(o.travel_km.bound.round() as u64), o.travel_km.gap))))
                (figure("rooms", "考场场次", count(s.rooms_opened), None))
                (figure("invigilators", "监考人次", count(s.invigilators), None))
            }
            p.note { "界：求解器已证明任何方案都不可能更好的值；差距为 (数值 − 界) / 数值。" }
        }
    }
}

/// Slot labels `08-15 08:30`.
fn slot_labels(case: &Case) -> Vec<String> {
    case.sessions
        .iter()
        .map(|s| format!("{} {}", s.date.format("%m-%d"), s.start.format("%H:%M")))
        .collect()
}

fn timetable(case: &Case, sol: &Solution) -> Markup {
    let pb = &sol.problem;
    let mut seated: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for f in &sol.routing.flows {
        *seated
            .entry((pb.groups[f.group].paper, f.slot))
            .or_default() += u64::from(f.count);
    }
    let mut papers: Vec<usize> = (0..pb.papers.len()).collect();
    papers.sort_by_key(|&p| {
        (
            pb.papers[p].occupation,
            std::cmp::Reverse(pb.papers[p].level),
        )
    });
    let slots = slot_labels(case);
    html! {
        section #timetable {
            h2 { "统一时间表（科目 × 时段，格内为考生人数）" }
            table.grid {
                tr { th.name { "职业（工种）等级" } @for s in &slots { th { (s) } } }
                @for &p in &papers {
                    tr {
                        td.name { (case.paper_label(pb.papers[p])) }
                        @for t in 0..slots.len() {
                            @match seated.get(&(p, t)) {
                                Some(n) => td.on { (n) },
                                None => td {},
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The 14 prefectures drawn from their coordinates, sized by their candidates, with a line
/// for every flow of candidates who sit in another prefecture.
fn map(case: &Case, sol: &Solution) -> Markup {
    let pb = &sol.problem;
    let (w, h, pad) = (640.0, 520.0, 60.0);
    let lon = |p: &crate::case::Prefecture| p.lon;
    let lat = |p: &crate::case::Prefecture| p.lat;
    let min = |f: &dyn Fn(&crate::case::Prefecture) -> f64| {
        case.prefectures.iter().map(f).fold(f64::INFINITY, f64::min)
    };
    let max = |f: &dyn Fn(&crate::case::Prefecture) -> f64| {
        case.prefectures
            .iter()
            .map(f)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let (x0, x1, y0, y1) = (min(&lon), max(&lon), min(&lat), max(&lat));
    let sx = (w - 2.0 * pad) / (x1 - x0).max(1e-6);
    let sy = (h - 2.0 * pad) / (y1 - y0).max(1e-6);
    let scale = sx.min(sy);
    let xy = |p: usize| {
        let q = &case.prefectures[p];
        (pad + (q.lon - x0) * scale, h - pad - (q.lat - y0) * scale)
    };
    let mut home = vec![0u64; case.prefectures.len()];
    let mut flows: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for f in &sol.routing.flows {
        let from = pb.groups[f.group].home;
        let to = case.institutions[f.institution].prefecture;
        home[from] += u64::from(f.count);
        if from != to {
            *flows.entry((from, to)).or_default() += u64::from(f.count);
        }
    }
    let biggest_home = home.iter().copied().max().unwrap_or(1).max(1) as f64;
    let biggest_flow = flows.values().copied().max().unwrap_or(1).max(1) as f64;
    let radius = |p: usize| 4.0 + 22.0 * (home[p] as f64 / biggest_home).sqrt();
    // a flow is a gentle curve from edge to edge, so A → B and B → A do not overlap
    let curve = |a: usize, b: usize| {
        let ((xa, ya), (xb, yb)) = (xy(a), xy(b));
        let (dx, dy) = (xb - xa, yb - ya);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        let (ux, uy) = (dx / len, dy / len);
        let (sx, sy) = (xa + ux * radius(a), ya + uy * radius(a));
        let (ex, ey) = (xb - ux * (radius(b) + 2.0), yb - uy * (radius(b) + 2.0));
        let (cx, cy) = (
            (sx + ex) / 2.0 - uy * len * 0.12,
            (sy + ey) / 2.0 + ux * len * 0.12,
        );
        format!("M {sx:.1} {sy:.1} Q {cx:.1} {cy:.1} {ex:.1} {ey:.1}")
    };
    html! {
        section #map {
            h2 { "各市州考生与跨市州流向" }
            svg width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) xmlns="http://www.w3.org/2000/svg" role="img" {
                defs {
                    marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse"
                        markerWidth="9" markerHeight="9" orient="auto" {
                        path d="M 0 0 L 10 5 L 0 10 z" fill="#b03a2e" {}
                    }
                }
                rect x="0" y="0" width=(w) height=(h) fill="#f7fafc" stroke="#d5dde5" {}
                @for (p, _) in case.prefectures.iter().enumerate() {
                    @let (x, y) = xy(p);
                    circle.prefecture cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(format!("{:.1}", radius(p)))
                        fill="#2f6690" fill-opacity="0.45" stroke="#1d3f5c" {
                        title { (case.prefectures[p].name) "：考生 " (home[p]) " 人" }
                    }
                }
                @for (&(a, b), &n) in &flows {
                    path.flow d=(curve(a, b)) fill="none" stroke="#b03a2e" stroke-opacity="0.75"
                        stroke-width=(format!("{:.2}", 0.8 + 6.0 * n as f64 / biggest_flow))
                        marker-end="url(#arrow)" {
                        title { (case.prefectures[a].name) " → " (case.prefectures[b].name) "：" (n) " 人" }
                    }
                }
                @for (p, pref) in case.prefectures.iter().enumerate() {
                    @let (x, y) = xy(p);
                    text x=(format!("{:.1}", x + radius(p) + 3.0)) y=(format!("{:.1}", y + 4.0)) font-size="12"
                        fill="#1d2733" stroke="#f7fafc" stroke-width="3" paint-order="stroke" { (short_name(&pref.name)) }
                }
            }
            p.note { "圆面积与考生人数成比例（按户籍市州）；红色箭头为到外市州考试的考生，线宽与人数成比例。" }
        }
    }
}

/// 长沙市 → 长沙, 湘西土家族苗族自治州 → 湘西, as a map label.
fn short_name(name: &str) -> &str {
    ["土家族苗族自治州", "自治州", "市", "州"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).filter(|s| !s.is_empty()))
        .unwrap_or(name)
}

fn utilisation(case: &Case, sol: &Solution) -> Markup {
    let pb = &sol.problem;
    let mut load: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for f in &sol.routing.flows {
        *load.entry((f.institution, f.slot)).or_default() += f.count;
    }
    let slots = slot_labels(case);
    let venues: Vec<usize> = (0..case.institutions.len())
        .filter(|&i| pb.capacity(i) > 0)
        .collect();
    html! {
        section #utilisation {
            h2 { "各认定机构各时段的座位使用率" }
            table.heat {
                tr { th.name { "机构" } th.name { "市州" } th { "可用座位" } @for s in &slots { th { (s) } } }
                @for &i in &venues {
                    @let cap = pb.capacity(i);
                    tr {
                        td.name { (case.institutions[i].id) " " (case.institutions[i].name) }
                        td.name { (case.prefectures[case.institutions[i].prefecture].name) }
                        td { (cap) }
                        @for t in 0..slots.len() {
                            @let n = load.get(&(i, t)).copied().unwrap_or(0);
                            @let share = f64::from(n) / f64::from(cap);
                            td style=(heat(share)) title=(format!("{n}/{cap}")) {
                                @if n > 0 { (format!("{:.0}%", share * 100.0)) }
                            }
                        }
                    }
                }
            }
            p.note { "可用座位：该机构一个时段在监考人员限制下最多可安排的人数。" }
        }
    }
}

/// White at 0 %, deep blue at 100 %.
fn heat(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    let color = format!(
        "#{:02x}{:02x}{:02x}",
        mix(255.0, 31.0),
        mix(255.0, 78.0),
        mix(255.0, 121.0)
    );
    let text = if s > 0.55 { "#ffffff" } else { "#1d2733" };
    format!("background:{color};color:{text}")
}

/// A replan's 变更 section: how many changed, by kind and by institution (who leaves, who comes).
fn changes(notices: &[Notice]) -> Markup {
    let mut by_kind: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_institution: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for n in notices {
        *by_kind.entry(n.change.as_str()).or_default() += 1;
        if !n.old_institution.is_empty() && n.old_institution_id != n.new_institution_id {
            by_institution.entry(&n.old_institution).or_default().0 += 1;
        }
        if !n.new_institution.is_empty() && n.old_institution_id != n.new_institution_id {
            by_institution.entry(&n.new_institution).or_default().1 += 1;
        }
    }
    let kinds: Vec<(String, f64, String)> = by_kind
        .iter()
        .map(|(k, &n)| (k.to_string(), n as f64, count(n)))
        .collect();
    html! {
        section #changes {
            h2 { "变更（与已公布的考试安排相比）" }
            @if notices.is_empty() {
                p { "所有已公布的准考证号均保持不变。" }
            } @else {
                p { "共 " (count(notices.len() as u64)) " 人次变更，逐人明细见 changes.xlsx 及各机构工作簿的“变更通知”。" }
                h3 { "按变更类型" }
                (bars(&kinds, "bad"))
                @if !by_institution.is_empty() {
                    h3 { "按机构" }
                    table {
                        tr { th { "机构" } th { "调出" } th { "调入" } }
                        @for (name, (out, into)) in &by_institution {
                            tr { td.name { (name) } td { (count(*out)) } td { (count(*into)) } }
                        }
                    }
                }
            }
        }
    }
}

fn deferred(case: &Case, sol: &Solution, stats: &PlanStats) -> Markup {
    let by_reason: Vec<(String, f64, String)> = stats
        .deferred_by_reason
        .iter()
        .map(|(k, &n)| {
            (
                crate::words::reason_label(k).to_string(),
                n as f64,
                count(n),
            )
        })
        .collect();
    let mut per = vec![0u64; case.prefectures.len()];
    for d in sol.problem.fixed.iter().chain(&sol.deferred) {
        per[d.home] += u64::from(d.count);
    }
    let by_prefecture: Vec<(String, f64, String)> = case
        .prefectures
        .iter()
        .zip(&per)
        .map(|(p, &n)| (p.name.clone(), n as f64, count(n)))
        .collect();
    html! {
        section #deferred-section {
            h2 { "缓考（顺延至下季度）" }
            @if stats.deferred == 0 {
                p { "本季度所有报名均已安排座位。" }
            } @else {
                h3 { "按原因" }
                (bars(&by_reason, "bad"))
                h3 { "按户籍市州" }
                (bars(&by_prefecture, "bad"))
            }
        }
    }
}

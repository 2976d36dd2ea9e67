//! The report of a what-if run: the baseline, scenarios ranked by their effect, the seats
//! worth adding (capacity values), and the Monte Carlo risk of each prefecture.

use crate::case::Case;
use crate::output::report::{bars, count, figure, page};
use crate::solve::SeatValue;
use crate::whatif::Outcome;
use maud::html;

/// The page of a what-if run. `scenarios` are the named scenarios in the order given, `draws`
/// the Monte Carlo draws.
pub fn page_of(
    case: &Case,
    base: &Outcome,
    scenarios: &[&Outcome],
    draws: &[&Outcome],
    seat_values: &[SeatValue],
    deferred_weight: f64,
) -> String {
    let deferred = |o: &Outcome| o.stats.as_ref().map_or(0, |s| s.deferred) as i64;
    let base_stats = base.stats.as_ref();
    let mut ranked: Vec<&&Outcome> = scenarios.iter().filter(|o| o.stats.is_some()).collect();
    ranked.sort_by(|a, b| super::ranking::rank_key(a).cmp(&super::ranking::rank_key(b)));
    let not_run: Vec<&&Outcome> = scenarios.iter().filter(|o| o.stats.is_none()).collect();
    // the chart shows the first objective in which the scenarios differ from the baseline, so a
    // scenario that only saves rooms still draws a bar
    let measures: [(&str, &dyn Fn(&Outcome) -> f64); 4] = [
        ("缓考人数", &|o: &Outcome| deferred(o) as f64),
        ("总里程（公里）", &|o: &Outcome| o.travel_km.round()),
        ("考场场次", &|o: &Outcome| {
            o.stats.as_ref().map_or(0.0, |s| s.rooms_opened as f64)
        }),
        ("监考人次", &|o: &Outcome| {
            o.stats.as_ref().map_or(0.0, |s| s.invigilators as f64)
        }),
    ];
    let (measured, value) = measures
        .iter()
        .find(|(_, f)| ranked.iter().any(|o| f(o) != f(base)))
        .copied()
        .unwrap_or(measures[0]);
    let effects: Vec<(String, f64, String)> = ranked
        .iter()
        .map(|o| {
            let d = value(o) - value(base);
            (o.name.clone(), d, format!("{d:+.0}"))
        })
        .collect();
    let mut values = super::ranking::ranked(seat_values);
    values.retain(|v| v.value > 0.0);
    values.truncate(20);
    let risk: Vec<(String, f64, String)> = case
        .prefectures
        .iter()
        .enumerate()
        .map(|(p, pref)| {
            let planned: Vec<u64> = draws
                .iter()
                .filter(|o| !o.planning_deferred_by_prefecture.is_empty())
                .map(|o| o.planning_deferred_by_prefecture[p])
                .collect();
            let share =
                planned.iter().filter(|&&d| d > 0).count() as f64 / planned.len().max(1) as f64;
            (pref.name.clone(), share, format!("{:.0} %", share * 100.0))
        })
        .collect();
    let body = html! {
        section #headline {
            h1 { "情景分析：" (case.name) }
            div.sub { (scenarios.len()) " 个情景，" (draws.len()) " 次蒙特卡洛抽样 · 基准方案状态 "
                span class=(format!("status {}", base.status)) id="status" { (base.status.words()) } }
            div.figures {
                @if let Some(s) = base_stats {
                    (figure("deferred", "基准：缓考", count(s.deferred),
                        Some((count(s.objectives.deferred.bound.round() as u64), s.objectives.deferred.gap))))
                    (figure("travel", "基准：总里程（公里）", count(base.travel_km.round() as u64),
                        Some((count(s.objectives.travel_km.bound.round() as u64), s.objectives.travel_km.gap))))
                    (figure("seated", "基准：安排座位", count(s.seated), None))
                }
            }
        }
        @if !scenarios.is_empty() {
            section #scenarios {
                h2 { "情景按效果排序（先比缓考，再比里程、考场场次、监考人次）" }
                h3 { "相对基准的变化：" (measured) }
                (bars(&effects, "signed"))
                table {
                    tr { th.name { "情景" } th { "状态" } th.name { "效果" } th { "缓考" } th { "Δ缓考" } th { "里程" } th { "Δ里程" } th { "考场场次" } th { "监考人次" } th { "差距" } th { "可信度" } }
                    @for o in &ranked {
                        @let s = o.stats.as_ref().expect("ranked scenarios were planned");
                        tr {
                            td.name { (o.name) }
                            td { (o.status.words()) }
                            td.name { (super::ranking::effect(base, o)) }
                            td { (s.deferred) }
                            td { (format!("{:+}", deferred(o) - deferred(base))) }
                            td { (format!("{:.0}", o.travel_km)) }
                            td { (format!("{:+.0}", o.travel_km - base.travel_km)) }
                            td { (s.rooms_opened) }
                            td { (s.invigilators) }
                            td { (format!("{:.2} %", s.gap * 100.0)) }
                            td { (base_stats.map_or("", |b| crate::words::significance(crate::plan::summary::significance(b, s)))) }
                        }
                    }
                }
                @if !not_run.is_empty() {
                    h3 { "未能运行的情景" }
                    table {
                        @for o in &not_run {
                            tr { td.name { (o.name) } td { (o.status.words()) } td.name { (o.reason) } }
                        }
                    }
                }
            }
        }
        section #capacity {
            h2 { "增加一个座位的价值（基准方案的影子价格，前 20）" }
            @if values.is_empty() {
                p { "没有机构的座位是紧约束：任何地方增加座位都不会改变方案。" }
            } @else {
                table {
                    tr { th.name { "机构" } th.name { "市州" } th { "时段" } th { "多安排人数" } th { "节省里程（公里）" } th { "价值（目标单位）" } }
                    @for v in &values {
                        @let inst = &case.institutions[v.institution];
                        @let s = &case.sessions[v.slot];
                        tr {
                            td.name { (inst.id) " " (inst.name) }
                            td.name { (case.prefectures[inst.prefecture].name) }
                            td { (s.date) " " (s.start.format("%H:%M")) }
                            td { (format!("{:.0}", v.deferred_per_seat(deferred_weight))) }
                            td { (format!("{:.0}", v.km_per_seat(deferred_weight))) }
                            td { (format!("{:.2}", v.value)) }
                        }
                    }
                }
                p.note { "目标单位：1 公里里程 = 1；1 名缓考考生 = " (format!("{:.0}", deferred_weight)) "。多安排人数为 1 表示该座位可多安排一名原本缓考的考生；节省里程为负表示该考生需多行驶的里程。" }
            }
        }
        @if !draws.is_empty() {
            section #risk {
                h2 { "各市州出现可避免缓考的概率（蒙特卡洛）" }
                (bars(&risk, "bad"))
                p.note { "只计座位不足或同一考生两科冲突造成的缓考；无备案机构等必然缓考不计入。" }
            }
        }
    };
    page(&format!("{} 情景分析", case.name), body)
}

//! `report.html`: one self-contained page an official reads without opening a CSV.
//!
//! The page is written with maud (HTML templates checked at compile time, text escaped by
//! construction) and draws its charts as inline SVG: no script, no network, no external file,
//! so it opens from a USB stick and prints on A4 (`@page`, no section split across pages).
//! [`plan`] draws a plan; `crate::whatif::page` draws a what-if comparison from the pieces
//! this module holds for both.

pub mod plan;

use maud::{html, Markup, PreEscaped, DOCTYPE};

const CSS: &str = r#"
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "WenQuanYi Micro Hei", sans-serif; color: #1d2733; margin: 24px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 8px; border-bottom: 2px solid #2f6690; padding-bottom: 4px; }
.sub { color: #5b6b7b; margin-bottom: 16px; }
section { margin: 0 0 24px; break-inside: avoid; page-break-inside: avoid; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; }
.figure { border: 1px solid #c9d6e2; border-radius: 6px; padding: 10px 14px; min-width: 170px; }
.figure .label { color: #5b6b7b; font-size: 12px; }
.figure .value { font-size: 24px; font-weight: 700; }
.figure .bound { font-size: 12px; color: #5b6b7b; }
.status { display: inline-block; padding: 2px 8px; border-radius: 10px; color: #fff; }
.status.optimal { background: #2e7d32; } .status.feasible { background: #ef8f00; }
.status.time_limit { background: #c62828; }
table { border-collapse: collapse; font-size: 11px; }
th, td { border: 1px solid #d5dde5; padding: 2px 5px; text-align: right; }
th { background: #eef3f7; } td.name, th.name { text-align: left; white-space: nowrap; }
.grid td.on { background: #2f6690; color: #fff; }
.note { color: #5b6b7b; font-size: 11px; margin-top: 6px; }
.bars td.bar { width: 260px; text-align: left; }
.bars .fill { display: inline-block; height: 10px; background: #2f6690; vertical-align: middle; }
.bars .fill.bad { background: #c62828; } .bars .fill.good { background: #2e7d32; }
svg text { font-family: inherit; }
@media print { body { margin: 0; } }
"#;

/// The whole page around `body`.
pub fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// A headline figure: its label, value, and (when it has one) its proven bound and gap.
pub fn figure(id: &str, label: &str, value: String, bound: Option<(String, f64)>) -> Markup {
    html! {
        div.figure id=(id) {
            div.label { (label) }
            div.value data-value=(value) { (value) }
            @if let Some((b, gap)) = bound {
                div.bound { "界 " span.bound-value { (b) } " · 差距 " (format!("{:.2} %", gap * 100.0)) }
            }
        }
    }
}

/// A table of labelled horizontal bars, each `value / max` of the bar's width. With class
/// `signed`, a negative value (fewer deferred) is drawn green and a positive one red.
pub fn bars(rows: &[(String, f64, String)], class: &str) -> Markup {
    let max = rows.iter().map(|r| r.1.abs()).fold(0.0, f64::max).max(1e-9);
    html! {
        table.bars {
            @for (label, value, text) in rows {
                tr {
                    td.name { (label) }
                    td { (text) }
                    @let tone = match (class, *value < 0.0) {
                        ("signed", true) => "good",
                        ("signed", false) => "bad",
                        (other, _) => other,
                    };
                    td.bar { span class=(format!("fill {tone}")) style=(format!("width:{:.1}px", 250.0 * value.abs() / max)) {} }
                }
            }
        }
    }
}

/// Thousands separators for counts (19,501).
pub fn count(n: u64) -> String {
    use num_format::{Locale, ToFormattedString};
    n.to_formatted_string(&Locale::en)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_have_separators() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(19501), "19,501");
        assert_eq!(super::count(1_000_000), "1,000,000");
    }
}

//! Skill levels as officials write them: `3`, `三级`, `三级/高级工`; lists and ranges (`5|4|3`, `5-3`).

use super::*;

/// 三级 for 3.
pub fn level_name(level: u8) -> &'static str {
    match level {
        1 => "一级",
        2 => "二级",
        3 => "三级",
        4 => "四级",
        5 => "五级",
        _ => "?级",
    }
}

/// Reads a level given as a number or a Chinese name (三级, 高级工, 技师 …).
pub fn parse_level(text: &str) -> Option<u8> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u8>() {
        return (1..=5).contains(&n).then_some(n);
    }
    let level = match text {
        "五级" | "初级工" | "初级" | "五级/初级工" => 5,
        "四级" | "中级工" | "中级" | "四级/中级工" => 4,
        "三级" | "高级工" | "高级" | "三级/高级工" => 3,
        "二级" | "技师" | "二级/技师" => 2,
        "一级" | "高级技师" | "一级/高级技师" => 1,
        _ => return None,
    };
    Some(level)
}

/// Reads `5|4|3`, `5-3` or `3-5` into a descending list of levels.
pub fn parse_levels(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let mut levels = Vec::new();
    if let Some((a, b)) = text.split_once(['-', '–', '~']) {
        let (Some(a), Some(b)) = (parse_level(a), parse_level(b)) else {
            return Err(format!(
                "expected a level range such as 5-3, found {text:?}"
            ));
        };
        let (lo, hi) = (a.min(b), a.max(b));
        levels.extend(lo..=hi);
    } else {
        for part in table::split_list(text) {
            match parse_level(part) {
                Some(l) => levels.push(l),
                None => return Err(format!("expected levels 1-5 such as 5|4|3, found {part:?}")),
            }
        }
    }
    if levels.is_empty() {
        return Err("no levels given".to_string());
    }
    levels.sort_unstable_by(|a, b| b.cmp(a));
    levels.dedup();
    Ok(levels)
}

//! How scenarios compare with the baseline: the order they are ranked in, each one's effect in
//! words, and the seats worth adding most. The report, the headline and the page share it.

use super::outcome::Outcome;
use crate::solve::SeatValue;

/// Seat values, highest first (ties by institution, then slot): capacity_value.csv's order and
/// the report's.
pub fn ranked(seat_values: &[SeatValue]) -> Vec<SeatValue> {
    let mut values = seat_values.to_vec();
    values.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.institution.cmp(&b.institution))
            .then(a.slot.cmp(&b.slot))
    });
    values
}

/// A scenario's place in the ranking: fewest deferred, then least travel, then fewest room
/// sittings, then fewest invigilators (the contract's objectives in order, and the staff they
/// cost), then its name. `None` for a scenario that was not planned.
pub fn rank_key(o: &Outcome) -> Option<(u64, i64, u64, u64, &str)> {
    let s = o.stats.as_ref()?;
    Some((
        s.deferred,
        o.travel_km.round() as i64,
        s.rooms_opened,
        s.invigilators,
        o.name.as_str(),
    ))
}

/// A scenario's effect against the baseline in words: every figure that changed, 无变化 when
/// none did ("缓考 +0，里程 +0 公里" says nothing of the three rooms a scenario saves).
pub fn effect(base: &Outcome, o: &Outcome) -> String {
    let (Some(b), Some(s)) = (base.stats.as_ref(), o.stats.as_ref()) else {
        return String::new();
    };
    let delta = |now: u64, then: u64| now as i64 - then as i64;
    let km = (o.travel_km - base.travel_km).round() as i64;
    let parts: Vec<String> = [
        ("缓考", delta(s.deferred, b.deferred), ""),
        ("里程", km, " 公里"),
        ("考场场次", delta(s.rooms_opened, b.rooms_opened), ""),
        ("监考人次", delta(s.invigilators, b.invigilators), ""),
    ]
    .iter()
    .filter(|(_, d, _)| *d != 0)
    .map(|(what, d, unit)| format!("{what} {d:+}{unit}"))
    .collect();
    if parts.is_empty() {
        "无变化".to_string()
    } else {
        parts.join("，")
    }
}

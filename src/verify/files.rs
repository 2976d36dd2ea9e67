//! Rule 9: the plan's own files agree — timetable.csv lists every sitting with its counts, and
//! summary.json's figures are those of the files.

use super::index::*;
use crate::case::{self, Paper};
use crate::plan::folder::*;
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeMap;
use std::path::Path;

/// Rule 9: timetable.csv lists every paper sitting once, with the candidates, institutions and
/// rooms the seats (or the allocation) give it, and nothing else.
pub(super) fn timetable_lists_every_sitting(
    ck: &mut Checker,
    sittings: &[Sitting],
    rows: &[(u64, TimetableRecord)],
) {
    // (paper, slot) → (candidates, institutions, rooms)
    let mut actual: BTreeMap<(Paper, usize), (u64, HashSet<usize>, HashSet<usize>)> =
        BTreeMap::new();
    for s in sittings {
        let e = actual.entry((s.paper, s.slot)).or_default();
        e.0 += u64::from(s.count);
        e.1.insert(s.institution);
        e.2.insert(s.room);
    }
    let mut listed: BTreeMap<(Paper, usize), u64> = BTreeMap::new();
    for (line, r) in rows {
        let occupation = occupation_of(ck.case, &r.occupation_code, &r.work_type);
        let slot = ck.index.slot(&r.date, &r.start);
        let (Some(occupation), Some(slot)) = (occupation, slot) else {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "unknown paper {} {} or slot {} {}",
                    r.occupation_code, r.work_type, r.date, r.start
                ),
            );
            continue;
        };
        let paper = Paper {
            occupation,
            level: r.level,
        };
        if let Some(first) = listed.insert((paper, slot), *line) {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "{} at this slot is also listed at line {first}",
                    ck.case.paper_label(paper)
                ),
            );
            continue;
        }
        let (n, insts, rooms) = actual
            .get(&(paper, slot))
            .map(|(n, i, r)| (*n, i.len() as u64, r.len() as u64))
            .unwrap_or_default();
        let claimed = (
            u64::from(r.candidates),
            u64::from(r.institutions),
            u64::from(r.rooms),
        );
        if claimed != (n, insts, rooms) {
            ck.flag(
                9,
                "timetable.csv",
                Some(*line),
                format!(
                    "{} lists {} candidates in {} institutions and {} rooms; the plan seats {n} in {insts} and {rooms}",
                    ck.case.paper_label(paper),
                    claimed.0,
                    claimed.1,
                    claimed.2
                ),
            );
        }
    }
    for &(paper, slot) in actual.keys() {
        if !listed.contains_key(&(paper, slot)) {
            let file = ck.plan_file();
            let msg = format!(
                "{} sits at slot {} but timetable.csv does not list it",
                ck.case.paper_label(paper),
                slot + 1
            );
            ck.flag(9, file, None, msg);
        }
    }
}

/// Rule 9: summary.json's counts are the files' counts.
pub(super) fn summary_agrees_with_the_files(
    ck: &mut Checker,
    dir: &Path,
    sittings: &[Sitting],
    deferred: &[(u64, DeferredRecord)],
    rooms: &[OpenRoom],
    timetable_rows: usize,
) {
    let figures = std::fs::read_to_string(dir.join("summary.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<SummaryFigures>(&t).map_err(|e| e.to_string()));
    let figures = match figures {
        Ok(f) => f,
        Err(e) => {
            ck.flag(0, "summary.json", None, format!("cannot read: {e}"));
            return;
        }
    };
    let registrations: u64 = match &ck.case.registrations {
        case::Registrations::Candidates(c) => c.len() as u64,
        case::Registrations::Demand(d) => d.iter().map(|r| u64::from(r.candidates)).sum(),
    };
    let deferred_total: u64 = if ck.case.has_candidates() {
        deferred.len() as u64
    } else {
        deferred
            .iter()
            .map(|(_, d)| u64::from(d.candidates.unwrap_or(0)))
            .sum()
    };
    let slots: HashSet<usize> = rooms.iter().map(|r| r.slot).collect();
    let checks = [
        ("candidates", figures.candidates, registrations),
        (
            "seated",
            figures.seated,
            sittings.iter().map(|s| u64::from(s.count)).sum(),
        ),
        ("deferred", figures.deferred, deferred_total),
        ("rooms_opened", figures.rooms_opened, rooms.len() as u64),
        ("papers", figures.papers, timetable_rows as u64),
        ("slots_used", figures.slots_used, slots.len() as u64),
    ];
    for (key, claimed, actual) in checks {
        if claimed != actual {
            ck.flag(
                9,
                "summary.json",
                None,
                format!("{key} is {claimed} but the plan's files give {actual}"),
            );
        }
    }
}

//! A published timetable: the slot of every paper, announced before registration closes.
//!
//! It is a `timetable.csv` written by an earlier `plan` (usually of a `demand.csv` forecast),
//! or the same columns as a workbook. Every listed paper must sit at its listed slot: a row
//! naming an unknown paper or a slot that is not in `sessions.csv`, a slot too short for the
//! paper, or a paper listed twice is an input error with its line, as any case file's.

use super::table::{self, Row};
use super::{parse_level, Case, Paper};
use crate::diag::Diagnostics;
use std::collections::BTreeMap;
use std::path::Path;

/// The columns a published timetable must have (the rest of timetable.csv is ignored).
pub const COLUMNS: [&str; 5] = ["occupation_code", "work_type", "level", "date", "start"];

/// Each published paper's slot (index into `case.sessions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    pub slot_of: BTreeMap<Paper, usize>,
}

impl Published {
    /// The published timetable of the rows of a plan: each paper at the slot it sits at.
    pub fn of(slots: impl IntoIterator<Item = (Paper, usize)>) -> Published {
        Published {
            slot_of: slots.into_iter().collect(),
        }
    }
}

/// Reads a published timetable against `case`; `None` when it has errors (all in `diags`).
pub fn read(case: &Case, path: &Path, diags: &mut Diagnostics) -> Option<Published> {
    let errors_before = diags.count(crate::diag::Severity::Error);
    let mut slot_of = BTreeMap::new();
    let mut first_line: BTreeMap<Paper, u64> = BTreeMap::new();
    let ok = table::read_file(path, &COLUMNS, diags, |row, diags| {
        let Some(paper) = paper_of(case, row, diags) else {
            return;
        };
        let Some(slot) = slot_of_row(case, row, diags) else {
            return;
        };
        let need = case.occupations[paper.occupation].exam_minutes();
        if case.sessions[slot].minutes() < need {
            row.error(
                diags,
                "start",
                format!(
                    "{} needs {need} minutes; this slot lasts {}",
                    case.paper_label(paper),
                    case.sessions[slot].minutes()
                ),
            );
            return;
        }
        if let Some(first) = first_line.insert(paper, row.line) {
            row.error(
                diags,
                "occupation_code",
                format!(
                    "{} is published twice (also line {first}): a paper sits at one slot",
                    case.paper_label(paper)
                ),
            );
            return;
        }
        slot_of.insert(paper, slot);
    });
    (ok && diags.count(crate::diag::Severity::Error) == errors_before)
        .then_some(Published { slot_of })
}

fn paper_of(case: &Case, row: &Row, diags: &mut Diagnostics) -> Option<Paper> {
    let code = row.required(diags, "occupation_code")?;
    let work_type = row.text("work_type");
    let Some(occupation) = case
        .occupations
        .iter()
        .position(|o| o.code == code && o.work_type == work_type)
    else {
        row.error(
            diags,
            "occupation_code",
            format!("no occupation {code} with work type {work_type:?} in occupations.csv"),
        );
        return None;
    };
    let level_text = row.required(diags, "level")?;
    match parse_level(level_text) {
        Some(level) if case.occupations[occupation].levels.contains(&level) => {
            Some(Paper { occupation, level })
        }
        _ => {
            row.error(
                diags,
                "level",
                format!(
                    "{} has no level {level_text:?}",
                    case.occupations[occupation].label()
                ),
            );
            None
        }
    }
}

fn slot_of_row(case: &Case, row: &Row, diags: &mut Diagnostics) -> Option<usize> {
    let date = row.parse_date(diags, "date")?;
    let start = row.parse_time(diags, "start")?;
    let slot = case
        .sessions
        .iter()
        .position(|s| s.date == date && s.start == start);
    if slot.is_none() {
        row.error(
            diags,
            "date",
            format!(
                "{date} {} is not a slot in {}",
                start.format("%H:%M"),
                case.files.name("sessions")
            ),
        );
    }
    slot
}

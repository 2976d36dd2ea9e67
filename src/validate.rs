//! Cross-file rules: problems no single file shows on its own.
//!
//! Reading (`case::load`) already reported every malformed field; here the resolved case is
//! checked as a whole — slots on holidays, registrations at institutions not filed for the
//! paper, papers no slot can hold, occupations nobody is filed for ("成熟一个，实施一个").

use crate::case::{Case, Paper, Registrations};
use crate::diag::Diagnostics;
use crate::vet;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// Reads and checks a case folder: every diagnostic of reading plus the cross-file rules.
pub fn validate_dir(dir: &std::path::Path) -> (Option<Case>, Diagnostics) {
    let (case, mut diags) = crate::case::load(dir);
    if let Some(case) = &case {
        cross_check(case, &mut diags);
    }
    (case, diags)
}

/// Adds the cross-file diagnostics of `case` to `diags`.
pub fn cross_check(case: &Case, diags: &mut Diagnostics) {
    ticket_numbers_have_room(case, diags);
    sessions_on_holidays(case, diags);
    overlapping_sessions(case, diags);
    institutions_without_rooms(case, diags);
    let eligible = vet::eligible(case);
    let papers = papers_with_demand(case);
    papers_longer_than_every_session(case, &papers, diags);
    occupations_without_filed_institution(case, &papers, &eligible, diags);
    if case.has_candidates() {
        registrations_at_unfiled_institutions(case, diags);
        duplicate_registrations(case, diags);
    }
}

/// Papers with registrations (or forecast demand), with the first line that names each.
fn papers_with_demand(case: &Case) -> BTreeMap<Paper, Option<u64>> {
    let mut papers = BTreeMap::new();
    match &case.registrations {
        Registrations::Candidates(c) => {
            for cand in c {
                papers.entry(cand.paper()).or_insert(Some(cand.line));
            }
        }
        Registrations::Demand(d) => {
            for row in d.iter().filter(|r| r.candidates > 0) {
                papers
                    .entry(Paper {
                        occupation: row.occupation,
                        level: row.level,
                    })
                    .or_insert(None);
            }
        }
    }
    papers
}

fn registrations_file(case: &Case) -> String {
    case.files.name(if case.has_candidates() {
        "candidates"
    } else {
        "demand"
    })
}

/// Ticket numbers have fixed widths (README): more institutions, slots or rooms than they can
/// number would make tickets of different lengths, so such a case is refused.
fn ticket_numbers_have_room(case: &Case, diags: &mut Diagnostics) {
    use crate::case::ticket;
    if case.institutions.len() > ticket::MAX_INSTITUTIONS {
        diags.error(
            &case.files.name("institutions"),
            None,
            None,
            format!(
                "{} institutions; ticket numbers have room for {}",
                case.institutions.len(),
                ticket::MAX_INSTITUTIONS
            ),
        );
    }
    if case.sessions.len() > ticket::MAX_SLOTS {
        diags.error(
            &case.files.name("sessions"),
            None,
            None,
            format!(
                "{} slots; ticket numbers have room for {}",
                case.sessions.len(),
                ticket::MAX_SLOTS
            ),
        );
    }
    let mut rooms = vec![0usize; case.institutions.len()];
    for r in &case.rooms {
        rooms[r.institution] += 1;
    }
    for (i, &n) in rooms.iter().enumerate() {
        if n > ticket::MAX_ROOMS_PER_INSTITUTION {
            diags.error(
                &case.files.name("rooms"),
                None,
                Some("room_id"),
                format!(
                    "institution {} has {n} rooms; ticket numbers have room for {} per institution",
                    case.institutions[i].id,
                    ticket::MAX_ROOMS_PER_INSTITUTION
                ),
            );
        }
    }
}

fn sessions_on_holidays(case: &Case, diags: &mut Diagnostics) {
    for s in &case.sessions {
        if let Some(h) = case.holidays.iter().find(|h| h.date == s.date) {
            let what = if h.off {
                "a public holiday"
            } else {
                "a make-up workday"
            };
            diags.warning(
                &case.files.name("sessions"),
                None,
                Some("date"),
                format!(
                    "the slot {} {} falls on {what} (holidays.csv)",
                    s.date,
                    s.start.format("%H:%M")
                ),
            );
        }
    }
}

/// One warning for every pair of overlapping sessions: they are one time for persons, rooms
/// and staff, so a plan uses only the longer of each pair.
fn overlapping_sessions(case: &Case, diags: &mut Diagnostics) {
    let pairs = case.overlapping_sessions();
    if pairs.is_empty() {
        return;
    }
    let text = |t: usize| {
        let s = &case.sessions[t];
        format!(
            "{} {}–{}",
            s.date,
            s.start.format("%H:%M"),
            s.end.format("%H:%M")
        )
    };
    let usable = case.usable_sessions();
    let listed: Vec<String> = pairs
        .iter()
        .map(|&(t, u)| {
            let (keep, drop) = if usable[t] { (t, u) } else { (u, t) };
            format!(
                "{} overlaps {} (only the latter is used)",
                text(drop),
                text(keep)
            )
        })
        .collect();
    diags.warning(
        &case.files.name("sessions"),
        None,
        None,
        format!(
            "overlapping sessions are one time for persons, rooms and staff: {}",
            listed.join("; ")
        ),
    );
}

fn institutions_without_rooms(case: &Case, diags: &mut Diagnostics) {
    for (i, inst) in case.institutions.iter().enumerate() {
        if !case.rooms.iter().any(|r| r.institution == i) {
            diags.warning(
                &case.files.name("rooms"),
                None,
                None,
                format!("institution {} has no computer exam room", inst.id),
            );
        }
    }
}

fn papers_longer_than_every_session(
    case: &Case,
    papers: &BTreeMap<Paper, Option<u64>>,
    diags: &mut Diagnostics,
) {
    let longest = case.sessions.iter().map(|s| s.minutes()).max().unwrap_or(0);
    for (&paper, line) in papers {
        let need = case.occupations[paper.occupation].exam_minutes();
        if need > longest {
            diags.warning(
                &registrations_file(case),
                *line,
                Some("occupation"),
                format!(
                    "{} needs {need} minutes (theory + skill) but the longest slot lasts {longest}; its candidates will be deferred",
                    case.paper_label(paper)
                ),
            );
        }
    }
}

fn occupations_without_filed_institution(
    case: &Case,
    papers: &BTreeMap<Paper, Option<u64>>,
    eligible: &[bool],
    diags: &mut Diagnostics,
) {
    for (&paper, line) in papers {
        let filed =
            (0..case.institutions.len()).any(|i| eligible[i] && case.is_filed_for(i, paper));
        if !filed {
            diags.warning(
                &registrations_file(case),
                *line,
                Some("occupation"),
                format!(
                    "no eligible institution in the province is filed for {} (成熟一个，实施一个): its candidates will be deferred",
                    case.paper_label(paper)
                ),
            );
        }
    }
}

fn registrations_at_unfiled_institutions(case: &Case, diags: &mut Diagnostics) {
    let mut filed_cache: HashMap<(usize, Paper), bool> = HashMap::default();
    let mut unfiled: BTreeMap<(usize, Paper), (u64, usize)> = BTreeMap::new();
    for c in case.candidates() {
        let Some(i) = c.institution else { continue };
        let filed = *filed_cache
            .entry((i, c.paper()))
            .or_insert_with(|| case.is_filed_for(i, c.paper()));
        if !filed {
            let e = unfiled.entry((i, c.paper())).or_insert((c.line, 0));
            e.1 += 1;
        }
    }
    for ((i, paper), (line, count)) in unfiled {
        diags.warning(
            &case.files.name("candidates"),
            Some(line),
            Some("institution_id"),
            format!(
                "{count} registration(s) at {} which is not filed for {}; they are routed to a filed institution",
                case.institutions[i].id,
                case.paper_label(paper)
            ),
        );
    }
}

fn duplicate_registrations(case: &Case, diags: &mut Diagnostics) {
    let cands = case.candidates();
    for (c, kept) in case.duplicate_of().into_iter().enumerate() {
        let Some(kept) = kept else { continue };
        diags.warning(
            &case.files.name("candidates"),
            Some(cands[c].line),
            Some("id_number"),
            format!(
                "{} is registered twice for the same paper (also {} at line {}); the registration with the smaller candidate_id is seated, the other deferred",
                cands[c].candidate_id, cands[kept].candidate_id, cands[kept].line
            ),
        );
    }
}

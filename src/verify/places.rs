//! Rules about where and when a paper sits: at few enough slots (rule 2), at filed and eligible
//! institutions (rule 3), within reach and at the registered institution (rule 4), in a slot long
//! enough (rule 8).

use super::index::*;
use crate::case::Paper;
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeMap;

/// Rule 2: a paper sits at no more than `sittings_per_paper` slots.
pub(super) fn paper_sits_at_few_enough_slots(ck: &mut Checker, sittings: &[Sitting]) {
    let mut slots: BTreeMap<Paper, (HashSet<usize>, u64)> = BTreeMap::new();
    for s in sittings {
        let e = slots
            .entry(s.paper)
            .or_insert_with(|| (HashSet::default(), s.line));
        e.0.insert(s.slot);
    }
    let limit = ck.case.policy.sittings_per_paper as usize;
    for (paper, (set, line)) in slots {
        if set.len() > limit {
            let file = ck.plan_file();
            ck.flag(
                2,
                file,
                Some(line),
                format!(
                    "{} sits at {} slots (at most {limit})",
                    ck.case.paper_label(paper),
                    set.len()
                ),
            );
        }
    }
}

/// Rule 3: only at an eligible institution with a `filed` filing covering the paper.
pub(super) fn institution_is_filed_and_eligible(ck: &mut Checker, sittings: &[Sitting]) {
    for s in sittings {
        let ok = ck.eligible[s.institution] && ck.filed.contains(&(s.institution, s.paper));
        if !ok {
            let msg = format!(
                "{} is not an eligible institution filed for {}",
                ck.case.institutions[s.institution].id,
                ck.case.paper_label(s.paper)
            );
            ck.flag(3, s.file, Some(s.line), msg);
        }
    }
}

/// Rule 4a: nobody travels farther than `max_travel_km`.
pub(super) fn travel_within_limit(ck: &mut Checker, sittings: &[Sitting]) {
    for s in sittings {
        let km = ck.case.road_km[s.home][ck.case.institutions[s.institution].prefecture];
        if km > ck.case.policy.max_travel_km {
            ck.flag(
                4,
                s.file,
                Some(s.line),
                format!(
                    "travel of {km} km exceeds {} km",
                    ck.case.policy.max_travel_km
                ),
            );
        }
    }
}

/// Rule 4b: a registered candidate sits at the institution of registration whenever that
/// institution is eligible, filed for the paper and within reach.
pub(super) fn registered_candidates_sit_at_their_institution(
    ck: &mut Checker,
    sittings: &[Sitting],
) {
    if !ck.case.policy.keep_registered_institution {
        return;
    }
    for s in sittings {
        let cand = &ck.case.candidates()[s.candidate.unwrap()];
        let Some(reg) = cand.institution else {
            continue;
        };
        let binding = ck.eligible[reg]
            && ck.filed.contains(&(reg, s.paper))
            && ck.case.road_km[cand.prefecture][ck.case.institutions[reg].prefecture]
                <= ck.case.policy.max_travel_km;
        if binding && reg != s.institution {
            let msg = format!(
                "{} registered at {} but sits at {}",
                cand.candidate_id,
                ck.case.institutions[reg].id,
                ck.case.institutions[s.institution].id
            );
            ck.flag(4, s.file, Some(s.line), msg);
        }
    }
}

/// Rule 8: a paper's slot is long enough for its theory and skill minutes.
pub(super) fn slot_long_enough(ck: &mut Checker, sittings: &[Sitting]) {
    let mut seen = HashSet::default();
    for s in sittings {
        if !seen.insert((s.paper, s.slot)) {
            continue;
        }
        let need = ck.case.occupations[s.paper.occupation].exam_minutes();
        let have = ck.case.sessions[s.slot].minutes();
        if have < need {
            ck.flag(
                8,
                s.file,
                Some(s.line),
                format!(
                    "{} needs {need} minutes; the slot lasts {have}",
                    ck.case.paper_label(s.paper)
                ),
            );
        }
    }
}

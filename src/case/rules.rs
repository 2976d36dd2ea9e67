//! The contract's rules about the case itself, each defined once.
//!
//! The planner, `vet`, `validate` and `verify` all ask these questions — is a filing in force,
//! which of two identical registrations is kept, how far is one prefecture from another, is a
//! policy value sane — and must get the same answer, so the answer lives here, beside the data
//! it reads, and `verify` stays independent of the solver while agreeing with it.

use super::{
    haversine_km, Case, Expert, Filing, FilingStatus, Institution, Paper, Policy, Prefecture,
    Supervisor,
};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

impl Filing {
    /// A filing can seat candidates this quarter when its status is `filed` and it is dated on
    /// or before the quarter's first day (an undated filing counts as in force).
    pub fn in_force(&self, first_day: NaiveDate) -> bool {
        self.status == FilingStatus::Filed && self.filed_on.is_none_or(|d| d <= first_day)
    }
}

impl Case {
    /// Every (institution, paper) a filing in force covers, whatever vetting says of the
    /// institution: callers combine it with eligibility.
    pub fn filed_papers(&self) -> HashSet<(usize, Paper)> {
        let first_day = self.quarter.first_day();
        let mut filed = HashSet::default();
        for f in self.filings.iter().filter(|f| f.in_force(first_day)) {
            for &level in &f.levels {
                filed.insert((
                    f.institution,
                    Paper {
                        occupation: f.occupation,
                        level,
                    },
                ));
            }
        }
        filed
    }

    /// Is `institution` covered by a filing in force for `paper`?
    pub fn is_filed_for(&self, institution: usize, paper: Paper) -> bool {
        let first_day = self.quarter.first_day();
        self.filings.iter().any(|f| {
            f.institution == institution
                && f.occupation == paper.occupation
                && f.levels.contains(&paper.level)
                && f.in_force(first_day)
        })
    }

    /// For each registration (index into `candidates()`), the registration it duplicates:
    /// the same person (`id_number`) registered for the same paper under a smaller
    /// `candidate_id`. The contract seats the smallest and defers the others.
    pub fn duplicate_of(&self) -> Vec<Option<usize>> {
        let cands = self.candidates();
        let mut kept: HashMap<(&str, Paper), usize> = HashMap::default();
        kept.reserve(cands.len());
        for (i, c) in cands.iter().enumerate() {
            let e = kept.entry((c.id_number.as_str(), c.paper())).or_insert(i);
            if c.candidate_id < cands[*e].candidate_id {
                *e = i;
            }
        }
        cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let k = kept[&(c.id_number.as_str(), c.paper())];
                (k != i).then_some(k)
            })
            .collect()
    }
}

impl Expert {
    /// Works for the institution: `employer` names its id, credit code or name (trimmed,
    /// letters compared without case, since credit codes are typed both ways).
    pub fn employed_by(&self, institution: &Institution) -> bool {
        works_for(&self.employer, institution)
    }

    /// Must recuse (回避) from assessing or inspecting `institution` (its index in the case):
    /// employed there or a declared interest.
    pub fn recuses_from(&self, index: usize, institution: &Institution) -> bool {
        self.conflicts.contains(&index) || self.employed_by(institution)
    }

    /// The expertise covers this occupation code.
    pub fn covers(&self, occupation_code: &str) -> bool {
        self.occupations.iter().any(|c| c == occupation_code)
    }
}

impl Supervisor {
    /// Works for the institution, as [`Expert::employed_by`] reads `employer`: a quality
    /// supervisor is never dispatched there.
    pub fn employed_by(&self, institution: &Institution) -> bool {
        works_for(&self.employer, institution)
    }
}

/// `employer` names the institution: its id, credit code or name (trimmed, letters compared
/// without case, since credit codes are typed both ways).
fn works_for(employer: &str, institution: &Institution) -> bool {
    let employer = employer.trim();
    !employer.is_empty()
        && (employer.eq_ignore_ascii_case(&institution.id)
            || employer.eq_ignore_ascii_case(&institution.credit_code)
            || employer == institution.name.trim())
}

impl Case {
    /// Institutions that applied this round: those with a `pending` filing, in the case's order.
    pub fn applicants(&self) -> Vec<usize> {
        let mut pending = vec![false; self.institutions.len()];
        for f in &self.filings {
            if f.status == FilingStatus::Pending {
                pending[f.institution] = true;
            }
        }
        (0..pending.len()).filter(|&i| pending[i]).collect()
    }

    /// The occupation codes an institution applied for (its pending filings), sorted.
    pub fn applied_occupations(&self, institution: usize) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .filings
            .iter()
            .filter(|f| f.institution == institution && f.status == FilingStatus::Pending)
            .map(|f| self.occupations[f.occupation].code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// The occupation's name for a code (`4-07-05-02` → 健康管理师), for messages.
    pub fn occupation_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.occupations
            .iter()
            .find(|o| o.code == code)
            .map_or(code, |o| o.name.as_str())
    }

    /// Pairs of sessions (t < u) on one date whose times overlap: the same time for persons,
    /// rooms and staff (contract, "Overlapping slots clash").
    pub fn overlapping_sessions(&self) -> Vec<(usize, usize)> {
        let n = self.sessions.len();
        let mut out = Vec::new();
        for t in 0..n {
            for u in t + 1..n {
                if self.same_time(t, u) {
                    out.push((t, u));
                }
            }
        }
        out
    }

    /// Sessions `t` and `u` are the same time for a person, a room or a staff member: the same
    /// session, or two on one date whose times overlap.
    pub fn same_time(&self, t: usize, u: usize) -> bool {
        let (a, b) = (&self.sessions[t], &self.sessions[u]);
        t == u || (a.date == b.date && a.start < b.end && b.start < a.end)
    }

    /// The sessions a plan may use: of two overlapping sessions only the longer (the earlier
    /// on a tie), so no two used sessions overlap. The longest of a group admits every paper
    /// any of them admits, so dropping the others costs parallel capacity, never a paper.
    pub fn usable_sessions(&self) -> Vec<bool> {
        let mut usable = vec![true; self.sessions.len()];
        for (t, u) in self.overlapping_sessions() {
            let (a, b) = (self.sessions[t].minutes(), self.sessions[u].minutes());
            if b > a {
                usable[t] = false;
            } else {
                usable[u] = false;
            }
        }
        usable
    }

    /// Institutions with a filing in force this quarter, in the case's order.
    pub fn filed_institutions(&self) -> Vec<usize> {
        let first_day = self.quarter.first_day();
        let mut filed = vec![false; self.institutions.len()];
        for f in self.filings.iter().filter(|f| f.in_force(first_day)) {
            filed[f.institution] = true;
        }
        (0..filed.len()).filter(|&i| filed[i]).collect()
    }
}

/// The widths of a ticket number (docs/tickets.md): 4 digits of institution, 2 of
/// slot, 2 of room within its institution, 3 of seat. A case beyond them is refused, so every
/// ticket_no of a plan has the same length.
pub mod ticket {
    pub const MAX_INSTITUTIONS: usize = 9_999;
    pub const MAX_SLOTS: usize = 99;
    pub const MAX_ROOMS_PER_INSTITUTION: usize = 99;
    pub const MAX_SEATS: u32 = 999;
}

/// Road km between every pair of prefecture seats, `[from][to]`: the straight line times the
/// policy's road factor, rounded to whole km (`distances.csv` may override pairs afterwards).
pub fn road_km(prefectures: &[Prefecture], road_factor: f64) -> Vec<Vec<f64>> {
    let n = prefectures.len();
    let mut km = vec![vec![0.0; n]; n];
    for (a, pa) in prefectures.iter().enumerate() {
        for (b, pb) in prefectures.iter().enumerate() {
            if a != b {
                km[a][b] = (haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) * road_factor).round();
            }
        }
    }
    km
}

impl Policy {
    /// The policy values no plan can work with, as (key, what is wrong): `case.toml` reports
    /// them as errors, a what-if scenario that sets them is invalid.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if !(self.max_travel_km > 0.0) {
            out.push(("max_travel_km", "must be a positive number of km"));
        }
        if !(self.road_factor >= 1.0) {
            out.push((
                "road_factor",
                "must be at least 1 (roads are never shorter than the straight line)",
            ));
        }
        if self.candidates_per_invigilator == 0 {
            out.push(("candidates_per_invigilator", "must be at least 1"));
        }
        if self.sittings_per_paper == 0 {
            out.push(("sittings_per_paper", "must be at least 1"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_problems_name_each_bad_key() {
        assert!(Policy::default().problems().is_empty());
        let p = Policy {
            max_travel_km: 0.0,
            road_factor: 0.9,
            candidates_per_invigilator: 0,
            sittings_per_paper: 0,
            ..Policy::default()
        };
        let keys: Vec<&str> = p.problems().iter().map(|x| x.0).collect();
        assert_eq!(
            keys,
            [
                "max_travel_km",
                "road_factor",
                "candidates_per_invigilator",
                "sittings_per_paper"
            ]
        );
    }

    #[test]
    fn a_filing_is_in_force_from_its_date() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let mut f = Filing {
            institution: 0,
            occupation: 0,
            levels: vec![3],
            status: FilingStatus::Filed,
            filed_on: Some(day),
        };
        assert!(f.in_force(day));
        f.filed_on = day.succ_opt();
        assert!(!f.in_force(day), "filed after the quarter's first day");
        f.filed_on = None;
        assert!(f.in_force(day));
        for status in [
            FilingStatus::Pending,
            FilingStatus::Suspended,
            FilingStatus::Revoked,
        ] {
            f.status = status;
            assert!(!f.in_force(day));
        }
    }
}

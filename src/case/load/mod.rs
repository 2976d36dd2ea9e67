//! Reads a case folder file by file, resolving names to indices as it goes.
//!
//! Files are read in dependency order (prefectures and occupations first, candidates last) so
//! every reference can be resolved on the spot. A row with an error is reported and left out of
//! the case; because `plan` refuses a case with errors, nothing is ever dropped silently.

mod calendar;
mod exam_day;
mod filing_season;
mod institutions;
mod reference;
mod registrations;

use calendar::*;
use exam_day::*;
use filing_season::*;
use institutions::*;
use reference::*;
use registrations::*;

use super::columns;
use super::table::{read_table, split_list, Folder, Row};
use super::*;
use crate::diag::Diagnostics;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::path::Path;

/// The TOML header of a case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    name: Option<String>,
    quarter: Option<String>,
    #[serde(default)]
    policy: Policy,
}

/// Resolves the names users type (codes, names, short names, aliases) to indices.
#[derive(Debug, Default)]
pub(crate) struct Names {
    prefectures: HashMap<String, usize>,
    /// occupation name/code/alias → (canonical code, work type if the name is a work type, alias used)
    occupations: HashMap<String, (String, Option<String>, bool)>,
    /// (code, work type) → occupation row
    rows: HashMap<(String, String), usize>,
    /// code → the rows of that occupation
    rows_of_code: HashMap<String, Vec<usize>>,
    institutions: HashMap<String, usize>,
    /// institutions.csv had a row in error, so an unknown institution elsewhere is most
    /// likely that row: such references are counted, not reported one by one.
    institutions_incomplete: bool,
    /// Per file, the rows skipped for naming an institution institutions.csv could not read.
    skipped: std::sync::Mutex<BTreeMap<String, u64>>,
}

impl Names {
    pub(crate) fn prefecture(&self, text: &str) -> Option<usize> {
        self.prefectures.get(text.trim()).copied()
    }

    /// Resolves an occupation (and optional work type) to its row; `Err` says why not.
    /// The `bool` is true when a former name or alias was used.
    pub(crate) fn occupation(
        &self,
        occupation: &str,
        work_type: &str,
    ) -> Result<(usize, bool), String> {
        let Some((code, implied_work_type, alias)) = self.occupations.get(occupation.trim()) else {
            return Err(format!("unknown occupation {occupation:?}"));
        };
        let work_type = if work_type.is_empty() {
            implied_work_type.clone().unwrap_or_default()
        } else {
            work_type.to_string()
        };
        if let Some(&row) = self.rows.get(&(code.clone(), work_type.clone())) {
            return Ok((row, *alias));
        }
        if work_type.is_empty() {
            Err(format!(
                "occupation {occupation:?} has work types; a work_type is required"
            ))
        } else {
            Err(format!(
                "occupation {occupation:?} has no work type {work_type:?}"
            ))
        }
    }

    /// All rows of an occupation (every work type), for filings that name no work type.
    pub(crate) fn occupation_rows(&self, occupation: &str) -> Option<(&[usize], bool)> {
        let (code, _, alias) = self.occupations.get(occupation.trim())?;
        self.rows_of_code.get(code).map(|r| (r.as_slice(), *alias))
    }

    /// The occupation code a name, code or alias stands for (a work type's name gives its
    /// occupation); the `bool` is true when an alias was used.
    pub(crate) fn occupation_code(&self, text: &str) -> Option<(&str, bool)> {
        self.occupations
            .get(text.trim())
            .map(|(code, _, alias)| (code.as_str(), *alias))
    }

    pub(crate) fn institution(&self, id: &str) -> Option<usize> {
        self.institutions.get(id.trim()).copied()
    }

    pub(crate) fn add_institution(&mut self, id: &str, index: usize) {
        self.institutions.insert(id.to_string(), index);
    }
}

/// Reads and resolves a case folder. The case is `None` only when a file the rest depends on
/// (prefectures, occupations) could not be read; otherwise rows with errors are left out and
/// the diagnostics say which.
pub fn load(dir: &Path) -> (Option<Case>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let case = load_into(dir, &mut diags).map(|(case, _)| case);
    (case, diags)
}

/// Like [`load`], but also returns the name resolver (for what-if edits).
pub(crate) fn load_quiet(dir: &Path) -> (Option<(Case, Names)>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let case = load_into(dir, &mut diags);
    (case, diags)
}

fn load_into(dir: &Path, diags: &mut Diagnostics) -> Option<(Case, Names)> {
    if !dir.is_dir() {
        diags.error(
            &dir.display().to_string(),
            None,
            None,
            "the case folder does not exist or is not a folder".into(),
        );
        return None;
    }
    let header = read_case_toml(dir, diags);
    let folder = Folder::find(dir, &columns::TABLES, diags);
    let mut names = Names::default();
    let prefectures = read_prefectures(&folder, diags, &mut names);
    let occupations = read_occupations(&folder, diags, &mut names);
    if prefectures.is_empty() || occupations.is_empty() {
        return None;
    }
    let policy = header
        .as_ref()
        .map(|h| h.policy.clone())
        .unwrap_or_default();
    let road_km = read_distances(&folder, diags, &names, &prefectures, &policy);
    let sessions = read_sessions(&folder, diags);
    let quarter = header
        .as_ref()
        .and_then(|h| h.quarter.as_deref())
        .and_then(Quarter::parse)
        .or_else(|| sessions.first().map(|s| Quarter::containing(s.date)))
        .unwrap_or(Quarter { year: 2026, q: 1 });
    let errors_before = diags.count(crate::diag::Severity::Error);
    let institutions = read_institutions(&folder, diags, &mut names);
    names.institutions_incomplete = diags.count(crate::diag::Severity::Error) > errors_before;
    let rooms = read_rooms(&folder, diags, &names);
    let assessments = read_assessments(&folder, diags, &names);
    let materials = read_materials(&folder, diags, &names);
    let experts = read_experts(&folder, diags, &names);
    let filings = read_filings(&folder, diags, &names, &occupations);
    let holidays = read_holidays(&folder, diags);
    let staff = read_staff(&folder, diags, &names, &sessions);
    let supervisors = read_supervisors(&folder, diags, &names);
    let registrations = if folder.has("candidates") {
        if folder.has("demand") {
            diags.warning(
                &folder.name("demand"),
                None,
                None,
                format!(
                    "{} is present, so the forecast in {} is ignored",
                    folder.name("candidates"),
                    folder.name("demand")
                ),
            );
        }
        Registrations::Candidates(read_candidates(&folder, diags, &names, &occupations))
    } else if folder.has("demand") {
        Registrations::Demand(read_demand(&folder, diags, &names, &occupations))
    } else {
        diags.error(
            "candidates.csv",
            None,
            None,
            "the case has neither candidates (.csv or .xlsx) nor demand (.csv or .xlsx)".into(),
        );
        Registrations::Candidates(Vec::new())
    };
    // one fault, one message: rows naming an institution whose row is in error
    let skipped = std::mem::take(&mut *names.skipped.lock().unwrap_or_else(|e| e.into_inner()));
    for (file, n) in skipped {
        diags.error(
            &file,
            None,
            Some("institution_id"),
            format!(
                "{n} row(s) name an institution that {} could not read (its errors are above); they are not checked further until it is fixed",
                folder.name("institutions")
            ),
        );
    }
    for (session, s) in sessions.iter().enumerate() {
        if sessions[..session].contains(s) {
            diags.error(
                &folder.name("sessions"),
                None,
                None,
                format!(
                    "the slot {} {} is listed twice",
                    s.date,
                    s.start.format("%H:%M")
                ),
            );
        }
        if Quarter::containing(s.date) != quarter {
            diags.warning(
                &folder.name("sessions"),
                None,
                None,
                format!("the slot on {} is outside the quarter {quarter}", s.date),
            );
        }
    }
    let case = Case {
        dir: dir.to_path_buf(),
        files: folder,
        name: header
            .as_ref()
            .and_then(|h| h.name.clone())
            .unwrap_or_else(|| dir.display().to_string()),
        quarter,
        policy,
        prefectures,
        road_km,
        occupations,
        institutions,
        rooms,
        assessments,
        materials,
        experts,
        staff,
        supervisors,
        filings,
        sessions,
        holidays,
        registrations,
    };
    Some((case, names))
}

fn read_case_toml(dir: &Path, diags: &mut Diagnostics) -> Option<CaseToml> {
    let path = dir.join("case.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.error(
                "case.toml",
                None,
                None,
                format!("cannot read {}: {e}", path.display()),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match toml::from_str::<CaseToml>(text) {
        Ok(h) => {
            for (key, message) in h.policy.problems() {
                diags.error("case.toml", None, Some(key), message.to_string());
            }
            match &h.quarter {
                Some(q) if Quarter::parse(q).is_none() => diags.error(
                    "case.toml",
                    None,
                    Some("quarter"),
                    "expected a quarter such as 2026Q3".into(),
                ),
                None => diags.warning(
                    "case.toml",
                    None,
                    Some("quarter"),
                    "no quarter given; taken from the first session".into(),
                ),
                _ => {}
            }
            Some(h)
        }
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() as u64 + 1);
            diags.error("case.toml", line, None, e.message().to_string());
            None
        }
    }
}

//! Who may see what: the one door every handler's data access goes through.
//!
//! A caller is the province (everything), a prefecture centre (its institutions, the
//! registrations that live or sit in it, its own what-ifs) or an institution (its own door
//! lists, seats, changes and exam-day papers). [`Access`] wraps the store for one caller and
//! hands out only what that caller may see — out of scope is [`Denied::NotFound`], exactly as
//! if it did not exist — and a file as the caller may read it ([`view`]: whole, some rows, or
//! nothing). Handlers never query the store for a quarter, job or file any other way.

use super::store::{Job, Owner, QuarterRow, Store, StoreError, Version};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A user's role with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Province,
    /// A prefecture centre: its division code (e.g. 430100).
    Prefecture(String),
    /// An institution: its id in institutions.csv.
    Institution(String),
}

impl Role {
    /// From the stored role and scope; `None` for a combination `users add` refuses.
    pub fn from_stored(role: &str, scope: Option<&str>) -> Option<Role> {
        match (role, scope) {
            ("province", None) => Some(Role::Province),
            ("prefecture", Some(code)) => Some(Role::Prefecture(division(code).to_string())),
            ("institution", Some(id)) => Some(Role::Institution(id.to_string())),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Role::Province => "province",
            Role::Prefecture(_) => "prefecture",
            Role::Institution(_) => "institution",
        }
    }

    pub fn scope(&self) -> Option<&str> {
        match self {
            Role::Province => None,
            Role::Prefecture(s) | Role::Institution(s) => Some(s),
        }
    }

    /// In Chinese, for pages.
    pub fn words(&self) -> String {
        match self {
            Role::Province => "省级".to_string(),
            Role::Prefecture(code) => format!("市州（{code}）"),
            Role::Institution(id) => format!("评价机构（{id}）"),
        }
    }
}

/// A prefecture's division code as compared: `430100` and `4301` are the same prefecture
/// (prefectures.csv writes the short form, official documents often the six digits).
pub fn division(code: &str) -> &str {
    let code = code.trim();
    match code.strip_suffix("00") {
        Some(short) if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) => short,
        _ => code,
    }
}

/// The signed-in user a request comes from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub csrf: String,
    pub token: String,
}

/// A case's places, stored with it: prefecture codes and names, and each institution's
/// prefecture code. Scope decisions need nothing more of the case.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Places {
    /// division code → name (长沙市)
    pub prefectures: BTreeMap<String, String>,
    /// institution id → division code of its prefecture
    pub institutions: BTreeMap<String, String>,
}

impl Places {
    pub fn of(case: &crate::case::Case) -> Places {
        Places {
            prefectures: case
                .prefectures
                .iter()
                .map(|p| (division(&p.code).to_string(), p.name.clone()))
                .collect(),
            institutions: case
                .institutions
                .iter()
                .map(|i| {
                    let code = division(&case.prefectures[i.prefecture].code);
                    (i.id.clone(), code.to_string())
                })
                .collect(),
        }
    }

    fn in_prefecture(&self, institution: &str, code: &str) -> bool {
        self.institutions.get(institution).map(String::as_str) == Some(code)
    }

    /// Does `text` (a code or a name, as scenario files write it) name the prefecture `code`?
    pub fn names_prefecture(&self, text: &str, code: &str) -> bool {
        let text = text.trim();
        division(text) == code
            || self.prefectures.get(code).is_some_and(|name| {
                name == text
                    || name.trim_end_matches(['市', '州']) == text.trim_end_matches(['市', '州'])
            })
    }
}

/// Why something is not handed out.
#[derive(Debug, thiserror::Error)]
pub enum Denied {
    /// Out of scope, or not there: the same answer either way.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a caller sees one file.
pub enum View {
    Whole,
    /// Only the CSV rows the predicate keeps (header always).
    Rows(Box<dyn Fn(&csv::StringRecord, &csv::StringRecord) -> bool>),
    Hidden,
}

/// Files holding ID numbers or names of people: every download of one is audited.
pub fn holds_people(path: &str) -> bool {
    matches!(
        path,
        "seats.csv"
            | "plan.xlsx"
            | "changes.csv"
            | "changes.xlsx"
            | "deferred.csv"
            | "roster.csv"
            | "dispatch.csv"
            | "attendance.csv"
            | "carry_over.csv"
    ) || ["institutions/", "exam-day/", "supervision/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// The rule: how `role` sees `path` of a plan version (or of an exam day on it).
pub fn view(role: &Role, places: &Places, path: &str) -> View {
    let code = match role {
        Role::Province => return View::Whole,
        Role::Prefecture(code) => code.clone(),
        Role::Institution(id) => return institution_view(id, path),
    };
    let own = |inst: &str| places.in_prefecture(inst, &code);
    let name = places.prefectures.get(&code).cloned().unwrap_or_default();
    let p = places.clone();
    match path {
        "timetable.csv" | "summary.json" | "report.html" => View::Whole,
        "seats.csv" => View::Rows(Box::new(move |h, r| {
            field(h, r, "home_prefecture") == name || field(h, r, "venue_prefecture") == name
        })),
        "deferred.csv" => View::Rows(Box::new(move |h, r| field(h, r, "home_prefecture") == name)),
        "allocation.csv" => View::Rows(Box::new(move |h, r| {
            field(h, r, "home_prefecture") == name
                || p.in_prefecture(field(h, r, "institution_id"), &code)
        })),
        "rooms.csv" | "roster.csv" | "shortfall.csv" => View::Rows(Box::new(move |h, r| {
            p.in_prefecture(field(h, r, "institution_id"), &code)
        })),
        "changes.csv" => View::Rows(Box::new(move |h, r| {
            p.in_prefecture(field(h, r, "old_institution_id"), &code)
                || p.in_prefecture(field(h, r, "new_institution_id"), &code)
        })),
        _ => match workbook_of(path) {
            Some(inst) if own(inst) => View::Whole,
            _ => View::Hidden,
        },
    }
}

fn institution_view(id: &str, path: &str) -> View {
    let id = id.to_string();
    match path {
        "timetable.csv" | "summary.json" => View::Whole,
        "seats.csv" | "rooms.csv" | "roster.csv" | "shortfall.csv" => {
            View::Rows(Box::new(move |h, r| field(h, r, "institution_id") == id))
        }
        "changes.csv" => View::Rows(Box::new(move |h, r| {
            field(h, r, "old_institution_id") == id || field(h, r, "new_institution_id") == id
        })),
        _ => match workbook_of(path) {
            Some(inst) if inst == id => View::Whole,
            _ => View::Hidden,
        },
    }
}

/// `institutions/ID.xlsx` or `exam-day/ID.xlsx` → ID.
fn workbook_of(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix("institutions/")
        .or_else(|| path.strip_prefix("exam-day/"))?;
    rest.strip_suffix(".xlsx").filter(|id| !id.contains('/'))
}

fn field<'r>(header: &csv::StringRecord, row: &'r csv::StringRecord, column: &str) -> &'r str {
    header
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == column)
        .and_then(|k| row.get(k))
        .unwrap_or("")
}

/// Applies a view to a file's bytes: `None` when hidden.
pub fn apply(view: &View, bytes: Vec<u8>) -> Option<Vec<u8>> {
    match view {
        View::Whole => Some(bytes),
        View::Hidden => None,
        View::Rows(keep) => {
            let bom = bytes.starts_with(b"\xef\xbb\xbf");
            let body = if bom { &bytes[3..] } else { &bytes[..] };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(body);
            let mut out = Vec::with_capacity(bytes.len() / 4);
            if bom {
                out.extend_from_slice(b"\xef\xbb\xbf");
            }
            let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
            let mut header = None;
            for record in reader.records() {
                let record = record.ok()?;
                match &header {
                    None => {
                        writer.write_record(&record).ok()?;
                        header = Some(record);
                    }
                    Some(h) => {
                        if keep(h, &record) {
                            writer.write_record(&record).ok()?;
                        }
                    }
                }
            }
            writer.into_inner().ok()
        }
    }
}

/// The store as one caller may see it.
pub struct Access<'a> {
    pub store: &'a Store,
    pub caller: &'a Caller,
}

impl Access<'_> {
    /// Quarters the caller may see: all for the province and prefectures (every quarter is
    /// province-wide), for an institution those whose case lists it.
    pub fn quarters(&self) -> Result<Vec<QuarterRow>, Denied> {
        let mut out = Vec::new();
        for q in self.store.quarters()? {
            if self.sees_quarter(&q)? {
                out.push(q);
            }
        }
        Ok(out)
    }

    pub fn quarter(&self, id: i64) -> Result<QuarterRow, Denied> {
        let q = self.store.quarter(id)?.ok_or(Denied::NotFound)?;
        if self.sees_quarter(&q)? {
            Ok(q)
        } else {
            Err(Denied::NotFound)
        }
    }

    fn sees_quarter(&self, q: &QuarterRow) -> Result<bool, Denied> {
        Ok(match &self.caller.role {
            Role::Province => true,
            Role::Prefecture(code) => self.places(q.case_id)?.prefectures.contains_key(code),
            Role::Institution(id) => self.places(q.case_id)?.institutions.contains_key(id),
        })
    }

    pub fn places(&self, case_id: i64) -> Result<Places, Denied> {
        let text = self.store.places(case_id)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }

    /// A job: its quarter must be visible; a what-if only to the province and the prefecture
    /// that asked.
    pub fn job(&self, id: i64) -> Result<Job, Denied> {
        let job = self.store.job(id)?.ok_or(Denied::NotFound)?;
        self.quarter(job.quarter)?;
        if self.sees_job(&job) {
            Ok(job)
        } else {
            Err(Denied::NotFound)
        }
    }

    fn sees_job(&self, job: &Job) -> bool {
        match (&self.caller.role, job.kind.as_str()) {
            (Role::Province, _) => true,
            (Role::Prefecture(code), "whatif") => job.scope.as_deref() == Some(code),
            (Role::Institution(_), "whatif") => false,
            _ => true,
        }
    }

    /// The quarter's jobs the caller may see.
    pub fn jobs(&self, quarter: i64) -> Result<Vec<Job>, Denied> {
        self.quarter(quarter)?;
        Ok(self
            .store
            .jobs(quarter)?
            .into_iter()
            .filter(|j| self.sees_job(j))
            .collect())
    }

    /// A file of the quarter's current version (or of the latest exam day on it), as the
    /// caller may read it: its bytes and the SHA-256 of what is handed out.
    pub fn version_file(&self, version: &Version, path: &str) -> Result<Vec<u8>, Denied> {
        let places = self.places(version.case_id)?;
        let view = view(&self.caller.role, &places, path);
        if matches!(view, View::Hidden) {
            return Err(Denied::NotFound);
        }
        let sha = match self.store.file(Owner::Version(version.id), path)? {
            Some(sha) => sha,
            None => self.exam_day_file(version, path)?.ok_or(Denied::NotFound)?,
        };
        let bytes = self.store.blobs.get(&sha).map_err(StoreError::from)?;
        apply(&view, bytes).ok_or(Denied::NotFound)
    }

    /// The file of the latest finished exam day on this version, if it has that path.
    fn exam_day_file(&self, version: &Version, path: &str) -> Result<Option<String>, Denied> {
        let days = self.store.jobs(version.quarter)?;
        for job in days.iter().rev() {
            if job.kind == "exam_day" && job.state == "done" && job.base == Some(version.id) {
                return Ok(self.store.file(Owner::Job(job.id), path)?);
            }
        }
        Ok(None)
    }

    /// A file of a job's outputs: a plan or replan's are its version's (filtered as above);
    /// an exam day's are filtered the same way; a what-if's are whole to whoever sees the job.
    pub fn job_file(&self, job: &Job, path: &str) -> Result<Vec<u8>, Denied> {
        match job.kind.as_str() {
            "plan" | "replan" => {
                let v = self.store.version_of_job(job.id)?.ok_or(Denied::NotFound)?;
                self.version_file(&v, path)
            }
            _ => {
                let sha = self
                    .store
                    .file(Owner::Job(job.id), path)?
                    .ok_or(Denied::NotFound)?;
                let view = if job.kind == "whatif" {
                    View::Whole
                } else {
                    view(&self.caller.role, &self.places(job.case_id)?, path)
                };
                let bytes = self.store.blobs.get(&sha).map_err(StoreError::from)?;
                apply(&view, bytes).ok_or(Denied::NotFound)
            }
        }
    }

    /// The paths of a finished job's outputs the caller may download (a plan's: its version's),
    /// decided by the path alone: no file is read to list them.
    pub fn job_paths(&self, job: &Job) -> Result<Vec<String>, Denied> {
        if let Some(v) = self.store.version_of_job(job.id)? {
            return self.version_paths(&v);
        }
        let places = self.places(job.case_id)?;
        Ok(self
            .store
            .files(Owner::Job(job.id))?
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| {
                job.kind == "whatif" || !matches!(view(&self.caller.role, &places, p), View::Hidden)
            })
            .collect())
    }

    /// The paths of a version (and its latest exam day) the caller may download.
    pub fn version_paths(&self, version: &Version) -> Result<Vec<String>, Denied> {
        let places = self.places(version.case_id)?;
        let mut paths: Vec<String> = self
            .store
            .files(Owner::Version(version.id))?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        for job in self.store.jobs(version.quarter)?.iter().rev() {
            if job.kind == "exam_day" && job.state == "done" && job.base == Some(version.id) {
                for (p, _) in self.store.files(Owner::Job(job.id))? {
                    if !paths.contains(&p) {
                        paths.push(p);
                    }
                }
                break;
            }
        }
        paths.retain(|p| !matches!(view(&self.caller.role, &places, p), View::Hidden));
        Ok(paths)
    }

    /// The audit log: the province's alone.
    pub fn audit_log(&self) -> Result<Vec<super::store::AuditRow>, Denied> {
        match self.caller.role {
            Role::Province => Ok(self.store.audit_log()?),
            _ => Err(Denied::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places {
            prefectures: [
                ("4301".to_string(), "长沙市".to_string()),
                ("4302".to_string(), "株洲市".to_string()),
            ]
            .into(),
            institutions: [
                ("I001".to_string(), "4301".to_string()),
                ("I002".to_string(), "4302".to_string()),
            ]
            .into(),
        }
    }

    const SEATS: &str = "\u{feff}ticket_no,home_prefecture,venue_prefecture,institution_id\n1,长沙市,长沙市,I001\n2,株洲市,长沙市,I001\n3,株洲市,株洲市,I002\n";

    fn rows(role: &Role, path: &str, text: &str) -> Option<String> {
        apply(&view(role, &places(), path), text.as_bytes().to_vec())
            .map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn seats_are_cut_to_the_callers_rows() {
        let pref = Role::Prefecture("4302".into());
        let out = rows(&pref, "seats.csv", SEATS).unwrap();
        assert!(out.starts_with('\u{feff}'));
        let tickets: Vec<&str> = out.lines().skip(1).map(|l| &l[..1]).collect();
        assert_eq!(tickets, ["2", "3"], "lives in 株洲 or sits there");
        let inst = Role::Institution("I001".into());
        let out = rows(&inst, "seats.csv", SEATS).unwrap();
        assert_eq!(out.lines().count(), 3);
        assert!(!out.contains("I002"));
        assert_eq!(rows(&Role::Province, "seats.csv", SEATS).unwrap(), SEATS);
    }

    #[test]
    fn workbooks_and_whole_files_follow_the_scope() {
        let inst = Role::Institution("I001".into());
        let pref = Role::Prefecture("4302".into());
        let p = places();
        assert!(matches!(
            view(&inst, &p, "institutions/I001.xlsx"),
            View::Whole
        ));
        assert!(matches!(
            view(&inst, &p, "institutions/I002.xlsx"),
            View::Hidden
        ));
        assert!(matches!(view(&inst, &p, "exam-day/I001.xlsx"), View::Whole));
        assert!(matches!(view(&inst, &p, "plan.xlsx"), View::Hidden));
        assert!(matches!(view(&inst, &p, "report.html"), View::Hidden));
        assert!(matches!(
            view(&pref, &p, "institutions/I002.xlsx"),
            View::Whole
        ));
        assert!(matches!(
            view(&pref, &p, "institutions/I001.xlsx"),
            View::Hidden
        ));
        assert!(matches!(
            view(&pref, &p, "supervision/S01.xlsx"),
            View::Hidden
        ));
        assert!(matches!(
            view(&pref, &p, "institutions/../I002.xlsx"),
            View::Hidden
        ));
        assert!(matches!(view(&pref, &p, "dispatch.csv"), View::Hidden));
    }

    #[test]
    fn six_digit_and_four_digit_division_codes_are_one_prefecture() {
        assert_eq!(division("430100"), "4301");
        assert_eq!(division("4301"), "4301");
        assert_eq!(division("431102"), "431102");
        assert_eq!(
            Role::from_stored("prefecture", Some("430100")),
            Some(Role::Prefecture("4301".into()))
        );
    }

    #[test]
    fn a_scenario_may_name_a_prefecture_by_code_or_name() {
        let p = places();
        assert!(p.names_prefecture("4301", "4301"));
        assert!(p.names_prefecture("430100", "4301"));
        assert!(p.names_prefecture("长沙市", "4301"));
        assert!(p.names_prefecture("长沙", "4301"));
        assert!(!p.names_prefecture("株洲市", "4301"));
    }
}

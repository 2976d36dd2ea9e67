//! Reads a case folder file by file, resolving names to indices as it goes.
//!
//! Files are read in dependency order (prefectures and occupations first, candidates last) so
//! every reference can be resolved on the spot. A row with an error is reported and left out of
//! the case; because `plan` refuses a case with errors, nothing is ever dropped silently.

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

fn read_prefectures(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &mut Names,
) -> Vec<Prefecture> {
    let mut out: Vec<Prefecture> = Vec::new();
    read_table(
        folder,
        "prefectures",
        &columns::PREFECTURES,
        diags,
        |row, diags| {
            let code = row.required(diags, "code");
            let name = row.required(diags, "name");
            let lat = row.parse_f64(diags, "lat");
            let lon = row.parse_f64(diags, "lon");
            let (Some(code), Some(name), Some(lat), Some(lon)) = (code, name, lat, lon) else {
                return;
            };
            if !(code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit())) {
                row.error(
                    diags,
                    "code",
                    format!("expected a 4-digit division code, found {code:?}"),
                );
                return;
            }
            if names.prefectures.contains_key(code) {
                row.error(diags, "code", format!("duplicate prefecture code {code}"));
                return;
            }
            let index = out.len();
            names.prefectures.insert(code.to_string(), index);
            names.prefectures.insert(name.to_string(), index);
            // 长沙市 → 长沙; 湘西土家族苗族自治州 → 湘西
            for suffix in ["市", "土家族苗族自治州", "自治州", "州"] {
                if let Some(short) = name.strip_suffix(suffix) {
                    if !short.is_empty() {
                        names.prefectures.entry(short.to_string()).or_insert(index);
                    }
                    break;
                }
            }
            out.push(Prefecture {
                code: code.to_string(),
                name: name.to_string(),
                lat,
                lon,
            });
        },
    );
    out
}

fn read_occupations(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &mut Names,
) -> Vec<Occupation> {
    let mut out: Vec<Occupation> = Vec::new();
    read_table(
        folder,
        "occupations",
        &columns::OCCUPATIONS,
        diags,
        |row, diags| {
            let code = row.required(diags, "code");
            let name = row.required(diags, "name");
            let levels = row.parse_levels(diags, "levels");
            let theory = row.parse_u32(diags, "theory_minutes");
            let skill = row.parse_u32(diags, "skill_minutes");
            let (Some(code), Some(name), Some(levels), Some(theory), Some(skill)) =
                (code, name, levels, theory, skill)
            else {
                return;
            };
            let work_type = row.text("work_type").to_string();
            let key = (code.to_string(), work_type.clone());
            if names.rows.contains_key(&key) {
                row.error(
                    diags,
                    "code",
                    format!("occupation {code} with work type {work_type:?} is listed twice"),
                );
                return;
            }
            let index = out.len();
            names.rows.insert(key, index);
            names
                .rows_of_code
                .entry(code.to_string())
                .or_default()
                .push(index);
            let canonical = (code.to_string(), None, false);
            names
                .occupations
                .entry(code.to_string())
                .or_insert(canonical.clone());
            names
                .occupations
                .entry(name.to_string())
                .or_insert(canonical);
            if !work_type.is_empty() {
                names.occupations.entry(work_type.clone()).or_insert((
                    code.to_string(),
                    Some(work_type.clone()),
                    false,
                ));
            }
            let aliases: Vec<String> = split_list(row.text("aliases"))
                .map(str::to_string)
                .collect();
            // an alias of a work-type row (视频创维员) names that work type
            let implied = (!work_type.is_empty()).then(|| work_type.clone());
            for alias in &aliases {
                names.occupations.entry(alias.clone()).or_insert((
                    code.to_string(),
                    implied.clone(),
                    true,
                ));
            }
            out.push(Occupation {
                code: code.to_string(),
                name: name.to_string(),
                work_type,
                levels,
                aliases,
                theory_minutes: theory,
                skill_minutes: skill,
            });
        },
    );
    out
}

/// Road km between every pair of prefecture seats: straight line × road factor, unless
/// distances.csv gives the pair (either direction).
fn read_distances(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
    prefectures: &[Prefecture],
    policy: &Policy,
) -> Vec<Vec<f64>> {
    let mut km = road_km(prefectures, policy.road_factor);
    if folder.has("distances") {
        read_table(
            folder,
            "distances",
            &columns::DISTANCES,
            diags,
            |row, diags| {
                let from = resolve_prefecture(row, diags, names, "from");
                let to = resolve_prefecture(row, diags, names, "to");
                let d = row.parse_f64(diags, "km");
                if let (Some(a), Some(b), Some(d)) = (from, to, d) {
                    if d < 0.0 {
                        row.error(
                            diags,
                            "km",
                            format!("distance must not be negative, found {d}"),
                        );
                        return;
                    }
                    km[a][b] = d;
                    km[b][a] = d;
                }
            },
        );
    }
    km
}

fn resolve_prefecture(
    row: &Row,
    diags: &mut Diagnostics,
    names: &Names,
    column: &str,
) -> Option<usize> {
    let text = row.required(diags, column)?;
    let found = names.prefecture(text);
    if found.is_none() {
        row.error(diags, column, format!("unknown prefecture {text:?}"));
    }
    found
}

fn read_sessions(folder: &Folder, diags: &mut Diagnostics) -> Vec<Session> {
    let mut out = Vec::new();
    read_table(
        folder,
        "sessions",
        &columns::SESSIONS,
        diags,
        |row, diags| {
            let date = row.parse_date(diags, "date");
            let start = row.parse_time(diags, "start");
            let end = row.parse_time(diags, "end");
            if let (Some(date), Some(start), Some(end)) = (date, start, end) {
                if end <= start {
                    row.error(
                        diags,
                        "end",
                        format!(
                            "the session ends ({}) before it starts ({})",
                            end.format("%H:%M"),
                            start.format("%H:%M")
                        ),
                    );
                    return;
                }
                out.push(Session { date, start, end });
            }
        },
    );
    out.sort();
    out
}

fn read_holidays(folder: &Folder, diags: &mut Diagnostics) -> Vec<Holiday> {
    let mut out = Vec::new();
    if !folder.has("holidays") {
        return out;
    }
    read_table(
        folder,
        "holidays",
        &columns::HOLIDAYS,
        diags,
        |row, diags| {
            let date = row.parse_date(diags, "date");
            let kind = row.required(diags, "kind");
            if let (Some(date), Some(kind)) = (date, kind) {
                match kind {
                    "off" => out.push(Holiday { date, off: true }),
                    "workday" => out.push(Holiday { date, off: false }),
                    other => row.error(
                        diags,
                        "kind",
                        format!("expected off or workday, found {other:?}"),
                    ),
                }
            }
        },
    );
    out
}

fn read_institutions(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &mut Names,
) -> Vec<Institution> {
    let mut out: Vec<Institution> = Vec::new();
    read_table(
        folder,
        "institutions",
        &columns::INSTITUTIONS,
        diags,
        |row, diags| {
            let id = row.key(diags, "id");
            let name = row.required(diags, "name");
            let credit_code = row.identifier(diags, "credit_code");
            if let Some(code) = credit_code {
                if let Err(m) = checks::check_credit_code(code) {
                    row.error(diags, "credit_code", m);
                }
            }
            let prefecture = resolve_prefecture(row, diags, names, "prefecture");
            let entity_type = row.required(diags, "entity_type").and_then(|t| {
                let e = EntityType::parse(t);
                if e.is_none() {
                    row.error(
                        diags,
                        "entity_type",
                        format!(
                        "expected 企业, 事业单位, 社会团体, 民办非企业 or 政府机关, found {t:?}"
                    ),
                    );
                }
                e
            });
            let staff = row.parse_u32(diags, "staff");
            let qualified = row.parse_u32(diags, "qualified_staff");
            let total = row.parse_f64(diags, "total_area_m2");
            let office = row.parse_f64(diags, "office_area_m2");
            let mut records = Vec::new();
            for item in split_list(row.text("records")) {
                let parsed = item.split_once('@').and_then(|(k, d)| {
                    Some(Record {
                        kind: RecordKind::parse(k.trim())?,
                        date: table::parse_date(d.trim())?,
                    })
                });
                match parsed {
                Some(r) => records.push(r),
                None => row.error(
                    diags,
                    "records",
                    format!("expected kind@YYYY-MM-DD with kind one of violation, dishonest, annual_review_failed, illegal_org_list, abnormal_business_list, evaluation_bad_record; found {item:?}"),
                ),
            }
            }
            if let (Some(staff), Some(q)) = (staff, qualified) {
                if q > staff {
                    row.warning(
                        diags,
                        "qualified_staff",
                        format!("{q} qualified staff is more than the {staff} full-time staff"),
                    );
                }
            }
            let (
                Some(id),
                Some(name),
                Some(credit_code),
                Some(prefecture),
                Some(entity_type),
                Some(staff),
                Some(qualified),
                Some(total),
                Some(office),
            ) = (
                id,
                name,
                credit_code,
                prefecture,
                entity_type,
                staff,
                qualified,
                total,
                office,
            )
            else {
                return;
            };
            if names.institution(id).is_some() {
                row.error(diags, "id", format!("duplicate institution id {id}"));
                return;
            }
            names.add_institution(id, out.len());
            out.push(Institution {
                id: id.to_string(),
                name: name.to_string(),
                credit_code: credit_code.to_string(),
                prefecture,
                entity_type,
                staff,
                qualified_staff: qualified,
                total_area_m2: total,
                office_area_m2: office,
                records,
            });
        },
    );
    out
}

fn resolve_institution(
    row: &Row,
    diags: &mut Diagnostics,
    names: &Names,
    column: &str,
) -> Option<usize> {
    let id = row.required(diags, column)?;
    let found = names.institution(id);
    if found.is_none() && names.institutions_incomplete {
        *names
            .skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(row.file.to_string())
            .or_default() += 1;
    } else if found.is_none() {
        row.error(
            diags,
            column,
            format!("unknown institution {id:?} (not in institutions.csv)"),
        );
    }
    found
}

fn read_rooms(folder: &Folder, diags: &mut Diagnostics, names: &Names) -> Vec<Room> {
    let mut out: Vec<Room> = Vec::new();
    let mut seen = HashSet::default();
    read_table(folder, "rooms", &columns::ROOMS, diags, |row, diags| {
        let institution = resolve_institution(row, diags, names, "institution_id");
        let room_id = row.key(diags, "room_id");
        let seats_text = row.text("seats");
        let seats = match seats_text.parse::<i64>() {
            Ok(s) if s > 0 && s <= i64::from(ticket::MAX_SEATS) => Some(s as u32),
            Ok(s) if s > 0 => {
                row.error(
                    diags,
                    "seats",
                    format!(
                        "a room of {s} seats is not a computer exam room (at most {})",
                        ticket::MAX_SEATS
                    ),
                );
                None
            }
            Ok(s) => {
                row.error(diags, "seats", format!("seats must be positive, found {s}"));
                None
            }
            Err(_) => {
                row.error(
                    diags,
                    "seats",
                    format!("expected a whole number of seats, found {seats_text:?}"),
                );
                None
            }
        };
        let camera = row.parse_u32(diags, "camera_p");
        let (Some(institution), Some(room_id), Some(seats), Some(camera_p)) =
            (institution, room_id, seats, camera)
        else {
            return;
        };
        if !seen.insert((institution, room_id.to_string())) {
            row.error(
                diags,
                "room_id",
                format!(
                    "duplicate room {room_id} of institution {}",
                    row.text("institution_id")
                ),
            );
            return;
        }
        out.push(Room {
            institution,
            room_id: room_id.to_string(),
            seats,
            camera_p,
        });
    });
    out
}

/// materials.csv (附件3), when the case has it: one row per institution and item, `provided`
/// yes/no (是/否); an item listed twice for one institution is an error.
fn read_materials(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
) -> Option<Vec<Material>> {
    if !folder.has("materials") {
        return None;
    }
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    read_table(
        folder,
        "materials",
        &columns::MATERIALS,
        diags,
        |row, diags| {
            let institution = resolve_institution(row, diags, names, "institution_id");
            let item = row.required(diags, "item").and_then(|t| {
                let i = MATERIAL_ITEMS.iter().position(|x| *x == t);
                if i.is_none() {
                    row.error(
                        diags,
                        "item",
                        format!("expected one of {}, found {t:?}", MATERIAL_ITEMS.join(", ")),
                    );
                }
                i
            });
            let provided = row.required(diags, "provided").and_then(|t| {
                let p = match t.to_ascii_lowercase().as_str() {
                    "yes" | "是" | "true" | "1" => Some(true),
                    "no" | "否" | "false" | "0" => Some(false),
                    _ => None,
                };
                if p.is_none() {
                    row.error(
                        diags,
                        "provided",
                        format!("expected yes, no, 是 or 否, found {t:?}"),
                    );
                }
                p
            });
            if let (Some(institution), Some(item), Some(provided)) = (institution, item, provided) {
                if !seen.insert((institution, item)) {
                    row.error(
                        diags,
                        "item",
                        format!(
                            "item {} is listed twice for this institution",
                            MATERIAL_ITEMS[item]
                        ),
                    );
                    return;
                }
                out.push(Material {
                    institution,
                    item,
                    provided,
                });
            }
        },
    );
    Some(out)
}

/// experts.csv, when the case has it: the expert pool for panels and spot checks.
fn read_experts(folder: &Folder, diags: &mut Diagnostics, names: &Names) -> Option<Vec<Expert>> {
    if !folder.has("experts") {
        return None;
    }
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::default();
    read_table(folder, "experts", &columns::EXPERTS, diags, |row, diags| {
        let id = row
            .identifier(diags, "expert_id")
            .filter(|_| row.key(diags, "expert_id").is_some());
        let name = row.required(diags, "name");
        let prefecture = resolve_prefecture(row, diags, names, "prefecture");
        let title = row.required(diags, "title").and_then(|t| {
            let title = Title::parse(t);
            if title.is_none() {
                row.error(
                    diags,
                    "title",
                    format!("expected one of {}, found {t:?}", Title::LABELS.join(", ")),
                );
            }
            title
        });
        let mut occupations = Vec::new();
        let mut occupations_ok = true;
        for text in split_list(row.text("occupations")) {
            match names.occupation_code(text) {
                Some((code, _)) if occupations.iter().any(|c| c == code) => {}
                Some((code, _)) => occupations.push(code.to_string()),
                None => {
                    row.error(diags, "occupations", format!("unknown occupation {text:?}"));
                    occupations_ok = false;
                }
            }
        }
        let mut conflicts = Vec::new();
        let mut conflicts_ok = true;
        for id in split_list(row.text("conflicts")) {
            match names.institution(id) {
                Some(i) => conflicts.push(i),
                None => {
                    row.error(
                        diags,
                        "conflicts",
                        format!("unknown institution {id:?} (not in institutions.csv)"),
                    );
                    conflicts_ok = false;
                }
            }
        }
        let max_panels = row.parse_u32(diags, "max_panels");
        let (Some(id), Some(name), Some(prefecture), Some(title), Some(max_panels), true, true) = (
            id,
            name,
            prefecture,
            title,
            max_panels,
            occupations_ok,
            conflicts_ok,
        ) else {
            return;
        };
        if let Some(line) = first_line.get(id) {
            row.error(
                diags,
                "expert_id",
                format!("duplicate expert_id {id}: line {line} has it too"),
            );
            return;
        }
        first_line.insert(id.to_string(), row.line);
        out.push(Expert {
            expert_id: id.to_string(),
            name: name.to_string(),
            prefecture,
            employer: row.text("employer").to_string(),
            title,
            occupations,
            conflicts,
            max_panels,
        });
    });
    Some(out)
}

fn read_assessments(folder: &Folder, diags: &mut Diagnostics, names: &Names) -> Vec<Assessment> {
    let mut out: Vec<Assessment> = Vec::new();
    if !folder.has("assessment") {
        return out;
    }
    let mut seen = HashSet::default();
    read_table(
        folder,
        "assessment",
        &columns::ASSESSMENT,
        diags,
        |row, diags| {
            let institution = resolve_institution(row, diags, names, "institution_id");
            let item = row.required(diags, "item").and_then(|t| {
                let i = ASSESSMENT_ITEMS
                    .iter()
                    .position(|x| *x == t || t.strip_suffix("要求") == Some(*x));
                if i.is_none() {
                    row.error(
                        diags,
                        "item",
                        format!(
                            "expected one of {}, found {t:?}",
                            ASSESSMENT_ITEMS.join(", ")
                        ),
                    );
                }
                i
            });
            let grade = row.required(diags, "grade").and_then(|t| {
                let g = Grade::parse(t);
                if g.is_none() {
                    row.error(
                        diags,
                        "grade",
                        format!("expected 优秀, 良好, 合格 or 不合格, found {t:?}"),
                    );
                }
                g
            });
            if let (Some(institution), Some(item), Some(grade)) = (institution, item, grade) {
                if !seen.insert((institution, item)) {
                    row.error(
                        diags,
                        "item",
                        format!(
                            "item {} is graded twice for this institution",
                            ASSESSMENT_ITEMS[item]
                        ),
                    );
                    return;
                }
                out.push(Assessment {
                    institution,
                    item,
                    grade,
                });
            }
        },
    );
    out
}

fn read_filings(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
    occupations: &[Occupation],
) -> Vec<Filing> {
    let mut out = Vec::new();
    read_table(folder, "filings", &columns::FILINGS, diags, |row, diags| {
        let institution = resolve_institution(row, diags, names, "institution_id");
        let occupation_text = row.required(diags, "occupation");
        let work_type = row.text("work_type");
        let rows: Option<Vec<usize>> = occupation_text.and_then(|o| {
            let found = match names.occupation(o, work_type) {
                Ok((r, alias)) => Ok((vec![r], alias)),
                // a filing naming no work type covers every work type of the occupation
                Err(m) => match names.occupation_rows(o).filter(|_| work_type.is_empty()) {
                    Some((rows, alias)) => Ok((rows.to_vec(), alias)),
                    None => Err(m),
                },
            };
            match found {
                Ok((rows, alias)) => {
                    note_alias(row, diags, alias, o, &occupations[rows[0]]);
                    Some(rows)
                }
                Err(m) => {
                    row.error(diags, "occupation", m);
                    None
                }
            }
        });
        let levels = row.parse_levels(diags, "levels");
        let status = row.required(diags, "status").and_then(|s| {
            let st = FilingStatus::parse(s);
            if st.is_none() {
                row.error(
                    diags,
                    "status",
                    format!("expected filed, pending, suspended or revoked, found {s:?}"),
                );
            }
            st
        });
        let filed_on = if row.text("filed_on").is_empty() {
            None
        } else {
            match row.parse_date(diags, "filed_on") {
                Some(d) => Some(d),
                None => return,
            }
        };
        let (Some(institution), Some(rows), Some(levels), Some(status)) =
            (institution, rows, levels, status)
        else {
            return;
        };
        for r in rows {
            let defined = &occupations[r].levels;
            let outside: Vec<String> = levels
                .iter()
                .filter(|l| !defined.contains(l))
                .map(|l| l.to_string())
                .collect();
            if !outside.is_empty() {
                row.error(
                    diags,
                    "levels",
                    format!(
                        "{} defines levels {}; level {} is outside them",
                        occupations[r].label(),
                        join_levels(defined),
                        outside.join(", ")
                    ),
                );
                continue;
            }
            out.push(Filing {
                institution,
                occupation: r,
                levels: levels.clone(),
                status,
                filed_on,
            });
        }
    });
    out
}

/// Resolves a row's `occupation` (with its `work_type`) to an occupation row, reporting why
/// not; the `bool` is true when a former name or alias was used.
fn resolve_occupation(row: &Row, diags: &mut Diagnostics, names: &Names) -> Option<(usize, bool)> {
    let given = row.required(diags, "occupation")?;
    names
        .occupation(given, row.text("work_type"))
        .map_err(|m| row.error(diags, "occupation", m))
        .ok()
}

/// Resolves a row's `level` (a number or a Chinese name) and checks that the occupation, when
/// it is known, defines that level.
fn resolve_level(
    row: &Row,
    diags: &mut Diagnostics,
    occupation: Option<&Occupation>,
) -> Option<u8> {
    let given = row.required(diags, "level")?;
    let Some(level) = parse_level(given) else {
        row.error(
            diags,
            "level",
            format!("expected a level 1-5 or its name (三级, 高级工 …), found {given:?}"),
        );
        return None;
    };
    match occupation {
        Some(o) if !o.levels.contains(&level) => {
            row.error(
                diags,
                "level",
                format!(
                    "{} defines levels {}; level {level} is not one of them",
                    o.label(),
                    join_levels(&o.levels)
                ),
            );
            None
        }
        _ => Some(level),
    }
}

fn join_levels(levels: &[u8]) -> String {
    levels
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

fn note_alias(
    row: &Row,
    diags: &mut Diagnostics,
    alias: bool,
    given: &str,
    occupation: &Occupation,
) {
    if alias {
        row.warning(
            diags,
            "occupation",
            format!("{given} is a former name or code of {} {} (renamed in the 2022 classification); resolved to it", occupation.code, occupation.name),
        );
    }
}

/// Aliases used in candidates.csv are reported once per alias, not once per row.
#[derive(Default)]
struct AliasUse {
    uses: BTreeMap<String, (usize, u64, usize)>,
}

fn read_candidates(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
    occupations: &[Occupation],
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut ids: HashMap<String, u64> = HashMap::default();
    let mut aliases = AliasUse::default();
    read_table(
        folder,
        "candidates",
        &columns::CANDIDATES,
        diags,
        |row, diags| {
            let candidate_id = row.key(diags, "candidate_id");
            let name = row.required(diags, "name");
            let id_number = row.identifier(diags, "id_number");
            if let Some(id) = id_number {
                if let Err(m) = checks::check_resident_id(id) {
                    row.error(diags, "id_number", m);
                }
            }
            let prefecture = resolve_prefecture(row, diags, names, "prefecture");
            let occupation = resolve_occupation(row, diags, names).map(|(r, alias)| {
                if alias {
                    let given = row.text("occupation").to_string();
                    aliases.uses.entry(given).or_insert((r, row.line, 0)).2 += 1;
                }
                r
            });
            let level = resolve_level(row, diags, occupation.map(|o| &occupations[o]));
            let institution_text = row.text("institution_id");
            let institution = if institution_text.is_empty() {
                None
            } else {
                match resolve_institution(row, diags, names, "institution_id") {
                    Some(i) => Some(i),
                    None => return,
                }
            };
            let (
                Some(candidate_id),
                Some(name),
                Some(id_number),
                Some(prefecture),
                Some(occupation),
                Some(level),
            ) = (candidate_id, name, id_number, prefecture, occupation, level)
            else {
                return;
            };
            if let Some(first) = ids.insert(candidate_id.to_string(), row.line) {
                row.error(
                    diags,
                    "candidate_id",
                    format!("duplicate candidate_id {candidate_id} (first at line {first})"),
                );
                return;
            }
            out.push(Candidate {
                candidate_id: candidate_id.to_string(),
                name: name.to_string(),
                id_number: id_number.to_ascii_uppercase(),
                prefecture,
                occupation,
                level,
                institution,
                line: row.line,
            });
        },
    );
    let file = folder.name("candidates");
    for (alias, (r, line, count)) in aliases.uses {
        let o = &occupations[r];
        diags.warning(
            &file,
            Some(line),
            Some("occupation"),
            format!("{alias} is a former name or code of {} {} (renamed in the 2022 classification); {count} row(s) resolved to it", o.code, o.name),
        );
    }
    out
}

fn read_demand(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
    occupations: &[Occupation],
) -> Vec<DemandRow> {
    let mut out = Vec::new();
    read_table(folder, "demand", &columns::DEMAND, diags, |row, diags| {
        let prefecture = resolve_prefecture(row, diags, names, "prefecture");
        let occupation = resolve_occupation(row, diags, names).map(|(r, alias)| {
            note_alias(row, diags, alias, row.text("occupation"), &occupations[r]);
            r
        });
        let level = resolve_level(row, diags, occupation.map(|o| &occupations[o]));
        let count = row.parse_u32(diags, "candidates");
        if let (Some(prefecture), Some(occupation), Some(level), Some(candidates)) =
            (prefecture, occupation, level, count)
        {
            out.push(DemandRow {
                prefecture,
                occupation,
                level,
                candidates,
            });
        }
    });
    out
}

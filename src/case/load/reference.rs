//! The reference tables: prefectures (and the road distances between them) and occupations
//! (with their former names), read first so every other table can name them.

use super::*;

pub(super) fn read_prefectures(
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

pub(super) fn read_occupations(
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
pub(super) fn read_distances(
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

pub(super) fn resolve_prefecture(
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

//! Who sits the quarter: candidates.csv (registrations, with occupations resolved through their
//! aliases and levels in any of the ways officials write them) or demand.csv (a forecast).

use super::*;

/// Resolves a row's `occupation` (with its `work_type`) to an occupation row, reporting why
/// not; the `bool` is true when a former name or alias was used.
pub(super) fn resolve_occupation(
    row: &Row,
    diags: &mut Diagnostics,
    names: &Names,
) -> Option<(usize, bool)> {
    let given = row.required(diags, "occupation")?;
    names
        .occupation(given, row.text("work_type"))
        .map_err(|m| row.error(diags, "occupation", m))
        .ok()
}

/// Resolves a row's `level` (a number or a Chinese name) and checks that the occupation, when
/// it is known, defines that level.
pub(super) fn resolve_level(
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

pub(super) fn join_levels(levels: &[u8]) -> String {
    levels
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

pub(super) fn note_alias(
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
pub(super) struct AliasUse {
    uses: BTreeMap<String, (usize, u64, usize)>,
}

pub(super) fn read_candidates(
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

pub(super) fn read_demand(
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

//! The filing season's tables: filings, the on-site assessment, the materials handed in and
//! the experts who assess and inspect.

use super::*;

pub(super) fn read_filings(
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

pub(super) fn read_assessments(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
) -> Vec<Assessment> {
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

/// materials.csv (附件3), when the case has it: one row per institution and item, `provided`
/// yes/no (是/否); an item listed twice for one institution is an error.
pub(super) fn read_materials(
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
pub(super) fn read_experts(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
) -> Option<Vec<Expert>> {
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

//! Vetting: does each institution meet the notice's selection conditions (附件1), its refusal
//! grounds, and the 7-item assessment rule (附件5)?
//!
//! Each condition is one small function returning `Ok` or the reason it fails, so a prefecture
//! centre sees exactly which condition an institution misses. An institution that fails any
//! condition is never used by the planner.

use crate::case::{Case, EntityType, Grade, Institution, ASSESSMENT_ITEMS};
use chrono::{Months, NaiveDate};

/// The names of the conditions, in the order of vetting.csv's columns.
pub const CONDITIONS: [&str; 8] = [
    "entity",
    "premises",
    "office",
    "seats",
    "cameras",
    "team",
    "records",
    "assessment",
];

/// The outcome of vetting one institution.
#[derive(Debug, Clone)]
pub struct Vetting {
    pub institution: usize,
    /// One entry per [`CONDITIONS`] item: `None` when met, `Some(reason)` when not.
    pub failures: Vec<Option<String>>,
    pub total_seats: u32,
    /// The assessment's overall grade, when assessment.csv grades all seven items.
    pub assessment: Option<Grade>,
    /// The 人员 grade the staff counts suggest (优秀 ≥ 20/8, 良好 ≥ 15/5, else 不合格).
    pub suggested_staff_grade: Grade,
}

impl Vetting {
    pub fn eligible(&self) -> bool {
        self.failures.iter().all(Option::is_none)
    }

    pub fn reasons(&self) -> Vec<String> {
        self.failures.iter().flatten().cloned().collect()
    }
}

fn entity(inst: &Institution) -> Result<(), String> {
    if inst.entity_type == EntityType::Government {
        Err(crate::words::unmet::government())
    } else {
        Ok(())
    }
}

fn premises(inst: &Institution) -> Result<(), String> {
    if inst.total_area_m2 < 1000.0 {
        Err(crate::words::unmet::premises(inst.total_area_m2))
    } else {
        Ok(())
    }
}

fn office(inst: &Institution) -> Result<(), String> {
    if inst.office_area_m2 < 100.0 {
        Err(crate::words::unmet::office(inst.office_area_m2))
    } else {
        Ok(())
    }
}

fn seats(total: u32) -> Result<(), String> {
    if total < 200 {
        Err(crate::words::unmet::seats(total))
    } else {
        Ok(())
    }
}

fn cameras(case: &Case, institution: usize) -> Result<(), String> {
    let low: Vec<String> = case
        .rooms
        .iter()
        .filter(|r| r.institution == institution && r.camera_p < 720)
        .map(|r| format!("{} {}P", r.room_id, r.camera_p))
        .collect();
    if low.is_empty() {
        Ok(())
    } else {
        Err(crate::words::unmet::cameras(&low))
    }
}

fn staff(inst: &Institution) -> Result<(), String> {
    if inst.staff < 15 || inst.qualified_staff < 5 {
        Err(crate::words::unmet::team(inst.staff, inst.qualified_staff))
    } else {
        Ok(())
    }
}

/// Adverse records: "3 年内" kinds count within three years before the quarter's first day,
/// the others at any age.
fn records(inst: &Institution, first_day: NaiveDate) -> Result<(), String> {
    let bad: Vec<String> = inst
        .records
        .iter()
        .filter(|r| match r.kind.window_years() {
            Some(years) => {
                let since = first_day
                    .checked_sub_months(Months::new(12 * years as u32))
                    .unwrap_or(NaiveDate::MIN);
                r.date > since && r.date <= first_day
            }
            None => r.date <= first_day,
        })
        .map(|r| format!("{}@{}", r.kind.label(), r.date))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(crate::words::unmet::records(&bad))
    }
}

fn suggested_staff_grade(inst: &Institution) -> Grade {
    if inst.staff >= 20 && inst.qualified_staff >= 8 {
        Grade::Excellent
    } else if inst.staff >= 15 && inst.qualified_staff >= 5 {
        Grade::Good
    } else {
        Grade::Fail
    }
}

/// Any 不合格 item makes the whole assessment 不合格; otherwise the overall grade is the
/// weakest item. Institutions not in assessment.csv are not failed for it.
fn assessment(case: &Case, institution: usize) -> (Result<(), String>, Option<Grade>) {
    let items: Vec<_> = case
        .assessments
        .iter()
        .filter(|a| a.institution == institution)
        .collect();
    if items.is_empty() {
        return (Ok(()), None);
    }
    let failed: Vec<&str> = items
        .iter()
        .filter(|a| a.grade == Grade::Fail)
        .map(|a| ASSESSMENT_ITEMS[a.item])
        .collect();
    let overall = if items.len() == ASSESSMENT_ITEMS.len() || !failed.is_empty() {
        items.iter().map(|a| a.grade).max()
    } else {
        None
    };
    if failed.is_empty() {
        (Ok(()), overall)
    } else {
        (Err(crate::words::unmet::assessment(&failed)), overall)
    }
}

/// Vets every institution of the case, in the case's order.
pub fn vet(case: &Case) -> Vec<Vetting> {
    let first_day = case.quarter.first_day();
    let mut total_seats = vec![0u32; case.institutions.len()];
    for room in &case.rooms {
        total_seats[room.institution] += room.seats;
    }
    case.institutions
        .iter()
        .enumerate()
        .map(|(i, inst)| {
            let (assessed, grade) = assessment(case, i);
            let results = [
                entity(inst),
                premises(inst),
                office(inst),
                seats(total_seats[i]),
                cameras(case, i),
                staff(inst),
                records(inst, first_day),
                assessed,
            ];
            Vetting {
                institution: i,
                failures: results.into_iter().map(Result::err).collect(),
                total_seats: total_seats[i],
                assessment: grade,
                suggested_staff_grade: suggested_staff_grade(inst),
            }
        })
        .collect()
}

/// `eligible[i]`: may institution i seat candidates this quarter?
pub fn eligible(case: &Case) -> Vec<bool> {
    vet(case).iter().map(Vetting::eligible).collect()
}

/// Eligible institutions filed for each occupation row in each prefecture:
/// `coverage[prefecture][occupation]`.
pub fn coverage(case: &Case, eligible: &[bool]) -> Vec<Vec<Vec<usize>>> {
    let first_day = case.quarter.first_day();
    let mut cov = vec![vec![Vec::new(); case.occupations.len()]; case.prefectures.len()];
    for f in &case.filings {
        if f.in_force(first_day) && eligible[f.institution] {
            let list: &mut Vec<usize> =
                &mut cov[case.institutions[f.institution].prefecture][f.occupation];
            if !list.contains(&f.institution) {
                list.push(f.institution);
            }
        }
    }
    cov
}

/// `text` followed by spaces up to `width` terminal columns: a Chinese character takes two
/// columns, so padding by character count would misalign the table a terminal shows.
fn pad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// The files `vet --out` writes.
pub const FILES: [&str; 4] = [
    "vetting.csv",
    "coverage.csv",
    "publication.csv",
    "vetting.xlsx",
];

/// What `vet` prints and writes.
pub struct Report {
    pub table: String,
    pub vetting_csv: Vec<u8>,
    pub coverage_csv: Vec<u8>,
    pub publication_csv: Vec<u8>,
}

impl Report {
    /// Writes vetting.csv, coverage.csv, publication.csv and vetting.xlsx (the three as Chinese
    /// sheets: 遴选结果, 覆盖情况, 公示名单) into `out`, all or nothing.
    pub fn write(&self, out: &std::path::Path, created: NaiveDate) -> std::io::Result<()> {
        let staging = crate::output::staging::Staging::new(out)?;
        staging.add_bytes("vetting.csv", &self.vetting_csv)?;
        staging.add_bytes("coverage.csv", &self.coverage_csv)?;
        staging.add_bytes("publication.csv", &self.publication_csv)?;
        let book = crate::output::sheets::tables_workbook(
            created,
            &[
                ("vetting.csv", self.vetting_csv.clone()),
                ("coverage.csv", self.coverage_csv.clone()),
                ("publication.csv", self.publication_csv.clone()),
            ],
        )?;
        staging.add_bytes("vetting.xlsx", &book)?;
        staging.commit(&FILES)
    }
}

/// The items of 附件3 an institution has not handed in, by their keys; `None` when the case
/// has no materials.csv (materials not checked). An item without a row is missing.
pub fn missing_materials(case: &Case, institution: usize) -> Option<Vec<&'static str>> {
    let materials = case.materials.as_ref()?;
    Some(
        crate::case::MATERIAL_ITEMS
            .iter()
            .enumerate()
            .filter(|&(item, _)| {
                !materials
                    .iter()
                    .any(|m| m.institution == institution && m.item == item && m.provided)
            })
            .map(|(_, key)| *key)
            .collect(),
    )
}

/// One row of publication.csv (公示): a filed or pending filing of an institution that passes
/// vetting, assessment and (when given) materials.
#[derive(Debug, Default, serde::Serialize)]
struct Publication<'a> {
    institution: &'a str,
    credit_code: &'a str,
    prefecture: &'a str,
    occupation_code: &'a str,
    occupation: &'a str,
    work_type: &'a str,
    levels: String,
}

/// publication.csv: for every institution that passes vetting and assessment and has handed
/// in every item (when materials.csv is given), its filed and pending filings.
fn publication_csv(case: &Case, vettings: &[Vetting]) -> Vec<u8> {
    let mut rows = Vec::new();
    for v in vettings.iter().filter(|v| v.eligible()) {
        if missing_materials(case, v.institution).is_some_and(|m| !m.is_empty()) {
            continue;
        }
        let inst = &case.institutions[v.institution];
        for f in case.filings.iter().filter(|f| {
            f.institution == v.institution
                && matches!(
                    f.status,
                    crate::case::FilingStatus::Filed | crate::case::FilingStatus::Pending
                )
        }) {
            let occ = &case.occupations[f.occupation];
            rows.push(Publication {
                institution: &inst.name,
                credit_code: &inst.credit_code,
                prefecture: &case.prefectures[inst.prefecture].name,
                occupation_code: &occ.code,
                occupation: &occ.name,
                work_type: &occ.work_type,
                levels: f
                    .levels
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join("|"),
            });
        }
    }
    crate::plan::csv_bytes::<Publication, _>(rows)
}

/// The vetting table, vetting.csv and coverage.csv for a case.
pub fn report(case: &Case) -> Report {
    use std::fmt::Write as _;
    let vettings = vet(case);
    let eligible: Vec<bool> = vettings.iter().map(Vetting::eligible).collect();
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{} {} {:>6} {:>6} {} {} reasons",
        pad("id", 8),
        pad("prefecture", 10),
        "seats",
        "staff",
        pad("人员", 9),
        pad("result", 8)
    );
    let mut w = crate::csv_out::Writer::from_writer(Vec::new());
    let mut header = vec![
        "institution_id",
        "name",
        "prefecture",
        "total_seats",
        "staff",
        "qualified_staff",
    ];
    header.extend(CONDITIONS);
    header.extend([
        "assessment_grade",
        "suggested_staff_grade",
        "eligible",
        "reasons",
        "materials",
        "missing_materials",
        "reason_codes",
    ]);
    w.write_record(&header).expect("memory");
    for v in &vettings {
        let inst = &case.institutions[v.institution];
        let pref = &case.prefectures[inst.prefecture].name;
        let result = if v.eligible() { "eligible" } else { "NOT" };
        let missing = missing_materials(case, v.institution);
        let mut reasons = v.reasons();
        if let Some(m) = missing.as_ref().filter(|m| !m.is_empty()) {
            reasons.push(crate::words::unmet::materials(m));
        }
        let _ = writeln!(
            table,
            "{} {} {:>6} {:>6} {} {} {}",
            pad(&inst.id, 8),
            pad(pref, 10),
            v.total_seats,
            inst.staff,
            pad(v.suggested_staff_grade.label(), 9),
            pad(result, 8),
            reasons.join("; ")
        );
        let mut row = vec![
            inst.id.clone(),
            inst.name.clone(),
            pref.clone(),
            v.total_seats.to_string(),
            inst.staff.to_string(),
            inst.qualified_staff.to_string(),
        ];
        row.extend(v.failures.iter().map(|f| {
            if f.is_none() {
                "ok".to_string()
            } else {
                "fail".to_string()
            }
        }));
        row.push(
            v.assessment
                .map(|g| g.label().to_string())
                .unwrap_or_default(),
        );
        row.push(v.suggested_staff_grade.label().to_string());
        row.push(v.eligible().to_string());
        row.push(v.reasons().join("；"));
        row.push(
            match &missing {
                None => "not_checked",
                Some(m) if m.is_empty() => "complete",
                Some(_) => "incomplete",
            }
            .to_string(),
        );
        // the failed conditions (the column names above) and missing materials, for scripts
        let mut codes: Vec<&str> = CONDITIONS
            .iter()
            .zip(&v.failures)
            .filter(|(_, f)| f.is_some())
            .map(|(c, _)| *c)
            .collect();
        if missing.as_ref().is_some_and(|m| !m.is_empty()) {
            codes.push("materials");
        }
        row.push(missing.map(|m| m.join("|")).unwrap_or_default());
        row.push(codes.join("|"));
        w.write_record(&row).expect("memory");
    }
    let ok = eligible.iter().filter(|e| **e).count();
    let _ = writeln!(table, "{ok} of {} institutions eligible", vettings.len());
    if case.materials.is_none() {
        let _ = writeln!(
            table,
            "materials were not checked: the case has no materials.csv (附件3)"
        );
    } else {
        let incomplete = (0..case.institutions.len())
            .filter(|&i| missing_materials(case, i).is_some_and(|m| !m.is_empty()))
            .count();
        let _ = writeln!(
            table,
            "{incomplete} institution(s) with materials missing: their pending filings are incomplete and not published"
        );
    }

    let cov = coverage(case, &eligible);
    let mut c = crate::csv_out::Writer::from_writer(Vec::new());
    c.write_record([
        "prefecture",
        "occupation_code",
        "occupation",
        "work_type",
        "institutions",
        "flag",
    ])
    .expect("memory");
    let mut gaps = 0;
    let mut several = 0;
    for (p, per) in cov.iter().enumerate() {
        for (o, list) in per.iter().enumerate() {
            let occ = &case.occupations[o];
            let flag = match list.len() {
                0 => {
                    gaps += 1;
                    "gap: candidates travel to another prefecture"
                }
                1 => "",
                _ => {
                    several += 1;
                    "several: allowed only where demand is large"
                }
            };
            c.write_record([
                case.prefectures[p].name.as_str(),
                occ.code.as_str(),
                occ.name.as_str(),
                occ.work_type.as_str(),
                &list.len().to_string(),
                flag,
            ])
            .expect("memory");
        }
    }
    let _ = writeln!(
        table,
        "coverage (prefecture × occupation): {gaps} gap(s) with no filed eligible institution, {several} with more than one"
    );
    for (p, per) in cov.iter().enumerate() {
        let missing: Vec<String> = per
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_empty())
            .map(|(o, _)| case.occupations[o].label())
            .collect();
        let _ = writeln!(
            table,
            "  {} {:>2} gap(s){}{}",
            pad(&case.prefectures[p].name, 10),
            missing.len(),
            if missing.is_empty() { "" } else { ": " },
            missing.join("、")
        );
    }
    Report {
        table,
        vetting_csv: w.into_inner().expect("memory"),
        coverage_csv: c.into_inner().expect("memory"),
        publication_csv: publication_csv(case, &vettings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Record, RecordKind};

    fn inst() -> Institution {
        Institution {
            id: "I1".into(),
            name: "x".into(),
            credit_code: "91350100M000100Y43".into(),
            prefecture: 0,
            entity_type: EntityType::Enterprise,
            staff: 20,
            qualified_staff: 8,
            total_area_m2: 1200.0,
            office_area_m2: 150.0,
            records: vec![],
        }
    }

    #[test]
    fn three_year_window_only_for_the_windowed_kinds() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let mut i = inst();
        i.records = vec![Record {
            kind: RecordKind::AbnormalBusinessList,
            date: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
        }];
        assert!(records(&i, day).is_ok(), "older than 3 years");
        i.records[0].date = NaiveDate::from_ymd_opt(2023, 7, 2).unwrap();
        assert!(records(&i, day).is_err(), "within 3 years");
        i.records = vec![Record {
            kind: RecordKind::Dishonest,
            date: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
        }];
        assert!(records(&i, day).is_err(), "dishonesty counts at any age");
    }

    #[test]
    fn staff_grades() {
        let mut i = inst();
        assert_eq!(suggested_staff_grade(&i), Grade::Excellent);
        i.staff = 16;
        assert_eq!(suggested_staff_grade(&i), Grade::Good);
        assert!(staff(&i).is_ok());
        i.qualified_staff = 4;
        assert_eq!(suggested_staff_grade(&i), Grade::Fail);
        assert!(staff(&i).is_err());
    }
}

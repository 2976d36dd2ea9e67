//! `vet`: each selection condition of the notice (附件1), each refusal ground with its window,
//! each assessment grade (附件5), vetting.csv and coverage.csv as a prefecture reads them.

#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use std::collections::BTreeMap;

/// One institution per line of the table below, each failing at most one condition. The
/// quarter is 2026Q3: its first day, 2026-07-01, dates the 3-year windows.
type InstitutionRow = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    u32,
    u32,
    &'static str,
);

/// id, prefecture, entity, staff, qualified, total m², office m², records
const INSTITUTIONS: &[InstitutionRow] = &[
    ("OK", "长沙市", "企业", 20, 8, 1500, 200, ""),
    ("GOV", "长沙市", "政府机关", 20, 8, 1500, 200, ""),
    ("SMALL", "长沙市", "企业", 20, 8, 999, 200, ""),
    ("OFFICE", "长沙市", "企业", 20, 8, 1500, 99, ""),
    ("FEWSEATS", "长沙市", "企业", 20, 8, 1500, 200, ""),
    ("CAM", "长沙市", "企业", 20, 8, 1500, 200, ""),
    ("STAFF14", "长沙市", "企业", 14, 8, 1500, 200, ""),
    ("QUAL4", "长沙市", "企业", 20, 4, 1500, 200, ""),
    (
        "VIOL",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "violation@2010-01-01",
    ),
    (
        "DISH",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "dishonest@2001-05-05",
    ),
    (
        "ILLEGAL",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "illegal_org_list@2012-01-01",
    ),
    (
        "EVAL",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "evaluation_bad_record@2015-01-01",
    ),
    (
        "ANNUAL",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "annual_review_failed@2024-02-01",
    ),
    (
        "ANNUALOLD",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "annual_review_failed@2023-06-30",
    ),
    (
        "ABN",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "abnormal_business_list@2023-07-02",
    ),
    (
        "ABNOLD",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "abnormal_business_list@2023-06-30",
    ),
    (
        "FUTURE",
        "长沙市",
        "企业",
        20,
        8,
        1500,
        200,
        "violation@2026-08-01",
    ),
    ("ASSFAIL", "株洲市", "企业", 20, 8, 1500, 200, ""),
    ("ASSALL", "株洲市", "事业单位", 20, 8, 1500, 200, ""),
    ("ASSPART", "株洲市", "民办非企业", 20, 8, 1500, 200, ""),
];

fn case(dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = Tiny::default();
    t.institutions = "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n".into();
    t.rooms = "institution_id,room_id,seats,camera_p\n".into();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\n".into();
    for &(id, pref, entity, staff, q, total, office, records) in INSTITUTIONS {
        t.institutions += &format!(
            "{id},{id}（虚构）,{CREDIT_OK},{pref},{entity},{staff},{q},{total},{office},{records}\n"
        );
        let (seats, camera) = match id {
            "FEWSEATS" => (199, 1080),
            "CAM" => (240, 480),
            _ => (240, 720),
        };
        t.rooms += &format!("{id},R1,{seats},{camera}\n");
        t.filings += &format!("{id},甲职业,,4-1,filed,2026-01-01\n");
    }
    let mut assessment = String::from("institution_id,item,grade\n");
    let items = [
        "机构",
        "人员",
        "场所",
        "设备设施",
        "题库建设",
        "制度建设",
        "安全",
    ];
    for (k, item) in items.iter().enumerate() {
        let fail = if k == 6 { "不合格" } else { "优秀" };
        assessment += &format!("ASSFAIL,{item},{fail}\n");
        let all = if k == 3 { "合格" } else { "良好" };
        assessment += &format!("ASSALL,{item},{all}\n");
        if k < 3 {
            assessment += &format!("ASSPART,{item},良好\n");
        }
    }
    t.extra.push(("assessment.csv".into(), assessment));
    t.write(&dir.join("case"))
}

/// vetting.csv rows by institution id, each as column → value.
fn vetting(dir: &std::path::Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("vet/vetting.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let names: Vec<&str> = header.iter().collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicate column in {names:?}");
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: BTreeMap<String, String> = header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["institution_id"].clone(), row)
        })
        .collect()
}

#[test]
fn each_condition_fails_exactly_the_institution_that_misses_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = case(dir.path());
    let out = dir.path().join("vet");
    let o = run(&["vet", c.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = vetting(dir.path());
    let expected: &[(&str, Option<&str>)] = &[
        ("OK", None),
        ("GOV", Some("entity")),
        ("SMALL", Some("premises")),
        ("OFFICE", Some("office")),
        ("FEWSEATS", Some("seats")),
        ("CAM", Some("cameras")),
        ("STAFF14", Some("team")),
        ("QUAL4", Some("team")),
        ("VIOL", Some("records")),
        ("DISH", Some("records")),
        ("ILLEGAL", Some("records")),
        ("EVAL", Some("records")),
        ("ANNUAL", Some("records")),
        ("ANNUALOLD", None),
        ("ABN", Some("records")),
        ("ABNOLD", None),
        ("FUTURE", None),
        ("ASSFAIL", Some("assessment")),
        ("ASSALL", None),
        ("ASSPART", None),
    ];
    let conditions = [
        "entity",
        "premises",
        "office",
        "seats",
        "cameras",
        "team",
        "records",
        "assessment",
    ];
    for &(id, failing) in expected {
        let row = &rows[id];
        for c in conditions {
            let want = if Some(c) == failing { "fail" } else { "ok" };
            assert_eq!(row[c], want, "{id}: condition {c} in {row:?}");
        }
        assert_eq!(row["eligible"], failing.is_none().to_string(), "{id}");
        assert_eq!(row["reasons"].is_empty(), failing.is_none(), "{id}");
    }
    assert!(rows["GOV"]["reasons"].contains("政府机关不得作为评价机构"));
    assert_eq!(rows["GOV"]["reason_codes"], "entity");
    assert!(rows["ABN"]["reasons"].contains("abnormal_business_list@2023-07-02"));
    assert_eq!(rows["FEWSEATS"]["total_seats"], "199");
    // the weakest item is the overall grade; any 不合格 fails; a partial form gives none
    assert_eq!(rows["ASSFAIL"]["assessment_grade"], "不合格");
    assert_eq!(rows["ASSALL"]["assessment_grade"], "合格");
    assert_eq!(rows["ASSPART"]["assessment_grade"], "");
    assert_eq!(rows["OK"]["suggested_staff_grade"], "优秀");
    assert_eq!(rows["STAFF14"]["suggested_staff_grade"], "不合格");
    // the table says the same, with the count
    let table = stdout(&o);
    assert!(table.contains("6 of 20 institutions eligible"), "{table}");
}

#[test]
fn an_institution_that_fails_vetting_seats_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},长沙市,政府机关,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\nI2,甲职业,,4-1,filed,2026-01-01\nI1,乙职业,,4|3,filed,2026-01-01\n".into();
    t.add(1, 3, "长沙市", "甲职业", 3, "I2");
    t.add(10, 2, "长沙市", "乙职业", 3, "");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let seats = csv_rows(&plan.join("seats.csv"));
    assert_eq!(seats.len(), 2);
    assert!(seats.iter().all(|r| &r["institution_id"] == "I1"));
    let deferred = csv_rows(&plan.join("deferred.csv"));
    assert_eq!(deferred.len(), 3);
    assert!(deferred.iter().all(|r| &r["reason_code"] == "not_filed"));
}

#[test]
fn coverage_flags_gaps_and_prefectures_with_several_institutions() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    let c = t.write(&dir.path().join("case"));
    let out = dir.path().join("vet");
    let o = run(&["vet", c.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let rows = csv_rows(&out.join("coverage.csv"));
    let find = |pref: &str, occ: &str| {
        rows.iter()
            .find(|r| &r["prefecture"] == pref && &r["occupation"] == occ)
            .unwrap_or_else(|| panic!("{pref} {occ}"))
            .clone()
    };
    let several = find("长沙市", "甲职业");
    assert_eq!(
        (
            &several["institutions"],
            several["flag"].starts_with("several")
        ),
        ("2", true)
    );
    let one = find("长沙市", "乙职业");
    assert_eq!((&one["institutions"], &one["flag"]), ("1", ""));
    let gap = find("株洲市", "甲职业");
    assert_eq!(
        (&gap["institutions"], gap["flag"].starts_with("gap")),
        ("0", true)
    );
    assert_eq!(rows.len(), 3 * 3, "every prefecture × occupation row");
}

/// Tiny with I2 (株洲) beside I1, I2 applying (pending) for 乙职业.
fn applicants() -> Tiny {
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,乙职业,,4|3,pending,2026-06-01\n";
    t
}

const ITEMS: [&str; 16] = [
    "application_form",
    "evaluation_history",
    "implementation_plan",
    "plan_overview",
    "plan_record",
    "plan_scope",
    "plan_work",
    "plan_quality",
    "integrity_pledge",
    "team_roster",
    "team_qualifications",
    "team_contracts",
    "premises_proof",
    "asset_list",
    "financial_audit",
    "credit_report",
];

#[test]
fn materials_name_every_missing_item_and_keep_an_incomplete_applicant_off_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = applicants();
    let mut materials = String::from("institution_id,item,provided\n");
    for item in ITEMS {
        materials += &format!("I1,{item},yes\n");
        // I2 has not handed in its credit report (否) and says nothing of its asset list
        match item {
            "credit_report" => materials += "I2,credit_report,否\n",
            "asset_list" => {}
            _ => materials += &format!("I2,{item},是\n"),
        }
    }
    t.extra.push(("materials.csv".into(), materials));
    let case = t.write(&dir.path().join("case"));
    let out = dir.path().join("vet");
    let o = run(&[
        "vet",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("申报材料缺少：asset_list、credit_report"),
        "{table}"
    );
    assert!(
        table.contains("1 institution(s) with materials missing"),
        "{table}"
    );
    let rows = vetting(dir.path());
    assert_eq!(rows["I1"]["materials"], "complete");
    assert_eq!(rows["I2"]["materials"], "incomplete");
    assert_eq!(rows["I2"]["missing_materials"], "asset_list|credit_report");
    // missing materials do not stop I2's filed scope from seating (vetting is unchanged) …
    assert_eq!(rows["I2"]["eligible"], "true");
    // … but keep the incomplete applicant off the published list
    let published = csv_rows(&out.join("publication.csv"));
    assert!(
        published
            .iter()
            .all(|r| &r["institution"] == "一号（虚构）"),
        "{published:?}"
    );
    assert_eq!(published.len(), 3, "I1's three filings");
    assert_eq!(
        std::fs::read_to_string(out.join("publication.csv"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
        "institution,credit_code,prefecture,occupation_code,occupation,work_type,levels"
    );
}

#[test]
fn without_materials_vet_says_so_once_and_publishes_pending_filings() {
    let dir = tempfile::tempdir().unwrap();
    let case = applicants().write(&dir.path().join("case"));
    let out = dir.path().join("vet");
    let o = run(&[
        "vet",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let table = stdout(&o);
    assert_eq!(
        table.matches("materials were not checked").count(),
        1,
        "{table}"
    );
    assert_eq!(vetting(dir.path())["I2"]["materials"], "not_checked");
    let published = csv_rows(&out.join("publication.csv"));
    let pending: Vec<&Row> = published
        .iter()
        .filter(|r| &r["institution"] == "二号（虚构）")
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (
            &pending[0]["prefecture"],
            &pending[0]["occupation"],
            &pending[0]["levels"]
        ),
        ("株洲市", "乙职业", "4|3")
    );
}

#[test]
fn bad_materials_rows_are_errors_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = applicants();
    t.extra.push((
        "materials.csv".into(),
        "institution_id,item,provided\nI9,credit_report,yes\nI1,credit_reprot,yes\nI1,asset_list,maybe\nI1,team_roster,yes\nI1,team_roster,no\n".into(),
    ));
    let case = t.write(&dir.path().join("case"));
    let o = run(&["validate", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for expected in [
        "materials.csv:2: institution_id: error: unknown institution \"I9\"",
        "materials.csv:3: item: error: expected one of application_form,",
        "materials.csv:4: provided: error: expected yes, no, 是 or 否, found \"maybe\"",
        "materials.csv:6: item: error: item team_roster is listed twice for this institution",
    ] {
        assert!(out.contains(expected), "no {expected:?} in\n{out}");
    }
}

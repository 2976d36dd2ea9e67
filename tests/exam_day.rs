//! Exam day: the roster, the supervisors' draw and the papers, against the published plan.

mod common;
use common::*;
use exam_planner::exam_day::{self, check, DispatchRow, RosterRow, ShortfallRow};
use std::path::{Path, PathBuf};

/// A tiny day: 6 candidates at I1 room R1 (2 invigilators needed); two 监考 of whom one is
/// related to a seated candidate, one 主考, one 巡考; supervisors: one employed by I1, one of
/// I1's own prefecture, one from 株洲.
fn tiny_day(dir: &Path) -> (PathBuf, PathBuf) {
    let mut t = Tiny::default();
    t.add(1, 6, "长沙市", "甲职业", 3, "I1");
    let related = id("43010219900000001");
    t.extra.push((
        "staff.csv".into(),
        format!(
            "staff_id,name,id_number,institution_id,role,max_slots,unavailable,conflicts\n\
             S1,甲监考,{},I1,监考,2,,\n\
             S2,乙监考,{},I1,监考,2,,{related}\n\
             S3,丙主考,{},I1,主考,2,,\n\
             S4,丁巡考,{},I1,巡考,2,,\n",
            id("43010219800101001"),
            id("43010219800101002"),
            id("43010219800101003"),
            id("43010219800101004"),
        ),
    ));
    t.extra.push((
        "supervisors.csv".into(),
        "supervisor_id,name,prefecture,employer,max_slots\n\
         V1,一督导,长沙市,I1,4\n\
         V2,二督导,长沙市,长沙市人力资源和社会保障局,4\n\
         V3,三督导,株洲市,株洲市人力资源和社会保障局,4\n"
            .into(),
    ));
    let case = t.write(&dir.join("case"));
    let plan = plan_ok(&case, dir);
    (case, plan)
}

fn exam_day(case: &Path, plan: &Path, seed: &str, out: &Path) -> std::process::Output {
    run(&[
        "exam-day",
        case.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_tiny_day_gets_its_known_roster_shortfall_and_dispatch() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = tiny_day(dir.path());
    let out = dir.path().join("day");
    let o = exam_day(&case, &plan, "2026年第三季度", &out);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let roster = csv_rows(&out.join("roster.csv"));
    let placed: Vec<(&str, &str, &str)> = roster
        .iter()
        .map(|r| (r.get("staff_id"), r.get("role"), r.get("room_id")))
        .collect();
    // S2 may not stand in R1 (回避): one invigilator short, the site roles filled
    assert_eq!(
        placed,
        vec![("S3", "主考", ""), ("S4", "巡考", ""), ("S1", "监考", "R1")]
    );
    let short = csv_rows(&out.join("shortfall.csv"));
    assert_eq!(short.len(), 1);
    assert_eq!(
        (short[0].get("role"), short[0].get("missing")),
        ("监考", "1")
    );
    // never the employee, and from another prefecture while one is free
    let dispatch = csv_rows(&out.join("dispatch.csv"));
    assert_eq!(dispatch.len(), 1);
    assert_eq!(dispatch[0].get("supervisor_id"), "V3");
    let s = summary(&out);
    assert_eq!(s["roster"]["missing"]["value"], 1);
    assert_eq!(s["roster"]["missing"]["bound"], 1);
    assert_eq!(s["seed"], "2026年第三季度");
    assert!(out.join("exam-day/I1.xlsx").is_file());
    assert!(out.join("supervision/V3.xlsx").is_file());
}

/// The rows of a tiny day as the library makes them, to break one rule at a time.
fn rows(
    case: &exam_planner::case::Case,
    plan: &Path,
) -> (
    exam_day::ExamDay,
    Vec<RosterRow>,
    Vec<ShortfallRow>,
    Vec<DispatchRow>,
) {
    let day = exam_day::prepare(case, plan, "seed").unwrap();
    let (r, s, d) = (
        day.roster_rows(case),
        day.shortfall_rows(case),
        day.dispatch_rows(case),
    );
    (day, r, s, d)
}

#[test]
fn each_broken_rule_is_caught_by_the_independent_check() {
    let dir = tempfile::tempdir().unwrap();
    let (case_dir, plan) = tiny_day(dir.path());
    let case = exam_planner::pipeline::load(&case_dir).unwrap().case;
    let (day, roster, shortfall, dispatch) = rows(&case, &plan);
    let rules = |case: &exam_planner::case::Case,
                 r: &[RosterRow],
                 s: &[ShortfallRow],
                 d: &[DispatchRow]| {
        let mut v: Vec<&str> = check::check(case, &day.day, r, s, d)
            .iter()
            .map(|v| v.rule)
            .collect();
        v.dedup();
        v
    };
    assert!(rules(&case, &roster, &shortfall, &dispatch).is_empty());
    let room = roster.iter().position(|r| r.role == "监考").unwrap();

    // S2 declared a relation to a candidate of R1
    let mut r = roster.clone();
    r[room].staff_id = "S2".into();
    r[room].name = "乙监考".into();
    assert!(rules(&case, &r, &shortfall, &dispatch).contains(&"no declared conflict in the room"));

    // a 主考 placed in a room
    let mut r = roster.clone();
    r[room].staff_id = "S3".into();
    assert!(rules(&case, &r, &shortfall, &dispatch).contains(&"staff on duty"));

    // an unknown staff member
    let mut r = roster.clone();
    r[room].staff_id = "S99".into();
    assert!(rules(&case, &r, &shortfall, &dispatch).contains(&"staff on duty"));

    // S1 twice at once (and the room over-filled, the shortfall wrong)
    let mut r = roster.clone();
    r.push(r[room].clone());
    let broken = rules(&case, &r, &shortfall, &dispatch);
    assert!(broken.contains(&"one place at a time"), "{broken:?}");
    assert!(broken.contains(&"shortfall is exact"), "{broken:?}");

    // over max_slots, and in an unavailable slot
    let mut tight = case.clone();
    let slot = case
        .sessions
        .iter()
        .position(|s| s.date.format("%Y-%m-%d").to_string() == roster[room].date)
        .unwrap();
    {
        let s1 = tight
            .staff
            .as_mut()
            .unwrap()
            .iter_mut()
            .find(|m| m.staff_id == "S1")
            .unwrap();
        s1.max_slots = 0;
        s1.unavailable = vec![slot];
    }
    let broken = rules(&tight, &roster, &shortfall, &dispatch);
    assert!(broken.contains(&"within max_slots"), "{broken:?}");
    assert!(broken.contains(&"only when available"), "{broken:?}");

    // a missing invigilator not reported
    assert!(rules(&case, &roster, &[], &dispatch).contains(&"shortfall is exact"));

    // a site without its supervisor, and the employee sent
    assert!(rules(&case, &roster, &shortfall, &[]).contains(&"a supervisor per site"));
    let mut d = dispatch.clone();
    d[0].supervisor_id = "V1".into();
    assert!(rules(&case, &roster, &shortfall, &d).contains(&"supervisors may go"));
}

#[test]
fn an_edited_plan_or_a_case_without_staff_is_refused_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = tiny_day(dir.path());
    let rooms = plan.join("rooms.csv");
    let text = std::fs::read_to_string(&rooms).unwrap();
    std::fs::write(&rooms, text.replace(",2\n", ",1\n")).unwrap();
    let out = dir.path().join("day");
    let o = exam_day(&case, &plan, "s", &out);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("rooms.csv"), "{}", stdout(&o));
    assert!(!out.exists());
    std::fs::write(&rooms, text).unwrap();
    std::fs::remove_file(case.join("staff.csv")).unwrap();
    let o = exam_day(&case, &plan, "s", &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("staff.csv"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// Every string cell of every sheet of a workbook.
fn cells(path: &Path) -> Vec<(String, String)> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push((name.clone(), c.to_string()));
            }
        }
    }
    out
}

#[test]
fn the_reference_day_is_reproducible_masked_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan");
    let plan = plan_ok(&case, dir.path());
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    for (out, seed) in [(&a, "2026Q3 考务"), (&b, "2026Q3 考务"), (&c, "另一个种子")] {
        let o = exam_day(&case, &plan, seed, out);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    }
    // same seed, same bytes (the manifest hashes every file); another seed, another draw
    let manifest = |d: &Path| std::fs::read_to_string(d.join("SHA256SUMS")).unwrap();
    assert_eq!(manifest(&a), manifest(&b));
    let dispatch = |d: &Path| std::fs::read(d.join("dispatch.csv")).unwrap();
    assert_ne!(dispatch(&a), dispatch(&c));
    assert_eq!(
        std::fs::read(a.join("roster.csv")).unwrap(),
        std::fs::read(c.join("roster.csv")).unwrap()
    );
    // every room sitting of the plan is staffed or its shortfall said
    let s = summary(&a);
    let rooms = csv_rows(&plan.join("rooms.csv"));
    assert_eq!(s["room_sittings"], rooms.len());
    let needed: u64 = rooms
        .iter()
        .map(|r| r.get("invigilators").parse::<u64>().unwrap())
        .sum();
    let roster = csv_rows(&a.join("roster.csv"));
    let short = csv_rows(&a.join("shortfall.csv"));
    let rostered = roster.iter().filter(|r| r.get("role") == "监考").count() as u64;
    let missing: u64 = short
        .iter()
        .filter(|r| r.get("role") == "监考")
        .map(|r| r.get("missing").parse::<u64>().unwrap())
        .sum();
    assert_eq!(rostered + missing, needed);
    // bounds never above values, and the first two objectives proven on this case
    for k in [
        "missing",
        "largest_load",
        "largest_spread",
        "repeated_pairs",
    ] {
        assert!(s["roster"][k]["bound"].as_u64() <= s["roster"][k]["value"].as_u64());
    }
    assert_eq!(s["roster"]["pools"], s["roster"]["proven_pools"]);
    // every site supervised, never by its employee (the check ran before writing)
    assert_eq!(s["dispatch"]["missing"], 0);
    // papers: a workbook per institution open, masked IDs only, marked secret
    let seats = csv_rows(&plan.join("seats.csv"));
    let institutions: std::collections::BTreeSet<&str> =
        seats.iter().map(|r| r.get("institution_id")).collect();
    for id in &institutions {
        let path = a.join(format!("exam-day/{id}.xlsx"));
        let all = cells(&path);
        assert!(all.iter().any(|(sheet, _)| sheet == "考务安排"));
        assert!(all.iter().any(|(sheet, _)| sheet.starts_with("签到")));
        assert!(all.iter().any(|(_, c)| c.contains("保密")));
        assert!(all.iter().any(|(_, c)| c == "考场情况记录表"));
        let full_id = |c: &str| c.len() == 18 && c.bytes().take(17).all(|b| b.is_ascii_digit());
        assert!(
            !all.iter().any(|(_, c)| full_id(c)),
            "{id}: a full ID number in the papers"
        );
        assert!(all.iter().any(|(_, c)| c.contains("********")));
    }
    let supervisors: std::collections::BTreeSet<String> = csv_rows(&a.join("dispatch.csv"))
        .iter()
        .map(|r| r.get("supervisor_id").to_string())
        .collect();
    for v in &supervisors {
        let all = cells(&a.join(format!("supervision/{v}.xlsx")));
        assert!(all.iter().any(|(_, c)| c == "质量督导员督考记录表"));
    }
}

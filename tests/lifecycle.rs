//! The quarter's lifecycle: a timetable published from a forecast, seats dealt on it later.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use std::path::{Path, PathBuf};

const HEADER: &str =
    "occupation_code,occupation,work_type,level,date,start,end,candidates,institutions,rooms\n";

fn plan_with(case: &Path, timetable: &Path, out: &Path) -> std::process::Output {
    run(&[
        "plan",
        case.to_str().unwrap(),
        "--timetable",
        timetable.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// (candidate_id, date, start) of every seat.
fn slots(plan: &Path) -> Vec<(String, String, String)> {
    csv_rows(&plan.join("seats.csv"))
        .iter()
        .map(|r| (r[1].to_string(), r[9].to_string(), r[10].to_string()))
        .collect()
}

fn three_papers() -> Tiny {
    let mut t = Tiny::default();
    t.add(1, 4, "长沙市", "甲职业", 3, "I1");
    t.add(10, 3, "长沙市", "乙职业", 3, "I1");
    t.add(20, 2, "长沙市", "丙职业", 3, "I1");
    t
}

#[test]
fn listed_papers_sit_at_their_published_slot_and_unlisted_ones_wait() {
    let dir = tempfile::tempdir().unwrap();
    let case = three_papers().write(&dir.path().join("case"));
    let file = dir.path().join("published.csv");
    std::fs::write(
        &file,
        format!("{HEADER}1-01,甲职业,,3,2026-08-16,08:30,12:30,0,0,0\n1-02,乙职业,,三级,2026-08-15,08:30,12:30,0,0,0\n"),
    )
    .unwrap();
    let out = dir.path().join("plan");
    let o = plan_with(&case, &file, &out);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    for (id, date, _) in slots(&out) {
        let want = if id.as_str() < "C00010" {
            "2026-08-16"
        } else {
            "2026-08-15"
        };
        assert_eq!(date, want, "{id}");
    }
    let deferred = csv_rows(&out.join("deferred.csv"));
    assert_eq!(deferred.len(), 2);
    assert!(deferred
        .iter()
        .all(|r| r[5].contains("丙职业 三级 is not in the published timetable")));
    let s = summary(&out);
    assert_eq!(s["timetable"], "published");
    assert_eq!(s["status"], "optimal");
    assert_eq!(s["deferred_by_reason"]["not in the published timetable"], 2);
    assert_eq!(
        s["objectives"]["deferred"]["solved_by"],
        "routing on the published timetable"
    );
    let v = run(&["verify", case.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
}

#[test]
fn a_published_clash_defers_the_later_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = three_papers();
    let p = id("43010219800101009");
    t.candidates += &format!("X1,甲,{p},长沙市,甲职业,,3,I1\nX2,甲,{p},长沙市,乙职业,,3,I1\n");
    let case = t.write(&dir.path().join("case"));
    let file = dir.path().join("published.csv");
    std::fs::write(
        &file,
        format!("{HEADER}1-01,甲职业,,3,2026-08-15,08:30,12:30,0,0,0\n1-02,乙职业,,3,2026-08-15,08:30,12:30,0,0,0\n1-03,丙职业,,3,2026-08-16,08:30,12:30,0,0,0\n"),
    )
    .unwrap();
    let out = dir.path().join("plan");
    assert!(plan_with(&case, &file, &out).status.success());
    let deferred = csv_rows(&out.join("deferred.csv"));
    assert_eq!(deferred.len(), 1);
    assert_eq!(&deferred[0][0], "X2");
    assert!(deferred[0][5].contains("conflicting registration"));
}

#[test]
fn a_bad_published_timetable_is_an_input_error_with_lines_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let case = three_papers().write(&dir.path().join("case"));
    let file = dir.path().join("published.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}1-01,甲职业,,3,2026-08-17,08:30,12:30,0,0,0\n\
             1-02,乙职业,,3,2026-08-15,08:30,12:30,0,0,0\n\
             1-02,乙职业,,3,2026-08-16,08:30,12:30,0,0,0\n\
             9-99,无,,3,2026-08-15,08:30,12:30,0,0,0\n\
             1-03,丙职业,,6,2026-08-15,08:30,12:30,0,0,0\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("plan");
    let o = plan_with(&case, &file, &out);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for expected in [
        "published.csv:2: date: error: 2026-08-17 08:30 is not a slot in sessions.csv",
        "published.csv:4: occupation_code: error: 乙职业 三级 is published twice (also line 3)",
        "published.csv:5: occupation_code: error: no occupation 9-99",
        "published.csv:6: level: error: 丙职业 has no level \"6\"",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }
    assert!(!out.exists());
}

fn generate(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec![
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "21",
        "--candidates",
        "4000",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success());
    out
}

#[test]
fn forecast_publish_then_seat() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = generate(dir.path(), "forecast", &["--demand-only"]);
    let registered = generate(dir.path(), "registered", &[]);
    let published = dir.path().join("published");
    let o = run(&[
        "plan",
        forecast.to_str().unwrap(),
        "--out",
        published.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let timetable = published.join("timetable.csv");
    let seated = dir.path().join("seated");
    let o = plan_with(&registered, &timetable, &seated);
    assert!(o.status.success(), "{}", stderr(&o));
    // every seated paper sits at the slot the forecast's plan published
    let slot_of: std::collections::BTreeMap<(String, String, String), (String, String)> =
        csv_rows(&timetable)
            .iter()
            .map(|r| {
                (
                    (r[0].to_string(), r[2].to_string(), r[3].to_string()),
                    (r[4].to_string(), r[5].to_string()),
                )
            })
            .collect();
    let rows = csv_rows(&seated.join("timetable.csv"));
    assert!(!rows.is_empty());
    for r in rows {
        let key = (r[0].to_string(), r[2].to_string(), r[3].to_string());
        assert_eq!(
            slot_of.get(&key),
            Some(&(r[4].to_string(), r[5].to_string())),
            "{key:?}"
        );
    }
    let v = run(&[
        "verify",
        registered.to_str().unwrap(),
        seated.to_str().unwrap(),
    ]);
    assert!(v.status.success(), "{}", stdout(&v));
}

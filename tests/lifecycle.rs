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
        .map(|r| {
            (
                r["candidate_id"].to_string(),
                r["date"].to_string(),
                r["start"].to_string(),
            )
        })
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
        .all(|r| &r["reason_code"] == "not_published"
            && r["reason"].contains("丙职业 三级（高级工）")));
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

/// One person's two papers at one published slot: one registration is deferred as a clash,
/// naming the other paper, and the other is seated (either may go: nothing else decides).
#[test]
fn a_published_clash_defers_one_of_the_two_registrations() {
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
    let gone = deferred[0]["candidate_id"].to_string();
    assert!(gone == "X1" || gone == "X2", "{gone}");
    assert_eq!(&deferred[0]["reason_code"], "conflict");
    let kept = if gone == "X1" {
        "乙职业"
    } else {
        "甲职业"
    };
    assert!(deferred[0]["reason"].contains(kept), "{:?}", deferred[0]);
    let seats = csv_rows(&out.join("seats.csv"));
    let kept_id = if gone == "X1" { "X2" } else { "X1" };
    assert!(seats.iter().any(|r| &r["candidate_id"] == kept_id));
    let v = run(&["verify", case.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
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
                    (
                        r["occupation_code"].to_string(),
                        r["work_type"].to_string(),
                        r["level"].to_string(),
                    ),
                    (r["date"].to_string(), r["start"].to_string()),
                )
            })
            .collect();
    let rows = csv_rows(&seated.join("timetable.csv"));
    assert!(!rows.is_empty());
    for r in rows {
        let key = (
            r["occupation_code"].to_string(),
            r["work_type"].to_string(),
            r["level"].to_string(),
        );
        assert_eq!(
            slot_of.get(&key),
            Some(&(r["date"].to_string(), r["start"].to_string())),
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

/// Plans `t` into `dir/prev`, applies `change` to a copy of the case in `dir/now`, replans
/// into `dir/new` (verified against both) and returns (new plan folder, changes.csv rows).
fn replan_after(dir: &Path, t: &Tiny, change: impl FnOnce(&mut Tiny)) -> (PathBuf, Vec<Row>) {
    let before = t.write(&dir.join("before"));
    let prev = dir.join("prev");
    let o = run(&[
        "plan",
        before.to_str().unwrap(),
        "--out",
        prev.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut now = t.clone();
    change(&mut now);
    let case = now.write(&dir.join("now"));
    let new = dir.join("new");
    let o = run(&[
        "replan",
        case.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
        "--out",
        new.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let v = run(&[
        "verify",
        case.to_str().unwrap(),
        new.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
    ]);
    assert!(v.status.success(), "{}", stdout(&v));
    let changes = csv_rows(&new.join("changes.csv"));
    (new, changes)
}

fn kinds(changes: &[Row]) -> Vec<(String, String)> {
    changes
        .iter()
        .map(|r| (r["candidate_id"].to_string(), r["change"].to_string()))
        .collect()
}

#[test]
fn a_withdrawal_frees_a_seat_a_late_registrant_takes_without_moving_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 240, "长沙市", "甲职业", 3, "I1");
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        // C00001 withdraws; a late registrant for I1 arrives
        now.candidates = now
            .candidates
            .lines()
            .filter(|l| !l.starts_with("C00001,"))
            .map(|l| format!("{l}\n"))
            .collect();
        now.add(900, 1, "长沙市", "甲职业", 3, "I1");
    });
    assert_eq!(
        kinds(&changes),
        [
            ("C00001".to_string(), "withdrawn".to_string()),
            ("C00900".to_string(), "new_seated".to_string())
        ]
    );
    assert!(
        changes[1]["reason"].contains("使用 C00001 让出的座位"),
        "{:?}",
        changes[1]
    );
    assert_eq!(
        (&changes[1]["new_room_id"], &changes[1]["new_seat"]),
        (&changes[0]["old_room_id"], &changes[0]["old_seat"]),
        "same room and seat"
    );
    let s = summary(&new);
    assert_eq!(
        (
            s["kept"].as_u64(),
            s["moved_ticket"].as_u64(),
            s["withdrawn"].as_u64(),
            s["new"].as_u64()
        ),
        (Some(239), Some(0), Some(1), Some(1))
    );
}

#[test]
fn a_removed_room_moves_exactly_its_candidates_within_the_institution() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.rooms =
        "institution_id,room_id,seats,camera_p\nI1,R1,100,1080\nI1,R2,100,1080\nI1,R3,100,1080\n"
            .into();
    t.add(1, 150, "长沙市", "甲职业", 3, "I1");
    let prev_seats = |dir: &Path| csv_rows(&dir.join("prev/seats.csv"));
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        now.rooms =
            "institution_id,room_id,seats,camera_p\nI1,R1,100,1080\nI1,R3,100,1080\n".into();
    });
    // the plan seated 150 in R1 and R2 (fewest invigilators: 90 + 60)
    let in_r2 = prev_seats(dir.path())
        .iter()
        .filter(|r| &r["room_id"] == "R2")
        .count();
    assert!(in_r2 > 0 && in_r2 < 150);
    assert_eq!(changes.len(), in_r2, "exactly R2's candidates move");
    for r in &changes {
        assert_eq!(
            (
                &r["change"],
                &r["old_institution_id"],
                &r["new_institution_id"],
                &r["old_room_id"]
            ),
            ("moved_room", "I1", "I1", "R2"),
            "{r:?}"
        );
        assert_ne!(&r["new_room_id"], "R2");
        assert_eq!(&r["reason"], "机构 I1 的考场 R2 已撤销");
        assert_eq!(&r["reason_code"], "room_removed");
    }
    assert_eq!(summary(&new)["kept"].as_u64(), Some(150 - in_r2 as u64));
}

#[test]
fn moving_one_kept_candidate_next_door_is_the_only_way_to_seat_a_registrant() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.add(1, 240, "长沙市", "甲职业", 3, "");
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        now.add(900, 1, "长沙市", "甲职业", 3, "I1");
    });
    let moved: Vec<&Row> = changes
        .iter()
        .filter(|r| &r["change"] == "moved_institution")
        .collect();
    assert_eq!(moved.len(), 1, "{changes:?}");
    assert_eq!(
        (
            &moved[0]["old_institution_id"],
            &moved[0]["new_institution_id"]
        ),
        ("I1", "I2")
    );
    assert_eq!(&moved[0]["reason_code"], "frees_seat");
    assert!(moved[0]["reason"].contains("在机构 I1 就座"), "{moved:?}");
    let s = summary(&new);
    assert_eq!(
        (s["deferred"].as_u64(), s["kept"].as_u64()),
        (Some(0), Some(239))
    );
    assert_eq!(s["moved_institution"], 1);
}

#[test]
fn a_suspended_institution_moves_its_candidates_and_nobody_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.add(1, 100, "长沙市", "甲职业", 3, "I1");
    t.add(200, 100, "长沙市", "甲职业", 3, "I2");
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        now.filings = now
            .filings
            .replace("I2,甲职业,,4-1,filed", "I2,甲职业,,4-1,suspended");
    });
    assert_eq!(changes.len(), 100);
    for r in &changes {
        assert_eq!(
            (
                &r["change"],
                &r["old_institution_id"],
                &r["new_institution_id"]
            ),
            ("moved_institution", "I2", "I1"),
            "{r:?}"
        );
        let id = &r["candidate_id"];
        assert!(id.as_bytes()[1] == b'0' && &id[..3] == "C00" && id >= "C00200");
        assert_eq!(&r["reason_code"], "filing_not_in_force");
        assert!(r["reason"].contains("机构 I2 对 甲职业 三级（高级工） 的备案已不在有效期内"));
    }
    assert_eq!(summary(&new)["kept"], 100);
}

#[test]
fn a_candidate_id_naming_another_person_is_a_withdrawal_and_a_new_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let (_, changes) = replan_after(dir.path(), &t, |now| {
        now.candidates = now.candidates.replacen(
            "C00001,考生1,",
            &format!("C00001,改名,{},", id("43010219700101777")),
            1,
        );
        // drop the old id number that followed
        let lines: Vec<String> = now
            .candidates
            .lines()
            .map(|l| {
                if l.starts_with("C00001,") {
                    let f: Vec<&str> = l.split(',').collect();
                    format!("{},{},{},{}", f[0], f[1], f[2], f[4..].join(","))
                } else {
                    l.to_string()
                }
            })
            .collect();
        now.candidates = lines.join("\n") + "\n";
    });
    let k = kinds(&changes);
    assert!(k.contains(&("C00001".into(), "withdrawn".into())), "{k:?}");
    assert!(k.contains(&("C00001".into(), "new_seated".into())), "{k:?}");
}

#[test]
fn a_previous_plan_that_does_not_fit_the_case_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let prev = dir.path().join("prev");
    assert!(run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        prev.to_str().unwrap()
    ])
    .status
    .success());
    let replan = |prev: &Path| {
        run(&[
            "replan",
            case.to_str().unwrap(),
            "--previous",
            prev.to_str().unwrap(),
            "--out",
            dir.path().join("new").to_str().unwrap(),
        ])
    };
    // a seat that does not parse
    let bad = dir.path().join("bad-seat");
    copy_dir(&prev, &bad);
    let seats = std::fs::read_to_string(bad.join("seats.csv")).unwrap();
    let mut lines: Vec<String> = seats.lines().map(str::to_string).collect();
    lines[2] = format!("{},x", lines[2].rsplit_once(',').unwrap().0);
    std::fs::write(bad.join("seats.csv"), lines.join("\n") + "\n").unwrap();
    // an edited published plan is named as such first (rule 11) …
    let o = replan(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("rule 11 (published files unchanged)")
            && stdout(&o).contains("seats.csv: was changed after the plan was written"),
        "{}",
        stdout(&o)
    );
    // … and one whose summary records the edited bytes still has its line checked
    reseal(&bad);
    let o = replan(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("seats.csv:3: seat: error: cannot parse: invalid digit"),
        "{}",
        stdout(&o)
    );
    // another quarter
    let other = dir.path().join("other-quarter");
    copy_dir(&prev, &other);
    let s = std::fs::read_to_string(other.join("summary.json")).unwrap();
    std::fs::write(other.join("summary.json"), s.replace("2026Q3", "2026Q2")).unwrap();
    reseal(&other);
    let o = replan(&other);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("the previous plan is for 2026Q2, the case for 2026Q3"));
    // a slot the case does not have
    let slotless = dir.path().join("slotless");
    copy_dir(&prev, &slotless);
    let tt = std::fs::read_to_string(slotless.join("timetable.csv")).unwrap();
    std::fs::write(
        slotless.join("timetable.csv"),
        tt.replace("2026-08-1", "2026-09-1"),
    )
    .unwrap();
    reseal(&slotless);
    let o = replan(&slotless);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("timetable.csv:2: date: error:"),
        "{}",
        stdout(&o)
    );
    assert!(!dir.path().join("new").exists());
}

/// A replan takes each door list whose sources are unchanged from the plan it replaces and
/// builds the others: whatever it takes, the door lists are the bytes a plan built afresh
/// from the same files gives, and an institution whose notice has gone gets a door list
/// without it.
#[test]
fn a_replan_takes_the_unchanged_door_lists_and_builds_the_rest_as_a_fresh_build_would() {
    use calamine::{Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    for i in ["I2", "I3"] {
        t.institutions += &format!("{i},{i}号（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n");
        t.rooms += &format!("{i},R1,240,1080\n");
        t.filings += &format!("{i},甲职业,,4-1,filed,2026-01-01\n");
    }
    t.add(1, 20, "长沙市", "甲职业", 3, "I1");
    t.add(200, 10, "长沙市", "甲职业", 3, "I2");
    t.add(300, 30, "长沙市", "甲职业", 3, "I3");
    let (new, _) = replan_after(dir.path(), &t, |now| {
        now.filings = now
            .filings
            .replace("I2,甲职业,,4-1,filed", "I2,甲职业,,4-1,suspended");
    });
    let prev = dir.path().join("prev");
    let book = |plan: &Path, id: &str| std::fs::read(plan.join(format!("institutions/{id}.xlsx")));
    let source = |plan: &Path, id: &str| summary(plan)["door_lists"][id].clone();
    let sheets = |plan: &Path, id: &str| {
        let b: Xlsx<_> =
            calamine::open_workbook(plan.join(format!("institutions/{id}.xlsx"))).unwrap();
        b.sheet_names()
    };
    // I3 kept all it had: its door list is the earlier one; I1 and I2 hear of the move
    assert!(source(&prev, "I3").is_string());
    assert_eq!(source(&new, "I3"), source(&prev, "I3"));
    assert_eq!(book(&new, "I3").unwrap(), book(&prev, "I3").unwrap());
    assert_ne!(source(&new, "I1"), source(&prev, "I1"));
    assert!(sheets(&new, "I1").contains(&"变更通知".to_string()));
    // replanned once more with nothing changed: I1's notice is gone, its door list rebuilt
    let case = dir.path().join("now");
    let again = dir.path().join("again");
    let o = bin()
        .env("EXAM_PLANNER_DEBUG", "1")
        .args(["replan", case.to_str().unwrap(), "--previous"])
        .args([new.to_str().unwrap(), "--out", again.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("door lists built (1 of 2 as the previous plan had them)"),
        "{}",
        stderr(&o)
    );
    assert!(!sheets(&again, "I1").contains(&"变更通知".to_string()));
    assert_eq!(book(&again, "I3").unwrap(), book(&prev, "I3").unwrap());
    // and the bytes are a fresh build's: the same replan from a copy of `new` whose summary
    // records no door-list sources builds every door list anew
    let plain = dir.path().join("plain");
    copy_dir(&new, &plain);
    let path = plain.join("summary.json");
    let mut head: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    head.as_object_mut().unwrap().remove("door_lists").unwrap();
    std::fs::write(&path, serde_json::to_vec_pretty(&head).unwrap()).unwrap();
    let fresh = dir.path().join("fresh");
    let o = run(&[
        "replan",
        case.to_str().unwrap(),
        "--previous",
        plain.to_str().unwrap(),
        "--out",
        fresh.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for id in ["I1", "I3"] {
        assert_eq!(book(&again, id).unwrap(), book(&fresh, id).unwrap(), "{id}");
    }
    assert_eq!(summary(&again)["door_lists"], summary(&fresh)["door_lists"]);
    // I2 seats nobody and has no notice now: no door list
    assert!(book(&again, "I2").is_err());
}

/// Records a plan folder's present bytes in its summary.json, as if they had been published
/// that way (to reach the checks behind rule 11).
fn reseal(dir: &Path) {
    let path = dir.join("summary.json");
    let mut s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let files =
        exam_planner::output::staging::file_hashes(dir, &["summary.json", "SHA256SUMS"]).unwrap();
    s["files"] = serde_json::to_value(files).unwrap();
    std::fs::write(&path, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        } else if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        }
    }
}

mod churn {
    use super::*;
    use proptest::prelude::*;

    /// A quarter and what happens to it before exam day.
    #[derive(Debug, Clone)]
    struct Churn {
        /// Registrations per paper (甲, 乙) and where (0: unregistered, 1: I1, 2: I2).
        regs: Vec<(usize, u8)>,
        withdraw: Vec<bool>,
        late: Vec<(usize, u8)>,
        drop_room: bool,
        suspend_i2: bool,
    }

    fn churn() -> impl Strategy<Value = Churn> {
        prop::collection::vec((0usize..2, 0u8..3), 5..120).prop_flat_map(|regs| {
            let n = regs.len();
            (
                Just(regs),
                prop::collection::vec(prop::bool::weighted(0.15), n),
                prop::collection::vec((0usize..2, 0u8..3), 0..30),
                any::<bool>(),
                prop::bool::weighted(0.3),
            )
                .prop_map(|(regs, withdraw, late, drop_room, suspend_i2)| Churn {
                    regs,
                    withdraw,
                    late,
                    drop_room,
                    suspend_i2,
                })
        })
    }

    fn base() -> Tiny {
        let mut t = Tiny::default();
        t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
        t.rooms = "institution_id,room_id,seats,camera_p\nI1,R1,120,1080\nI1,R2,100,1080\nI1,R3,60,1080\nI2,R1,200,1080\n".into();
        t.filings += "I2,甲职业,,4-1,filed,2026-01-01\nI2,乙职业,,4|3,filed,2026-01-01\n";
        t
    }

    fn add(t: &mut Tiny, k: usize, (paper, at): (usize, u8)) {
        let paper = ["甲职业", "乙职业"][paper];
        let inst = ["", "I1", "I2"][at as usize];
        let home = if k.is_multiple_of(3) {
            "株洲市"
        } else {
            "长沙市"
        };
        t.add(k, 1, home, paper, 3, inst);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        #[test]
        fn replan_defers_no_more_than_a_fresh_seating_and_keeps_every_valid_seat(c in churn()) {
            let dir = tempfile::tempdir().unwrap();
            let mut before = base();
            for (k, &r) in c.regs.iter().enumerate() {
                add(&mut before, k + 1, r);
            }
            let (new, _) = replan_after(dir.path(), &before, |now| {
                let mut t = base();
                for (k, &r) in c.regs.iter().enumerate() {
                    if !c.withdraw[k] {
                        add(&mut t, k + 1, r);
                    }
                }
                for (k, &r) in c.late.iter().enumerate() {
                    add(&mut t, 500 + k, r);
                }
                if c.drop_room {
                    t.rooms = t.rooms.replace("I1,R3,60,1080\n", "");
                }
                if c.suspend_i2 {
                    t.filings = t.filings.replace("I2,甲职业,,4-1,filed", "I2,甲职业,,4-1,suspended");
                }
                *now = t;
            });
            // a fresh seating of the same quarter on the same timetable
            let now = dir.path().join("now");
            let fresh = dir.path().join("fresh");
            let o = plan_with(&now, &dir.path().join("prev/timetable.csv"), &fresh);
            prop_assert!(o.status.success());
            let (re, fr) = (summary(&new), summary(&fresh));
            prop_assert!(re["deferred"].as_u64() <= fr["deferred"].as_u64(), "{} vs {}", re, fr);
            // with nobody waiting for a seat, every seat that is still valid is kept
            let capacity_waits = re["deferred_by_reason"]["capacity exhausted"].as_u64().unwrap_or(0)
                + re["deferred_by_reason"]["registered institution full"].as_u64().unwrap_or(0);
            if capacity_waits == 0 {
                let rooms: std::collections::BTreeSet<(String, String, u32)> = csv_rows(&now.join("rooms.csv"))
                    .iter()
                    .map(|r| (r["institution_id"].to_string(), r["room_id"].to_string(), r["seats"].parse().unwrap()))
                    .collect();
                let current: std::collections::BTreeMap<String, (String, String, String)> = csv_rows(&now.join("candidates.csv"))
                    .iter()
                    .map(|r| (r["candidate_id"].to_string(), (r["id_number"].to_string(), r["occupation"].to_string(), r["institution_id"].to_string())))
                    .collect();
                let new_tickets: std::collections::BTreeMap<String, String> = csv_rows(&new.join("seats.csv"))
                    .iter()
                    .map(|r| (r["candidate_id"].to_string(), r["ticket_no"].to_string()))
                    .collect();
                for r in csv_rows(&dir.path().join("prev/seats.csv")) {
                    let (id, inst, room, seat) = (&r["candidate_id"], &r["institution_id"], &r["room_id"], r["seat"].parse::<u32>().unwrap());
                    let Some((number, occupation, registered)) = current.get(id) else { continue };
                    let same = *number == r["id_number"] && *occupation == r["occupation"];
                    let room_ok = rooms.iter().any(|x| x.0 == inst && x.1 == room && x.2 >= seat);
                    let filed = !(c.suspend_i2 && inst == "I2" && occupation == "甲职业");
                    let bound_elsewhere = !registered.is_empty() && registered != inst;
                    if same && room_ok && filed && !bound_elsewhere {
                        prop_assert_eq!(new_tickets.get(id), Some(&r["ticket_no"].to_string()), "{} lost a valid seat", id);
                    }
                }
            }
        }
    }
}

#[test]
fn a_late_registration_clashing_with_a_seated_one_waits_and_every_count_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = three_papers();
    // 甲 and 乙 share no person, so the plan may put them at one slot
    t.sessions = "date,start,end\n2026-08-15,08:30,12:30\n".into();
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        // C00001 (甲) registers late for 乙 too, under a new candidate_id
        let first = now.candidates.lines().nth(1).unwrap().to_string();
        let f: Vec<&str> = first.split(',').collect();
        now.candidates += &format!("L1,{},{},长沙市,乙职业,,3,I1\n", f[1], f[2]);
    });
    let late = changes
        .iter()
        .find(|r| &r["candidate_id"] == "L1")
        .expect("a row for L1");
    assert_eq!(&late["change"], "new_deferred");
    assert!(
        &late["reason_code"] == "conflict" && late["reason"].contains("考试时间冲突"),
        "{late:?}"
    );
    let s = summary(&new);
    assert_eq!(s["candidates"], 10, "9 registrations and the late one");
    assert_eq!(s["deferred_by_reason"]["conflicting registration"], 1);
}

#[test]
fn a_registration_withdrawn_while_deferred_is_listed_without_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 5, "长沙市", "甲职业", 3, "I1");
    // 湘西 is beyond max_travel_km of every institution: both are deferred
    t.add(50, 2, "湘西土家族苗族自治州", "甲职业", 3, "");
    let (_, changes) = replan_after(dir.path(), &t, |now| {
        now.candidates = now
            .candidates
            .lines()
            .filter(|l| !l.starts_with("C00050,"))
            .map(|l| format!("{l}\n"))
            .collect();
    });
    assert_eq!(changes.len(), 1, "{changes:?}");
    let r = &changes[0];
    assert_eq!(
        (&r["candidate_id"], &r["change"], &r["reason_code"]),
        ("C00050", "withdrawn", "withdrawn")
    );
    assert_eq!((&r["old_ticket_no"], &r["new_ticket_no"]), ("", ""));
    assert!(r["reason"].contains("退出报名"), "{r:?}");
}

#[test]
fn changes_reach_the_offices_in_changes_xlsx_each_institutions_notice_and_the_report() {
    use calamine::{Data, Reader, Xlsx};
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.add(1, 20, "长沙市", "甲职业", 3, "I1");
    t.add(200, 10, "长沙市", "甲职业", 3, "I2");
    let (new, changes) = replan_after(dir.path(), &t, |now| {
        now.filings = now
            .filings
            .replace("I2,甲职业,,4-1,filed", "I2,甲职业,,4-1,suspended");
    });
    assert_eq!(changes.len(), 10);
    // the province's list: one row per change, as changes.csv, with names and masked IDs
    let mut book: Xlsx<_> = calamine::open_workbook(new.join("changes.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["变更"]);
    let rows: Vec<Vec<String>> = book
        .worksheet_range("变更")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(
        rows[0][..6],
        [
            "报名号",
            "姓名",
            "身份证号",
            "变更",
            "原准考证号",
            "新准考证号"
        ]
    );
    assert_eq!(rows.len(), 1 + changes.len());
    let seats = csv_rows(&new.join("seats.csv"));
    for (row, change) in rows[1..].iter().zip(&changes) {
        assert_eq!(row[0], change["candidate_id"]);
        let seat = seats
            .iter()
            .find(|s| s["candidate_id"] == row[0])
            .expect("moved, so seated");
        assert_eq!(row[1], seat["name"]);
        let id = &seat["id_number"];
        assert_eq!(row[2], format!("{}********{}", &id[..6], &id[14..]));
        assert_eq!(row[3], "调换机构");
        assert_eq!(
            (&row[4], &row[5]),
            (
                &change["old_ticket_no"].to_string(),
                &change["new_ticket_no"].to_string()
            )
        );
        assert_eq!(
            row[7],
            format!("{} {}–{}", &seat["date"], &seat["start"], &seat["end"])
        );
        assert_eq!(
            (row[8].as_str(), row[9].as_str()),
            ("二号（虚构）", seat["institution"].as_ref())
        );
        assert_eq!(row[14], change["reason"]);
    }
    // each institution hears of the candidates who leave it or come to it: I2 seats nobody now
    // and still gets its notice
    for id in ["I1", "I2"] {
        let mut book: Xlsx<_> =
            calamine::open_workbook(new.join(format!("institutions/{id}.xlsx"))).unwrap();
        assert!(book.sheet_names().contains(&"变更通知".to_string()), "{id}");
        let notice = book.worksheet_range("变更通知").unwrap();
        assert_eq!(
            notice.rows().count(),
            2 + changes.len(),
            "{id}: title, header, rows"
        );
    }
    let i2: Xlsx<_> = calamine::open_workbook(new.join("institutions/I2.xlsx")).unwrap();
    assert_eq!(
        i2.sheet_names(),
        ["变更通知"],
        "no door list where nobody sits"
    );
    // the report's 变更 section
    let html = std::fs::read_to_string(new.join("report.html")).unwrap();
    assert!(
        html.contains("id=\"changes\"") && html.contains("调换机构"),
        "{html}"
    );
}

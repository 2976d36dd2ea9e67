//! `verify` shown to catch each rule: a verified plan is broken in exactly one way, and verify
//! must exit 1 naming that rule.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Two institutions (I1 in 长沙, I2 in 株洲), a short session no paper fits, 20 registrations
/// of 甲 at I1 and 10 persons who also take 乙 at I1.
fn case(dir: &Path) -> (PathBuf, PathBuf) {
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\nI2,乙职业,,4|3,filed,2026-01-01\n";
    t.sessions += "2026-08-17,08:30,09:00\n";
    t.add(1, 20, "长沙市", "甲职业", 3, "I1");
    for k in 1..=10 {
        let p = id(&format!("430102199001{k:05}"));
        t.candidates += &format!(
            "P{k:03},甲{k},{p},长沙市,甲职业,,2,I1\nQ{k:03},乙{k},{p},长沙市,乙职业,,3,I1\n"
        );
    }
    let case = t.write(&dir.join("case"));
    let plan = plan_ok(&case, dir);
    (case, plan)
}

/// Rewrites one CSV file of the plan: `edit` changes the records (header first) in place.
fn edit(plan: &Path, file: &str, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    let path = plan.join(file);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap();
    let mut rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    edit(&mut rows);
    let mut w = csv::Writer::from_path(&path).unwrap();
    for row in &rows {
        w.write_record(row).unwrap();
    }
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap()
}

/// Asserts that verify fails naming `rule`.
fn fails(case: &Path, plan: &Path, rule: &str) -> String {
    let v = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    let out = stdout(&v);
    assert_eq!(v.status.code(), Some(1), "{out}");
    assert!(out.contains(rule), "expected {rule:?} in:\n{out}");
    out
}

#[test]
fn rule_4_a_registered_candidate_sent_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = case(dir.path());
    edit(&plan, "seats.csv", |rows| {
        let (inst, room, seat, pref) = (
            col(rows, "institution_id"),
            col(rows, "room_id"),
            col(rows, "seat"),
            col(rows, "venue_prefecture"),
        );
        let id = col(rows, "candidate_id");
        let r = rows.iter_mut().skip(1).find(|r| r[id] == "C00001").unwrap();
        r[inst] = "I2".into();
        r[room] = "R1".into();
        r[seat] = "239".into();
        r[pref] = "株洲市".into();
    });
    fails(&case, &plan, "rule 4 (travel and registered institution)");
}

#[test]
fn rule_6_a_room_short_of_invigilators() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = case(dir.path());
    edit(&plan, "rooms.csv", |rows| {
        let c = col(rows, "invigilators");
        rows[1][c] = "1".into();
    });
    fails(&case, &plan, "rule 6 (invigilators)");
}

#[test]
fn rule_7_a_person_at_two_papers_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = case(dir.path());
    edit(&plan, "seats.csv", |rows| {
        let (date, start, end, seat) = (
            col(rows, "date"),
            col(rows, "start"),
            col(rows, "end"),
            col(rows, "seat"),
        );
        let id = col(rows, "candidate_id");
        let p = rows.iter().position(|r| r[id] == "P001").unwrap();
        let q = rows.iter().position(|r| r[id] == "Q001").unwrap();
        let (d, s, e) = (
            rows[p][date].clone(),
            rows[p][start].clone(),
            rows[p][end].clone(),
        );
        rows[q][date] = d;
        rows[q][start] = s;
        rows[q][end] = e;
        rows[q][seat] = "240".into();
    });
    fails(&case, &plan, "rule 7 (a person once at a time)");
}

#[test]
fn rule_8_a_paper_in_a_slot_too_short() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = case(dir.path());
    edit(&plan, "seats.csv", |rows| {
        let (date, start, end) = (col(rows, "date"), col(rows, "start"), col(rows, "end"));
        let id = col(rows, "candidate_id");
        let r = rows.iter_mut().skip(1).find(|r| r[id] == "C00001").unwrap();
        r[date] = "2026-08-17".into();
        r[start] = "08:30".into();
        r[end] = "09:00".into();
    });
    fails(&case, &plan, "rule 8 (slot length)");
}

/// The quarter replanned after C00001 withdrew: (case now, published plan, replan).
fn replanned(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (case, plan) = case(dir);
    let now = dir.join("now");
    std::fs::create_dir_all(&now).unwrap();
    for e in std::fs::read_dir(&case).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), now.join(e.file_name())).unwrap();
    }
    let cands = std::fs::read_to_string(now.join("candidates.csv")).unwrap();
    let kept: String = cands
        .lines()
        .filter(|l| !l.starts_with("C00001,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(now.join("candidates.csv"), kept).unwrap();
    let new = dir.join("new");
    let o = run(&[
        "replan",
        now.to_str().unwrap(),
        "--previous",
        plan.to_str().unwrap(),
        "--out",
        new.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    (now, plan, new)
}

/// `verify NOW NEW --previous PLAN`, which must exit 1; its report.
fn fails_against_previous(now: &Path, new: &Path, plan: &Path) -> String {
    let v = run(&[
        "verify",
        now.to_str().unwrap(),
        new.to_str().unwrap(),
        "--previous",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(v.status.code(), Some(1), "{}", stdout(&v));
    stdout(&v)
}

#[test]
fn rule_10_a_change_row_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (now, plan, new) = replanned(dir.path());
    edit(&new, "changes.csv", |rows| {
        let id = col(rows, "candidate_id");
        rows.retain(|r| r[id] != "C00001");
    });
    let out = fails_against_previous(&now, &new, &plan);
    assert!(
        out.contains("rule 10 (previous plan)") && out.contains("C00001"),
        "{out}"
    );
}

#[test]
fn rule_10_a_published_ticket_now_names_another_person() {
    let dir = tempfile::tempdir().unwrap();
    let (now, plan, new) = replanned(dir.path());
    // two seats trade their tickets: each ticket now names the other person
    edit(&new, "seats.csv", |rows| {
        let t = col(rows, "ticket_no");
        let (a, b) = (rows[1][t].clone(), rows[2][t].clone());
        rows[1][t] = b;
        rows[2][t] = a;
    });
    let out = fails_against_previous(&now, &new, &plan);
    assert!(
        out.contains("rule 10 (previous plan)") && out.contains("a published ticket is a person"),
        "{out}"
    );
}

#[test]
fn a_seat_row_that_does_not_parse_is_reported_once_against_the_previous_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (now, plan, new) = replanned(dir.path());
    edit(&new, "seats.csv", |rows| {
        let seat = col(rows, "seat");
        rows[3][seat] = "x".into();
    });
    let out = fails_against_previous(&now, &new, &plan);
    let unread: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("rule 0 ") && l.contains("seats.csv:4"))
        .collect();
    assert_eq!(unread.len(), 1, "{out}");
}

#[test]
fn the_unbroken_plan_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = case(dir.path());
    let v = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
}

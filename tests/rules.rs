//! The contract's claims one by one, each on a hand-made case whose answer is known: work
//! types, distances.csv, policy overrides, filings that are not in force, rerouting, every
//! deferred reason, statuses and `--gap`, replacing a plan folder, ticket numbers.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Tiny with a second institution, I2 in 株洲 (240 seats, 40 staff), filed for nothing yet.
fn two() -> Tiny {
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t
}

fn plan_tiny(t: &Tiny, dir: &Path, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let case = t.write(&dir.join("case"));
    let out = dir.join("plan");
    let mut args = vec![
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (run(&args), out)
}

/// (candidate_id, institution_id, work_type) of every seat.
fn seats(plan: &Path) -> Vec<(String, String, String)> {
    csv_rows(&plan.join("seats.csv"))
        .iter()
        .map(|r| {
            (
                r["candidate_id"].to_string(),
                r["institution_id"].to_string(),
                r["work_type"].to_string(),
            )
        })
        .collect()
}

fn institutions_of(plan: &Path) -> Vec<String> {
    let mut v: Vec<String> = seats(plan).into_iter().map(|s| s.1).collect();
    v.dedup();
    v
}

/// Each deferred row as "reason_code: reason".
fn reasons(plan: &Path) -> Vec<String> {
    csv_rows(&plan.join("deferred.csv"))
        .iter()
        .map(|r| format!("{}: {}", &r["reason_code"], &r["reason"]))
        .collect()
}

#[test]
fn work_types_are_papers_of_their_own_and_a_filing_without_one_covers_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = two();
    t.occupations += "4-04,电商师,网商,4|3,,90,120\n4-04,电商师,跨境,4|3,,90,120\n";
    // I1 (长沙) files the occupation without a work type: both; I2 (株洲) only 网商
    t.filings += "I1,电商师,,4|3,filed,2026-01-01\nI2,电商师,网商,4|3,filed,2026-01-01\n";
    let a = id("43020219900101001");
    let b = id("43020219900101002");
    let c = id("43020219900101003");
    t.candidates += &format!(
        "W1,甲,{a},株洲市,电商师,网商,3,\nW2,乙,{b},株洲市,电商师,跨境,3,\nW3,丙,{c},株洲市,网商,,3,\n"
    );
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let mut got = seats(&plan);
    got.sort();
    let want = [
        ("W1", "I2", "网商"),
        ("W2", "I1", "跨境"),
        ("W3", "I2", "网商"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(
        got, want,
        "网商 sits near home, 跨境 travels to the only filing"
    );
    let timetable = csv_rows(&plan.join("timetable.csv"));
    assert_eq!(
        timetable
            .iter()
            .filter(|r| &r["occupation_code"] == "4-04")
            .count(),
        2,
        "two papers"
    );
    // naming an occupation that has work types without one is an input error
    let mut bad = t;
    bad.candidates += &format!("W4,丁,{},株洲市,电商师,,3,\n", id("43020219900101004"));
    let case = bad.write(&dir.path().join("bad"));
    let o = run(&["validate", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o)
        .contains("candidates.csv:5: occupation: error: occupation \"电商师\" has work types"));
}

#[test]
fn distances_csv_overrides_the_computed_road_km() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "株洲市", "甲职业", 3, "");
    t.extra
        .push(("distances.csv".into(), "from,to,km\n长沙,4302,100\n".into()));
    let (o, plan) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&plan)["travel_km"], 300.0, "3 candidates × 100 km");
    // a distance beyond max_travel_km puts 长沙 out of reach of 株洲
    let mut far = t.clone();
    far.extra = vec![(
        "distances.csv".into(),
        "from,to,km\n长沙市,株洲市,251\n".into(),
    )];
    far.add(10, 1, "长沙市", "甲职业", 3, "");
    let dir = tempfile::tempdir().unwrap();
    let (o, plan) = plan_tiny(&far, dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(seats(&plan).len(), 1);
    let r = reasons(&plan);
    assert_eq!(r.len(), 3);
    assert!(
        r.iter()
            .all(|x| x.starts_with("out_of_reach: 距居住地 250 公里内")),
        "{r:?}"
    );
}

#[test]
fn max_travel_km_from_case_toml() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.case_toml += "[policy]\nmax_travel_km = 30\n";
    t.add(1, 2, "株洲市", "甲职业", 3, "");
    t.add(10, 1, "长沙市", "甲职业", 3, "");
    let (o, plan) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    assert_eq!(seats(&plan).len(), 1);
    // the two from 株洲市 have no institution within 30 km: both deferred, saying so
    let reasons = reasons(&plan);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .all(|r| r.starts_with("out_of_reach: 距居住地 30 公里内")),
        "{reasons:?}"
    );
    assert_eq!(summary(&plan)["policy"]["max_travel_km"], 30.0);
}

#[test]
fn two_sittings_per_paper_seat_a_paper_the_registered_institution_cannot_hold_at_once() {
    // 300 registered at I1 (240 seats): one sitting defers 60, two sittings none
    let mut t = Tiny::default();
    t.add(1, 300, "长沙市", "甲职业", 3, "I1");
    let dir = tempfile::tempdir().unwrap();
    let (o, one) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    let s = summary(&one);
    assert_eq!(
        (s["deferred"].as_u64(), s["seated"].as_u64()),
        (Some(60), Some(240))
    );
    assert!(reasons(&one)
        .iter()
        .all(|r| r.starts_with("registered_full: 报名机构 I1")));

    t.case_toml += "[policy]\nsittings_per_paper = 2\n";
    let dir2 = tempfile::tempdir().unwrap();
    let (o, two) = plan_tiny(&t, dir2.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&two);
    assert_eq!(s["deferred"], 0);
    assert_eq!(s["slots_used"], 2);
    assert_eq!(
        csv_rows(&two.join("timetable.csv")).len(),
        2,
        "the paper sits twice"
    );
    // the same plan breaks rule 2 for a case that allows one sitting
    let strict = dir.path().join("case");
    let v = run(&["verify", strict.to_str().unwrap(), two.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains("rule 2 (one slot per paper):"),
        "{}",
        stdout(&v)
    );
}

#[test]
fn without_keep_registered_institution_a_candidate_sits_nearest_home() {
    let mut t = two();
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.add(1, 2, "株洲市", "甲职业", 3, "I1");
    let dir = tempfile::tempdir().unwrap();
    let (o, kept) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    assert_eq!(
        institutions_of(&kept),
        ["I1"],
        "registered at I1, kept there"
    );
    t.case_toml += "[policy]\nkeep_registered_institution = false\n";
    let dir = tempfile::tempdir().unwrap();
    let (o, free) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    assert_eq!(institutions_of(&free), ["I2"], "routed to 株洲");
    assert_eq!(summary(&free)["travel_km"], 0.0);
}

#[test]
fn pending_suspended_revoked_and_late_filings_seat_nobody() {
    for (status, filed_on) in [
        ("pending", "2026-01-01"),
        ("suspended", "2026-01-01"),
        ("revoked", "2026-01-01"),
        ("filed", "2026-07-02"),
    ] {
        let mut t = two();
        t.filings += &format!("I2,甲职业,,4-1,{status},{filed_on}\n");
        t.add(1, 2, "株洲市", "甲职业", 3, "");
        let dir = tempfile::tempdir().unwrap();
        let (o, plan) = plan_tiny(&t, dir.path(), &[]);
        assert!(o.status.success());
        assert_eq!(institutions_of(&plan), ["I1"], "{status} {filed_on}");
    }
    // the control: filed on the quarter's first day counts
    let mut t = two();
    t.filings += "I2,甲职业,,4-1,filed,2026-07-01\n";
    t.add(1, 2, "株洲市", "甲职业", 3, "");
    let dir = tempfile::tempdir().unwrap();
    let (_, plan) = plan_tiny(&t, dir.path(), &[]);
    assert_eq!(institutions_of(&plan), ["I2"]);
}

#[test]
fn a_candidate_registered_where_the_paper_is_not_filed_is_routed_to_a_filed_institution() {
    let mut t = two();
    t.filings += "I2,乙职业,,4|3,filed,2026-01-01\n";
    // registered at I2, which is not filed for 甲职业; I1 is
    t.add(1, 2, "株洲市", "甲职业", 3, "I2");
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(&dir.path().join("case"));
    let v = run(&["validate", case.to_str().unwrap()]);
    assert!(v.status.success());
    assert!(stdout(&v).contains("2 registration(s) at I2 which is not filed for 甲职业 三级"));
    let plan = plan_ok(&case, dir.path());
    assert_eq!(institutions_of(&plan), ["I1"]);
}

#[test]
fn no_filing_and_capacity_exhausted_are_reasons_of_their_own() {
    let mut t = Tiny::default();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\nI1,甲职业,,4-1,filed,2026-01-01\n".into();
    t.add(1, 250, "长沙市", "甲职业", 3, "");
    t.add(400, 2, "长沙市", "乙职业", 3, "");
    let dir = tempfile::tempdir().unwrap();
    let (o, plan) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    let s = summary(&plan);
    assert_eq!(s["deferred_by_reason"]["capacity exhausted"], 10);
    assert_eq!(s["deferred_by_reason"]["no filed institution"], 2);
    let r = reasons(&plan);
    assert_eq!(
        r.iter()
            .filter(|x| x.starts_with("capacity_exhausted: 可到达的考点"))
            .count(),
        10
    );
    assert_eq!(
        r.iter()
            .filter(|x| x.starts_with("not_filed: ") && x.contains("乙职业 三级（高级工）"))
            .count(),
        2
    );
}

/// 300 from 株洲 for 甲 (I2 seats 240, the other 60 go to 长沙, 64 km) and 10 from 株洲 for 乙
/// (filed only in 长沙): travel 70 × 64 km against a floor of 10 × 64 km.
fn overflow_case() -> Tiny {
    let mut t = two();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\n\
                 I1,甲职业,,4-1,filed,2026-01-01\nI2,甲职业,,4-1,filed,2026-01-01\n\
                 I1,乙职业,,4|3,filed,2026-01-01\n"
        .into();
    t.add(1, 300, "株洲市", "甲职业", 3, "");
    t.add(400, 10, "株洲市", "乙职业", 3, "");
    t
}

#[test]
fn a_proven_optimum_is_optimal_and_a_plan_within_gap_is_feasible() {
    let dir = tempfile::tempdir().unwrap();
    let (o, plan) = plan_tiny(&overflow_case(), dir.path(), &[]);
    assert!(o.status.success());
    let s = summary(&plan);
    assert_eq!(s["status"], "optimal", "{s}");
    assert_eq!(s["travel_km"], 70.0 * 64.0, "{s}");
    assert_eq!(s["objectives"]["travel_km"]["proven_optimal"], true, "{s}");
    assert_eq!(s["gap"], 0.0);

    // --gap 0.9: the start (4,480 km) is within 90 % of the floor (640 km), so it stands,
    // proven within the gap but not optimal
    let dir = tempfile::tempdir().unwrap();
    let (o, plan) = plan_tiny(&overflow_case(), dir.path(), &["--gap", "0.9"]);
    assert!(o.status.success());
    let s = summary(&plan);
    assert_eq!(s["status"], "feasible");
    assert_eq!(s["settings"]["gap"], 0.9);
    assert_eq!(s["travel_km"], 4480.0);
    assert_eq!(s["bound"], 640.0);
    assert_eq!(s["gap"], 0.857143);
    assert_eq!(s["objectives"]["travel_km"]["proven_optimal"], false);
    let v = run(&[
        "verify",
        dir.path().join("case").to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert!(v.status.success());
}

#[test]
fn a_solver_stopped_by_its_time_limit_says_time_limit() {
    // a capacity-bound generated case whose MIPs are both needed (the start meets neither
    // floor) and cannot finish in a microsecond, so neither whole MIP is run, nor a round of
    // the neighbourhood search; the plan is the start's, and still valid
    let dir = tempfile::tempdir().unwrap();
    let case = generated(
        dir.path(),
        11,
        6000,
        &["--institution-scale", "0.3", "--weekends", "1"],
    );
    let out = dir.path().join("plan");
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "0.000001",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&out);
    assert_eq!(s["status"], "time_limit", "{s}");
    assert_eq!(s["settings"]["time_limit_seconds"], 0.000001);
    assert_eq!(s["settings"]["time_limit_reached"], true, "{s}");
    for (objective, by) in [
        ("deferred", "start (model too large for a whole MIP)"),
        ("travel_km", "start (model too large for a whole MIP)"),
    ] {
        let o = &s["objectives"][objective];
        assert_eq!(o["solved_by"], by, "{o}");
        assert_eq!(o["proven_optimal"], false, "{o}");
        assert!(o["bound"].as_f64().unwrap() <= o["value"].as_f64().unwrap());
    }
    let v = run(&["verify", case.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
}

#[test]
fn a_plan_replaces_an_earlier_plan_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let (o, out) = plan_tiny(&t, dir.path(), &[]);
    assert!(o.status.success());
    assert!(out.join("seats.csv").exists());
    // the same folder, now from a forecast: seats.csv of the earlier plan must go
    let mut d = Tiny::default();
    d.extra.push((
        "demand.csv".into(),
        "prefecture,occupation,work_type,level,candidates\n长沙市,甲职业,,3,5\n".into(),
    ));
    let case = d.write(&dir.path().join("forecast"));
    std::fs::remove_file(case.join("candidates.csv")).unwrap();
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !out.join("seats.csv").exists(),
        "stale seats.csv left behind"
    );
    assert_eq!(summary(&out)["candidates"], 5);
    let v = run(&["verify", case.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        left.iter().all(|n| !n.starts_with('.')),
        "staging left: {left:?}"
    );
}

#[test]
fn a_folder_holding_other_files_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let out = dir.path().join("plan");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("my notes.txt"), "keep me").unwrap();
    let (o, _) = plan_tiny(&t, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "refused before any work");
    assert!(stderr(&o).contains("has no SHA256SUMS"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("my notes.txt")).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing written"
    );
}

#[test]
fn every_segment_of_a_ticket_number() {
    let mut t = two();
    t.rooms += "I2,R2,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    // a conflict puts the second paper at the second slot
    t.add(1, 3, "株洲市", "甲职业", 3, "I2");
    let p = id("43020219900101005");
    t.candidates += &format!("X1,甲,{p},株洲市,甲职业,,2,I2\nX2,甲,{p},株洲市,乙职业,,3,I1\n");
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let rows = csv_rows(&plan.join("seats.csv"));
    for r in &rows {
        let ticket = &r["ticket_no"];
        assert_eq!(ticket.len(), 22, "{ticket}");
        let (quarter, pref, inst, slot, room, seat, version) = (
            &ticket[..5],
            &ticket[5..9],
            &ticket[9..13],
            &ticket[13..15],
            &ticket[15..17],
            &ticket[17..20],
            &ticket[20..],
        );
        assert_eq!(quarter, "20263");
        // the institution's rank among the ids I1, I2
        let (want_pref, want_inst) = if &r["institution_id"] == "I1" {
            ("4301", "0001")
        } else {
            ("4302", "0002")
        };
        assert_eq!((pref, inst), (want_pref, want_inst), "{ticket}");
        let want_slot = if &r["date"] == "2026-08-15" {
            "01"
        } else {
            "02"
        };
        assert_eq!(slot, want_slot);
        // R1 ranks first among its institution's room ids, R2 second
        assert_eq!(
            room,
            format!("{:02}", r["room_id"][1..].parse::<u32>().unwrap())
        );
        assert_eq!(seat, format!("{:03}", r["seat"].parse::<u32>().unwrap()));
        assert_eq!(version, "00", "a fresh plan is version 0");
    }
    let x1 = rows.iter().find(|r| &r["candidate_id"] == "X1").unwrap();
    let x2 = rows.iter().find(|r| &r["candidate_id"] == "X2").unwrap();
    assert_ne!(
        &x1["ticket_no"][13..15],
        &x2["ticket_no"][13..15],
        "two papers of one person, two slots"
    );
}

#[test]
fn a_case_beyond_the_ticket_widths_is_refused() {
    let mut t = Tiny::default();
    t.sessions = "date,start,end\n".into();
    for k in 0..100 {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() + chrono::Duration::days(k);
        t.sessions += &format!("{day},08:30,12:30\n");
    }
    for r in 2..=100 {
        t.rooms += &format!("I1,R{r},60,1080\n");
    }
    t.add(1, 1, "长沙市", "甲职业", 3, "I1");
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(&dir.path().join("case"));
    let o = run(&["validate", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("sessions.csv: error: 100 slots; ticket numbers have room for 99"),
        "{text}"
    );
    assert!(text.contains("institution I1 has 100 rooms"), "{text}");
    t.rooms = "institution_id,room_id,seats,camera_p\nI1,R1,1000,1080\n".into();
    let case = t.write(&dir.path().join("case2"));
    let o = run(&["validate", case.to_str().unwrap()]);
    assert!(stdout(&o).contains("rooms.csv:2: seats: error: a room of 1000 seats"));
}

#[test]
fn a_forecast_is_planned_on_counts_with_its_known_deferrals_and_travel() {
    // 300 forecast for 甲 from 长沙 (I1 seats 240 at a slot) and 10 for 乙 from 株洲 (64 km):
    // 甲 and 乙 take a slot each, 60 of 甲 wait, 乙 travels 10 × 64 km
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.extra.push((
        "demand.csv".into(),
        "prefecture,occupation,work_type,level,candidates\n长沙市,甲职业,,3,300\n株洲,乙职业,,三级,10\n".into(),
    ));
    let case = t.write(&dir.path().join("case"));
    std::fs::remove_file(case.join("candidates.csv")).unwrap();
    let plan = plan_ok(&case, dir.path());
    assert!(!plan.join("seats.csv").exists());
    let s = summary(&plan);
    assert_eq!(
        (
            s["candidates"].as_u64(),
            s["seated"].as_u64(),
            s["deferred"].as_u64()
        ),
        (Some(310), Some(250), Some(60))
    );
    assert_eq!(s["travel_km"], 640.0);
    assert_eq!(s["slots_used"], 2);
    let deferred = std::fs::read_to_string(plan.join("deferred.csv")).unwrap();
    assert_eq!(
        deferred,
        "home_prefecture,occupation_code,work_type,level,candidates,reason,reason_code\n\
         长沙市,1-01,,3,60,可到达的考点在该科目考试时段座位已满,capacity_exhausted\n"
    );
    let allocation = csv_rows(&plan.join("allocation.csv"));
    let from = |home: &str| -> u32 {
        allocation
            .iter()
            .filter(|r| &r["home_prefecture"] == home)
            .map(|r| r["candidates"].parse::<u32>().unwrap())
            .sum()
    };
    assert_eq!((from("长沙市"), from("株洲市")), (240, 10));
}

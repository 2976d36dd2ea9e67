//! Small cases with known optima, planned end to end through the command line and verified.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;

fn deferred_reasons(plan: &std::path::Path) -> Vec<String> {
    csv_rows(&plan.join("deferred.csv"))
        .iter()
        .map(|r| r["reason"].to_string())
        .collect()
}

fn slot_of(plan: &std::path::Path, candidate: &str) -> Option<(String, String)> {
    csv_rows(&plan.join("seats.csv"))
        .iter()
        .find(|r| &r["candidate_id"] == candidate)
        .map(|r| (r["date"].to_string(), r["start"].to_string()))
}

#[test]
fn a_conflict_forces_two_slots() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 5, "长沙市", "甲职业", 3, "I1");
    t.add(10, 5, "长沙市", "乙职业", 3, "I1");
    // person of C00001 also takes 乙职业
    let same = t
        .candidates
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string();
    t.candidates += &format!("C00099,考生,{same},长沙市,乙职业,,3,I1\n");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 0);
    assert_eq!(s["slots_used"], 2);
    assert_ne!(slot_of(&plan, "C00001"), slot_of(&plan, "C00099"));
}

#[test]
fn three_papers_pairwise_shared_with_two_slots_defer_one_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    let (p, q, r) = (
        id("43010219800101001"),
        id("43010219800101002"),
        id("43010219800101003"),
    );
    t.candidates += &format!(
        "C1,甲,{p},长沙市,甲职业,,3,I1\nC2,甲,{p},长沙市,乙职业,,3,I1\n\
         C3,乙,{q},长沙市,乙职业,,3,I1\nC4,乙,{q},长沙市,丙职业,,3,I1\n\
         C5,丙,{r},长沙市,甲职业,,3,I1\nC6,丙,{r},长沙市,丙职业,,3,I1\n"
    );
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 1, "{s}");
    assert_eq!(
        s["candidates"], 6,
        "a conflict deferral is still a registration"
    );
    assert_eq!(s["seated"], 5);
    assert_eq!(s["objectives"]["deferred"]["proven_optimal"], true);
    let d = csv_rows(&plan.join("deferred.csv"));
    assert_eq!(&d[0]["reason_code"], "conflict", "{d:?}");
    assert!(d[0]["reason"].starts_with("考试时间冲突"), "{d:?}");
}

#[test]
fn registrants_beyond_the_registered_institutions_seats_are_deferred() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 260, "长沙市", "甲职业", 3, "I1");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["seated"], 240);
    assert_eq!(s["deferred"], 20);
    // 260 pinned to a 240-seat institution: 20 is a proven floor, no MIP needed
    assert_eq!(s["objectives"]["deferred"]["bound"], 20.0);
    assert_eq!(
        s["objectives"]["deferred"]["solved_by"],
        "start met the bound"
    );
    let reasons = deferred_reasons(&plan);
    assert_eq!(reasons.len(), 20);
    assert!(
        reasons
            .iter()
            .all(|r| r == "报名机构 I1 在该科目考试时段已无座位"),
        "{reasons:?}"
    );
    assert!(csv_rows(&plan.join("deferred.csv"))
        .iter()
        .all(|r| &r["reason_code"] == "registered_full"));
    // the 20 deferred are the last by candidate_id
    let ids: Vec<String> = csv_rows(&plan.join("deferred.csv"))
        .iter()
        .map(|r| r["candidate_id"].to_string())
        .collect();
    assert_eq!(ids.first().unwrap(), "C00241");
}

#[test]
fn free_registrations_beyond_the_seats_of_all_slots_are_a_proven_floor() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    // 520 free registrations of three papers, one 240-seat institution, two slots: a paper
    // fills one slot's seats at most (甲 seats 240 of 260), the slots 480 in all: 40 deferred
    // whatever the timetable. Neither the pinned floor nor the clash floor sees it.
    t.add(1, 260, "长沙市", "甲职业", 3, "");
    t.add(261, 130, "长沙市", "乙职业", 3, "");
    t.add(391, 130, "长沙市", "丙职业", 3, "");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 40);
    assert_eq!(s["objectives"]["deferred"]["bound"], 40.0);
    assert_eq!(s["objectives"]["deferred"]["proven_optimal"], true);
    assert_eq!(
        s["objectives"]["deferred"]["solved_by"],
        "start met the bound"
    );
}

#[test]
fn travel_forced_by_full_seats_is_a_proven_floor() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    // 300 from 长沙 for one paper; 240 seats in 长沙, 240 in 株洲: 60 must cross, which the
    // nearest-institution floor (everyone in 长沙) does not know
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.add(1, 300, "长沙市", "甲职业", 3, "");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 0);
    assert_eq!(s["cross_prefecture"], 60);
    let km = (exam_planner::case::haversine_km(28.228, 112.939, 27.827, 113.152) * 1.3).round();
    assert_eq!(s["travel_km"].as_f64().unwrap(), km * 60.0);
    let travel = &s["objectives"]["travel_km"];
    assert_eq!(travel["proven_optimal"], true, "{travel}");
    assert_eq!(travel["solved_by"], "start met the bound", "{travel}");
    assert!(travel["bound"].as_f64().unwrap() <= km * 60.0, "{travel}");
}

#[test]
fn a_prefecture_without_a_filed_institution_travels_to_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    // a far institution in 湘西 (313 km straight ⇒ beyond 250 road km) and a near one in 长沙
    t.institutions +=
        &format!("I2,二号（虚构）,{CREDIT_OK},湘西土家族苗族自治州,企业,40,8,1500,200,\n");
    t.rooms += "I2,R1,240,1080\n";
    t.add(1, 30, "株洲市", "甲职业", 3, "");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 0);
    assert_eq!(s["cross_prefecture"], 30);
    let seats = csv_rows(&plan.join("seats.csv"));
    assert!(seats.iter().all(|r| &r["institution_id"] == "I1"));
    // 长沙–株洲 straight line × 1.3, rounded
    let km = (exam_planner::case::haversine_km(28.228, 112.939, 27.827, 113.152) * 1.3).round();
    assert_eq!(s["travel_km"].as_f64().unwrap(), km * 30.0);
    assert_eq!(s["objectives"]["travel_km"]["proven_optimal"], true);
}

#[test]
fn beyond_reach_is_deferred_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 4, "湘西土家族苗族自治州", "甲职业", 3, "");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    assert_eq!(summary(&plan)["deferred"], 4);
    assert!(deferred_reasons(&plan)
        .iter()
        .all(|r| r.contains("距居住地 250 公里内")));
    assert!(csv_rows(&plan.join("deferred.csv"))
        .iter()
        .all(|r| &r["reason_code"] == "out_of_reach"));
}

#[test]
fn the_invigilator_limit_binds_before_the_seats() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    // 15 staff at 1:15 can watch 225 of the 240 seats
    t.institutions = t.institutions.replace(",企业,40,8,", ",企业,15,8,");
    t.add(1, 240, "长沙市", "甲职业", 3, "I1");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["seated"], 225);
    assert_eq!(s["deferred"], 15);
    let rooms = csv_rows(&plan.join("rooms.csv"));
    assert_eq!(rooms.len(), 1);
    assert_eq!(&rooms[0]["invigilators"], "15");
}

#[test]
fn duplicates_seat_the_first_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    let p = id("43010219800101001");
    t.candidates += &format!("C2,甲,{p},长沙市,甲职业,,3,I1\nC1,甲,{p},长沙市,甲职业,,3,I1\n");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    assert!(slot_of(&plan, "C1").is_some());
    let d = csv_rows(&plan.join("deferred.csv"));
    assert_eq!(&d[0]["candidate_id"], "C2");
    assert_eq!(&d[0]["reason_code"], "duplicate");
    assert!(d[0]["reason"].starts_with("重复报名"), "{d:?}");
}

#[test]
fn a_paper_longer_than_every_slot_is_deferred() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.occupations = t
        .occupations
        .replace("1-02,乙职业,,4|3,,90,120", "1-02,乙职业,,4|3,,90,200");
    t.add(1, 3, "长沙市", "乙职业", 3, "I1");
    t.add(10, 3, "长沙市", "甲职业", 3, "I1");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 3);
    assert!(deferred_reasons(&plan)
        .iter()
        .all(|r| r.starts_with("本季度没有足够长的考试时段安排 乙职业 三级（高级工）")));
    assert!(csv_rows(&plan.join("deferred.csv"))
        .iter()
        .all(|r| &r["reason_code"] == "no_slot_long_enough"));
    assert_eq!(
        csv_rows(&plan.join("timetable.csv")).len(),
        1,
        "a paper with nobody seated has no sitting"
    );
}

#[test]
fn rooms_fill_largest_first_and_seats_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.rooms =
        "institution_id,room_id,seats,camera_p\nI1,R1,100,1080\nI1,R2,150,1080\nI1,R3,60,1080\n"
            .into();
    t.add(1, 180, "长沙市", "甲职业", 3, "I1");
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let rooms = csv_rows(&plan.join("rooms.csv"));
    assert_eq!(rooms.len(), 2, "two rooms suffice for 180");
    assert_eq!(&rooms[0]["room_id"], "R2");
    assert_eq!(&rooms[0]["seated"], "150");
    let seats = csv_rows(&plan.join("seats.csv"));
    let tickets: std::collections::HashSet<&str> =
        seats.iter().map(|r| r.get("ticket_no")).collect();
    assert_eq!(tickets.len(), 180);
    assert!(seats.iter().all(|r| r["ticket_no"].len() == 22
        && r["ticket_no"].starts_with("202634301")
        && r["ticket_no"].ends_with("00")));
}

#[test]
fn demand_only_plans_without_seats() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 5, 3000, &["--demand-only"]);
    let plan = plan_ok(&case, dir.path());
    assert!(!plan.join("seats.csv").exists());
    let header = std::fs::read_to_string(plan.join("deferred.csv")).unwrap();
    assert!(header.starts_with(
        "home_prefecture,occupation_code,work_type,level,candidates,reason,reason_code"
    ));
    let s = summary(&plan);
    assert_eq!(
        s["seated"].as_u64().unwrap() + s["deferred"].as_u64().unwrap(),
        s["candidates"].as_u64().unwrap()
    );
}

#[test]
fn bad_input_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    t.rooms = "institution_id,room_id,seats,camera_p\nI1,R1,many,1080\n".into();
    let case = t.write(&dir.path().join("case"));
    let out = dir.path().join("plan");
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("rooms.csv:2: seats: error"));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no staging folder left behind"
    );
}

#[test]
fn verify_catches_a_tampered_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 20, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let seats = std::fs::read_to_string(plan.join("seats.csv")).unwrap();
    // give the second candidate the first candidate's seat, drop the last row
    let mut lines: Vec<String> = seats.lines().map(str::to_string).collect();
    let first_seat = lines[1].rsplit(',').next().unwrap().to_string();
    let mut second: Vec<&str> = lines[2].split(',').collect();
    let n = second.len();
    second[n - 1] = &first_seat;
    lines[2] = second.join(",");
    lines.pop();
    std::fs::write(plan.join("seats.csv"), lines.join("\n") + "\n").unwrap();
    let o = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("rule 5 (seats): seats.csv:3: seat 1 of room R1 is also given at line 2"),
        "{out}"
    );
    assert!(
        out.contains("rule 1 (seated once or deferred): candidates.csv:21: C00020 is neither seated nor deferred"),
        "{out}"
    );
    assert!(
        out.contains("rule 5 (seats): rooms.csv:2: room R1 lists 20 seated but the plan seats 19"),
        "{out}"
    );
}

#[test]
fn a_default_plan_stops_on_counted_work_and_the_time_limit_is_an_explicit_cap() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let settings = &summary(&plan)["settings"];
    assert!(settings["time_limit_seconds"].is_null(), "{settings}");
    assert_eq!(settings["time_limit_reached"], false, "{settings}");
    assert_eq!(settings["work"]["mip_nodes"], 1000, "{settings}");
    assert_eq!(
        settings["work"]["search_simplex_iterations"], 150000,
        "{settings}"
    );
    let out = dir.path().join("plan5");
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&out)["settings"]["time_limit_seconds"], 5.0);
    assert_eq!(summary(&out)["settings"]["time_limit_reached"], false);
}

#[test]
fn verify_reports_unreadable_seat_rows_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let seats = std::fs::read_to_string(plan.join("seats.csv")).unwrap();
    let mut lines: Vec<String> = seats.lines().map(str::to_string).collect();
    // line 3 loses its last field; line 4's seat is not a number
    lines[2] = lines[2].rsplit_once(',').unwrap().0.to_string();
    lines[3] = format!("{},x", lines[3].rsplit_once(',').unwrap().0);
    std::fs::write(plan.join("seats.csv"), lines.join("\n") + "\n").unwrap();
    let o = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("rule 0 (unreadable file): seats.csv:3: cannot parse"),
        "{out}"
    );
    assert!(
        out.contains("rule 0 (unreadable file): seats.csv:4: cannot parse"),
        "{out}"
    );
    // the unreadable rows seat nobody
    assert!(out.contains("is neither seated nor deferred"), "{out}");
}

#[test]
fn the_reference_case_plans_verifies_and_is_byte_identical_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let case = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        outs.push(plan_with_threads(&case, dir.path(), threads));
    }
    let v = run(&["verify", case.to_str().unwrap(), outs[0].to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
    for f in [
        "timetable.csv",
        "allocation.csv",
        "seats.csv",
        "deferred.csv",
        "rooms.csv",
    ] {
        assert_eq!(
            std::fs::read(outs[0].join(f)).unwrap(),
            std::fs::read(outs[1].join(f)).unwrap(),
            "{f} differs"
        );
    }
    // the published figures of the reference quarter, both proven optimal (BENCHMARKS.md)
    let s = summary(&outs[0]);
    assert_eq!(s["status"], "optimal", "{s}");
    assert_eq!(s["candidates"], 20000);
    assert_eq!(s["seated"], 19501);
    assert_eq!(s["deferred"], 499);
    assert_eq!(s["travel_km"], 641633.0);
    assert_eq!(s["cross_prefecture"], 5337);
    assert_eq!(s["rooms_opened"], 336);
    assert_eq!(s["objectives"]["deferred"]["proven_optimal"], true);
    assert_eq!(s["objectives"]["travel_km"]["proven_optimal"], true);
    // every paper at exactly one slot
    let tt = csv_rows(&outs[0].join("timetable.csv"));
    let mut papers = std::collections::HashSet::new();
    for r in &tt {
        assert!(
            papers.insert((
                r["occupation_code"].to_string(),
                r["work_type"].to_string(),
                r["level"].to_string()
            )),
            "paper at two slots: {r:?}"
        );
    }
}

#[test]
fn a_clash_frees_the_seat_of_the_registration_it_defers() {
    // 200 seats per slot, 2 slots. 甲 has no single registrations, 乙 20, 丙 160; 40 persons
    // take 甲 and 乙, 10 take 甲 and 丙. Brute force over the 8 timetables: the fewest deferred
    // is 20 — 甲 with 丙 (10 clashes; 50 + 170 − 10 freed = 210, 10 over) and 乙 alone (60).
    // A model that kept a seat for every clash-deferred registration scores that timetable 30,
    // the same as 甲, then 乙 with 丙, which truly defers 30, and may pick either.
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.rooms = "institution_id,room_id,seats,camera_p\nI1,R1,200,1080\n".into();
    t.add(100, 20, "长沙市", "乙职业", 3, "");
    t.add(300, 160, "长沙市", "丙职业", 3, "");
    for k in 0..50 {
        let person = id(&format!("4301021975{k:07}"));
        let other = if k < 40 { "乙职业" } else { "丙职业" };
        t.candidates += &format!("D{k:04}a,双{k},{person},长沙市,甲职业,,3,\nD{k:04}b,双{k},{person},长沙市,{other},,3,\n");
    }
    let plan = plan_ok(&t.write(&dir.path().join("case")), dir.path());
    let s = summary(&plan);
    assert_eq!(s["deferred"], 20, "{s}");
    assert_eq!(s["objectives"]["deferred"]["proven_optimal"], true);
}

#[test]
fn compare_runs_both_models_to_the_same_known_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 260, "长沙市", "甲职业", 3, "I1");
    t.add(400, 30, "株洲市", "乙职业", 3, "");
    let case = t.write(&dir.path().join("case"));
    let o = run(&["compare", case.to_str().unwrap(), "--time-limit", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    for r in &rows {
        // 20 deferred (260 registrants, 240 seats); 30 travel 株洲 → 长沙
        assert_eq!(r[1], "20", "{out}");
        assert_eq!(r[5], "true", "{out}");
    }
    assert_eq!(rows[0][3], rows[1][3], "same least travel: {out}");

    // three papers pairwise shared by three persons, two slots: one registration must wait
    let mut t = Tiny::default();
    let (p, q, r) = (
        id("43010219800101001"),
        id("43010219800101002"),
        id("43010219800101003"),
    );
    t.add(1, 30, "长沙市", "甲职业", 3, "");
    t.candidates += &format!(
        "C1,甲,{p},长沙市,甲职业,,4,I1\nC2,甲,{p},长沙市,乙职业,,3,I1\n\
         C3,乙,{q},长沙市,乙职业,,3,I1\nC4,乙,{q},长沙市,丙职业,,3,I1\n\
         C5,丙,{r},长沙市,甲职业,,4,I1\nC6,丙,{r},长沙市,丙职业,,3,I1\n"
    );
    let case = t.write(&dir.path().join("clash"));
    let o = run(&["compare", case.to_str().unwrap(), "--time-limit", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    for r in &rows {
        assert_eq!((r[1], r[5]), ("1", "true"), "{out}");
    }
}

#[test]
fn verify_catches_a_summary_or_timetable_that_disagrees_with_the_seats() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 20, "长沙市", "甲职业", 3, "I1");
    t.add(100, 5, "长沙市", "乙职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let json = std::fs::read_to_string(plan.join("summary.json")).unwrap();
    std::fs::write(
        plan.join("summary.json"),
        json.replace("\"seated\": 25", "\"seated\": 24"),
    )
    .unwrap();
    let tt = std::fs::read_to_string(plan.join("timetable.csv")).unwrap();
    let mut lines: Vec<String> = tt.lines().map(str::to_string).collect();
    // the first paper claims one candidate more; the second paper's row disappears
    let mut first: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    let n: u32 = first[7].parse().unwrap();
    first[7] = (n + 1).to_string();
    lines[1] = first.join(",");
    lines.truncate(2);
    std::fs::write(plan.join("timetable.csv"), lines.join("\n") + "\n").unwrap();
    let o = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "rule 9 (files agree): summary.json: seated is 24 but the plan's files give 25"
        ),
        "{out}"
    );
    assert!(
        out.contains("rule 9 (files agree): summary.json: papers is 2 but the plan's files give 1"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "rule 9 (files agree): timetable.csv:2: 甲职业 三级 lists {} candidates",
            n + 1
        )),
        "{out}"
    );
    assert!(out.contains("乙职业 三级 sits at slot"), "{out}");
    assert!(out.contains("timetable.csv does not list it"), "{out}");
}

#[test]
fn a_generated_50000_registration_case_plans_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 50, 50000, &[]);
    let plan = plan_ok(&case, dir.path());
    let s = summary(&plan);
    assert_eq!(s["candidates"], 50000);
    assert_eq!(
        s["seated"].as_u64().unwrap() + s["deferred"].as_u64().unwrap(),
        50000,
        "every registration seated or deferred"
    );
    let seats = csv_rows(&plan.join("seats.csv")).len() as u64;
    assert_eq!(seats, s["seated"].as_u64().unwrap());
}

#[test]
fn verify_flags_a_room_list_naming_an_unknown_institution() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 5, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let plan = plan_ok(&case, dir.path());
    let mut rooms = std::fs::read_to_string(plan.join("rooms.csv")).unwrap();
    rooms += "2026-08-15,08:30,I99,R1,100,0,2\n";
    std::fs::write(plan.join("rooms.csv"), rooms).unwrap();
    let o = run(&["verify", case.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("rule 3 (filed and eligible): rooms.csv:3: unknown institution I99"),
        "{}",
        stdout(&o)
    );
}

/// Five papers whose shared persons form a 5-cycle, three slots: no two-slot timetable avoids
/// a clash, a three-slot one avoids them all. The planner finds none, proves it, and writes the
/// same bytes with one worker or two.
#[test]
fn a_five_cycle_of_clashes_in_three_slots_clashes_nowhere_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.sessions += "2026-08-22,08:30,12:30\n";
    let papers = [
        ("甲职业", 4),
        ("甲职业", 3),
        ("乙职业", 4),
        ("乙职业", 3),
        ("丙职业", 4),
    ];
    let cycle = [(0, 1, 3), (1, 2, 2), (2, 3, 4), (3, 4, 1), (0, 4, 2)];
    let mut n = 0;
    for (i, j, persons) in cycle {
        for _ in 0..persons {
            n += 1;
            let person = id(&format!("43010219800102{n:03}"));
            for (k, (occupation, level)) in [papers[i], papers[j]].iter().enumerate() {
                t.candidates +=
                    &format!("P{n:03}{k},双{n},{person},长沙市,{occupation},,{level},\n");
            }
        }
    }
    let case = t.write(&dir.path().join("case"));
    let mut timetables = Vec::new();
    for threads in ["1", "2"] {
        let out = plan_with_threads(&case, dir.path(), threads);
        let s = summary(&out);
        assert_eq!(s["deferred"], 0, "{s}");
        assert_eq!(s["objectives"]["deferred"]["proven_optimal"], true);
        timetables.push(std::fs::read(out.join("timetable.csv")).unwrap());
        timetables.push(std::fs::read(out.join("seats.csv")).unwrap());
    }
    assert_eq!(timetables[0], timetables[2]);
    assert_eq!(timetables[1], timetables[3]);
}

/// Plans `case` into `dir/planN` with N workers, asserting success; returns the folder.
fn plan_with_threads(
    case: &std::path::Path,
    dir: &std::path::Path,
    threads: &str,
) -> std::path::PathBuf {
    let out = dir.join(format!("plan{threads}"));
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        threads,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

//! What-if scenarios: each edit kind, invalid scenarios, determinism across threads and seeds.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

fn tiny_case(dir: &Path) -> std::path::PathBuf {
    let mut t = Tiny::default();
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,20,8,1500,200,\n");
    t.rooms += "I2,R1,200,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\n";
    t.sessions = "date,start,end\n2026-08-15,08:30,12:30\n".into();
    t.add(1, 300, "长沙市", "甲职业", 3, "");
    t.add(400, 150, "株洲市", "甲职业", 3, "");
    t.write(&dir.join("case"))
}

/// One scenarios.csv row by column name, without the timing column (runs compare equal).
type Scenario = BTreeMap<String, String>;

/// scenarios.csv's rows, in order, each by column name without `solve_seconds`.
fn results(out: &Path) -> Vec<Scenario> {
    let mut r = csv::Reader::from_path(out.join("scenarios.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|x| {
            header
                .iter()
                .cloned()
                .zip(x.unwrap().iter().map(str::to_string))
                .filter(|(h, _)| h != "solve_seconds")
                .collect()
        })
        .collect()
}

/// Writes a scenario file into `dir` and returns its path.
fn scenario_file(dir: &Path, toml: &str) -> std::path::PathBuf {
    let file = dir.join("s.toml");
    std::fs::write(&file, toml).unwrap();
    file
}

fn whatif(case: &Path, out: &Path, extra: &[&str]) -> Vec<Scenario> {
    let mut args = vec![
        "whatif",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    results(out)
}

#[test]
fn each_edit_changes_the_case_as_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    let file = scenario_file(
        dir.path(),
        r#"
[[scenario]]
name = "I1 adds a 240-seat room"
add_room = [{ institution_id = "I1", room_id = "R9", seats = 240, camera_p = 1080 }]

[[scenario]]
name = "both revoked"
remove_institution = ["I1", "I2"]

[[scenario]]
name = "unknown institution"
remove_institution = ["NOPE"]

[[scenario]]
name = "长沙 demand doubles"
scale_demand = [{ prefecture = "长沙市", factor = 2.0 }]

[[scenario]]
name = "a new institution in 长沙"
add_institution = [{ id = "NEW1", prefecture = "长沙", staff = 30,
                     rooms = [150, 150], filings = [{ occupation = "甲职业", levels = "3" }] }]

[[scenario]]
name = "a second slot"
add_session = [{ date = "2026-08-16", start = "08:30", end = "12:30" }]
"#,
    );
    let rows = whatif(
        &case,
        &dir.path().join("out"),
        &["--scenarios", file.to_str().unwrap()],
    );
    let by = |name: &str| {
        rows.iter()
            .find(|r| r["scenario"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {rows:?}"))
            .clone()
    };
    let base = by("baseline");
    assert_eq!(rows[0]["scenario"], "baseline", "baseline first");
    // capacity per slot: I1 240 seats (40 staff), I2 200 seats (20 staff ⇒ 200): 450 demand, 440 seats
    assert_eq!(base["deferred"], "10");
    assert_eq!(
        by("I1 adds a 240-seat room")["deferred"],
        "0",
        "an added room seats the shortfall"
    );
    assert_eq!(
        by("both revoked")["seated"],
        "0",
        "revoked institutions seat nobody"
    );
    assert_eq!(by("both revoked")["deferred"], "450");
    assert_eq!(by("unknown institution")["status"], "invalid");
    assert!(by("unknown institution")["reason"].contains("NOPE"));
    assert_eq!(
        by("长沙 demand doubles")["candidates"],
        "750",
        "scaled demand scales the groups"
    );
    assert_eq!(by("a new institution in 长沙")["deferred"], "0");
    // one sitting per paper: a second slot cannot split the paper, so nothing changes
    assert_eq!(by("a second slot")["deferred"], "10");
}

#[test]
fn an_added_room_never_increases_deferred_and_sweeps_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 3, 3000, &["--weekends", "1"]);
    let one = whatif(
        &case,
        &dir.path().join("t1"),
        &["--sweep", "add-room:240", "--threads", "1"],
    );
    let two = whatif(
        &case,
        &dir.path().join("t2"),
        &["--sweep", "add-room:240", "--threads", "2"],
    );
    assert_eq!(one, two);
    let base: i64 = one[0]["deferred"].parse().unwrap();
    assert!(one.len() > 10);
    for r in &one[1..] {
        assert!(r["deferred"].parse::<i64>().unwrap() <= base, "{r:?}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("t1/capacity_value.csv")).unwrap(),
        std::fs::read(dir.path().join("t2/capacity_value.csv")).unwrap()
    );
}

#[test]
fn monte_carlo_with_the_same_seed_gives_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    for name in ["a", "b"] {
        whatif(
            &case,
            &dir.path().join(name),
            &["--monte-carlo", "6", "--cv", "0.3", "--seed", "9"],
        );
    }
    let a = std::fs::read_to_string(dir.path().join("a/monte_carlo.csv")).unwrap();
    assert_eq!(
        a,
        std::fs::read_to_string(dir.path().join("b/monte_carlo.csv")).unwrap()
    );
    assert!(a.starts_with("prefecture,draws,p_any_deferred,mean_deferred,p95_deferred,"));
    assert!(a.contains("长沙市,6,"), "{a}");
}

#[test]
fn whatif_needs_something_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    let o = run(&[
        "whatif",
        case.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "whatif",
        case.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--sweep",
        "add-room:x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn monte_carlo_without_variation_reproduces_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    let rows = whatif(
        &case,
        &dir.path().join("mc"),
        &["--monte-carlo", "3", "--cv", "0", "--seed", "1"],
    );
    let baseline: f64 = rows[0]["deferred"].parse().unwrap();
    assert_eq!(baseline, 10.0);
    let mc = csv_rows(&dir.path().join("mc/monte_carlo.csv"));
    let total = |col: &str| {
        mc.iter()
            .map(|r| r[col].parse::<f64>().unwrap())
            .sum::<f64>()
    };
    assert_eq!(
        total("mean_deferred"),
        baseline,
        "mean deferred over prefectures"
    );
    assert_eq!(
        total("mean_planning_deferred"),
        baseline,
        "all of it is a capacity shortfall"
    );
}

#[test]
fn policy_edits_apply_and_bad_policy_values_make_a_scenario_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    let file = scenario_file(
        dir.path(),
        r#"
[[scenario]]
name = "short trips"
policy = { max_travel_km = 30 }

[[scenario]]
name = "slow roads"
policy = { road_factor = 4.0 }

[[scenario]]
name = "nobody invigilates"
policy = { candidates_per_invigilator = 0 }

[[scenario]]
name = "unknown key"
policy = { max_travel = 30 }
"#,
    );
    let rows = whatif(
        &case,
        &dir.path().join("out"),
        &["--scenarios", file.to_str().unwrap()],
    );
    let by = |name: &str| rows.iter().find(|r| r["scenario"] == name).unwrap().clone();
    // baseline: 长沙 300 for 240 seats at I1, 株洲 150 for 200 at I2: 50 of 长沙 travel, 10 wait
    let km = |factor: f64| {
        (exam_planner::case::haversine_km(28.228, 112.939, 27.827, 113.152) * factor).round()
    };
    assert_eq!(rows[0]["deferred"], "10");
    assert_eq!(rows[0]["travel_km"], format!("{}", 50.0 * km(1.3)));
    // nobody may cross: 长沙 defers 60, 株洲 seats all 150
    assert_eq!(
        (
            by("short trips")["deferred"].as_str(),
            by("short trips")["travel_km"].as_str()
        ),
        ("60", "0")
    );
    assert_eq!(by("slow roads")["travel_km"], format!("{}", 50.0 * km(4.0)));
    let invalid = by("nobody invigilates");
    assert_eq!(invalid["status"], "invalid");
    assert!(
        invalid["reason"].contains("candidates_per_invigilator"),
        "{invalid:?}"
    );
    assert_eq!(by("unknown key")["status"], "invalid");
}

#[test]
fn without_warm_start_the_scenarios_reach_the_same_plans() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 5, 3000, &["--weekends", "1"]);
    let warm = whatif(
        &case,
        &dir.path().join("warm"),
        &["--sweep", "add-room:120"],
    );
    let cold = whatif(
        &case,
        &dir.path().join("cold"),
        &["--sweep", "add-room:120", "--no-warm-start"],
    );
    let deferred = |rows: &[Scenario]| {
        rows.iter()
            .map(|r| r["deferred"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(deferred(&warm), deferred(&cold));
    let flag = |name: &str| {
        let s: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(name).join("summary.json")).unwrap(),
        )
        .unwrap();
        s["warm_start"].clone()
    };
    assert_eq!((flag("warm"), flag("cold")), (true.into(), false.into()));
}

#[test]
fn a_capacity_value_predicts_the_effect_of_one_more_seat() {
    let dir = tempfile::tempdir().unwrap();
    let case = tiny_case(dir.path());
    let file = scenario_file(
        dir.path(),
        r#"
[[scenario]]
name = "I1 one more seat"
add_room = [{ institution_id = "I1", room_id = "R9", seats = 1 }]

[[scenario]]
name = "I2 one more seat"
add_room = [{ institution_id = "I2", room_id = "R9", seats = 1 }]
"#,
    );
    let out = dir.path().join("out");
    let rows = whatif(&case, &out, &["--scenarios", file.to_str().unwrap()]);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let weight = s["deferred_weight"].as_f64().unwrap();
    let objective = |r: &Scenario| {
        r["travel_km"].parse::<f64>().unwrap() + weight * r["deferred"].parse::<f64>().unwrap()
    };
    let base = objective(&rows[0]);
    let values = csv_rows(&out.join("capacity_value.csv"));
    for inst in ["I1", "I2"] {
        let value: f64 = values
            .iter()
            .find(|r| &r["institution_id"] == inst)
            .unwrap()["seat_value"]
            .parse()
            .unwrap();
        let row = rows
            .iter()
            .find(|r| r["scenario"] == format!("{inst} one more seat"))
            .unwrap();
        let saved = base - objective(row);
        assert!(value > 0.0, "{inst}: seats are binding");
        assert!(
            (value - saved).abs() < 0.01,
            "{inst}: dual {value}, re-solve saves {saved}"
        );
    }
}

#[test]
fn a_delta_inside_the_gaps_is_marked_within_gap() {
    // a capacity-bound case whose MIPs stop at a microsecond: baseline and scenario both
    // carry gaps, so a "+0" says nothing about the room
    let dir = tempfile::tempdir().unwrap();
    let case = generated(
        dir.path(),
        11,
        6000,
        &["--institution-scale", "0.3", "--weekends", "1"],
    );
    let file = scenario_file(
        dir.path(),
        r#"
[[scenario]]
name = "I001 adds a 60-seat room"
add_room = [{ institution_id = "I001", room_id = "X1", seats = 60 }]
"#,
    );
    let rows = whatif(
        &case,
        &dir.path().join("out"),
        &[
            "--scenarios",
            file.to_str().unwrap(),
            "--time-limit",
            "0.000001",
        ],
    );
    assert_eq!(rows[0]["status"], "time_limit");
    let scenario = &rows[1];
    assert_eq!(scenario["status"], "time_limit");
    assert_eq!(scenario["significance"], "within_gap", "{scenario:?}");
    let bound: f64 = scenario["deferred_bound"].parse().unwrap();
    let value: f64 = scenario["deferred"].parse().unwrap();
    assert!(bound < value, "a gap to speak of: {bound} < {value}");
}

/// Runs `whatif` with `extra` arguments and environment, asserting success.
fn whatif_env(case: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) {
    let mut cmd = bin();
    cmd.args([
        "whatif",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .args(extra);
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "JOB_COMPLETION_INDEX",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
}

#[test]
fn parts_by_flag_slurm_and_kubernetes_merge_to_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 3, 3000, &["--weekends", "1"]);
    let args = [
        "--sweep",
        "add-room:120",
        "--monte-carlo",
        "4",
        "--seed",
        "5",
    ];
    whatif_env(&case, &dir.path().join("whole"), &args, &[]);
    let mut flag = args.to_vec();
    flag.extend(["--shard", "1/3"]);
    whatif_env(&case, &dir.path().join("p1"), &flag, &[]);
    whatif_env(
        &case,
        &dir.path().join("p2"),
        &args,
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ],
    );
    let mut k8s = args.to_vec();
    k8s.extend(["--shards", "3"]);
    whatif_env(
        &case,
        &dir.path().join("p3"),
        &k8s,
        &[("JOB_COMPLETION_INDEX", "2")],
    );
    let merged = dir.path().join("merged");
    let o = run(&[
        "whatif-merge",
        dir.path().join("p2").to_str().unwrap(),
        dir.path().join("p3").to_str().unwrap(),
        dir.path().join("p1").to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = dir.path().join("whole");
    for f in ["capacity_value.csv", "monte_carlo.csv", "report.html"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
    // scenarios.csv: every column but solve_seconds
    assert_eq!(results(&whole), results(&merged));
    assert!(results(&whole).len() > 10);
}

#[test]
fn parts_of_different_runs_or_missing_parts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 3, 3000, &["--weekends", "1"]);
    let part = |name: &str, shard: &str, seed: &str| {
        whatif_env(
            &case,
            &dir.path().join(name),
            &["--monte-carlo", "3", "--seed", seed, "--shard", shard],
            &[],
        );
        dir.path().join(name)
    };
    let (a, b, other_seed) = (
        part("a", "1/2", "1"),
        part("b", "2/2", "1"),
        part("c", "2/2", "9"),
    );
    let merge = |parts: &[&Path]| {
        let mut args = vec!["whatif-merge".to_string()];
        args.extend(parts.iter().map(|p| p.display().to_string()));
        args.extend(["--out".into(), dir.path().join("m").display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    };
    let o = merge(&[&a]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("part(s) 2 of 2 missing"),
        "{}",
        stderr(&o)
    );
    let o = merge(&[&a, &other_seed]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("other options"), "{}", stderr(&o));
    let o = merge(&[&a, &b, &b]);
    assert!(
        stderr(&o).contains("part 2 of 2 is given twice"),
        "{}",
        stderr(&o)
    );
    // the case changed after the parts ran
    let rooms = std::fs::read_to_string(case.join("rooms.csv")).unwrap();
    std::fs::write(case.join("rooms.csv"), rooms + "\n").unwrap();
    let o = merge(&[&a, &b]);
    assert!(
        stderr(&o).contains("is not the case the parts were run on"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("m").exists());
    // a bad part number is a usage error
    let o = run(&[
        "whatif",
        case.to_str().unwrap(),
        "--monte-carlo",
        "2",
        "--shard",
        "3/2",
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_scenario_that_only_saves_rooms_says_so_in_the_headline_the_ranking_and_the_chart() {
    // 150 candidates in two 100-seat rooms; a 200-seat room seats them all in one: nobody more
    // seated, no km saved, one room sitting fewer (10 invigilators either way: 1 per 15)
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.rooms = "institution_id,room_id,seats,camera_p\nI1,R1,100,1080\nI1,R2,100,1080\n".into();
    t.add(1, 150, "长沙市", "甲职业", 3, "");
    let case = t.write(&dir.path().join("case"));
    let file = scenario_file(
        dir.path(),
        r#"
[[scenario]]
name = "I1 adds a 200-seat room"
add_room = [{ institution_id = "I1", room_id = "R9", seats = 200, camera_p = 1080 }]
"#,
    );
    let out = dir.path().join("out");
    let rows = whatif(&case, &out, &["--scenarios", file.to_str().unwrap()]);
    let (base, room) = (&rows[0], &rows[1]);
    assert_eq!(
        (&base["deferred"], &room["deferred"]),
        (&"0".into(), &"0".into())
    );
    assert_eq!(room["delta_travel_km"], "0");
    assert_eq!(room["delta_rooms_opened"], "-1", "{room:?}");
    assert_eq!(
        (&room["invigilators"], &room["delta_invigilators"]),
        (&"10".into(), &"0".into())
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let headline = s["what_the_scenarios_say"].as_str().unwrap();
    assert!(
        headline.contains("最有帮助的情景：“I1 adds a 200-seat room”（考场场次 -1）"),
        "{headline}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("相对基准的变化：考场场次"),
        "the chart measures rooms"
    );
    assert!(
        html.contains("<td class=\"name\">考场场次 -1</td>"),
        "the ranking says it"
    );
}

//! The filing season: experts.csv, `panels` (assessment panels) and `spot-check` (双随机、一公开),
//! on hand-made cases whose answers are known, and the draw redone from README's description.

#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const EXPERTS_HEADER: &str =
    "expert_id,name,prefecture,employer,title,occupations,conflicts,max_panels\n";

/// Tiny with a second institution I2 in 株洲 and a third I3 in 湘西, both filed for 甲职业, and
/// `pending` rows (institution, occupation) appended to filings.csv.
fn season(pending: &[(&str, &str)], experts: &str) -> Tiny {
    let mut t = Tiny::default();
    t.institutions += &format!(
        "I2,二号（虚构）,{},株洲市,企业,40,8,1500,200,\nI3,三号（虚构）,{},湘西土家族苗族自治州,企业,40,8,1500,200,\n",
        credit("I2"),
        credit("I3")
    );
    t.rooms += "I2,R1,240,1080\nI3,R1,240,1080\n";
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\nI3,甲职业,,4-1,filed,2026-01-01\n";
    for (institution, occupation) in pending {
        t.filings += &format!("{institution},{occupation},,4|3,pending,2026-06-01\n");
    }
    t.extra
        .push(("experts.csv".into(), format!("{EXPERTS_HEADER}{experts}")));
    t
}

/// A valid credit code per institution (I1 keeps Tiny's).
fn credit(institution: &str) -> String {
    match institution {
        "I1" => CREDIT_OK.to_string(),
        "I2" => credit_code("91430200MA4L00002"),
        _ => credit_code("91433100MA4L00003"),
    }
}

fn credit_code(body17: &str) -> String {
    let c = exam_planner::case::checks::credit_code_check(body17).unwrap();
    format!("{body17}{c}")
}

fn rows_by(path: &Path, key: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == key), "{key} in {header:?}");
    r.records()
        .map(|rec| {
            header
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn panels(case: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "panels",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn bad_experts_rows_are_errors_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let t = season(
        &[],
        "E1,甲,长沙市,I1,副高级,甲职业,I9,2\n\
         E2,乙,长沙市,,教授,甲职业,,2\n\
         E3,丙,长沙市,,高级技师,甲职业,,2.5\n\
         E1,丁,长沙市,,高级技师,戊职业,,2\n",
    );
    let case = t.write(dir.path());
    let o = run(&["validate", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for expected in [
        "experts.csv:2: conflicts: error: unknown institution \"I9\" (not in institutions.csv)",
        "experts.csv:3: title: error: expected one of 高级技师, 技师, 正高级, 副高级, 中级, 初级, found \"教授\"",
        "experts.csv:4: max_panels: error: expected a whole number ≥ 0, found \"2.5\"",
        "experts.csv:5: occupations: error: unknown occupation \"戊职业\"",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    // a duplicate id names both lines
    let t = season(
        &[],
        "E1,甲,长沙市,,副高级,甲职业,,2\nE2,乙,长沙市,,副高级,甲职业,,2\nE1,丙,长沙市,,副高级,甲职业,,2\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(dir.path());
    let out = stdout(&run(&["validate", case.to_str().unwrap()]));
    assert!(
        out.contains("experts.csv:4: expert_id: error: duplicate expert_id E1: line 2 has it too"),
        "{out}"
    );
    // and panels refuses the case, writing nothing
    let o = panels(&case, &dir.path().join("p"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("p").exists());
}

/// I1 applies for 丙职业. The only qualified 丙职业 expert works for I1 (named by its credit code),
/// the other declared a conflict, the third is only 技师: no panel, and unassigned.csv says so.
/// I2's application for 乙职业 gets its panel, the nearest one.
#[test]
fn a_panel_the_rules_forbid_is_explained_rule_by_rule() {
    let dir = tempfile::tempdir().unwrap();
    let experts = format!(
        "E1,罗一,株洲市,{CREDIT_OK},副高级,丙职业,,3\n\
         E2,唐二,株洲市,某大学（虚构）,高级技师,丙职业|乙职业,I1,3\n\
         E3,谢三,株洲市,某大学（虚构）,技师,丙职业,,3\n\
         E4,王四,长沙市,某大学（虚构）,正高级,甲职业,,3\n\
         E5,赵五,长沙市,某大学（虚构）,副高级,甲职业,,3\n"
    );
    let case = season(&[("I1", "丙职业"), ("I2", "乙职业")], &experts).write(dir.path());
    let out = dir.path().join("panels");
    let o = panels(&case, &out, &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let unassigned = rows_by(&out.join("unassigned.csv"), "reason");
    assert_eq!(unassigned.len(), 1, "{unassigned:?}");
    assert_eq!(unassigned[0]["institution_id"], "I1");
    assert_eq!(unassigned[0]["reason_code"], "no_expert_covers");
    assert_eq!(
        unassigned[0]["reason"],
        "没有无利害关系的合格专家能评估 丙职业（E1 为该机构人员；E2 申报了利害关系；E3 为技师）"
    );
    let members = rows_by(&out.join("panels.csv"), "expert_id");
    let i2: Vec<&str> = members
        .iter()
        .filter(|r| r["institution_id"] == "I2")
        .map(|r| r["expert_id"].as_str())
        .collect();
    // E1 works for I1, not I2: it may sit there, and lives in 株洲 as I2 does
    assert_eq!(i2, ["E1", "E2"]);
    let e2 = members.iter().find(|r| r["expert_id"] == "E2").unwrap();
    assert_eq!(e2["covers"], "乙职业");
    assert_eq!(e2["travel_km"], "0.0", "E2 lives in 株洲, as I2");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["with_panel"]["value"], 1.0);
    assert_eq!(s["with_panel"]["bound"], 1.0);
    assert_eq!(s["with_panel"]["status"], "optimal");
    assert!(stdout(&o).contains("1 of 2 applicant(s) have a panel of 2"));
}

/// Two applicants for 甲职业 and 乙职业. E1 covers both but sits once; E2 covers 甲职业 only:
/// one applicant gets both occupations covered, the other only 甲职业 (3 of 4, proven), and E1
/// goes to I2, where it lives.
#[test]
fn expert_capacity_forces_the_second_best_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let experts = "E1,一,株洲市,,副高级,甲职业|乙职业,,1\n\
                   E2,二,长沙市,,高级技师,甲职业,,2\n\
                   E3,三,长沙市,,正高级,丙职业,,2\n";
    let case = season(
        &[
            ("I1", "甲职业"),
            ("I1", "乙职业"),
            ("I2", "甲职业"),
            ("I2", "乙职业"),
        ],
        experts,
    );
    // I2 already holds 甲职业 filed; its application is for the levels it lacks
    let case = case.write(dir.path());
    let out = dir.path().join("panels");
    let o = panels(&case, &out, &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["with_panel"]["value"], 2.0);
    assert_eq!(s["occupations_applied"], 4);
    assert_eq!(s["occupations_covered"]["value"], 3.0);
    assert_eq!(s["occupations_covered"]["bound"], 3.0);
    assert_eq!(s["occupations_covered"]["status"], "optimal");
    let members = rows_by(&out.join("panels.csv"), "expert_id");
    let e1: Vec<&str> = members
        .iter()
        .filter(|r| r["expert_id"] == "E1")
        .map(|r| r["institution_id"].as_str())
        .collect();
    assert_eq!(e1, ["I2"]);
    // I1's panel: E2, its only other covering expert, and E3 (I2's second member ties)
    assert_eq!(
        members
            .iter()
            .filter(|r| r["institution_id"] == "I1")
            .map(|r| r["expert_id"].as_str())
            .collect::<Vec<_>>(),
        ["E2", "E3"]
    );
}

#[test]
fn panels_needs_experts_and_a_panel_of_two() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = season(&[("I1", "乙职业")], "");
    t.extra.clear();
    let case = t.write(dir.path());
    let o = panels(&case, &dir.path().join("p"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the case has no experts.csv"),
        "{}",
        stderr(&o)
    );
    let o = panels(&case, &dir.path().join("p"), &["--panel-size", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("p").exists());
}

mod hard_rules {
    use super::*;
    use proptest::prelude::*;

    const TITLES: [&str; 6] = ["高级技师", "技师", "正高级", "副高级", "中级", "初级"];
    const OCCUPATIONS: [&str; 3] = ["甲职业", "乙职业", "丙职业"];
    const INSTITUTIONS: [(&str, &str, &str); 3] = [
        ("I1", "一号（虚构）", "长沙市"),
        ("I2", "二号（虚构）", "株洲市"),
        ("I3", "三号（虚构）", "湘西土家族苗族自治州"),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// Whatever the pool, no panel breaks a hard rule: checked here from the files, not
        /// with the planner's own rule functions.
        #[test]
        fn no_panel_ever_breaks_a_hard_rule(
            experts in proptest::collection::vec(
                (0usize..6, 0usize..3, 0usize..5, 1usize..8, 0usize..4, 0u32..4),
                2..9,
            ),
            applications in proptest::collection::vec((0usize..3, 0usize..3), 1..6),
        ) {
            let mut pool = String::new();
            for (n, &(title, home, employer, fields, conflict, max)) in experts.iter().enumerate() {
                let employer = match employer {
                    0 => INSTITUTIONS[n % 3].0.to_string(),
                    1 => credit(INSTITUTIONS[n % 3].0),
                    2 => INSTITUTIONS[n % 3].1.to_string(),
                    _ => "某大学（虚构）".to_string(),
                };
                let fields: Vec<&str> = (0..3).filter(|b| fields >> b & 1 == 1).map(|b| OCCUPATIONS[b]).collect();
                let conflict = if conflict < 3 { INSTITUTIONS[conflict].0 } else { "" };
                pool += &format!(
                    "E{n},专家{n},{},{employer},{},{},{conflict},{max}\n",
                    INSTITUTIONS[home].2, TITLES[title], fields.join("|")
                );
            }
            let mut pending: Vec<(&str, &str)> = applications
                .iter()
                .map(|&(i, o)| (INSTITUTIONS[i].0, OCCUPATIONS[o]))
                .collect();
            pending.sort();
            pending.dedup();
            let dir = tempfile::tempdir().unwrap();
            let case = season(&pending, &pool).write(dir.path());
            let out = dir.path().join("panels");
            let o = panels(&case, &out, &[]);
            prop_assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
            let experts_rows = rows_by(&case.join("experts.csv"), "expert_id");
            let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
                experts_rows.iter().map(|r| (r["expert_id"].as_str(), r)).collect();
            let members = rows_by(&out.join("panels.csv"), "expert_id");
            let mut panels: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            let mut load: BTreeMap<&str, u32> = BTreeMap::new();
            for m in &members {
                panels.entry(m["institution_id"].as_str()).or_default().push(m["expert_id"].as_str());
                *load.entry(m["expert_id"].as_str()).or_default() += 1;
            }
            for (institution, panel) in &panels {
                let (_, name, _) = INSTITUTIONS.iter().find(|i| i.0 == *institution).unwrap();
                prop_assert_eq!(panel.len(), 2);
                prop_assert_ne!(panel[0], panel[1]);
                let applied: Vec<&str> = pending.iter().filter(|p| p.0 == *institution).map(|p| p.1).collect();
                let mut covering = 0;
                for id in panel {
                    let e = by_id[id];
                    prop_assert!(["高级技师", "正高级", "副高级"].contains(&e["title"].as_str()), "{id} unqualified");
                    let employer = e["employer"].as_str();
                    prop_assert!(employer != *institution && employer != credit(institution) && employer != *name, "{id} works at {institution}");
                    prop_assert!(!e["conflicts"].split('|').any(|c| c == *institution), "{id} declared a conflict");
                    if e["occupations"].split('|').any(|o| applied.contains(&o)) {
                        covering += 1;
                    }
                }
                prop_assert!(covering >= 1, "no member of {institution}'s panel covers {applied:?}");
            }
            for (id, n) in load {
                let max: u32 = by_id[id]["max_panels"].parse().unwrap();
                prop_assert!(n <= max, "{id} sits {n} panels, max {max}");
            }
            // every applicant is either on panels.csv or explained in unassigned.csv
            let unassigned = rows_by(&out.join("unassigned.csv"), "reason");
            let mut applicants: Vec<&str> = pending.iter().map(|p| p.0).collect();
            applicants.dedup();
            prop_assert_eq!(panels.len() + unassigned.len(), applicants.len());
            for u in &unassigned {
                prop_assert!(!u["reason"].is_empty() && !panels.contains_key(u["institution_id"].as_str()));
            }
        }
    }
}

fn spot_check(
    case: &Path,
    out: &Path,
    seed: &str,
    rate: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "spot-check",
        case.to_str().unwrap(),
        "--seed",
        seed,
        "--rate",
        rate,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn spot_checks_are_byte_equal_across_runs_and_threads_and_differ_by_seed() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 11, 300, &[]);
    let draw = |name: &str, seed: &str, threads: &str| {
        let out = dir.path().join(name);
        let o = spot_check(&case, &out, seed, "0.3", &["--threads", threads]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        (
            std::fs::read(out.join("spot_checks.csv")).unwrap(),
            std::fs::read(out.join("notice.md")).unwrap(),
            std::fs::read(out.join("notice.docx")).unwrap(),
        )
    };
    let a = draw("a", "2026年9月1日 公证抽签 0417", "1");
    let b = draw("b", "2026年9月1日 公证抽签 0417", "2");
    let c = draw("c", "2026年9月1日 公证抽签 0418", "2");
    assert_eq!(a, b);
    assert_ne!(a.0, c.0, "another seed, another draw");
    let notice = String::from_utf8(a.1).unwrap();
    assert!(notice.contains("`2026年9月1日 公证抽签 0417`"));
    let institutions = std::fs::read(case.join("institutions.csv")).unwrap();
    let hash: String = <sha2::Sha256 as sha2::Digest>::digest(&institutions)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        notice.contains(&format!("| institutions.csv | `{hash}` |")),
        "{notice}"
    );
}

#[test]
fn a_tiny_rate_still_draws_one_institution_in_every_prefecture() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 12, 300, &[]);
    let out = dir.path().join("draw");
    let o = spot_check(&case, &out, "seed", "0.001", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let drawn = rows_by(&out.join("spot_checks.csv"), "prefecture");
    let prefectures: std::collections::BTreeSet<&str> =
        drawn.iter().map(|r| r["prefecture"].as_str()).collect();
    // every prefecture of the generated case has filed, eligible institutions
    assert_eq!(prefectures.len(), 14, "{prefectures:?}");
    assert_eq!(drawn.len(), 14, "one each, no more");
    for r in &drawn {
        assert_eq!(r["inspector_ids"].split('|').count(), 2, "{r:?}");
    }
    // bad rates are usage errors
    for bad in ["0", "1.5", "ten"] {
        let o = spot_check(&case, &dir.path().join("x"), "seed", bad, &[]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}

/// README's description of the draw, done again here with another ChaCha20 implementation
/// (RustCrypto's, the original 64-bit-nonce construction), must pick what spot-check picked.
#[test]
fn the_draw_can_be_redone_by_hand_from_readme() {
    use chacha20::cipher::{KeyIvInit, StreamCipher};
    // six institutions, all eligible and filed, in three prefectures; ids given out of order
    let mut t = Tiny::default();
    t.institutions = "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n".into();
    t.rooms = "institution_id,room_id,seats,camera_p\n".into();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\n".into();
    let places = [
        ("K7", "长沙市"),
        ("A2", "长沙市"),
        ("M1", "株洲市"),
        ("B9", "长沙市"),
        ("Z3", "湘西土家族苗族自治州"),
        ("C4", "株洲市"),
    ];
    for (n, (id, pref)) in places.iter().enumerate() {
        let code = credit_code(&format!("914301007{n:08}"));
        t.institutions += &format!("{id},机构{id}（虚构）,{code},{pref},企业,40,8,1500,200,\n");
        t.rooms += &format!("{id},R1,240,1080\n");
        t.filings += &format!("{id},甲职业,,4-1,filed,2026-01-01\n");
    }
    let mut experts = String::from(EXPERTS_HEADER);
    for (n, home) in [
        "长沙市",
        "株洲市",
        "湘西土家族苗族自治州",
        "长沙市",
        "株洲市",
        "长沙市",
        "湘西土家族苗族自治州",
    ]
    .iter()
    .enumerate()
    {
        let conflict = if n == 2 { "M1" } else { "" };
        experts += &format!("X{},专家{n},{home},,副高级,甲职业,{conflict},5\n", 7 - n);
    }
    t.extra.push(("experts.csv".into(), experts.clone()));
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(dir.path());
    let seed = "湖南 2026 第三季度 抽查";
    let out = dir.path().join("draw");
    let o = spot_check(&case, &out, seed, "0.5", &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));

    // the stream: ChaCha20 keyed by SHA-256 of the seed text, nonce 0, read as little-endian u64s
    let key: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(seed.as_bytes()).into();
    let mut cipher = chacha20::ChaCha20Legacy::new(&key.into(), &[0u8; 8].into());
    let mut next = || {
        let mut word = [0u8; 8];
        cipher.apply_keystream(&mut word);
        u64::from_le_bytes(word)
    };
    let mut shuffle = |items: &mut Vec<&str>| {
        for i in (1..items.len()).rev() {
            let j = ((u128::from(next()) * (i as u128 + 1)) >> 64) as usize;
            items.swap(i, j);
        }
    };
    let prefecture_of = |id: &str| places.iter().find(|p| p.0 == id).unwrap().1;
    let code_of = |pref: &str| match pref {
        "长沙市" => "4301",
        "株洲市" => "4302",
        _ => "4331",
    };
    // institutions sorted by id, shuffled; ⌈0.5 × 6⌉ = 3; first of each prefecture by code, then fill
    let mut order: Vec<&str> = places.iter().map(|p| p.0).collect();
    order.sort();
    shuffle(&mut order);
    let mut drawn: Vec<&str> = Vec::new();
    for pref in ["4301", "4302", "4331"] {
        drawn.push(
            *order
                .iter()
                .find(|id| code_of(prefecture_of(id)) == pref)
                .unwrap(),
        );
    }
    for id in &order {
        if drawn.len() >= 3 {
            break;
        }
        if !drawn.contains(id) {
            drawn.push(id);
        }
    }
    drawn.sort_by_key(|id| (code_of(prefecture_of(id)), *id));
    // experts sorted by id, shuffled; each institution takes the two who may go with the fewest
    // inspections so far, ties in shuffled order
    let header: Vec<&str> = experts.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id_col, prefecture_col, conflicts_col) = (
        column("expert_id"),
        column("prefecture"),
        column("conflicts"),
    );
    let expert_rows: Vec<Vec<String>> = experts
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut roster: Vec<&str> = expert_rows.iter().map(|r| r[id_col].as_str()).collect();
    roster.sort();
    shuffle(&mut roster);
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    let mut expected = Vec::new();
    for id in &drawn {
        let mut may_go: Vec<&str> = roster
            .iter()
            .copied()
            .filter(|x| {
                let r = expert_rows.iter().find(|r| r[id_col] == *x).unwrap();
                r[prefecture_col] != prefecture_of(id) && r[conflicts_col] != *id
            })
            .collect();
        may_go.sort_by_key(|x| times.get(x).copied().unwrap_or(0));
        let two: Vec<&str> = may_go.into_iter().take(2).collect();
        for x in &two {
            *times.entry(x).or_default() += 1;
        }
        expected.push(format!("{id}:{}", two.join("|")));
    }
    let got: Vec<String> = rows_by(&out.join("spot_checks.csv"), "inspector_ids")
        .iter()
        .map(|r| format!("{}:{}", r["institution_id"], r["inspector_ids"]))
        .collect();
    assert_eq!(got, expected);
}

/// More inspections than experts who may go: nobody inspects twice while an eligible expert
/// has not inspected, and every repeat is listed in notice.md and counted on the console.
#[test]
fn too_few_inspectors_are_reused_evenly_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let experts = "E1,一,长沙市,,副高级,甲职业,,9\n\
                   E2,二,株洲市,,副高级,甲职业,,9\n\
                   E3,三,湘西土家族苗族自治州,,副高级,甲职业,,9\n";
    let case = season(&[], experts).write(dir.path());
    let out = dir.path().join("draw");
    // every institution: I1 (长沙) may take E2, E3; I2 (株洲) E1, E3; I3 (湘西) E1, E2
    let o = spot_check(&case, &out, "seed", "1", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let drawn = rows_by(&out.join("spot_checks.csv"), "inspector_ids");
    assert_eq!(drawn.len(), 3);
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for r in &drawn {
        for e in r["inspector_ids"].split('|') {
            *times.entry(e.to_string()).or_default() += 1;
        }
    }
    assert_eq!(
        times.values().collect::<Vec<_>>(),
        [&2, &2, &2],
        "{times:?}"
    );
    let notice = std::fs::read_to_string(out.join("notice.md")).unwrap();
    assert_eq!(notice.matches("第 2 次参加本次检查").count(), 3, "{notice}");
    assert!(
        stderr(&o).contains("3 inspection(s) go to experts who inspect more than once"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_notice_is_a_word_document_holding_the_list_the_seed_and_the_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 11, 300, &[]);
    let out = dir.path().join("spot");
    let seed = "2026年9月1日 公证抽签 0417";
    let o = spot_check(&case, &out, seed, "0.3", &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // opened as Word opens it: a zip package whose main part is word/document.xml
    let file = std::fs::File::open(out.join("notice.docx")).unwrap();
    let mut docx = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut docx.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );
    assert!(xml.contains("“双随机、一公开”抽查名单"), "the title");
    assert!(xml.contains(seed), "the seed");
    let drawn = csv_rows(&out.join("spot_checks.csv"));
    assert!(!drawn.is_empty());
    for r in &drawn {
        for field in ["institution_id", "institution", "prefecture"] {
            assert!(
                xml.contains(&r[field]),
                "{field} {} in the notice",
                &r[field]
            );
        }
    }
    let institutions = std::fs::read(case.join("institutions.csv")).unwrap();
    let hash: String = <sha2::Sha256 as sha2::Digest>::digest(&institutions)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(xml.contains(&hash), "institutions.csv's SHA-256");
}

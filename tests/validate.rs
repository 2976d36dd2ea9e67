//! Each validation rule, fed a bad file: the message and the line it names.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;

fn validate(t: &Tiny) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let case = t.write(dir.path());
    let o = run(&["validate", case.to_str().unwrap()]);
    (o.status.success(), stdout(&o))
}

fn base() -> Tiny {
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    t
}

#[test]
fn the_tiny_case_is_valid() {
    let (ok, out) = validate(&base());
    assert!(ok, "{out}");
    assert!(out.contains("0 error(s)"), "{out}");
}

#[test]
fn missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let case = base().write(dir.path());
    std::fs::remove_file(case.join("rooms.csv")).unwrap();
    let o = run(&["validate", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("rooms.csv: error: cannot read"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn missing_column_names_the_column_at_line_1() {
    let mut t = base();
    t.rooms = "institution_id,room_id,camera_p\nI1,R1,1080\n".into();
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(
        out.contains("rooms.csv:1: seats: error: required column is missing"),
        "{out}"
    );
}

#[test]
fn bad_number_and_zero_seats() {
    let mut t = base();
    t.rooms =
        "institution_id,room_id,seats,camera_p\nI1,R1,abc,1080\nI1,R2,0,1080\nI1,R3,-5,1080\n"
            .into();
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(
        out.contains("rooms.csv:2: seats: error: expected a whole number of seats, found \"abc\""),
        "{out}"
    );
    assert!(
        out.contains("rooms.csv:3: seats: error: seats must be positive, found 0"),
        "{out}"
    );
    assert!(
        out.contains("rooms.csv:4: seats: error: seats must be positive, found -5"),
        "{out}"
    );
}

#[test]
fn unknown_references() {
    let mut t = base();
    t.candidates += &format!("C90001,x,{},火星市,甲职业,,3,\n", id("43010219900101901"));
    t.candidates += &format!(
        "C90002,x,{},长沙市,不存在职业,,3,\n",
        id("43010219900101902")
    );
    t.candidates += &format!("C90003,x,{},长沙市,甲职业,,9,\n", id("43010219900101903"));
    t.candidates += &format!("C90004,x,{},长沙市,乙职业,,1,\n", id("43010219900101904"));
    t.candidates += &format!(
        "C90005,x,{},长沙市,甲职业,,3,I99\n",
        id("43010219900101905")
    );
    t.rooms += "I77,R1,100,1080\n";
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(
        out.contains("candidates.csv:5: prefecture: error: unknown prefecture \"火星市\""),
        "{out}"
    );
    assert!(
        out.contains("candidates.csv:6: occupation: error: unknown occupation \"不存在职业\""),
        "{out}"
    );
    assert!(
        out.contains("candidates.csv:7: level: error: expected a level 1-5"),
        "{out}"
    );
    assert!(
        out.contains(
            "candidates.csv:8: level: error: 乙职业 defines levels 4|3; level 1 is not one of them"
        ),
        "{out}"
    );
    assert!(
        out.contains("candidates.csv:9: institution_id: error: unknown institution \"I99\""),
        "{out}"
    );
    assert!(
        out.contains("rooms.csv:3: institution_id: error: unknown institution \"I77\""),
        "{out}"
    );
}

#[test]
fn duplicate_ids() {
    let mut t = base();
    t.institutions += &format!("I1,重复（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n");
    t.candidates += &format!("C00001,x,{},长沙市,甲职业,,3,\n", id("43010219900101999"));
    t.rooms += "I1,R1,100,1080\n";
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(
        out.contains("institutions.csv:3: id: error: duplicate institution id I1"),
        "{out}"
    );
    assert!(out.contains("candidates.csv:5: candidate_id: error: duplicate candidate_id C00001 (first at line 2)"), "{out}");
    assert!(
        out.contains("rooms.csv:3: room_id: error: duplicate room R1"),
        "{out}"
    );
}

#[test]
fn session_times() {
    let mut t = base();
    t.sessions =
        "date,start,end\n2026-08-15,12:00,08:30\n2026-13-01,08:30,12:30\n2026-08-16,8h,12:30\n"
            .into();
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(
        out.contains(
            "sessions.csv:2: end: error: the session ends (08:30) before it starts (12:00)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "sessions.csv:3: date: error: expected a date YYYY-MM-DD, found \"2026-13-01\""
        ),
        "{out}"
    );
    assert!(
        out.contains("sessions.csv:4: start: error: expected a time HH:MM, found \"8h\""),
        "{out}"
    );
}

#[test]
fn check_characters() {
    let mut t = base();
    t.candidates += "C90001,x,110105194912310021,长沙市,甲职业,,3,\n";
    t.institutions += "I2,二号（虚构）,91350100M000100Y44,长沙市,企业,40,8,1500,200,\n";
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(out.contains("candidates.csv:5: id_number: error: resident ID \"110105********0021\" has check character 1, expected X"), "{out}");
    assert!(
        !out.contains("110105194912310021"),
        "an ID number in full: {out}"
    );
    assert!(out.contains("institutions.csv:3: credit_code: error: credit code \"91350100M000100Y44\" has check character 4, expected 3"), "{out}");
}

#[test]
fn filing_status_outside_the_four() {
    let mut t = base();
    t.filings += "I1,甲职业,,3,approved,2026-01-01\n";
    let (ok, out) = validate(&t);
    assert!(!ok);
    assert!(out.contains("filings.csv:5: status: error: expected filed, pending, suspended or revoked, found \"approved\""), "{out}");
}

#[test]
fn bom_names_levels_and_renames_are_accepted() {
    let mut t = base();
    t.candidates = format!("\u{feff}{}", t.candidates);
    t.candidates += &format!(
        "C90001,x,{},长沙,旧甲职业,,高级工,I1\n",
        id("43010219900101901")
    );
    t.candidates += &format!("C90002,x,{},4301,1-01,,三级,I1\n", id("43010219900101902"));
    let (ok, out) = validate(&t);
    assert!(ok, "{out}");
    assert!(out.contains("candidates.csv:5: occupation: warning: 旧甲职业 is a former name or code of 1-01 甲职业"), "{out}");
}

#[test]
fn warnings_for_holidays_unfiled_registrations_long_papers_and_unfiled_occupations() {
    let mut t = base();
    t.extra
        .push(("holidays.csv".into(), "date,kind\n2026-08-15,off\n".into()));
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\nI1,甲职业,,4-1,filed,2026-01-01\n".into();
    t.candidates += &format!("C90001,x,{},长沙市,乙职业,,3,I1\n", id("43010219900101901"));
    t.occupations = t
        .occupations
        .replace("1-03,丙职业,,4|3,,90,120", "1-03,丙职业,,4|3,,90,200");
    t.candidates += &format!("C90002,x,{},长沙市,丙职业,,3,\n", id("43010219900101902"));
    let (ok, out) = validate(&t);
    assert!(ok, "warnings only: {out}");
    assert!(
        out.contains(
            "sessions.csv: date: warning: the slot 2026-08-15 08:30 falls on a public holiday"
        ),
        "{out}"
    );
    assert!(out.contains("candidates.csv:5: institution_id: warning: 1 registration(s) at I1 which is not filed for 乙职业 三级"), "{out}");
    assert!(
        out.contains("candidates.csv:6: occupation: warning: 丙职业 三级 needs 290 minutes"),
        "{out}"
    );
    assert!(out.contains("candidates.csv:5: occupation: warning: no eligible institution in the province is filed for 乙职业 三级"), "{out}");
}

#[test]
fn duplicate_registration_is_a_warning() {
    let mut t = base();
    let same = id("43010219900101901");
    t.candidates +=
        &format!("C90001,x,{same},长沙市,甲职业,,3,\nC90002,x,{same},长沙市,甲职业,,3,\n");
    let (ok, out) = validate(&t);
    assert!(ok, "{out}");
    assert!(out.contains("candidates.csv:6: id_number: warning: C90002 is registered twice for the same paper (also C90001 at line 5)"), "{out}");
}

#[test]
fn generated_cases_validate() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 7, 3000, &[]);
    let o = run(&["validate", case.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.ends_with(": 0 error(s), 32 warning(s)\n"), "{out}");
    // the gaps the generator plants are reported, each where it first shows
    assert!(out.contains("no eligible institution in the province is filed for 会展设计师"));
    assert!(
        out.contains("C0000677 is registered twice for the same paper (also C0000676 at line 677)")
    );
    assert!(out.contains("which is not filed for"));
}

#[test]
fn generate_is_byte_identical_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        let out = dir.path().join(name);
        assert!(run(&[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "11",
            "--candidates",
            "2000"
        ])
        .status
        .success());
    }
    // every file the generator writes, whatever it writes
    let listing = |name: &str| {
        let mut files: Vec<String> = std::fs::read_dir(dir.path().join(name))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        files.sort();
        files
    };
    let files = listing("a");
    assert_eq!(files, listing("b"));
    for f in [
        "candidates.csv",
        "case.toml",
        "experts.csv",
        "filings.csv",
        "institutions.csv",
        "materials.csv",
        "rooms.csv",
        "sessions.csv",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} not written: {files:?}");
    }
    for f in &files {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(f)).unwrap(),
            std::fs::read(dir.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn bad_arguments_exit_2() {
    let o = run(&["plan"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "generate",
        "--out",
        "/tmp/x",
        "--seed",
        "1",
        "--candidates",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
    for (flag, value) in [
        ("--registered-share", "1.5"),
        ("--two-paper-share", "-0.1"),
        ("--filings-per-occupation", "0"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("g");
        let knob = format!("{flag}={value}");
        let o = run(&[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "1",
            "--candidates",
            "10",
            &knob,
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(flag),
            "{flag}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.exists(), "{flag}: nothing may be written");
    }
}

#[test]
fn every_command_explains_every_argument_and_shows_an_example() {
    let commands = [
        "validate",
        "vet",
        "plan",
        "verify",
        "replan",
        "whatif",
        "whatif-merge",
        "compare",
        "panels",
        "spot-check",
        "to-xlsx",
        "generate",
        "attendance",
    ];
    for command in commands {
        let o = run(&[command, "--help"]);
        assert!(o.status.success(), "{command}");
        let help = stdout(&o);
        assert!(
            help.contains("Example:\n  exam-planner ")
                || help.contains("Examples:\n  exam-planner "),
            "{command} shows no worked example:\n{help}"
        );
        // every argument and option line has its words: on the line (short help) or on the
        // next, indented further (clap's long layout)
        let lines: Vec<&str> = help.lines().collect();
        let mut section = "";
        for (k, line) in lines.iter().enumerate() {
            if line.ends_with(':') && !line.starts_with(' ') {
                section = line;
                continue;
            }
            let item = line.trim_start();
            if !(section == "Arguments:" || section == "Options:")
                || !(item.starts_with('<') || item.starts_with('-'))
            {
                continue;
            }
            let on_line = item.split("  ").filter(|p| !p.trim().is_empty()).count() > 1;
            let below = lines.get(k + 1).is_some_and(|next| {
                next.len() - next.trim_start().len() > line.len() - item.len()
                    && !next.trim().is_empty()
            });
            assert!(
                on_line || below,
                "{command}: {item:?} is not explained:\n{help}"
            );
        }
    }
}

#[test]
fn staff_and_supervisors_are_read_like_every_case_table() {
    let good = id("43010219800101001");
    let other = id("43010219800101002");
    let mut t = base();
    t.extra.push((
        "staff.csv".into(),
        format!(
            "staff_id,name,id_number,institution_id,role,max_slots,unavailable,conflicts\n\
             S1,监考甲,{good},I1,监考,4,2026-08-16 08:30,{other}\n\
             S2,主考乙,{other},I1,主考,2,,\n"
        ),
    ));
    t.extra.push((
        "supervisors.csv".into(),
        "supervisor_id,name,prefecture,employer,max_slots\nV1,督导丙,株洲市,湖南某大学,3\n".into(),
    ));
    let (ok, out) = validate(&t);
    assert!(ok, "{out}");

    let mut bad = base();
    bad.extra.push((
        "staff.csv".into(),
        format!(
            "staff_id,name,id_number,institution_id,role,max_slots,unavailable,conflicts\n\
             S1,甲,{good},I9,监考,4,,\n\
             S2,乙,{other},I1,考务,4,,\n\
             S3,丙,{good},I1,巡考,4,2026-09-01 08:30,\n\
             S4,丁,{good},I1,监考,4,,430102198001010010\n"
        ),
    ));
    bad.extra.push((
        "supervisors.csv".into(),
        "supervisor_id,name,prefecture,employer,max_slots\nV1,戊,火星市,,3\n".into(),
    ));
    let (ok, out) = validate(&bad);
    assert!(!ok, "{out}");
    for (line, column, says) in [
        ("staff.csv:2", "institution_id", "I9"),
        ("staff.csv:3", "role", "监考, 主考, 巡考"),
        ("staff.csv:4", "unavailable", "is not a session"),
        ("staff.csv:5", "conflicts", ""),
        ("supervisors.csv:2", "prefecture", "火星市"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{line}: {column}: error")) && l.contains(says)),
            "{line} {column}: {out}"
        );
    }
    // ID numbers in messages are masked
    assert!(!out.contains("430102198001010010"), "{out}");
}

//! What Excel writes, read as an official would hand it in: CSV with any line end, GB18030
//! CSV, xlsx with typed cells; and output piped into `head`.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan")
}

fn validate(case: &Path) -> (Option<i32>, String) {
    let o = run(&["validate", case.to_str().unwrap()]);
    (o.status.code(), stdout(&o))
}

/// Rewrites every line end of every .csv file of `case` as `end`.
fn with_line_ends(case: &Path, end: &str) {
    for entry in std::fs::read_dir(case).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace('\n', end)).unwrap();
        }
    }
}

#[test]
fn diagnostics_name_the_same_physical_line_for_lf_crlf_and_cr_files() {
    let mut t = Tiny::default();
    // I2's name spans two physical lines (3 and 4), so I3 with the bad staff count is line 5
    t.institutions += &format!(
        "I2,\"二号\n（虚构）\",{CREDIT_OK},长沙市,企业,40,8,1500,200,\n\
         I3,三号（虚构）,{CREDIT_OK},长沙市,企业,many,8,1500,200,\n"
    );
    t.rooms += "I2,R1,abc,1080\n";
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    t.candidates += "C99999,坏,123,长沙市,甲职业,,3,I1\n";
    let mut outputs = Vec::new();
    for (name, end) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let dir = tempfile::tempdir().unwrap();
        let case = t.write(&dir.path().join(name));
        with_line_ends(&case, end);
        let (code, out) = validate(&case);
        assert_eq!(code, Some(1), "{name}: {out}");
        for expected in [
            "institutions.csv:5: staff: error: expected a whole number",
            "rooms.csv:3: seats: error: expected a whole number of seats",
            "candidates.csv:5: id_number: error: expected an 18-character resident ID",
        ] {
            assert!(out.contains(expected), "{name}: no {expected:?} in\n{out}");
        }
        outputs.push(out.replace(case.to_str().unwrap(), "CASE"));
    }
    assert_eq!(outputs[0], outputs[1], "CRLF");
    assert_eq!(outputs[0], outputs[2], "CR");
}

/// Plans `case` into `dir/NAME` and returns seats.csv's bytes.
fn seats_of(case: &Path, dir: &Path, name: &str) -> Vec<u8> {
    let out = dir.join(name);
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{name}: {}\n{}", stdout(&o), stderr(&o));
    std::fs::read(out.join("seats.csv")).unwrap()
}

#[test]
fn a_gb18030_copy_of_the_reference_case_plans_to_the_same_seats() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("gb");
    std::fs::create_dir(&case).unwrap();
    let mut re_encoded = 0;
    for entry in std::fs::read_dir(reference()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if name.ends_with(".csv") {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
            assert!(!unmappable);
            if std::str::from_utf8(&bytes).is_err() {
                re_encoded += 1;
            }
            std::fs::write(case.join(&name), bytes).unwrap();
        } else {
            std::fs::write(case.join(&name), text).unwrap();
        }
    }
    assert!(re_encoded >= 5);
    let (code, out) = validate(&case);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out.matches("warning: read as GB18030").count(),
        re_encoded,
        "one warning per file: {out}"
    );
    assert!(out.contains("candidates.csv: warning: read as GB18030"));
    assert_eq!(
        seats_of(&case, dir.path(), "gb-plan"),
        seats_of(&reference(), dir.path(), "utf8-plan")
    );
}

#[test]
fn a_file_neither_utf8_nor_gb18030_is_one_error_naming_its_first_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let mut bytes = std::fs::read(case.join("candidates.csv")).unwrap();
    let third = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    bytes.splice(third + 1..third + 1, [0xFF, 0xFF, 0xFF]);
    std::fs::write(case.join("candidates.csv"), bytes).unwrap();
    let (code, out) = validate(&case);
    assert_eq!(code, Some(1));
    let errors: Vec<&str> = out.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(
        errors,
        ["candidates.csv:3: error: the line is neither UTF-8 nor GB18030: save the file as \"CSV UTF-8\""]
    );
}

/// `exam-planner to-xlsx CASE --out DIR`: the case with every table as a typed workbook.
fn to_xlsx(case: &Path, out: &Path) -> PathBuf {
    let o = run(&[
        "to-xlsx",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    out.to_path_buf()
}

/// Rewrites candidates.xlsx of `case` as a user who let Excel type the ID numbers: every
/// cell as text but `id_number`, stored as a number.
fn ids_as_numbers(case: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let mut reader = csv::Reader::from_path(reference().join("candidates.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, record) in reader.records().enumerate() {
        for (c, value) in record.unwrap().iter().enumerate() {
            let (row, col) = (r as u32 + 1, c as u16);
            match value.parse::<f64>() {
                Ok(n) if header[c] == "id_number" => sheet.write_number(row, col, n).unwrap(),
                _ => sheet.write_string(row, col, value).unwrap(),
            };
        }
    }
    book.save(case.join("candidates.xlsx")).unwrap();
}

#[test]
fn an_xlsx_copy_of_the_reference_case_plans_to_the_same_seats() {
    let dir = tempfile::tempdir().unwrap();
    let case = to_xlsx(&reference(), &dir.path().join("xlsx"));
    assert!(!case.join("candidates.csv").exists());
    assert!(case.join("candidates.xlsx").exists());
    let (code, out) = validate(&case);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        seats_of(&case, dir.path(), "xlsx-plan"),
        seats_of(&reference(), dir.path(), "csv-plan")
    );
}

#[test]
fn ids_that_excel_stored_as_numbers_are_refused_at_their_cell() {
    let dir = tempfile::tempdir().unwrap();
    let case = to_xlsx(&reference(), &dir.path().join("xlsx"));
    ids_as_numbers(&case);
    let (code, out) = validate(&case);
    assert_eq!(code, Some(1));
    // id_number is column C; the first registration is sheet row 2
    let first = out.lines().find(|l| l.contains("id_number")).unwrap();
    assert!(
        first.starts_with("candidates.xlsx:2: id_number (C2): error: Excel stored "),
        "{first}"
    );
    assert!(first.contains("format the column as Text and paste the values again"));
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        dir.path().join("p").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("p").exists());
}

#[test]
fn a_table_as_csv_and_xlsx_side_by_side_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    t.add(1, 3, "长沙市", "甲职业", 3, "I1");
    let case = t.write(&dir.path().join("case"));
    let sheets = to_xlsx(&case, &dir.path().join("sheets"));
    std::fs::copy(sheets.join("rooms.xlsx"), case.join("rooms.xlsx")).unwrap();
    let (code, out) = validate(&case);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("rooms.xlsx: error: rooms.csv and rooms.xlsx are both in the case folder"),
        "{out}"
    );
    // alone, the xlsx is read, with sheet positions in its diagnostics
    std::fs::remove_file(case.join("rooms.csv")).unwrap();
    let (code, out) = validate(&case);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn output_piped_into_head_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tiny::default();
    for k in 0..3000 {
        t.candidates += &format!("B{k:05},坏,123,长沙市,甲职业,,3,I1\n");
    }
    let case = t.write(&dir.path().join("case"));
    let mut child = bin()
        .args(["validate", case.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // the reader is gone: the next write meets a closed pipe
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("candidates.csv:2:"), "{first}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    // README: the command ends with the exit code it would have had (errors: 1)
    assert_eq!(out.status.code(), Some(1), "{:?}", out.status);
}

/// The filing season read from workbooks: experts.xlsx and materials.xlsx give the same panels
/// and the same spot-check draw as the CSV files.
#[test]
fn an_xlsx_copy_of_the_reference_case_gives_the_same_panels_and_draw() {
    let dir = tempfile::tempdir().unwrap();
    let case = to_xlsx(&reference(), &dir.path().join("xlsx"));
    assert!(case.join("experts.xlsx").exists() && case.join("materials.xlsx").exists());
    let files = |case: &Path, name: &str| {
        let panels = dir.path().join(format!("{name}-panels"));
        let o = run(&[
            "panels",
            case.to_str().unwrap(),
            "--out",
            panels.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let draw = dir.path().join(format!("{name}-draw"));
        let o = run(&[
            "spot-check",
            case.to_str().unwrap(),
            "--seed",
            "2026-09-01",
            "--rate",
            "0.1",
            "--out",
            draw.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        [
            std::fs::read(panels.join("panels.csv")).unwrap(),
            std::fs::read(panels.join("unassigned.csv")).unwrap(),
            std::fs::read(draw.join("spot_checks.csv")).unwrap(),
        ]
    };
    assert_eq!(files(&case, "xlsx"), files(&reference(), "csv"));
}

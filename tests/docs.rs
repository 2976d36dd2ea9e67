//! docs/ stays true: every column and key the reference lists is the one the program reads
//! (case tables) or writes (every output file, read back from a real run), in the same order,
//! and every file the tests produce is documented.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Each `### heading` of a page with the first column of the table under it (backticks
/// removed), for tables headed `| column |` or `| key |`.
fn documented(page: &str) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(page),
    )
    .unwrap();
    let mut out = BTreeMap::new();
    let mut heading: Option<String> = None;
    let mut in_table = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            heading = Some(h.trim().to_string());
            in_table = false;
            continue;
        }
        if line.starts_with("## ") {
            heading = None;
            continue;
        }
        let Some(h) = &heading else { continue };
        if line.starts_with("| column |") || line.starts_with("| key |") {
            in_table = true;
            out.insert(h.clone(), Vec::new());
            continue;
        }
        if in_table {
            if line.starts_with("| ---") {
                continue;
            }
            match line.strip_prefix("| ") {
                Some(row) => {
                    let cell = row.split(" | ").next().unwrap().trim().trim_matches('`');
                    out.get_mut(h).unwrap().push(cell.to_string());
                }
                None => in_table = false,
            }
        }
    }
    out
}

#[test]
fn every_case_table_is_documented_with_the_columns_the_reader_takes() {
    let docs = documented("case-files.md");
    let mut seen = Vec::new();
    for (heading, columns) in &docs {
        let file = heading.split('`').nth(1).unwrap_or(heading);
        let table = file
            .strip_suffix(".csv")
            .unwrap_or_else(|| panic!("{heading}"));
        let read = exam_planner::case::columns::of(table)
            .unwrap_or_else(|| panic!("docs list {table}, which no case holds"));
        assert_eq!(columns, read, "docs/case-files.md, {heading}");
        seen.push(table.to_string());
    }
    for table in exam_planner::case::columns::TABLES {
        assert!(
            seen.iter().any(|t| t == table),
            "{table} is not in docs/case-files.md"
        );
    }
}

fn header(path: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.headers().unwrap().iter().map(str::to_string).collect()
}

fn keys(path: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v.as_object().unwrap().keys().cloned().collect()
}

fn ok(args: &[&str]) {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

#[test]
fn every_output_file_is_documented_with_the_columns_it_is_written_with() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let s = |name: &str| d(name).to_str().unwrap().to_string();
    let case = generated(dir.path(), 4, 3000, &["--weekends", "1"]);
    let case = case.to_str().unwrap();
    ok(&["plan", case, "--out", &s("plan")]);
    // a replan after withdrawing every tenth registration, so changes.csv has rows
    let changed = d("changed");
    std::fs::create_dir(&changed).unwrap();
    for e in std::fs::read_dir(case).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if name == "SHA256SUMS" {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let text = if name == "candidates.csv" {
            text.lines()
                .enumerate()
                .filter(|(k, _)| k % 10 != 5)
                .map(|(_, l)| format!("{l}\n"))
                .collect()
        } else {
            text
        };
        std::fs::write(changed.join(&name), text).unwrap();
    }
    ok(&[
        "replan",
        &s("changed"),
        "--previous",
        &s("plan"),
        "--out",
        &s("replan"),
    ]);
    ok(&[
        "generate",
        "--out",
        &s("forecast-case"),
        "--seed",
        "4",
        "--candidates",
        "2000",
        "--demand-only",
    ]);
    ok(&["plan", &s("forecast-case"), "--out", &s("forecast")]);
    ok(&["vet", case, "--out", &s("vet")]);
    ok(&["panels", case, "--out", &s("panels")]);
    ok(&[
        "spot-check",
        case,
        "--seed",
        "docs",
        "--rate",
        "0.1",
        "--out",
        &s("spot"),
    ]);
    ok(&[
        "whatif",
        case,
        "--sweep",
        "add-room:200",
        "--monte-carlo",
        "2",
        "--out",
        &s("whatif"),
    ]);
    ok(&[
        "exam-day",
        case,
        "--plan",
        &s("plan"),
        "--seed",
        "docs",
        "--out",
        &s("exam-day"),
    ]);
    // attendance: one absent, so carry_over.csv has both kinds of row
    let seats = csv_rows(&d("plan/seats.csv"));
    std::fs::write(
        d("marks.csv"),
        format!("ticket_no,status\n{},缺考\n", &seats[0]["ticket_no"]),
    )
    .unwrap();
    ok(&[
        "attendance",
        case,
        "--plan",
        &s("plan"),
        "--marks",
        &s("marks.csv"),
        "--out",
        &s("attendance"),
    ]);

    let written: Vec<(&str, Vec<String>)> = vec![
        ("`timetable.csv`", header(&d("plan/timetable.csv"))),
        ("`allocation.csv`", header(&d("plan/allocation.csv"))),
        ("`seats.csv`", header(&d("plan/seats.csv"))),
        ("`deferred.csv`", header(&d("plan/deferred.csv"))),
        (
            "`deferred.csv` (a forecast)",
            header(&d("forecast/deferred.csv")),
        ),
        ("`rooms.csv`", header(&d("plan/rooms.csv"))),
        ("`summary.json`", keys(&d("plan/summary.json"))),
        ("`summary.json` (a replan's, besides the keys above)", {
            let plan = keys(&d("plan/summary.json"));
            keys(&d("replan/summary.json"))
                .into_iter()
                .filter(|k| !plan.contains(k))
                .collect()
        }),
        (
            "`changes.csv` (a replan's)",
            header(&d("replan/changes.csv")),
        ),
        ("`vetting.csv`", header(&d("vet/vetting.csv"))),
        ("`coverage.csv`", header(&d("vet/coverage.csv"))),
        ("`publication.csv`", header(&d("vet/publication.csv"))),
        ("`panels.csv`", header(&d("panels/panels.csv"))),
        ("`unassigned.csv`", header(&d("panels/unassigned.csv"))),
        ("`summary.json` (panels)", keys(&d("panels/summary.json"))),
        ("`spot_checks.csv`", header(&d("spot/spot_checks.csv"))),
        ("`scenarios.csv`", header(&d("whatif/scenarios.csv"))),
        (
            "`capacity_value.csv`",
            header(&d("whatif/capacity_value.csv")),
        ),
        (
            "`monte_carlo.csv` (with `--monte-carlo`)",
            header(&d("whatif/monte_carlo.csv")),
        ),
        ("`summary.json` (what-if)", keys(&d("whatif/summary.json"))),
        ("`roster.csv`", header(&d("exam-day/roster.csv"))),
        ("`shortfall.csv`", header(&d("exam-day/shortfall.csv"))),
        ("`dispatch.csv`", header(&d("exam-day/dispatch.csv"))),
        (
            "`summary.json` (exam day)",
            keys(&d("exam-day/summary.json")),
        ),
        ("`attendance.csv`", header(&d("attendance/attendance.csv"))),
        ("`carry_over.csv`", header(&d("attendance/carry_over.csv"))),
    ];
    let docs = documented("output-files.md");
    for (heading, columns) in &written {
        let listed = docs
            .get(*heading)
            .unwrap_or_else(|| panic!("docs/output-files.md has no section {heading}"));
        assert_eq!(listed, columns, "docs/output-files.md, {heading}");
    }
    for heading in docs.keys() {
        assert!(
            written.iter().any(|(h, _)| h == heading),
            "docs/output-files.md documents {heading}, which this test does not write"
        );
    }
    // the replan really changed something, so its columns were seen on rows
    assert!(csv_rows(&d("replan/changes.csv")).len() > 100);
}

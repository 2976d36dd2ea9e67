//! After exam day: marks against the published plan, rates, the absent, and the carry-over that
//! next quarter's case accepts.

mod common;
use common::*;
use std::path::Path;

/// A plan of the tiny world: 6 seated at I1, 2 deferred (beyond reach).
fn planned(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut t = Tiny::default();
    t.add(1, 6, "长沙市", "甲职业", 3, "I1");
    t.add(50, 2, "湘西土家族苗族自治州", "甲职业", 3, "");
    let case = t.write(&dir.join("case"));
    let plan = plan_ok(&case, dir);
    (case, plan)
}

/// Writes a marks file: `ticket_no,status` and one row per (ticket, status).
fn marks(path: &Path, rows: &[(&str, &str)]) {
    let body: String = rows.iter().map(|(t, s)| format!("{t},{s}\n")).collect();
    std::fs::write(path, format!("ticket_no,status\n{body}")).unwrap();
}

fn attendance(case: &Path, plan: &Path, marks: &[&Path], out: &Path) -> std::process::Output {
    let mut args = vec![
        "attendance".to_string(),
        case.display().to_string(),
        "--plan".into(),
        plan.display().to_string(),
        "--marks".into(),
    ];
    args.extend(marks.iter().map(|m| m.display().to_string()));
    args.extend(["--out".into(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

#[test]
fn marks_become_statuses_rates_the_absent_and_a_carry_over_next_quarter_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = planned(dir.path());
    let seats = csv_rows(&plan.join("seats.csv"));
    assert_eq!(seats.len(), 6);
    // five marked in two files (one xlsx-free institution file each), one left unmarked
    let marks1 = dir.path().join("I1-a.csv");
    let marks2 = dir.path().join("I1-b.csv");
    let ticket = |k: usize| seats[k].get("ticket_no");
    marks(
        &marks1,
        &[
            (ticket(0), "到考"),
            (ticket(1), "缺考"),
            (ticket(2), "违纪"),
        ],
    );
    marks(&marks2, &[(ticket(3), "到考"), (ticket(4), "到考")]);
    let out = dir.path().join("att");
    let o = attendance(&case, &plan, &[&marks1, &marks2], &out);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("到考 3，缺考 1，违纪 1，未登记 1"),
        "{}",
        stdout(&o)
    );
    let rows = csv_rows(&out.join("attendance.csv"));
    let status = |ticket: &str| {
        rows.iter()
            .find(|r| &r["ticket_no"] == ticket)
            .map(|r| r["status"].to_string())
            .unwrap()
    };
    assert_eq!(status(&seats[1]["ticket_no"]), "缺考");
    assert_eq!(status(&seats[2]["ticket_no"]), "违纪");
    assert_eq!(status(&seats[5]["ticket_no"]), "未登记");
    // carried over: the two deferred and the one absent, in candidates.csv's columns
    let carried = csv_rows(&out.join("carry_over.csv"));
    let ids: Vec<&str> = carried.iter().map(|r| r.get("candidate_id")).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&seats[1].get("candidate_id")));
    assert!(ids.contains(&"C00050") && ids.contains(&"C00051"));
    assert!(carried.iter().all(
        |r| r["carried_reason"].starts_with("缓考") || r["carried_reason"].starts_with("缺考")
    ));
    // … which validate takes as next quarter's candidates
    let next = dir.path().join("next");
    std::fs::create_dir(&next).unwrap();
    for e in std::fs::read_dir(&case).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), next.join(e.file_name())).unwrap();
    }
    std::fs::copy(out.join("carry_over.csv"), next.join("candidates.csv")).unwrap();
    let v = run(&["validate", next.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
    // the absent by name, ID masked; rates by institution and paper
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(out.join("attendance.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["到考率（按机构）", "到考率（按科目）", "缺考名单"]
    );
    let absent = book.worksheet_range("缺考名单").unwrap();
    assert_eq!(absent.rows().count(), 2, "header and the one absent");
    let id = &seats[1]["id_number"];
    let shown: Vec<String> = absent
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        shown.contains(&format!("{}********{}", &id[..6], &id[14..])),
        "{shown:?}"
    );
    assert!(!shown.contains(&id.to_string()));
    let by_institution = book.worksheet_range("到考率（按机构）").unwrap();
    let i1: Vec<String> = by_institution
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    // 应考 6, 到考 3, 缺考 1, 违纪 1, 未登记 1, rate (3 + 1) / 6
    assert_eq!(i1[2..7], ["6", "3", "1", "1", "1"], "{i1:?}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("到考率（按机构）") && html.contains("66.7 %"),
        "the report page"
    );
}

#[test]
fn an_unknown_or_twice_marked_ticket_is_an_error_at_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (case, plan) = planned(dir.path());
    let seats = csv_rows(&plan.join("seats.csv"));
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let ticket = |k: usize| seats[k].get("ticket_no");
    marks(&a, &[(ticket(0), "到考")]);
    marks(
        &b,
        &[
            ("2026300000000000000000", "到考"),
            (ticket(0), "缺考"),
            (ticket(1), "迟到"),
        ],
    );
    let out = dir.path().join("att");
    let o = attendance(&case, &plan, &[&a, &b], &out);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains(
            "b.csv:2: ticket_no: error: ticket 2026300000000000000000 is not in the plan"
        ),
        "{text}"
    );
    assert!(
        text.contains("b.csv:3: ticket_no: error:") && text.contains("marked twice: a.csv:2"),
        "{text}"
    );
    assert!(
        text.contains("b.csv:4: status: error: expected one of 到考, 缺考, 违纪"),
        "{text}"
    );
    assert!(!out.exists(), "nothing written");
}

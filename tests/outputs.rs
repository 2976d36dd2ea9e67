//! What a person opens: plan.xlsx and the door lists read back as Excel would, and report.html
//! rendered by headless Chromium (Debian's `chromium`, which scripts/test.sh installs; a
//! missing browser fails this test rather than skipping it).

mod common;
use calamine::{Data, Reader, Xlsx};
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan")
}

/// The reference case planned once for every test here.
fn reference_plan() -> &'static Path {
    static PLAN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = PLAN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        let o = run(&[
            "plan",
            reference().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        (dir, out)
    });
    out
}

/// A cell as the CSV writes it (whole numbers without `.0`).
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn sheet_rows(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<String>> {
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.iter().map(text).collect()).collect()
}

/// What an official reads in a sheet built from a CSV table: the same rows, headers in Chinese
/// (every header cell holds Chinese, none is the CSV's English name), levels as 三级（高级工）,
/// statuses in Chinese, every other cell as the file has it (numbers compared as numbers: the
/// CSV writes a gap as `0.000000`, the sheet stores the number 0).
fn assert_sheet_shows_csv(sheet: &[Vec<String>], csv: &[Vec<String>], what: &str) {
    assert_eq!(sheet.len(), csv.len(), "{what}: rows");
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (x, name) in sheet[0].iter().zip(&csv[0]) {
        assert!(chinese(x) && x != name, "{what}: header {x:?} for {name:?}");
    }
    let levels = [
        "",
        "一级（高级技师）",
        "二级（技师）",
        "三级（高级工）",
        "四级（中级工）",
        "五级（初级工）",
    ];
    let words = [
        ("ok", "符合"),
        ("fail", "不符合"),
        ("true", "是"),
        ("false", "否"),
        ("complete", "齐全"),
        ("incomplete", "不全"),
        ("not_checked", "未核验"),
        ("exact", "确定（两方案均已证明最优）"),
        ("effect", "有效（超出求解间隙）"),
        ("within_gap", "不确定（在求解间隙内）"),
    ];
    let statuses = [
        ("optimal", "最优"),
        ("feasible", "可行"),
        ("time_limit", "已达上限"),
        ("invalid", "方案无效"),
        ("failed", "未能求解"),
    ];
    for (r, (a, b)) in sheet.iter().zip(csv).enumerate().skip(1) {
        assert_eq!(a.len(), b.len(), "{what}: row {r}");
        for ((x, y), column) in a.iter().zip(b).zip(&csv[0]) {
            let expected = match column.as_str() {
                "level" => levels[y.parse::<usize>().unwrap()].to_string(),
                "status" => statuses
                    .iter()
                    .find(|s| s.0 == y)
                    .map_or(y.clone(), |s| s.1.to_string()),
                _ => words
                    .iter()
                    .find(|w| w.0 == y)
                    .map_or(y.clone(), |w| w.1.to_string()),
            };
            let same = *x == expected
                || matches!((x.parse::<f64>(), expected.parse::<f64>()), (Ok(p), Ok(q)) if p == q);
            assert!(same, "{what}: row {r}, {column}: {x:?} vs {expected:?}");
        }
    }
}

fn csv_with_header(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn plan_xlsx_holds_the_csv_files_row_for_row() {
    let plan = reference_plan();
    let mut book: Xlsx<_> = calamine::open_workbook(plan.join("plan.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["总览", "时间表", "考场", "分配", "缓考"]
    );
    for (sheet, file) in [
        ("时间表", "timetable.csv"),
        ("考场", "rooms.csv"),
        ("分配", "allocation.csv"),
        ("缓考", "deferred.csv"),
    ] {
        let rows = sheet_rows(&mut book, sheet);
        let csv = csv_with_header(&plan.join(file));
        assert!(csv.len() > 1, "{file} has rows");
        assert_sheet_shows_csv(&rows, &csv, sheet);
    }
    // numbers are numbers, codes are text
    let range = book.worksheet_range("时间表").unwrap();
    assert!(
        matches!(range.get((1, 0)), Some(Data::String(_))),
        "occupation_code as text"
    );
    assert!(
        matches!(range.get((1, 7)), Some(Data::Float(_))),
        "candidates as a number"
    );
    let overview = sheet_rows(&mut book, "总览");
    let deferred = overview
        .iter()
        .find(|r| r[0].starts_with("缓考人数"))
        .unwrap();
    assert_eq!(&deferred[1..3], ["499", "499"], "value and proven bound");
    assert_eq!(deferred[4], "是");
    assert!(overview.iter().any(|r| r[0] == "状态" && r[1] == "最优"));
}

#[test]
fn door_lists_match_seats_csv_and_show_no_whole_id_number() {
    let plan = reference_plan();
    let seats = csv_rows(&plan.join("seats.csv"));
    // institution → sheet of (date, start, room) → [(seat, ticket, name, id)]
    type Sittings = BTreeMap<(String, String, String), Vec<Vec<String>>>;
    let mut expected: BTreeMap<String, Sittings> = BTreeMap::new();
    for r in &seats {
        expected
            .entry(r["institution_id"].to_string())
            .or_default()
            .entry((
                r["date"].to_string(),
                r["start"].to_string(),
                r["room_id"].to_string(),
            ))
            .or_default()
            .push(vec![
                r["seat"].to_string(),
                r["ticket_no"].to_string(),
                r["name"].to_string(),
                r["id_number"].to_string(),
            ]);
    }
    let ids: std::collections::HashSet<String> =
        seats.iter().map(|r| r["id_number"].to_string()).collect();
    let files: Vec<String> = std::fs::read_dir(plan.join("institutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        files.len(),
        expected.len(),
        "one workbook per institution seating anyone"
    );
    let mut checked = 0;
    for (institution, sittings) in &expected {
        let mut book: Xlsx<_> =
            calamine::open_workbook(plan.join(format!("institutions/{institution}.xlsx"))).unwrap();
        assert_eq!(book.sheet_names().len(), sittings.len(), "{institution}");
        for (name, ((date, start, room), rows)) in book.sheet_names().iter().zip(sittings) {
            let sheet = sheet_rows(&mut book, name);
            assert!(
                sheet[0][0].contains(room.as_str()),
                "{institution} {name}: {:?}",
                sheet[0]
            );
            assert!(sheet[1][0].contains(date.as_str()) && sheet[1][0].contains(start.as_str()));
            assert_eq!(sheet[3][..4], ["座位号", "准考证号", "姓名", "身份证号"]);
            let body = &sheet[4..4 + rows.len()];
            assert_eq!(
                sheet[4 + rows.len()][0],
                format!("应考 {} 人", rows.len()),
                "{institution} {name}: the count at the foot"
            );
            // title, time and subject lines, and the count, span the printed width
            let merged = book.merge_cells_by_sheet_name(name).unwrap();
            for row in [0, 1, 2, 4 + rows.len() as u32] {
                assert!(
                    merged
                        .iter()
                        .any(|d| d.start == (row, 0) && d.end == (row, 4)),
                    "{institution} {name}: row {row} merged across A:E: {merged:?}"
                );
            }
            for (got, want) in body.iter().zip(rows) {
                assert_eq!(got[..3], want[..3], "{institution} {name}");
                let id = &want[3];
                assert_eq!(got[3], format!("{}********{}", &id[..6], &id[14..]));
                checked += 1;
            }
            for cell in sheet.iter().flatten() {
                assert!(
                    !ids.contains(cell),
                    "an unmasked ID on {institution} {name}"
                );
            }
        }
    }
    assert_eq!(checked, seats.len(), "every seat on a door list");
    // printed as posted: A4 portrait, fit to the page width, the header row on every page
    let first = expected.keys().next().unwrap();
    let file = std::fs::File::open(plan.join(format!("institutions/{first}.xlsx"))).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(sheet.contains("paperSize=\"9\""), "A4: {sheet}");
    assert!(
        sheet.contains("fitToPage=\"1\"") && sheet.contains("fitToHeight=\"0\""),
        "one page wide: {sheet}"
    );
    let mut names = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut names)
        .unwrap();
    assert!(
        names.contains("_xlnm.Print_Titles"),
        "header repeated: {names}"
    );
    assert!(
        names.contains("$4:$4"),
        "row 4 (the header) repeated: {names}"
    );
}

/// Chromium's command with the flags this machine needs (no network, no sandbox as root).
fn chromium() -> std::process::Command {
    let mut c = std::process::Command::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c
}

#[test]
fn the_report_shows_the_headline_figures_in_a_real_browser() {
    let plan = reference_plan();
    let page = plan.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    for forbidden in [
        "<script", "http://", "https://", "src=", "@import", "url(http",
    ] {
        let hits: Vec<&str> = html
            .match_indices(forbidden)
            .map(|(i, _)| &html[i..(i + 60).min(html.len())])
            .filter(|s| !s.starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(
            hits.is_empty(),
            "report.html is not self-contained: {hits:?}"
        );
    }
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let dom = chromium()
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", &url])
        .output()
        .expect("chromium must be installed (scripts/test.sh installs it)");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    // the browser's DOM holds the plan's figures where a reader looks for them
    let summary = summary(plan);
    for (id, value) in [
        ("seated", "19,501"),
        ("candidates", "20,000"),
        ("deferred", "499"),
        ("travel", "641,633"),
        ("rooms", "336"),
    ] {
        let at = dom
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id} in the DOM"));
        assert!(
            dom[at..].contains(&format!("data-value=\"{value}\"")),
            "#{id} should show {value}"
        );
    }
    assert_eq!(summary["deferred"], 499);
    assert!(
        dom.contains("id=\"status\">最优<"),
        "status in Chinese in the DOM"
    );
    for english in [">optimal<", ">feasible<", ">time_limit<"] {
        assert!(
            !dom.contains(english),
            "an English status word shows: {english}"
        );
    }
    assert_eq!(
        dom.matches("class=\"prefecture\"").count(),
        14,
        "14 prefectures on the map"
    );
    assert!(
        dom.matches("class=\"flow\"").count() > 10,
        "flows between prefectures"
    );
    let shot = profile.path().join("report.png");
    let o = chromium()
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--window-size=1100,1400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let decoder = png::Decoder::new(std::fs::File::open(&shot).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixels = &buf[..info.buffer_size()];
    let step = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    for px in pixels.chunks(step) {
        if px[..3] != [255, 255, 255] {
            inked += 1;
        }
        colours.insert((px[0] / 16, px[1] / 16, px[2] / 16));
    }
    let total = pixels.len() / step;
    assert!(
        inked * 20 > total,
        "the screenshot is almost blank: {inked} of {total} inked"
    );
    assert!(
        colours.len() > 20,
        "a handful of colours only: {}",
        colours.len()
    );
}

#[test]
fn workbooks_and_the_report_are_the_same_bytes_on_every_run() {
    let first = reference_plan();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again");
    let o = run(&[
        "plan",
        reference().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    assert!(o.status.success());
    // every file of the folder, door lists included; summary.json holds the run's timings
    // (and SHA256SUMS its hash), so those two alone may differ
    let files = |root: &std::path::Path| {
        let mut all = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    all.push(p.strip_prefix(root).unwrap().to_path_buf());
                }
            }
        }
        all.sort();
        all
    };
    let listed = files(first);
    assert_eq!(listed, files(&out));
    let door_lists = listed
        .iter()
        .filter(|f| f.starts_with("institutions"))
        .count();
    assert!(door_lists > 40, "{door_lists} door lists");
    for f in listed
        .iter()
        .filter(|f| !f.ends_with("summary.json") && !f.ends_with("SHA256SUMS"))
    {
        assert_eq!(
            std::fs::read(first.join(f)).unwrap(),
            std::fs::read(out.join(f)).unwrap(),
            "{}",
            f.display()
        );
    }
}

#[test]
fn whatif_writes_a_workbook_of_its_tables_and_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let case = generated(dir.path(), 3, 3000, &["--weekends", "1"]);
    let out = dir.path().join("w");
    let o = run(&[
        "whatif",
        case.to_str().unwrap(),
        "--sweep",
        "add-room:120",
        "--monte-carlo",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = calamine::open_workbook(out.join("whatif.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["情景", "座位价值", "蒙特卡洛"]);
    for (sheet, name) in [
        ("情景", "scenarios"),
        ("座位价值", "capacity_value"),
        ("蒙特卡洛", "monte_carlo"),
    ] {
        let rows = sheet_rows(&mut book, sheet);
        let csv = csv_with_header(&out.join(format!("{name}.csv")));
        assert!(csv.len() > 2, "{name} has rows");
        assert_sheet_shows_csv(&rows, &csv, name);
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"scenarios\"") && html.contains("id=\"risk\""));
    assert!(!html.contains("<script"));
}

#[test]
fn vetting_xlsx_shows_the_three_tables_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vet");
    let o = run(&[
        "vet",
        reference().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = calamine::open_workbook(out.join("vetting.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["遴选结果", "覆盖情况", "公示名单"]);
    for (sheet, name) in [
        ("遴选结果", "vetting"),
        ("覆盖情况", "coverage"),
        ("公示名单", "publication"),
    ] {
        let rows = sheet_rows(&mut book, sheet);
        let csv = csv_with_header(&out.join(format!("{name}.csv")));
        assert!(csv.len() > 2, "{name} has rows");
        assert_sheet_shows_csv(&rows, &csv, name);
    }
}

//! Small hand-made cases for the integration tests, written into temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_exam-planner"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run exam-planner")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A valid resident ID with the given 17-digit body.
pub fn id(body17: &str) -> String {
    let c = exam_planner::case::checks::resident_id_check(body17).unwrap();
    format!("{body17}{c}")
}

/// A two-prefecture world (长沙, 株洲 ~ 51 km apart straight; 吉首 far away) with one paper kind
/// per occupation row: A (4 levels), B, C. Files are plain strings so a test can break one.
#[derive(Clone)]
pub struct Tiny {
    pub case_toml: String,
    pub prefectures: String,
    pub occupations: String,
    pub institutions: String,
    pub rooms: String,
    pub filings: String,
    pub sessions: String,
    pub candidates: String,
    pub extra: Vec<(String, String)>,
}

pub const CREDIT_OK: &str = "91350100M000100Y43";

impl Default for Tiny {
    fn default() -> Self {
        Tiny {
            case_toml: "name = \"tiny\"\nquarter = \"2026Q3\"\n".into(),
            prefectures: "code,name,lat,lon\n4301,长沙市,28.228,112.939\n4302,株洲市,27.827,113.152\n4331,湘西土家族苗族自治州,28.314,109.739\n".into(),
            occupations: "code,name,work_type,levels,aliases,theory_minutes,skill_minutes\n\
                          1-01,甲职业,,4|3|2|1,旧甲职业,90,120\n\
                          1-02,乙职业,,4|3,,90,120\n\
                          1-03,丙职业,,4|3,,90,120\n".into(),
            institutions: format!(
                "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n\
                 I1,一号（虚构）,{CREDIT_OK},长沙市,企业,40,8,1500,200,\n"
            ),
            rooms: "institution_id,room_id,seats,camera_p\nI1,R1,240,1080\n".into(),
            filings: "institution_id,occupation,work_type,levels,status,filed_on\nI1,甲职业,,4-1,filed,2026-01-01\nI1,乙职业,,4|3,filed,2026-01-01\nI1,丙职业,,4|3,filed,2026-01-01\n".into(),
            sessions: "date,start,end\n2026-08-15,08:30,12:30\n2026-08-16,08:30,12:30\n".into(),
            candidates: "candidate_id,name,id_number,prefecture,occupation,work_type,level,institution_id\n".into(),
            extra: Vec::new(),
        }
    }
}

impl Tiny {
    /// Adds `n` registrations of distinct persons for (occupation, level) from `prefecture`.
    pub fn add(
        &mut self,
        first: usize,
        n: usize,
        prefecture: &str,
        occupation: &str,
        level: u8,
        institution: &str,
    ) {
        for k in first..first + n {
            let body = format!("43010219900101{:03}", k % 1000);
            let body = format!("{}{}", &body[..11], &format!("{:06}", k)[..6]);
            self.candidates += &format!(
                "C{k:05},考生{k},{},{prefecture},{occupation},,{level},{institution}\n",
                id(&body)
            );
        }
    }

    pub fn write(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        for (name, text) in [
            ("case.toml", &self.case_toml),
            ("prefectures.csv", &self.prefectures),
            ("occupations.csv", &self.occupations),
            ("institutions.csv", &self.institutions),
            ("rooms.csv", &self.rooms),
            ("filings.csv", &self.filings),
            ("sessions.csv", &self.sessions),
            ("candidates.csv", &self.candidates),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        for (name, text) in &self.extra {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir.to_path_buf()
    }
}

/// Plans `case` into `dir/plan`, asserts success, verify, and returns the plan folder.
pub fn plan_ok(case: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("plan");
    let o = run(&[
        "plan",
        case.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "plan failed: {}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let v = run(&["verify", case.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(v.status.success(), "verify failed: {}", stdout(&v));
    out
}

/// Runs `replan CASE --previous PREVIOUS --out OUT`.
pub fn replan_into(case: &Path, previous: &Path, out: &Path) -> Output {
    run(&[
        "replan",
        case.to_str().unwrap(),
        "--previous",
        previous.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

pub fn summary(plan: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(plan.join("summary.json")).unwrap()).unwrap()
}

/// One row of a CSV file the program wrote, its cells reached by column name (`row["seat"]`),
/// never by position: a test reads what its name says even if columns move.
#[derive(Debug, Clone)]
pub struct Row {
    headers: std::rc::Rc<csv::StringRecord>,
    record: csv::StringRecord,
}

impl Row {
    /// The cell of `column`; panics naming the column when the file has none.
    pub fn get(&self, column: &str) -> &str {
        let k = self
            .headers
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column:?} in {:?}", self.headers));
        &self.record[k]
    }
}

impl std::ops::Index<&str> for Row {
    type Output = str;
    fn index(&self, column: &str) -> &str {
        self.get(column)
    }
}

/// The rows of a CSV file (its header first), each cell reached by column name.
pub fn csv_rows(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = std::rc::Rc::new(r.headers().unwrap().clone());
    r.records()
        .map(|x| Row {
            headers: headers.clone(),
            record: x.unwrap(),
        })
        .collect()
}

/// Writes a generated case into `dir/case` (asserting success) and returns its folder.
pub fn generated(dir: &Path, seed: u64, candidates: usize, extra: &[&str]) -> PathBuf {
    let out = dir.join("case");
    let (seed, candidates) = (seed.to_string(), candidates.to_string());
    let mut args = vec![
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        &seed,
        "--candidates",
        &candidates,
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

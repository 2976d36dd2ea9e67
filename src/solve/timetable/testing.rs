//! Small hand-made quarters for the timetable's unit tests: five papers, one institution with
//! seats for everyone, and persons who each take two (or three) papers; and two papers
//! competing for one prefecture's seats.

use super::super::problem::{build, Problem};
use crate::case::Case;

/// The five papers: 甲 4|3, 乙 4|3, 丙 4.
const PAPERS: [(&str, u8); 5] = [
    ("甲职业", 4),
    ("甲职业", 3),
    ("乙职业", 4),
    ("乙职业", 3),
    ("丙职业", 4),
];

/// `(i, j, n)`: n persons take papers i and j (and, with `third_paper`, paper (j + 1) mod 5
/// too); `slots` sessions. The folder is returned to live as long as the case.
pub(super) fn clash_case(
    pairs: &[(usize, usize, u32)],
    slots: usize,
    third_paper: bool,
) -> (Problem, Case, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("case.toml", "quarter = \"2026Q3\"\n");
    write(
        "prefectures.csv",
        "code,name,lat,lon\n4301,长沙市,28.228,112.939\n",
    );
    write(
        "occupations.csv",
        "code,name,work_type,levels,aliases,theory_minutes,skill_minutes\n\
         1-01,甲职业,,4|3,,90,120\n1-02,乙职业,,4|3,,90,120\n1-03,丙职业,,4,,90,120\n",
    );
    write(
        "institutions.csv",
        "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n\
         I1,一号,91350100M000100Y43,长沙市,企业,60,8,1500,200,\n",
    );
    write(
        "rooms.csv",
        "institution_id,room_id,seats,camera_p\nI1,R1,400,1080\n",
    );
    write(
        "filings.csv",
        "institution_id,occupation,work_type,levels,status,filed_on\n\
         I1,甲职业,,4|3,filed,\nI1,乙职业,,4|3,filed,\nI1,丙职业,,4,filed,\n",
    );
    write("sessions.csv", &sessions_csv(slots));
    let mut candidates = String::from(CANDIDATES_HEADER);
    let mut n = 0;
    for &(i, j, persons) in pairs {
        for _ in 0..persons {
            n += 1;
            let id = resident_id(n);
            let mut papers = vec![PAPERS[i], PAPERS[j]];
            if third_paper {
                papers.push(PAPERS[(j + 1) % 5]);
            }
            for (k, (occupation, level)) in papers.iter().enumerate() {
                candidates += &format!("C{n:04}{k},考生,{id},长沙市,{occupation},,{level},\n");
            }
        }
    }
    write("candidates.csv", &candidates);
    load(dir)
}

/// Two papers of 200 candidates each, all living in 长沙; 200 seats in 长沙 and 200 in 株洲,
/// and two slots: papers at one slot send 200 candidates to 株洲, at two slots none.
pub(super) fn travel_case() -> (Problem, Case, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("case.toml", "quarter = \"2026Q3\"\n");
    write(
        "prefectures.csv",
        "code,name,lat,lon\n4301,长沙市,28.228,112.939\n4302,株洲市,27.827,113.152\n",
    );
    write(
        "occupations.csv",
        "code,name,work_type,levels,aliases,theory_minutes,skill_minutes\n\
         1-01,甲职业,,4|3,,90,120\n",
    );
    write(
        "institutions.csv",
        "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n\
         I1,一号,91350100M000100Y43,长沙市,企业,60,8,1500,200,\n\
         I2,二号,91350100M000100Y43,株洲市,企业,60,8,1500,200,\n",
    );
    write(
        "rooms.csv",
        "institution_id,room_id,seats,camera_p\nI1,R1,200,1080\nI2,R1,200,1080\n",
    );
    write(
        "filings.csv",
        "institution_id,occupation,work_type,levels,status,filed_on\n\
         I1,甲职业,,4|3,filed,\nI2,甲职业,,4|3,filed,\n",
    );
    write(
        "sessions.csv",
        "date,start,end\n2026-08-15,08:30,12:30\n2026-08-16,08:30,12:30\n",
    );
    let mut candidates = String::from(
        "candidate_id,name,id_number,prefecture,occupation,work_type,level,institution_id\n",
    );
    for n in 1..=400 {
        let id = resident_id(n);
        let level = if n <= 200 { 4 } else { 3 };
        candidates += &format!("C{n:04},考生,{id},长沙市,甲职业,,{level},\n");
    }
    write("candidates.csv", &candidates);
    load(dir)
}

/// The prefectures of [`small_case`]: 长沙, 株洲, 湘潭 (tens of km apart).
const PREFECTURES: [(&str, &str, f64, f64); 3] = [
    ("4301", "长沙市", 28.228, 112.939),
    ("4302", "株洲市", 27.827, 113.152),
    ("4303", "湘潭市", 27.829, 112.944),
];

/// An institution of [`small_case`]: its prefecture (index into `PREFECTURES`), seats in its
/// one room, and the papers (indices into `PAPERS`) it is filed for.
pub(super) struct Site {
    pub prefecture: usize,
    pub seats: u32,
    pub papers: Vec<usize>,
}

/// A person of [`small_case`]: home prefecture and papers, in the order of their
/// registrations (candidate_id).
pub(super) struct Person {
    pub home: usize,
    pub papers: Vec<usize>,
}

/// A small quarter of the five papers: `sites`, `slots` identical sessions, `persons`.
pub(super) fn small_case(
    sites: &[Site],
    slots: usize,
    persons: &[Person],
) -> (Problem, Case, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("case.toml", "quarter = \"2026Q3\"\n");
    let mut prefectures = String::from("code,name,lat,lon\n");
    for (code, name, lat, lon) in PREFECTURES {
        prefectures += &format!("{code},{name},{lat},{lon}\n");
    }
    write("prefectures.csv", &prefectures);
    write(
        "occupations.csv",
        "code,name,work_type,levels,aliases,theory_minutes,skill_minutes\n\
         1-01,甲职业,,4|3,,90,120\n1-02,乙职业,,4|3,,90,120\n1-03,丙职业,,4,,90,120\n",
    );
    let mut institutions = String::from(
        "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n",
    );
    let mut rooms = String::from("institution_id,room_id,seats,camera_p\n");
    let mut filings = String::from("institution_id,occupation,work_type,levels,status,filed_on\n");
    for (k, site) in sites.iter().enumerate() {
        let prefecture = PREFECTURES[site.prefecture].1;
        institutions +=
            &format!("I{k},机构{k},91350100M000100Y43,{prefecture},企业,60,8,1500,200,\n");
        rooms += &format!("I{k},R1,{},1080\n", site.seats);
        for &p in &site.papers {
            let (occupation, level) = PAPERS[p];
            filings += &format!("I{k},{occupation},,{level},filed,\n");
        }
    }
    write("institutions.csv", &institutions);
    write("rooms.csv", &rooms);
    write("filings.csv", &filings);
    write("sessions.csv", &sessions_csv(slots));
    let mut candidates = String::from(CANDIDATES_HEADER);
    for (n, person) in persons.iter().enumerate() {
        let id = resident_id(n + 1);
        let home = PREFECTURES[person.home].1;
        for (k, &p) in person.papers.iter().enumerate() {
            let (occupation, level) = PAPERS[p];
            candidates += &format!("C{:04}{k},考生,{id},{home},{occupation},,{level},\n", n + 1);
        }
    }
    write("candidates.csv", &candidates);
    load(dir)
}

/// A valid resident ID number for person `n` (n < 1000).
fn resident_id(n: usize) -> String {
    let body = format!("43010219800101{n:03}");
    let check = crate::case::checks::resident_id_check(&body).unwrap();
    format!("{body}{check}")
}

/// The case written in `dir`, every institution eligible, and its problem.
fn load(dir: tempfile::TempDir) -> (Problem, Case, tempfile::TempDir) {
    let (case, diags) = crate::case::load(dir.path());
    assert!(!diags.has_errors(), "{diags:?}");
    let case = case.unwrap();
    let eligible = vec![true; case.institutions.len()];
    (build(&case, &eligible, None), case, dir)
}

/// sessions.csv with `slots` morning sessions on consecutive days from 2026-08-15.
fn sessions_csv(slots: usize) -> String {
    let mut sessions = String::from("date,start,end\n");
    for t in 0..slots {
        sessions += &format!("2026-08-{:02},08:30,12:30\n", 15 + t);
    }
    sessions
}

/// The header line of candidates.csv.
const CANDIDATES_HEADER: &str =
    "candidate_id,name,id_number,prefecture,occupation,work_type,level,institution_id\n";

/// A random small quarter (`seed`): two to four slots, two or three sites filed for some of
/// the five papers with 3 to 10 seats, 10 to 28 persons, most with two or three papers: dense
/// in shared persons and short of seats.
pub(super) fn random_small_case(seed: u64) -> (Problem, Case, tempfile::TempDir) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let slots = rng.gen_range(2..=4);
    let sites: Vec<Site> = (0..rng.gen_range(2..=3))
        .map(|_| Site {
            papers: (0..5).filter(|_| rng.gen_bool(0.7)).collect(),
            prefecture: rng.gen_range(0..3),
            seats: rng.gen_range(3..=10),
        })
        .collect();
    let persons: Vec<Person> = (0..rng.gen_range(10..=28))
        .map(|_| {
            let k = [1, 1, 2, 2, 2, 3][rng.gen_range(0..6)];
            let mut papers: Vec<usize> = Vec::new();
            while papers.len() < k {
                let p = rng.gen_range(0..5);
                if !papers.contains(&p) {
                    papers.push(p);
                }
            }
            Person {
                home: rng.gen_range(0..3),
                papers,
            }
        })
        .collect();
    small_case(&sites, slots, &persons)
}

//! Synthetic Hunan cases of any size, byte-identical for the same arguments.
//!
//! Prefectures, occupations and holidays come from the reference data files (compiled in, so a
//! user corrects them in `data/hunan/` only). Institutions follow population, filings leave a
//! few gaps ("成熟一个，实施一个"), sessions fall on weekends clear of holidays, and
//! registrations follow population × occupation popularity with ~3 % two-paper persons.
//! A ChaCha stream seeded by `--seed` makes every draw reproducible.

use crate::case::checks::{credit_code_check, resident_id_check};
use crate::case::columns;
use crate::output::staging::Staging;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

mod exam_day;
mod filings;
mod institutions;
mod registrations;

pub const PREFECTURES_CSV: &str = include_str!("../../data/hunan/prefectures.csv");
pub const OCCUPATIONS_CSV: &str = include_str!("../../data/hunan/occupations.csv");
pub const HOLIDAYS_CSV: &str = include_str!("../../data/hunan/holidays.csv");

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub seed: u64,
    pub candidates: usize,
    /// Multiplies the number of institutions per prefecture; `None` scales with the candidates.
    pub institution_scale: Option<f64>,
    /// Exam weekends (2 days × 2 sessions each); `None`: 2 up to 30,000 registrations, else 4.
    pub weekends: Option<usize>,
    pub quarter: (i32, u32),
    /// Write demand.csv (a forecast) instead of candidates.csv.
    pub demand_only: bool,
    /// How registrations are spread: the knobs that make a quarter hard.
    pub mix: Mix,
}

/// The knobs that shape how hard a quarter is to plan: how many persons clash with
/// themselves, how many are tied to one institution, and how few institutions may seat each
/// occupation. The defaults are the reference shape; the others make the families a
/// benchmark compares (BENCHMARKS.md, "families").
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// The share of persons who register for two papers (each pair a possible clash).
    pub two_paper_share: f64,
    /// The share of registrations, where the prefecture has a filed institution for the
    /// occupation, that name one (and so must sit there).
    pub registered_share: f64,
    /// Institutions filed per prefecture and occupation; `None`: one (two in big prefectures)
    /// × the institution scale.
    pub filings_per_occupation: Option<usize>,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            two_paper_share: 0.03,
            registered_share: 0.7,
            filings_per_occupation: None,
        }
    }
}

struct Pref {
    code: String,
    name: String,
    short: String,
    population: f64,
}

struct Occ {
    name: String,
    work_type: String,
    levels: Vec<u8>,
    popularity: f64,
}

fn parse_reference() -> (Vec<Pref>, Vec<Occ>) {
    let mut prefs = Vec::new();
    let mut r = csv::Reader::from_reader(PREFECTURES_CSV.as_bytes());
    for rec in r.records() {
        let rec = rec.expect("reference prefectures.csv");
        prefs.push(Pref {
            code: rec[0].to_string(),
            name: rec[1].to_string(),
            short: rec[4].to_string(),
            population: rec[5].parse().expect("population"),
        });
    }
    let mut occs = Vec::new();
    let mut r = csv::Reader::from_reader(OCCUPATIONS_CSV.as_bytes());
    for rec in r.records() {
        let rec = rec.expect("reference occupations.csv");
        occs.push(Occ {
            name: rec[1].to_string(),
            work_type: rec[2].to_string(),
            levels: rec[3]
                .split('|')
                .map(|l| l.parse().expect("level"))
                .collect(),
            popularity: rec[7].parse().expect("popularity"),
        });
    }
    (prefs, occs)
}

const CREDIT: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
    "林", "何", "高", "罗", "郑", "梁", "谢", "唐",
];
const GIVEN: [&str; 32] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "文", "华", "建国", "湘", "晓东", "思远", "雨桐",
    "子涵", "浩然", "欣怡",
];
const WORDS: [&str; 16] = [
    "星河", "麓山", "湘江", "岳麓", "芙蓉", "橘洲", "洞庭", "南岳", "桃源", "潇湘", "云帆", "启航",
    "智远", "博雅", "卓越", "新程",
];

fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn credit_code(rng: &mut ChaCha8Rng, prefecture: &str) -> String {
    let mut s = format!("52{prefecture}00");
    while s.len() < 17 {
        s.push(CREDIT[rng.gen_range(0..CREDIT.len())] as char);
    }
    let c = credit_code_check(&s).expect("alphabet");
    s.push(c);
    s
}

fn resident_id(rng: &mut ChaCha8Rng, prefecture: &str) -> String {
    let birth =
        NaiveDate::from_ymd_opt(1966, 1, 1).unwrap() + Duration::days(rng.gen_range(0..14_000));
    let mut s = format!(
        "{prefecture}02{}{:03}",
        birth.format("%Y%m%d"),
        rng.gen_range(0..1000)
    );
    let c = resident_id_check(&s).expect("digits");
    s.push(c);
    s
}

/// Weekend days of the quarter clear of holidays and make-up workdays.
fn weekend_days(year: i32, q: u32) -> Vec<NaiveDate> {
    let blocked: Vec<NaiveDate> = HOLIDAYS_CSV
        .lines()
        .skip(1)
        .filter_map(|l| NaiveDate::parse_from_str(l.split(',').next()?, "%Y-%m-%d").ok())
        .collect();
    let first = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).unwrap();
    let mut days = Vec::new();
    let mut d = first;
    while (d.year(), d.month0() / 3 + 1) == (year, q) {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !blocked.contains(&d) {
            days.push(d);
        }
        d += Duration::days(1);
    }
    days
}

/// Writes the case into `out` (created if needed). Returns the number of registrations written.
pub fn generate(spec: &Spec, out: &Path) -> std::io::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let (prefs, occs) = parse_reference();
    let scale = spec
        .institution_scale
        .unwrap_or((spec.candidates as f64 / 25_000.0).max(1.0));
    let weekends = spec
        .weekends
        .unwrap_or(if spec.candidates <= 30_000 { 2 } else { 4 });
    let (year, q) = spec.quarter;
    let first_day = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).unwrap();

    // every draw below comes from one stream, in this order: the bytes depend on it
    let world = institutions::draw(&mut rng, &prefs, scale, year);
    let mut filings = filings::draw(
        &mut rng,
        &prefs,
        &occs,
        &world.list,
        scale,
        spec.mix.filings_per_occupation,
        first_day,
    );
    // the filing season, from a stream of its own so the quarter's draws stay as they were
    let season = filing_season(
        spec.seed,
        first_day,
        &prefs,
        &occs,
        &world
            .list
            .iter()
            .map(|i| (i.id.as_str(), i.pref, i.name.as_str(), i.credit.as_str()))
            .collect::<Vec<_>>(),
        &filings.held,
    );
    for f in &season.pending {
        row(&mut filings.csv, [&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]]);
    }
    let sessions_csv = sessions(year, q, weekends);
    let regs = registrations::draw(
        &mut rng,
        spec.candidates,
        &prefs,
        &occs,
        &world.list,
        &filings.filed,
        &spec.mix,
    );
    let (inst_csv, rooms_csv, assess_csv, filings_csv) = (
        world.institutions,
        world.rooms,
        world.assessment,
        filings.csv,
    );
    let (cand_csv, demand, written) = (regs.csv, regs.demand, regs.written);
    // exam day's staff and supervisors, from a stream of their own (the draws above stay as
    // they were)
    let slots = session_times(year, q, weekends);
    let day = exam_day::draw(spec.seed, &prefs, &world.list, &slots, &regs.persons);

    let quarter = format!("{year}Q{q}");
    let staging = Staging::new(out)?;
    staging.add_bytes(
        "case.toml",
        format!(
            "# Synthetic case written by `exam-planner generate --seed {} --candidates {}`: every institution and person is fictional.\nname = \"湖南省{year}年第{}季度知识技能型职业技能等级统一认定（合成数据）\"\nquarter = \"{quarter}\"\n\n[policy]\nmax_travel_km = 250\nroad_factor = 1.3\ncandidates_per_invigilator = 15\nmin_invigilators_per_room = 2\nsittings_per_paper = 1\nkeep_registered_institution = true\n",
            spec.seed,
            spec.candidates,
            ["一", "二", "三", "四"][(q - 1) as usize]
        )
        .as_bytes(),
    )?;
    staging.add_bytes("prefectures.csv", PREFECTURES_CSV.as_bytes())?;
    staging.add_bytes("occupations.csv", OCCUPATIONS_CSV.as_bytes())?;
    staging.add_bytes("holidays.csv", HOLIDAYS_CSV.as_bytes())?;
    staging.add_bytes("institutions.csv", &bytes(inst_csv))?;
    staging.add_bytes("rooms.csv", &bytes(rooms_csv))?;
    staging.add_bytes("assessment.csv", &bytes(assess_csv))?;
    staging.add_bytes("filings.csv", &bytes(filings_csv))?;
    staging.add_bytes("materials.csv", &season.materials)?;
    staging.add_bytes("experts.csv", &season.experts)?;
    staging.add_bytes("sessions.csv", &bytes(sessions_csv))?;
    staging.add_bytes("staff.csv", &bytes(day.staff))?;
    staging.add_bytes("supervisors.csv", &bytes(day.supervisors))?;
    if spec.demand_only {
        let mut d = table(&columns::DEMAND);
        for (pi, per) in demand.iter().enumerate() {
            for (oi, levels) in per.iter().enumerate() {
                for (level, &n) in levels.iter().enumerate() {
                    if n > 0 {
                        row(
                            &mut d,
                            [
                                &prefs[pi].name,
                                &occs[oi].name,
                                &occs[oi].work_type,
                                &level.to_string(),
                                &n.to_string(),
                            ],
                        );
                    }
                }
            }
        }
        staging.add_bytes("demand.csv", &bytes(d))?;
    } else {
        staging.add_bytes("candidates.csv", &bytes(cand_csv))?;
    }
    staging.commit(&CASE_FILES)?;
    Ok(written)
}
/// Two sessions a day on `weekends` weekends spread over the quarter, clear of holidays:
/// (date, start, end) each.
fn session_list(year: i32, q: u32, weekends: usize) -> Vec<(String, &'static str, &'static str)> {
    let days = weekend_days(year, q);
    let saturdays: Vec<NaiveDate> = days
        .iter()
        .copied()
        .filter(|d| d.weekday() == Weekday::Sat && days.contains(&(*d + Duration::days(1))))
        .collect();
    let pick = weekends.min(saturdays.len()).max(1);
    let mut out = Vec::new();
    for k in 0..pick {
        let sat = saturdays[k * saturdays.len() / pick];
        for day in [sat, sat + Duration::days(1)] {
            out.push((day.to_string(), "08:30", "12:30"));
            out.push((day.to_string(), "14:00", "17:30"));
        }
    }
    out
}

/// sessions.csv.
fn sessions(year: i32, q: u32, weekends: usize) -> csv::Writer<Vec<u8>> {
    let mut sessions_csv = table(&columns::SESSIONS);
    for (day, start, end) in session_list(year, q, weekends) {
        row(&mut sessions_csv, [&day, start, end]);
    }
    sessions_csv
}

/// Each session as staff.csv names it: "YYYY-MM-DD HH:MM".
fn session_times(year: i32, q: u32, weekends: usize) -> Vec<String> {
    session_list(year, q, weekends)
        .into_iter()
        .map(|(day, start, _)| format!("{day} {start}"))
        .collect()
}

/// Every file a generated case folder holds (an existing folder holding only these is
/// replaced whole).
pub const CASE_FILES: [&str; 15] = [
    "case.toml",
    "prefectures.csv",
    "occupations.csv",
    "holidays.csv",
    "institutions.csv",
    "rooms.csv",
    "assessment.csv",
    "filings.csv",
    "materials.csv",
    "experts.csv",
    "sessions.csv",
    "staff.csv",
    "supervisors.csv",
    "candidates.csv",
    "demand.csv",
];

/// What the filing season adds to a case: new applications (pending filings), every
/// institution's materials (附件3) and the expert pool.
struct Season {
    /// filings.csv rows.
    pending: Vec<[String; 6]>,
    materials: Vec<u8>,
    experts: Vec<u8>,
}

/// The filing season of a generated case, with the gaps a real round has: about a third of the
/// institutions apply for occupations they do not hold; another applies for 会展设计师 only, which
/// two qualified experts cover — one works there (named by its credit code), the other declared
/// a conflict — so it gets no panel; one applicant's credit report is missing, one another's
/// quality-assurance part of the plan. One expert per four applicants (at least two per
/// occupation row), 85 % qualified, each with one to three fields and 4–14 panels to give.
fn filing_season(
    seed: u64,
    first_day: NaiveDate,
    prefs: &[Pref],
    occs: &[Occ],
    institutions: &[(&str, usize, &str, &str)],
    existing: &[(String, String, String, bool)],
) -> Season {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(7);
    let (pending, applicants, gap_applicant) =
        applications(&mut rng, first_day, occs, institutions, existing);
    let materials = materials_csv(institutions, &applicants);
    let applying: std::collections::HashSet<&str> = applicants
        .iter()
        .map(|&i| institutions[i].0)
        .chain(existing.iter().filter(|e| e.3).map(|e| e.0.as_str()))
        .collect();
    let experts = experts_csv(
        &mut rng,
        prefs,
        occs,
        institutions,
        applying.len(),
        gap_applicant,
    );
    Season {
        pending,
        materials,
        experts,
    }
}

/// New applications: about a third of the institutions apply for one to three occupation
/// rows they do not hold; one institution that applied for nothing else applies for 会展设计师.
/// Returns the filings.csv rows, the applicants, and (the 会展设计师 applicant, its row).
fn applications(
    rng: &mut ChaCha8Rng,
    first_day: NaiveDate,
    occs: &[Occ],
    institutions: &[(&str, usize, &str, &str)],
    existing: &[(String, String, String, bool)],
) -> (Vec<[String; 6]>, Vec<usize>, Option<(usize, usize)>) {
    let held: std::collections::HashSet<(&str, &str, &str)> = existing
        .iter()
        .map(|(i, n, w, _)| (i.as_str(), n.as_str(), w.as_str()))
        .collect();
    let gap = occs.iter().position(|o| o.name == "会展设计师");
    let mut pending: Vec<[String; 6]> = Vec::new();
    let mut applicants: Vec<usize> = Vec::new();
    for (i, &(id, _, _, _)) in institutions.iter().enumerate() {
        if !rng.gen_bool(0.35) {
            continue;
        }
        let mut open: Vec<usize> = (0..occs.len())
            .filter(|&o| Some(o) != gap)
            .filter(|&o| !held.contains(&(id, occs[o].name.as_str(), occs[o].work_type.as_str())))
            .collect();
        open.shuffle(rng);
        let k = rng.gen_range(1..=3).min(open.len());
        for &o in &open[..k] {
            let applied_on = first_day - Duration::days(rng.gen_range(5..60));
            pending.push(pending_row(id, &occs[o], applied_on));
        }
        if k > 0 {
            applicants.push(i);
        }
    }
    // the 会展设计师 applicant: the first institution that applied for nothing else
    let first_new = (0..institutions.len())
        .find(|i| !applicants.contains(i))
        .unwrap_or(0);
    let gap_applicant = gap.map(|g| {
        let applied_on = first_day - Duration::days(30);
        pending.push(pending_row(institutions[first_new].0, &occs[g], applied_on));
        if !applicants.contains(&first_new) {
            applicants.push(first_new);
            applicants.sort_unstable();
        }
        (first_new, g)
    });
    (pending, applicants, gap_applicant)
}

/// A pending filing of every level of the occupation row.
fn pending_row(institution: &str, occ: &Occ, applied_on: NaiveDate) -> [String; 6] {
    [
        institution.to_string(),
        occ.name.clone(),
        occ.work_type.clone(),
        format!("{}-{}", occ.levels[0], occ.levels[occ.levels.len() - 1]),
        "pending".to_string(),
        applied_on.to_string(),
    ]
}

/// materials.csv: every item of every institution, all handed in except the second
/// applicant's credit report and the third's quality-assurance part of the plan.
fn materials_csv(institutions: &[(&str, usize, &str, &str)], applicants: &[usize]) -> Vec<u8> {
    let mut materials = table(&columns::MATERIALS);
    let missing_credit = applicants.get(1).copied();
    let missing_quality = applicants.get(2).copied();
    for (i, &(id, _, _, _)) in institutions.iter().enumerate() {
        for item in crate::case::MATERIAL_ITEMS {
            let provided = !(Some(i) == missing_credit && item == "credit_report"
                || Some(i) == missing_quality && item == "plan_quality");
            row(
                &mut materials,
                [id, item, if provided { "yes" } else { "no" }],
            );
        }
    }

    bytes(materials)
}

/// experts.csv: one expert per four applicants (at least two per occupation row), the first
/// ones covering every occupation once; 85 % qualified; employers and conflicts mostly local;
/// then the three 会展设计师 experts of the gap applicant.
fn experts_csv(
    rng: &mut ChaCha8Rng,
    prefs: &[Pref],
    occs: &[Occ],
    institutions: &[(&str, usize, &str, &str)],
    applying: usize,
    gap_applicant: Option<(usize, usize)>,
) -> Vec<u8> {
    let gap = gap_applicant.map(|(_, g)| g);
    let mut experts = table(&columns::EXPERTS);
    let pref_w: Vec<f64> = prefs.iter().map(|p| p.population).collect();
    let occ_w: Vec<f64> = occs
        .iter()
        .enumerate()
        .map(|(o, occ)| if Some(o) == gap { 0.0 } else { occ.popularity })
        .collect();
    let count = applying.div_ceil(4).max(2 * occs.len());
    for n in 0..count {
        let pi = weighted(rng, &pref_w);
        let name = format!(
            "{}{}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            GIVEN[rng.gen_range(0..GIVEN.len())]
        );
        let title = match rng.gen_range(0..100) {
            0..=29 => "高级技师",
            30..=64 => "副高级",
            65..=84 => "正高级",
            85..=94 => "技师",
            _ => "中级",
        };
        // the first experts cover every occupation once (会展设计师 aside), then by popularity
        let mut fields: Vec<&str> = Vec::new();
        let everyday: Vec<usize> = (0..occs.len()).filter(|&o| Some(o) != gap).collect();
        if n < everyday.len() {
            fields.push(&occs[everyday[n]].name);
        }
        for _ in 0..rng.gen_range(1..=2) {
            let o = &occs[weighted(rng, &occ_w)].name;
            if !fields.contains(&o.as_str()) {
                fields.push(o);
            }
        }
        // employed by a local institution (by id, credit code or name) or by a university
        let local: Vec<usize> = (0..institutions.len())
            .filter(|&i| institutions[i].1 == pi)
            .collect();
        let employer = match (rng.gen_range(0..10), local.choose(rng)) {
            (0..=3, Some(&i)) => institutions[i].0.to_string(),
            (4, Some(&i)) => institutions[i].3.to_string(),
            (5, Some(&i)) => institutions[i].2.to_string(),
            _ => format!("{}职业技术学院（虚构）", prefs[pi].short),
        };
        let conflicts = match local.choose(rng) {
            Some(&i) if rng.gen_bool(0.1) => institutions[i].0.to_string(),
            _ => String::new(),
        };
        let max_panels = rng.gen_range(4..=14).to_string();
        row(
            &mut experts,
            [
                &format!("E{:04}", n + 1),
                &name,
                &prefs[pi].name,
                &employer,
                title,
                &fields.join("|"),
                &conflicts,
                &max_panels,
            ],
        );
    }
    if let Some((a, g)) = gap_applicant {
        let (id, pi, _, credit) = institutions[a];
        let field = occs[g].name.as_str();
        for (n, (name, title, employer, conflicts)) in [
            ("罗会展", "副高级", credit, ""),
            ("唐策展", "高级技师", "湖南会展研究院（虚构）", id),
            ("谢布展", "技师", "湖南会展研究院（虚构）", ""),
        ]
        .into_iter()
        .enumerate()
        {
            row(
                &mut experts,
                [
                    &format!("E{:04}", count + n + 1),
                    name,
                    &prefs[pi].name,
                    employer,
                    title,
                    field,
                    conflicts,
                    "6",
                ],
            );
        }
    }
    bytes(experts)
}

/// A table in memory, its header written.
fn table(header: &[&str]) -> csv::Writer<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    w
}

fn row<const N: usize>(w: &mut csv::Writer<Vec<u8>>, fields: [&str; N]) {
    w.write_record(fields).expect("writing to memory");
}

fn bytes(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn records(dir: &Path, file: &str) -> Vec<BTreeMap<String, String>> {
        let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
        let header = r.headers().unwrap().clone();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                header
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    fn generated(mix: Mix) -> (tempfile::TempDir, usize) {
        let dir = tempfile::tempdir().unwrap();
        let spec = Spec {
            seed: 5,
            candidates: 6_000,
            institution_scale: Some(3.0),
            weekends: None,
            quarter: (2026, 3),
            demand_only: false,
            mix,
        };
        let written = generate(&spec, dir.path()).unwrap();
        (dir, written)
    }

    /// The share of persons (by ID number) holding two different papers.
    fn two_paper_share(dir: &Path) -> f64 {
        let mut papers: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
        for r in records(dir, "candidates.csv") {
            papers
                .entry(r["id_number"].clone())
                .or_default()
                .insert((r["occupation"].clone(), r["level"].clone()));
        }
        let two = papers.values().filter(|p| p.len() >= 2).count();
        two as f64 / papers.len() as f64
    }

    fn registered_share(dir: &Path) -> f64 {
        let rows = records(dir, "candidates.csv");
        let registered = rows.iter().filter(|r| !r["institution_id"].is_empty());
        registered.count() as f64 / rows.len() as f64
    }

    #[test]
    fn the_mix_knobs_shape_the_registrations_and_filings() {
        let (plain, written) = generated(Mix::default());
        assert_eq!(written, 6_000);
        let plain_two = two_paper_share(plain.path());
        assert!((0.015..0.05).contains(&plain_two), "{plain_two}");
        let plain_registered = registered_share(plain.path());
        assert!((0.5..0.8).contains(&plain_registered), "{plain_registered}");

        let (knobbed, written) = generated(Mix {
            two_paper_share: 0.3,
            registered_share: 1.0,
            filings_per_occupation: Some(1),
        });
        assert_eq!(written, 6_000);
        let two = two_paper_share(knobbed.path());
        assert!((0.25..0.35).contains(&two), "{two}");
        // every registration whose prefecture has a filed institution for it names one
        let registered = registered_share(knobbed.path());
        assert!(registered > plain_registered + 0.1, "{registered}");
        // one institution per prefecture and occupation row (the filing season's new pending
        // filings aside)
        let prefecture: BTreeMap<String, String> = records(knobbed.path(), "institutions.csv")
            .into_iter()
            .map(|r| (r["id"].clone(), r["prefecture"].clone()))
            .collect();
        let mut holders: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
        for r in records(knobbed.path(), "filings.csv") {
            if r["status"] == "pending" {
                continue;
            }
            holders
                .entry((
                    prefecture[&r["institution_id"]].clone(),
                    r["occupation"].clone(),
                    r["work_type"].clone(),
                ))
                .or_default()
                .insert(r["institution_id"].clone());
        }
        assert!(!holders.is_empty());
        for (key, ids) in &holders {
            assert_eq!(ids.len(), 1, "{key:?}: {ids:?}");
        }
        let plain_filings = records(plain.path(), "filings.csv");
        assert!(plain_filings.len() > holders.len());
    }
}

//! Institutions, their rooms and their assessment: as many per prefecture as its population
//! calls for, a few failing vetting in each of the ways the notice names (a government body,
//! a 12-person team, an adverse record, a 480p camera, a failed safety item).

use super::*;

/// A generated institution, as the later draws need it.
pub(super) struct Inst {
    pub id: String,
    pub pref: usize,
    pub name: String,
    pub credit: String,
    /// Full-time staff, as institutions.csv says: exam day's staff.csv lists them.
    pub staff: u32,
}

/// What [`draw`] writes: the institutions and their tables.
pub(super) struct World {
    pub list: Vec<Inst>,
    pub institutions: csv::Writer<Vec<u8>>,
    pub rooms: csv::Writer<Vec<u8>>,
    pub assessment: csv::Writer<Vec<u8>>,
}

pub(super) fn draw(rng: &mut ChaCha8Rng, prefs: &[Pref], scale: f64, year: i32) -> World {
    let mut institutions: Vec<Inst> = Vec::new();
    let mut inst_csv = table(&columns::INSTITUTIONS);
    let mut rooms_csv = table(&columns::ROOMS);
    let mut assess_csv = table(&columns::ASSESSMENT);
    let counts: Vec<usize> = prefs
        .iter()
        .map(|p| ((p.population / 1.4 * scale).round() as usize).max(2))
        .collect();
    let total: usize = counts.iter().sum();
    let width = if total >= 1000 { 4 } else { 3 };
    for (pi, p) in prefs.iter().enumerate() {
        for k in 0..counts[pi] {
            let id = format!("I{:0width$}", institutions.len() + 1);
            let n = institutions.len();
            // a few institutions fail vetting, deterministically spread
            let fail = if n % 23 == 7 { n / 23 % 5 + 1 } else { 0 };
            let entity = match (fail, rng.gen_range(0..20)) {
                (1, _) => "政府机关",
                (_, 0..=9) => "企业",
                (_, 10..=14) => "民办非企业",
                (_, 15..=17) => "事业单位",
                _ => "社会团体",
            };
            let staff: u32 = if fail == 2 {
                12
            } else {
                rng.gen_range(15..=36)
            };
            let qualified = rng.gen_range(5..=12).min(staff);
            let records = match (fail, rng.gen_range(0..30)) {
                (3, _) => format!("abnormal_business_list@{}-03-15", year - 1),
                (_, 0) => format!("abnormal_business_list@{}-05-20", year - 5),
                _ => String::new(),
            };
            let name = format!(
                "{}{}职业技能评价中心{}（虚构）",
                p.short,
                WORDS[(n + k) % WORDS.len()],
                n + 1
            );
            let credit = credit_code(rng, &p.code[..4]);
            let (total_area, office_area) = (rng.gen_range(1000..5000), rng.gen_range(100..600));
            row(
                &mut inst_csv,
                [
                    &id,
                    &name,
                    &credit,
                    &p.name,
                    entity,
                    &staff.to_string(),
                    &qualified.to_string(),
                    &total_area.to_string(),
                    &office_area.to_string(),
                    &records,
                ],
            );
            let mut seats_total = 0;
            let mut r = 0;
            while seats_total < 200 || (r < 4 && rng.gen_bool(0.5)) {
                r += 1;
                let seats = *[60u32, 80, 90, 100, 120, 150].choose(rng).unwrap();
                seats_total += seats;
                let camera = if fail == 4 && r == 1 {
                    480
                } else if rng.gen_bool(0.7) {
                    1080
                } else {
                    720
                };
                row(
                    &mut rooms_csv,
                    [
                        &id,
                        &format!("R{r}"),
                        &seats.to_string(),
                        &camera.to_string(),
                    ],
                );
            }
            for (item, name) in crate::case::ASSESSMENT_ITEMS.iter().enumerate() {
                let grade = if fail == 5 && item == 6 {
                    "不合格"
                } else {
                    ["优秀", "良好", "良好", "合格"][rng.gen_range(0..4)]
                };
                row(&mut assess_csv, [&id, name, grade]);
            }
            institutions.push(Inst {
                id,
                pref: pi,
                name,
                credit,
                staff,
            });
        }
    }

    World {
        list: institutions,
        institutions: inst_csv,
        rooms: rooms_csv,
        assessment: assess_csv,
    }
}

//! Exam day's people: every institution's full-time staff as institutions.csv counts them (two
//! 主考, two 巡考, the rest 监考), a few unavailable at one session, a few with a relative among
//! the candidates (回避); and the quality supervisors of each prefecture, enough for its
//! institutions' sites, some employed by a local institution. A ChaCha stream of its own, so no earlier file changes.

use super::institutions::Inst;
use super::*;

/// staff.csv and supervisors.csv.
pub(super) struct ExamDay {
    pub staff: csv::Writer<Vec<u8>>,
    pub supervisors: csv::Writer<Vec<u8>>,
}

pub(super) fn draw(
    seed: u64,
    prefs: &[Pref],
    institutions: &[Inst],
    slots: &[String],
    persons: &[Vec<String>],
) -> ExamDay {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(8);
    let mut staff = table(&columns::STAFF);
    for inst in institutions {
        let code = &prefs[inst.pref].code;
        for k in 0..inst.staff {
            let role = match k {
                0 | 1 => "主考",
                2 | 3 => "巡考",
                _ => "监考",
            };
            let name = format!(
                "{}{}",
                SURNAMES[rng.gen_range(0..SURNAMES.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            );
            let id_number = resident_id(&mut rng, code);
            let max_slots = if rng.gen_bool(0.8) {
                slots.len()
            } else {
                rng.gen_range(1..=slots.len().max(1))
            };
            let unavailable = if rng.gen_bool(0.1) {
                slots[rng.gen_range(0..slots.len())].clone()
            } else {
                String::new()
            };
            let local = &persons[inst.pref];
            let conflicts = if !local.is_empty() && rng.gen_bool(0.03) {
                local[rng.gen_range(0..local.len())].clone()
            } else {
                String::new()
            };
            row(
                &mut staff,
                [
                    &format!("{}-S{:02}", inst.id, k + 1),
                    &name,
                    &id_number,
                    &inst.id,
                    role,
                    &max_slots.to_string(),
                    &unavailable,
                    &conflicts,
                ],
            );
        }
    }
    let mut supervisors = table(&columns::SUPERVISORS);
    let mut next = 1;
    for (pi, p) in prefs.iter().enumerate() {
        let local: Vec<&Inst> = institutions.iter().filter(|i| i.pref == pi).collect();
        // enough that every site of the prefecture could be supervised from elsewhere: each
        // supervisor goes about six times a quarter (max_slots 4–8)
        let sittings = (local.len() * slots.len()) as f64;
        let count = (p.population / 2.0)
            .round()
            .max((sittings * 1.2 / 6.0).ceil())
            .max(2.0) as usize;
        for _ in 0..count {
            let name = format!(
                "{}{}",
                SURNAMES[rng.gen_range(0..SURNAMES.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            );
            let employer = if !local.is_empty() && rng.gen_bool(0.3) {
                local[rng.gen_range(0..local.len())].id.clone()
            } else {
                format!("{}人力资源和社会保障局", p.name)
            };
            let max_slots = rng.gen_range(4..=8u32);
            row(
                &mut supervisors,
                [
                    &format!("V{next:03}"),
                    &name,
                    &p.name,
                    &employer,
                    &max_slots.to_string(),
                ],
            );
            next += 1;
        }
    }
    ExamDay { staff, supervisors }
}

//! Filings: per prefecture and occupation row, one institution (two in big prefectures), with
//! the statuses and dates a real register holds, and 会展设计师 filed nowhere (成熟一个，实施一个).

use super::institutions::Inst;
use super::*;

/// What [`draw`] writes: filings.csv, who may seat each occupation row in each prefecture, and
/// every (institution, occupation, work type, pending) held, for the filing season.
pub(super) struct Filings {
    pub csv: csv::Writer<Vec<u8>>,
    pub filed: Vec<Vec<Vec<usize>>>,
    pub held: Vec<(String, String, String, bool)>,
}

pub(super) fn draw(
    rng: &mut ChaCha8Rng,
    prefs: &[Pref],
    occs: &[Occ],
    institutions: &[Inst],
    scale: f64,
    per_occupation: Option<usize>,
    first_day: NaiveDate,
) -> Filings {
    let mut filings_csv = table(&columns::FILINGS);
    let mut filed: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); occs.len()]; prefs.len()];
    let mut held: Vec<(String, String, String, bool)> = Vec::new();
    let gap_occupation = occs.iter().position(|o| o.name == "会展设计师");
    for (pi, p) in prefs.iter().enumerate() {
        let local: Vec<usize> = (0..institutions.len())
            .filter(|&i| institutions[i].pref == pi)
            .collect();
        for (oi, o) in occs.iter().enumerate() {
            if Some(oi) == gap_occupation {
                continue; // 成熟一个，实施一个: nobody filed yet
            }
            let coverage = if o.popularity >= 3.0 { 1.0 } else { 0.55 };
            if !rng.gen_bool(coverage) {
                continue;
            }
            let how_many = per_occupation.unwrap_or(
                if p.population > 6.0 { 2 } else { 1 } * (scale.round() as usize).max(1),
            );
            let mut chosen = local.clone();
            chosen.shuffle(rng);
            for &i in chosen.iter().take(how_many.min(local.len())) {
                let roll = rng.gen_range(0..100);
                let (status, filed_on) = match roll {
                    0..=2 => ("pending", first_day - Duration::days(20)),
                    3..=4 => ("suspended", first_day - Duration::days(300)),
                    5 => ("revoked", first_day - Duration::days(400)),
                    6..=7 => ("filed", first_day + Duration::days(15)),
                    _ => ("filed", first_day - Duration::days(rng.gen_range(30..700))),
                };
                let levels = if rng.gen_bool(0.8) {
                    format!("{}-{}", o.levels[0], o.levels[o.levels.len() - 1])
                } else {
                    o.levels
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join("|")
                };
                held.push((
                    institutions[i].id.clone(),
                    o.name.clone(),
                    o.work_type.clone(),
                    status == "pending",
                ));
                row(
                    &mut filings_csv,
                    [
                        &institutions[i].id,
                        &o.name,
                        &o.work_type,
                        &levels,
                        status,
                        &filed_on.to_string(),
                    ],
                );
                if status == "filed" && filed_on <= first_day {
                    filed[pi][oi].push(i);
                }
            }
        }
    }

    Filings {
        csv: filings_csv,
        filed,
        held,
    }
}

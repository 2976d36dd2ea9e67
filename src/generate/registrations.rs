//! Registrations: persons drawn by prefecture population, papers by occupation popularity and
//! level, ~3 % of persons holding two papers (by default; [`Mix`] sets the shares), a few the
//! same paper twice, most registered at a filed local institution, a few rows under former
//! names or Chinese level names — as real exports are.

use super::institutions::Inst;
use super::*;

/// What [`draw`] writes: candidates.csv, the same demand as counts (prefecture, occupation
/// row, level) for a forecast, and how many rows were written.
pub(super) struct Registrations {
    pub csv: csv::Writer<Vec<u8>>,
    pub demand: Vec<Vec<[u32; 6]>>,
    pub written: usize,
    /// The first few persons' ID numbers of each prefecture: the relatives exam-day staff
    /// declare (回避).
    pub persons: Vec<Vec<String>>,
}

pub(super) fn draw(
    rng: &mut ChaCha8Rng,
    candidates: usize,
    prefs: &[Pref],
    occs: &[Occ],
    institutions: &[Inst],
    filed: &[Vec<Vec<usize>>],
    mix: &Mix,
) -> Registrations {
    let pref_w: Vec<f64> = prefs.iter().map(|p| p.population).collect();
    let occ_w: Vec<f64> = occs.iter().map(|o| o.popularity).collect();
    let level_weight = |l: u8| [0.0, 0.05, 0.15, 0.35, 0.30, 0.15][l as usize];
    let mut cand_csv = table(&columns::CANDIDATES);
    let mut demand = vec![vec![[0u32; 6]; occs.len()]; prefs.len()];
    let mut written = 0;
    let mut next_id = 1;
    let mut persons: Vec<Vec<String>> = vec![Vec::new(); prefs.len()];
    while written < candidates {
        let pi = weighted(rng, &pref_w);
        let id_number = resident_id(rng, &prefs[pi].code);
        if persons[pi].len() < 50 {
            persons[pi].push(id_number.clone());
        }
        let name = format!(
            "{}{}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            GIVEN[rng.gen_range(0..GIVEN.len())]
        );
        let papers = if rng.gen_bool(mix.two_paper_share) {
            2
        } else {
            1
        };
        let mut previous: Option<(usize, u8)> = None;
        for _ in 0..papers {
            if written >= candidates {
                break;
            }
            let (oi, level) = loop {
                let oi = weighted(rng, &occ_w);
                let lw: Vec<f64> = occs[oi].levels.iter().map(|&l| level_weight(l)).collect();
                let level = occs[oi].levels[weighted(rng, &lw)];
                if previous != Some((oi, level)) {
                    break (oi, level);
                }
            };
            previous = Some((oi, level));
            let repeats = if rng.gen_bool(0.002) { 2 } else { 1 }; // the same paper twice
            for _ in 0..repeats {
                if written >= candidates {
                    break;
                }
                demand[pi][oi][level as usize] += 1;
                let registered = if !filed[pi][oi].is_empty() && rng.gen_bool(mix.registered_share)
                {
                    institutions[*filed[pi][oi].choose(rng).unwrap()].id.clone()
                } else if rng.gen_bool(0.02) {
                    let local: Vec<&Inst> = institutions.iter().filter(|i| i.pref == pi).collect();
                    local.choose(rng).unwrap().id.clone()
                } else {
                    String::new()
                };
                let o = &occs[oi];
                // a few rows use former names and Chinese level names, as real exports do
                let occupation = match (o.name.as_str(), rng.gen_range(0..200)) {
                    ("劳动关系协调师", 0) => "劳动关系协调员",
                    ("营养师", 0) => "公共营养师",
                    _ => o.name.as_str(),
                };
                let level_text = if rng.gen_range(0..100) == 0 {
                    crate::case::level_name(level).to_string()
                } else {
                    level.to_string()
                };
                row(
                    &mut cand_csv,
                    [
                        &format!("C{next_id:07}"),
                        &name,
                        &id_number,
                        &prefs[pi].name,
                        occupation,
                        &o.work_type,
                        &level_text,
                        &registered,
                    ],
                );
                next_id += 1;
                written += 1;
            }
        }
    }

    Registrations {
        csv: cand_csv,
        demand,
        written,
        persons,
    }
}

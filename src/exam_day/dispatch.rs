//! 逢考必督, 双随机: a quality supervisor (质量督导员) for every site, drawn from the seed.
//!
//! The draw is the spot-check's (README, "The spot-check draw"): one ChaCha20 stream keyed by
//! SHA-256 of the seed text, one Fisher–Yates shuffle of the supervisors sorted by id. Sites
//! then take turns in the order papers are printed (slot by time, institution by id); each
//! takes, of the supervisors who may go — not its employee, within `max_slots`, not at another
//! site at that time — the first by: from another prefecture, not there before this quarter,
//! fewest dispatches so far, then shuffled order. Anyone holding the seed and the files can
//! redo it by hand.

use super::sittings::Day;
use crate::case::{Case, Supervisor};
use crate::filing::spot_check::{shuffle, stream};
use rustc_hash::FxHashMap as HashMap;

/// One site's dispatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatch {
    /// Index into [`Day::sites`].
    pub site: usize,
    /// Index into the supervisors; `None` when nobody may go.
    pub supervisor: Option<usize>,
}

/// Draws a supervisor for every site of the day.
pub fn draw(case: &Case, day: &Day, supervisors: &[Supervisor], seed: &str) -> Vec<Dispatch> {
    let mut order: Vec<usize> = (0..supervisors.len()).collect();
    order.sort_by(|&a, &b| {
        supervisors[a]
            .supervisor_id
            .cmp(&supervisors[b].supervisor_id)
    });
    let mut rng = stream(seed);
    shuffle(&mut order, &mut rng);
    let employer = employers(case, supervisors);
    let slots = case.sessions.len();
    // busy[v][t]: v is at a site during slot t (or a slot overlapping it)
    let mut busy = vec![vec![false; slots]; supervisors.len()];
    let mut sent = vec![0u32; supervisors.len()];
    // the institutions each has been sent to (a handful: max_slots)
    let mut visited: Vec<Vec<usize>> = vec![Vec::new(); supervisors.len()];
    let overlapping: Vec<Vec<usize>> = (0..slots)
        .map(|t| (0..slots).filter(|&u| case.same_time(t, u)).collect())
        .collect();
    day.sites
        .iter()
        .enumerate()
        .map(|(k, site)| {
            let i = site.institution;
            let prefecture = case.institutions[i].prefecture;
            let chosen = order
                .iter()
                .copied()
                .filter(|&v| {
                    !employer[v].contains(&i)
                        && sent[v] < supervisors[v].max_slots
                        && !busy[v][site.slot]
                })
                .min_by_key(|&v| {
                    (
                        supervisors[v].prefecture == prefecture,
                        visited[v].contains(&i),
                        sent[v],
                    )
                });
            if let Some(v) = chosen {
                sent[v] += 1;
                for &u in &overlapping[site.slot] {
                    busy[v][u] = true;
                }
                visited[v].push(i);
            }
            Dispatch {
                site: k,
                supervisor: chosen,
            }
        })
        .collect()
}

/// Per supervisor, the institutions that employ them ([`Supervisor::employed_by`]), found once.
fn employers(case: &Case, supervisors: &[Supervisor]) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, inst) in case.institutions.iter().enumerate() {
        for key in [
            inst.id.to_ascii_uppercase(),
            inst.credit_code.to_ascii_uppercase(),
            inst.name.trim().to_string(),
        ] {
            by_key.entry(key).or_default().push(i);
        }
    }
    supervisors
        .iter()
        .map(|s| {
            let e = s.employer.trim();
            let mut found: Vec<usize> = [e.to_ascii_uppercase(), e.to_string()]
                .iter()
                .filter_map(|key| by_key.get(key))
                .flatten()
                .copied()
                .filter(|&i| s.employed_by(&case.institutions[i]))
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

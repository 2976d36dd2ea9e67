//! `panels`: an on-site assessment panel for every applicant (附件5 说明2 and 4).
//!
//! The hard rules are applied here, expert by expert, before the model sees anything: the
//! model (`solve::panels`) is offered only experts who are qualified and need not recuse. An
//! applicant the model leaves out is explained by re-checking the rules in order, so the
//! official reads which rule left it without a panel, not "infeasible".

use crate::case::{Case, Expert, Title};
use crate::solve::panels::{self as model, Applicant, Candidate, PanelPlan, PanelProblem};
use crate::solve::{Limits, Settings, SolveError, StageResult};
use crate::words::no_panel;
use serde::Serialize;

/// The files `panels` writes.
pub const FILES: [&str; 3] = ["panels.csv", "unassigned.csv", "summary.json"];

/// The contract's default and smallest panel: 附件5 asks for at least two experts.
pub const DEFAULT_SIZE: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The case has no experts.csv (or experts.xlsx).
    #[error("the case has no experts.csv: panels are drawn from it")]
    NoExperts,
    /// `--panel-size` below 2.
    #[error("a panel has at least 2 experts (附件5 说明2), got {0}")]
    Size(u32),
    #[error(transparent)]
    Solver(#[from] SolveError),
}

/// The panels of one round, with what the official reads.
#[derive(Debug)]
pub struct Panels {
    pub size: u32,
    /// Institutions with a pending filing, in the case's order.
    pub applicants: Vec<usize>,
    pub plan: PanelPlan,
    /// Applied occupations in total (the covered stage's ceiling).
    pub applied_occupations: usize,
    /// `(institution, reason, reason_code)` for every applicant without a panel.
    pub unassigned: Vec<(usize, String, &'static str)>,
}

/// Gives every applicant a panel of `size` experts, as the contract's order of objectives asks.
pub fn assign(case: &Case, size: u32, settings: &Settings) -> Result<Panels, Error> {
    if size < 2 {
        return Err(Error::Size(size));
    }
    let experts = case.experts.as_deref().ok_or(Error::NoExperts)?;
    let applicants = case.applicants();
    let problem = PanelProblem {
        size,
        capacity: experts.iter().map(|e| e.max_panels).collect(),
        applicants: applicants
            .iter()
            .map(|&i| applicant(case, experts, i))
            .collect(),
    };
    let limits = Limits {
        time_limit: settings.time_limit,
        rel_gap: settings.gap,
        abs_gap: 0.5,
        // the panel MIPs try presolve first and check its answer whatever this says (see
        // solve::panels)
        presolve: true,
        interior_point: false,
        // counted work, as the timetable's MIPs: the same panels on every machine
        node_limit: Some(settings.work.mip_nodes),
        lp_iterations: Some(settings.work.mip_lp_iterations),
        stop_when_the_root_is_costly: false,
        sub_mip_heuristics: true,
        strong_branching: true,
    };
    let plan = model::assign(&problem, limits)?;
    let mut load = vec![0u32; experts.len()];
    for &e in plan.panels.iter().flatten() {
        load[e] += 1;
    }
    let unassigned = applicants
        .iter()
        .zip(&plan.panels)
        .filter(|(_, panel)| panel.is_empty())
        .map(|(&i, _)| {
            let (code, text) = reason(case, experts, i, size, &load);
            (i, text, code)
        })
        .collect();
    Ok(Panels {
        size,
        applied_occupations: problem.applicants.iter().map(|a| a.occupations).sum(),
        applicants,
        plan,
        unassigned,
    })
}

/// The experts who may assess institution `i`, each with the applied occupations it covers.
fn applicant(case: &Case, experts: &[Expert], i: usize) -> Applicant {
    let institution = &case.institutions[i];
    let applied = case.applied_occupations(i);
    let candidates = experts
        .iter()
        .enumerate()
        .filter(|(_, e)| e.title.qualified() && !e.recuses_from(i, institution))
        .map(|(k, e)| Candidate {
            expert: k,
            covers: (0..applied.len())
                .filter(|&o| e.covers(applied[o]))
                .collect(),
            km: case.road_km[e.prefecture][institution.prefecture],
        })
        .collect();
    Applicant {
        occupations: applied.len(),
        candidates,
    }
}

/// Why institution `i` has no panel: the rules checked one by one, the first that fails named.
fn reason(
    case: &Case,
    experts: &[Expert],
    i: usize,
    size: u32,
    load: &[u32],
) -> (&'static str, String) {
    let institution = &case.institutions[i];
    let applied = case.applied_occupations(i);
    let names: Vec<&str> = applied.iter().map(|c| case.occupation_name(c)).collect();
    let covers_any = |e: &Expert| applied.iter().any(|c| e.covers(c));
    let why_out = |e: &Expert| -> Option<String> {
        if !e.title.qualified() {
            Some(no_panel::title(&e.expert_id, e.title.label()))
        } else if e.employed_by(institution) {
            Some(no_panel::employed(&e.expert_id))
        } else if e.conflicts.contains(&i) {
            Some(no_panel::conflict(&e.expert_id))
        } else {
            None
        }
    };
    let qualified: Vec<&Expert> = experts.iter().filter(|e| e.title.qualified()).collect();
    if qualified.is_empty() {
        return (
            "no_qualified_expert",
            no_panel::no_qualified(&[
                Title::SeniorTechnician.label(),
                Title::Senior.label(),
                Title::AssociateSenior.label(),
            ]),
        );
    }
    let free: Vec<usize> = (0..experts.len())
        .filter(|&k| why_out(&experts[k]).is_none())
        .collect();
    if free.len() < size as usize {
        let out: Vec<String> = qualified.iter().filter_map(|e| why_out(e)).collect();
        return ("too_few_experts", no_panel::too_few(free.len(), size, &out));
    }
    let covering: Vec<usize> = free
        .iter()
        .copied()
        .filter(|&k| covers_any(&experts[k]))
        .collect();
    if covering.is_empty() {
        let out: Vec<String> = experts
            .iter()
            .filter(|e| covers_any(e))
            .filter_map(why_out)
            .collect();
        return (
            "no_expert_covers",
            no_panel::none_covers(&names.join("、"), &out),
        );
    }
    let spare = |k: &usize| load[*k] < experts[*k].max_panels;
    if !covering.iter().any(spare) {
        let full: Vec<String> = covering
            .iter()
            .map(|&k| {
                format!(
                    "{} {}/{}",
                    experts[k].expert_id, load[k], experts[k].max_panels
                )
            })
            .collect();
        return ("experts_full", no_panel::all_full(&names.join("、"), &full));
    }
    let with_room = free.iter().filter(|k| spare(k)).count();
    if with_room < size as usize {
        return (
            "too_few_with_room",
            no_panel::too_few_with_room(with_room, size),
        );
    }
    ("time_limit", no_panel::time_limit())
}

/// One row of panels.csv: one member of one panel.
#[derive(Debug, Default, Serialize)]
struct PanelRow<'a> {
    institution_id: &'a str,
    institution: &'a str,
    prefecture: &'a str,
    expert_id: &'a str,
    expert: &'a str,
    title: &'a str,
    covers: String,
    travel_km: f64,
}

#[derive(Debug, Default, Serialize)]
struct UnassignedRow<'a> {
    institution_id: &'a str,
    institution: &'a str,
    reason: &'a str,
    reason_code: &'a str,
}

/// One stage in summary.json, in the sense of its objective (`bound` above a maximum's value,
/// below a minimum's).
#[derive(Debug, Serialize)]
struct StageJson {
    value: f64,
    bound: f64,
    status: &'static str,
}

impl From<&StageResult> for StageJson {
    fn from(s: &StageResult) -> Self {
        StageJson {
            value: s.value,
            bound: s.bound,
            status: if s.proven { "optimal" } else { "feasible" },
        }
    }
}

#[derive(Debug, Serialize)]
struct SummaryJson {
    applicants: usize,
    panel_size: u32,
    with_panel: StageJson,
    occupations_applied: usize,
    occupations_covered: StageJson,
    travel_km: StageJson,
    busiest_expert_panels: StageJson,
    unassigned: usize,
}

impl Panels {
    pub fn panels_csv(&self, case: &Case) -> Vec<u8> {
        let experts = case.experts.as_deref().unwrap_or_default();
        let mut rows = Vec::new();
        for (&i, panel) in self.applicants.iter().zip(&self.plan.panels) {
            let inst = &case.institutions[i];
            let applied = case.applied_occupations(i);
            for &k in panel {
                let e = &experts[k];
                rows.push(PanelRow {
                    institution_id: &inst.id,
                    institution: &inst.name,
                    prefecture: &case.prefectures[inst.prefecture].name,
                    expert_id: &e.expert_id,
                    expert: &e.name,
                    title: e.title.label(),
                    covers: applied
                        .iter()
                        .filter(|c| e.covers(c))
                        .map(|c| case.occupation_name(c))
                        .collect::<Vec<_>>()
                        .join("|"),
                    travel_km: case.road_km[e.prefecture][inst.prefecture],
                });
            }
        }
        crate::plan::csv_bytes::<PanelRow, _>(rows)
    }

    pub fn unassigned_csv(&self, case: &Case) -> Vec<u8> {
        crate::plan::csv_bytes::<UnassignedRow, _>(self.unassigned.iter().map(
            |(i, reason, code)| {
                let inst = &case.institutions[*i];
                UnassignedRow {
                    institution_id: &inst.id,
                    institution: &inst.name,
                    reason,
                    reason_code: code,
                }
            },
        ))
    }

    /// summary.json, without timings so the same input gives the same bytes.
    pub fn summary_json(&self) -> Vec<u8> {
        let p = &self.plan;
        let summary = SummaryJson {
            applicants: self.applicants.len(),
            panel_size: self.size,
            with_panel: (&p.with_panel).into(),
            occupations_applied: self.applied_occupations,
            occupations_covered: (&p.covered).into(),
            travel_km: (&p.travel).into(),
            busiest_expert_panels: (&p.busiest).into(),
            unassigned: self.unassigned.len(),
        };
        let mut bytes = serde_json::to_vec_pretty(&summary).expect("summary serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The lines `panels` prints: each stage's value, bound and status.
    pub fn story(&self) -> String {
        let p = &self.plan;
        let status = |s: &StageResult| if s.proven { "optimal" } else { "not proven" };
        let mut lines = vec![
            format!(
                "{} of {} applicant(s) have a panel of {} (bound {}, {})",
                p.with_panel.value,
                self.applicants.len(),
                self.size,
                p.with_panel.bound,
                status(&p.with_panel)
            ),
            format!(
                "applied occupations covered by their panel: {} of {} (bound {}, {})",
                p.covered.value,
                self.applied_occupations,
                p.covered.bound,
                status(&p.covered)
            ),
            format!(
                "expert travel: {:.0} km (bound {:.0}, {})",
                p.travel.value,
                p.travel.bound,
                status(&p.travel)
            ),
            format!(
                "busiest expert: {} panel(s) (bound {}, {})",
                p.busiest.value,
                p.busiest.bound,
                status(&p.busiest)
            ),
        ];
        if !self.unassigned.is_empty() {
            lines.push(format!(
                "{} applicant(s) without a panel: unassigned.csv says which rule left each out",
                self.unassigned.len()
            ));
        }
        lines.join("\n")
    }

    /// Writes the three files into `out`, all or nothing.
    pub fn write(&self, case: &Case, out: &std::path::Path) -> std::io::Result<()> {
        let staging = crate::output::staging::Staging::new(out)?;
        staging.add_bytes("panels.csv", &self.panels_csv(case))?;
        staging.add_bytes("unassigned.csv", &self.unassigned_csv(case))?;
        staging.add_bytes("summary.json", &self.summary_json())?;
        staging.commit(&FILES)
    }
}

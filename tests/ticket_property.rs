//! A published ticket is a person, as a property: any sequence of withdrawals and late
//! registrations, replanned step by step, never gives a ticket any earlier plan published to
//! another person.

mod common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// One step of the quarter: which of the current registrations withdraw (by a draw per
/// registration: withdrawn when below `withdraw_per_mille`), and how many late ones arrive,
/// of which paper and where registered.
#[derive(Debug, Clone)]
struct Step {
    withdraw_per_mille: u32,
    draws: Vec<u32>,
    late: Vec<(usize, bool)>,
}

#[derive(Debug, Clone)]
struct Quarter {
    /// Seats of I1's two rooms (I2 has one of 200).
    rooms: (u32, u32),
    /// Registrations per paper: (at I1, free).
    first: Vec<(u32, u32)>,
    steps: Vec<Step>,
}

fn quarter() -> impl Strategy<Value = Quarter> {
    let step = (
        0u32..=150,
        prop::collection::vec(0u32..1000, 600),
        prop::collection::vec((0usize..2, any::<bool>()), 0..=60),
    )
        .prop_map(|(withdraw_per_mille, draws, late)| Step {
            withdraw_per_mille,
            draws,
            late,
        });
    (
        (60u32..=140, 60u32..=140),
        prop::collection::vec((0u32..=180, 0u32..=120), 2),
        prop::collection::vec(step, 1..=3),
    )
        .prop_map(|(rooms, first, steps)| Quarter {
            rooms,
            first,
            steps,
        })
}

const PAPERS: [&str; 2] = ["甲职业", "乙职业"];

fn base(q: &Quarter) -> Tiny {
    let mut t = Tiny {
        rooms: format!(
            "institution_id,room_id,seats,camera_p\nI1,R1,{},1080\nI1,R2,{},1080\nI2,R1,200,1080\n",
            q.rooms.0, q.rooms.1
        ),
        ..Tiny::default()
    };
    t.institutions += &format!("I2,二号（虚构）,{CREDIT_OK},株洲市,企业,40,8,1500,200,\n");
    t.filings += "I2,甲职业,,4-1,filed,2026-01-01\nI2,乙职业,,4|3,filed,2026-01-01\n";
    let mut next = 1;
    for (p, &(at_i1, free)) in q.first.iter().enumerate() {
        t.add(next, at_i1 as usize, "长沙市", PAPERS[p], 3, "I1");
        next += at_i1 as usize;
        t.add(next, free as usize, "株洲市", PAPERS[p], 3, "");
        next += free as usize;
    }
    t
}

/// ticket → (candidate_id, id_number) of a plan folder.
fn owners(plan: &Path) -> BTreeMap<String, (String, String)> {
    csv_rows(&plan.join("seats.csv"))
        .iter()
        .map(|r| {
            (
                r["ticket_no"].to_string(),
                (r["candidate_id"].to_string(), r["id_number"].to_string()),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_changes_moves_a_ticket_to_another_person(q in quarter()) {
        let dir = tempfile::tempdir().unwrap();
        let mut t = base(&q);
        let case = t.write(&dir.path().join("case0"));
        let mut previous = dir.path().join("plan0");
        let o = run(&["plan", case.to_str().unwrap(), "--out", previous.to_str().unwrap()]);
        prop_assert!(o.status.success(), "{}", stderr(&o));
        let mut published: BTreeMap<String, (String, String)> = owners(&previous);
        let mut late_id = 50_000;
        for (k, step) in q.steps.iter().enumerate() {
            let mut lines: Vec<String> = t.candidates.lines().map(str::to_string).collect();
            let header = lines.remove(0);
            let kept: Vec<String> = lines
                .into_iter()
                .enumerate()
                .filter(|(i, _)| step.draws[i % step.draws.len()] >= step.withdraw_per_mille)
                .map(|(_, l)| l)
                .collect();
            t.candidates = format!("{header}\n{}\n", kept.join("\n"));
            for &(p, registered) in &step.late {
                t.add(late_id, 1, "长沙市", PAPERS[p], 3, if registered { "I1" } else { "" });
                late_id += 1;
            }
            let case = t.write(&dir.path().join(format!("case{}", k + 1)));
            let out = dir.path().join(format!("plan{}", k + 1));
            let o = replan_into(&case, &previous, &out);
            prop_assert!(o.status.success(), "step {}: {}{}", k + 1, stdout(&o), stderr(&o));
            for (ticket, owner) in owners(&out) {
                if let Some(was) = published.get(&ticket) {
                    prop_assert_eq!(was, &owner, "ticket {} changed owner at step {}", ticket, k + 1);
                }
                published.insert(ticket, owner);
            }
            previous = out;
        }
    }
}

//! Random small cases: every plan passes `verify`, and its deferred count equals the optimum
//! found by trying every timetable.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use proptest::prelude::*;

const PAPERS: [&str; 3] = ["甲职业", "乙职业", "丙职业"];

#[derive(Debug, Clone)]
struct Small {
    slots: usize,
    /// Per institution: seats of its two rooms (together ≥ 200, the selection condition).
    seats: Vec<(u32, u32)>,
    singles: Vec<u32>,
    /// persons registered for two papers (a, b), a ≠ b
    doubles: Vec<(usize, usize)>,
}

fn small() -> impl Strategy<Value = Small> {
    (
        1usize..=2,
        prop::collection::vec(
            (40u32..=120, 0u32..=60).prop_map(|(a, extra)| (a, 200 - a + extra)),
            1..=2,
        ),
        prop::collection::vec(0u32..=130, 1..=3),
    )
        .prop_flat_map(|(slots, seats, singles)| {
            let papers = singles.len();
            let pair = (0..papers, 0..papers).prop_filter("two papers", |(a, b)| a != b);
            let doubles = if papers > 1 {
                prop::collection::vec(pair, 0..=12).boxed()
            } else {
                Just(Vec::new()).boxed()
            };
            (Just(slots), Just(seats), Just(singles), doubles)
        })
        .prop_map(|(slots, seats, singles, doubles)| Small {
            slots,
            seats,
            singles,
            doubles,
        })
}

/// The fewest deferred over every timetable: a person's later registration is deferred when
/// both papers share a slot; beyond that each slot seats at most the pooled seats.
fn brute_force(s: &Small) -> u32 {
    let papers = s.singles.len();
    let capacity: u32 = s.seats.iter().map(|(a, b)| a + b).sum();
    let mut best = u32::MAX;
    for code in 0..s.slots.pow(papers as u32) {
        let slot: Vec<usize> = (0..papers)
            .map(|p| code / s.slots.pow(p as u32) % s.slots)
            .collect();
        let mut load = vec![0u32; s.slots];
        for (p, &n) in s.singles.iter().enumerate() {
            load[slot[p]] += n;
        }
        let mut deferred = 0;
        for &(a, b) in &s.doubles {
            load[slot[a]] += 1;
            if slot[a] == slot[b] {
                deferred += 1;
            } else {
                load[slot[b]] += 1;
            }
        }
        deferred += load
            .iter()
            .map(|&l| l.saturating_sub(capacity))
            .sum::<u32>();
        best = best.min(deferred);
    }
    best
}

fn write(s: &Small, dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = Tiny::default();
    t.sessions = "date,start,end\n2026-08-15,08:30,12:30\n2026-08-16,08:30,12:30\n"
        .lines()
        .take(1 + s.slots)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    t.institutions = "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n".into();
    t.rooms = "institution_id,room_id,seats,camera_p\n".into();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\n".into();
    for (k, &(r1, r2)) in s.seats.iter().enumerate() {
        // 30 staff watch up to 450: seats, not invigilators, limit these institutions
        t.institutions += &format!("I{k},机构{k}（虚构）,{CREDIT_OK},长沙市,企业,30,8,1500,200,\n");
        t.rooms += &format!("I{k},R1,{r1},1080\nI{k},R2,{r2},1080\n");
        for p in PAPERS {
            t.filings += &format!("I{k},{p},,4|3,filed,2026-01-01\n");
        }
    }
    let mut next = 1;
    for (p, &n) in s.singles.iter().enumerate() {
        t.add(next, n as usize, "长沙市", PAPERS[p], 3, "");
        next += n as usize;
    }
    for (k, &(a, b)) in s.doubles.iter().enumerate() {
        let person = id(&format!("4301021975{:07}", k));
        t.candidates += &format!(
            "D{k:04}a,双{k},{person},长沙市,{},,3,\nD{k:04}b,双{k},{person},长沙市,{},,3,\n",
            PAPERS[a], PAPERS[b]
        );
    }
    t.write(dir)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn plans_verify_and_defer_the_brute_force_optimum(s in small()) {
        let dir = tempfile::tempdir().unwrap();
        let case = write(&s, &dir.path().join("case"));
        let plan = plan_ok(&case, dir.path());
        let summary = summary(&plan);
        prop_assert_eq!(summary["deferred"].as_u64().unwrap(), u64::from(brute_force(&s)), "{}", summary);
    }
}

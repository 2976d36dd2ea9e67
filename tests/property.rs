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

/// The tiny world with `slots` slots (1 or 2) and no institution yet.
fn empty(slots: usize) -> Tiny {
    let mut t = Tiny::default();
    t.sessions = "date,start,end\n2026-08-15,08:30,12:30\n2026-08-16,08:30,12:30\n"
        .lines()
        .take(1 + slots)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    t.institutions = "id,name,credit_code,prefecture,entity_type,staff,qualified_staff,total_area_m2,office_area_m2,records\n".into();
    t.rooms = "institution_id,room_id,seats,camera_p\n".into();
    t.filings = "institution_id,occupation,work_type,levels,status,filed_on\n".into();
    t
}

fn write(s: &Small, dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = empty(s.slots);
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
        // every reported bound lies below the value found (the clash floor included)
        let bound = summary["objectives"]["deferred"]["bound"].as_f64().unwrap();
        prop_assert!(bound <= summary["deferred"].as_f64().unwrap() + 1e-9, "{}", summary);
    }
}

/// Two prefectures (长沙, 株洲, 64 road km apart: within reach), institutions in either, and
/// registrations pinned to an institution (registered there) or free.
#[derive(Debug, Clone)]
struct Pinned {
    slots: usize,
    /// Per institution: (in 株洲?, seats of its two rooms).
    institutions: Vec<(bool, u32, u32)>,
    /// Per paper: (registrations pinned to each institution, free from 长沙, free from 株洲).
    demand: Vec<(Vec<u32>, u32, u32)>,
}

fn pinned() -> impl Strategy<Value = Pinned> {
    (
        1usize..=2,
        prop::collection::vec(
            (any::<bool>(), 40u32..=120, 0u32..=60)
                .prop_map(|(z, a, extra)| (z, a, 200 - a + extra)),
            1..=3,
        ),
    )
        .prop_flat_map(|(slots, institutions)| {
            let n = institutions.len();
            let paper = (prop::collection::vec(0u32..=260, n), 0u32..=40, 0u32..=40);
            (
                Just(slots),
                Just(institutions),
                prop::collection::vec(paper, 1..=3),
            )
        })
        .prop_map(|(slots, institutions, demand)| Pinned {
            slots,
            institutions,
            demand,
        })
}

/// The fewest deferred over every timetable. At one slot a pinned registration has one
/// institution, a free one any (all are within reach): each institution seats its pinned
/// registrations up to its seats, and the free ones fill the seats left anywhere.
fn brute_force_pinned(s: &Pinned) -> u32 {
    let papers = s.demand.len();
    let cap: Vec<u32> = s.institutions.iter().map(|&(_, a, b)| a + b).collect();
    let mut best = u32::MAX;
    for code in 0..s.slots.pow(papers as u32) {
        let mut deferred = 0;
        for t in 0..s.slots {
            let here: Vec<&(Vec<u32>, u32, u32)> = (0..papers)
                .filter(|&p| code / s.slots.pow(p as u32) % s.slots == t)
                .map(|p| &s.demand[p])
                .collect();
            let mut left = 0;
            for (i, &c) in cap.iter().enumerate() {
                let pinned: u32 = here.iter().map(|d| d.0[i]).sum();
                deferred += pinned.saturating_sub(c);
                left += c.saturating_sub(pinned);
            }
            let free: u32 = here.iter().map(|d| d.1 + d.2).sum();
            deferred += free.saturating_sub(left);
        }
        best = best.min(deferred);
    }
    best
}

fn write_pinned(s: &Pinned, dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = empty(s.slots);
    for (k, &(zhuzhou, r1, r2)) in s.institutions.iter().enumerate() {
        let pref = if zhuzhou { "株洲市" } else { "长沙市" };
        t.institutions += &format!("I{k},机构{k}（虚构）,{CREDIT_OK},{pref},企业,30,8,1500,200,\n");
        t.rooms += &format!("I{k},R1,{r1},1080\nI{k},R2,{r2},1080\n");
        for p in PAPERS {
            t.filings += &format!("I{k},{p},,4|3,filed,2026-01-01\n");
        }
    }
    let mut next = 1;
    for (p, (pinned, changsha, zhuzhou)) in s.demand.iter().enumerate() {
        for (k, &n) in pinned.iter().enumerate() {
            // registered at I{k} from either prefecture: within reach, so binding
            let home = if n % 2 == 0 { "长沙市" } else { "株洲市" };
            t.add(next, n as usize, home, PAPERS[p], 3, &format!("I{k}"));
            next += n as usize;
        }
        t.add(next, *changsha as usize, "长沙市", PAPERS[p], 3, "");
        next += *changsha as usize;
        t.add(next, *zhuzhou as usize, "株洲市", PAPERS[p], 3, "");
        next += *zhuzhou as usize;
    }
    t.write(dir)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 30, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn registrations_pinned_to_institutions_defer_the_brute_force_optimum(s in pinned()) {
        let dir = tempfile::tempdir().unwrap();
        let case = write_pinned(&s, &dir.path().join("case"));
        let plan = plan_ok(&case, dir.path());
        let summary = summary(&plan);
        prop_assert_eq!(summary["deferred"].as_u64().unwrap(), u64::from(brute_force_pinned(&s)), "{}", summary);
        prop_assert_eq!(&summary["objectives"]["deferred"]["proven_optimal"], true);
    }
}

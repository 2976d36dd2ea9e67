//! Random small cases: every plan passes `verify`, and its deferred count (and, among the
//! timetables that defer fewest, its count of candidates seated outside their prefecture)
//! equals the optimum found by trying every timetable. Failing cases are kept beside this
//! file (proptest-regressions) and replayed first.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use proptest::prelude::*;

const PAPERS: [&str; 3] = ["甲职业", "乙职业", "丙职业"];

/// Institutions and candidates in 长沙 or 株洲 (64 road km apart: all within reach).
#[derive(Debug, Clone)]
struct Small {
    slots: usize,
    /// Per institution: in 株洲?, and the seats of its two rooms (together ≥ 200, the
    /// selection condition).
    seats: Vec<(bool, u32, u32)>,
    /// Per paper: registrations from 长沙 and from 株洲.
    singles: Vec<(u32, u32)>,
    /// Persons registered for two papers (a, b), a ≠ b, and whether they live in 株洲.
    doubles: Vec<(usize, usize, bool)>,
}

fn small() -> impl Strategy<Value = Small> {
    (
        1usize..=2,
        prop::collection::vec(
            (any::<bool>(), 40u32..=120, 0u32..=60)
                .prop_map(|(z, a, extra)| (z, a, 200 - a + extra)),
            1..=2,
        ),
        prop::collection::vec((0u32..=130, 0u32..=60), 1..=3),
    )
        .prop_flat_map(|(slots, seats, singles)| {
            let papers = singles.len();
            let pair =
                (0..papers, 0..papers, any::<bool>()).prop_filter("two papers", |(a, b, _)| a != b);
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

/// The fewest deferred over every timetable, and the fewest candidates seated outside their
/// prefecture among the timetables that defer fewest. A person's two papers at one slot defer
/// one registration; beyond that each slot seats at most the pooled seats, and the seated of
/// each prefecture fill its own seats first.
fn brute_force(s: &Small) -> (u32, u32) {
    let papers = s.singles.len();
    let seats_in = |zhuzhou: bool| -> u32 {
        s.seats
            .iter()
            .filter(|x| x.0 == zhuzhou)
            .map(|x| x.1 + x.2)
            .sum()
    };
    let (cap_c, cap_z) = (seats_in(false), seats_in(true));
    let mut best = (u32::MAX, u32::MAX);
    for code in 0..s.slots.pow(papers as u32) {
        let slot: Vec<usize> = (0..papers)
            .map(|p| code / s.slots.pow(p as u32) % s.slots)
            .collect();
        // per slot: registrations from 长沙, from 株洲
        let mut load = vec![(0u32, 0u32); s.slots];
        for (p, &(c, z)) in s.singles.iter().enumerate() {
            load[slot[p]].0 += c;
            load[slot[p]].1 += z;
        }
        let mut deferred = 0;
        for &(a, b, zhuzhou) in &s.doubles {
            let mut sit = |t: usize| {
                if zhuzhou {
                    load[t].1 += 1
                } else {
                    load[t].0 += 1
                }
            };
            sit(slot[a]);
            if slot[a] == slot[b] {
                deferred += 1;
            } else {
                sit(slot[b]);
            }
        }
        let mut crossing = 0;
        for &(lc, lz) in &load {
            let seated = (lc + lz).min(cap_c + cap_z);
            deferred += lc + lz - seated;
            // choose how many of the seated come from 长沙; the rest cross when their own
            // prefecture's seats are full
            crossing += (0..=lc.min(seated))
                .filter(|&sc| seated - sc <= lz)
                .map(|sc| sc.saturating_sub(cap_c) + (seated - sc).saturating_sub(cap_z))
                .min()
                .unwrap_or(0);
        }
        best = best.min((deferred, crossing));
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
    let prefecture = |zhuzhou: bool| if zhuzhou { "株洲市" } else { "长沙市" };
    for (k, &(zhuzhou, r1, r2)) in s.seats.iter().enumerate() {
        // 30 staff watch up to 450: seats, not invigilators, limit these institutions
        let pref = prefecture(zhuzhou);
        t.institutions += &format!("I{k},机构{k}（虚构）,{CREDIT_OK},{pref},企业,30,8,1500,200,\n");
        t.rooms += &format!("I{k},R1,{r1},1080\nI{k},R2,{r2},1080\n");
        for p in PAPERS {
            t.filings += &format!("I{k},{p},,4|3,filed,2026-01-01\n");
        }
    }
    let mut next = 1;
    for (p, &(changsha, zhuzhou)) in s.singles.iter().enumerate() {
        t.add(next, changsha as usize, "长沙市", PAPERS[p], 3, "");
        next += changsha as usize;
        t.add(next, zhuzhou as usize, "株洲市", PAPERS[p], 3, "");
        next += zhuzhou as usize;
    }
    for (k, &(a, b, zhuzhou)) in s.doubles.iter().enumerate() {
        let person = id(&format!("4301021975{:07}", k));
        let home = prefecture(zhuzhou);
        t.candidates += &format!(
            "D{k:04}a,双{k},{person},{home},{},,3,\nD{k:04}b,双{k},{person},{home},{},,3,\n",
            PAPERS[a], PAPERS[b]
        );
    }
    t.write(dir)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn plans_verify_and_reach_the_brute_force_optimum(s in small()) {
        let dir = tempfile::tempdir().unwrap();
        let case = write(&s, &dir.path().join("case"));
        let plan = plan_ok(&case, dir.path());
        let summary = summary(&plan);
        let (deferred, crossing) = brute_force(&s);
        prop_assert_eq!(summary["deferred"].as_u64().unwrap(), u64::from(deferred), "{}", summary);
        prop_assert_eq!(summary["cross_prefecture"].as_u64().unwrap(), u64::from(crossing), "{}", summary);
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
    #![proptest_config(ProptestConfig { cases: 30, ..ProptestConfig::default() })]

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

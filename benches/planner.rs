//! Criterion benchmarks of the planner's stages on a generated 3,000-registration case.
//! Run with `cargo bench`; BENCHMARKS.md records end-to-end figures from the command line.

use criterion::{criterion_group, criterion_main, Criterion};
use exam_planner::plan::deal;
use exam_planner::{case, filing, generate, pipeline, solve};

/// The case and its folder (kept while the benches run: the spot-check draw hashes its files).
fn small_case() -> (case::Case, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("exam-planner-bench-{}", std::process::id()));
    let spec = generate::Spec {
        seed: 1,
        candidates: 3000,
        institution_scale: None,
        weekends: Some(1),
        quarter: (2026, 3),
        demand_only: false,
    };
    generate::generate(&spec, &dir).expect("generate");
    let (case, diags) = case::load(&dir);
    assert!(!diags.has_errors());
    (case.expect("case"), dir)
}

fn benches(c: &mut Criterion) {
    let (case, dir) = small_case();
    let settings = solve::Settings::default();
    let mut g = c.benchmark_group("3000 registrations, 4 slots");
    g.sample_size(10);
    g.bench_function("plan (vet, solve, seat)", |b| {
        b.iter(|| pipeline::plan_case(&case, &settings, None, None).expect("plan"))
    });
    let solution =
        solve::solve(&case, pipeline::prepare(&case, None), &settings, None).expect("solve");
    g.bench_function("one what-if scenario, warm-started", |b| {
        b.iter(|| {
            solve::solve(
                &case,
                pipeline::prepare(&case, None),
                &settings,
                Some(&solution.timetable),
            )
            .expect("solve")
        })
    });
    g.bench_function("seat dealing", |b| b.iter(|| deal::deal(&case, &solution)));
    // the same case's filing season: 22 applicants, 67 experts
    g.bench_function("assessment panels", |b| {
        b.iter(|| filing::panels::assign(&case, 2, &settings).expect("panels"))
    });
    let rate = filing::spot_check::Rate::parse("0.1").expect("rate");
    g.bench_function("spot-check draw", |b| {
        b.iter(|| filing::spot_check::draw(&case, "2026-09-01", rate).expect("draw"))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(planner_benches, benches);
criterion_main!(planner_benches);

//! Criterion benchmarks of the planner's stages on a generated 3,000-registration case.
//! Run with `cargo bench`; BENCHMARKS.md records end-to-end figures from the command line.

use criterion::{criterion_group, criterion_main, Criterion};
use exam_planner::plan::deal;
use exam_planner::{case, exam_day, filing, generate, pipeline, solve};

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
        mix: Default::default(),
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
    // exam day on the same case's plan: read the published plan, roster it, draw supervisors
    let plan = dir.with_extension("plan");
    planned(&dir, &plan);
    g.bench_function("exam day (read plan, roster, dispatch)", |b| {
        b.iter(|| exam_day::prepare(&case, &plan, "2026-09-01").expect("exam day"))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plan);
    large_exam_day(c);
}

/// Plans `case_dir` into `plan` with the command line, as officials publish it.
fn planned(case_dir: &std::path::Path, plan: &std::path::Path) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_exam-planner"))
        .arg("plan")
        .arg(case_dir)
        .arg("--out")
        .arg(plan)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run exam-planner plan");
    assert!(status.success());
}

/// Exam day at scale, on a case and its plan named by `EXAM_PLANNER_BENCH_EXAM_DAY=CASE:PLAN`
/// (BENCHMARKS.md, "Exam day", makes them: 1,000,000 registrations take minutes to generate and
/// plan, too long to redo on every `cargo bench`).
fn large_exam_day(c: &mut Criterion) {
    let Ok(spec) = std::env::var("EXAM_PLANNER_BENCH_EXAM_DAY") else {
        return;
    };
    let Some((case_dir, plan)) = spec.split_once(':') else {
        panic!("EXAM_PLANNER_BENCH_EXAM_DAY expects CASE:PLAN, got {spec:?}");
    };
    let (case, diags) = case::load(std::path::Path::new(case_dir));
    assert!(!diags.has_errors());
    let case = case.expect("case");
    let mut g = c.benchmark_group(format!("exam day, {case_dir}"));
    g.sample_size(10);
    g.bench_function("read plan, roster, dispatch", |b| {
        b.iter(|| exam_day::prepare(&case, std::path::Path::new(plan), "2026Q3").expect("exam day"))
    });
    g.finish();
}

criterion_group!(planner_benches, benches);
criterion_main!(planner_benches);

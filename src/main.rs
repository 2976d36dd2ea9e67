//! The command line: arguments → library calls → exit codes. No planning logic lives here.

use clap::{Args, Parser, Subcommand};
use exam_planner::diag::Severity;
use exam_planner::{generate, planner, progress, solve, validate, verify, vet, whatif};
use exam_planner::{note, say};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "exam-planner",
    version,
    about = "Plans Hunan's unified skill-certification exams: one slot per paper, seats near home."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct SolveArgs {
    /// Solver wall clock per model, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Relative MIP gap to stop at (default 0.0001; 0 proves optimality).
    #[arg(long, value_name = "FRACTION")]
    gap: Option<f64>,
    /// Parallel workers (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

impl SolveArgs {
    fn settings(&self) -> Result<solve::Settings, String> {
        let mut s = solve::Settings::default();
        if let Some(t) = self.time_limit {
            if t.is_nan() || t <= 0.0 {
                return Err(format!("--time-limit must be positive, got {t}"));
            }
            s.time_limit = Some(t);
        }
        if let Some(g) = self.gap {
            if !(0.0..1.0).contains(&g) {
                return Err(format!("--gap must be in [0, 1), got {g}"));
            }
            s.gap = g;
        }
        Ok(s)
    }

    /// Settings and worker pool, or the usage error's exit code.
    fn setup(&self) -> Result<(solve::Settings, rayon::ThreadPool), ExitCode> {
        let settings = self.settings().map_err(|e| usage(&e))?;
        let pool = self.pool().map_err(|e| usage(&e))?;
        Ok((settings, pool))
    }

    fn pool(&self) -> Result<rayon::ThreadPool, String> {
        let n = self.threads.unwrap_or(0);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| e.to_string())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Read and check every input file; print each problem as file:line: column: message.
    Validate { case: PathBuf },
    /// Check every institution against the selection conditions and the assessment rule.
    Vet {
        case: PathBuf,
        /// Write vetting.csv and coverage.csv into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build and solve the quarter's plan and write the plan folder.
    Plan {
        case: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// A published timetable (a timetable.csv written earlier): every listed paper sits at
        /// its slot; registrations for unlisted papers are deferred.
        #[arg(long, value_name = "FILE")]
        timetable: Option<PathBuf>,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// Re-check a written plan against the case, independently of the solver.
    Verify {
        case: PathBuf,
        dir: PathBuf,
        /// The plan DIR replanned: check its kept and moved tickets against this one too.
        #[arg(long, value_name = "PREVIOUS")]
        previous: Option<PathBuf>,
    },
    /// Seat the quarter as it stands now on the published plan, changing as few tickets as
    /// possible; writes a plan folder and changes.csv.
    Replan {
        case: PathBuf,
        /// The plan folder that was published.
        #[arg(long, value_name = "DIR")]
        previous: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// Run what-if scenarios in parallel against the baseline.
    Whatif {
        case: PathBuf,
        /// A TOML file of [[scenario]] tables.
        #[arg(long)]
        scenarios: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// One scenario per eligible institution: `add-room:SEATS`.
        #[arg(long, value_name = "add-room:SEATS")]
        sweep: Option<String>,
        /// Number of demand draws.
        #[arg(long, value_name = "N")]
        monte_carlo: Option<usize>,
        /// Coefficient of variation of each group's count.
        #[arg(long, value_name = "C", default_value_t = 0.2)]
        cv: f64,
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Do not start scenarios from the baseline's timetable.
        #[arg(long)]
        no_warm_start: bool,
        /// Run part K of N of the scenario list and write a part folder (see whatif-merge).
        /// Without it, a Slurm job array's variables choose the part.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// The number of parts of a Kubernetes Indexed Job (its completions); the part is
        /// JOB_COMPLETION_INDEX + 1.
        #[arg(long, value_name = "N")]
        shards: Option<usize>,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// Join the part folders of a sharded what-if run into the files one machine writes.
    WhatifMerge {
        /// The part folders, in any order.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// The case, when it is no longer where the parts ran.
        #[arg(long)]
        case: Option<PathBuf>,
    },
    /// Plan with exam-planner's decomposition and with the monolithic model of model.md under
    /// the same limits, and print both results side by side (nothing is written).
    Compare {
        case: PathBuf,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// Give every institution with a pending filing an on-site assessment panel of qualified
    /// experts (experts.csv); writes panels.csv, unassigned.csv and summary.json.
    Panels {
        case: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Experts per panel (at least 2).
        #[arg(long, value_name = "N", default_value_t = exam_planner::filing::panels::DEFAULT_SIZE)]
        panel_size: u32,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// 双随机、一公开: draw filed institutions and two inspectors each, reproducibly from a seed
    /// text; writes spot_checks.csv and notice.md.
    SpotCheck {
        case: PathBuf,
        /// Any text, announced before the draw (e.g. the date and a lottery number).
        #[arg(long)]
        seed: String,
        /// The share of eligible filed institutions to draw, e.g. 0.1.
        #[arg(long, value_name = "F")]
        rate: String,
        #[arg(long)]
        out: PathBuf,
        /// Accepted for symmetry with the other commands; the draw is sequential, so the
        /// bytes never depend on it.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Write every CSV table of a case as NAME.xlsx (numbers, dates and IDs typed as Excel
    /// holds them) into a new case folder, for officials who keep the case in Excel.
    ToXlsx {
        case: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a realistic synthetic Hunan case.
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        candidates: usize,
        /// Institutions per prefecture × this (default: grows with the candidates).
        #[arg(long)]
        institution_scale: Option<f64>,
        /// Exam weekends in the quarter, 4 sessions each (default 2, or 4 above 30,000).
        #[arg(long)]
        weekends: Option<usize>,
        /// The quarter, e.g. 2026Q3.
        #[arg(long, default_value = "2026Q3")]
        quarter: String,
        /// Write demand.csv (a forecast) instead of candidates.csv.
        #[arg(long)]
        demand_only: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::catch_interrupts();
    match cli.command {
        Command::Validate { case } => cmd_validate(&case),
        Command::Vet { case, out } => cmd_vet(&case, out.as_deref()),
        Command::Plan {
            case,
            out,
            timetable,
            solve,
        } => cmd_plan(&case, &out, timetable.as_deref(), &solve),
        Command::Verify {
            case,
            dir,
            previous,
        } => cmd_verify(&case, &dir, previous.as_deref()),
        Command::Replan {
            case,
            previous,
            out,
            solve,
        } => cmd_replan(&case, &previous, &out, &solve),
        Command::Compare { case, solve } => cmd_compare(&case, &solve),
        Command::Panels {
            case,
            out,
            panel_size,
            solve,
        } => cmd_panels(&case, &out, panel_size, &solve),
        Command::SpotCheck {
            case,
            seed,
            rate,
            out,
            threads: _,
        } => cmd_spot_check(&case, &seed, &rate, &out),
        Command::WhatifMerge { parts, out, case } => {
            let mut inputs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
            inputs.extend(case.as_deref());
            if let Err(code) = guard(&out, &inputs, &whatif::report::FILES) {
                return code;
            }
            match whatif::shard::merge(&parts, case.as_deref(), &out) {
                Ok(report) => {
                    say!("{}", report.story);
                    note!(
                        "{} part(s) merged: {} scenario(s) written to {}",
                        parts.len(),
                        report.scenarios,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(whatif::Error::Usage(m)) => usage(&m),
                Err(e) => {
                    note!("{e}; nothing written");
                    ExitCode::from(1)
                }
            }
        }
        Command::ToXlsx { case, out } => {
            match guard(&out, &[&case], &exam_planner::sheets::CASE_XLSX_FILES)
                .map(|()| exam_planner::sheets::case_to_xlsx(&case, &out))
            {
                Err(code) => code,
                Ok(result) => match result {
                    Ok(n) => {
                        note!(
                            "wrote {n} table(s) as xlsx and case.toml to {}",
                            out.display()
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        note!("cannot write {}: {e}; nothing written", out.display());
                        ExitCode::from(1)
                    }
                },
            }
        }
        Command::Whatif {
            case,
            scenarios,
            out,
            sweep,
            monte_carlo,
            cv,
            seed,
            no_warm_start,
            shard,
            shards,
            solve,
        } => {
            let shard = match shard {
                Some(text) => match whatif::Shard::parse(&text) {
                    Ok(s) => Some(s),
                    Err(e) => return usage(&e),
                },
                None => match whatif::Shard::from_env(|v| std::env::var(v).ok(), shards) {
                    Ok(s) => s,
                    Err(e) => return usage(&e),
                },
            };
            let (settings, pool) = match solve.setup() {
                Ok(x) => x,
                Err(code) => return code,
            };
            if scenarios.is_none() && sweep.is_none() && monte_carlo.is_none() {
                return usage(
                    "whatif needs --scenarios FILE, --sweep add-room:SEATS or --monte-carlo N",
                );
            }
            let request = whatif::Request {
                scenarios,
                sweep,
                monte_carlo,
                cv,
                seed,
                warm_start: !no_warm_start,
                settings,
                threads: pool.current_num_threads(),
                shard,
            };
            let mut inputs = vec![case.as_path()];
            inputs.extend(request.scenarios.as_deref());
            let owned: &[&str] = if request.shard.is_some() {
                &[whatif::shard::PART_FILE]
            } else {
                &whatif::report::FILES
            };
            if let Err(code) = guard(&out, &inputs, owned) {
                return code;
            }
            progress::start();
            match pool.install(|| whatif::run(&case, &request, &out)) {
                Ok(report) => {
                    say!("{}", report.story);
                    note!(
                        "{} scenario(s) in {:.1} s on {} worker(s); written to {}",
                        report.scenarios,
                        report.wall_seconds,
                        request.threads,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(whatif::Error::Usage(m)) => usage(&m),
                Err(whatif::Error::Case(m)) => {
                    note!("{m}");
                    ExitCode::from(1)
                }
                Err(whatif::Error::Interrupted) => ExitCode::from(130),
                Err(e) => {
                    note!("whatif failed: {e}");
                    ExitCode::from(3)
                }
            }
        }
        Command::Generate {
            out,
            seed,
            candidates,
            institution_scale,
            weekends,
            quarter,
            demand_only,
        } => {
            let Some(q) = exam_planner::case::Quarter::parse(&quarter) else {
                return usage(&format!(
                    "--quarter expects a quarter such as 2026Q3, got {quarter:?}"
                ));
            };
            if candidates == 0 {
                return usage("--candidates must be at least 1");
            }
            if let Err(code) = guard(&out, &[], &generate::CASE_FILES) {
                return code;
            }
            let spec = generate::Spec {
                seed,
                candidates,
                institution_scale,
                weekends,
                quarter: (q.year, q.q),
                demand_only,
            };
            match generate::generate(&spec, &out) {
                Ok(n) => {
                    note!(
                        "wrote a synthetic case of {n} registrations to {}",
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    note!("cannot write {}: {e}", out.display());
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Refuses an `--out` that could cost the user a file (exit 2), before any work.
fn guard(out: &Path, inputs: &[&Path], owned: &[&str]) -> Result<(), ExitCode> {
    exam_planner::staging::check_out(out, inputs, owned).map_err(|e| {
        note!("error: {e}");
        ExitCode::from(2)
    })
}

fn usage(message: &str) -> ExitCode {
    note!("error: {message}\nFor more information, try '--help'.");
    ExitCode::from(2)
}

fn print_diagnostics(diags: &exam_planner::diag::Diagnostics) {
    for d in &diags.items {
        say!("{d}");
    }
}

fn cmd_validate(case: &Path) -> ExitCode {
    let (_, diags) = validate::validate_dir(case);
    print_diagnostics(&diags);
    let (e, w) = (diags.count(Severity::Error), diags.count(Severity::Warning));
    say!("{}: {e} error(s), {w} warning(s)", case.display());
    if e > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_vet(case_dir: &Path, out: Option<&Path>) -> ExitCode {
    if let Some(out) = out {
        if let Err(code) = guard(out, &[case_dir], &vet::FILES) {
            return code;
        }
    }
    let (case, diags) = exam_planner::case::load(case_dir);
    let Some(case) = case else {
        print_diagnostics(&diags);
        return ExitCode::from(1);
    };
    if diags.has_errors() {
        note!("note: the case has input errors (run validate); vetting what could be read");
    }
    let report = vet::report(&case);
    for line in report.table.lines() {
        say!("{line}");
    }
    if let Some(out) = out {
        if let Err(e) = report.write(out) {
            note!("cannot write {}: {e}", out.display());
            return ExitCode::from(1);
        }
        note!("wrote {} to {}", vet::FILES.join(" and "), out.display());
    }
    ExitCode::SUCCESS
}

fn cmd_plan(case_dir: &Path, out: &Path, timetable: Option<&Path>, args: &SolveArgs) -> ExitCode {
    let (settings, pool) = match args.setup() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut inputs = vec![case_dir];
    inputs.extend(timetable);
    if let Err(code) = guard(out, &inputs, &exam_planner::plan::PLAN_FILES) {
        return code;
    }
    let clock = std::time::Instant::now();
    let (case, diags) = validate::validate_dir(case_dir);
    let case = match case {
        Some(c) if !diags.has_errors() => c,
        _ => {
            for d in diags.errors() {
                say!("{d}");
            }
            note!("the case has input errors: nothing planned, nothing written (see `exam-planner validate`)");
            return ExitCode::from(1);
        }
    };
    let warnings = diags.count(Severity::Warning);
    if warnings > 0 {
        note!(
            "{warnings} warning(s); `exam-planner validate {}` lists them",
            case_dir.display()
        );
    }
    let published = match timetable {
        None => None,
        Some(path) => {
            let mut diags = exam_planner::diag::Diagnostics::default();
            match exam_planner::case::published::read(&case, path, &mut diags) {
                Some(p) => Some(p),
                None => {
                    print_diagnostics(&diags);
                    note!("the published timetable has errors: nothing planned, nothing written");
                    return ExitCode::from(1);
                }
            }
        }
    };
    note!(
        "read {} registration(s) in {:.2} s; planning…",
        case.registration_count(),
        clock.elapsed().as_secs_f64()
    );
    progress::start();
    let planned =
        match pool.install(|| planner::plan_case(&case, &settings, None, published.as_ref())) {
            Ok(p) => p,
            Err(e) => {
                progress::finish();
                note!("no plan could be found: {e}");
                return ExitCode::from(3);
            }
        };
    let written = planner::write(&case, &planned, out);
    progress::finish();
    let written = match written {
        Ok(w) => w,
        Err(e) => return write_failed(e),
    };
    for (stage, secs) in &planned.solution.timings {
        note!("  {stage:<10} {secs:>8.2} s");
    }
    note!(
        "  write      {:>8.2} s ({:.2} s rendering CSV)",
        written.write_seconds,
        written.render_seconds
    );
    note!(
        "  workbooks  {:>8.2} s (plan.xlsx, door lists, report.html)",
        written.extras_seconds
    );
    note!("  verify     {:>8.2} s", written.verify_seconds);
    note!("  total      {:>8.2} s", clock.elapsed().as_secs_f64());
    say!("{}", planned.stats.describe());
    say!("plan written to {} and verified", out.display());
    ExitCode::SUCCESS
}

/// A plan folder that was not written: a planner bug the verification caught (exit 3), or
/// the disk (exit 1). Nothing is on disk either way.
fn write_failed(e: planner::WriteError) -> ExitCode {
    match e {
        planner::WriteError::Unverified(violations) => {
            for v in violations.iter().take(50) {
                note!("{v}");
            }
            note!(
                "internal error: the plan failed its own verification ({} violation(s)); nothing written",
                violations.len()
            );
            ExitCode::from(3)
        }
        e => {
            note!("{e}; nothing written");
            ExitCode::from(1)
        }
    }
}

fn cmd_verify(case: &Path, dir: &Path, previous: Option<&Path>) -> ExitCode {
    match verify::verify_dirs(case, dir) {
        Ok(mut v) => {
            if let Some(previous) = previous {
                v.extend(verify::previous::verify(dir, previous));
            }
            if v.is_empty() {
                say!("{}: the plan obeys every rule", dir.display());
                return ExitCode::SUCCESS;
            }
            for x in &v {
                say!("{x}");
            }
            say!("{}: {} violation(s)", dir.display(), v.len());
            ExitCode::from(1)
        }
        Err(e) => {
            note!("{e}");
            ExitCode::from(1)
        }
    }
}

fn cmd_replan(case_dir: &Path, previous_dir: &Path, out: &Path, args: &SolveArgs) -> ExitCode {
    let (settings, pool) = match args.setup() {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Err(code) = guard(
        out,
        &[case_dir, previous_dir],
        &exam_planner::plan::PLAN_FILES,
    ) {
        return code;
    }
    let clock = std::time::Instant::now();
    let (case, diags) = validate::validate_dir(case_dir);
    let case = match case {
        Some(c) if !diags.has_errors() && c.has_candidates() => c,
        Some(c) if !diags.has_errors() => {
            note!(
                "{}: replan seats registrations; the case has only a demand forecast",
                c.files.name("demand")
            );
            return ExitCode::from(1);
        }
        _ => {
            for d in diags.errors() {
                say!("{d}");
            }
            note!("the case has input errors: nothing planned, nothing written");
            return ExitCode::from(1);
        }
    };
    let edited = verify::previous::unchanged(previous_dir);
    if !edited.is_empty() {
        for mut v in edited {
            v.file = format!("{}/{}", previous_dir.display(), v.file);
            say!("{v}");
        }
        note!(
            "{} is not the plan that was published: nothing planned, nothing written",
            previous_dir.display()
        );
        return ExitCode::from(1);
    }
    let mut diags = exam_planner::diag::Diagnostics::default();
    let Some(previous) = exam_planner::replan::previous::read(&case, previous_dir, &mut diags)
    else {
        for d in diags.errors() {
            say!("{}/{d}", previous_dir.display());
        }
        note!("the previous plan does not fit the case: nothing planned, nothing written");
        return ExitCode::from(1);
    };
    let read = clock.elapsed().as_secs_f64();
    progress::start();
    let solve_clock = std::time::Instant::now();
    let replanned = match pool.install(|| exam_planner::replan::replan(&case, &previous, &settings))
    {
        Ok(r) => r,
        Err(e) => {
            progress::finish();
            note!("no plan could be found: {e}");
            return ExitCode::from(3);
        }
    };
    let solved = solve_clock.elapsed().as_secs_f64();
    let extra = [(
        "changes.csv",
        exam_planner::replan::changes_csv(&replanned.changes),
    )];
    let parts = planner::Parts {
        solution: &replanned.solution,
        plan: &replanned.plan,
        stats: &replanned.stats,
        extra: &extra,
        previous: Some(previous_dir),
    };
    let written = planner::write_parts(&case, &parts, out);
    progress::finish();
    let w = match written {
        Ok(w) => w,
        Err(e) => return write_failed(e),
    };
    note!("  read       {read:>8.2} s (the case and the previous plan)");
    note!("  replan     {solved:>8.2} s");
    note!("  write      {:>8.2} s", w.write_seconds);
    note!("  workbooks  {:>8.2} s", w.extras_seconds);
    note!("  verify     {:>8.2} s (rules 1-10)", w.verify_seconds);
    note!("  total      {:>8.2} s", clock.elapsed().as_secs_f64());
    say!("{}", replanned.stats.describe());
    if let Some(c) = &replanned.stats.changes {
        say!(
            "{} kept, {} moved to another ticket ({} to another institution), {} withdrawn, {} new; changes.csv lists every change",
            c.kept, c.moved_ticket, c.moved_institution, c.withdrawn, c.new
        );
    }
    say!(
        "replan written to {} and verified against {}",
        out.display(),
        previous_dir.display()
    );
    ExitCode::SUCCESS
}

/// Loads a case for the filing-season commands: input errors are printed and end the command.
fn load_for_filing(case_dir: &Path) -> Result<exam_planner::case::Case, ExitCode> {
    let (case, diags) = validate::validate_dir(case_dir);
    match case {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => {
            for d in diags.errors() {
                say!("{d}");
            }
            note!("the case has input errors: nothing written (see `exam-planner validate`)");
            Err(ExitCode::from(1))
        }
    }
}

fn cmd_panels(case_dir: &Path, out: &Path, size: u32, args: &SolveArgs) -> ExitCode {
    use exam_planner::filing::panels;
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    if size < 2 {
        return usage(&format!(
            "--panel-size must be at least 2 (附件5 说明2), got {size}"
        ));
    }
    if let Err(code) = guard(out, &[case_dir], &panels::FILES) {
        return code;
    }
    let case = match load_for_filing(case_dir) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let clock = std::time::Instant::now();
    let result = match panels::assign(&case, size, &settings) {
        Ok(r) => r,
        Err(e @ panels::Error::NoExperts) => {
            note!("{e}; nothing written");
            return ExitCode::from(1);
        }
        Err(e) => {
            note!("no panels could be found: {e}; nothing written");
            return ExitCode::from(3);
        }
    };
    if let Err(e) = result.write(&case, out) {
        note!("cannot write {}: {e}; nothing written", out.display());
        return ExitCode::from(1);
    }
    say!("{}", result.story());
    note!(
        "panels in {:.1} s; wrote {} to {}",
        clock.elapsed().as_secs_f64(),
        panels::FILES.join(", "),
        out.display()
    );
    ExitCode::SUCCESS
}

fn cmd_spot_check(case_dir: &Path, seed: &str, rate: &str, out: &Path) -> ExitCode {
    use exam_planner::filing::spot_check;
    let rate = match spot_check::Rate::parse(rate) {
        Ok(r) => r,
        Err(e) => return usage(&e.to_string()),
    };
    if seed.trim().is_empty() {
        return usage("--seed needs a text announced before the draw");
    }
    if let Err(code) = guard(out, &[case_dir], &spot_check::FILES) {
        return code;
    }
    let case = match load_for_filing(case_dir) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let draw = match spot_check::draw(&case, seed, rate) {
        Ok(d) => d,
        Err(e) => {
            note!("{e}; nothing written");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = draw.write(&case, out) {
        note!("cannot write {}: {e}; nothing written", out.display());
        return ExitCode::from(1);
    }
    for line in draw.shortfall_lines(&case) {
        note!("note: {line}");
    }
    say!(
        "drew {} of {} eligible filed institution(s) (asked ⌈{} × {}⌉ = {}, at least one per prefecture), two inspectors each",
        draw.checks.len(),
        draw.pool.len(),
        draw.rate,
        draw.pool.len(),
        draw.asked
    );
    note!(
        "wrote {} to {}",
        spot_check::FILES.join(" and "),
        out.display()
    );
    ExitCode::SUCCESS
}

fn cmd_compare(case_dir: &Path, args: &SolveArgs) -> ExitCode {
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let (case, diags) = validate::validate_dir(case_dir);
    let Some(case) = case.filter(|_| !diags.has_errors()) else {
        for d in diags.errors() {
            say!("{d}");
        }
        return ExitCode::from(1);
    };
    let limit = settings.time_limit.unwrap_or(solve::DEFAULT_TIME_LIMIT);
    let clock = std::time::Instant::now();
    let ours = match planner::plan_case(&case, &settings, None, None) {
        Ok(p) => p,
        Err(e) => {
            note!("exam-planner found no plan: {e}");
            return ExitCode::from(3);
        }
    };
    let ours_seconds = clock.elapsed().as_secs_f64();
    let s = &ours.stats;
    let eligible = vet::eligible(&case);
    let problem = solve::problem::build(&case, &eligible, None);
    let mono = match solve::monolithic::solve(&problem, &case, limit, settings.gap) {
        Ok(m) => m,
        Err(e) => {
            note!("the monolithic model failed: {e}");
            return ExitCode::from(3);
        }
    };
    let opt = |v: Option<f64>| v.map_or("none".to_string(), |v| format!("{v:.0}"));
    say!("time limit {limit} s per model, gap {}", settings.gap);
    say!(
        "{:<14} {:>10} {:>10} {:>12} {:>12} {:>9} {:>9}",
        "model",
        "deferred",
        "bound",
        "travel_km",
        "bound",
        "proven",
        "seconds"
    );
    say!(
        "{:<14} {:>10} {:>10.0} {:>12} {:>12} {:>9} {:>9.2}",
        "exam-planner",
        opt(Some(s.deferred as f64)),
        s.objectives.deferred.bound,
        opt(Some(s.travel_km)),
        opt(Some(s.objectives.travel_km.bound)),
        s.status == exam_planner::summary::Status::Optimal,
        ours_seconds
    );
    say!(
        "{:<14} {:>10} {:>10.0} {:>12} {:>12} {:>9} {:>9.2}",
        "monolithic",
        opt(mono.deferred),
        mono.deferred_bound,
        opt(mono.travel),
        opt(mono.travel_bound),
        mono.deferred_proven && mono.travel_proven,
        mono.seconds
    );
    ExitCode::SUCCESS
}

//! The command line: parse → dispatch → exit code. Each subcommand lives in `commands/`.

mod commands;

use clap::{Parser, Subcommand};
use commands::*;
use std::process::ExitCode;

/// glibc's malloc and free took about 14 % of the samples of a 1,000,000 replan and 17 % of a
/// two-thread what-if; mimalloc keeps per-thread heaps (BENCHMARKS.md, "Writing a million seats").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

#[derive(Subcommand)]
enum Command {
    /// Read and check every input file; print each problem as file:line: column: message.
    Validate(validate::ValidateArgs),
    /// Check every institution against the selection conditions and the assessment rule.
    Vet(vet::VetArgs),
    /// Build and solve the quarter's plan and write the plan folder.
    Plan(plan::PlanArgs),
    /// Re-check a written plan against the case, independently of the solver.
    Verify(verify::VerifyArgs),
    /// Seat the quarter as it stands now on the published plan, changing as few tickets as
    /// possible; writes a plan folder and changes.csv.
    Replan(replan::ReplanArgs),
    /// Run what-if scenarios in parallel against the baseline.
    Whatif(whatif::WhatifArgs),
    /// Join the part folders of a sharded what-if run into the files one machine writes.
    WhatifMerge(whatif::MergeArgs),
    /// Plan with exam-planner's decomposition and with the monolithic model of docs/model.md under
    /// the same limits, and print both results side by side (nothing is written).
    Compare(compare::CompareArgs),
    /// Give every institution with a pending filing an on-site assessment panel of qualified
    /// experts (experts.csv); writes panels.csv, unassigned.csv and summary.json.
    Panels(filing::PanelsArgs),
    /// 双随机、一公开: draw filed institutions and two inspectors each, reproducibly from a seed
    /// text; writes spot_checks.csv and the notice (notice.docx, notice.md).
    SpotCheck(filing::SpotCheckArgs),
    /// Write every CSV table of a case as NAME.xlsx (numbers, dates and IDs typed as Excel
    /// holds them) into a new case folder, for officials who keep the case in Excel.
    ToXlsx(to_xlsx::ToXlsxArgs),
    /// Write a realistic synthetic Hunan case.
    Generate(generate::GenerateArgs),
    /// Exam day: roster every room's invigilators and every site's 主考 and 巡考 (an integer
    /// program), draw a quality supervisor per site from a seed, and print sign-in sheets,
    /// room records and supervision records.
    ExamDay(exam_day::ExamDayArgs),
    /// After exam day: take the institutions' marks (到考, 缺考, 违纪) against the published
    /// plan; writes attendance.csv, attendance rates, the absent, and carry_over.csv.
    Attendance(attendance::AttendanceArgs),
    /// The server for the province, the prefectures and the institutions: upload, plan,
    /// publish, replan, what-ifs, exam day and downloads by scope, in Chinese.
    Serve(serve::ServeArgs),
    /// The server's accounts: `users add NAME --role … [--scope …]`, `users list`,
    /// `users disable NAME`.
    Users(serve::UsersArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // from now on Ctrl-C and SIGTERM remove every staging folder, say so and exit 130
    exam_planner::output::staging::catch_interrupts(exam_planner::progress::on_interrupt);
    let code = match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Vet(a) => vet::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Replan(a) => replan::run(a),
        Command::Whatif(a) => whatif::run(a),
        Command::WhatifMerge(a) => whatif::merge(a),
        Command::Compare(a) => compare::run(a),
        Command::Panels(a) => filing::panels(a),
        Command::SpotCheck(a) => filing::spot_check(a),
        Command::ToXlsx(a) => to_xlsx::run(a),
        Command::Generate(a) => generate::run(a),
        Command::ExamDay(a) => exam_day::run(a),
        Command::Attendance(a) => attendance::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Users(a) => serve::users(a),
    };
    if exam_planner::progress::interrupted() {
        // the handler is removing the staging folders and exits 130 when done; returning now
        // would end the process (with this command's code) before it has
        std::thread::sleep(std::time::Duration::from_secs(30));
        return ExitCode::from(130);
    }
    code
}

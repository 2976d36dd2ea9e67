//! `serve [--db FILE] [--listen ADDR] [--workers N]` and `users add|list|disable`: the server
//! for the province, the prefectures and the institutions, and its accounts.

use super::usage;
use clap::{Args, Subcommand};
use exam_planner::serve;
use exam_planner::{note, say};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Example:\n  exam-planner users add 省考试院 --role province\n  exam-planner serve --db exam-planner.db --listen 127.0.0.1:8080"
)]
pub struct ServeArgs {
    /// The SQLite database (created if missing); files are kept in FILE.files/ beside it.
    #[arg(long, default_value = "exam-planner.db", value_name = "FILE")]
    db: PathBuf,
    /// The address to listen on (behind a TLS reverse proxy in production: deploy/).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// Jobs (plans, replans, what-ifs, exam days) run at once; each gets cores ÷ N threads.
    #[arg(long, default_value_t = 1, value_name = "N")]
    workers: usize,
    /// The largest upload, in MiB.
    #[arg(long, default_value_t = 512, value_name = "MIB")]
    max_upload_mib: usize,
}

pub fn run(args: ServeArgs) -> ExitCode {
    if args.workers == 0 {
        return usage("--workers must be at least 1");
    }
    let options = serve::Options {
        workers: args.workers,
        body_limit: args.max_upload_mib.max(1) << 20,
        ..serve::Options::default()
    };
    match serve::run(&args.db, &args.listen, &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[derive(Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    command: UsersCommand,
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Add a user; prints a generated password once, on a line `password: …`.
    Add {
        name: String,
        /// province, prefecture or institution.
        #[arg(long)]
        role: String,
        /// A prefecture's division code (430100) or an institution's id.
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, default_value = "exam-planner.db", value_name = "FILE")]
        db: PathBuf,
    },
    /// List the users: name, role, scope, and whether disabled.
    List {
        #[arg(long, default_value = "exam-planner.db", value_name = "FILE")]
        db: PathBuf,
    },
    /// Disable a user (their sessions end at once; the audit log keeps their name).
    Disable {
        name: String,
        #[arg(long, default_value = "exam-planner.db", value_name = "FILE")]
        db: PathBuf,
    },
}

pub fn users(args: UsersArgs) -> ExitCode {
    match args.command {
        UsersCommand::Add {
            name,
            role,
            scope,
            db,
        } => match serve::add_user(&db, &name, &role, scope.as_deref()) {
            Ok(password) => {
                say!("user {} added ({role})", name.trim());
                say!("password: {password}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                note!("error: {e}");
                ExitCode::from(1)
            }
        },
        UsersCommand::List { db } => match serve::store::Store::open(&db).and_then(|s| s.users()) {
            Ok(users) => {
                say!("name,role,scope,disabled,created");
                for u in users {
                    say!(
                        "{},{},{},{},{}",
                        u.name,
                        u.role,
                        u.scope.unwrap_or_default(),
                        if u.disabled { "yes" } else { "no" },
                        u.created
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                note!("error: {e}");
                ExitCode::from(1)
            }
        },
        UsersCommand::Disable { name, db } => {
            match serve::store::Store::open(&db).and_then(|s| s.disable_user(&name)) {
                Ok(true) => {
                    say!("user {name} disabled");
                    ExitCode::SUCCESS
                }
                Ok(false) => {
                    note!("error: no user {name:?}");
                    ExitCode::from(1)
                }
                Err(e) => {
                    note!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

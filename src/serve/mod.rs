//! `exam-planner serve`: one server for the province, the 14 prefecture centres and the
//! institutions, on the same pipeline as the command line.
//!
//! [`store`] is the SQLite file (WAL) with the immutable [`blobs`] beside it; [`auth`] holds
//! passwords (Argon2id), sessions and the login throttle; [`scope`] is the one door through
//! which every handler reads data; [`upload`] unpacks a case zip without trusting it; [`jobs`]
//! runs plans, replans, what-ifs and exam days off the request path; [`http`] is the JSON API
//! and the pages on axum.

pub mod auth;
pub mod blobs;
pub mod http;
pub mod jobs;
pub mod scope;
pub mod store;
pub mod upload;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub workers: usize,
    /// The largest request body (an uploaded case zip), in bytes.
    pub body_limit: usize,
    pub limits: upload::Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            workers: 1,
            body_limit: 512 << 20,
            limits: upload::Limits::default(),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, std::io::Error),
}

/// Opens the database, fails the jobs a stop cut short, and starts the job workers: the
/// shared state the routes serve.
pub fn open(db: &Path, options: &Options) -> Result<http::Shared, StartError> {
    let store = Arc::new(store::Store::open(db)?);
    store.clear_work()?;
    let cut =
        store.fail_unfinished("服务器在任务运行时停止，任务未完成，未保存任何结果；请重新提交")?;
    if cut > 0 {
        tracing::warn!("{cut} job(s) cut by the last stop marked failed");
    }
    let queue = Arc::new(jobs::Queue::default());
    jobs::start(store.clone(), queue.clone(), options.workers);
    Ok(Arc::new(http::App {
        store,
        queue,
        limits: options.limits,
    }))
}

/// Serves on a bound listener until the process ends (tests bind port 0 and read the port).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: http::Shared,
    options: &Options,
) -> std::io::Result<()> {
    let router = http::router(app, options.body_limit);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

/// `exam-planner serve`: binds `listen` and serves until stopped.
pub fn run(db: &Path, listen: &str, options: &Options) -> Result<(), StartError> {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .try_init();
    let app = open(db, options)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError::Listen(listen.to_string(), e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| StartError::Listen(listen.to_string(), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Listen(listen.to_string(), e))?;
        crate::say!(
            "exam-planner serve: http://{addr}/ (database {})",
            db.display()
        );
        serve_on(listener, app, options)
            .await
            .map_err(|e| StartError::Listen(listen.to_string(), e))
    })
}

/// `users add`: checks the role and scope, stores the Argon2id hash of a generated password
/// and returns the password (printed once, never stored).
pub fn add_user(db: &Path, name: &str, role: &str, scope: Option<&str>) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err("NAME must be 1 to 64 characters, no control characters".into());
    }
    let scope = scope.map(str::trim).filter(|s| !s.is_empty());
    match (role, scope) {
        ("province", None) => {}
        ("province", Some(_)) => return Err("--role province takes no --scope".into()),
        ("prefecture", Some(code))
            if matches!(code.len(), 4 | 6) && code.bytes().all(|b| b.is_ascii_digit()) => {}
        ("prefecture", _) => {
            return Err(
                "--role prefecture needs --scope with its division code, e.g. 4301 (or 430100)"
                    .into(),
            )
        }
        ("institution", Some(_)) => {}
        ("institution", None) => {
            return Err(
                "--role institution needs --scope with the institution's id (institutions.csv)"
                    .into(),
            )
        }
        _ => {
            return Err(format!(
                "--role must be province, prefecture or institution, not {role:?}"
            ))
        }
    }
    let store = store::Store::open(db).map_err(|e| e.to_string())?;
    let password = auth::generate_password();
    store
        .add_user(name, role, scope, &auth::hash_password(&password))
        .map_err(|e| e.to_string())?;
    Ok(password)
}

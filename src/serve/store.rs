//! The server's database: one SQLite file in WAL mode (users, sessions, quarters, cases,
//! versions, jobs, files, audit) and the blob folder beside it.
//!
//! Every statement the server runs is a method here, so the schema has one reader. The
//! connection is behind a mutex: statements are short (files live in blobs, not rows), and a
//! version with its files is written in one transaction, so a stop never leaves half of one.
//! Scope is not decided here but in [`super::scope`], the one door handlers go through.

use super::blobs::{Blobs, Stored};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The schema, one migration per file, in order (PRAGMA user_version counts those applied).
const MIGRATIONS: [&str; 1] = [include_str!("migrations/0001_init.sql")];

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused (a locked or damaged file, a full disk).
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Reading or writing a blob failed.
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    /// `users add` of a name already taken.
    #[error("user {0:?} exists already")]
    UserExists(String),
    /// The database was written by a newer exam-planner (more migrations than this one knows).
    #[error("the database has schema version {0}; this exam-planner knows {1}")]
    TooNew(i64, usize),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A user as stored (the hash stays inside the store).
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub scope: Option<String>,
    pub disabled: bool,
    pub created: String,
}

#[derive(Debug, Clone)]
pub struct QuarterRow {
    pub id: i64,
    pub name: String,
    pub quarter: String,
    pub created: String,
    /// The latest uploaded case (the first upload, or a replan's changed case).
    pub case_id: i64,
}

#[derive(Debug, Clone)]
pub struct Version {
    pub id: i64,
    pub quarter: i64,
    pub number: i64,
    pub job: i64,
    pub case_id: i64,
    pub published: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub quarter: i64,
    pub kind: String,
    pub state: String,
    pub progress: f64,
    pub stage: String,
    pub error: Option<String>,
    pub user_id: i64,
    pub case_id: i64,
    pub base: Option<i64>,
    pub scope: Option<String>,
    pub params: String,
    pub created: String,
    pub finished: Option<String>,
}

/// A job to queue.
pub struct NewJob<'a> {
    pub quarter: i64,
    pub kind: &'a str,
    pub user_id: i64,
    pub case_id: i64,
    pub base: Option<i64>,
    pub scope: Option<&'a str>,
    pub params: &'a str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRow {
    pub time: String,
    pub user: String,
    pub action: String,
    pub target: String,
    pub sha256: Option<String>,
}

/// Whose files: an uploaded case, a plan version or a job's outputs.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Case(i64),
    Version(i64),
    Job(i64),
}

impl Owner {
    fn key(self) -> (&'static str, i64) {
        match self {
            Owner::Case(id) => ("case", id),
            Owner::Version(id) => ("version", id),
            Owner::Job(id) => ("job", id),
        }
    }
}

/// What a finished job leaves.
pub enum Outcome {
    /// A plan or replan: the next version of the quarter, with its files.
    Version(Vec<(String, Stored)>),
    /// A what-if or an exam day: files kept with the job.
    Files(Vec<(String, Stored)>),
    Failed(String),
}

pub struct Store {
    conn: Mutex<Connection>,
    pub blobs: Blobs,
    /// Where jobs unpack their inputs and write their outputs (emptied at start-up).
    pub work: PathBuf,
}

/// Now, as stored: UTC, to the second.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now in seconds since 1970 (sessions and the login throttle).
pub fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Opens (or creates) the database and the folders beside it, and applies migrations.
    pub fn open(db: &Path) -> Result<Store> {
        let conn = Connection::open(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&conn)?;
        let mut side = db.as_os_str().to_owned();
        side.push(".files");
        let side = PathBuf::from(side);
        let blobs = Blobs::open(side.join("blobs"))?;
        let work = side.join("work");
        std::fs::create_dir_all(&work)?;
        Ok(Store {
            conn: Mutex::new(conn),
            blobs,
            work,
        })
    }

    /// Empties the jobs' work folder (at server start: what a stop left there is no one's).
    pub fn clear_work(&self) -> Result<()> {
        std::fs::remove_dir_all(&self.work)?;
        std::fs::create_dir_all(&self.work)?;
        Ok(())
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- users and sessions ----

    pub fn add_user(&self, name: &str, role: &str, scope: Option<&str>, hash: &str) -> Result<()> {
        let conn = self.conn();
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(StoreError::UserExists(name.to_string()));
        }
        conn.execute(
            "INSERT INTO users (name, role, scope, hash, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role, scope, hash, now()],
        )?;
        Ok(())
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut st = conn
            .prepare("SELECT id, name, role, scope, disabled, created FROM users ORDER BY name")?;
        let rows = st.query_map([], user_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Disables a user and ends their sessions; false when no such user.
    pub fn disable_user(&self, name: &str) -> Result<bool> {
        let conn = self.conn();
        let n = conn.execute("UPDATE users SET disabled = 1 WHERE name = ?1", [name])?;
        conn.execute(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?1)",
            [name],
        )?;
        Ok(n > 0)
    }

    /// A user and their password hash, by name.
    pub fn login_user(&self, name: &str) -> Result<Option<(User, String)>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT id, name, role, scope, disabled, created, hash FROM users WHERE name = ?1",
                [name],
                |r| Ok((user_row(r)?, r.get(6)?)),
            )
            .optional()?)
    }

    pub fn add_session(&self, token: &str, user_id: i64, csrf: &str, expires: i64) -> Result<()> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE expires < ?1", [now_seconds()])?;
        conn.execute(
            "INSERT INTO sessions (token, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
            params![token, user_id, csrf, expires],
        )?;
        Ok(())
    }

    /// The user of a live session (not expired, user not disabled) and its CSRF token.
    pub fn session(&self, token: &str) -> Result<Option<(User, String)>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT u.id, u.name, u.role, u.scope, u.disabled, u.created, s.csrf
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token = ?1 AND s.expires >= ?2 AND u.disabled = 0",
                params![token, now_seconds()],
                |r| Ok((user_row(r)?, r.get(6)?)),
            )
            .optional()?)
    }

    pub fn end_session(&self, token: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token = ?1", [token])?;
        Ok(())
    }

    /// Failed logins for `name` since `since` (seconds).
    pub fn failures_since(&self, name: &str, since: i64) -> Result<usize> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM login_failures WHERE name = ?1 AND time >= ?2",
            params![name, since],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// The earliest failure counted in the window (when the window opens again).
    pub fn first_failure_since(&self, name: &str, since: i64) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(time) FROM login_failures WHERE name = ?1 AND time >= ?2",
            params![name, since],
            |r| r.get(0),
        )?)
    }

    pub fn add_failure(&self, name: &str, time: i64) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM login_failures WHERE time < ?1",
            [time - 24 * 3600],
        )?;
        conn.execute(
            "INSERT INTO login_failures (name, time) VALUES (?1, ?2)",
            params![name, time],
        )?;
        Ok(())
    }

    // ---- quarters and cases ----

    /// A new quarter with its uploaded case, in one transaction.
    pub fn add_quarter(
        &self,
        name: &str,
        quarter: &str,
        places: &str,
        files: &[(String, Stored)],
    ) -> Result<(i64, i64)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO quarters (name, quarter, created) VALUES (?1, ?2, ?3)",
            params![name, quarter, now()],
        )?;
        let q = tx.last_insert_rowid();
        let case_id = insert_case(&tx, q, places, files)?;
        tx.commit()?;
        Ok((q, case_id))
    }

    /// A changed case for a quarter (a replan's), in one transaction.
    pub fn add_case(&self, quarter: i64, places: &str, files: &[(String, Stored)]) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = insert_case(&tx, quarter, places, files)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn quarters(&self) -> Result<Vec<QuarterRow>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!("{QUARTER_SELECT} ORDER BY q.id"))?;
        let rows = st.query_map([], quarter_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn quarter(&self, id: i64) -> Result<Option<QuarterRow>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("{QUARTER_SELECT} WHERE q.id = ?1"),
                [id],
                quarter_row,
            )
            .optional()?)
    }

    /// A case's places (JSON, see the `cases` table).
    pub fn places(&self, case_id: i64) -> Result<String> {
        Ok(self
            .conn()
            .query_row("SELECT places FROM cases WHERE id = ?1", [case_id], |r| {
                r.get(0)
            })?)
    }

    // ---- versions ----

    pub fn versions(&self, quarter: i64) -> Result<Vec<Version>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "{VERSION_SELECT} WHERE quarter = ?1 ORDER BY number"
        ))?;
        let rows = st.query_map([quarter], version_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The quarter's latest version.
    pub fn current_version(&self, quarter: i64) -> Result<Option<Version>> {
        Ok(self.versions(quarter)?.pop())
    }

    /// The quarter's latest published version.
    pub fn published_version(&self, quarter: i64) -> Result<Option<Version>> {
        Ok(self
            .versions(quarter)?
            .into_iter()
            .rev()
            .find(|v| v.published.is_some()))
    }

    pub fn version(&self, id: i64) -> Result<Option<Version>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("{VERSION_SELECT} WHERE id = ?1"),
                [id],
                version_row,
            )
            .optional()?)
    }

    /// Marks a version published (read-only from then on); false if it already was.
    pub fn publish(&self, version: i64) -> Result<bool> {
        let n = self.conn().execute(
            "UPDATE versions SET published = ?2 WHERE id = ?1 AND published IS NULL",
            params![version, now()],
        )?;
        Ok(n > 0)
    }

    // ---- jobs ----

    pub fn add_job(&self, job: &NewJob) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO jobs (quarter, kind, state, user_id, case_id, base, scope, params, created)
             VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                job.quarter,
                job.kind,
                job.user_id,
                job.case_id,
                job.base,
                job.scope,
                job.params,
                now()
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    pub fn job(&self, id: i64) -> Result<Option<Job>> {
        let conn = self.conn();
        Ok(conn
            .query_row(&format!("{JOB_SELECT} WHERE id = ?1"), [id], job_row)
            .optional()?)
    }

    pub fn jobs(&self, quarter: i64) -> Result<Vec<Job>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!("{JOB_SELECT} WHERE quarter = ?1 ORDER BY id"))?;
        let rows = st.query_map([quarter], job_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes the oldest queued job for a worker (marks it running), if any.
    pub fn claim_job(&self) -> Result<Option<Job>> {
        let conn = self.conn();
        let id: Option<i64> = conn
            .query_row(
                "UPDATE jobs SET state = 'running', stage = '开始'
             WHERE id = (SELECT MIN(id) FROM jobs WHERE state = 'queued') RETURNING id",
                [],
                |r| r.get(0),
            )
            .optional()?;
        drop(conn);
        match id {
            Some(id) => self.job(id),
            None => Ok(None),
        }
    }

    pub fn set_progress(&self, job: i64, progress: f64, stage: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE jobs SET progress = MAX(progress, ?2), stage = ?3 WHERE id = ?1 AND state = 'running'",
            params![job, progress, stage],
        )?;
        Ok(())
    }

    /// Ends a job: its version (with files) or its files, or its failure — in one transaction.
    pub fn finish_job(&self, job: &Job, outcome: Outcome) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        match outcome {
            Outcome::Version(files) => {
                let number: i64 = tx.query_row(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE quarter = ?1",
                    [job.quarter],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO versions (quarter, number, job, case_id, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![job.quarter, number, job.id, job.case_id, now()],
                )?;
                let v = tx.last_insert_rowid();
                insert_files(&tx, Owner::Version(v), &files)?;
                tx.execute(
                    "UPDATE jobs SET state = 'done', progress = 1, stage = '完成', finished = ?2 WHERE id = ?1",
                    params![job.id, now()],
                )?;
            }
            Outcome::Files(files) => {
                insert_files(&tx, Owner::Job(job.id), &files)?;
                tx.execute(
                    "UPDATE jobs SET state = 'done', progress = 1, stage = '完成', finished = ?2 WHERE id = ?1",
                    params![job.id, now()],
                )?;
            }
            Outcome::Failed(error) => {
                tx.execute(
                    "UPDATE jobs SET state = 'failed', error = ?2, stage = '失败', finished = ?3 WHERE id = ?1",
                    params![job.id, error, now()],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// After a restart: every job that was running or queued when the server stopped is
    /// failed with the reason (a job is never left `running`). Returns how many.
    pub fn fail_unfinished(&self, reason: &str) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE jobs SET state = 'failed', error = ?1, stage = '失败', finished = ?2
             WHERE state IN ('running', 'queued')",
            params![reason, now()],
        )?)
    }

    /// The version a plan or replan job made.
    pub fn version_of_job(&self, job: i64) -> Result<Option<Version>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("{VERSION_SELECT} WHERE job = ?1"),
                [job],
                version_row,
            )
            .optional()?)
    }

    // ---- files ----

    /// An owner's files: path and SHA-256, in path order.
    pub fn files(&self, owner: Owner) -> Result<Vec<(String, String)>> {
        let (kind, id) = owner.key();
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT path, sha256 FROM files WHERE owner_kind = ?1 AND owner_id = ?2 ORDER BY path",
        )?;
        let rows = st.query_map(params![kind, id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One file's SHA-256, if the owner has that path.
    pub fn file(&self, owner: Owner, path: &str) -> Result<Option<String>> {
        let (kind, id) = owner.key();
        Ok(self
            .conn()
            .query_row(
                "SELECT sha256 FROM files WHERE owner_kind = ?1 AND owner_id = ?2 AND path = ?3",
                params![kind, id, path],
                |r| r.get(0),
            )
            .optional()?)
    }

    // ---- audit ----

    pub fn audit(
        &self,
        user: &str,
        action: &str,
        target: &str,
        sha256: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO audit (time, user, action, target, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), user, action, target, sha256],
        )?;
        Ok(())
    }

    pub fn audit_log(&self) -> Result<Vec<AuditRow>> {
        let conn = self.conn();
        let mut st =
            conn.prepare("SELECT time, user, action, target, sha256 FROM audit ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(AuditRow {
                time: r.get(0)?,
                user: r.get(1)?,
                action: r.get(2)?,
                target: r.get(3)?,
                sha256: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

const QUARTER_SELECT: &str = "SELECT q.id, q.name, q.quarter, q.created,
    (SELECT MAX(c.id) FROM cases c WHERE c.quarter = q.id) FROM quarters q";
const VERSION_SELECT: &str =
    "SELECT id, quarter, number, job, case_id, published, created FROM versions";
const JOB_SELECT: &str =
    "SELECT id, quarter, kind, state, progress, stage, error, user_id, case_id,
    base, scope, params, created, finished FROM jobs";

fn migrate(conn: &Connection) -> Result<()> {
    let applied: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if applied as usize > MIGRATIONS.len() {
        return Err(StoreError::TooNew(applied, MIGRATIONS.len()));
    }
    for (k, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        conn.execute_batch(&format!(
            "BEGIN; {sql}\nPRAGMA user_version = {}; COMMIT;",
            k + 1
        ))?;
    }
    Ok(())
}

fn insert_case(
    tx: &rusqlite::Transaction,
    quarter: i64,
    places: &str,
    files: &[(String, Stored)],
) -> Result<i64> {
    tx.execute(
        "INSERT INTO cases (quarter, places, created) VALUES (?1, ?2, ?3)",
        params![quarter, places, now()],
    )?;
    let id = tx.last_insert_rowid();
    insert_files(tx, Owner::Case(id), files)?;
    Ok(id)
}

fn insert_files(
    tx: &rusqlite::Transaction,
    owner: Owner,
    files: &[(String, Stored)],
) -> Result<()> {
    let (kind, id) = owner.key();
    let mut st = tx.prepare(
        "INSERT INTO files (owner_kind, owner_id, path, sha256, size) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (path, s) in files {
        st.execute(params![kind, id, path, s.sha256, s.size as i64])?;
    }
    Ok(())
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        scope: r.get(3)?,
        disabled: r.get::<_, i64>(4)? != 0,
        created: r.get(5)?,
    })
}

fn quarter_row(r: &rusqlite::Row) -> rusqlite::Result<QuarterRow> {
    Ok(QuarterRow {
        id: r.get(0)?,
        name: r.get(1)?,
        quarter: r.get(2)?,
        created: r.get(3)?,
        case_id: r.get(4)?,
    })
}

fn version_row(r: &rusqlite::Row) -> rusqlite::Result<Version> {
    Ok(Version {
        id: r.get(0)?,
        quarter: r.get(1)?,
        number: r.get(2)?,
        job: r.get(3)?,
        case_id: r.get(4)?,
        published: r.get(5)?,
        created: r.get(6)?,
    })
}

fn job_row(r: &rusqlite::Row) -> rusqlite::Result<Job> {
    Ok(Job {
        id: r.get(0)?,
        quarter: r.get(1)?,
        kind: r.get(2)?,
        state: r.get(3)?,
        progress: r.get(4)?,
        stage: r.get(5)?,
        error: r.get(6)?,
        user_id: r.get(7)?,
        case_id: r.get(8)?,
        base: r.get(9)?,
        scope: r.get(10)?,
        params: r.get(11)?,
        created: r.get(12)?,
        finished: r.get(13)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_a_reopen_keeps_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        {
            let s = Store::open(&db).unwrap();
            s.add_user("省中心", "province", None, "$argon2id$x")
                .unwrap();
            assert!(matches!(
                s.add_user("省中心", "province", None, "h"),
                Err(StoreError::UserExists(_))
            ));
        }
        let s = Store::open(&db).unwrap();
        let users = s.users().unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].role, "province");
        let v: i64 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_running_job_is_failed_after_a_restart_and_a_version_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let s = Store::open(&db).unwrap();
        s.add_user("p", "province", None, "h").unwrap();
        let (q, c) = s.add_quarter("湖南", "2026Q3", "{}", &[]).unwrap();
        let new = |kind| NewJob {
            quarter: q,
            kind,
            user_id: 1,
            case_id: c,
            base: None,
            scope: None,
            params: "",
        };
        let done = s.add_job(&new("plan")).unwrap();
        let cut = s.add_job(&new("plan")).unwrap();
        let job = s.claim_job().unwrap().unwrap();
        assert_eq!(job.id, done);
        let stored = s.blobs.put(b"x").unwrap();
        s.finish_job(&job, Outcome::Version(vec![("a.csv".into(), stored)]))
            .unwrap();
        assert_eq!(s.claim_job().unwrap().unwrap().id, cut);
        drop(s);
        let s = Store::open(&db).unwrap();
        assert_eq!(s.fail_unfinished("服务器重启").unwrap(), 1);
        let j = s.job(cut).unwrap().unwrap();
        assert_eq!(j.state, "failed");
        assert_eq!(j.error.as_deref(), Some("服务器重启"));
        let v = s.current_version(q).unwrap().unwrap();
        assert_eq!(v.number, 1);
        assert_eq!(s.files(Owner::Version(v.id)).unwrap().len(), 1);
    }
}

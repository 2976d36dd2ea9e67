//! `GET /api/jobs/{job}` (its state and progress) and `GET /api/jobs/{job}/files/{path}` (its
//! outputs: a plan's version files, a what-if's report, an exam day's papers).

use super::{blocking, download, ApiError, Shared};
use crate::serve::scope::{holds_people, Caller};
use crate::serve::store::Job;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

/// A job as the API shows it.
pub fn job_json(job: &Job) -> Value {
    json!({
        "id": job.id,
        "quarter": job.quarter,
        "kind": job.kind,
        "state": job.state,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "created": job.created,
        "finished": job.finished,
    })
}

pub async fn status(
    State(app): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let access = app.access(&caller);
    let job = access.job(id)?;
    let mut value = job_json(&job);
    if job.state == "done" {
        if let Some(v) = access.store.version_of_job(job.id)? {
            value["version"] = json!(v.number);
        }
        let files = access.job_paths(&job)?;
        value["files"] = json!(files);
    }
    Ok(Json(value))
}

pub async fn file(
    State(app): State<Shared>,
    caller: Caller,
    Path((id, path)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let a = app.clone();
    blocking(move || {
        let access = a.access(&caller);
        let job = access.job(id)?;
        let bytes = access.job_file(&job, &path)?;
        if holds_people(&path) {
            let sha = crate::digest::sha256_hex(&bytes);
            a.store.audit(
                &caller.name,
                "download",
                &format!("jobs/{id}/{path}"),
                Some(&sha),
            )?;
        }
        Ok(download(&path, bytes))
    })
    .await
}

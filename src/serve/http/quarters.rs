//! `/api/quarters…`: upload a case, plan, publish, replan, what-if, exam day, and the current
//! version's summary and files.

use super::{blocking, download, province_only, ApiError, App, Changing, Shared};
use crate::diag::{Diagnostic, Severity};
use crate::serve::blobs::Stored;
use crate::serve::scope::{holds_people, Access, Caller, Places, Role};
use crate::serve::store::{NewJob, QuarterRow, Version};
use crate::serve::upload;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

/// A validated upload, stored: its files, places, and the warnings it drew.
pub struct Accepted {
    pub files: Vec<(String, Stored)>,
    pub places: Places,
    pub name: String,
    pub quarter: String,
    pub warnings: Vec<Diagnostic>,
    pub sha256: String,
}

/// Unpacks and validates an uploaded zip as `validate` checks a folder; errors are 422 with
/// every diagnostic, and nothing is stored.
pub fn accept_case(app: &App, zip: &[u8]) -> Result<Accepted, ApiError> {
    let dir = tempfile::tempdir_in(&app.store.work)
        .map_err(|e| ApiError::Internal(format!("a folder for the upload: {e}")))?;
    upload::unpack(zip, dir.path(), app.limits).map_err(ApiError::Invalid)?;
    let (case, diags) = crate::validate::validate_dir(dir.path());
    let case = match case {
        Some(case) if !diags.has_errors() => case,
        _ => return Err(ApiError::Invalid(diags.items)),
    };
    let files = app
        .store
        .blobs
        .put_folder(dir.path())
        .map_err(|e| ApiError::Internal(format!("storing the upload: {e}")))?;
    Ok(Accepted {
        files,
        places: Places::of(&case),
        name: case.name.clone(),
        quarter: case.quarter.to_string(),
        warnings: diags
            .items
            .into_iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect(),
        sha256: crate::digest::sha256_hex(zip),
    })
}

fn places_json(places: &Places) -> Result<String, ApiError> {
    serde_json::to_string(places).map_err(|e| ApiError::Internal(e.to_string()))
}

pub async fn upload(
    State(app): State<Shared>,
    Changing(caller): Changing,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    province_only(&caller, "上传案例")?;
    let a = app.clone();
    let (id, accepted) = blocking(move || {
        let accepted = accept_case(&a, &body)?;
        let (id, _) = a.store.add_quarter(
            &accepted.name,
            &accepted.quarter,
            &places_json(&accepted.places)?,
            &accepted.files,
        )?;
        Ok((id, accepted))
    })
    .await?;
    app.store.audit(
        &caller.name,
        "upload",
        &format!("quarters/{id}"),
        Some(&accepted.sha256),
    )?;
    let warnings: Vec<Value> = accepted
        .warnings
        .iter()
        .map(super::diagnostic_json)
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": id,
            "errors": 0,
            "warnings": warnings.len(),
            "diagnostics": warnings,
        })),
    ))
}

/// A quarter as the API lists it.
fn quarter_json(access: &Access, q: &QuarterRow) -> Result<Value, ApiError> {
    let versions = access.store.versions(q.id)?;
    let current = versions.last();
    Ok(json!({
        "id": q.id,
        "name": q.name,
        "quarter": q.quarter,
        "created": q.created,
        "version": current.map(|v| v.number),
        "published": current.is_some_and(|v| v.published.is_some()),
        "versions": versions.iter().map(|v| json!({
            "number": v.number,
            "job": v.job,
            "created": v.created,
            "published": v.published,
        })).collect::<Vec<_>>(),
    }))
}

pub async fn list(State(app): State<Shared>, caller: Caller) -> Result<Json<Vec<Value>>, ApiError> {
    let access = app.access(&caller);
    let list = access
        .quarters()?
        .iter()
        .map(|q| quarter_json(&access, q))
        .collect::<Result<_, _>>()?;
    Ok(Json(list))
}

/// A quarter with its jobs and the current version's files the caller may download.
pub async fn detail(
    State(app): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let access = app.access(&caller);
    let q = access.quarter(id)?;
    let mut value = quarter_json(&access, &q)?;
    let files = match access.store.current_version(id)? {
        Some(v) => access.version_paths(&v)?,
        None => Vec::new(),
    };
    let jobs: Vec<Value> = access.jobs(id)?.iter().map(super::jobs::job_json).collect();
    value["files"] = json!(files);
    value["jobs"] = json!(jobs);
    Ok(Json(value))
}

/// No plan or replan of this quarter may be waiting or running when another is asked.
fn no_plan_running(app: &App, quarter: i64) -> Result<(), ApiError> {
    let busy = app.store.jobs(quarter)?.into_iter().any(|j| {
        matches!(j.kind.as_str(), "plan" | "replan")
            && matches!(j.state.as_str(), "queued" | "running")
    });
    if busy {
        return Err(ApiError::Conflict(
            "本季度已有排考任务在排队或运行，请等它结束".into(),
        ));
    }
    Ok(())
}

fn queue(
    app: &App,
    job: &NewJob,
    caller: &Caller,
    action: &str,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = app.store.add_job(job)?;
    app.store
        .audit(&caller.name, action, &format!("jobs/{id}"), None)?;
    app.queue.ring();
    Ok((StatusCode::ACCEPTED, Json(json!({ "job": id }))))
}

pub async fn plan(
    State(app): State<Shared>,
    Changing(caller): Changing,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let q = app.access(&caller).quarter(id)?;
    province_only(&caller, "排考")?;
    if app.store.published_version(id)?.is_some() {
        return Err(ApiError::Conflict(
            "方案已发布，不能重新排考；如有变化请提交调整（replan）".into(),
        ));
    }
    no_plan_running(&app, id)?;
    let job = NewJob {
        quarter: id,
        kind: "plan",
        user_id: caller.user_id,
        case_id: q.case_id,
        base: None,
        scope: None,
        params: "",
    };
    queue(&app, &job, &caller, "plan")
}

pub async fn publish(
    State(app): State<Shared>,
    Changing(caller): Changing,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    app.access(&caller).quarter(id)?;
    province_only(&caller, "发布方案")?;
    let v = app
        .store
        .current_version(id)?
        .ok_or_else(|| ApiError::Conflict("还没有方案可以发布，请先排考".into()))?;
    if !app.store.publish(v.id)? {
        return Err(ApiError::Conflict(format!(
            "第 {} 版已经发布；变化请提交调整（replan）",
            v.number
        )));
    }
    app.store.audit(
        &caller.name,
        "publish",
        &format!("quarters/{id}/versions/{}", v.number),
        None,
    )?;
    Ok(Json(json!({ "version": v.number, "published": true })))
}

pub async fn replan(
    State(app): State<Shared>,
    Changing(caller): Changing,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    app.access(&caller).quarter(id)?;
    province_only(&caller, "提交调整")?;
    let base = app
        .store
        .published_version(id)?
        .ok_or_else(|| ApiError::Conflict("还没有已发布的方案，调整须在发布之后".into()))?;
    no_plan_running(&app, id)?;
    let a = app.clone();
    let case_id = blocking(move || {
        let accepted = accept_case(&a, &body)?;
        Ok(a.store
            .add_case(id, &places_json(&accepted.places)?, &accepted.files)?)
    })
    .await?;
    let job = NewJob {
        quarter: id,
        kind: "replan",
        user_id: caller.user_id,
        case_id,
        base: Some(base.id),
        scope: None,
        params: "",
    };
    queue(&app, &job, &caller, "replan")
}

pub async fn whatif(
    State(app): State<Shared>,
    Changing(caller): Changing,
    Path(id): Path<i64>,
    body: String,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let access = app.access(&caller);
    let q = access.quarter(id)?;
    let scope = match &caller.role {
        Role::Province => None,
        Role::Prefecture(code) => Some(code.clone()),
        Role::Institution(_) => {
            return Err(ApiError::Forbidden(
                "只有省级和市州用户可以做情景推演".into(),
            ))
        }
    };
    let scenarios = read_scenarios(&app, &body)?;
    if let Some(code) = &scope {
        let places = access.places(q.case_id)?;
        for s in &scenarios {
            if let Ok(edit) = &s.edit {
                if let Err(why) = within_prefecture(edit, &places, code) {
                    return Err(ApiError::NotFound(format!(
                        "情景“{}”{why}：市州只能推演本市州的变化",
                        s.name
                    )));
                }
            }
        }
    }
    let job = NewJob {
        quarter: id,
        kind: "whatif",
        user_id: caller.user_id,
        case_id: q.case_id,
        base: None,
        scope: scope.as_deref(),
        params: &body,
    };
    queue(&app, &job, &caller, "whatif")
}

/// Parses a scenarios file as `whatif --scenarios` does; a file that is not one is 422.
fn read_scenarios(
    app: &App,
    text: &str,
) -> Result<Vec<crate::whatif::scenario::Prepared>, ApiError> {
    let file = tempfile::NamedTempFile::new_in(&app.store.work)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    std::fs::write(file.path(), text).map_err(|e| ApiError::Internal(e.to_string()))?;
    crate::whatif::scenario::read_scenarios(file.path()).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split_once(": ")
            .filter(|(head, _)| head.contains(".tmp"))
            .map_or(message.clone(), |(_, m)| m.to_string());
        ApiError::Invalid(vec![Diagnostic {
            severity: Severity::Error,
            file: "scenarios.toml".into(),
            line: None,
            column: None,
            message,
        }])
    })
}

/// Does a scenario change only the prefecture `code`? `Err` says what it touches beyond it.
fn within_prefecture(
    s: &crate::whatif::scenario::Scenario,
    places: &Places,
    code: &str,
) -> Result<(), String> {
    let own = |inst: &str| places.institutions.get(inst).map(String::as_str) == Some(code);
    if let Some(r) = s.add_room.iter().find(|r| !own(&r.institution_id)) {
        return Err(format!("给 {} 增加考场", r.institution_id));
    }
    if let Some(i) = s
        .add_institution
        .iter()
        .find(|i| !places.names_prefecture(&i.prefecture, code))
    {
        return Err(format!("在 {} 增加机构", i.prefecture));
    }
    if let Some(d) = s.scale_demand.iter().find(|d| {
        !d.prefecture
            .as_deref()
            .is_some_and(|p| places.names_prefecture(p, code))
    }) {
        return Err(format!(
            "调整了 {} 的报考人数",
            d.prefecture.as_deref().unwrap_or("全省")
        ));
    }
    if let Some(i) = s.remove_institution.iter().find(|i| !own(i)) {
        return Err(format!("撤下机构 {i}"));
    }
    if !s.add_session.is_empty() {
        return Err("增加了全省统一的考试时段".into());
    }
    if s.policy.is_some() {
        return Err("修改了全省政策参数".into());
    }
    Ok(())
}

#[derive(serde::Deserialize)]
pub struct Seed {
    pub seed: String,
}

pub async fn exam_day(
    State(app): State<Shared>,
    Changing(caller): Changing,
    Path(id): Path<i64>,
    Json(seed): Json<Seed>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    app.access(&caller).quarter(id)?;
    province_only(&caller, "安排考务")?;
    if seed.seed.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "seed（抽取督导员的种子文字）不能为空".into(),
        ));
    }
    let base: Version = app
        .store
        .published_version(id)?
        .ok_or_else(|| ApiError::Conflict("考务安排须在方案发布之后".into()))?;
    let job = NewJob {
        quarter: id,
        kind: "exam_day",
        user_id: caller.user_id,
        case_id: base.case_id,
        base: Some(base.id),
        scope: None,
        params: &seed.seed,
    };
    queue(&app, &job, &caller, "exam_day")
}

pub async fn summary(
    State(app): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let access = app.access(&caller);
    access.quarter(id)?;
    let v = access
        .store
        .current_version(id)?
        .ok_or_else(|| ApiError::NotFound("本季度还没有方案".into()))?;
    let bytes = access.version_file(&v, "summary.json")?;
    Ok(download("summary.json", bytes))
}

pub async fn file(
    State(app): State<Shared>,
    caller: Caller,
    Path((id, path)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let number = app
        .access(&caller)
        .quarter(id)
        .and_then(|_| Ok(app.store.current_version(id)?))?
        .ok_or_else(|| ApiError::NotFound("本季度还没有方案".into()))?
        .number;
    version_file(State(app), caller, Path((id, number, path))).await
}

/// A file of an earlier (or the current) version: every version keeps its files.
pub async fn version_file(
    State(app): State<Shared>,
    caller: Caller,
    Path((id, number, path)): Path<(i64, i64, String)>,
) -> Result<Response, ApiError> {
    let a = app.clone();
    blocking(move || {
        let access = a.access(&caller);
        access.quarter(id)?;
        let v = access
            .store
            .versions(id)?
            .into_iter()
            .find(|v| v.number == number)
            .ok_or_else(|| ApiError::NotFound(format!("本季度没有第 {number} 版")))?;
        let bytes = access.version_file(&v, &path)?;
        if holds_people(&path) {
            let sha = crate::digest::sha256_hex(&bytes);
            a.store.audit(
                &caller.name,
                "download",
                &format!("quarters/{id}/versions/{number}/{path}"),
                Some(&sha),
            )?;
        }
        Ok(download(&path, bytes))
    })
    .await
}

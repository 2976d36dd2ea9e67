//! The HTTP face of the server: the JSON API (one file per resource) and the pages on top of
//! it, one shared [`App`], one extractor for the signed-in [`Caller`] (and [`Changing`] for
//! requests that change state, which also checks the CSRF token), and one error type that
//! becomes the response. Handlers stay short; what a caller may see is [`super::scope`]'s.

pub mod audit;
pub mod jobs;
pub mod pages;
pub mod quarters;
pub mod session;

use super::auth;
use super::jobs::Queue;
use super::scope::{Access, Caller, Denied, Role};
use super::store::{Store, StoreError};
use super::upload::Limits;
use crate::diag::{Diagnostic, Severity};
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

/// What every handler shares.
pub struct App {
    pub store: Arc<Store>,
    pub queue: Arc<Queue>,
    pub limits: Limits,
}

pub type Shared = Arc<App>;

impl App {
    /// The store as this caller may see it.
    pub fn access<'a>(&'a self, caller: &'a Caller) -> Access<'a> {
        Access {
            store: &self.store,
            caller,
        }
    }
}

/// The routes: the API under `/api`, the pages at the root.
pub fn router(app: Shared, body_limit: usize) -> Router {
    Router::new()
        .route(
            "/api/session",
            post(session::create).delete(session::delete),
        )
        .route("/api/quarters", post(quarters::upload).get(quarters::list))
        .route("/api/quarters/{id}", get(quarters::detail))
        .route("/api/quarters/{id}/plan", post(quarters::plan))
        .route("/api/quarters/{id}/publish", post(quarters::publish))
        .route("/api/quarters/{id}/replan", post(quarters::replan))
        .route("/api/quarters/{id}/whatif", post(quarters::whatif))
        .route("/api/quarters/{id}/exam-day", post(quarters::exam_day))
        .route("/api/quarters/{id}/summary", get(quarters::summary))
        .route("/api/quarters/{id}/files/{*path}", get(quarters::file))
        .route(
            "/api/quarters/{id}/versions/{number}/files/{*path}",
            get(quarters::version_file),
        )
        .route("/api/jobs/{job}", get(jobs::status))
        .route("/api/jobs/{job}/files/{*path}", get(jobs::file))
        .route("/api/audit", get(audit::list))
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/quarters/{id}", get(pages::quarter))
        .route("/jobs/{job}", get(pages::job))
        .route("/audit", get(pages::audit))
        .route("/static/app.js", get(pages::script))
        .route("/static/app.css", get(pages::style))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// Every way a request can fail, and its status.
#[derive(Debug)]
pub enum ApiError {
    /// No session, or it ended (401).
    Unauthorized,
    /// A session, but no or a wrong CSRF token, or a role that may not do this (403).
    Forbidden(String),
    /// Not there, or out of the caller's scope (404): the same answer.
    NotFound(String),
    /// Not now: a published plan to plan again, nothing to publish, a job already running (409).
    Conflict(String),
    /// Too many failed logins (429), retry after this many seconds.
    TooMany(i64),
    /// An upload or scenario file with errors (422), each with its position.
    Invalid(Vec<Diagnostic>),
    /// A body that is not what the endpoint takes (400).
    BadRequest(String),
    /// The server's own fault (500); the detail goes to the log, not the caller.
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::Invalid(diags) => {
                let list: Vec<_> = diags.iter().map(diagnostic_json).collect();
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Json(json!({ "diagnostics": list })),
                )
                    .into_response();
            }
            ApiError::TooMany(seconds) => {
                let mut r = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(json!({
                        "error": format!("登录失败次数过多，请 {} 分钟后再试", (seconds + 59) / 60)
                    })),
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return r;
            }
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "请先登录".to_string()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::Internal(m) => {
                tracing::error!("{m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器内部错误，请稍后再试或联系技术支持".to_string(),
                )
            }
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

impl From<Denied> for ApiError {
    fn from(d: Denied) -> ApiError {
        match d {
            Denied::NotFound => ApiError::NotFound("不存在或不在您的权限范围内".into()),
            Denied::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

/// A diagnostic as the API gives it.
pub fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    json!({
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": d.message,
    })
}

/// Was the request made over TLS (directly, or as the reverse proxy says)?
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The caller of a request with a live session, else 401.
impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Caller, ApiError> {
        let token = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(auth::token_in)
            .ok_or(ApiError::Unauthorized)?;
        let (user, csrf) = app.store.session(token)?.ok_or(ApiError::Unauthorized)?;
        let role = Role::from_stored(&user.role, user.scope.as_deref())
            .ok_or_else(|| ApiError::Internal(format!("user {} has no valid role", user.name)))?;
        Ok(Caller {
            user_id: user.id,
            name: user.name,
            role,
            csrf,
            token: token.to_string(),
        })
    }
}

/// The caller of a state-changing request: a live session and its CSRF token in
/// `X-CSRF-Token` (else 403).
pub struct Changing(pub Caller);

impl FromRequestParts<Shared> for Changing {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Changing, ApiError> {
        let caller = Caller::from_request_parts(parts, app).await?;
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !auth::same_token(sent, &caller.csrf) {
            return Err(ApiError::Forbidden(
                "缺少或错误的 CSRF 令牌（X-CSRF-Token）".into(),
            ));
        }
        Ok(Changing(caller))
    }
}

/// Only the province may do this (else 403).
pub fn province_only(caller: &Caller, what: &str) -> Result<(), ApiError> {
    match caller.role {
        Role::Province => Ok(()),
        _ => Err(ApiError::Forbidden(format!("只有省级用户可以{what}"))),
    }
}

/// Runs blocking work (a case to validate, a file to filter) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("a blocking task failed: {e}")))?
}

/// A file's content type, by its name.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("md") | Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file download: its bytes, type and a name to save it as.
pub fn download(path: &str, bytes: Vec<u8>) -> Response {
    let name = path.rsplit('/').next().unwrap_or(path);
    let disposition = if path.ends_with(".html") || path.ends_with(".json") {
        "inline".to_string()
    } else {
        format!(
            "attachment; filename=\"{}\"",
            name.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-' && c != '_',
                "_"
            )
        )
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
    );
    r
}

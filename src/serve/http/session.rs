//! `POST /api/session` (log in) and `DELETE /api/session` (log out).

use super::{blocking, over_tls, ApiError, Changing, Shared};
use crate::serve::auth::{self, Login};
use crate::serve::scope::Role;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// A logged-in session: the role, scope and CSRF token; the cookie is set on the response.
pub struct Opened {
    pub role: Role,
    pub csrf: String,
    pub token: String,
}

/// Checks the credentials (throttled, audited) and opens a session.
pub async fn open(app: &Shared, credentials: Credentials) -> Result<Opened, ApiError> {
    let store = app.store.clone();
    let name = credentials.username.clone();
    let login = blocking(move || {
        auth::login(&store, &credentials.username, &credentials.password).map_err(ApiError::from)
    })
    .await?;
    match login {
        Login::Ok { token, csrf, user } => {
            app.store.audit(&user.name, "login", &user.name, None)?;
            let role = Role::from_stored(&user.role, user.scope.as_deref()).ok_or_else(|| {
                ApiError::Internal(format!("user {} has no valid role", user.name))
            })?;
            Ok(Opened { role, csrf, token })
        }
        Login::Refused => {
            app.store.audit(&name, "login_failed", &name, None)?;
            Err(ApiError::Unauthorized)
        }
        Login::Throttled(seconds) => {
            app.store.audit(&name, "login_failed", &name, None)?;
            Err(ApiError::TooMany(seconds))
        }
    }
}

pub async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    Json(credentials): Json<Credentials>,
) -> Result<Response, ApiError> {
    let opened = open(&app, credentials).await?;
    let mut r = (
        StatusCode::OK,
        Json(json!({
            "role": opened.role.name(),
            "scope": opened.role.scope(),
            "csrf": opened.csrf,
        })),
    )
        .into_response();
    set_cookie(
        &mut r,
        &auth::session_cookie(&opened.token, over_tls(&headers)),
    );
    Ok(r)
}

pub async fn delete(
    State(app): State<Shared>,
    headers: HeaderMap,
    Changing(caller): Changing,
) -> Result<Response, ApiError> {
    app.store.end_session(&caller.token)?;
    app.store
        .audit(&caller.name, "logout", &caller.name, None)?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut r, &auth::cleared_cookie(over_tls(&headers)));
    Ok(r)
}

pub fn set_cookie(r: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
}

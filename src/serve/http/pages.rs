//! The pages, in Chinese, rendered on the server with maud, on top of the JSON API: login, the
//! quarters with the upload form, a quarter (its jobs with progress bars, publish, replan,
//! exam day, downloads by scope, a what-if form), a job, and the audit log. The one script
//! and the one style sheet are served from the binary: no external resources.

use super::session::{self, Credentials};
use super::{over_tls, ApiError, Shared};
use crate::serve::auth;
use crate::serve::scope::{Caller, Role};
use crate::serve::store::{Job, Version};
use axum::extract::{Form, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

const SCRIPT: &str = include_str!("static/app.js");
const STYLE: &str = include_str!("static/app.css");
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";

/// A page's caller: no session sends the browser to the login page.
pub struct Viewer(pub Caller);

impl FromRequestParts<Shared> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Viewer, Response> {
        match Caller::from_request_parts(parts, app).await {
            Ok(c) => Ok(Viewer(c)),
            Err(ApiError::Unauthorized) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut r = (status, axum::response::Html(markup.into_string())).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

fn layout(title: &str, caller: Option<&Caller>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(c) = caller { meta name="csrf" content=(c.csrf); }
                title { (title) " · 湖南省技能等级认定统一考试排考系统" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header {
                    span.brand { "技能等级认定统一考试排考系统" }
                    @if let Some(c) = caller {
                        nav {
                            a href="/" { "考试季度" }
                            @if c.role == Role::Province { a href="/audit" { "审计日志" } }
                        }
                        span.who { (c.name) "（" (c.role.words()) "）" }
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(c.csrf);
                            button type="submit" { "退出" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

pub async fn login_form() -> Response {
    respond(StatusCode::OK, login_page(None))
}

fn login_page(error: Option<&str>) -> Markup {
    layout(
        "登录",
        None,
        html! {
            form.login method="post" action="/login" {
                @if let Some(e) = error { p.error role="alert" { (e) } }
                label { "用户名" input name="username" autocomplete="username" required; }
                label { "密码" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" id="login" { "登录" }
            }
        },
    )
}

/// A form posted from another site (its `Origin` is not this host) is refused: logging a
/// browser into someone else's account is a forgery too.
fn same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST))
    else {
        return true;
    };
    match (origin.to_str(), host.to_str()) {
        (Ok(origin), Ok(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host),
        _ => false,
    }
}

pub async fn login(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(credentials): Form<Credentials>,
) -> Response {
    if !same_origin(&headers) {
        return ApiError::Forbidden("登录表单须从本站提交".into()).into_response();
    }
    match session::open(&app, credentials).await {
        Ok(opened) => {
            let mut r = Redirect::to("/").into_response();
            session::set_cookie(
                &mut r,
                &auth::session_cookie(&opened.token, over_tls(&headers)),
            );
            r
        }
        Err(ApiError::TooMany(seconds)) => respond(
            StatusCode::TOO_MANY_REQUESTS,
            login_page(Some(&format!(
                "登录失败次数过多，该用户名已暂停登录，请 {} 分钟后再试",
                (seconds + 59) / 60
            ))),
        ),
        Err(ApiError::Unauthorized) => respond(
            StatusCode::UNAUTHORIZED,
            login_page(Some("用户名或密码错误（连续错误 5 次将暂停登录 15 分钟）")),
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    State(app): State<Shared>,
    headers: HeaderMap,
    Viewer(caller): Viewer,
    Form(form): Form<LogoutForm>,
) -> Result<Response, ApiError> {
    if !auth::same_token(&form.csrf, &caller.csrf) || !same_origin(&headers) {
        return Err(ApiError::Forbidden("缺少或错误的 CSRF 令牌".into()));
    }
    app.store.end_session(&caller.token)?;
    app.store
        .audit(&caller.name, "logout", &caller.name, None)?;
    let mut r = Redirect::to("/login").into_response();
    session::set_cookie(&mut r, &auth::cleared_cookie(over_tls(&headers)));
    Ok(r)
}

fn state_words(job: &Job) -> &'static str {
    match job.state.as_str() {
        "queued" => "排队中",
        "running" => "运行中",
        "done" => "完成",
        _ => "失败",
    }
}

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "plan" => "排考",
        "replan" => "调整",
        "whatif" => "情景推演",
        _ => "考务安排",
    }
}

fn version_words(v: Option<&Version>) -> String {
    match v {
        None => "尚未排考".into(),
        Some(v) if v.published.is_some() => format!("第 {} 版（已发布）", v.number),
        Some(v) => format!("第 {} 版（草稿）", v.number),
    }
}

pub async fn home(State(app): State<Shared>, Viewer(caller): Viewer) -> Result<Response, ApiError> {
    let access = app.access(&caller);
    let mut rows = Vec::new();
    for q in access.quarters()? {
        let v = access.store.current_version(q.id)?;
        rows.push((q, v));
    }
    let body = html! {
        @if caller.role == Role::Province {
            section.card {
                h2 { "上传案例" }
                p { "把案例文件夹（candidates、institutions、rooms、sessions 等 CSV 或 xlsx 及 case.toml）压缩为 zip 上传；有错误时逐条列出文件、行、列。" }
                form.api data-api="/api/quarters" data-body="zip" {
                    input type="file" name="zip" id="case-zip" accept=".zip,application/zip" required;
                    button type="submit" id="upload" { "上传并检查" }
                    div.message {}
                    div.diagnostics {}
                }
            }
        }
        section {
            h2 { "考试季度" }
            @if rows.is_empty() { p { "还没有案例。" } } @else {
                table {
                    thead { tr { th { "编号" } th { "名称" } th { "季度" } th { "当前方案" } th { "上传时间" } } }
                    tbody {
                        @for (q, v) in &rows {
                            tr {
                                td { (q.id) }
                                td { a href={ "/quarters/" (q.id) } { (q.name) } }
                                td { (q.quarter) }
                                td { (version_words(v.as_ref())) }
                                td { (q.created) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout("考试季度", Some(&caller), body),
    ))
}

fn job_row(job: &Job) -> Markup {
    let live = matches!(job.state.as_str(), "queued" | "running");
    html! {
        tr.job data-job=(job.id) data-live=(live) {
            td { a href={ "/jobs/" (job.id) } { (job.id) } }
            td { (kind_words(&job.kind)) }
            td.state { (state_words(job)) }
            td { progress value=(job.progress) max="1" {} }
            td.stage { (job.stage) }
            td.error { (job.error.as_deref().unwrap_or("")) }
        }
    }
}

pub async fn quarter(
    State(app): State<Shared>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let access = app.access(&caller);
    let q = access.quarter(id)?;
    let current = access.store.current_version(id)?;
    let published = access.store.published_version(id)?;
    let files = match &current {
        Some(v) => access.version_paths(v)?,
        None => Vec::new(),
    };
    let jobs = access.jobs(id)?;
    let versions = access.store.versions(id)?;
    let province = caller.role == Role::Province;
    let may_whatif = !matches!(caller.role, Role::Institution(_));
    let body = html! {
        p.status { "当前方案：" strong id="version" { (version_words(current.as_ref())) } }
        @if province {
            section.card.actions {
                @if published.is_none() {
                    form.api data-api={ "/api/quarters/" (id) "/plan" } data-body="none" {
                        button type="submit" id="plan" { "排考" }
                        div.message {}
                    }
                }
                @if current.as_ref().is_some_and(|v| v.published.is_none()) {
                    form.api data-api={ "/api/quarters/" (id) "/publish" } data-body="none"
                        data-confirm="发布后该版本只读，变化须通过调整产生新版本。确认发布？" {
                        button type="submit" id="publish" { "发布方案" }
                        div.message {}
                    }
                }
                @if published.is_some() {
                    form.api data-api={ "/api/quarters/" (id) "/replan" } data-body="zip" {
                        label { "调整（上传变化后的案例 zip）" input type="file" name="zip" accept=".zip,application/zip" required; }
                        button type="submit" id="replan" { "提交调整" }
                        div.message {}
                        div.diagnostics {}
                    }
                    form.api data-api={ "/api/quarters/" (id) "/exam-day" } data-body="seed" {
                        label { "督导员抽取种子（事先公布的文字）" input name="seed" required; }
                        button type="submit" id="exam-day" { "考务安排" }
                        div.message {}
                    }
                }
            }
        }
        section {
            h2 { "任务" }
            @if jobs.is_empty() { p { "还没有任务。" } } @else {
                table id="jobs" {
                    thead { tr { th { "编号" } th { "类型" } th { "状态" } th { "进度" } th { "阶段" } th { "错误" } } }
                    tbody { @for j in &jobs { (job_row(j)) } }
                }
            }
        }
        @if versions.len() > 1 {
            section {
                h2 { "历次版本" }
                table id="versions" {
                    thead { tr { th { "版本" } th { "生成时间" } th { "发布时间" } th { "摘要" } } }
                    tbody {
                        @for v in &versions {
                            tr {
                                td { "第 " (v.number) " 版" }
                                td { (v.created) }
                                td { (v.published.as_deref().unwrap_or("未发布")) }
                                td { a href={ "/api/quarters/" (id) "/versions/" (v.number) "/files/summary.json" } { "summary.json" } }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { "下载" }
            @if files.is_empty() { p { "没有可下载的文件。" } } @else {
                @if files.iter().any(|f| f == "report.html") {
                    p { a id="report" href={ "/api/quarters/" (id) "/files/report.html" } { "查看排考报告" } }
                }
                ul.files {
                    @for f in &files {
                        li { a href={ "/api/quarters/" (id) "/files/" (f) } { (f) } }
                    }
                }
            }
        }
        @if may_whatif {
            section.card {
                h2 { "情景推演" }
                p { "每个 [[scenario]] 表是一个情景（新增考场、新增机构、需求变化等，见 docs/commands.md）。市州只能推演本市州的变化。" }
                form.api data-api={ "/api/quarters/" (id) "/whatif" } data-body="text" {
                    textarea name="scenarios" rows="8" cols="70" required
                        placeholder="[[scenario]]\nname = \"新增考场\"\nadd_room = [{ institution_id = \"I001\", room_id = \"R9\", seats = 240 }]" {}
                    button type="submit" id="whatif" { "开始推演" }
                    div.message {}
                    div.diagnostics {}
                }
            }
        }
    };
    let title = format!("{}（{}）", q.name, q.quarter);
    Ok(respond(StatusCode::OK, layout(&title, Some(&caller), body)))
}

pub async fn job(
    State(app): State<Shared>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let access = app.access(&caller);
    let job = access.job(id)?;
    let files: Vec<String> = if job.state == "done" {
        access.job_paths(&job)?
    } else {
        Vec::new()
    };
    let body = html! {
        p { a href={ "/quarters/" (job.quarter) } { "返回本季度" } }
        table id="jobs" {
            thead { tr { th { "编号" } th { "类型" } th { "状态" } th { "进度" } th { "阶段" } th { "错误" } } }
            tbody { (job_row(&job)) }
        }
        @if !files.is_empty() {
            h2 { "结果文件" }
            ul.files {
                @for f in &files {
                    li { a href={ "/api/jobs/" (job.id) "/files/" (f) } { (f) } }
                }
            }
        }
    };
    let title = format!("{}任务 {}", kind_words(&job.kind), job.id);
    Ok(respond(StatusCode::OK, layout(&title, Some(&caller), body)))
}

pub async fn audit(
    State(app): State<Shared>,
    Viewer(caller): Viewer,
) -> Result<Response, ApiError> {
    let rows = app.access(&caller).audit_log()?;
    let body = html! {
        table id="audit" {
            thead { tr { th { "时间（UTC）" } th { "用户" } th { "操作" } th { "对象" } th { "SHA-256" } } }
            tbody {
                @for r in rows.iter().rev() {
                    tr { td { (r.time) } td { (r.user) } td { (r.action) } td { (r.target) } td.sha { (r.sha256.as_deref().unwrap_or("")) } }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout("审计日志", Some(&caller), body),
    ))
}

pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

fn asset(text: &'static str, kind: &'static str) -> Response {
    let mut r = text.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_from_another_site_is_refused() {
        let mut h = HeaderMap::new();
        assert!(
            same_origin(&h),
            "no Origin (scripts, older browsers): the session rules apply"
        );
        h.insert(
            header::HOST,
            HeaderValue::from_static("kaowu.example.gov.cn"),
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://kaowu.example.gov.cn"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example.com"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
    }
}

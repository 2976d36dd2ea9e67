//! `GET /api/audit` (the province): every login, upload, plan, publish, replan, what-if, exam
//! day and download of a file with people in it, oldest first.

use super::{ApiError, Shared};
use crate::serve::scope::{Caller, Role};
use crate::serve::store::AuditRow;
use axum::extract::State;
use axum::Json;

pub async fn list(
    State(app): State<Shared>,
    caller: Caller,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    if caller.role != Role::Province {
        return Err(ApiError::Forbidden("只有省级用户可以查看审计日志".into()));
    }
    Ok(Json(app.access(&caller).audit_log()?))
}

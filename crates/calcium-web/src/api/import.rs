//! `POST /api/import`: the multipart form of the page (`model`, `file`); the call waits for the
//! end of the import and answers its report, the JSON of `calcium import --json`.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};

use crate::AppState;
use crate::api::{ApiError, check_csrf};
use crate::auth::CurrentUser;
use crate::imports::{FORM_OVERHEAD, start, upload_refusal};
use crate::upload::read_form;

pub(super) fn router(upload_limit_bytes: usize) -> Router<AppState> {
    Router::new().route(
        "/api/import",
        post(import).layer(DefaultBodyLimit::max(upload_limit_bytes.saturating_add(FORM_OVERHEAD))),
    )
}

async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_csrf(&user, &headers)?;
    let form = read_form(multipart, state.options().upload_limit_bytes).await.map_err(|error| {
        let (status, message) = upload_refusal(&error);
        ApiError::new(status, message)
    })?;
    let started = match start(&state, &user, &form).await? {
        Ok(started) => started,
        Err((status, message)) => return Err(ApiError::new(status, message)),
    };
    let id = started.execution;
    match started.report.await {
        Ok(Some(report)) => Ok(Json(report)),
        // The run ended without a report (the job failed before it could make one).
        _ => {
            let execution = state.store().get_execution(id).await?;
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "import en échec ({}) : {}",
                    execution.status,
                    execution.message.as_deref().unwrap_or("sans message")
                ),
            ))
        }
    }
}

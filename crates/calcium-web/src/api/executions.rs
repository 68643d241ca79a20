//! `/api/executions/{id}` and its log.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use calcium_store::ExecutionId;

use crate::AppState;
use crate::api::ApiError;
use crate::auth::CurrentUser;
use crate::json::ExecutionView;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/executions/{id}", get(show)).route("/api/executions/{id}/log", get(log))
}

fn parse_id(text: &str) -> Result<ExecutionId, ApiError> {
    text.parse().map(ExecutionId).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "Exécution introuvable."))
}

async fn show(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ExecutionView>, ApiError> {
    let store = state.store();
    let execution = store.get_execution(parse_id(&id)?).await?;
    let now = store.database_now().await?;
    Ok(Json(ExecutionView::new(&execution, &state.options().time_zone, now)))
}

async fn log(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let text = state.store().execution_log(parse_id(&id)?).await?;
    Ok(([(CONTENT_TYPE, "text/plain; charset=utf-8")], text))
}

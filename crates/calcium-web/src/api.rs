//! The JSON API under `/api/`, mirroring the command line (SPEC §5): list, show, set, run,
//! history, next, executions and import, with the same JSON shapes ([`crate::json`]).
//!
//! Authenticated by the session cookie (state-changing calls then carry the session's CSRF
//! token in `X-CSRF-Token`) or by `Authorization: Bearer <token>` (`calcium user token`).
//! Errors are `{"error": "<French message>"}` with a status that says what kind of error.

use axum::Json;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;

mod batches;
mod executions;
mod import;
pub(crate) mod openapi;

pub(crate) fn router(upload_limit_bytes: usize) -> Router<AppState> {
    Router::new()
        .merge(batches::router())
        .merge(executions::router())
        .merge(import::router(upload_limit_bytes))
        .merge(openapi::router())
}

/// An API failure: its status and French message.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: &self.message })).into_response()
    }
}

impl From<WebError> for ApiError {
    fn from(error: WebError) -> ApiError {
        match error {
            WebError::Unauthenticated { .. } => ApiError::new(StatusCode::UNAUTHORIZED, "Authentification requise."),
            WebError::Forbidden => {
                ApiError::new(StatusCode::FORBIDDEN, "Jeton CSRF absent ou incorrect (en-tête X-CSRF-Token).")
            }
            WebError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "Introuvable."),
            WebError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "API request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Erreur interne.")
            }
        }
    }
}

impl From<calcium_store::DbError> for ApiError {
    fn from(error: calcium_store::DbError) -> ApiError {
        match error {
            calcium_store::DbError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "Introuvable."),
            other => WebError::from(other).into(),
        }
    }
}

/// Checks the CSRF header of a state-changing call made with the session cookie.
pub(crate) fn check_csrf(user: &CurrentUser, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get("x-csrf-token").and_then(|value| value.to_str().ok());
    user.check_csrf(given).map_err(ApiError::from)
}

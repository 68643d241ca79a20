//! `GET /healthz`, the probe of load balancers and monitoring: open to all, it says whether this
//! instance can reach the base and nothing more (no version, no counts).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok", database: "ok" })).into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: the base does not answer");
            let body = Health { status: "indisponible", database: "injoignable" };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

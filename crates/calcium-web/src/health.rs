//! `GET /healthz`, the probe of load balancers and monitoring: open to all, it says whether this
//! instance can reach the base and whether its batch engine is alive, and nothing more (no
//! version, no counts).

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
    /// `ok` or `arrêté`; absent when no engine runs in this process.
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduler: Option<&'static str>,
}

async fn healthz(State(state): State<AppState>) -> Response {
    let store = state.store();
    if let Err(error) = store.ping().await {
        tracing::warn!(%error, "health check: the base does not answer");
        let body = Health { status: "indisponible", database: "injoignable", scheduler: None };
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let Some(engine) = &state.options().engine else {
        return (StatusCode::OK, Json(Health { status: "ok", database: "ok", scheduler: None })).into_response();
    };
    let alive = match store.database_now().await {
        Ok(now) => store
            .live_instances(now, engine.lease)
            .await
            .map(|live| live.iter().any(|instance| instance.id == engine.instance_id)),
        Err(error) => Err(error),
    };
    match alive {
        Ok(true) => {
            (StatusCode::OK, Json(Health { status: "ok", database: "ok", scheduler: Some("ok") })).into_response()
        }
        Ok(false) | Err(_) => {
            tracing::warn!("health check: the batch engine of this instance gives no sign of life");
            let body = Health { status: "indisponible", database: "ok", scheduler: Some("arrêté") };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

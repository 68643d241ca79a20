//! `GET /api/openapi.json`: the description of the API, kept by hand in
//! `static/openapi.json` (a test checks that every operation it lists answers on the router).
//! Hand-written rather than generated: a dozen operations did not justify a derive crate and
//! its build time.

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;
use crate::auth::CurrentUser;

/// The OpenAPI 3.1 document.
pub const OPENAPI: &str = include_str!("../../static/openapi.json");

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi))
}

async fn openapi(_user: CurrentUser) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], OPENAPI)
}

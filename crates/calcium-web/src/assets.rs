//! The stylesheet, compiled into the binary so that a deployment is one file and the pages need
//! no CDN. Nothing here requires a session: the login page uses it.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const STYLESHEET: &str = include_str!("../static/calcium.css");

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/static/calcium.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    // An hour of caching: short enough that a new version shows up the same day.
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}

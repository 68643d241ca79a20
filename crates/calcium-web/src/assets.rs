//! The static assets, compiled into the binary so that a deployment is one file and the pages
//! need no CDN: the stylesheet, htmx (vendored, unmodified, 0BSD licence served next to it) and
//! `app.js`, our few lines of script. Nothing here requires a session: the login page uses them.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const STYLESHEET: &str = include_str!("../static/calcium.css");
const APP_JS: &str = include_str!("../static/app.js");
/// htmx 2.0.11 as published on npm (`dist/htmx.min.js`).
const HTMX: &str = include_str!("../static/vendor/htmx-2.0.11.min.js");
const HTMX_LICENSE: &str = include_str!("../static/vendor/htmx-LICENSE.txt");

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/static/calcium.css", get(|| asset("text/css; charset=utf-8", STYLESHEET)))
        .route("/static/app.js", get(|| asset("text/javascript; charset=utf-8", APP_JS)))
        .route("/static/htmx.min.js", get(|| asset("text/javascript; charset=utf-8", HTMX)))
        .route("/static/htmx-LICENSE.txt", get(|| asset("text/plain; charset=utf-8", HTMX_LICENSE)))
}

async fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    // An hour of caching: short enough that a new version shows up the same day.
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "public, max-age=3600")], body)
}

//! The admin web application of Calcium batch, for the ADMINS CALCIUM.
//!
//! Server-rendered French pages (askama templates, htmx for the table refresh and the dialogs,
//! `app.js` for row selection and keyboard), session authentication, the JSON API under
//! `/api/` (session or bearer token), the health probe and the Prometheus metrics. Each feature
//! module owns its routes through a `router()` function; [`router`] merges them in one place
//! and wraps them in the security headers.
//!
//! This crate must not contain SQL (everything goes through [`calcium_store::Store`]), business
//! rules (they live in `calcium-core`), nor HTML built with `format!` (pages are template
//! structs, which escape what they show). Every route except login, health, metrics and the
//! static assets requires a session (or, under `/api/`, a bearer token). It does not run
//! imports itself: the command line hands it an [`ImportLauncher`].

use axum::Router;
use axum::middleware;

mod account;
mod api;
mod assets;
pub mod auth;
mod batches;
mod chrome;
mod cookies;
mod doublons;
mod downloads;
mod error;
mod health;
mod imports;
pub mod json;
mod launcher;
mod metrics;
mod relances;
mod schedule_input;
mod security;
mod state;
mod statistics;
mod tokens;
mod upload;

pub use api::openapi::OPENAPI;
pub use launcher::{ImportLauncher, ImportRefused, ImportRequest, LaunchFuture, StartedImport};
pub use state::{AppState, EngineProbe, WebOptions};
pub use tokens::{digest as token_digest, random_token};

/// The whole application, ready to be served.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.options().upload_limit_bytes;
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(assets::router())
        .merge(auth::router())
        .merge(batches::router())
        .merge(imports::router(upload_limit))
        .merge(downloads::router())
        .merge(relances::router())
        .merge(doublons::router())
        .merge(account::router())
        .merge(statistics::router())
        .merge(api::router(upload_limit))
        .fallback(error::not_found)
        // Outermost, so that redirects, errors and the fallback carry the headers too.
        .layer(middleware::map_response(security::add_security_headers))
        .with_state(state)
}

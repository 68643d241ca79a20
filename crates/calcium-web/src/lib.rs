//! The admin web application of Calcium batch, for the ADMINS CALCIUM.
//!
//! Server-rendered French pages (askama templates), session authentication and the health
//! probe. Each feature module owns its routes through a `router()` function; [`router`] merges
//! them in one place and wraps them in the security headers.
//!
//! This crate must not contain SQL (everything goes through [`calcium_store::Store`]), business
//! rules (they live in `calcium-core`), nor HTML built with `format!` (pages are template
//! structs, which escape what they show). Every page except login, health and the stylesheet
//! requires a session.

use axum::Router;
use axum::middleware;

mod assets;
pub mod auth;
mod batches;
mod cookies;
mod error;
mod health;
mod security;
mod state;
mod tokens;

pub use state::{AppState, WebOptions};

/// The whole application, ready to be served.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(assets::router())
        .merge(auth::router())
        .merge(batches::router())
        .fallback(error::not_found)
        // Outermost, so that redirects, errors and the fallback carry the headers too.
        .layer(middleware::map_response(security::add_security_headers))
        .with_state(state)
}

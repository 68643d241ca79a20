//! The login form (`GET`/`POST /login`) and logout (`POST /logout`).
//!
//! Before login there is no session to hold a CSRF token, so the form uses a double-submit token:
//! the same random value in the `calcium_csrf` cookie and in a hidden field. Failures never say
//! whether the identifiant exists.

use std::time::Instant;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use calcium_core::user::Login;
use jiff::Timestamp;
use serde::Deserialize;

use crate::auth::password::{verify_nobody, verify_password};
use crate::auth::session::{self, CurrentUser};
use crate::cookies::{self, Lifetime};
use crate::error::WebError;
use crate::{AppState, tokens};

const BAD_CREDENTIALS: &str = "Identifiant ou mot de passe incorrect.";
const TOO_MANY_ATTEMPTS: &str = "Trop de tentatives : réessayez dans quelques minutes.";
/// Longer identifiants are cut for the throttle, so junk cannot make its keys big.
const MAX_KEY_CHARS: usize = 64;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/login", get(show_form).post(submit)).route("/logout", post(logout))
}

/// "Connexion".
#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    /// What the user typed, given back after a failure.
    login: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
struct LoginForm {
    // Missing fields are empty rather than a 422, so a form without its token gets the 403.
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn show_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Keep a token the browser already has, so two open login tabs both work.
    let csrf = login_csrf(&headers).map_or_else(tokens::random_token, str::to_owned);
    let cookie = cookies::set(cookies::LOGIN_CSRF, &csrf, "/login", Lifetime::Browser, state.options().secure_cookies);
    ([(SET_COOKIE, cookie)], LoginPage { csrf, login: String::new(), error: None }).into_response()
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let csrf = login_csrf(&headers).filter(|csrf| tokens::same_secret(csrf, &form.csrf)).ok_or(WebError::Forbidden)?;
    let again = |status: StatusCode, error: &'static str| {
        let page = LoginPage { csrf: csrf.to_owned(), login: form.login.clone(), error: Some(error) };
        (status, page).into_response()
    };

    // Logins are stored in lowercase (see `Login`), so the throttle keys on that form too.
    let key: String = form.login.trim().to_lowercase().chars().take(MAX_KEY_CHARS).collect();
    // The attempt counts from here: if the base fails below, it stays counted as a failure.
    if state.throttle().begin(&key, Instant::now()).is_err() {
        tracing::warn!(login = ?key, "login refused: too many failures");
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY_ATTEMPTS));
    }
    let user = match Login::parse(&form.login) {
        Ok(login) => state.store().find_user(login.as_str()).await?,
        Err(_) => None,
    };
    let stored_hash = user.as_ref().map(|user| user.password_hash.clone());
    let password = form.password.clone();
    // argon2 takes a good part of a second of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || match stored_hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_nobody(&password);
            false
        }
    })
    .await?;
    let Some(user) = user.filter(|_| matches) else {
        state.throttle().failed(&key, Instant::now());
        tracing::info!(login = ?key, "login failed");
        return Ok(again(StatusCode::OK, BAD_CREDENTIALS));
    };
    state.throttle().succeeded(&key);

    let store = state.store();
    // A session the browser still held is replaced, never kept alongside the new one.
    if let Some(old) = session::session_token(&headers) {
        store.delete_session(&tokens::digest(old)).await?;
    }
    if let Err(error) = store.purge_expired_sessions(Timestamp::now()).await {
        tracing::warn!(%error, "could not purge expired sessions");
    }
    let secure = state.options().secure_cookies;
    let session_cookie = session::open(store, user.id, secure).await?;
    tracing::info!(login = %user.login, "login");
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(SET_COOKIE, session_cookie);
    response
        .headers_mut()
        .append(SET_COOKIE, cookies::set(cookies::LOGIN_CSRF, "", "/login", Lifetime::Expired, secure));
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    state.store().delete_session(&user.token_hash).await?;
    tracing::info!(login = %user.login, "logout");
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(SET_COOKIE, session::closed_cookie(state.options().secure_cookies));
    Ok(response)
}

/// The login form's CSRF token from its cookie, when it has the right shape.
fn login_csrf(headers: &HeaderMap) -> Option<&str> {
    cookies::read(headers, cookies::LOGIN_CSRF).filter(|token| tokens::is_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_user_typed_is_shown_as_text() {
        let page = LoginPage {
            csrf: "t".to_owned(),
            login: "\"><script>alert(1)</script>".to_owned(),
            error: Some(BAD_CREDENTIALS),
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&#34;&#62;&#60;script&#62;"));
        assert!(html.contains("Identifiant ou mot de passe incorrect."));
    }
}

//! Sessions: opening one after a successful login, and finding the one a request carries.
//!
//! The browser holds a random token in the `calcium_session` cookie; the base holds its SHA-256
//! only, with the user and the session's CSRF token. Sessions last 8 hours and are not renewed.
//! This module never sees a password.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use calcium_store::{Store, UserId};
use jiff::{SignedDuration, Timestamp};

use crate::cookies::{self, Lifetime};
use crate::error::WebError;
use crate::{AppState, tokens};

/// A working day, so that an administrator logs in once a day.
const SESSION_SECONDS: i64 = 8 * 60 * 60;

/// The user of a request with a live session (or, on `/api/` paths, a bearer token). Taking
/// it as a handler argument is what makes a route require a session: without one, a page
/// redirects to `/login` and an `/api/` path answers 401.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser {
    pub(crate) id: UserId,
    pub(crate) login: String,
    pub(crate) email: Option<String>,
    /// The token every form of this session must send back in its `csrf` field (empty for a
    /// bearer token, which a browser never sends by itself and so needs none).
    pub(crate) csrf_token: String,
    /// The digest the session is stored under, to end it.
    pub(crate) token_hash: String,
    /// Authenticated by `Authorization: Bearer` rather than by the session cookie.
    pub(crate) bearer: bool,
}

impl CurrentUser {
    /// Refuses a state-changing request whose CSRF token is not the session's. A bearer
    /// token is never sent by a browser on its own, so it needs no CSRF token.
    pub(crate) fn check_csrf(&self, given: Option<&str>) -> Result<(), WebError> {
        if self.bearer || given.is_some_and(|given| tokens::same_secret(&self.csrf_token, given)) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, WebError> {
        let path = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.path(), |uri| uri.path());
        let api = path.starts_with("/api/");
        let unauthenticated = WebError::Unauthenticated { api };
        if api && let Some(token) = bearer_token(&parts.headers) {
            let user = state.store().find_api_token_user(&tokens::digest(token)).await?.ok_or(unauthenticated)?;
            return Ok(CurrentUser {
                id: user.id,
                login: user.login,
                email: user.email,
                csrf_token: String::new(),
                token_hash: String::new(),
                bearer: true,
            });
        }
        let Some(token) = session_token(&parts.headers) else {
            return Err(unauthenticated);
        };
        let token_hash = tokens::digest(token);
        match state.store().find_session(&token_hash, Timestamp::now()).await? {
            Some(session) => Ok(CurrentUser {
                id: session.user.id,
                login: session.user.login,
                email: session.user.email,
                csrf_token: session.csrf_token,
                token_hash,
                bearer: false,
            }),
            None => Err(unauthenticated),
        }
    }
}

/// The token of `Authorization: Bearer <token>`, if it has the shape of one.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    tokens::is_token(token).then_some(token)
}

/// The session token the request carries, if it has the shape of one.
pub(super) fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookies::read(headers, cookies::SESSION).filter(|token| tokens::is_token(token))
}

/// Opens a session for `user` and returns the `Set-Cookie` value that hands it to the browser.
pub(super) async fn open(store: &Store, user: UserId, secure: bool) -> Result<HeaderValue, WebError> {
    let token = tokens::random_token();
    let now = Timestamp::now();
    let expires_at = now.checked_add(SignedDuration::from_secs(SESSION_SECONDS))?;
    store.create_session(&tokens::digest(&token), user, &tokens::random_token(), now, expires_at).await?;
    Ok(cookies::set(cookies::SESSION, &token, "/", Lifetime::Seconds(SESSION_SECONDS), secure))
}

/// The `Set-Cookie` value that removes the session cookie.
pub(crate) fn closed_cookie(secure: bool) -> HeaderValue {
    cookies::set(cookies::SESSION, "", "/", Lifetime::Expired, secure)
}

//! "Mon compte": an administrator changes their e-mail address (where import reports go) and
//! their password. A new password ends every session of the account, this one included.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use calcium_core::user::Email;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CurrentUser, hash_password, verify_password};
use crate::chrome::Chrome;
use crate::error::WebError;

/// The rule of `calcium user add --password-stdin`: the page holds health data.
pub(crate) const MIN_PASSWORD_CHARS: usize = 12;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/email", post(change_email))
        .route("/account/password", post(change_password))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    email_error: Option<String>,
    password_error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

fn page(user: &CurrentUser, email: String) -> AccountPage {
    AccountPage { chrome: Chrome::new(user, "account"), email, email_error: None, password_error: None, notice: None }
}

async fn show(user: CurrentUser) -> AccountPage {
    let email = user.email.clone().unwrap_or_default();
    page(&user, email)
}

async fn change_email(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    let typed = form.email.trim();
    let email = if typed.is_empty() {
        None
    } else {
        match Email::parse(typed) {
            Ok(email) => Some(email),
            Err(error) => {
                let page = AccountPage { email_error: Some(error.to_string()), ..page(&user, typed.to_owned()) };
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        }
    };
    state.store().set_user_email(&user.login, email.as_ref().map(Email::as_str)).await?;
    tracing::info!(login = %user.login, "e-mail changed");
    let shown = email.map(|email| email.as_str().to_owned()).unwrap_or_default();
    Ok(AccountPage { notice: Some("Adresse e-mail enregistrée."), ..page(&user, shown) }.into_response())
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    let refuse = |message: String| {
        let page = AccountPage { password_error: Some(message), ..page(&user, user.email.clone().unwrap_or_default()) };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let stored = state.store().find_user(&user.login).await?.ok_or(WebError::NotFound)?;
    let current = form.current.clone();
    // argon2 takes a good part of a second of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&current, &stored.password_hash)).await?;
    if !matches {
        return refuse("Le mot de passe actuel est incorrect.".to_owned());
    }
    if form.new.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(format!("Le nouveau mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères."));
    }
    if form.new != form.confirm {
        return refuse("La confirmation ne correspond pas au nouveau mot de passe.".to_owned());
    }
    let new = form.new.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new)).await?.map_err(anyhow::Error::new)?;
    state.store().set_user_password(&user.login, &hash, jiff::Timestamp::now()).await?;
    tracing::info!(login = %user.login, "password changed; sessions ended");
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(SET_COOKIE, crate::auth::closed_session_cookie(state.options().secure_cookies));
    Ok(response)
}

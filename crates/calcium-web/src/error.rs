//! The one error type of the handlers and how each case is answered.
//!
//! Internal failures are logged here, once, with their whole chain, and the user only sees a
//! generic French page: no cause, no SQL, no path ever reaches the browser.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

/// Why a request could not be served.
#[derive(Debug)]
pub(crate) enum WebError {
    /// No valid session: a page sends the browser to the login form, an API call gets a 401.
    Unauthenticated { api: bool },
    /// The CSRF token is missing or does not match.
    Forbidden,
    /// No route or no such thing.
    NotFound,
    /// Anything else: the base, a bug. Logged when turned into a response.
    Internal(anyhow::Error),
}

/// Any error with a cause chain becomes an internal error, so handlers can use `?`.
impl<E: Into<anyhow::Error>> From<E> for WebError {
    fn from(error: E) -> WebError {
        WebError::Internal(error.into())
    }
}

/// The generic error page.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub(crate) title: &'static str,
    pub(crate) message: String,
}

#[derive(Serialize)]
struct ApiError {
    error: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = |status: StatusCode, title: &'static str, message: &str| {
            (status, ErrorPage { title, message: message.to_owned() }).into_response()
        };
        match self {
            WebError::Unauthenticated { api: true } => {
                (StatusCode::UNAUTHORIZED, Json(ApiError { error: "Authentification requise." })).into_response()
            }
            WebError::Unauthenticated { api: false } => Redirect::to("/login").into_response(),
            WebError::Forbidden => page(
                StatusCode::FORBIDDEN,
                "Requête refusée",
                "Le formulaire a expiré ou ne provient pas de cette page. Rechargez la page puis réessayez.",
            ),
            WebError::NotFound => {
                page(StatusCode::NOT_FOUND, "Page introuvable", "L'adresse demandée ne correspond à aucune page.")
            }
            WebError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur interne",
                    "Une erreur inattendue est survenue. Réessayez dans un instant ; si elle persiste, \
                     prévenez l'équipe informatique.",
                )
            }
        }
    }
}

/// The answer to a path no router knows.
pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_call_without_session_gets_a_json_401_and_a_page_a_redirect() {
        let api = WebError::Unauthenticated { api: true }.into_response();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(api.headers()["content-type"], "application/json");
        let page = WebError::Unauthenticated { api: false }.into_response();
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()["location"], "/login");
    }

    #[test]
    fn an_internal_error_shows_nothing_of_its_cause() {
        let response = WebError::from(anyhow::anyhow!("secret SQL detail")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let html = ErrorPage { title: "Erreur interne", message: "x".to_owned() }.render().unwrap();
        assert!(!html.contains("secret SQL detail"));
    }
}

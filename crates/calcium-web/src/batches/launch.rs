//! "Lancer immédiatement": the confirmation dialog "Exécution du batch", then the launch request
//! (SPEC §3). A batch out of service, already running or already flagged is refused with the
//! reason, in the dialog.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::HeaderName;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use calcium_core::BatchCode;
use calcium_store::LaunchRequest;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::batches::{changed_trigger, parse_code};
use crate::error::WebError;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/batches/{code}/launch", get(confirm).post(launch))
}

/// "Etes vous sûr de vouloir lancer le batch REL_COU maintenant?"
#[derive(Template, WebTemplate)]
#[template(path = "dialog_launch.html")]
struct ConfirmDialog {
    code: &'static str,
    csrf: String,
}

/// A dialog that only says something and closes.
#[derive(Template, WebTemplate)]
#[template(path = "dialog_message.html")]
pub(crate) struct MessageDialog {
    pub(crate) title: String,
    pub(crate) message: String,
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Why a batch cannot be launched now, in the dialog's words; `None` when it can.
fn refusal(code: BatchCode, answer: LaunchRequest) -> Option<String> {
    match answer {
        LaunchRequest::Accepted => None,
        LaunchRequest::Disabled => Some(format!(
            "Le batch {code} n'est pas en service : il ne peut pas être lancé. \
             Mettez-le en service avec « Modifier » avant de le lancer."
        )),
        LaunchRequest::AlreadyRequested => Some(format!(
            "Un lancement immédiat du batch {code} est déjà demandé : il démarre dans quelques secondes. \
             Rien de plus n'est fait."
        )),
        LaunchRequest::AlreadyRunning => Some(format!(
            "Le batch {code} est déjà en cours d'exécution : il ne peut pas être lancé une seconde fois. \
             Attendez la fin de l'exécution en cours."
        )),
    }
}

fn refused(code: BatchCode, message: String) -> MessageDialog {
    MessageDialog { title: format!("Lancement du batch {code} impossible"), message }
}

async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = parse_code(&code)?;
    let store = state.store();
    let batch = store.get_batch(code).await?;
    // The same checks as the launch itself, so that the dialog does not ask for nothing.
    let answer = if !batch.enabled {
        LaunchRequest::Disabled
    } else if store.running_execution(code).await?.is_some() {
        LaunchRequest::AlreadyRunning
    } else if batch.launch_now {
        LaunchRequest::AlreadyRequested
    } else {
        LaunchRequest::Accepted
    };
    Ok(match refusal(code, answer) {
        Some(message) => refused(code, message).into_response(),
        None => ConfirmDialog { code: code.as_str(), csrf: user.csrf_token }.into_response(),
    })
}

async fn launch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    let code = parse_code(&code)?;
    let store = state.store();
    let answer = store.request_launch(code, &user.login, store.database_now().await?).await?;
    tracing::info!(login = %user.login, %code, ?answer, "launch requested from the page");
    Ok(match refusal(code, answer) {
        None => (StatusCode::NO_CONTENT, [(HeaderName::from_static("hx-trigger"), changed_trigger())]).into_response(),
        Some(message) => (StatusCode::CONFLICT, refused(code, message)).into_response(),
    })
}

//! "Importation d'un fichier de scolarité": the form (model, file, Importer), the upload, and
//! the page of the import that follows it until the end, with its counts and the links to
//! download `log_`, `erreurLogs_` and `erreurFile_`.
//!
//! The import itself runs as an IMP_QUO execution through the [`crate::ImportLauncher`] the
//! command line provides; this module never reads the uploaded file's content beyond the type
//! check.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use calcium_core::BatchCode;
use calcium_core::execution::execution_text;
use calcium_store::{ExecutionId, ExecutionRow, ImportModel, ProducedFile};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::downloads::kind_label;
use crate::error::WebError;
use crate::launcher::{ImportRefused, ImportRequest, StartedImport};
use crate::upload::{UploadError, UploadForm, read_form};

/// Room for the form's other fields and the multipart framing around the file.
pub(crate) const FORM_OVERHEAD: usize = 64 * 1024;

pub(crate) fn router(upload_limit_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/import",
            get(form).post(upload).layer(DefaultBodyLimit::max(upload_limit_bytes.saturating_add(FORM_OVERHEAD))),
        )
        .route("/import/{id}", get(result))
        .route("/import/{id}/status", get(status))
}

#[derive(Template, WebTemplate)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    models: Vec<ImportModel>,
    selected: String,
    limit_mb: usize,
    available: bool,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "import_result.html")]
struct ResultPage {
    chrome: Chrome,
    status: ImportStatus,
}

/// The state of one import, as the result page and its htmx reload show it.
#[derive(Template, WebTemplate)]
#[template(path = "import_status.html")]
struct ImportStatus {
    id: i64,
    title: String,
    running: bool,
    status: &'static str,
    status_class: &'static str,
    text: String,
    progress: Option<String>,
    message: Option<String>,
    /// (label, count) from the execution's summary.
    counts: Vec<(String, String)>,
    /// (id, file name, kind label).
    files: Vec<(i64, String, &'static str)>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    selected: String,
    error: Option<String>,
) -> Result<ImportPage, WebError> {
    Ok(ImportPage {
        chrome: Chrome::new(user, "import"),
        models: state.store().list_import_models().await?,
        selected,
        limit_mb: state.options().upload_limit_bytes / (1024 * 1024),
        available: state.launcher().is_some(),
        error,
    })
}

async fn form(State(state): State<AppState>, user: CurrentUser) -> Result<ImportPage, WebError> {
    page(&state, &user, "APOGEE".to_owned(), None).await
}

async fn upload(State(state): State<AppState>, user: CurrentUser, multipart: Multipart) -> Result<Response, WebError> {
    let limit = state.options().upload_limit_bytes;
    let (status, model, message) = match read_form(multipart, limit).await {
        // The token travels in the same body: a refused body cannot prove where it came from,
        // but it changed nothing either, so it gets the form again with the reason.
        Err(error) => (error.status(), String::new(), error.to_string()),
        Ok(form) => {
            user.check_csrf(form.csrf.as_deref())?;
            match start(&state, &user, &form).await? {
                Ok(started) => return Ok(Redirect::to(&format!("/import/{}", started.execution.0)).into_response()),
                Err((status, message)) => (status, form.model, message),
            }
        }
    };
    Ok((status, page(&state, &user, model, Some(message)).await?).into_response())
}

/// Checks the form, saves the file and starts the import; a refusal is `Ok(Err(..))` with the
/// status and French message to show.
pub(crate) async fn start(
    state: &AppState,
    user: &CurrentUser,
    form: &UploadForm,
) -> Result<Result<StartedImport, (StatusCode, String)>, WebError> {
    let Some(launcher) = state.launcher() else {
        let message = "L'import n'est pas disponible sur cette instance.".to_owned();
        return Ok(Err((StatusCode::SERVICE_UNAVAILABLE, message)));
    };
    let models = state.store().list_import_models().await?;
    if !models.iter().any(|model| model.code == form.model) {
        let message = format!("Modèle d'importation inconnu : « {} ». Choisissez un modèle de la liste.", form.model);
        return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, message)));
    }
    if let Err(error) = form.check_file() {
        return Ok(Err((error.status(), error.to_string())));
    }
    let now = state.store().database_now().await?;
    let path = form.save(&state.options().upload_dir, now).await?;
    let request = ImportRequest {
        path: path.clone(),
        file_name: form.file_name.clone(),
        model: form.model.clone(),
        user: user.login.clone(),
        notify: user.email.clone(),
    };
    tracing::info!(login = %user.login, file = %form.file_name, saved = %path.display(), "import uploaded");
    let refused = match launcher.start(request).await {
        Ok(started) => return Ok(Ok(started)),
        Err(refused) => refused,
    };
    // Nothing will read it: do not keep a copy of personal data for nothing.
    if let Err(error) = tokio::fs::remove_file(&path).await {
        tracing::warn!(%error, path = %path.display(), "refused upload not removed");
    }
    match refused {
        ImportRefused::AlreadyRunning => Ok(Err((StatusCode::CONFLICT, refused.to_string()))),
        ImportRefused::Failed(error) => Err(WebError::Internal(error)),
    }
}

/// The error of a refused upload, for the API.
pub(crate) fn upload_refusal(error: &UploadError) -> (StatusCode, String) {
    (error.status(), error.to_string())
}

async fn load_status(state: &AppState, id: &str) -> Result<ImportStatus, WebError> {
    let id = ExecutionId(id.parse().map_err(|_| WebError::NotFound)?);
    let store = state.store();
    let execution = match store.get_execution(id).await {
        Ok(execution) if execution.batch == BatchCode::ImpQuo => execution,
        Ok(_) | Err(calcium_store::DbError::NotFound(_)) => return Err(WebError::NotFound),
        Err(error) => return Err(error.into()),
    };
    let files = store.produced_files_of_execution(id.0).await?;
    let now = store.database_now().await?;
    Ok(status_of(&execution, &files, now, &state.options().time_zone))
}

fn status_of(
    execution: &ExecutionRow,
    files: &[ProducedFile],
    now: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
) -> ImportStatus {
    let running = execution.status == calcium_core::ExecutionStatus::Running;
    let counts =
        execution.summary.as_ref().and_then(|summary| summary.as_object()).map(ordered_counts).unwrap_or_default();
    let finished_with_counts = execution.status == calcium_core::ExecutionStatus::Finish && !counts.is_empty();
    ImportStatus {
        id: execution.id.0,
        title: match &execution.triggered_by {
            Some(who) => format!("Import n° {} lancé par {who}", execution.id.0),
            None => format!("Import n° {}", execution.id.0),
        },
        running,
        status: execution.status.as_str(),
        status_class: crate::batches::outcome_class(execution.status),
        text: execution_text(execution.status, execution.started_at, execution.finished_at, now, tz),
        progress: execution
            .progress_done
            .zip(execution.progress_total)
            .map(|(done, total)| format!("Lignes : {done} / {total}")),
        // A finished import's message repeats its counts; a failed one's says why.
        message: execution.message.clone().filter(|_| !running && !finished_with_counts),
        counts,
        files: files.iter().map(|file| (file.id, file.file_name.clone(), kind_label(file.kind))).collect(),
    }
}

/// The import's counts in the order of its report (lines read, created, updated, unchanged,
/// rejected, warnings), whatever the order the base kept them in; unknown labels follow.
fn ordered_counts(counts: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, String)> {
    const ORDER: [&str; 6] = ["lignes lues", "créés", "mis à jour", "inchangés", "rejetés", "avertissements"];
    let rank = |label: &str| ORDER.iter().position(|known| *known == label).unwrap_or(ORDER.len());
    let mut counts: Vec<(String, String)> = counts.iter().map(|(label, n)| (label.clone(), n.to_string())).collect();
    counts.sort_by_key(|(label, _)| rank(label));
    counts
}

async fn result(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<ResultPage, WebError> {
    Ok(ResultPage { chrome: Chrome::new(&user, "import"), status: load_status(&state, &id).await? })
}

async fn status(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<ImportStatus, WebError> {
    load_status(&state, &id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_the_report_whatever_order_the_base_kept() {
        let stored = serde_json::json!({"avertissements": 0, "créés": 1, "inchangés": 0, "lignes lues": 2, "rejetés": 1, "zèbre": 9});
        let labels: Vec<String> =
            ordered_counts(stored.as_object().unwrap()).into_iter().map(|(label, _)| label).collect();
        assert_eq!(labels, ["lignes lues", "créés", "inchangés", "rejetés", "avertissements", "zèbre"]);
    }
}

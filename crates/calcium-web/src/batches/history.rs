//! "Historique": the dialog "Historique des exécutions du batch CODE" (newest first, 15 per
//! page), the gear menu that hides columns (remembered per user in `user_preference`), and the
//! log of one execution, opened from its row.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use calcium_core::execution::duration_text;
use calcium_store::{ExecutionId, ExecutionRow};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::batches::parse_code;
use crate::error::WebError;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/batches/{code}/history", get(history))
        .route("/preferences/history-columns", post(save_columns))
        .route("/executions/{id}/log", get(log))
}

/// Rows per page: the seed's dialog shows fifteen.
const PAGE_SIZE: u32 = 15;
/// The preference that holds the hidden columns, space-separated.
pub(crate) const HIDDEN_COLUMNS: &str = "history.hidden_columns";
/// The columns: (key, title). The key is the CSS class of the column and the word stored.
const COLUMNS: [(&str, &str); 7] = [
    ("statut", "Statut"),
    ("debut", "Date début"),
    ("fin", "Date fin"),
    ("duree", "Durée"),
    ("declenchement", "Déclenchement"),
    ("instance", "Instance"),
    ("resume", "Résumé"),
];

#[derive(Template, WebTemplate)]
#[template(path = "dialog_history.html")]
struct HistoryDialog {
    code: &'static str,
    csrf: String,
    /// (key, title, shown) of every column, for the header and the gear menu.
    columns: Vec<(&'static str, &'static str, bool)>,
    /// The hidden keys, space-separated: the table's `data-hidden`, which the CSS reads.
    hidden: String,
    rows: Vec<HistoryRow>,
    page: u32,
    pages: u32,
    total: i64,
}

struct HistoryRow {
    id: i64,
    status: &'static str,
    status_class: &'static str,
    started: String,
    finished: String,
    duration: String,
    trigger: String,
    instance: String,
    summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dialog_log.html")]
struct LogDialog {
    id: i64,
    code: &'static str,
    text: String,
    log: String,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u32>,
}

fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn row(e: &ExecutionRow, now: Timestamp, tz: &TimeZone) -> HistoryRow {
    let end = e.finished_at.unwrap_or(now);
    let trigger = match &e.triggered_by {
        Some(who) => format!("{} ({who})", e.trigger.label()),
        None => e.trigger.label().to_owned(),
    };
    let summary = e.message.clone().unwrap_or_else(|| {
        e.summary
            .as_ref()
            .and_then(|summary| summary.as_object())
            .map(|counts| counts.iter().map(|(label, n)| format!("{label} : {n}")).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    });
    HistoryRow {
        id: e.id.0,
        status: e.status.as_str(),
        status_class: super::outcome_class(e.status),
        started: local(e.started_at, tz),
        finished: e.finished_at.map(|t| local(t, tz)).unwrap_or_default(),
        duration: format!("Durée : {}", duration_text(end.as_second() - e.started_at.as_second())),
        trigger,
        instance: e.instance_id.clone().unwrap_or_default(),
        summary,
    }
}

/// The hidden column keys of a user, keeping only known ones.
pub(crate) fn hidden_columns(stored: Option<&str>) -> Vec<&'static str> {
    let stored = stored.unwrap_or_default();
    COLUMNS.iter().map(|(key, _)| *key).filter(|key| stored.split_whitespace().any(|word| word == *key)).collect()
}

async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<HistoryDialog, WebError> {
    let code = parse_code(&code)?;
    let store = state.store();
    let total = store.count_executions(code).await?;
    let pages = u32::try_from(total.max(1)).unwrap_or(u32::MAX).div_ceil(PAGE_SIZE);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let executions = store.execution_history(code, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let now = store.database_now().await?;
    let tz = &state.options().time_zone;
    let stored = store.user_preference(user.id, HIDDEN_COLUMNS).await?;
    let hidden = hidden_columns(stored.as_deref());
    Ok(HistoryDialog {
        code: code.as_str(),
        csrf: user.csrf_token,
        columns: COLUMNS.iter().map(|(key, title)| (*key, *title, !hidden.contains(key))).collect(),
        hidden: hidden.join(" "),
        rows: executions.iter().map(|e| row(e, now, tz)).collect(),
        page,
        pages,
        total,
    })
}

/// The gear menu's form: the columns still shown (checked boxes) and the CSRF token.
async fn save_columns(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<StatusCode, WebError> {
    let csrf = form.iter().find(|(key, _)| key == "csrf").map(|(_, value)| value.as_str());
    user.check_csrf(csrf)?;
    let shown: Vec<&str> = form.iter().filter(|(key, _)| key == "shown").map(|(_, value)| value.as_str()).collect();
    let hidden: Vec<&str> = COLUMNS.iter().map(|(key, _)| *key).filter(|key| !shown.contains(key)).collect();
    state.store().set_user_preference(user.id, HIDDEN_COLUMNS, &hidden.join(" ")).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn log(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Response, WebError> {
    let id = ExecutionId(id.parse().map_err(|_| WebError::NotFound)?);
    let store = state.store();
    let execution = match store.get_execution(id).await {
        Ok(execution) => execution,
        Err(calcium_store::DbError::NotFound(_)) => return Err(WebError::NotFound),
        Err(error) => return Err(error.into()),
    };
    let log = store.execution_log(id).await?;
    let now = store.database_now().await?;
    let tz = &state.options().time_zone;
    let text =
        calcium_core::execution::execution_text(execution.status, execution.started_at, execution.finished_at, now, tz);
    let log = if log.is_empty() { "(journal vide)".to_owned() } else { log };
    Ok(LogDialog { id: id.0, code: execution.batch.as_str(), text, log }.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_columns_are_hidden() {
        assert_eq!(hidden_columns(Some("fin  duree nimportequoi")), ["fin", "duree"]);
        assert!(hidden_columns(None).is_empty());
    }
}

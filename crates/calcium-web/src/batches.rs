//! The batch page ("Batches programmés"): the twelve batches with their state, schedule and last
//! run, the toolbar (Rafraîchir, Modifier, Historique, Lancer immédiatement) and its dialogs.
//!
//! It shows what the base holds and decides nothing: the schedule rules and texts come from
//! `calcium-core`, the launch and the choice of the last run from the store.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::routing::get;
use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::ExecutionRow;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::error::WebError;

pub(crate) mod edit;
mod history;
mod last_run;
mod launch;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/batches/table", get(table))
        .merge(launch::router())
        .merge(edit::router())
        .merge(history::router())
}

/// The `HX-Trigger` of an answer that changed a batch: the table reloads itself and the
/// dialog closes (see `app.js`).
pub(crate) fn changed_trigger() -> HeaderValue {
    HeaderValue::from_static("batches-changed, dialog-close")
}

/// The page, with the header of every logged-in page.
#[derive(Template, WebTemplate)]
#[template(path = "batches.html")]
struct BatchesPage {
    chrome: Chrome,
    table: BatchTable,
}

/// The table alone, as the page includes it and as htmx reloads it.
#[derive(Template, WebTemplate)]
#[template(path = "batches_table.html")]
struct BatchTable {
    batches: Vec<BatchLine>,
    /// Something runs or is about to: the table reloads itself every 2 seconds (else every 15).
    polling: bool,
}

/// One row of the table, already in the words it is shown with.
struct BatchLine {
    code: &'static str,
    label: String,
    enabled: bool,
    launch_now: bool,
    schedule: String,
    /// "Prochaine exécution : 30/11/2026 à 01h00", when it runs by itself.
    next_run: Option<String>,
    /// The "Dernière exécution" text cut at its " - " separators, so that the page can keep
    /// each part on one line (a date never breaks at its hyphens).
    last_run: Vec<String>,
    /// A CSS class that colours the last run by outcome.
    last_run_class: &'static str,
    /// "Lignes : 1 200 / 5 000" for a running import that publishes its progress.
    progress: Option<String>,
}

async fn index(State(state): State<AppState>, user: CurrentUser) -> Result<BatchesPage, WebError> {
    Ok(BatchesPage { chrome: Chrome::new(&user, "batches"), table: load_table(&state).await? })
}

async fn table(State(state): State<AppState>, _user: CurrentUser) -> Result<BatchTable, WebError> {
    load_table(&state).await
}

async fn load_table(state: &AppState) -> Result<BatchTable, WebError> {
    let store = state.store();
    let now = store.database_now().await?;
    let mut last_runs: HashMap<BatchCode, ExecutionRow> =
        store.last_ran_executions().await?.into_iter().map(|execution| (execution.batch, execution)).collect();
    let time_zone = &state.options().time_zone;
    let batches: Vec<BatchLine> = store
        .list_batches()
        .await?
        .into_iter()
        .map(|batch| {
            let last = last_runs.remove(&batch.code);
            let next_run = batch.enabled.then(|| batch.schedule.next_after(now, time_zone)).flatten().map(|t| {
                let local = t.to_zoned_datetime(time_zone.clone());
                format!("Prochaine exécution : {}", local.strftime("%d/%m/%Y à %Hh%M"))
            });
            let running = last.as_ref().filter(|run| run.status == ExecutionStatus::Running);
            BatchLine {
                code: batch.code.as_str(),
                label: batch.label,
                enabled: batch.enabled,
                launch_now: batch.launch_now,
                schedule: batch.schedule.summary(),
                next_run,
                progress: running.and_then(progress_text),
                last_run: last
                    .as_ref()
                    .map(|run| last_run::last_run_text(run, now, time_zone).split(" - ").map(str::to_owned).collect())
                    .unwrap_or_default(),
                last_run_class: last.map_or("", |run| outcome_class(run.status)),
            }
        })
        .collect();
    let polling = batches.iter().any(|line| line.launch_now || line.last_run_class == "run-running");
    Ok(BatchTable { batches, polling })
}

fn progress_text(run: &ExecutionRow) -> Option<String> {
    let (done, total) = (run.progress_done?, run.progress_total?);
    Some(format!("Lignes : {done} / {total}"))
}

/// The CSS class that colours an execution by its outcome.
pub(crate) fn outcome_class(status: ExecutionStatus) -> &'static str {
    match status {
        ExecutionStatus::Finish => "run-ok",
        ExecutionStatus::Running => "run-running",
        ExecutionStatus::Error | ExecutionStatus::Interrupted | ExecutionStatus::Cancelled => "run-failed",
        ExecutionStatus::Missed | ExecutionStatus::Skipped => "",
    }
}

/// The batch named in a path, or a 404 for a code that is not one of the twelve.
pub(crate) fn parse_code(text: &str) -> Result<BatchCode, WebError> {
    BatchCode::parse(text).map_err(|_| WebError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_logins_are_shown_as_text_never_as_markup() {
        let page = BatchesPage {
            chrome: Chrome {
                login: "<b>mallory</b>".to_owned(),
                csrf: "\"><script>x</script>".to_owned(),
                active: "batches",
            },
            table: BatchTable {
                batches: vec![BatchLine {
                    code: "CLEAN",
                    label: "<script>alert('xss')</script>".to_owned(),
                    enabled: true,
                    launch_now: false,
                    schedule: "Aucun jour à 06h10".to_owned(),
                    next_run: None,
                    last_run: vec!["<img src=x onerror=alert(1)>".to_owned()],
                    last_run_class: "",
                    progress: Some("<i>".to_owned()),
                }],
                polling: false,
            },
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>mallory"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<i>"));
        assert!(html.contains("&#60;script&#62;alert(&#39;xss&#39;)&#60;/script&#62;"));
        assert!(html.contains("&#60;b&#62;mallory&#60;/b&#62;"));
    }
}

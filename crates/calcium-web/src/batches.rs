//! The batch page ("Batches programmés"): the twelve batches with their state, schedule and last
//! run, read-only for now.
//!
//! It shows what the base holds and decides nothing: the schedule summary comes from
//! `calcium-core`, the choice of the last run from the store.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use calcium_core::ExecutionStatus;
use calcium_store::ExecutionRow;
use jiff::Timestamp;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;

mod last_run;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

/// The page, with the header of every logged-in page.
#[derive(Template, WebTemplate)]
#[template(path = "batches.html")]
struct BatchesPage {
    login: String,
    csrf: String,
    batches: Vec<BatchLine>,
}

/// One row of the table, already in the words it is shown with.
struct BatchLine {
    code: &'static str,
    label: String,
    enabled: bool,
    launch_now: bool,
    schedule: String,
    last_run: String,
    /// A CSS class that colours the last run by outcome.
    last_run_class: &'static str,
}

async fn index(State(state): State<AppState>, user: CurrentUser) -> Result<BatchesPage, WebError> {
    let now = Timestamp::now();
    let store = state.store();
    let mut last_runs: HashMap<_, ExecutionRow> =
        store.last_ran_executions().await?.into_iter().map(|execution| (execution.batch, execution)).collect();
    let time_zone = &state.options().time_zone;
    let batches = store
        .list_batches()
        .await?
        .into_iter()
        .map(|batch| {
            let last = last_runs.remove(&batch.code);
            BatchLine {
                code: batch.code.as_str(),
                label: batch.label,
                enabled: batch.enabled,
                launch_now: batch.launch_now,
                schedule: batch.schedule.summary(),
                last_run: last.as_ref().map(|run| last_run::last_run_text(run, now, time_zone)).unwrap_or_default(),
                last_run_class: last.map_or("", |run| outcome_class(run.status)),
            }
        })
        .collect();
    Ok(BatchesPage { login: user.login, csrf: user.csrf_token, batches })
}

fn outcome_class(status: ExecutionStatus) -> &'static str {
    match status {
        ExecutionStatus::Finish => "run-ok",
        ExecutionStatus::Running => "run-running",
        ExecutionStatus::Error | ExecutionStatus::Interrupted | ExecutionStatus::Cancelled => "run-failed",
        ExecutionStatus::Missed | ExecutionStatus::Skipped => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_logins_are_shown_as_text_never_as_markup() {
        let page = BatchesPage {
            login: "<b>mallory</b>".to_owned(),
            csrf: "\"><script>x</script>".to_owned(),
            batches: vec![BatchLine {
                code: "CLEAN",
                label: "<script>alert('xss')</script>".to_owned(),
                enabled: true,
                launch_now: false,
                schedule: "Aucun jour à 06h10".to_owned(),
                last_run: "<img src=x onerror=alert(1)>".to_owned(),
                last_run_class: "",
            }],
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>mallory"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&#60;script&#62;alert(&#39;xss&#39;)&#60;/script&#62;"));
        assert!(html.contains("&#60;b&#62;mallory&#60;/b&#62;"));
    }
}

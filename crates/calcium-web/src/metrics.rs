//! `GET /metrics`, for Prometheus: per batch its last status and duration and its runs by
//! status, and the import lines by outcome. Open like `/healthz` (monitoring has no session);
//! it shows counts and codes, never a name or a path.
//!
//! The text format is written by hand: a few families of gauges do not need a client crate.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use calcium_core::{BatchCode, ExecutionStatus};

use crate::AppState;
use crate::error::WebError;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Import outcomes: the summary label of IMP_QUO's executions → the metric's label.
const IMPORT_OUTCOMES: [(&str, &str); 6] = [
    ("lignes lues", "read"),
    ("créés", "created"),
    ("mis à jour", "updated"),
    ("inchangés", "unchanged"),
    ("rejetés", "rejected"),
    ("avertissements", "warning"),
];

/// What the metrics are made of, read from the base.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Per batch: the status and duration (seconds, when finished) of its last run.
    pub(crate) last: Vec<(BatchCode, ExecutionStatus, Option<i64>)>,
    pub(crate) runs: Vec<(BatchCode, ExecutionStatus, i64)>,
    /// Import lines by outcome label (`created`, …), over the executions the base keeps.
    pub(crate) import_lines: BTreeMap<&'static str, i64>,
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, WebError> {
    let store = state.store();
    let last = store
        .last_ran_executions()
        .await?
        .into_iter()
        .map(|e| (e.batch, e.status, e.finished_at.map(|end| end.as_second() - e.started_at.as_second())))
        .collect();
    let mut import_lines = BTreeMap::new();
    for summary in store.execution_summaries(BatchCode::ImpQuo).await? {
        for (label, outcome) in IMPORT_OUTCOMES {
            let count = summary.get(label).and_then(serde_json::Value::as_i64).unwrap_or(0);
            *import_lines.entry(outcome).or_insert(0) += count;
        }
    }
    let snapshot = Snapshot { last, runs: store.execution_counts().await?, import_lines };
    Ok(([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], render(&snapshot)))
}

/// The Prometheus text of a snapshot. Labels are batch codes, statuses and fixed words: none
/// needs escaping.
pub(crate) fn render(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let mut line = |text: String| {
        let _ = writeln!(out, "{text}");
    };
    line(
        "# HELP calcium_batch_last_status Statut de la dernière exécution de chaque batch (1 pour le statut en cours)."
            .to_owned(),
    );
    line("# TYPE calcium_batch_last_status gauge".to_owned());
    for (code, status, _) in &snapshot.last {
        for candidate in ExecutionStatus::ALL.into_iter().filter(|s| s.actually_ran()) {
            let value = i32::from(candidate == *status);
            line(format!("calcium_batch_last_status{{code=\"{code}\",status=\"{candidate}\"}} {value}"));
        }
    }
    line("# HELP calcium_batch_last_duration_seconds Durée de la dernière exécution terminée.".to_owned());
    line("# TYPE calcium_batch_last_duration_seconds gauge".to_owned());
    for (code, _, duration) in &snapshot.last {
        if let Some(seconds) = duration {
            line(format!("calcium_batch_last_duration_seconds{{code=\"{code}\"}} {seconds}"));
        }
    }
    line("# HELP calcium_batch_runs Exécutions gardées en base, par batch et par statut.".to_owned());
    line("# TYPE calcium_batch_runs gauge".to_owned());
    for (code, status, count) in &snapshot.runs {
        line(format!("calcium_batch_runs{{code=\"{code}\",status=\"{status}\"}} {count}"));
    }
    line("# HELP calcium_import_lines Lignes des imports gardés en base, par résultat.".to_owned());
    line("# TYPE calcium_import_lines gauge".to_owned());
    for (outcome, count) in &snapshot.import_lines {
        line(format!("calcium_import_lines{{outcome=\"{outcome}\"}} {count}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_has_one_sample_per_line_with_its_labels() {
        let snapshot = Snapshot {
            last: vec![(BatchCode::Clean, ExecutionStatus::Finish, Some(131))],
            runs: vec![(BatchCode::Clean, ExecutionStatus::Finish, 3), (BatchCode::Clean, ExecutionStatus::Error, 1)],
            import_lines: BTreeMap::from([("created", 12), ("rejected", 2)]),
        };
        let text = render(&snapshot);
        for expected in [
            "calcium_batch_last_status{code=\"CLEAN\",status=\"FINISH\"} 1",
            "calcium_batch_last_status{code=\"CLEAN\",status=\"ERROR\"} 0",
            "calcium_batch_last_duration_seconds{code=\"CLEAN\"} 131",
            "calcium_batch_runs{code=\"CLEAN\",status=\"ERROR\"} 1",
            "calcium_import_lines{outcome=\"created\"} 12",
            "# TYPE calcium_batch_runs gauge",
        ] {
            assert!(text.lines().any(|line| line == expected), "{expected}\n{text}");
        }
        assert!(!text.contains("MISSED"), "a last run is never MISSED or SKIPPED");
    }
}

//! The JSON shapes of SPEC §5, shared by the command line (`calcium batch list --json`, …) and
//! the API under `/api/`, so that both always print the same thing.
//!
//! Plain data built from what the store returns: no base access, no HTTP.

use calcium_core::execution::execution_text;
use calcium_store::{BatchRow, ExecutionRow};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

/// A batch (`batch list` / `batch show`).
#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub code: &'static str,
    pub label: String,
    pub enabled: bool,
    pub launch_now: bool,
    pub schedule: ScheduleView,
    pub summary: String,
    pub last_execution: Option<LastExecutionView>,
    pub next_run: Option<String>,
    pub time_limit_seconds: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScheduleView {
    pub time: String,
    pub day_of_month: Option<u8>,
    pub month: Option<u8>,
    pub year: Option<i16>,
    pub weekdays: Vec<&'static str>,
}

/// The "Dernière exécution" of a batch.
#[derive(Debug, Clone, Serialize)]
pub struct LastExecutionView {
    pub id: i64,
    pub status: &'static str,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_secs: Option<i64>,
    pub text: String,
}

/// An execution (`batch history`, `batch run --json`).
#[derive(Debug, Clone, Serialize)]
pub struct ExecutionView {
    pub id: i64,
    pub code: &'static str,
    pub status: &'static str,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_secs: Option<i64>,
    pub trigger: &'static str,
    pub triggered_by: Option<String>,
    pub instance_id: Option<String>,
    pub occurrence: Option<String>,
    pub summary: Option<serde_json::Value>,
    pub message: Option<String>,
    pub progress_done: Option<i64>,
    pub progress_total: Option<i64>,
    pub text: String,
}

/// `2026-03-29T03:30:00+02:00`: an instant on the wall clock of `tz`, with its offset.
pub fn rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

impl BatchView {
    /// The view of `batch` at `now`; `last` is its last execution that actually ran.
    pub fn new(batch: BatchRow, last: Option<&ExecutionRow>, tz: &TimeZone, now: Timestamp) -> BatchView {
        let schedule = &batch.schedule;
        // A batch out of service never runs by itself: it has no next run.
        let next_run = batch.enabled.then(|| schedule.next_after(now, tz)).flatten().map(|t| rfc3339(t, tz));
        BatchView {
            code: batch.code.as_str(),
            label: batch.label,
            enabled: batch.enabled,
            launch_now: batch.launch_now,
            schedule: ScheduleView {
                time: schedule.time().to_string(),
                day_of_month: schedule.day_of_month(),
                month: schedule.month(),
                year: schedule.year(),
                weekdays: schedule.weekdays().iter().map(|day| day.short_name()).collect(),
            },
            summary: schedule.summary(),
            time_limit_seconds: batch.time_limit_seconds,
            last_execution: last.map(|e| LastExecutionView {
                id: e.id.0,
                status: e.status.as_str(),
                started_at: rfc3339(e.started_at, tz),
                finished_at: e.finished_at.map(|t| rfc3339(t, tz)),
                duration_secs: duration_secs(e),
                text: execution_text(e.status, e.started_at, e.finished_at, now, tz),
            }),
            next_run,
        }
    }
}

impl ExecutionView {
    pub fn new(e: &ExecutionRow, tz: &TimeZone, now: Timestamp) -> ExecutionView {
        ExecutionView {
            id: e.id.0,
            code: e.batch.as_str(),
            status: e.status.as_str(),
            started_at: rfc3339(e.started_at, tz),
            finished_at: e.finished_at.map(|t| rfc3339(t, tz)),
            duration_secs: duration_secs(e),
            trigger: e.trigger.label(),
            triggered_by: e.triggered_by.clone(),
            instance_id: e.instance_id.clone(),
            occurrence: e.occurrence.map(|t| rfc3339(t, tz)),
            summary: e.summary.clone(),
            message: e.message.clone(),
            progress_done: e.progress_done,
            progress_total: e.progress_total,
            text: execution_text(e.status, e.started_at, e.finished_at, now, tz),
        }
    }
}

fn duration_secs(e: &ExecutionRow) -> Option<i64> {
    e.finished_at.map(|end| end.as_second() - e.started_at.as_second())
}

//! `calcium batch list|show`: the batches with their schedules and last execution.

use calcium_core::BatchCode;
use calcium_core::execution::execution_text;
use calcium_store::{BatchRow, ExecutionRow, Store};
use jiff::Timestamp;
use serde::Serialize;

use crate::args::BatchCommand;
use crate::commands::print_json;
use crate::config::Settings;
use crate::failure::Failure;

pub(crate) async fn run(store: &Store, settings: &Settings, command: BatchCommand) -> Result<(), Failure> {
    let now = Timestamp::now();
    match command {
        BatchCommand::List { json } => {
            let views = batch_views(store, settings, now).await?;
            if json {
                print_json(&views)
            } else {
                print_table(&views);
                Ok(())
            }
        }
        BatchCommand::Show { code, json } => {
            let code = BatchCode::parse(&code).map_err(|e| Failure::refused(e.to_string()))?;
            let view = batch_views(store, settings, now)
                .await?
                .into_iter()
                .find(|view| view.code == code.as_str())
                .ok_or_else(|| Failure::Internal(anyhow::anyhow!("batch {code} absent de la base")))?;
            if json {
                print_json(&view)
            } else {
                print_details(&view);
                Ok(())
            }
        }
    }
}

/// The JSON shape of SPEC §5 (`batch list` / `batch show`).
#[derive(Debug, Serialize)]
pub(crate) struct BatchView {
    code: &'static str,
    label: String,
    enabled: bool,
    launch_now: bool,
    schedule: ScheduleView,
    summary: String,
    last_execution: Option<LastExecutionView>,
    next_run: Option<String>,
}

#[derive(Debug, Serialize)]
struct ScheduleView {
    time: String,
    day_of_month: Option<u8>,
    month: Option<u8>,
    year: Option<i16>,
    weekdays: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct LastExecutionView {
    id: i64,
    status: &'static str,
    started_at: String,
    finished_at: Option<String>,
    duration_secs: Option<i64>,
    text: String,
}

async fn batch_views(store: &Store, settings: &Settings, now: Timestamp) -> Result<Vec<BatchView>, Failure> {
    let batches = store.list_batches().await?;
    let last = store.last_ran_executions().await?;
    Ok(batches
        .into_iter()
        .map(|batch| {
            let last = last.iter().find(|e| e.batch == batch.code);
            view(batch, last, settings, now)
        })
        .collect())
}

fn view(batch: BatchRow, last: Option<&ExecutionRow>, settings: &Settings, now: Timestamp) -> BatchView {
    let tz = &settings.time_zone;
    let rfc3339 = |t: Timestamp| t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let schedule = &batch.schedule;
    // A batch out of service never runs by itself: it has no next run.
    let next_run = batch.enabled.then(|| schedule.next_after(now, tz)).flatten().map(rfc3339);
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
        last_execution: last.map(|e| LastExecutionView {
            id: e.id.0,
            status: e.status.as_str(),
            started_at: rfc3339(e.started_at),
            finished_at: e.finished_at.map(rfc3339),
            duration_secs: e.finished_at.map(|end| end.as_second() - e.started_at.as_second()),
            text: execution_text(e.status, e.started_at, e.finished_at, now, tz),
        }),
        next_run,
    }
}

fn check(flag: bool) -> &'static str {
    if flag { "✓" } else { "✗" }
}

fn print_table(views: &[BatchView]) {
    println!(
        "{:<14} {:<48} {:<10} {:<10} {:<46} Dernière exécution",
        "Code", "Libellé", "En service", "Immédiat", "Programmation"
    );
    for v in views {
        println!(
            "{:<14} {:<48} {:<10} {:<10} {:<46} {}",
            v.code,
            v.label,
            check(v.enabled),
            check(v.launch_now),
            v.summary,
            v.last_execution.as_ref().map_or("", |e| e.text.as_str())
        );
    }
}

fn print_details(v: &BatchView) {
    println!("Code               : {}", v.code);
    println!("Libellé            : {}", v.label);
    println!("En service         : {}", check(v.enabled));
    println!("Lancement immédiat : {}", check(v.launch_now));
    println!("Programmation      : {}", v.summary);
    println!("Prochaine exécution: {}", v.next_run.as_deref().unwrap_or("aucune"));
    println!("Dernière exécution : {}", v.last_execution.as_ref().map_or("aucune", |e| e.text.as_str()));
}

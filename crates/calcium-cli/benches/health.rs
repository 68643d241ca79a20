//! Benchmark of the health-data batches at the size of a large university: MAJ_IDENTITE on
//! 1 000 000 demo students and FER_CON on 200 000 open consultations (targets on SQLite on a
//! 2-core machine: MAJ_IDENTITE ≤ 15 s, FER_CON ≤ 5 s; PostgreSQL figures reported too).
//!
//! `cargo bench -p calcium-cli --bench health`; BENCH_HEALTH_STUDENTS (default 1000000) and
//! BENCH_HEALTH_CONSULTATIONS (default 200000) change the sizes; PostgreSQL too when
//! TEST_POSTGRES_URL is set. The base is filled first (not measured); each batch then runs as
//! `calcium batch run` runs it with no instance serving the base (in-process engine, the
//! base's clock), and the figure is the execution's own duration, start to end as recorded.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use calcium_core::student::StudentId;
use calcium_core::{BatchCode, ExecutionStatus};
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{BackendKind, NewConsultation, Store};
use calcium_test_support::TestBase;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `code` once; returns the execution's recorded duration and its summary.
async fn run(store: &Store, code: BatchCode, dir: &std::path::Path) -> (Duration, String) {
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let settings = JobSettings { output_dir: dir.to_path_buf(), ..JobSettings::spec_defaults(zone.clone()) };
    let config = SchedulerConfig::for_this_process(zone, SignedDuration::from_mins(15), SignedDuration::from_secs(60));
    let engine = Scheduler::new(store.clone(), calcium_jobs::registry(), settings, config, TimeSource::Database);
    store.request_launch(code, "bench", store.database_now().await.unwrap()).await.unwrap();
    let id = engine.run_launch_here(code).await.unwrap().expect("answered here");
    let execution = store.get_execution(id).await.unwrap();
    assert_eq!(execution.status, ExecutionStatus::Finish, "{code}: {:?}", execution.message);
    let elapsed = execution.finished_at.unwrap().duration_since(execution.started_at);
    (Duration::try_from(elapsed).unwrap(), execution.message.unwrap_or_default())
}

async fn bench(kind: BackendKind, students: u32, consultations: u32) {
    let base = TestBase::new(kind).await;
    let store = &base.store;
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(TimeZone::get("Europe/Paris").unwrap()).date();

    let started = Instant::now();
    let population = calcium_demo::generate_population(students, 1, today);
    store.insert_students(&population.records, Some("APOGEE"), None, now).await.unwrap();
    drop(population);
    let ids: Vec<StudentId> = store.student_ids().await.unwrap();
    // Open consultations spread over the students and over the last four days.
    let rows: Vec<NewConsultation> = (0..consultations as usize)
        .map(|i| NewConsultation {
            student_id: ids[i * 7919 % ids.len()],
            opened_by: "dr.bench".to_owned(),
            opened_at: now - SignedDuration::from_secs(60 + (i as i64 * 17) % (4 * 86_400)),
            closed_at: None,
        })
        .collect();
    store.insert_consultations(&rows).await.unwrap();
    println!(
        "{kind:?}: base filled with {students} students and {consultations} open consultations in {:.1} s (not measured)",
        started.elapsed().as_secs_f64()
    );

    let (first, summary) = run(store, BatchCode::MajIdentite, dir.path()).await;
    println!(
        "{kind:?}: MAJ_IDENTITE on an empty table {:.2} s ({summary}) — target ≤ 15 s on SQLite",
        first.as_secs_f64()
    );
    let (again, summary) = run(store, BatchCode::MajIdentite, dir.path()).await;
    println!("{kind:?}: MAJ_IDENTITE replacing the table {:.2} s ({summary})", again.as_secs_f64());
    let (closing, summary) = run(store, BatchCode::FerCon, dir.path()).await;
    println!("{kind:?}: FER_CON {:.2} s ({summary}) — target ≤ 5 s on SQLite", closing.as_secs_f64());
    let reading = Instant::now();
    let counts = store.identity_counts().await.unwrap();
    println!(
        "{kind:?}: statistics page queries {:.2} s ({} students, {} composantes)",
        reading.elapsed().as_secs_f64(),
        counts.students,
        counts.by_composante.len()
    );
    base.finish().await;
}

#[tokio::main]
async fn main() {
    let students = env_number("BENCH_HEALTH_STUDENTS", 1_000_000);
    let consultations = env_number("BENCH_HEALTH_CONSULTATIONS", 200_000);
    bench(BackendKind::Sqlite, students, consultations).await;
    if std::env::var(calcium_test_support::POSTGRES_URL_VAR).is_ok_and(|v| !v.is_empty()) {
        bench(BackendKind::Postgres, students, consultations).await;
    }
}

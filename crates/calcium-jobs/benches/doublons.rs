//! Benchmark of DOUBLONS at the size of the largest universities: the job run by the engine,
//! as `calcium batch run DOUBLONS` runs it, over demo students with planted duplicates (issue
//! 8's targets on SQLite on a 2-core machine: 100 000 students ≤ 5 s, 1 000 000 ≤ 60 s in
//! ≤ 2 GB; PostgreSQL figures reported too).
//!
//! `cargo bench -p calcium-jobs --bench doublons`; BENCH_DOUBLONS_STUDENTS (default
//! `100000,1000000`) lists the sizes; PostgreSQL too when TEST_POSTGRES_URL is set. The base
//! is filled first (not measured). The job then runs in a process of its own (this bench run
//! again with BENCH_DOUBLONS_RUN_ON naming the base), so that the peak resident memory is the
//! run's alone, not the demo population's built to fill the base. The figure is the
//! execution's own duration, start to end as recorded. The planted pairs found are counted
//! from the stored pairs.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{BackendKind, DuplicateFilter, Store};
use calcium_test_support::{TestBase, backends};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Runs DOUBLONS once; returns the execution's recorded duration, its summary and its log.
async fn run(store: &Store) -> (Duration, serde_json::Value, String) {
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = JobSettings { output_dir: dir.path().to_path_buf(), ..JobSettings::spec_defaults(zone.clone()) };
    let config = SchedulerConfig::for_this_process(zone, SignedDuration::from_mins(15), SignedDuration::from_secs(60));
    let engine = Scheduler::new(store.clone(), calcium_jobs::registry(), settings, config, TimeSource::Database);
    store.request_launch(BatchCode::Doublons, "bench", store.database_now().await.unwrap()).await.unwrap();
    let id = engine.run_launch_here(BatchCode::Doublons).await.unwrap().expect("answered here");
    let execution = store.get_execution(id).await.unwrap();
    assert_eq!(execution.status, ExecutionStatus::Finish, "{:?}", execution.message);
    let elapsed = execution.finished_at.unwrap().duration_since(execution.started_at);
    let log = store.execution_log(id).await.unwrap();
    (Duration::try_from(elapsed).unwrap(), execution.summary.unwrap_or_default(), log)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "?".to_owned(), |l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
}

async fn bench(kind: BackendKind, students: u32) {
    let base = TestBase::new(kind).await;
    let store = &base.store;
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(TimeZone::get("Europe/Paris").unwrap()).date();

    let started = Instant::now();
    let population = calcium_demo::generate_population(students, 1, today);
    store.insert_students(&population.records, Some("APOGEE"), None, now).await.unwrap();
    let ids = store.student_ids().await.unwrap();
    let planted: HashSet<(i64, i64)> =
        population.duplicate_of.iter().map(|&(d, o)| (ids[o].0.min(ids[d].0), ids[o].0.max(ids[d].0))).collect();
    drop(population);
    drop(ids);
    println!(
        "{kind:?}: base filled with {students} demo students in {:.1} s (not measured)",
        started.elapsed().as_secs_f64()
    );

    let before = load_average();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .env(RUN_ON, &base.url)
        .env("BENCH_DOUBLONS_LABEL", format!("{kind:?}: DOUBLONS on {students} students"))
        .status()
        .unwrap();
    assert!(status.success(), "the run's process failed");
    println!("{kind:?}: load average before {before}, after {}", load_average());
    let pairs = store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap();
    let found = pairs.iter().filter(|p| planted.contains(&(p.a.id.0, p.b.id.0))).count();
    println!("{kind:?}: {} pairs proposed, {found} of the {} planted pairs among them", pairs.len(), planted.len());
    base.finish().await;
}

/// The child process: one run on the base at `url`, its figures printed.
async fn run_alone(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let (elapsed, summary, log) = run(&store).await;
    let label = std::env::var("BENCH_DOUBLONS_LABEL").unwrap_or_default();
    let students = summary["étudiants"].as_i64().unwrap_or(0);
    let budget = if students <= 100_000 { 5.0 } else { 60.0 * students as f64 / 1e6 };
    println!(
        "{label} {:.2} s (target ≤ {budget:.0} s on SQLite), peak memory of the process {:.0} MB",
        elapsed.as_secs_f64(),
        calcium_test_support::peak_rss_mb()
    );
    // The log lines that say where the time went.
    for line in log.lines().filter(|l| l.contains(" s") && !l.contains("Clé")) {
        println!("    {line}");
    }
    store.close().await;
}

/// Set in the child process: the URL of the base to run DOUBLONS on.
const RUN_ON: &str = "BENCH_DOUBLONS_RUN_ON";

#[tokio::main]
async fn main() {
    if let Ok(url) = std::env::var(RUN_ON) {
        run_alone(&url).await;
        return;
    }
    let sizes = std::env::var("BENCH_DOUBLONS_STUDENTS").unwrap_or_else(|_| "100000,1000000".to_owned());
    for size in sizes.split(',').filter(|s| !s.trim().is_empty()) {
        let students: u32 = size.trim().parse().expect("BENCH_DOUBLONS_STUDENTS: numbers of students");
        for kind in backends() {
            bench(kind, students).await;
        }
    }
}

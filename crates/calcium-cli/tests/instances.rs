//! Several `calcium serve` processes on one base, on a sped-up clock: every occurrence is
//! decided exactly once, and an instance killed with SIGKILL in the middle of a run loses it to
//! INTERRUPTED while the others carry on. Three instances on PostgreSQL, two on SQLite.

#![allow(clippy::print_stderr, reason = "the counts of the run are said on the test output")]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use calcium_core::schedule::ScheduleFields;
use calcium_core::{BatchCode, ExecutionStatus, Schedule, WallTime, WeekdaySet};
use calcium_store::{BackendKind, Store};
use calcium_test_support::{TestBase, backends, calcium_command};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// One real second is one hour on the schedules' clock: a day of twelve batches takes 24 s.
const SCALE: u32 = 3600;
const RUN_FOR: Duration = Duration::from_secs(36);

fn spawn_instance(url: &str, dir: &std::path::Path, real_origin: Timestamp, virtual_origin: Timestamp) -> Child {
    let mut command = calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    command
        // On the sped-up clock: a lease of 2 real seconds, a grace period of 1.
        .env("CALCIUM_SCHEDULER_LEASE_SECONDS", "7200")
        .env("CALCIUM_SCHEDULER_GRACE_MINUTES", "60")
        .env("RUST_LOG", "warn")
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--time-scale", &SCALE.to_string()])
        .args(["--time-origin", &real_origin.to_string(), "--virtual-origin", &virtual_origin.to_string()])
        .args(["--test-run-delay-ms", "1500"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Every batch in service, daily, at 00:00, 02:00, … 22:00 Paris.
async fn twelve_daily_batches(store: &Store, virtual_origin: Timestamp) -> Vec<(BatchCode, Schedule)> {
    let mut schedules = Vec::new();
    for (i, code) in BatchCode::ALL.into_iter().enumerate() {
        let schedule = Schedule::new(ScheduleFields {
            time: WallTime::new(2 * i as u8, 0).unwrap(),
            day_of_month: None,
            month: None,
            year: None,
            weekdays: WeekdaySet::ALL,
        })
        .unwrap();
        store.set_batch_enabled(code, true, virtual_origin).await.unwrap();
        store.update_batch_schedule(code, &schedule, virtual_origin).await.unwrap();
        schedules.push((code, schedule));
    }
    schedules
}

fn pid_of(instance_id: &str) -> Option<u32> {
    instance_id.rsplit('-').nth(1)?.parse().ok()
}

#[tokio::test]
async fn several_instances_decide_each_occurrence_once_and_survive_a_kill() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let virtual_origin: Timestamp = "2030-01-07T23:30:00Z".parse().unwrap();
        let schedules = twelve_daily_batches(&store, virtual_origin).await;
        let real_origin = store.database_now().await.unwrap();
        let count = if kind == BackendKind::Postgres { 3 } else { 2 };
        let mut children: Vec<Child> =
            (0..count).map(|_| spawn_instance(&base.url, dir.path(), real_origin, virtual_origin)).collect();

        // Some way in, kill -9 the instance running something.
        let started = Instant::now();
        let mut killed = None;
        while started.elapsed() < RUN_FOR {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if killed.is_some() || started.elapsed() < Duration::from_secs(8) {
                continue;
            }
            for (code, _) in &schedules {
                let Some(id) = store.running_execution(*code).await.unwrap() else { continue };
                let row = store.get_execution(id).await.unwrap();
                let Some(pid) = row.instance_id.as_deref().and_then(pid_of) else { continue };
                if let Some(child) = children.iter_mut().find(|c| c.id() == pid) {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    killed = Some((id, pid));
                    break;
                }
            }
        }
        let (killed, killed_pid) = killed.expect("an instance was killed during a run");
        let survivors: Vec<&mut Child> = children.iter_mut().filter(|c| c.id() != killed_pid).collect();
        for child in &survivors {
            Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        }
        for child in survivors {
            assert!(child.wait().unwrap().success(), "a surviving instance stops cleanly on SIGTERM");
        }

        // The killed run was interrupted, not left RUNNING.
        assert_eq!(store.get_execution(killed).await.unwrap().status, ExecutionStatus::Interrupted);

        // Every occurrence of the window has exactly one execution.
        let virtual_end = virtual_origin + SignedDuration::from_secs(RUN_FOR.as_secs() as i64 * i64::from(SCALE));
        let settled = virtual_end - SignedDuration::from_hours(3);
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let (mut expected, mut ran, mut not_run) = (0, 0, 0);
        for (code, schedule) in &schedules {
            let history = store.execution_history(*code, 1000, 0).await.unwrap();
            let mut per_occurrence: HashMap<Timestamp, usize> = HashMap::new();
            for row in &history {
                if let Some(occurrence) = row.occurrence {
                    *per_occurrence.entry(occurrence).or_default() += 1;
                }
                assert_ne!(row.status, ExecutionStatus::Running, "{code}: nothing is left RUNNING");
            }
            for occurrence in schedule.occurrences_after(virtual_origin, &paris, 100) {
                if occurrence > settled {
                    break;
                }
                expected += 1;
                assert_eq!(per_occurrence.get(&occurrence), Some(&1), "{code} at {occurrence}: exactly one execution");
            }
            for row in history.iter().filter(|r| r.occurrence.is_some_and(|o| o <= settled)) {
                if row.status.actually_ran() { ran += 1 } else { not_run += 1 }
            }
        }
        eprintln!("{kind:?}: {expected} occurrences decided once each ({ran} ran, {not_run} missed or skipped)");
        assert!(expected >= 12, "the test covered at least a day of occurrences ({expected})");
        assert!(ran * 10 >= expected * 8, "most occurrences ran ({ran} of {expected})");
        base.finish().await;
    }
}

fn spawn_plain_instance(url: &str, dir: &std::path::Path, run_delay_ms: u64) -> Child {
    let mut command = calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    command
        .env("CALCIUM_SCHEDULER_LEASE_SECONDS", "5")
        .env("RUST_LOG", "warn")
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--test-run-delay-ms", &run_delay_ms.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    assert!(Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap().success());
}

async fn wait_until<F, Fut>(what: &str, limit: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_process_paused_past_its_lease_cannot_overwrite_the_interrupted_verdict() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let mut paused = spawn_plain_instance(&base.url, dir.path(), 6000);
        let now = store.database_now().await.unwrap();
        store.request_launch(BatchCode::Clean, "admin", now).await.unwrap();
        wait_until("the run to start", Duration::from_secs(10), || {
            let store = store.clone();
            async move { store.running_execution(BatchCode::Clean).await.unwrap().is_some() }
        })
        .await;
        let running = store.running_execution(BatchCode::Clean).await.unwrap().unwrap();

        // SIGSTOP: the process stops renewing its lease; another instance reaps the run.
        signal(&paused, "STOP");
        let mut reaper = spawn_plain_instance(&base.url, dir.path(), 0);
        wait_until("the run to be interrupted", Duration::from_secs(15), || {
            let store = store.clone();
            async move { store.get_execution(running).await.unwrap().status == ExecutionStatus::Interrupted }
        })
        .await;
        let verdict = store.get_execution(running).await.unwrap();

        // SIGCONT: the paused process wakes up, finishes its job and tries to write its end.
        signal(&paused, "CONT");
        tokio::time::sleep(Duration::from_secs(4)).await;
        let after = store.get_execution(running).await.unwrap();
        assert_eq!(after.status, ExecutionStatus::Interrupted);
        assert_eq!((after.finished_at, after.message), (verdict.finished_at, verdict.message));
        assert!(!store.get_batch(BatchCode::Clean).await.unwrap().launch_now);

        for child in [&mut paused, &mut reaper] {
            signal(child, "TERM");
            assert!(child.wait().unwrap().success());
        }
        base.finish().await;
    }
}

//! The engine's rules (SPEC §3) with a clock set by hand, on every backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use calcium_core::schedule::ScheduleFields;
use calcium_core::{BatchCode, ExecutionStatus, Schedule, Trigger, WallTime, WeekdaySet};
use calcium_scheduler::{
    BoxFuture, Job, JobContext, JobError, JobSettings, JobSummary, Registry, Scheduler, SchedulerConfig, TimeSource,
};
use calcium_store::{ExecutionRow, LaunchRequest, Store};
use calcium_test_support::on_every_backend;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::Semaphore;

/// What a test job does when it runs.
#[derive(Clone, Copy)]
enum Behaviour {
    Succeed,
    Fail,
    /// Waits for the gate, checking for cancellation.
    WaitForGate,
    /// Waits for the gate without ever looking at cancellation (a stuck process).
    Stuck,
}

#[derive(Clone)]
struct TestJob {
    code: BatchCode,
    behaviour: Behaviour,
    runs: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
}

impl TestJob {
    fn new(code: BatchCode, behaviour: Behaviour) -> TestJob {
        TestJob { code, behaviour, runs: Arc::new(AtomicUsize::new(0)), gate: Arc::new(Semaphore::new(0)) }
    }

    fn open_gate(&self) {
        self.gate.add_permits(100);
    }
}

impl Job for TestJob {
    fn code(&self) -> BatchCode {
        self.code
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            self.runs.fetch_add(1, Ordering::SeqCst);
            ctx.log.info("le job de test tourne");
            match self.behaviour {
                Behaviour::Succeed => Ok(JobSummary::default().count("traités", 3)),
                Behaviour::Fail => Err(JobError::Failed("panne simulée".to_owned())),
                Behaviour::WaitForGate => {
                    tokio::select! {
                        permit = self.gate.acquire() => { drop(permit); }
                        () = ctx.cancellation.cancelled() => {}
                    }
                    ctx.checkpoint()?;
                    Ok(JobSummary::default())
                }
                Behaviour::Stuck => {
                    drop(self.gate.acquire().await);
                    Ok(JobSummary::default())
                }
            }
        })
    }
}

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn settings() -> JobSettings {
    JobSettings::spec_defaults(paris())
}

fn instance(store: &Store, name: &str, registry: Registry, start: Timestamp) -> (Scheduler, TimeSource) {
    let time = TimeSource::manual(start);
    let mut config =
        SchedulerConfig::for_this_process(paris(), SignedDuration::from_mins(15), SignedDuration::from_secs(60));
    config.instance_id = format!("test-{name}");
    config.shutdown_grace = Duration::from_secs(2);
    (Scheduler::new(store.clone(), registry, settings(), config, time.clone()), time)
}

/// Every batch out of service but `code`, which runs daily at `hh:mm` Paris; nothing decided
/// before `t0`.
async fn only_batch_daily(store: &Store, code: BatchCode, hour: u8, minute: u8, t0: Timestamp) {
    for other in BatchCode::ALL {
        store.set_batch_enabled(other, other == code, t0).await.unwrap();
    }
    let schedule = Schedule::new(ScheduleFields {
        time: WallTime::new(hour, minute).unwrap(),
        day_of_month: None,
        month: None,
        year: None,
        weekdays: WeekdaySet::ALL,
    })
    .unwrap();
    store.update_batch_schedule(code, &schedule, t0).await.unwrap();
}

async fn history(store: &Store, code: BatchCode) -> Vec<ExecutionRow> {
    let mut rows = store.execution_history(code, 100, 0).await.unwrap();
    rows.reverse();
    rows
}

fn statuses(rows: &[ExecutionRow]) -> Vec<(ExecutionStatus, Trigger)> {
    rows.iter().map(|e| (e.status, e.trigger)).collect()
}

#[tokio::test]
async fn an_occurrence_is_claimed_once_by_competing_instances() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Succeed);
        let due = at("2030-01-01T03:00:10Z"); // 04:00:10 Paris
        let (a, _) = instance(&store, "a", Registry::new().with(job.clone()), due);
        let (b, _) = instance(&store, "b", Registry::new().with(job.clone()), due);
        // Both instances see the occurrence due at the same moment: one claim wins.
        let (ra, rb) = tokio::join!(a.tick(), b.tick());
        ra.unwrap();
        rb.unwrap();
        a.wait_idle().await;
        b.wait_idle().await;
        a.tick().await.unwrap();
        b.tick().await.unwrap();
        assert_eq!(job.runs.load(Ordering::SeqCst), 1);
        let rows = history(&store, BatchCode::Clean).await;
        assert_eq!(statuses(&rows), [(ExecutionStatus::Finish, Trigger::Schedule)]);
        assert_eq!(rows[0].occurrence, Some(at("2030-01-01T03:00:00Z")));
        assert_eq!(rows[0].message.as_deref(), Some("traités : 3"));
        assert!(store.execution_log(rows[0].id).await.unwrap().contains("le job de test tourne"));
    })
    .await;
}

#[tokio::test]
async fn an_instance_whose_clock_lags_by_minutes_does_not_run_an_occurrence_again() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Succeed);
        let due = at("2030-01-01T03:00:10Z");
        let (leader, _) = instance(&store, "leader", Registry::new().with(job.clone()), due);
        let (laggard, laggard_clock) =
            instance(&store, "laggard", Registry::new().with(job.clone()), due - SignedDuration::from_mins(7));
        let (rl, rg) = tokio::join!(leader.tick(), laggard.tick());
        rl.unwrap();
        rg.unwrap();
        leader.wait_idle().await;
        // The laggard reaches the occurrence minutes later, by its own clock.
        laggard_clock.advance(SignedDuration::from_mins(8));
        laggard.tick().await.unwrap();
        laggard.wait_idle().await;
        assert_eq!(job.runs.load(Ordering::SeqCst), 1);
        assert_eq!(history(&store, BatchCode::Clean).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_occurrence_falling_during_a_run_is_skipped() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Doublons, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Doublons, Behaviour::Stuck);
        let (engine, time) = instance(&store, "a", Registry::new().with(job.clone()), at("2030-01-01T03:00:00Z"));
        engine.tick().await.unwrap();
        // The run is still going a day later (its lease is renewed meanwhile).
        time.advance(SignedDuration::from_hours(24));
        let running = store.running_execution(BatchCode::Doublons).await.unwrap().unwrap();
        assert!(
            store
                .renew_lease(
                    running,
                    engine.now().await.unwrap() - SignedDuration::from_secs(1),
                    SignedDuration::from_secs(60 * 60 * 25)
                )
                .await
                .unwrap()
        );
        engine.tick().await.unwrap();
        job.open_gate();
        engine.wait_idle().await;
        let rows = history(&store, BatchCode::Doublons).await;
        assert_eq!(
            statuses(&rows),
            [(ExecutionStatus::Finish, Trigger::Schedule), (ExecutionStatus::Skipped, Trigger::Schedule)]
        );
        assert_eq!(job.runs.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn after_downtime_a_late_run_within_grace_runs_on_schedule() {
    on_every_backend(|store| async move {
        only_batch_daily(&store, BatchCode::Clean, 4, 0, at("2030-01-01T00:00:00Z")).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Succeed);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), at("2030-01-01T03:14:00Z"));
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        assert_eq!(statuses(&history(&store, BatchCode::Clean).await), [(ExecutionStatus::Finish, Trigger::Schedule)]);
    })
    .await;
}

#[tokio::test]
async fn after_a_long_downtime_the_latest_occurrence_is_caught_up_once_and_older_ones_are_missed() {
    on_every_backend(|store| async move {
        only_batch_daily(&store, BatchCode::Clean, 4, 0, at("2030-01-01T00:00:00Z")).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Succeed);
        // Back up on 3 January at 10:00 Paris: the 1st and 2nd were missed, the 3rd is 6 h late.
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), at("2030-01-03T09:00:00Z"));
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        let rows = history(&store, BatchCode::Clean).await;
        let mut got = statuses(&rows);
        got.sort_by_key(|(status, _)| status.as_str());
        assert_eq!(
            got,
            [
                (ExecutionStatus::Finish, Trigger::CatchUp),
                (ExecutionStatus::Missed, Trigger::Schedule),
                (ExecutionStatus::Missed, Trigger::Schedule)
            ]
        );
        assert_eq!(job.runs.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn a_skip_batch_only_records_missed_occurrences() {
    on_every_backend(|store| async move {
        only_batch_daily(&store, BatchCode::FerCon, 4, 0, at("2030-01-01T00:00:00Z")).await;
        let job = TestJob::new(BatchCode::FerCon, Behaviour::Succeed);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), at("2030-01-01T09:00:00Z"));
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        assert_eq!(statuses(&history(&store, BatchCode::FerCon).await), [(ExecutionStatus::Missed, Trigger::Schedule)]);
        assert_eq!(job.runs.load(Ordering::SeqCst), 0);
    })
    .await;
}

#[tokio::test]
async fn time_out_of_service_is_not_missed_and_saving_a_schedule_does_not_fire_it() {
    on_every_backend(|store| async move {
        only_batch_daily(&store, BatchCode::Clean, 4, 0, at("2030-01-01T00:00:00Z")).await;
        store.set_batch_enabled(BatchCode::Clean, false, at("2030-01-01T00:00:00Z")).await.unwrap();
        let job = TestJob::new(BatchCode::Clean, Behaviour::Succeed);
        let back = at("2030-01-05T09:00:00Z");
        let (engine, time) = instance(&store, "a", Registry::new().with(job.clone()), back);
        store.set_batch_enabled(BatchCode::Clean, true, back).await.unwrap();
        engine.tick().await.unwrap();
        // A schedule saved at 10:00 for 09:00 does not fire for today's 09:00.
        only_batch_daily(&store, BatchCode::Clean, 9, 0, back).await;
        time.advance(SignedDuration::from_mins(1));
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        assert!(history(&store, BatchCode::Clean).await.is_empty());
        assert_eq!(job.runs.load(Ordering::SeqCst), 0);
    })
    .await;
}

#[tokio::test]
async fn launch_now_raises_the_flag_runs_once_and_lowers_it_whatever_the_end() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::RelCou, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::RelCou, Behaviour::Fail);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), t0);
        assert_eq!(store.request_launch(BatchCode::RelCou, "admin", t0).await.unwrap(), LaunchRequest::Accepted);
        assert!(store.get_batch(BatchCode::RelCou).await.unwrap().launch_now);
        // A double click asks nothing more.
        assert_eq!(
            store.request_launch(BatchCode::RelCou, "admin", t0).await.unwrap(),
            LaunchRequest::AlreadyRequested
        );
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        let rows = history(&store, BatchCode::RelCou).await;
        assert_eq!(statuses(&rows), [(ExecutionStatus::Error, Trigger::Manual)]);
        assert_eq!(rows[0].triggered_by.as_deref(), Some("admin"));
        assert_eq!(rows[0].message.as_deref(), Some("panne simulée"));
        assert!(!store.get_batch(BatchCode::RelCou).await.unwrap().launch_now, "✗ after ERROR");
        assert_eq!(job.runs.load(Ordering::SeqCst), 1);

        store.set_batch_enabled(BatchCode::RelCou, false, t0).await.unwrap();
        assert_eq!(store.request_launch(BatchCode::RelCou, "admin", t0).await.unwrap(), LaunchRequest::Disabled);
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_interrupted_by_another_instance_and_the_late_end_is_refused() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Stuck);
        let (paused, _) = instance(&store, "paused", Registry::new().with(job.clone()), t0);
        store.request_launch(BatchCode::Clean, "admin", t0).await.unwrap();
        paused.tick().await.unwrap();
        let running = store.running_execution(BatchCode::Clean).await.unwrap().unwrap();
        // Another instance, two minutes later: the run gave no sign of life for longer than the lease.
        let (reaper, _) = instance(&store, "reaper", Registry::new(), t0 + SignedDuration::from_mins(2));
        reaper.tick().await.unwrap();
        let row = store.get_execution(running).await.unwrap();
        assert_eq!(row.status, ExecutionStatus::Interrupted);
        assert!(!store.get_batch(BatchCode::Clean).await.unwrap().launch_now, "✗ after INTERRUPTED");
        // The paused process wakes up and finishes: its end is not written.
        job.open_gate();
        paused.wait_idle().await;
        assert_eq!(store.get_execution(running).await.unwrap().status, ExecutionStatus::Interrupted);
        // The batch is free again.
        assert_eq!(store.request_launch(BatchCode::Clean, "admin", t0).await.unwrap(), LaunchRequest::Accepted);
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_run_ends_cancelled() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::WaitForGate);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), t0);
        store.request_launch(BatchCode::Clean, "admin", t0).await.unwrap();
        engine.tick().await.unwrap();
        assert!(store.request_cancel(BatchCode::Clean).await.unwrap());
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        let rows = history(&store, BatchCode::Clean).await;
        assert_eq!(rows[0].status, ExecutionStatus::Cancelled);
        assert!(rows[0].message.as_deref().unwrap().contains("annulation demandée par un administrateur"));
        assert!(!store.request_cancel(BatchCode::Clean).await.unwrap(), "nothing runs any more");
    })
    .await;
}

#[tokio::test]
async fn a_run_over_its_time_limit_ends_in_error_and_a_missing_job_says_so() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        store.set_batch_enabled(BatchCode::LisRel, true, t0).await.unwrap();
        store.set_batch_time_limit(BatchCode::Clean, Some(1), t0).await.unwrap();
        let job = TestJob::new(BatchCode::Clean, Behaviour::Stuck);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), t0);
        store.request_launch(BatchCode::Clean, "admin", t0).await.unwrap();
        store.request_launch(BatchCode::LisRel, "admin", t0).await.unwrap();
        engine.tick().await.unwrap();
        engine.wait_idle().await;
        let clean = history(&store, BatchCode::Clean).await;
        assert_eq!(clean[0].status, ExecutionStatus::Error);
        assert_eq!(clean[0].message.as_deref(), Some("Durée maximale dépassée (1 s) : le traitement a été arrêté"));
        let lis_rel = history(&store, BatchCode::LisRel).await;
        assert_eq!(lis_rel[0].status, ExecutionStatus::Error);
        assert!(lis_rel[0].message.as_deref().unwrap().contains("n'est pas encore disponible"));
    })
    .await;
}

#[tokio::test]
async fn shutdown_interrupts_what_does_not_finish_in_time() {
    on_every_backend(|store| async move {
        let t0 = at("2030-01-01T00:00:00Z");
        only_batch_daily(&store, BatchCode::Clean, 4, 0, t0).await;
        let job = TestJob::new(BatchCode::Clean, Behaviour::Stuck);
        let (engine, _) = instance(&store, "a", Registry::new().with(job.clone()), t0);
        store.request_launch(BatchCode::Clean, "admin", t0).await.unwrap();
        engine.tick().await.unwrap();
        engine.shutdown().await.unwrap();
        let rows = history(&store, BatchCode::Clean).await;
        assert_eq!(rows[0].status, ExecutionStatus::Interrupted);
        assert!(!store.get_batch(BatchCode::Clean).await.unwrap().launch_now);
        assert!(store.live_instances(t0, SignedDuration::from_secs(60)).await.unwrap().is_empty());
        job.open_gate();
    })
    .await;
}

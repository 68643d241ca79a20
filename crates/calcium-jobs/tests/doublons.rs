//! DOUBLONS, run by the engine on every backend over demo students with planted duplicates.

use std::collections::HashSet;
use std::time::Duration;

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_demo::{DemoOptions, generate_population, seed};
use calcium_jobs::registry;
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{DuplicateFilter, DuplicateStatus, Store};
use calcium_test_support::{TestBase, backends};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

const STUDENTS: u32 = 4_000;

async fn run_doublons(store: &Store, now: Timestamp) -> serde_json::Value {
    let mut config = SchedulerConfig::for_this_process(
        TimeZone::get("Europe/Paris").unwrap(),
        SignedDuration::from_mins(15),
        SignedDuration::from_secs(60),
    );
    config.shutdown_grace = Duration::from_secs(5);
    let settings = JobSettings::spec_defaults(TimeZone::get("Europe/Paris").unwrap());
    let engine = Scheduler::new(store.clone(), registry(), settings, config, TimeSource::manual(now));
    store.request_launch(BatchCode::Doublons, "admin", now).await.unwrap();
    engine.run_launch_here(BatchCode::Doublons).await.unwrap().unwrap();
    let run = &store.execution_history(BatchCode::Doublons, 1, 0).await.unwrap()[0];
    assert_eq!(run.status, ExecutionStatus::Finish, "{:?}", run.message);
    run.summary.clone().unwrap()
}

#[tokio::test]
async fn doublons_finds_the_planted_duplicates_and_a_rerun_keeps_the_verdicts() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let options = DemoOptions { students: STUDENTS, seed: 8, today: date(2026, 11, 28), now };
        seed(&store, &options).await.unwrap();
        let ids = store.student_ids().await.unwrap();
        let planted: HashSet<(i64, i64)> = generate_population(STUDENTS, 8, options.today)
            .duplicate_of
            .iter()
            .map(|&(d, o)| (ids[o].0.min(ids[d].0), ids[o].0.max(ids[d].0)))
            .collect();

        let summary = run_doublons(&store, now).await;
        assert_eq!(summary["étudiants"], i64::from(STUDENTS));
        let pending = store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap();
        let found: HashSet<(i64, i64)> = pending.iter().map(|p| (p.a.id.0, p.b.id.0)).collect();
        let true_found = found.intersection(&planted).count();
        assert!(true_found + 1 >= planted.len(), "{true_found} of {} planted pairs found", planted.len());
        assert!(pending.len() <= planted.len() + 1, "{} pairs proposed for {} planted", pending.len(), planted.len());
        assert!(pending.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(pending.iter().all(|p| p.score >= 0.9 && !p.reasons.is_empty()));
        assert_eq!(summary["nouvelles paires"], pending.len() as i64);

        let judged = &pending[0];
        store.judge_duplicate(judged.a.id, judged.b.id, DuplicateStatus::DifferentPeople, "admin", now).await.unwrap();
        let again = run_doublons(&store, now + SignedDuration::from_hours(1)).await;
        assert_eq!(again["nouvelles paires"], 0);
        assert_eq!(again["paires retirées"], 0);
        let still = store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap();
        assert_eq!(still.len(), pending.len() - 1, "the pair judged different is not proposed again");
        assert!(!still.iter().any(|p| (p.a.id, p.b.id) == (judged.a.id, judged.b.id)));
        let all = store
            .duplicate_reviews(&DuplicateFilter { include_judged: true, ..DuplicateFilter::default() })
            .await
            .unwrap();
        let verdict = all.iter().find(|p| (p.a.id, p.b.id) == (judged.a.id, judged.b.id)).unwrap();
        assert_eq!(verdict.status, DuplicateStatus::DifferentPeople);
        base.finish().await;
    }
}

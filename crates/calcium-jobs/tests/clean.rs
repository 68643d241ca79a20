//! CLEAN, run by the engine on every backend.

use std::time::Duration;

use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use calcium_jobs::registry;
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{FileKind, NewExecution, NewProducedFile, Store};
use calcium_test_support::{TestBase, backends};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

fn settings(output: &std::path::Path) -> JobSettings {
    JobSettings {
        import_dir: output.join("import"),
        import_log_dir: output.join("logs"),
        output_dir: output.to_path_buf(),
        ..JobSettings::spec_defaults(TimeZone::get("Europe/Paris").unwrap())
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

async fn finished(store: &Store, batch: BatchCode, started_at: Timestamp) {
    calcium_test_support::record_finished_run(store, batch, Trigger::Manual, started_at, SignedDuration::from_secs(2))
        .await;
}

#[tokio::test]
async fn clean_frees_stuck_runs_and_purges_old_executions_and_files() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2030-06-01T10:00:00Z".parse().unwrap();

        // FER_CON: 25 executions older than 90 days; the 20 newest of them stay.
        for i in 0..25 {
            finished(&store, BatchCode::FerCon, now - days(200) + days(i)).await;
        }
        // DOUBLONS: 3 old and 1 recent: the 3 old ones stay (fewer than 20 in all).
        for i in 0..3 {
            finished(&store, BatchCode::Doublons, now - days(300) + days(i)).await;
        }
        finished(&store, BatchCode::Doublons, now - days(1)).await;
        // IMP_QUO: left RUNNING by an instance that died an hour ago.
        let stuck = store
            .insert_execution(&NewExecution {
                batch: BatchCode::ImpQuo,
                status: ExecutionStatus::Running,
                trigger: Trigger::Schedule,
                occurrence: Some(now - SignedDuration::from_hours(1)),
                triggered_by: None,
                instance_id: None,
                started_at: now - SignedDuration::from_hours(1),
                message: None,
            })
            .await
            .unwrap();
        // One old import log (on disk), one old listing already gone from the disk, one recent log.
        let old_log = dir.path().join("log_old.txt");
        std::fs::write(&old_log, "ancien journal").unwrap();
        let recent_log = dir.path().join("log_recent.txt");
        std::fs::write(&recent_log, "journal récent").unwrap();
        fn file(path: &std::path::Path, kind: FileKind) -> NewProducedFile<'_> {
            NewProducedFile {
                kind,
                path: path.to_str().unwrap(),
                file_name: path.file_name().unwrap().to_str().unwrap(),
                size_bytes: 14,
                execution_id: None,
            }
        }
        store.record_produced_file(&file(&old_log, FileKind::ImportLog), now - days(91)).await.unwrap();
        store
            .record_produced_file(&file(&dir.path().join("gone.csv"), FileKind::RelanceListing), now - days(120))
            .await
            .unwrap();
        store.record_produced_file(&file(&recent_log, FileKind::ImportLog), now - days(89)).await.unwrap();

        let mut config = SchedulerConfig::for_this_process(
            TimeZone::get("Europe/Paris").unwrap(),
            SignedDuration::from_mins(15),
            SignedDuration::from_secs(60),
        );
        config.shutdown_grace = Duration::from_secs(5);
        // Nothing scheduled between the base's creation (today) and this test's 2030 matters here.
        let clean = store.get_batch(BatchCode::Clean).await.unwrap();
        store.update_batch_schedule(BatchCode::Clean, &clean.schedule, now).await.unwrap();
        let engine = Scheduler::new(store.clone(), registry(), settings(dir.path()), config, TimeSource::manual(now));
        store.request_launch(BatchCode::Clean, "admin", now).await.unwrap();
        // As `calcium batch run CLEAN` does with no instance serving the base: no engine
        // cycle reaps the stuck run first, CLEAN does.
        engine.run_launch_here(BatchCode::Clean).await.unwrap().unwrap();

        let run = &store.execution_history(BatchCode::Clean, 1, 0).await.unwrap()[0];
        assert_eq!(run.status, ExecutionStatus::Finish, "{:?}", run.message);
        let expected = serde_json::json!({
            "exécutions débloquées": 1, "exécutions purgées": 5, "fichiers supprimés": 2, "octets libérés": 14
        });
        assert_eq!(run.summary, Some(expected));
        assert_eq!(store.get_execution(stuck).await.unwrap().status, ExecutionStatus::Interrupted);
        assert_eq!(store.execution_history(BatchCode::FerCon, 100, 0).await.unwrap().len(), 20);
        assert_eq!(store.execution_history(BatchCode::Doublons, 100, 0).await.unwrap().len(), 4);
        assert!(!old_log.exists());
        assert!(recent_log.exists());
        let left: Vec<_> = store.list_produced_files(10).await.unwrap().into_iter().map(|f| f.file_name).collect();
        assert_eq!(left, ["log_recent.txt"]);
        let log = store.execution_log(run.id).await.unwrap();
        assert!(log.contains("débloquée") && log.contains("5 exécution(s)"), "{log}");
        base.finish().await;
    }
}

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_test_support::on_every_backend;
use jiff::Timestamp;

use crate::{run_batch, settings};

#[tokio::test]
async fn every_health_batch_finishes_on_an_empty_base_with_zero_counts() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2030-06-04T04:00:00Z".parse().unwrap();
        for (code, counts) in [
            (BatchCode::FerCon, serde_json::json!({"consultations fermées": 0})),
            (
                BatchCode::CleanScan,
                serde_json::json!({"copies classées supprimées": 0, "documents périmés supprimés": 0, "octets libérés": 0}),
            ),
            (
                BatchCode::CleanRelance,
                serde_json::json!({
                    "relances supprimées": 0, "courriers de relance supprimés": 0, "courriers de rappel supprimés": 0,
                    "fichiers de courriers supprimés": 0
                }),
            ),
            (BatchCode::MajIdentite, serde_json::json!({"étudiants": 0})),
        ] {
            let ran = run_batch(&store, code, now, settings(dir.path())).await;
            assert_eq!(ran.execution.status, ExecutionStatus::Finish, "{code}: {:?}", ran.execution.message);
            assert_eq!(ran.counts(), counts, "{code}");
        }
        let counts = store.identity_counts().await.unwrap();
        assert_eq!((counts.students, counts.built_at), (0, None));
    })
    .await;
}

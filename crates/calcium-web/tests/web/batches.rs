//! The batch page: access without a session, the twelve rows, the last-run column.

use axum::http::StatusCode;
use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use calcium_store::NewExecution;
use calcium_test_support::backends;
use jiff::{SignedDuration, Timestamp};

use crate::support::TestApp;

const CODES: [&str; 12] = [
    "CLEAN",
    "CLEAN_RELANCE",
    "CLEAN_SCAN",
    "DOUBLONS",
    "FER_CON",
    "IMP_QUO",
    "LIS_RAP",
    "LIS_REL",
    "MAJ_IDENTITE",
    "MES_VACCINS",
    "REL_COU",
    "REL_CRA",
];

#[tokio::test]
async fn the_batch_page_without_session_redirects_to_login() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        for cookies in [&[][..], &["calcium_session=nimportequoi"], &[&format!("calcium_session={}", "a".repeat(64))]] {
            let response = app.get("/", cookies).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{cookies:?}");
            assert_eq!(response.location(), Some("/login"));
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_batch_page_lists_the_twelve_batches_with_their_schedule() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user("marie", "mot de passe de marie").await;
        let session = app.log_in("marie", "mot de passe de marie").await;
        let page = app.get("/", &[&session.cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.headers["cache-control"], "no-store");
        let body = &page.body;
        for text in ["Calcium — Batch", "Batches programmés", "Se déconnecter", ">marie<", "Dernière exécution"] {
            assert!(body.contains(text), "{text}");
        }
        let mut last = 0;
        for code in CODES {
            let at = body.find(&format!(">{code}<")).unwrap_or_else(|| panic!("{code} missing"));
            assert!(at > last, "{code} out of order");
            last = at;
        }
        assert!(body.contains("Tous les lun, mar, mer, jeu, ven à 01h00"));
        assert!(body.contains("Aucun jour à 06h10"));
        assert!(body.contains("Import quotidien de la base de Scolarité"));
        // MES_VACCINS is the one batch out of service; nothing is flagged for launch.
        assert_eq!(body.matches("✓").count(), 11);
        assert_eq!(body.matches("✗").count(), 13);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_last_run_column_shows_finished_and_running_executions_in_local_time() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let store = &app.base.store;
        let started: Timestamp = "2017-07-21T01:00:24Z".parse().unwrap();
        let new = |batch, status, started_at| NewExecution {
            batch,
            status,
            trigger: Trigger::Schedule,
            occurrence: None,
            triggered_by: None,
            instance_id: None,
            started_at,
            message: None,
        };
        let id = store.insert_execution(&new(BatchCode::Doublons, ExecutionStatus::Running, started)).await.unwrap();
        let finished: Timestamp = "2017-07-21T01:02:35Z".parse().unwrap();
        store
            .finish_run(id, ExecutionStatus::Finish, finished, jiff::SignedDuration::from_hours(1), None, None, None)
            .await
            .unwrap();
        // A MISSED occurrence after it does not replace it.
        let missed = new(BatchCode::Doublons, ExecutionStatus::Missed, "2017-07-24T01:00:00Z".parse().unwrap());
        store.insert_execution(&NewExecution { occurrence: Some(missed.started_at), ..missed }).await.unwrap();
        let running_since = Timestamp::now() - SignedDuration::from_secs(61);
        store.insert_execution(&new(BatchCode::ImpQuo, ExecutionStatus::Running, running_since)).await.unwrap();

        app.add_user("marie", "mot de passe de marie").await;
        let session = app.log_in("marie", "mot de passe de marie").await;
        let body = app.get("/", &[&session.cookie]).await.text();
        assert!(
            body.contains("FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec"),
            "{body}"
        );
        assert!(!body.contains("MISSED"));
        let running = body.find("RUNNING - Deb : ").expect("the running execution");
        let rest = &body[running..];
        assert!(rest.contains("- Durée : 01min") && !rest[..rest.find('\n').unwrap()].contains("Fin"), "{rest}");
        app.finish().await;
    }
}

//! The health probe, with the base up and with it closed.

use axum::http::StatusCode;
use calcium_test_support::backends;

use crate::support::TestApp;

#[tokio::test]
async fn health_says_ok_when_the_base_answers() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let response = app.get("/healthz", &[]).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.headers["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
        app.finish().await;
    }
}

#[tokio::test]
async fn health_answers_503_when_the_base_is_unreachable() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.base.store.close().await;
        let response = app.get("/healthz", &[]).await;
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(body["database"], "injoignable");
        app.finish().await;
    }
}

#[tokio::test]
async fn metrics_give_the_last_status_and_runs_of_each_batch_and_the_import_lines() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let store = &app.base.store;
        let new = calcium_store::NewExecution {
            batch: calcium_core::BatchCode::ImpQuo,
            status: calcium_core::ExecutionStatus::Running,
            trigger: calcium_core::Trigger::ManualImport,
            occurrence: None,
            triggered_by: Some("marie".to_owned()),
            instance_id: None,
            started_at: "2026-11-02T04:00:00Z".parse().unwrap(),
            message: None,
        };
        let id = store.insert_execution(&new).await.unwrap();
        let summary = serde_json::json!({"lignes lues": 10, "créés": 7, "mis à jour": 1, "inchangés": 0, "rejetés": 2, "avertissements": 3});
        let end = "2026-11-02T04:00:42Z".parse().unwrap();
        store
            .finish_run(
                id,
                calcium_core::ExecutionStatus::Finish,
                end,
                jiff::SignedDuration::from_hours(1),
                Some(&summary),
                None,
                None,
            )
            .await
            .unwrap();
        let response = app.get("/metrics", &[]).await;
        assert_eq!(response.status, StatusCode::OK, "open to monitoring, like /healthz");
        assert!(response.headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        for line in [
            "calcium_batch_last_status{code=\"IMP_QUO\",status=\"FINISH\"} 1",
            "calcium_batch_last_duration_seconds{code=\"IMP_QUO\"} 42",
            "calcium_batch_runs{code=\"IMP_QUO\",status=\"FINISH\"} 1",
            "calcium_import_lines{outcome=\"created\"} 7",
            "calcium_import_lines{outcome=\"rejected\"} 2",
        ] {
            assert!(response.body.lines().any(|l| l == line), "{line}\n{}", response.body);
        }
        assert!(!response.body.contains("marie"), "no name in the metrics");
        app.finish().await;
    }
}

#[tokio::test]
async fn health_fails_when_the_batch_engine_of_this_instance_gives_no_sign_of_life() {
    for kind in backends() {
        let probe =
            calcium_web::EngineProbe { instance_id: "ici".to_owned(), lease: jiff::SignedDuration::from_secs(60) };
        let app = TestApp::build(kind, |options| options.engine = Some(probe), None).await;
        let stopped = app.get("/healthz", &[]).await;
        assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE);
        let body: serde_json::Value = serde_json::from_str(&stopped.body).unwrap();
        assert_eq!(body, serde_json::json!({"status": "indisponible", "database": "ok", "scheduler": "arrêté"}));

        let store = &app.base.store;
        let now = store.database_now().await.unwrap();
        let instance = calcium_store::InstanceRow {
            id: "ici".to_owned(),
            host: "localhost".to_owned(),
            pid: 1,
            version: "0".to_owned(),
            started_at: now,
            heartbeat_at: now,
            stopped_at: None,
        };
        store.register_instance(&instance).await.unwrap();
        let alive = app.get("/healthz", &[]).await;
        assert_eq!(alive.status, StatusCode::OK);
        let body: serde_json::Value = serde_json::from_str(&alive.body).unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok", "scheduler": "ok"}));
        app.finish().await;
    }
}

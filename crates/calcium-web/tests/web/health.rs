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

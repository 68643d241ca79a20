//! The JSON API: the shapes of SPEC §5, bearer tokens and sessions (with the CSRF header), the
//! refusals, and an OpenAPI document that describes only routes that exist.

use axum::http::{Method, StatusCode};
use calcium_core::BatchCode;
use calcium_test_support::backends;
use serde_json::{Value, json};

use crate::support::{Session, TestApp};

/// A token for `marie`, made as `calcium user token` makes one.
async fn bearer(app: &TestApp) -> String {
    let user = app.base.store.find_user("marie").await.unwrap().unwrap();
    let token = calcium_web::random_token();
    app.base.store.create_api_token(&calcium_web::token_digest(&token), user.id, jiff::Timestamp::now()).await.unwrap();
    format!("Bearer {token}")
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn call(app: &TestApp, method: Method, path: &str, auth: &str, body: Option<Value>) -> (StatusCode, Value) {
    let body = body.map(|body| ("application/json", body.to_string().into_bytes()));
    let response = app.request(method, path, &[("authorization", auth)], body).await;
    let value = if response.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&response.body).unwrap_or(Value::String(response.body.clone()))
    };
    (response.status, value)
}

#[tokio::test]
async fn the_api_answers_401_in_json_without_session_or_with_a_bad_token() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        for auth in ["", "Bearer nimportequoi", &format!("Bearer {}", "a".repeat(64))] {
            let response = app.request(Method::GET, "/api/batches", &[("authorization", auth)], None).await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{auth}");
            assert_eq!(json_of(&response.body), json!({"error": "Authentification requise."}));
        }
        // A bearer token opens the API only, never the pages.
        let token = bearer(&app).await;
        let page = app.request(Method::GET, "/", &[("authorization", &token)], None).await;
        assert_eq!(page.location(), Some("/login"));
        app.finish().await;
    }
}

#[tokio::test]
async fn list_show_history_and_next_have_the_shapes_of_the_command_line() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        let token = bearer(&app).await;
        let (status, list) = call(&app, Method::GET, "/api/batches", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 12);
        let clean = &list[0];
        assert_eq!(clean["code"], "CLEAN");
        assert_eq!(clean["label"], "Nettoyage des batches");
        assert_eq!((clean["enabled"].as_bool(), clean["launch_now"].as_bool()), (Some(true), Some(false)));
        assert_eq!(
            clean["schedule"],
            json!({"time": "01:00", "day_of_month": null, "month": null, "year": null, "weekdays": ["lun", "mar", "mer", "jeu", "ven"]})
        );
        assert_eq!(clean["summary"], "Tous les lun, mar, mer, jeu, ven à 01h00");
        assert_eq!(clean["last_execution"], Value::Null);
        assert!(clean["next_run"].as_str().unwrap().ends_with(":00"));
        assert_eq!(list[9]["code"], "MES_VACCINS");
        assert_eq!(list[9]["next_run"], Value::Null, "out of service: no next run");

        let (status, show) = call(&app, Method::GET, "/api/batches/rel_cou", &token, None).await;
        assert_eq!((status, show["code"].as_str()), (StatusCode::OK, Some("REL_COU")));
        let (status, error) = call(&app, Method::GET, "/api/batches/NOPE", &token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(error["error"].as_str().unwrap().contains("NOPE"));

        let (status, next) =
            call(&app, Method::GET, "/api/batches/CLEAN/next?from=2026-03-27T12:00&count=3", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            next,
            json!({"code": "CLEAN", "occurrences": ["2026-03-30T01:00:00+02:00", "2026-03-31T01:00:00+02:00", "2026-04-01T01:00:00+02:00"]})
        );
        let (status, _) = call(&app, Method::GET, "/api/batches/CLEAN/next?from=demain", &token, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, history) = call(&app, Method::GET, "/api/batches/CLEAN/history?limit=5", &token, None).await;
        assert_eq!((status, history), (StatusCode::OK, json!([])));
        app.finish().await;
    }
}

#[tokio::test]
async fn set_changes_a_schedule_or_refuses_it_with_the_french_message() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        let token = bearer(&app).await;
        let body = json!({"time": "03:00", "weekdays": ["lun", "ven"], "day_of_month": null});
        let (status, view) = call(&app, Method::PUT, "/api/batches/DOUBLONS", &token, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["summary"], "Tous les lun, ven à 03h00");
        let (status, view) =
            call(&app, Method::PUT, "/api/batches/DOUBLONS", &token, Some(json!({"enabled": false}))).await;
        assert_eq!((status, view["enabled"].as_bool()), (StatusCode::OK, Some(false)));
        assert_eq!(view["summary"], "Tous les lun, ven à 03h00", "absent fields keep their value");

        let (status, error) =
            call(&app, Method::PUT, "/api/batches/DOUBLONS", &token, Some(json!({"day_of_month": 31, "month": 2})))
                .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["error"], "Le 31 février n'existe pas : ce batch ne s'exécuterait jamais");
        let (status, error) =
            call(&app, Method::PUT, "/api/batches/DOUBLONS", &token, Some(json!({"weekdays": ["lundi", "xyz"]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["error"].as_str().unwrap().contains("xyz"));
        let (status, _) =
            call(&app, Method::PUT, "/api/batches/DOUBLONS", &token, Some(json!({"couleur": "bleu"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        app.finish().await;
    }
}

#[tokio::test]
async fn run_raises_the_flag_once_and_refuses_a_batch_out_of_service() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        let token = bearer(&app).await;
        let (status, answer) = call(&app, Method::POST, "/api/batches/LIS_REL/run", &token, None).await;
        assert_eq!((status, answer["result"].as_str()), (StatusCode::ACCEPTED, Some("accepted")));
        assert!(app.base.store.get_batch(BatchCode::LisRel).await.unwrap().launch_now);
        let (status, answer) = call(&app, Method::POST, "/api/batches/LIS_REL/run", &token, None).await;
        assert_eq!((status, answer["result"].as_str()), (StatusCode::OK, Some("already_requested")));
        let (status, answer) = call(&app, Method::POST, "/api/batches/MES_VACCINS/run", &token, None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(answer["error"], "MES_VACCINS n'est pas en service : il ne peut pas être lancé");
        app.finish().await;
    }
}

#[tokio::test]
async fn with_the_session_cookie_a_state_changing_call_needs_the_csrf_header() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let Session { cookie, csrf } = app.logged_in().await;
        let read = app.request(Method::GET, "/api/batches/CLEAN", &[("cookie", &cookie)], None).await;
        assert_eq!(read.status, StatusCode::OK);
        let forged = app.request(Method::POST, "/api/batches/CLEAN/run", &[("cookie", &cookie)], None).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(json_of(&forged.body)["error"].as_str().unwrap().contains("X-CSRF-Token"));
        assert!(!app.base.store.get_batch(BatchCode::Clean).await.unwrap().launch_now);
        let run = app
            .request(Method::POST, "/api/batches/CLEAN/run", &[("cookie", &cookie), ("x-csrf-token", &csrf)], None)
            .await;
        assert_eq!(run.status, StatusCode::ACCEPTED);
        app.finish().await;
    }
}

#[tokio::test]
async fn executions_and_their_logs_are_served_by_id() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        let token = bearer(&app).await;
        let store = &app.base.store;
        let new = calcium_store::NewExecution {
            batch: BatchCode::Clean,
            status: calcium_core::ExecutionStatus::Running,
            trigger: calcium_core::Trigger::Manual,
            occurrence: None,
            triggered_by: Some("marie".to_owned()),
            instance_id: None,
            started_at: "2017-07-21T01:00:24Z".parse().unwrap(),
            message: None,
        };
        let id = store.insert_execution(&new).await.unwrap();
        store.append_execution_log(id, "ligne 1\n").await.unwrap();
        let end = "2017-07-21T01:02:35Z".parse().unwrap();
        store
            .finish_run(
                id,
                calcium_core::ExecutionStatus::Finish,
                end,
                jiff::SignedDuration::from_hours(1),
                None,
                None,
                None,
            )
            .await
            .unwrap();
        let (status, view) = call(&app, Method::GET, &format!("/api/executions/{}", id.0), &token, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(view["status"], "FINISH");
        assert_eq!(view["duration_secs"], 131);
        assert_eq!(view["started_at"], "2017-07-21T03:00:24+02:00");
        assert_eq!(view["trigger"], "lancement immédiat");
        assert_eq!(
            view["text"],
            "FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec"
        );
        let (status, log) = call(&app, Method::GET, &format!("/api/executions/{}/log", id.0), &token, None).await;
        assert_eq!((status, log), (StatusCode::OK, Value::String("ligne 1\n".to_owned())));
        let (_, history) = call(&app, Method::GET, "/api/batches/CLEAN/history", &token, None).await;
        assert_eq!(history[0]["id"], id.0);
        let (status, _) = call(&app, Method::GET, "/api/executions/424242", &token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

#[tokio::test]
async fn every_operation_of_the_openapi_document_is_routed() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let _session = app.logged_in().await;
        let token = bearer(&app).await;
        let (status, served) = call(&app, Method::GET, "/api/openapi.json", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        let document: Value = serde_json::from_str(calcium_web::OPENAPI).unwrap();
        assert_eq!(served, document);
        let paths = document["paths"].as_object().unwrap();
        assert!(paths.len() >= 9);
        for (path, operations) in paths {
            let concrete = path.replace("{code}", "CLEAN").replace("{id}", "1");
            for method in operations.as_object().unwrap().keys().filter(|key| *key != "parameters") {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let response = app.request(method.clone(), &concrete, &[("authorization", &token)], None).await;
                assert_ne!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                assert!(!response.body.contains("Page introuvable"), "{method} {path} is not routed");
            }
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn mes_vaccins_is_refused_in_service_without_its_address_with_the_same_message_as_the_dialog() {
    let expected = calcium_core::EnableRefused::MesVaccinsWithoutUrl.to_string();
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let token = bearer(&app).await;
        let (status, error) =
            call(&app, Method::PUT, "/api/batches/MES_VACCINS", &token, Some(json!({"enabled": true}))).await;
        assert_eq!((status, error["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(expected.as_str())));
        let dialog = app
            .post_form(
                "/batches/MES_VACCINS/edit",
                &[("csrf", session.csrf.as_str()), ("time", "07:00"), ("enabled", "on")],
                &[&session.cookie],
            )
            .await;
        assert_eq!(dialog.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            dialog.body.contains(&expected.replace('\'', "&#39;")) || dialog.body.contains(&expected),
            "{}",
            dialog.body
        );
        assert!(!app.base.store.get_batch(BatchCode::MesVaccins).await.unwrap().enabled);
        app.finish().await;

        let configured = TestApp::build(kind, |options| options.mesvaccins_configured = true, None).await;
        let _session = configured.logged_in().await;
        let token = bearer(&configured).await;
        let (status, view) =
            call(&configured, Method::PUT, "/api/batches/MES_VACCINS", &token, Some(json!({"enabled": true}))).await;
        assert_eq!((status, view["enabled"].as_bool()), (StatusCode::OK, Some(true)), "{view}");
        configured.finish().await;
    }
}

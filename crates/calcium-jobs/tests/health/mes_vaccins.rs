//! MES_VACCINS against a real HTTP server on loopback, started by the test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use calcium_core::student::{Ine, StudentId};
use calcium_core::{BatchCode, ExecutionStatus};
use calcium_scheduler::{JobSettings, MesVaccinsSettings};
use calcium_store::Store;
use calcium_test_support::on_every_backend;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};

use crate::{record, run_batch, settings};

/// What the fake MesVaccins.net answers next.
#[derive(Debug, Clone)]
enum Answer {
    Json(String),
    Status(StatusCode),
    /// Answers, but only after this long.
    Slow(Duration),
}

/// What the server received: the `since` parameter and the Authorization header.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    since: Option<String>,
    authorization: Option<String>,
}

#[derive(Clone)]
struct Feed {
    answer: Arc<Mutex<Answer>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Feed {
    fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    fn last_seen(&self) -> Seen {
        self.seen.lock().unwrap().last().cloned().expect("the job called the server")
    }
}

async fn vaccinations(
    State(feed): State<Feed>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    feed.seen.lock().unwrap().push(Seen {
        since: query.get("since").cloned(),
        authorization: headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned),
    });
    let answer = feed.answer.lock().unwrap().clone();
    match answer {
        Answer::Json(body) => ([("content-type", "application/json")], body).into_response(),
        Answer::Status(status) => (status, "panne du serveur").into_response(),
        Answer::Slow(delay) => {
            tokio::time::sleep(delay).await;
            ([("content-type", "application/json")], "[]").into_response()
        }
    }
}

/// Starts the fake service on a free loopback port; returns its base URL.
async fn start_feed() -> (Feed, String) {
    let feed = Feed { answer: Arc::new(Mutex::new(Answer::Json("[]".to_owned()))), seen: Arc::default() };
    let app = Router::new().route("/api/vaccinations", get(vaccinations)).with_state(feed.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (feed, format!("http://{address}/api/"))
}

fn connector(dir: &std::path::Path, url: &str, timeout: Duration) -> JobSettings {
    JobSettings {
        mesvaccins: MesVaccinsSettings { url: Some(url.to_owned()), token: Some("jeton-secret".to_owned()), timeout },
        ..settings(dir)
    }
}

const KNOWN_INE: &str = "1234567890V";

/// Four records: one by INE, one by secondary keys (accents and case differ), one nobody,
/// one two students share.
fn four_records() -> String {
    serde_json::json!([
        {"ine": KNOWN_INE, "nom": "Martin", "prenom": "Léa", "date_naissance": "2005-01-01", "vaccin": "DTP",
         "libelle": "Diphtérie, tétanos, poliomyélite", "date_injection": "2029-09-01", "lot": "AB1234", "rang": 4},
        {"ine": null, "nom": "LEFEVRE DUPONT", "prenom": "zoe", "date_naissance": "2004-02-29", "vaccin": "HEPB",
         "libelle": "Hépatite B", "date_injection": "2016-03-10", "lot": null, "rang": 1},
        {"ine": "99999999999", "nom": "Personne", "prenom": "Jean", "date_naissance": "2001-05-05", "vaccin": "ROR",
         "libelle": "Rougeole, oreillons, rubéole", "date_injection": "2002-05-05", "lot": null, "rang": 1},
        {"ine": null, "nom": "Bernard", "prenom": "Camille", "date_naissance": "2003-03-03", "vaccin": "ROR",
         "libelle": "Rougeole, oreillons, rubéole", "date_injection": "2004-03-03", "lot": null, "rang": 2}
    ])
    .to_string()
}

async fn vaccination_count(store: &Store, students: &[StudentId]) -> usize {
    let mut count = 0;
    for &student in students {
        count += store.vaccinations_of_student(student).await.unwrap().len();
    }
    count
}

#[tokio::test]
async fn mes_vaccins_imports_matched_records_once_and_lists_the_others() {
    let (feed, url) = start_feed().await;
    on_every_backend(|store| {
        let (feed, url) = (feed.clone(), url.clone());
        async move {
            let dir = tempfile::tempdir().unwrap();
            let now: Timestamp = "2030-06-04T05:00:00Z".parse().unwrap();
            let mut by_ine = record("Martin", "Léa", date(2005, 1, 1), "100");
            by_ine.cod_nne = Some(Ine::parse(KNOWN_INE).unwrap());
            let by_keys = record("Lefèvre-Dupont", "Zoé", date(2004, 2, 29), "127");
            let twin_a = record("Bernard", "Camille", date(2003, 3, 3), "100");
            let twin_b = record("Bernard", "Camille", date(2003, 3, 3), "350");
            let mut students = Vec::new();
            for student in [&by_ine, &by_keys, &twin_a, &twin_b] {
                students.push(store.insert_student(student, None, None, now).await.unwrap());
            }
            feed.answer(Answer::Json(four_records()));

            let first =
                run_batch(&store, BatchCode::MesVaccins, now, connector(dir.path(), &url, Duration::from_secs(10)))
                    .await;
            assert_eq!(first.execution.status, ExecutionStatus::Finish, "{:?}", first.execution.message);
            assert_eq!(
                first.counts(),
                serde_json::json!({"enregistrements reçus": 4, "vaccinations créées": 2, "vaccinations mises à jour": 0,
                    "déjà à jour": 0, "non rapprochés": 1, "ambigus": 1})
            );
            assert_eq!(
                feed.last_seen(),
                Seen { since: None, authorization: Some("Bearer jeton-secret".to_owned()) },
                "a first run asks for everything"
            );
            assert!(first.log.contains("Non rapproché : INE 99999999999, Personne Jean"), "{}", first.log);
            assert!(first.log.contains("Ambigu : INE absent, Bernard Camille"), "{}", first.log);
            let dtp = store.vaccinations_of_student(students[0]).await.unwrap();
            assert_eq!(dtp.len(), 1);
            assert_eq!(
                (dtp[0].vaccine_code.as_str(), dtp[0].lot.as_deref(), dtp[0].rang),
                ("DTP", Some("AB1234"), Some(4))
            );
            assert_eq!(dtp[0].source, "MESVACCINS");
            assert_eq!(store.vaccinations_of_student(students[1]).await.unwrap()[0].injection_date, date(2016, 3, 10));

            // The same records again: nothing new, and the question starts at the first run.
            let later = now + SignedDuration::from_hours(24);
            let second =
                run_batch(&store, BatchCode::MesVaccins, later, connector(dir.path(), &url, Duration::from_secs(10)))
                    .await;
            assert_eq!(second.execution.status, ExecutionStatus::Finish, "{:?}", second.execution.message);
            assert_eq!(
                second.counts(),
                serde_json::json!({"enregistrements reçus": 4, "vaccinations créées": 0, "vaccinations mises à jour": 0,
                    "déjà à jour": 2, "non rapprochés": 1, "ambigus": 1})
            );
            assert_eq!(feed.last_seen().since.as_deref(), Some("2030-06-04T05:00:00Z"));
            assert_eq!(vaccination_count(&store, &students).await, 2);

            // A corrected lot number updates the known vaccination instead of adding one.
            feed.answer(Answer::Json(four_records().replace("AB1234", "CD5678")));
            let third = run_batch(
                &store,
                BatchCode::MesVaccins,
                later + SignedDuration::from_hours(24),
                connector(dir.path(), &url, Duration::from_secs(10)),
            )
            .await;
            assert_eq!(third.counts()["vaccinations mises à jour"], 1);
            assert_eq!(third.counts()["déjà à jour"], 1);
            assert_eq!(feed.last_seen().since.as_deref(), Some("2030-06-05T05:00:00Z"));
            let dtp = store.vaccinations_of_student(students[0]).await.unwrap();
            assert_eq!((dtp.len(), dtp[0].lot.as_deref()), (1, Some("CD5678")));
        }
    })
    .await;
}

#[tokio::test]
async fn mes_vaccins_ends_in_error_and_writes_nothing_on_500_timeout_or_malformed_answer() {
    let (feed, url) = start_feed().await;
    on_every_backend(|store| {
        let (feed, url) = (feed.clone(), url.clone());
        async move {
            let dir = tempfile::tempdir().unwrap();
            let now: Timestamp = "2030-06-04T05:00:00Z".parse().unwrap();
            let mut student = record("Martin", "Léa", date(2005, 1, 1), "100");
            student.cod_nne = Some(Ine::parse(KNOWN_INE).unwrap());
            let students = [store.insert_student(&student, None, None, now).await.unwrap()];
            let fast = || connector(dir.path(), &url, Duration::from_secs(10));

            feed.answer(Answer::Status(StatusCode::INTERNAL_SERVER_ERROR));
            let failed = run_batch(&store, BatchCode::MesVaccins, now, fast()).await;
            assert_eq!(failed.execution.status, ExecutionStatus::Error);
            let message = failed.execution.message.unwrap_or_default();
            assert!(message.contains("HTTP 500") && message.contains("panne du serveur"), "{message}");

            feed.answer(Answer::Slow(Duration::from_secs(3)));
            let slow = run_batch(
                &store,
                BatchCode::MesVaccins,
                now + SignedDuration::from_mins(1),
                connector(dir.path(), &url, Duration::from_secs(1)),
            )
            .await;
            assert_eq!(slow.execution.status, ExecutionStatus::Error);
            let message = slow.execution.message.unwrap_or_default();
            assert!(message.contains("n'a pas répondu dans le délai de 1 s"), "{message}");

            // A valid record followed by a broken one: the valid one is not written either.
            let mut records: Vec<serde_json::Value> = serde_json::from_str(&four_records()).unwrap();
            records.truncate(1);
            records.push(serde_json::json!({"ine": null, "nom": "X"}));
            feed.answer(Answer::Json(serde_json::Value::Array(records).to_string()));
            let malformed = run_batch(&store, BatchCode::MesVaccins, now + SignedDuration::from_mins(2), fast()).await;
            assert_eq!(malformed.execution.status, ExecutionStatus::Error);
            let message = malformed.execution.message.unwrap_or_default();
            assert!(message.contains("mal formée") && message.contains("enregistrement 2"), "{message}");

            feed.answer(Answer::Json("{\"pas\": \"un tableau\"".to_owned()));
            let broken = run_batch(&store, BatchCode::MesVaccins, now + SignedDuration::from_mins(3), fast()).await;
            assert_eq!(broken.execution.status, ExecutionStatus::Error);
            assert!(broken.log.contains("mal formée"), "{}", broken.log);

            assert_eq!(vaccination_count(&store, &students).await, 0);
            // No run succeeded: each one still asks for everything.
            assert_eq!(feed.last_seen().since, None);
        }
    })
    .await;
}

#[tokio::test]
async fn mes_vaccins_without_an_address_ends_in_error_saying_which_key_is_missing() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2030-06-04T05:00:00Z".parse().unwrap();
        let ran = run_batch(&store, BatchCode::MesVaccins, now, settings(dir.path())).await;
        assert_eq!(ran.execution.status, ExecutionStatus::Error);
        assert!(ran.execution.message.unwrap_or_default().contains("mesvaccins.url"));
    })
    .await;
}

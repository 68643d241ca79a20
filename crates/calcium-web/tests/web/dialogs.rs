//! The toolbar's dialogs: "Exécution du batch" and its refusals, "Edition de batch" with its
//! French refusals next to the field, "Historique des exécutions" with paging, hidden columns
//! remembered per user, and the log of an execution.

use axum::http::StatusCode;
use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use calcium_store::{ExecutionId, NewExecution};
use calcium_test_support::backends;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::support::TestApp;

const LEASE: SignedDuration = SignedDuration::from_hours(1);

fn running(batch: BatchCode, started_at: Timestamp) -> NewExecution {
    NewExecution {
        batch,
        status: ExecutionStatus::Running,
        trigger: Trigger::Manual,
        occurrence: None,
        triggered_by: Some("marie".to_owned()),
        instance_id: None,
        started_at,
        message: None,
    }
}

/// A finished execution of `batch` that started at `started_at` and lasted `secs`.
async fn finished(
    app: &TestApp,
    batch: BatchCode,
    started_at: Timestamp,
    secs: i64,
    message: Option<&str>,
) -> ExecutionId {
    let store = &app.base.store;
    let id = store.insert_execution(&running(batch, started_at)).await.unwrap();
    store
        .finish_run(id, ExecutionStatus::Finish, started_at + secs.seconds(), LEASE, None, message, None)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn launch_asks_for_confirmation_then_raises_the_flag_and_refuses_a_second_time() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let dialog = app.get("/batches/REL_COU/launch", &cookie).await;
        assert_eq!(dialog.status, StatusCode::OK);
        assert!(dialog.body.contains("Exécution du batch"));
        assert!(dialog.body.contains("Etes vous sûr de vouloir lancer le batch REL_COU maintenant?"));

        let forged = app.post_form("/batches/REL_COU/launch", &[("csrf", "faux")], &cookie).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(
            !app.base.store.get_batch(BatchCode::RelCou).await.unwrap().launch_now,
            "a forged form changes nothing"
        );

        let launched = app.post_form("/batches/REL_COU/launch", &[("csrf", &session.csrf)], &cookie).await;
        assert_eq!(launched.status, StatusCode::NO_CONTENT);
        assert_eq!(launched.headers["hx-trigger"], "batches-changed, dialog-close");
        assert!(app.base.store.get_batch(BatchCode::RelCou).await.unwrap().launch_now);

        let table = app.get("/batches/table", &cookie).await;
        assert!(table.body.contains("every 2s"), "a flagged batch makes the table poll");
        let row = &table.body[table.body.find("data-code=\"REL_COU\"").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert_eq!(row.matches("✓").count(), 2, "en service and lancement immédiat: {row}");

        let again = app.get("/batches/REL_COU/launch", &cookie).await;
        assert!(again.body.contains("déjà demandé"), "{}", again.body);
        let again = app.post_form("/batches/REL_COU/launch", &[("csrf", &session.csrf)], &cookie).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("Rien de plus n&#39;est fait"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_disabled_or_running_batch_explains_why_it_cannot_start() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let disabled = app.get("/batches/MES_VACCINS/launch", &cookie).await;
        assert!(disabled.body.contains("Le batch MES_VACCINS n&#39;est pas en service : il ne peut pas être lancé."));
        assert!(!disabled.body.contains("Etes vous sûr"));
        let refused = app.post_form("/batches/MES_VACCINS/launch", &[("csrf", &session.csrf)], &cookie).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);

        app.base.store.insert_execution(&running(BatchCode::Doublons, Timestamp::now())).await.unwrap();
        let busy = app.get("/batches/DOUBLONS/launch", &cookie).await;
        assert!(busy.body.contains("Le batch DOUBLONS est déjà en cours d&#39;exécution"), "{}", busy.body);
        let refused = app.post_form("/batches/DOUBLONS/launch", &[("csrf", &session.csrf)], &cookie).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(!app.base.store.get_batch(BatchCode::Doublons).await.unwrap().launch_now);

        assert_eq!(app.get("/batches/NOPE/launch", &cookie).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/batches/CLEAN/launch", &[]).await.location(), Some("/login"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_edit_dialog_shows_the_schedule_and_keeps_refused_input_with_the_message_next_to_its_field() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let dialog = app.get("/batches/CLEAN/edit", &cookie).await;
        assert_eq!(dialog.status, StatusCode::OK);
        for text in [
            "Edition de batch",
            "Heure de lancement",
            "Jour du mois",
            "Mois de l'année",
            "Année",
            "Dimanche",
            "En service",
        ] {
            assert!(dialog.body.contains(text), "{text}");
        }
        assert!(dialog.body.contains(r#"id="edit-code" type="text" value="CLEAN" readonly"#));
        assert!(dialog.body.contains(r#"name="time" type="text" inputmode="numeric" value="01:00""#));
        assert_eq!(dialog.body.matches(" checked").count(), 6, "lun…ven and en service");

        let form = |time: &'static str, day: &'static str, month: &'static str| {
            vec![
                ("csrf", session.csrf.as_str()),
                ("time", time),
                ("day_of_month", day),
                ("month", month),
                ("enabled", "on"),
            ]
        };
        let refused = app.post_form("/batches/CLEAN/edit", &form("01:00", "31", "2"), &cookie).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = refused.body.find(r#"<p class="field-error" id="error-day">Le 31 février n&#39;existe pas"#);
        assert!(error.is_some(), "{}", refused.body);
        assert!(refused.body.contains(r#"value="31""#), "what was typed stays in the dialog");
        let bad_time = app.post_form("/batches/CLEAN/edit", &form("25:70", "", ""), &cookie).await;
        assert!(bad_time.body.contains(r#"id="error-time">Heure de lancement invalide"#), "{}", bad_time.body);
        let forged = app.post_form("/batches/CLEAN/edit", &[("csrf", "x"), ("time", "02:00")], &cookie).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.base.store.get_batch(BatchCode::Clean).await.unwrap().schedule.summary(),
            "Tous les lun, mar, mer, jeu, ven à 01h00"
        );

        let mut saved = form("03:00", "", "");
        saved.extend([("lun", "on"), ("ven", "on")]);
        let response = app.post_form("/batches/CLEAN/edit", &saved, &cookie).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "{}", response.body);
        assert_eq!(response.headers["hx-trigger"], "batches-changed, dialog-close");
        let table = app.get("/batches/table", &cookie).await.body;
        assert!(table.contains("Tous les lun, ven à 03h00<span class=\"next-run\">Prochaine exécution : "), "{table}");

        // Unchecking "En service" puts the batch out of service; MES_VACCINS cannot be put in
        // service without its connector's address.
        let off = app.post_form("/batches/CLEAN/edit", &[("csrf", &session.csrf), ("time", "03:00")], &cookie).await;
        assert_eq!(off.status, StatusCode::NO_CONTENT);
        assert!(!app.base.store.get_batch(BatchCode::Clean).await.unwrap().enabled);
        let vaccins = app.post_form("/batches/MES_VACCINS/edit", &form("07:00", "", ""), &cookie).await;
        assert_eq!(vaccins.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(vaccins.body.contains("mesvaccins.url"));
        app.finish().await;
    }
}

#[tokio::test]
async fn history_is_newest_first_paged_and_its_hidden_columns_are_remembered_for_the_user() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let start: Timestamp = "2017-05-01T03:00:29Z".parse().unwrap();
        for day in 0..17 {
            finished(&app, BatchCode::ImpQuo, start + (day * 24).hours(), 3543, None).await;
        }
        let page = app.get("/batches/IMP_QUO/history", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("Historique des exécutions du batch IMP_QUO"));
        for title in [
            "Statut",
            "Date début",
            "Date fin",
            "Durée",
            "Déclenchement",
            "Instance",
            "Résumé",
            "Fermer [ECHAP]",
            "Rafraîchir",
        ] {
            assert!(body.contains(title), "{title}");
        }
        assert_eq!(body.matches("class=\"history-row\"").count(), 15);
        let newest = body.find("2017-05-17T05:00:29").expect("the newest run, in local time");
        let older = body.find("2017-05-16T05:00:29").unwrap();
        assert!(newest < older, "newest first");
        assert!(body.contains("Durée : 59min 03sec"));
        assert!(body.contains("lancement immédiat (marie)"));
        assert!(body.contains("Page 1 / 2 · 17 exécutions"));
        let second = app.get("/batches/IMP_QUO/history?page=2", &cookie).await.body;
        assert_eq!(second.matches("class=\"history-row\"").count(), 2);
        assert!(second.contains("2017-05-01T05:00:29"));

        let forged =
            app.post_form("/preferences/history-columns", &[("csrf", "x"), ("shown", "statut")], &cookie).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let shown = ["statut", "debut", "duree", "declenchement", "instance", "resume"];
        let mut form = vec![("csrf", session.csrf.as_str())];
        form.extend(shown.iter().map(|key| ("shown", *key)));
        assert_eq!(app.post_form("/preferences/history-columns", &form, &cookie).await.status, StatusCode::NO_CONTENT);
        let again = app.get("/batches/IMP_QUO/history", &cookie).await.body;
        assert!(again.contains(r#"data-hidden="fin""#), "{again}");
        assert!(again.contains(r#"name="shown" value="fin">"#), "the gear menu shows it unchecked");

        // Another administrator keeps all the columns.
        app.add_user("paul", "mot de passe de paul").await;
        let paul = app.log_in("paul", "mot de passe de paul").await;
        assert!(app.get("/batches/IMP_QUO/history", &[&paul.cookie]).await.body.contains(r#"data-hidden="""#));
        app.finish().await;
    }
}

#[tokio::test]
async fn an_execution_log_opens_from_its_row_and_shows_markup_as_text() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let id = finished(&app, BatchCode::Clean, Timestamp::now() - 1.hour(), 2, Some("<b>gras</b>")).await;
        app.base.store.append_execution_log(id, "Étudiant <script>alert(1)</script> importé\n").await.unwrap();
        let history = app.get("/batches/CLEAN/history", &cookie).await.body;
        assert!(history.contains(&format!(r#"hx-get="/executions/{}/log""#, id.0)));
        assert!(history.contains("&#60;b&#62;gras&#60;/b&#62;"));
        let log = app.get(&format!("/executions/{}/log", id.0), &cookie).await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.body.contains(&format!("Journal de l'exécution n° {} du batch CLEAN", id.0)), "{}", log.body);
        assert!(log.body.contains("Étudiant &#60;script&#62;alert(1)&#60;/script&#62; importé"));
        assert!(!log.body.contains("<script>"));
        assert_eq!(app.get("/executions/999999/log", &cookie).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/executions/abc/log", &cookie).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/executions/{}/log", id.0), &[]).await.location(), Some("/login"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_running_import_shows_its_elapsed_time_and_lines_and_the_table_polls_faster() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let store = &app.base.store;
        let id = store.insert_execution(&running(BatchCode::ImpQuo, Timestamp::now() - 75.seconds())).await.unwrap();
        store.set_progress(id, 1200, 5000).await.unwrap();
        let table = app.get("/batches/table", &[&session.cookie]).await.text();
        assert!(app.get("/batches/table", &[&session.cookie]).await.body.contains("every 2s"));
        assert!(table.contains("RUNNING - Deb : "));
        assert!(table.contains("- Durée : 01min"), "{table}");
        assert!(table.contains("Lignes : 1200 / 5000"));
        let quiet = TestApp::new(kind).await;
        let session = quiet.logged_in().await;
        let quiet_table = quiet.get("/batches/table", &[&session.cookie]).await.body;
        assert!(!quiet_table.contains("every 2s"), "nothing runs: no fast polling");
        assert!(quiet_table.contains("every 15s"), "a run started elsewhere still shows: {quiet_table}");
        quiet.finish().await;
        app.finish().await;
    }
}

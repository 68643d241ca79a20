//! The statistics page: it reads only `identity_stat` (as MAJ_IDENTITE left it), says when
//! MAJ_IDENTITE last succeeded, draws four charts and offers each table as a CSV file.

use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentRecord};
use calcium_core::{BatchCode, Trigger};
use calcium_store::{IdentityClassification, Store};
use calcium_test_support::backends;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};

use crate::support::TestApp;

fn student(sexe: Sexe, cmp: &str, code_natio: &str, bursary: bool) -> StudentRecord {
    let mut record = StudentRecord::new(MandatoryValues {
        cod_anu: "2029".to_owned(),
        nom: "Martin".to_owned(),
        prenom1: "Léa".to_owned(),
        sexe,
        datenai: BirthDate::from_stored(date(2010, 5, 5)),
        code_natio: code_natio.to_owned(),
        etb: "0999001A".to_owned(),
        cmp: cmp.to_owned(),
    });
    record.codebrs = bursary.then(|| "B1".to_owned());
    record
}

/// Fills `identity_stat` as a MAJ_IDENTITE run at `now` would (every student 19, "18-20";
/// 100 is France, anything else outside the Union), and records that successful run.
async fn rebuild(store: &Store, now: Timestamp) {
    store
        .rebuild_identity_stats(
            |inputs| IdentityClassification {
                ages: inputs.birth_dates.iter().map(|date| (*date, 19, "18-20")).collect(),
                nationality_groups: inputs
                    .nationalities
                    .iter()
                    .map(|code| (code.clone(), if code == "100" { "FRANCE" } else { "HORS_UE" }))
                    .collect(),
            },
            now,
        )
        .await
        .unwrap();
    calcium_test_support::record_finished_run(
        store,
        BatchCode::MajIdentite,
        Trigger::Schedule,
        now,
        SignedDuration::from_secs(3),
    )
    .await;
}

#[tokio::test]
async fn before_any_maj_identite_the_page_says_the_table_is_empty_and_draws_empty_charts() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let page = app.get("/statistics", &[&session.cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("n'a encore jamais été exécuté avec succès"), "{}", page.body);
        assert_eq!(page.body.matches("<svg class=\"chart\"").count(), 4);
        assert!(page.body.contains("aria-current=\"page\">Statistiques</a>"));

        let csv = app.get("/statistics/ages.csv", &[&session.cookie]).await;
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{FEFF}').lines().collect();
        assert_eq!(lines.len(), 7, "{lines:?}");
        assert_eq!(lines[0], "Tranche d'âge;Hommes;Femmes;Genre inconnu;Total");
        assert_eq!(lines[1], "moins de 18 ans;0;0;0;0");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_page_shows_the_counts_of_the_last_maj_identite_with_their_date_and_csv_files() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let store = app.base.store.clone();
        let now: Timestamp = "2030-02-28T03:30:00Z".parse().unwrap();
        let students = [
            student(Sexe::Feminin, "SCI", "100", true),
            student(Sexe::Feminin, "SCI", "100", false),
            student(Sexe::Masculin, "SCI", "132", false),
            student(Sexe::Masculin, "<b>X</b>", "100", false),
        ];
        for record in &students {
            store.insert_student(record, None, None, now).await.unwrap();
        }
        rebuild(&store, now).await;
        // A student added after the run is not in the figures: the page reads the table only.
        store.insert_student(&student(Sexe::Feminin, "MED", "100", true), None, None, now).await.unwrap();

        let session = app.logged_in().await;
        let page = app.get("/statistics", &[&session.cookie]).await.body;
        assert!(page.contains("dernière exécution réussie le <strong>28/02/2030 à 04:30:00</strong>"), "{page}");
        assert!(page.contains("<strong>4</strong> étudiant(s)"), "{page}");
        assert!(page.contains("UFR Sciences et techniques (SCI)"), "{page}");
        assert!(
            page.contains("&#60;b&#62;X&#60;/b&#62;") || page.contains("&lt;b&gt;X&lt;/b&gt;"),
            "a code is shown escaped"
        );
        assert!(!page.contains("<b>X</b>"));
        assert!(page.contains("Boursiers : 1 (25,0 %)"), "{page}");

        let csv = app.get("/statistics/composantes.csv", &[&session.cookie]).await;
        assert_eq!(csv.headers[CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(csv.headers[CONTENT_DISPOSITION], "attachment; filename=\"statistiques_composantes.csv\"");
        assert!(csv.body.starts_with('\u{FEFF}'));
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{FEFF}').lines().collect();
        assert_eq!(
            lines,
            ["Composante;Étudiants;Part (%)", "UFR Sciences et techniques (SCI);3;75,0", "<b>X</b>;1;25,0"]
        );
        let nationalities = app.get("/statistics/nationalites.csv", &[&session.cookie]).await.body;
        assert!(
            nationalities.contains("France;3;75,0\r\nUnion européenne;0;0,0\r\nHors Union européenne;1;25,0"),
            "{nationalities}"
        );
        let ages = app.get("/statistics/ages.csv", &[&session.cookie]).await.body;
        assert!(ages.contains("18 à 20 ans;2;2;0;4"), "{ages}");
        assert_eq!(
            app.get("/statistics/boursiers.csv", &[&session.cookie]).await.body.lines().nth(1),
            Some("Boursiers;1;25,0")
        );

        for unknown in ["/statistics/etudiants.csv", "/statistics/ages.txt", "/statistics/..%2Fcalcium.db"] {
            assert_eq!(app.get(unknown, &[&session.cookie]).await.status, StatusCode::NOT_FOUND, "{unknown}");
        }
        app.finish().await;
    }
}

//! "Gestion des doublons": the pairs side by side with their differences, the verdicts, the
//! score filter, authentication and CSRF.

use axum::http::StatusCode;
use calcium_core::student::{BirthDate, Ine, MandatoryValues, Sexe, StudentId, StudentRecord};
use calcium_store::{DuplicateCandidate, DuplicateFilter, DuplicateStatus, Store};
use calcium_test_support::backends;
use jiff::Timestamp;
use jiff::civil::date;

use crate::support::TestApp;

async fn two_pairs(store: &Store) -> Vec<StudentId> {
    let record = |nom: &str, prenom: &str, ine: &str| {
        let mut record = StudentRecord::new(MandatoryValues {
            cod_anu: "2026".into(),
            nom: nom.into(),
            prenom1: prenom.into(),
            sexe: Sexe::Feminin,
            datenai: BirthDate::new(date(2004, 3, 7), date(2026, 11, 28)).unwrap(),
            code_natio: "100".into(),
            etb: "0211237F".into(),
            cmp: "UFRSVTE".into(),
        });
        record.cod_nne = Some(Ine::parse(ine).unwrap());
        record
    };
    let records = [
        record("Lefèvre", "Léa", "1234567890A"),
        record("LEFEBVRE", "Léa", "1234567890A"),
        record("Martin", "Zoé", "2234567890A"),
        record("Martin", "Zoe", "3234567890A"),
    ];
    store.insert_students(&records, None, None, Timestamp::now()).await.unwrap();
    let ids = store.student_ids().await.unwrap();
    let pair = |a: usize, b: usize, score: f64, reason: &str| DuplicateCandidate {
        student_a: ids[a],
        student_b: ids[b],
        score,
        reasons: vec![reason.into()],
        status: DuplicateStatus::Pending,
    };
    store
        .refresh_duplicate_candidates(
            &[pair(0, 1, 0.99, "même INE"), pair(2, 3, 0.91, "noms proches (0,93)")],
            Timestamp::now(),
        )
        .await
        .unwrap();
    ids
}

#[tokio::test]
async fn the_page_shows_pairs_best_first_with_differences_marked_and_records_verdicts() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let ids = two_pairs(&app.base.store).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];

        let page = app.get("/doublons", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("Gestion des doublons"));
        assert!(body.contains("2 paire(s) à traiter"), "{body}");
        let (first, second) = (body.find("même INE").unwrap(), body.find("noms proches (0,93)").unwrap());
        assert!(first < second, "best score first");
        assert!(body.contains("Score 0,99"));
        // LEFEBVRE differs from Lefèvre, Léa does not differ from Léa.
        assert!(
            body.contains(
                "<tr class=\"differs\">\n            <th scope=\"row\">Nom</th><td>Lefèvre</td><td>LEFEBVRE</td>"
            ),
            "{body}"
        );
        assert!(body.contains("<tr>\n            <th scope=\"row\">Prénom</th><td>Léa</td><td>Léa</td>"));
        assert!(body.contains("Même personne") && body.contains("Personnes différentes"));

        let filtered = app.get("/doublons?min=0,95", &cookie).await;
        assert!(filtered.body.contains("1 paire(s) à traiter") && !filtered.body.contains("noms proches"));

        let (a, b) = (ids[2].0.to_string(), ids[3].0.to_string());
        let form = [
            ("csrf", session.csrf.as_str()),
            ("a", &a),
            ("b", &b),
            ("verdict", "differentes"),
            ("min", "0,00"),
            ("max", "1,00"),
        ];
        let answer = app.post_form("/doublons/verdict", &form, &cookie).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let location = answer.headers["location"].to_str().unwrap();
        assert_eq!(location, "/doublons?min=0.00&max=1.00&done=differentes");
        let after = app.get(location, &cookie).await;
        assert!(after.body.contains("ne sera plus proposée") && after.body.contains("1 paire(s) à traiter"));
        let all = app
            .base
            .store
            .duplicate_reviews(&DuplicateFilter { include_judged: true, ..DuplicateFilter::default() })
            .await
            .unwrap();
        let judged = all.iter().find(|p| p.a.id == ids[2]).unwrap();
        assert_eq!(judged.status, DuplicateStatus::DifferentPeople);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_verdict_needs_the_session_and_its_csrf_token() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let ids = two_pairs(&app.base.store).await;
        let anonymous = app.get("/doublons", &[]).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "the page needs a login");
        let session = app.logged_in().await;
        let (a, b) = (ids[0].0.to_string(), ids[1].0.to_string());
        let forged = [("csrf", "forged"), ("a", a.as_str()), ("b", b.as_str()), ("verdict", "meme")];
        let refused = app.post_form("/doublons/verdict", &forged, &[session.cookie.as_str()]).await;
        assert!(refused.status.is_client_error(), "{}", refused.status);
        let pending = app.base.store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap();
        assert_eq!(pending.len(), 2, "nothing was judged");
        app.finish().await;
    }
}

//! The relances page: each relance with its state and its letters, the state filters, the links
//! to the PDFs and listings.

use axum::http::StatusCode;
use calcium_core::relance::LetterKind;
use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentRecord};
use calcium_store::{FileKind, NewLetter, NewProducedFile, NewRelance, Store};
use calcium_test_support::backends;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::support::TestApp;

async fn relance(store: &Store, nom: &str, due_date: Date, closed: bool) -> i64 {
    let today = Timestamp::now().to_zoned_datetime(TimeZone::get("Europe/Paris").unwrap()).date();
    let record = StudentRecord::new(MandatoryValues {
        cod_anu: "2026".to_owned(),
        nom: nom.to_owned(),
        prenom1: "Zoé".to_owned(),
        sexe: Sexe::Feminin,
        datenai: BirthDate::new(jiff::civil::date(2004, 2, 29), today).unwrap(),
        code_natio: "100".to_owned(),
        etb: "0999001A".to_owned(),
        cmp: "SCI".to_owned(),
    });
    let student = store.insert_student(&record, None, None, Timestamp::now()).await.unwrap();
    let row = NewRelance {
        student_id: student,
        motif_code: "VAC".to_owned(),
        due_date,
        courrier: "Texte".to_owned(),
        commentaire: Some("note interne".to_owned()),
        created_at: Timestamp::now() - SignedDuration::from_hours(24 * 90),
        closed_at: closed.then(Timestamp::now),
    };
    store.insert_relances(&[row]).await.unwrap()[0]
}

#[tokio::test]
async fn the_relances_page_shows_states_letters_mails_and_their_files() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let store = app.base.store.clone();
        let today = Timestamp::now().to_zoned_datetime(TimeZone::get("Europe/Paris").unwrap()).date();
        let future = relance(&store, "Avenir", today + 10.days(), false).await;
        let echue = relance(&store, "Échue", today - 3.days(), false).await;
        let rappel = relance(&store, "Rappelée", today - 40.days(), false).await;
        let closed = relance(&store, "Close", today - 5.days(), true).await;

        let pdf = NewProducedFile {
            kind: FileKind::RelanceLetters,
            path: "/nulle/part/courriers_relances_1.pdf",
            file_name: "courriers_relances_1.pdf",
            size_bytes: 1200,
            execution_id: None,
        };
        let letters = [
            NewLetter { relance_id: echue, mail_to: Some("echue@etu.u-exemple.fr".to_owned()), address: None },
            NewLetter { relance_id: rappel, mail_to: Some("rappel@etu.u-exemple.fr".to_owned()), address: None },
        ];
        let file_id = store.record_letters(LetterKind::Relance, &pdf, &letters, Timestamp::now()).await.unwrap();
        let pending = store.pending_mails(LetterKind::Relance, 5).await.unwrap();
        let letter_of =
            |relance: i64| pending.iter().find(|mail| mail.candidate.relance_id == relance).unwrap().letter_id;
        store.mark_mail_sent(letter_of(echue), Timestamp::now()).await.unwrap();
        store.mark_mail_failed(letter_of(rappel), "envoi refusé par 127.0.0.1:25").await.unwrap();
        store.mark_mail_failed(letter_of(rappel), "envoi refusé par 127.0.0.1:25").await.unwrap();

        let session = app.logged_in().await;
        let page = app.get("/relances", &[&session.cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        for text in [
            "aria-current=\"page\">Relances</a>",
            ">en cours<",
            ">échue<",
            ">rappel dû<",
            ">clôturée<",
            "lettre éditée",
            "envoyé par mail le",
            "mail en échec (2 essais)",
            "title=\"envoi refusé par 127.0.0.1:25\"",
            "Vaccinations à mettre à jour",
            "4 relances",
            "courriers_relances_1.pdf",
            "Courriers des relances",
        ] {
            assert!(body.contains(text), "{text} missing");
        }
        assert!(body.contains(&format!("href=\"/downloads/{file_id}\"")));
        assert!(!body.contains("note interne"), "the commentaire is internal");
        // Oldest due date first.
        let order: Vec<usize> = ["Rappelée", "Close", "Échue", "Avenir"]
            .iter()
            .map(|nom| body.find(&format!(">{nom} Zoé")).unwrap())
            .collect();
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{order:?}");

        for (filter, shown, hidden) in [
            ("echue", echue, [future, rappel, closed]),
            ("rappel-du", rappel, [future, echue, closed]),
            ("en-cours", future, [echue, rappel, closed]),
            ("cloturee", closed, [future, echue, rappel]),
        ] {
            let page = app.get(&format!("/relances?etat={filter}"), &[&session.cookie]).await;
            let row = |id: i64| format!("<td class=\"mono\">{id}</td>");
            assert!(page.body.contains(&row(shown)), "{filter}");
            assert!(hidden.iter().all(|id| !page.body.contains(&row(*id))), "{filter}");
            assert!(page.body.contains("1 relance<") || page.body.contains("1 relance\n"), "{filter}");
        }
        // A page past the end shows the last one.
        let page = app.get("/relances?page=99", &[&session.cookie]).await;
        assert!(page.body.contains("Page 1 / 1"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_relances_page_needs_a_session() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let response = app.get("/relances", &[]).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(response.location(), Some("/login"));
        app.finish().await;
    }
}

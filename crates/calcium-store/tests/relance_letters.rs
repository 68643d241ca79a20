//! The store's contract for relance letters and listings, on every backend: a batch of letters
//! or a listing is recorded whole or not at all.

use calcium_core::relance::LetterKind;
use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentId, StudentRecord};
use calcium_store::{DbError, FileKind, NewLetter, NewProducedFile, NewRelance, Store};
use calcium_test_support::on_every_backend;
use jiff::Timestamp;
use jiff::civil::{Date, date};

fn now() -> Timestamp {
    "2026-11-29T09:00:00Z".parse().unwrap()
}

async fn student(store: &Store, nom: &str) -> StudentId {
    let record = StudentRecord::new(MandatoryValues {
        cod_anu: "2026".to_owned(),
        nom: nom.to_owned(),
        prenom1: "Léa".to_owned(),
        sexe: Sexe::Feminin,
        datenai: BirthDate::new(date(2003, 5, 6), date(2026, 11, 29)).unwrap(),
        code_natio: "100".to_owned(),
        etb: "0999001A".to_owned(),
        cmp: "SCI".to_owned(),
    });
    store.insert_student(&record, None, None, now()).await.unwrap()
}

async fn relance(store: &Store, student: StudentId, due_date: Date, closed: bool) -> i64 {
    let row = NewRelance {
        student_id: student,
        motif_code: "CER".to_owned(),
        due_date,
        courrier: "Merci.".to_owned(),
        commentaire: None,
        created_at: now(),
        closed_at: closed.then(now),
    };
    store.insert_relances(&[row]).await.unwrap()[0]
}

fn file<'a>(kind: FileKind, path: &'a str) -> NewProducedFile<'a> {
    NewProducedFile { kind, path, file_name: path, size_bytes: 10, execution_id: None }
}

fn letter(relance_id: i64, mail_to: Option<&str>) -> NewLetter {
    NewLetter { relance_id, mail_to: mail_to.map(str::to_owned), address: None }
}

#[tokio::test]
async fn candidates_are_the_open_due_relances_without_a_letter_in_name_order() {
    on_every_backend(|store| async move {
        let today = date(2026, 11, 29);
        let (zola, abel) = (student(&store, "Zola").await, student(&store, "Abel").await);
        let due = relance(&store, zola, today, false).await;
        let earlier = relance(&store, abel, date(2026, 1, 1), false).await;
        relance(&store, zola, date(2026, 11, 30), false).await;
        relance(&store, zola, date(2026, 1, 1), true).await;
        let lettered = relance(&store, abel, date(2026, 2, 1), false).await;
        store.record_relance_letter(lettered, "RELANCE", None, None, now()).await.unwrap();

        let candidates = store.letter_candidates(LetterKind::Relance, today).await.unwrap();
        let ids: Vec<i64> = candidates.iter().map(|c| c.relance_id).collect();
        assert_eq!(ids, [earlier, due], "Abel before Zola");
        assert_eq!(candidates[0].motif_label, "Certificat médical à fournir");
        // The relance lettered RELANCE still needs its rappel.
        let rappels = store.letter_candidates(LetterKind::Rappel, date(2026, 10, 30)).await.unwrap();
        assert_eq!(rappels.iter().map(|c| c.relance_id).collect::<Vec<_>>(), [earlier, lettered]);
    })
    .await;
}

#[tokio::test]
async fn a_batch_of_letters_with_one_already_lettered_records_nothing() {
    on_every_backend(|store| async move {
        let lea = student(&store, "Petit").await;
        let (a, b) = (
            relance(&store, lea, date(2026, 11, 1), false).await,
            relance(&store, lea, date(2026, 11, 2), false).await,
        );
        store.record_relance_letter(b, "RELANCE", None, None, now()).await.unwrap();
        let error = store
            .record_letters(
                LetterKind::Relance,
                &file(FileKind::RelanceLetters, "/x/1.pdf"),
                &[letter(a, None), letter(b, None)],
                now(),
            )
            .await
            .unwrap_err();
        assert!(matches!(error, DbError::Conflict { .. }), "{error}");
        assert!(store.letter_of_relance(a, LetterKind::Relance).await.unwrap().is_none());
        assert!(store.list_produced_files(10).await.unwrap().is_empty(), "the file is not recorded either");

        let file_id = store
            .record_letters(
                LetterKind::Relance,
                &file(FileKind::RelanceLetters, "/x/2.pdf"),
                &[letter(a, Some("lea@x.fr"))],
                now(),
            )
            .await
            .unwrap();
        let recorded = store.letter_of_relance(a, LetterKind::Relance).await.unwrap().unwrap();
        assert_eq!((recorded.file_id, recorded.mail_to.as_deref()), (Some(file_id), Some("lea@x.fr")));
    })
    .await;
}

#[tokio::test]
async fn mails_are_owed_until_sent_or_tried_too_often() {
    on_every_backend(|store| async move {
        let lea = student(&store, "Petit").await;
        let (a, b, c) = (
            relance(&store, lea, date(2026, 11, 1), false).await,
            relance(&store, lea, date(2026, 11, 2), false).await,
            relance(&store, lea, date(2026, 11, 3), false).await,
        );
        let letters = [letter(a, Some("a@x.fr")), letter(b, Some("b@x.fr")), letter(c, None)];
        store
            .record_letters(LetterKind::Rappel, &file(FileKind::RappelLetters, "/x/r.pdf"), &letters, now())
            .await
            .unwrap();
        let pending = store.pending_mails(LetterKind::Rappel, 2).await.unwrap();
        assert_eq!(pending.iter().map(|m| m.mail_to.as_str()).collect::<Vec<_>>(), ["a@x.fr", "b@x.fr"]);
        assert!(store.pending_mails(LetterKind::Relance, 2).await.unwrap().is_empty());
        let id = |to: &str| pending.iter().find(|m| m.mail_to == to).unwrap().letter_id;
        store.mark_mail_sent(id("a@x.fr"), now()).await.unwrap();
        store.mark_mail_failed(id("b@x.fr"), "refusé").await.unwrap();
        assert_eq!(store.pending_mails(LetterKind::Rappel, 2).await.unwrap()[0].mail_attempts, 1);
        store.mark_mail_failed(id("b@x.fr"), "refusé encore").await.unwrap();
        assert!(store.pending_mails(LetterKind::Rappel, 2).await.unwrap().is_empty(), "two tries: given up");
        let failed = store.letter_of_relance(b, LetterKind::Rappel).await.unwrap().unwrap();
        assert_eq!((failed.mail_attempts, failed.mail_error.as_deref()), (2, Some("refusé encore")));
    })
    .await;
}

#[tokio::test]
async fn a_letter_is_listed_once_and_a_listing_that_overlaps_another_records_nothing() {
    on_every_backend(|store| async move {
        let lea = student(&store, "Petit").await;
        let (a, b) = (
            relance(&store, lea, date(2026, 11, 1), false).await,
            relance(&store, lea, date(2026, 11, 2), false).await,
        );
        let letters = [letter(a, None), letter(b, None)];
        store
            .record_letters(LetterKind::Relance, &file(FileKind::RelanceLetters, "/x/l.pdf"), &letters, now())
            .await
            .unwrap();
        let to_list = store.letters_to_list(LetterKind::Relance).await.unwrap();
        assert_eq!(to_list.len(), 2);
        let first = to_list[0].letter_id;
        let listing = store.record_listing(&file(FileKind::RelanceListing, "/x/1.csv"), &[first], now()).await.unwrap();
        assert_eq!(store.letters_to_list(LetterKind::Relance).await.unwrap().len(), 1);

        let ids: Vec<i64> = to_list.iter().map(|l| l.letter_id).collect();
        let error = store.record_listing(&file(FileKind::RelanceListing, "/x/2.csv"), &ids, now()).await.unwrap_err();
        assert!(matches!(error, DbError::Conflict { .. }), "{error}");
        assert_eq!(store.letters_to_list(LetterKind::Relance).await.unwrap().len(), 1, "nothing marked");
        let files: Vec<String> = store.list_produced_files(10).await.unwrap().into_iter().map(|f| f.path).collect();
        assert!(!files.contains(&"/x/2.csv".to_owned()));
        // Letters of one run are listed in the order they were recorded: a's first.
        let listed_in = |relance| {
            let store = store.clone();
            async move { store.letter_of_relance(relance, LetterKind::Relance).await.unwrap().unwrap().listing_file_id }
        };
        assert_eq!((listed_in(a).await, listed_in(b).await), (Some(listing), None));
        assert!(store.relance_files(10).await.unwrap().iter().any(|f| f.id == listing));
    })
    .await;
}

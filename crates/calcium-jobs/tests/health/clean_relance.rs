use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::{FileKind, NewProducedFile, NewRelance};
use calcium_test_support::on_every_backend;
use jiff::civil::{Date, date};
use jiff::{Span, Timestamp};

use crate::{record, run_batch, settings};

#[tokio::test]
async fn clean_relance_deletes_relances_due_more_than_a_year_ago_with_their_letters_and_orphaned_files() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        // 09:00 in Paris on 4 June 2030: "today" is 2030-06-04.
        let now: Timestamp = "2030-06-04T07:00:00Z".parse().unwrap();
        let today = date(2030, 6, 4);
        let ago = |n: i64| today.checked_sub(Span::new().days(n)).unwrap();
        let student =
            store.insert_student(&record("Martin", "Léa", date(2005, 1, 1), "100"), None, None, now).await.unwrap();
        let relance = |due_date: Date| NewRelance {
            student_id: student,
            motif_code: "VAC".to_owned(),
            due_date,
            courrier: "Merci de mettre vos vaccinations à jour.".to_owned(),
            commentaire: None,
            created_at: now,
            closed_at: None,
        };
        let ids = store.insert_relances(&[relance(ago(366)), relance(ago(365)), relance(ago(10))]).await.unwrap();
        let (too_old, one_year, recent) = (ids[0], ids[1], ids[2]);

        // Letters: the old relance's relance letter shares a PDF with the recent one's; its
        // rappel letter has a PDF of its own.
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "%PDF-1.7").unwrap();
            path
        };
        let shared = file("courriers_relances.pdf");
        let own = file("courriers_rappels.pdf");
        let record_file = |path: &std::path::Path, kind| {
            let store = store.clone();
            let path = path.to_str().unwrap().to_owned();
            async move {
                let name = path.rsplit('/').next().unwrap().to_owned();
                store
                    .record_produced_file(
                        &NewProducedFile { kind, path: &path, file_name: &name, size_bytes: 8, execution_id: None },
                        now,
                    )
                    .await
                    .unwrap()
            }
        };
        let shared_id = record_file(&shared, FileKind::RelanceLetters).await;
        let own_id = record_file(&own, FileKind::RappelLetters).await;
        store.record_relance_letter(too_old, "RELANCE", None, Some(shared_id), now).await.unwrap();
        store.record_relance_letter(too_old, "RAPPEL", None, Some(own_id), now).await.unwrap();
        store.record_relance_letter(recent, "RELANCE", None, Some(shared_id), now).await.unwrap();
        store.record_relance_letter(one_year, "RELANCE", None, None, now).await.unwrap();

        let ran = run_batch(&store, BatchCode::CleanRelance, now, settings(dir.path())).await;
        assert_eq!(ran.execution.status, ExecutionStatus::Finish, "{:?}", ran.execution.message);
        assert_eq!(
            ran.counts(),
            serde_json::json!({
                "relances supprimées": 1, "courriers de relance supprimés": 1, "courriers de rappel supprimés": 1,
                "fichiers de courriers supprimés": 1
            })
        );
        assert!(ran.log.contains("échue(s) avant le 04/06/2029"), "{}", ran.log);
        let left: Vec<i64> = store.relances_of_student(student).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(left, [one_year, recent]);
        assert_eq!(store.relance_letter_kinds(one_year).await.unwrap(), ["RELANCE"]);
        assert_eq!(store.relance_letter_kinds(recent).await.unwrap(), ["RELANCE"]);
        assert!(shared.exists(), "the PDF still holds the recent relance's letter");
        assert!(!own.exists());
        assert!(store.get_produced_file(shared_id).await.unwrap().is_some());
        assert!(store.get_produced_file(own_id).await.unwrap().is_none());
    })
    .await;
}

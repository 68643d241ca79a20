use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::NewScanDocument;
use calcium_test_support::on_every_backend;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};

use crate::{days, record, run_batch, settings};

#[tokio::test]
async fn clean_scan_removes_filed_copies_and_stale_documents_but_never_a_filed_document() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2030-06-04T04:00:00Z".parse().unwrap();
        let student = store.insert_student(&record("Martin", "Léa", date(2005, 1, 1), "100"), None, None, now).await.unwrap();
        let document = |name: &str, size: usize, scanned_at: Timestamp| NewScanDocument {
            file_name: name.to_owned(),
            content: vec![b'%'; size],
            scanned_at,
        };
        let ids = store
            .insert_scan_documents(&[
                document("certificat-ancien.pdf", 1000, now - days(40)),
                document("certificat-recent.pdf", 200, now - days(1)),
                document("jamais-classe-31j.pdf", 30, now - days(31)),
                // Scanned exactly `retention.scan_days` (30) ago: not older than the retention.
                document("jamais-classe-30j.pdf", 7, now - days(30)),
                document("jamais-classe-hier.pdf", 5, now - days(1)),
            ])
            .await
            .unwrap();
        store.file_scan_document(ids[0], student, now - days(39)).await.unwrap();
        store.file_scan_document(ids[1], student, now - SignedDuration::from_hours(2)).await.unwrap();

        let ran = run_batch(&store, BatchCode::CleanScan, now, settings(dir.path())).await;
        assert_eq!(ran.execution.status, ExecutionStatus::Finish, "{:?}", ran.execution.message);
        assert_eq!(
            ran.counts(),
            serde_json::json!({"copies classées supprimées": 2, "documents périmés supprimés": 1, "octets libérés": 1230})
        );
        assert!(ran.log.contains("2 copie(s) du panier"), "{}", ran.log);
        let left: Vec<String> = store.scan_documents().await.unwrap().into_iter().map(|d| d.file_name).collect();
        assert_eq!(left, ["jamais-classe-30j.pdf", "jamais-classe-hier.pdf"]);
        // The student's record keeps both documents, whole, now without a basket copy.
        let filed = store.filed_documents_of_student(student).await.unwrap();
        assert_eq!(filed.len(), 2);
        assert_eq!(filed[0], ("certificat-ancien.pdf".to_owned(), vec![b'%'; 1000], None));
        assert_eq!(filed[1].1.len(), 200);

        // An hour later: the document scanned 30 days ago is now older than the retention;
        // the filed documents whose basket copy is gone are left alone.
        let again = run_batch(&store, BatchCode::CleanScan, now + SignedDuration::from_hours(1), settings(dir.path())).await;
        assert_eq!(again.execution.status, ExecutionStatus::Finish);
        assert_eq!(
            again.counts(),
            serde_json::json!({"copies classées supprimées": 0, "documents périmés supprimés": 1, "octets libérés": 7})
        );
        assert_eq!(store.count_filed_documents().await.unwrap(), 2);
    })
    .await;
}

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::NewConsultation;
use calcium_test_support::on_every_backend;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};

use crate::{days, record, run_batch, settings};

#[tokio::test]
async fn fer_con_closes_what_was_opened_before_the_run_and_leaves_what_opens_at_its_start() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        let start: Timestamp = "2030-06-04T02:00:00Z".parse().unwrap();
        let student =
            store.insert_student(&record("Martin", "Léa", date(2005, 1, 1), "100"), None, None, start).await.unwrap();
        let consultation = |opened_at: Timestamp, closed_at: Option<Timestamp>| NewConsultation {
            student_id: student,
            opened_by: "dr.durand".to_owned(),
            opened_at,
            closed_at,
        };
        store
            .insert_consultations(&[
                // Forgotten yesterday evening: closed.
                consultation(start - SignedDuration::from_hours(8), None),
                // Opened one millisecond before the run: closed.
                consultation(start - SignedDuration::from_millis(1), None),
                // Opened at the very instant the run starts: not "before", left open.
                consultation(start, None),
                // Already closed by the doctor: untouched.
                consultation(start - days(2), Some(start - days(2) + SignedDuration::from_mins(30))),
            ])
            .await
            .unwrap();

        let ran = run_batch(&store, BatchCode::FerCon, start, settings(dir.path())).await;
        assert_eq!(ran.execution.status, ExecutionStatus::Finish, "{:?}", ran.execution.message);
        assert_eq!(ran.counts(), serde_json::json!({"consultations fermées": 2}));
        assert!(ran.log.contains("2 consultation(s) ouverte(s) avant le 04/06/2030 04:00:00"), "{}", ran.log);

        let all = store.consultations_of_student(student).await.unwrap();
        let closed_by_batch: Vec<_> = all.iter().filter(|c| c.closed_automatically).collect();
        assert_eq!(closed_by_batch.len(), 2);
        for closed in closed_by_batch {
            assert_eq!(closed.closed_at, Some(start));
            assert_eq!(closed.closed_by.as_deref(), Some("FER_CON"));
            assert_eq!(closed.closing_execution_id, Some(ran.execution.id.0));
        }
        let still_open: Vec<_> = store.open_consultations().await.unwrap().into_iter().map(|c| c.opened_at).collect();
        assert_eq!(still_open, [start]);
        let by_doctor = all.iter().find(|c| c.opened_at == start - days(2)).unwrap();
        assert!(!by_doctor.closed_automatically && by_doctor.closing_execution_id.is_none());

        // A second run an hour later closes the one left open, and only it.
        let later = start + SignedDuration::from_hours(1);
        let again = run_batch(&store, BatchCode::FerCon, later, settings(dir.path())).await;
        assert_eq!(again.counts(), serde_json::json!({"consultations fermées": 1}));
        assert!(store.open_consultations().await.unwrap().is_empty());
    })
    .await;
}

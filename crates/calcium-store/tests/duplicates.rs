//! The duplicate pairs of DOUBLONS on every backend: a run's refresh adds, refreshes and
//! removes pairs but never loses a verdict; the review list reads them best score first.

use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentId, StudentRecord};
use calcium_store::{DuplicateCandidate, DuplicateFilter, DuplicateRefresh, DuplicateStatus, Store};
use calcium_test_support::on_every_backend;
use jiff::civil::date;
use jiff::{Timestamp, ToSpan};

fn now() -> Timestamp {
    "2026-11-28T03:00:00Z".parse().unwrap()
}

async fn students(store: &Store, count: usize) -> Vec<StudentId> {
    let records: Vec<StudentRecord> = (0..count)
        .map(|i| {
            let mut record = StudentRecord::new(MandatoryValues {
                cod_anu: "2026".into(),
                nom: format!("Martin{i}"),
                prenom1: "Léa".into(),
                sexe: Sexe::Feminin,
                datenai: BirthDate::new(date(2004, 3, 7), date(2026, 11, 28)).unwrap(),
                code_natio: "100".into(),
                etb: "0211237F".into(),
                cmp: "UFRSVTE".into(),
            });
            record.cod_etu = Some(format!("2026{i:04}"));
            record
        })
        .collect();
    store.insert_students(&records, None, None, now()).await.unwrap();
    store.student_ids().await.unwrap()
}

fn pair(a: StudentId, b: StudentId, score: f64) -> DuplicateCandidate {
    DuplicateCandidate {
        student_a: a,
        student_b: b,
        score,
        reasons: vec!["même date de naissance".into(), format!("noms proches ({score})")],
        status: DuplicateStatus::Pending,
    }
}

#[tokio::test]
async fn a_rerun_adds_refreshes_and_removes_pairs_but_keeps_every_verdict() {
    on_every_backend(|store| async move {
        let ids = students(&store, 5).await;
        let first = store
            .refresh_duplicate_candidates(&[pair(ids[1], ids[0], 0.95), pair(ids[2], ids[3], 0.97)], now())
            .await
            .unwrap();
        assert_eq!(first, DuplicateRefresh { added: 2, refreshed: 0, removed: 0 });
        assert!(store.judge_duplicate(ids[0], ids[1], DuplicateStatus::DifferentPeople, "admin", now()).await.unwrap());

        // The next run finds the judged pair again (new score), a new pair, and no longer the
        // pair 2–3 (a record was corrected).
        let second = store
            .refresh_duplicate_candidates(&[pair(ids[0], ids[1], 0.99), pair(ids[3], ids[4], 0.92)], now() + 96.hours())
            .await
            .unwrap();
        assert_eq!(second, DuplicateRefresh { added: 1, refreshed: 1, removed: 1 });

        let pending = store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap();
        assert_eq!(pending.len(), 1, "the pair judged different is not proposed again");
        assert_eq!((pending[0].a.id, pending[0].b.id, pending[0].status), (ids[3], ids[4], DuplicateStatus::Pending));
        assert_eq!(pending[0].a.nom, "Martin3");
        assert_eq!(pending[0].a.datenai, "2004-03-07");
        assert_eq!(pending[0].b.cod_etu.as_deref(), Some("20260004"));

        let all = store
            .duplicate_reviews(&DuplicateFilter { include_judged: true, ..DuplicateFilter::default() })
            .await
            .unwrap();
        let judged = &all[0];
        assert_eq!(
            (judged.a.id, judged.b.id, judged.score, judged.status),
            (ids[0], ids[1], 0.99, DuplicateStatus::DifferentPeople)
        );
        assert_eq!(judged.reasons, ["même date de naissance", "noms proches (0.99)"]);

        // A judged pair no run finds any more stays, verdict and all.
        store.refresh_duplicate_candidates(&[], now() + 192.hours()).await.unwrap();
        let left = store
            .duplicate_reviews(&DuplicateFilter { include_judged: true, ..DuplicateFilter::default() })
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].status, DuplicateStatus::DifferentPeople);
    })
    .await;
}

#[tokio::test]
async fn reviews_are_listed_best_score_first_within_the_score_filter_and_paged() {
    on_every_backend(|store| async move {
        let ids = students(&store, 6).await;
        let pairs = [pair(ids[0], ids[1], 0.91), pair(ids[2], ids[3], 0.99), pair(ids[4], ids[5], 0.95)];
        store.refresh_duplicate_candidates(&pairs, now()).await.unwrap();
        let scores = |reviews: Vec<calcium_store::DuplicateReview>| reviews.iter().map(|r| r.score).collect::<Vec<_>>();
        assert_eq!(scores(store.duplicate_reviews(&DuplicateFilter::default()).await.unwrap()), [0.99, 0.95, 0.91]);
        let high = DuplicateFilter { min_score: 0.94, ..DuplicateFilter::default() };
        assert_eq!(scores(store.duplicate_reviews(&high).await.unwrap()), [0.99, 0.95]);
        assert_eq!(store.count_duplicate_reviews(&high).await.unwrap(), 2);
        let second_page = DuplicateFilter { limit: 1, offset: 1, ..DuplicateFilter::default() };
        assert_eq!(scores(store.duplicate_reviews(&second_page).await.unwrap()), [0.95]);
        assert!(!store.judge_duplicate(ids[0], ids[5], DuplicateStatus::SamePerson, "admin", now()).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn the_students_are_read_page_by_page_with_every_compared_value() {
    on_every_backend(|store| async move {
        let ids = students(&store, 3).await;
        // One student with every optional value the comparison reads.
        let mut full = StudentRecord::new(MandatoryValues {
            cod_anu: "2026".into(),
            nom: "Dupont".into(),
            prenom1: "Jean-Pierre".into(),
            sexe: Sexe::Masculin,
            datenai: BirthDate::new(date(1999, 12, 31), date(2026, 11, 28)).unwrap(),
            code_natio: "100".into(),
            etb: "0211237F".into(),
            cmp: "UFRSVTE".into(),
        });
        full.nomusage = Some("Martin".into());
        full.prenom2 = Some("Paul".into());
        full.prenom3 = Some("Marie".into());
        full.cod_nni = Some(calcium_core::student::Nir::from_body("1991275112012").unwrap());
        full.adr1 = Some("3 rue de l'Église".into());
        full.cod_bdi = Some("21000".into());
        full.commune = Some("Dijon".into());
        full.mail = Some("jp.dupont@example.fr".into());
        store.insert_students(&[full], None, None, now()).await.unwrap();

        let first = store.duplicate_subjects(0, 2).await.unwrap();
        assert_eq!(first.iter().map(|s| s.id).collect::<Vec<_>>(), [ids[0].0, ids[1].0]);
        let rest = store.duplicate_subjects(first[1].id, 2).await.unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[0].id, ids[2].0);
        let read = &rest[1];
        assert_eq!((read.nom.as_str(), read.nomusage.as_deref()), ("Dupont", Some("Martin")));
        assert_eq!(
            (read.prenom1.as_str(), read.prenom2.as_deref(), read.prenom3.as_deref()),
            ("Jean-Pierre", Some("Paul"), Some("Marie"))
        );
        assert_eq!((read.sexe.as_str(), read.datenai.0, read.code_natio.as_str()), ("M", date(1999, 12, 31), "100"));
        let nir = calcium_core::student::Nir::from_body("1991275112012").unwrap();
        assert_eq!((read.cod_nne.as_deref(), read.cod_nni.as_deref()), (None, Some(nir.as_str())));
        assert_eq!((read.adr1.as_deref(), read.cod_bdi.as_deref()), (Some("3 rue de l'Église"), Some("21000")));
        assert_eq!((read.commune.as_deref(), read.mail.as_deref()), (Some("Dijon"), Some("jp.dupont@example.fr")));
        assert!(store.duplicate_subjects(read.id, 2).await.unwrap().is_empty());
    })
    .await;
}

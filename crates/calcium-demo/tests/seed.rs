//! Seeding a fresh base on every backend: the counts, the data as stored, and the refusal to
//! seed a base that already holds students.

use calcium_core::reference::RELANCE_MOTIFS;
use calcium_demo::{DemoError, DemoOptions, generate_population, seed};
use calcium_store::StudentQuery;
use calcium_test_support::{TestBase, backends};
use jiff::civil::date;

fn options() -> DemoOptions {
    DemoOptions {
        students: 2_000,
        seed: 2026,
        today: date(2026, 11, 28),
        now: "2026-11-28T10:00:00Z".parse().expect("an instant"),
    }
}

#[tokio::test]
async fn seeds_an_empty_base_on_every_backend_then_refuses_a_second_time() {
    let options = options();
    let population = generate_population(options.students, options.seed, options.today);
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = &base.store;
        let summary = seed(store, &options).await.expect("seed");

        assert_eq!(summary.students, 2_000);
        assert_eq!(store.count_students().await.unwrap(), 2_000);
        assert_eq!(summary.planted_duplicates, 10);
        assert_eq!(summary.consultations, 600);
        assert!((1..40).contains(&summary.open_consultations), "{}", summary.open_consultations);
        let open = store.open_consultations().await.unwrap();
        assert_eq!(open.len() as u64, summary.open_consultations);
        assert!(open.iter().all(|c| c.opened_at <= options.now));
        assert_eq!(summary.relances, 100);
        assert!((800..1200).contains(&summary.vaccinations), "{}", summary.vaccinations);

        // min(2000 / 1000, 200) + 5 documents, about half filed.
        assert_eq!(summary.scan_documents, 7);
        let basket = store.scan_documents().await.unwrap();
        assert_eq!(basket.len(), 7);
        let filed = basket.iter().filter(|d| d.filed_at.is_some()).count() as u64;
        assert_eq!(filed, summary.filed_documents);
        assert_eq!(store.count_filed_documents().await.unwrap() as u64, summary.filed_documents);
        assert!(basket.iter().all(|d| d.size_bytes > 300 && d.file_name.ends_with(".pdf")));

        // Records round-trip, in order: the first student is the first generated record.
        let ids = store.student_ids().await.unwrap();
        for index in [0, 999, 1_999] {
            let stored = store.get_student(ids[index]).await.unwrap();
            assert_eq!(stored.record, population.records[index]);
            assert_eq!(stored.import_model.as_deref(), Some("APOGEE"));
        }
        let (duplicate, original) = population.duplicate_of[0];
        let found = store
            .find_students(&StudentQuery { nom: Some(population.records[original].nom.clone()), ..Default::default() })
            .await
            .unwrap();
        assert!(found.iter().any(|s| s.id == ids[original]));
        assert_ne!(population.records[duplicate], population.records[original]);

        let mut relances = Vec::new();
        for &id in ids.iter().take(400) {
            relances.extend(store.relances_of_student(id).await.unwrap());
        }
        assert!(!relances.is_empty());
        for relance in &relances {
            assert!(RELANCE_MOTIFS.iter().any(|m| m.0 == relance.motif_code), "{}", relance.motif_code);
            assert!(relance.courrier.starts_with("Madame, Monsieur,"));
        }

        match seed(store, &options).await {
            Err(DemoError::NotEmpty(2_000)) => {}
            other => panic!("a second seed must be refused, got {other:?}"),
        }
        assert_eq!(store.count_students().await.unwrap(), 2_000);
        base.finish().await;
    }
}

#[test]
fn the_refusal_speaks_french() {
    assert_eq!(
        DemoError::NotEmpty(3).to_string(),
        "la base contient déjà 3 étudiants : les données de démonstration vont dans une base vide"
    );
}

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::IdentityStat;
use calcium_test_support::on_every_backend;
use jiff::Timestamp;
use jiff::civil::date;

use crate::{record, run_batch, settings};

#[tokio::test]
async fn maj_identite_builds_one_row_per_student_with_age_groups_nationality_groups_and_bursary() {
    on_every_backend(|store| async move {
        let dir = tempfile::tempdir().unwrap();
        // Noon in Paris on 28 February 2030, a common year.
        let now: Timestamp = "2030-02-28T11:00:00Z".parse().unwrap();
        let mut leap_born = record("Bissextile", "Zoé", date(2012, 2, 29), "100");
        leap_born.codebrs = Some("B5".to_owned());
        leap_born.tem_affl_sso = Some(true);
        let mut italian = record("Rossi", "Giulia", date(2012, 2, 28), "127");
        italian.cursus = Some("L1".to_owned());
        italian.annee = Some("1".to_owned());
        italian.diplome = Some("LIC-SCI".to_owned());
        italian.codebrs = Some("  ".to_owned());
        italian.tem_affl_sso = Some(false);
        let mut british = record("Smith", "Emma", date(2000, 3, 1), "132");
        british.cmp = "MED".to_owned();
        british.sexe = calcium_core::student::Sexe::Masculin;
        let stateless = record("Inconnue", "Ada", date(1990, 1, 1), "999");
        let mut ids = Vec::new();
        for student in [&leap_born, &italian, &british, &stateless] {
            ids.push(store.insert_student(student, None, None, now).await.unwrap().0);
        }

        let ran = run_batch(&store, BatchCode::MajIdentite, now, settings(dir.path())).await;
        assert_eq!(ran.execution.status, ExecutionStatus::Finish, "{:?}", ran.execution.message);
        assert_eq!(ran.counts(), serde_json::json!({"étudiants": 4}));
        assert!(ran.log.contains("âges au 28/02/2030"), "{}", ran.log);
        let row =
            |student_id: i64, age: i32, age_group: &str, sexe: &str, nationality_group: &str, cmp: &str| IdentityStat {
                student_id,
                age,
                age_group: age_group.to_owned(),
                sexe: sexe.to_owned(),
                nationality_group: nationality_group.to_owned(),
                etb: "0999001A".to_owned(),
                cmp: cmp.to_owned(),
                cursus: None,
                annee: None,
                diplome: None,
                bursary_holder: false,
                ss_affiliated: None,
            };
        let expected = vec![
            // Born on 29 February: still 17 on 28 February of a common year.
            IdentityStat {
                bursary_holder: true,
                ss_affiliated: Some(true),
                ..row(ids[0], 17, "<18", "F", "FRANCE", "SCI")
            },
            IdentityStat {
                cursus: Some("L1".to_owned()),
                annee: Some("1".to_owned()),
                diplome: Some("LIC-SCI".to_owned()),
                // A CODEBRS of spaces is not filled.
                ss_affiliated: Some(false),
                ..row(ids[1], 18, "18-20", "F", "UE", "SCI")
            },
            row(ids[2], 29, "27-29", "M", "HORS_UE", "MED"),
            // A nationality the PAYS nomenclature does not know counts outside the Union.
            row(ids[3], 40, "30+", "F", "HORS_UE", "SCI"),
        ];
        assert_eq!(store.identity_stats().await.unwrap(), expected);

        // The next day, 1 March: the student born on 29 February is 18.
        let next_day =
            run_batch(&store, BatchCode::MajIdentite, now + jiff::SignedDuration::from_hours(24), settings(dir.path()))
                .await;
        assert_eq!(next_day.counts(), serde_json::json!({"étudiants": 4}));
        let rebuilt = store.identity_stats().await.unwrap();
        assert_eq!((rebuilt[0].age, rebuilt[0].age_group.as_str()), (18, "18-20"));
        assert_eq!(rebuilt.len(), 4, "the table is replaced, not appended to");

        let counts = store.identity_counts().await.unwrap();
        assert_eq!(counts.students, 4);
        assert_eq!(counts.bursary_holders, 1);
        assert_eq!(
            counts.by_composante,
            [("0999001A".to_owned(), "MED".to_owned(), 1), ("0999001A".to_owned(), "SCI".to_owned(), 3)]
        );
        assert_eq!(
            counts.by_nationality_group,
            [("FRANCE".to_owned(), 1), ("HORS_UE".to_owned(), 2), ("UE".to_owned(), 1)]
        );
        assert_eq!(counts.built_at, Some(now + jiff::SignedDuration::from_hours(24)));
    })
    .await;
}

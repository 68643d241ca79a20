//! One conformance suite, run against every backend: the same scenarios must give the same
//! results on SQLite and on PostgreSQL.

#![allow(clippy::print_stderr, reason = "the backend under test is said on the test output")]

use calcium_core::normalize::SecondaryKey;
use calcium_core::reference::NomenclatureKind;
use calcium_core::schedule::ScheduleFields;
use calcium_core::student::{
    BirthDate, Fingerprint, Ine, MandatoryValues, Nir, RecordBatch, Sexe, StudentId, StudentRecord, YearOrDate,
};
use calcium_core::user::Role;
use calcium_core::{BatchCode, ExecutionStatus, Schedule, Trigger, WallTime, WeekdaySet};
use calcium_store::{
    BackendKind, DbError, DuplicateCandidate, DuplicateStatus, FileKind, IdentityStat, ImportMode, NewConsultation,
    NewExecution, NewProducedFile, NewRelance, NewScanDocument, NewUser, NewVaccination, StudentQuery,
};
use calcium_test_support::on_every_backend;
use jiff::civil::date;
use jiff::{Timestamp, ToSpan};

/// Long enough for the runs of these scenarios, which give no heartbeat.
const LEASE: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

fn now() -> Timestamp {
    "2026-11-28T10:00:00Z".parse().unwrap()
}

/// Registers an instance of host `h`, alive at [`now`].
async fn register_instance(store: &calcium_store::Store, id: &str) {
    let instance = calcium_store::InstanceRow {
        id: id.into(),
        host: "h".into(),
        pid: 1,
        version: "0".into(),
        started_at: now(),
        heartbeat_at: now(),
        stopped_at: None,
    };
    store.register_instance(&instance).await.unwrap();
}

fn record(nom: &str, prenom: &str, born: jiff::civil::Date) -> StudentRecord {
    StudentRecord::new(MandatoryValues {
        cod_anu: "2026".to_owned(),
        nom: nom.to_owned(),
        prenom1: prenom.to_owned(),
        sexe: Sexe::Feminin,
        datenai: BirthDate::new(born, date(2026, 11, 28)).unwrap(),
        code_natio: "100".to_owned(),
        etb: "0999001A".to_owned(),
        cmp: "SCI".to_owned(),
    })
}

/// A record with every one of the 46 columns filled, to prove each one round-trips.
fn full_record() -> StudentRecord {
    let mut r = record("Lefèvre-Dupont", "Zoé", date(2004, 2, 29));
    r.cod_nne = Some(Ine::parse("1234567890V").unwrap());
    r.cod_nni = Some(Nir::parse("295109912611193").unwrap());
    r.cod_etu = Some("21901234".to_owned());
    r.nomusage = Some("Martin".to_owned());
    r.prenom2 = Some("Marie".to_owned());
    r.prenom3 = Some("Œdipe".to_owned());
    r.situafam = Some("1".to_owned());
    r.codebrs = Some("B5".to_owned());
    r.codefinanc = Some("F".to_owned());
    r.tem_affl_sso = Some(true);
    r.centrepayeur = Some("601".to_owned());
    r.codemut = Some("LMDE".to_owned());
    r.adr1 = Some("12 rue de l'Église".to_owned());
    r.adr2 = Some("Bâtiment C".to_owned());
    r.adr3 = Some("Appartement 4".to_owned());
    r.cod_bdi = Some("21000".to_owned());
    r.commune = Some("Dijon".to_owned());
    r.pays = Some("100".to_owned());
    r.teleph = Some("0380000000".to_owned());
    r.mail = Some("zoe.lefevre@etu.exemple.fr".to_owned());
    r.pcs = Some("33".to_owned());
    r.adr1fix = Some("3 place Ducale".to_owned());
    r.adr2fix = Some("".to_owned());
    r.adr3fix = Some("Cedex".to_owned());
    r.bdifix = Some("71000".to_owned());
    r.communefix = Some("Mâcon".to_owned());
    r.paysfix = Some("100".to_owned());
    r.telephfix = Some("0385000000".to_owned());
    r.cursus = Some("L".to_owned());
    r.annee = Some("2".to_owned());
    r.diplome = Some("Licence de chimie".to_owned());
    r.etablissement = Some("Lycée Carnot".to_owned());
    r.bac = Some("S".to_owned());
    r.datebac = Some(2022);
    r.etb_bac = Some("0210015C".to_owned());
    r.daa_etb = Some(YearOrDate::Year(2022));
    r.daa_ens_sup = Some(YearOrDate::Date(date(2022, 9, 1)));
    r.identifiant = Some("zlefevre".to_owned());
    r
}

#[tokio::test]
async fn fresh_base_holds_the_twelve_batches_models_and_nomenclatures() {
    on_every_backend(|store| async move {
        let batches = store.list_batches().await.unwrap();
        let codes: Vec<_> = batches.iter().map(|b| b.code).collect();
        assert_eq!(codes, BatchCode::ALL);
        for batch in &batches {
            let definition = batch.code.definition();
            assert_eq!(batch.label, definition.label);
            assert_eq!(batch.schedule, definition.schedule);
            assert_eq!(batch.enabled, definition.enabled);
            assert!(!batch.launch_now);
        }
        // Bootstrapping again (every command does) changes nothing.
        store.bootstrap(now()).await.unwrap();
        assert_eq!(store.list_batches().await.unwrap(), batches);

        let models: Vec<_> = store.list_import_models().await.unwrap().into_iter().map(|m| m.code).collect();
        assert_eq!(models, ["APOGEE", "CHU"]);
        assert_eq!(store.get_import_model("CHU").await.unwrap().default_cmp.as_deref(), Some("MED"));
        assert!(matches!(store.get_import_model("NOPE").await, Err(DbError::NotFound(_))));
        let countries = store.nomenclature(NomenclatureKind::Pays).await.unwrap();
        assert!(countries.iter().any(|c| c.code == "100" && c.label == "France" && c.eu_member));
        let composantes = store.nomenclature(NomenclatureKind::Composante).await.unwrap();
        assert!(composantes.iter().any(|c| c.code == "MED" && c.parent_code == "0999001A"));
    })
    .await;
}

#[tokio::test]
async fn batch_schedule_and_service_switch_are_updated() {
    on_every_backend(|store| async move {
        let schedule = Schedule::new(ScheduleFields {
            time: WallTime::new(3, 15).unwrap(),
            day_of_month: Some(13),
            month: Some(9),
            year: Some(2027),
            weekdays: WeekdaySet::parse_list("ven").unwrap(),
        })
        .unwrap();
        store.update_batch_schedule(BatchCode::RelCou, &schedule, now()).await.unwrap();
        store.set_batch_enabled(BatchCode::RelCou, false, now()).await.unwrap();
        let batch = store.get_batch(BatchCode::RelCou).await.unwrap();
        assert_eq!(batch.schedule, schedule);
        assert!(!batch.enabled);
        assert_eq!(batch.decided_until, Some(now()));

        // Back in service later: the time out of service counts as decided, not missed.
        let later = now() + 2.hours();
        store.set_batch_enabled(BatchCode::RelCou, true, later).await.unwrap();
        assert_eq!(store.get_batch(BatchCode::RelCou).await.unwrap().decided_until, Some(later));
        // Switching on a batch already on does not move the mark.
        store.set_batch_enabled(BatchCode::RelCou, true, later + 1.hour()).await.unwrap();
        assert_eq!(store.get_batch(BatchCode::RelCou).await.unwrap().decided_until, Some(later));
    })
    .await;
}

fn running(batch: BatchCode, occurrence: Option<Timestamp>, started_at: Timestamp) -> NewExecution {
    NewExecution {
        batch,
        status: ExecutionStatus::Running,
        trigger: if occurrence.is_some() { Trigger::Schedule } else { Trigger::Manual },
        occurrence,
        triggered_by: occurrence.is_none().then(|| "admin".to_owned()),
        instance_id: None,
        started_at,
        message: None,
    }
}

#[tokio::test]
async fn the_base_refuses_two_runs_of_a_batch_and_two_claims_of_an_occurrence() {
    on_every_backend(|store| async move {
        let occurrence = now();
        let first = store.insert_execution(&running(BatchCode::Clean, Some(occurrence), now())).await.unwrap();

        // A second RUNNING execution of the same batch: refused by the base itself.
        let second = store.insert_execution(&running(BatchCode::Clean, None, now())).await;
        assert!(matches!(second, Err(DbError::Conflict { .. })), "{second:?}");
        // Another batch may run meanwhile.
        store.insert_execution(&running(BatchCode::FerCon, None, now())).await.unwrap();

        assert!(
            store
                .finish_run(first, ExecutionStatus::Finish, now() + 5.seconds(), LEASE, None, None, None)
                .await
                .unwrap()
        );
        // The fate of a finished execution is never written twice.
        assert!(
            !store
                .finish_run(first, ExecutionStatus::Error, now() + 6.seconds(), LEASE, None, None, None)
                .await
                .unwrap()
        );
        assert_eq!(store.get_execution(first).await.unwrap().status, ExecutionStatus::Finish);

        // The same occurrence cannot be claimed again, even once the batch is free.
        let again = store.insert_execution(&running(BatchCode::Clean, Some(occurrence), now())).await;
        assert!(matches!(again, Err(DbError::Conflict { .. })), "{again:?}");
        // Manual launches have no occurrence and do not collide with each other.
        let manual = store.insert_execution(&running(BatchCode::Clean, None, now() + 1.minute())).await.unwrap();
        store.finish_run(manual, ExecutionStatus::Finish, now() + 2.minutes(), LEASE, None, None, None).await.unwrap();
        let manual2 = store.insert_execution(&running(BatchCode::Clean, None, now() + 3.minutes())).await.unwrap();
        store
            .finish_run(manual2, ExecutionStatus::Error, now() + 4.minutes(), LEASE, None, Some("boom"), None)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn history_is_newest_first_and_last_execution_ignores_missed_and_skipped() {
    on_every_backend(|store| async move {
        let id = store.insert_execution(&running(BatchCode::Doublons, Some(now()), now())).await.unwrap();
        let summary = serde_json::json!({"paires": 3});
        store.append_execution_log(id, "début\n").await.unwrap();
        store.append_execution_log(id, "fin\n").await.unwrap();
        store
            .finish_run(id, ExecutionStatus::Finish, now() + 131.seconds(), LEASE, Some(&summary), None, None)
            .await
            .unwrap();
        let missed = NewExecution {
            status: ExecutionStatus::Missed,
            trigger: Trigger::Schedule,
            ..running(BatchCode::Doublons, Some(now() + 24.hours()), now() + 24.hours())
        };
        store.insert_execution(&missed).await.unwrap();

        let history = store.execution_history(BatchCode::Doublons, 10, 0).await.unwrap();
        assert_eq!(
            history.iter().map(|e| e.status).collect::<Vec<_>>(),
            [ExecutionStatus::Missed, ExecutionStatus::Finish]
        );
        assert_eq!(history[0].finished_at, Some(now() + 24.hours()));
        assert_eq!(history[1].summary, Some(summary));
        assert_eq!(store.execution_history(BatchCode::Doublons, 1, 1).await.unwrap()[0].id, id);
        assert_eq!(store.execution_log(id).await.unwrap(), "début\nfin\n");

        let last = store.last_ran_executions().await.unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!((last[0].id, last[0].finished_at), (id, Some(now() + 131.seconds())));
    })
    .await;
}

#[tokio::test]
async fn students_round_trip_every_column_and_are_found_by_their_keys() {
    on_every_backend(|store| async move {
        let full = full_record();
        let id = store.insert_student(&full, Some("APOGEE"), None, now()).await.unwrap();
        let stored = store.get_student(id).await.unwrap();
        assert_eq!(stored.record, full);
        assert_eq!(stored.import_model.as_deref(), Some("APOGEE"));

        let hand_made = record("D’Arcy", "Jean-Pierre", date(2001, 12, 31));
        let other = store.insert_student(&hand_made, None, None, now()).await.unwrap();
        assert_eq!(store.get_student(other).await.unwrap().import_model, None);

        let by_ine = StudentQuery { ine: Some(Ine::parse("1234567890V").unwrap()), ..Default::default() };
        assert_eq!(store.find_students(&by_ine).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), [id]);
        let by_name = |nom: &str| StudentQuery { nom: Some(nom.to_owned()), ..Default::default() };
        assert_eq!(store.find_students(&by_name("lefevre dupont")).await.unwrap()[0].id, id);
        assert_eq!(store.find_students(&by_name("MARTIN")).await.unwrap()[0].id, id, "NOMUSAGE matches too");
        assert_eq!(store.find_students(&by_name("d'arcy")).await.unwrap()[0].id, other);
        assert!(store.find_students(&by_name("Durand")).await.unwrap().is_empty());

        let key = SecondaryKey::new("LEFEVRE DUPONT", "zoe", full.datenai, "100");
        assert_eq!(store.find_by_secondary_key(&key).await.unwrap()[0].id, id);
        let wrong_date = SecondaryKey::new("LEFEVRE DUPONT", "zoe", hand_made.datenai, "100");
        assert!(store.find_by_secondary_key(&wrong_date).await.unwrap().is_empty());

        let mut changed = full.clone();
        changed.nom = "Bernard".to_owned();
        changed.mail = None;
        changed.daa_etb = None;
        store.update_student(id, &changed, Some("CHU"), Some(42), now()).await.unwrap();
        let stored = store.get_student(id).await.unwrap();
        assert_eq!(stored.record, changed);
        assert_eq!((stored.import_model.as_deref(), stored.last_execution_id), (Some("CHU"), Some(42)));
        assert_eq!(store.find_students(&by_name("bernard")).await.unwrap()[0].id, id);
        assert!(matches!(
            store.update_student(StudentId(999_999), &changed, None, None, now()).await,
            Err(DbError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn students_are_bulk_inserted_across_statement_chunks() {
    on_every_backend(|store| async move {
        let records: Vec<_> = (0..1234)
            .map(|i| {
                let mut r = record(&format!("Nom{i}"), "Prénom", date(2000, 1, 1) + (i % 300).days());
                r.cod_nne = Some(Ine::bea_from_digits(1_000_000 + i as u64));
                r
            })
            .collect();
        assert_eq!(store.insert_students(&records, Some("APOGEE"), None, now()).await.unwrap(), 1234);
        assert_eq!(store.count_students().await.unwrap(), 1234);
        let last = store.find_students(&StudentQuery { nom: Some("nom1233".to_owned()), ..Default::default() }).await;
        assert_eq!(last.unwrap()[0].record, records[1233]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_bulk_write_leaves_nothing_behind() {
    on_every_backend(|store| async move {
        let student = store.insert_student(&record("Petit", "Léa", date(2003, 5, 6)), None, None, now()).await.unwrap();
        let relance = |student_id| NewRelance {
            student_id,
            motif_code: "VAC".to_owned(),
            due_date: date(2026, 12, 1),
            courrier: "Merci de mettre à jour vos vaccinations.".to_owned(),
            commentaire: None,
            created_at: now(),
            closed_at: None,
        };
        // 1500 good rows, then one pointing at a student that does not exist, in a later
        // statement of the same transaction.
        let mut rows: Vec<_> = (0..1500).map(|_| relance(student)).collect();
        rows.push(relance(StudentId(987_654)));
        assert!(store.insert_relances(&rows).await.is_err());
        assert!(store.relances_of_student(student).await.unwrap().is_empty(), "the transaction was rolled back");
    })
    .await;
}

#[tokio::test]
async fn users_and_sessions() {
    on_every_backend(|store| async move {
        let user = NewUser {
            login: "admin",
            email: Some("admin@exemple.fr"),
            password_hash: "$argon2id$x",
            role: Role::Admin,
        };
        let id = store.create_user(&user, now()).await.unwrap();
        assert!(matches!(store.create_user(&user, now()).await, Err(DbError::Conflict { .. })));
        assert_eq!(store.count_users().await.unwrap(), 1);
        let found = store.find_user("admin").await.unwrap().unwrap();
        assert_eq!((found.id, found.email.as_deref()), (id, Some("admin@exemple.fr")));
        assert!(!format!("{found:?}").contains("argon2"), "Debug leaves the hash out");
        assert!(store.find_user("nobody").await.unwrap().is_none());

        store.create_session("hash1", id, "csrf1", now(), now() + 8.hours()).await.unwrap();
        let session = store.find_session("hash1", now() + 1.hour()).await.unwrap().unwrap();
        assert_eq!((session.user.login.as_str(), session.csrf_token.as_str()), ("admin", "csrf1"));
        assert!(store.find_session("hash1", now() + 9.hours()).await.unwrap().is_none(), "expired");
        assert_eq!(store.purge_expired_sessions(now() + 9.hours()).await.unwrap(), 1);

        store.create_session("hash2", id, "csrf2", now(), now() + 8.hours()).await.unwrap();
        store.set_user_password("admin", "$argon2id$y", now()).await.unwrap();
        assert!(store.find_session("hash2", now()).await.unwrap().is_none(), "a new password ends the sessions");
        assert_eq!(store.find_user("admin").await.unwrap().unwrap().password_hash, "$argon2id$y");
        store.set_user_email("admin", None).await.unwrap();
        assert_eq!(store.find_user("admin").await.unwrap().unwrap().email, None);
        store.create_session("hash3", id, "csrf3", now(), now() + 8.hours()).await.unwrap();
        store.delete_session("hash3").await.unwrap();
        assert!(store.find_session("hash3", now()).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn consultations_relances_letters_scans_and_vaccinations() {
    on_every_backend(|store| async move {
        let student =
            store.insert_student(&record("Moreau", "Hugo", date(2002, 7, 14)), None, None, now()).await.unwrap();
        let consultations = [
            NewConsultation {
                student_id: student,
                opened_by: "dr.morel".to_owned(),
                opened_at: now(),
                closed_at: None,
            },
            NewConsultation {
                student_id: student,
                opened_by: "dr.morel".to_owned(),
                opened_at: now() - 24.hours(),
                closed_at: Some(now() - 23.hours()),
            },
        ];
        assert_eq!(store.insert_consultations(&consultations).await.unwrap(), 2);
        let open = store.open_consultations().await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].opened_at, open[0].closed_automatically), (now(), false));

        let relance = NewRelance {
            student_id: student,
            motif_code: "BIL".to_owned(),
            due_date: date(2026, 10, 1),
            courrier: "Merci de prendre rendez-vous « rapidement ».".to_owned(),
            commentaire: Some("interne".to_owned()),
            created_at: now(),
            closed_at: None,
        };
        let ids = store.insert_relances(std::slice::from_ref(&relance)).await.unwrap();
        let stored = store.relances_of_student(student).await.unwrap();
        assert_eq!(
            (stored[0].id, stored[0].due_date, stored[0].courrier.as_str()),
            (ids[0], relance.due_date, relance.courrier.as_str())
        );
        store.record_relance_letter(ids[0], "RELANCE", None, None, now()).await.unwrap();
        let twice = store.record_relance_letter(ids[0], "RELANCE", None, None, now()).await;
        assert!(matches!(twice, Err(DbError::Conflict { .. })), "never two letters of a kind");
        store.record_relance_letter(ids[0], "RAPPEL", None, None, now()).await.unwrap();
        assert_eq!(store.relance_letter_kinds(ids[0]).await.unwrap(), ["RAPPEL", "RELANCE"]);

        let scans = store
            .insert_scan_documents(&[
                NewScanDocument { file_name: "a.pdf".to_owned(), content: b"%PDF-a".to_vec(), scanned_at: now() },
                NewScanDocument { file_name: "b.pdf".to_owned(), content: vec![0, 1, 2, 255], scanned_at: now() },
            ])
            .await
            .unwrap();
        store.file_scan_document(scans[0], student, now()).await.unwrap();
        let basket = store.scan_documents().await.unwrap();
        assert_eq!(basket.iter().map(|d| d.filed_at.is_some()).collect::<Vec<_>>(), [true, false]);
        assert_eq!(basket[1].size_bytes, 4);
        assert_eq!(store.count_filed_documents().await.unwrap(), 1);

        let vaccination = NewVaccination {
            student_id: student,
            vaccine_code: "DTP".to_owned(),
            label: "Diphtérie, tétanos, poliomyélite".to_owned(),
            injection_date: date(2025, 3, 2),
            lot: Some("L123".to_owned()),
            rang: Some(3),
            source: "MESVACCINS".to_owned(),
            execution_id: None,
        };
        assert_eq!(store.insert_vaccinations(std::slice::from_ref(&vaccination), now()).await.unwrap(), 1);
        assert_eq!(
            store.insert_vaccinations(std::slice::from_ref(&vaccination), now()).await.unwrap(),
            0,
            "idempotent"
        );
        let stored = store.vaccinations_of_student(student).await.unwrap();
        assert_eq!((stored[0].injection_date, stored[0].rang), (date(2025, 3, 2), Some(3)));
    })
    .await;
}

#[tokio::test]
async fn identity_stats_duplicates_and_produced_files() {
    on_every_backend(|store| async move {
        let a = store.insert_student(&record("Roux", "Inès", date(2000, 2, 29)), None, None, now()).await.unwrap();
        let b = store.insert_student(&record("Roux", "Ines", date(2000, 2, 29)), None, None, now()).await.unwrap();
        let stat = |student: StudentId, age| IdentityStat {
            student_id: student.0,
            age,
            age_group: "24-26".to_owned(),
            sexe: "F".to_owned(),
            nationality_group: "France".to_owned(),
            etb: "0999001A".to_owned(),
            cmp: "SCI".to_owned(),
            cursus: None,
            annee: Some("3".to_owned()),
            diplome: None,
            bursary_holder: true,
            ss_affiliated: None,
        };
        store.replace_identity_stats(&[stat(a, 26), stat(b, 26)], now()).await.unwrap();
        store.replace_identity_stats(&[stat(a, 27)], now()).await.unwrap();
        assert_eq!(store.identity_stats().await.unwrap(), [stat(a, 27)]);

        let pair = DuplicateCandidate {
            student_a: b,
            student_b: a,
            score: 0.93,
            reasons: vec!["même date de naissance".to_owned(), "noms proches (0,93)".to_owned()],
            status: DuplicateStatus::Pending,
        };
        store.upsert_duplicate_candidates(std::slice::from_ref(&pair), now()).await.unwrap();
        let listed = store.duplicate_candidates(false).await.unwrap();
        assert_eq!((listed[0].student_a, listed[0].student_b, listed[0].reasons.len()), (a, b, 2));
        assert!(store.judge_duplicate(a, b, DuplicateStatus::DifferentPeople, "admin", now()).await.unwrap());
        // A re-run refreshes the score but keeps the verdict.
        store.upsert_duplicate_candidates(&[DuplicateCandidate { score: 0.95, ..pair }], now()).await.unwrap();
        assert!(store.duplicate_candidates(false).await.unwrap().is_empty());
        let all = store.duplicate_candidates(true).await.unwrap();
        assert_eq!((all[0].status, all[0].score), (DuplicateStatus::DifferentPeople, 0.95));

        let file = NewProducedFile {
            kind: FileKind::ImportLog,
            path: "/srv/calcium/import/logs/log_20261128_100000_1.txt",
            file_name: "log_20261128_100000_1.txt",
            size_bytes: 120,
            execution_id: None,
        };
        let id = store.record_produced_file(&file, now()).await.unwrap();
        assert!(matches!(store.record_produced_file(&file, now()).await, Err(DbError::Conflict { .. })));
        let listed = store.list_produced_files(10).await.unwrap();
        assert_eq!((listed[0].id, listed[0].kind), (id, FileKind::ImportLog));
        assert_eq!(store.get_produced_file(id).await.unwrap().unwrap().path, file.path);
        assert!(store.get_produced_file(id + 1).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn import_lookups_are_bulk_and_an_import_write_is_all_or_nothing() {
    on_every_backend(|store| async move {
        let mut with_ine = record("Garnier", "Élodie", date(2001, 3, 4));
        with_ine.cod_nne = Some(Ine::parse("1234567890V").unwrap());
        let a = store.insert_student(&with_ine, Some("APOGEE"), None, now()).await.unwrap();
        let without_ine = record("Faure", "Noël", date(2002, 12, 25));
        let b = store.insert_student(&without_ine, Some("APOGEE"), None, now()).await.unwrap();

        let mut session = store.begin_import(ImportMode::DryRun).await.unwrap();
        let by_ine = session.matches_by_ines(&["1234567890V", "0000000000A"]).await.unwrap();
        assert_eq!(by_ine.iter().map(|m| m.id).collect::<Vec<_>>(), [a]);
        assert_eq!(by_ine[0].key, with_ine.secondary_key());
        assert_eq!(by_ine[0].fingerprint, Some(Fingerprint::of(&with_ine)));
        // Keys are compared after normalisation ("Noël" and "NOEL" are the same key).
        let keys = [
            SecondaryKey::new("FAURE", "NOEL", without_ine.datenai, "100"),
            SecondaryKey::new("Inconnu", "Personne", without_ine.datenai, "100"),
        ];
        let by_keys = session.matches_by_keys(&keys).await.unwrap();
        assert_eq!(by_keys.iter().map(|m| (m.id, m.ine)).collect::<Vec<_>>(), [(b, None)]);
        let full = session.students_by_ids(&[b, StudentId(b.0 + 1000)]).await.unwrap();
        assert_eq!(full.iter().map(|s| &s.record).collect::<Vec<_>>(), [&without_ine]);
        session.rollback().await.unwrap();

        let mut changed = without_ine.clone();
        changed.mail = Some("noel.faure@etu.exemple.fr".to_owned());
        let new = record("Perrin", "Lou", date(2004, 6, 1));
        let write = calcium_store::ImportWrite {
            creates: &RecordBatch::of_records([&new]),
            updates: &[(b, changed.clone())],
            import_model: "CHU",
            execution_id: Some(7),
            now: now(),
        };
        assert_eq!(store.apply_import(&write).await.unwrap(), (1, 1));
        let stored = store.get_student(b).await.unwrap();
        assert_eq!(
            (stored.record.mail.as_deref(), stored.import_model.as_deref(), stored.last_execution_id),
            (Some("noel.faure@etu.exemple.fr"), Some("CHU"), Some(7))
        );
        assert_eq!(store.count_students().await.unwrap(), 3);
        // Every write keeps the stored fingerprint in step with the record.
        let mut session = store.begin_import(ImportMode::DryRun).await.unwrap();
        let after = session.matches_by_ines(&["1234567890V"]).await.unwrap();
        assert_eq!(after[0].fingerprint, Some(Fingerprint::of(&with_ine)));
        let changed_match = session.matches_by_keys(&[changed.secondary_key()]).await.unwrap();
        assert_eq!(changed_match[0].fingerprint, Some(Fingerprint::of(&changed)));
        session.rollback().await.unwrap();

        // A failure anywhere (here an unknown import model) leaves nothing of the write.
        let another = record("Roche", "Maël", date(2003, 1, 2));
        let broken = calcium_store::ImportWrite {
            creates: &RecordBatch::of_records([&another]),
            updates: &[(a, changed.clone())],
            import_model: "INCONNU",
            execution_id: None,
            now: now(),
        };
        assert!(store.apply_import(&broken).await.is_err());
        assert_eq!(store.count_students().await.unwrap(), 3);
        assert_eq!(store.get_student(a).await.unwrap().record, with_ine);
    })
    .await;
}

#[tokio::test]
async fn a_first_import_into_an_empty_base_gives_back_every_index_and_foreign_key() {
    on_every_backend(|store| async move {
        let shape = store.student_indexes_and_foreign_keys().await.unwrap();
        assert!(shape.len() >= 10, "indexes, the import model's foreign key and those pointing at students: {shape:?}");
        assert!(
            shape.iter().any(|definition| definition.contains("consultation") && definition.contains("CASCADE")),
            "{shape:?}"
        );
        let first = record("Garnier", "Élodie", date(2001, 3, 4));
        let second = record("Faure", "Noël", date(2002, 12, 25));
        let both = RecordBatch::of_records([&first, &second]);
        let write = |model| calcium_store::ImportWrite {
            creates: &both,
            updates: &[],
            import_model: model,
            execution_id: None,
            now: now(),
        };
        // Set aside during the load, the foreign key is still checked when it comes back.
        assert!(store.apply_import(&write("INCONNU")).await.is_err());
        assert_eq!(store.count_students().await.unwrap(), 0);
        assert_eq!(store.student_indexes_and_foreign_keys().await.unwrap(), shape);
        let mut session = store.begin_import(ImportMode::Write).await.unwrap();
        assert!(session.started_empty());
        session.write(&write("APOGEE")).await.unwrap();
        session.commit(None).await.unwrap();
        assert_eq!(store.count_students().await.unwrap(), 2);
        assert_eq!(store.student_indexes_and_foreign_keys().await.unwrap(), shape);
        let session = store.begin_import(ImportMode::Write).await.unwrap();
        assert!(!session.started_empty());
        session.rollback().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_first_import_the_base_refuses_midway_leaves_nothing() {
    on_every_backend(|store| async move {
        let shape = store.student_indexes_and_foreign_keys().await.unwrap();
        let good = record("Garnier", "Élodie", date(2001, 3, 4));
        // PostgreSQL stores no NUL character (the import's line checks refuse one; this goes
        // round them): on PostgreSQL the streamed load of a first import fails after the first
        // slice was sent, which must cost the whole import and nothing else.
        let mut refused = record("Faure", "Noël", date(2002, 12, 25));
        refused.adr1 = Some("bât.\0B".to_owned());
        let slice = |record: &StudentRecord| calcium_store::SliceWrite {
            creates: RecordBatch::of_records([record]),
            updates: Vec::new(),
            refreshes: Vec::new(),
            import_model: "APOGEE".to_owned(),
            execution_id: None,
            now: now(),
        };
        let mut session = store.begin_import(ImportMode::Write).await.unwrap();
        assert!(session.started_empty());
        session.queue(slice(&good)).await.unwrap();
        let outcome = match session.queue(slice(&refused)).await {
            Ok(()) => session.queue(slice(&good)).await.map(|()| session),
            Err(error) => Err(error),
        };
        let committed = match outcome {
            Ok(session) => session.commit(None).await,
            Err(error) => Err(error),
        };
        match store.kind() {
            BackendKind::Postgres => {
                assert!(committed.is_err());
                assert_eq!(store.count_students().await.unwrap(), 0);
                assert_eq!(store.student_indexes_and_foreign_keys().await.unwrap(), shape, "all back as they were");
            }
            BackendKind::Sqlite => {
                committed.unwrap();
                assert_eq!(store.count_students().await.unwrap(), 3);
            }
        }
    })
    .await;
}

/// On PostgreSQL a first import writes its students frozen (COPY FREEZE after emptying the
/// table), even when the load is taken up again after other statements of the transaction:
/// the index builds before the commit count the pages marked all-visible, which otherwise the
/// first vacuum would.
#[tokio::test]
async fn a_first_import_on_postgres_leaves_its_students_frozen() {
    let slice = |creates: RecordBatch, refreshes: Vec<(StudentId, Fingerprint)>| calcium_store::SliceWrite {
        creates,
        updates: Vec::new(),
        refreshes,
        import_model: "APOGEE".to_owned(),
        execution_id: None,
        now: now(),
    };
    for kind in calcium_test_support::backends().into_iter().filter(|kind| *kind == BackendKind::Postgres) {
        let base = calcium_test_support::TestBase::new(kind).await;
        let first = record("Garnier", "Élodie", date(2001, 3, 4));
        let second = record("Faure", "Noël", date(2002, 12, 25));
        let mut session = base.store.begin_import(ImportMode::Write).await.unwrap();
        session.queue(slice(RecordBatch::of_records([&first]), Vec::new())).await.unwrap();
        // A refresh is written apart, which ends the load; the next slice starts another.
        let nobody = (StudentId(i64::MAX), Fingerprint(1));
        session.queue(slice(RecordBatch::default(), vec![nobody])).await.unwrap();
        session.queue(slice(RecordBatch::of_records([&second]), Vec::new())).await.unwrap();
        session.commit(None).await.unwrap();
        assert_eq!(base.store.count_students().await.unwrap(), 2);
        let pages = "SELECT relpages::bigint FROM pg_class WHERE oid = 'student'::regclass";
        let all_visible = "SELECT relallvisible::bigint FROM pg_class WHERE oid = 'student'::regclass";
        assert!(base.sql_number(pages).await > 0);
        assert_eq!(base.sql_number(all_visible).await, base.sql_number(pages).await);
        base.finish().await;
    }
}

/// On PostgreSQL a first import that deadlocks while it sets the student table's indexes and
/// keys aside begins again: here a reader holds the relances, the import waits for them with
/// the student table locked, and the reader then asks for the students. PostgreSQL aborts the
/// one that waited first, the import, whose second attempt waits for the reader's end.
#[tokio::test]
async fn a_first_import_on_postgres_that_deadlocks_with_a_reader_begins_again() {
    use sqlx::Connection;
    for kind in calcium_test_support::backends().into_iter().filter(|kind| *kind == BackendKind::Postgres) {
        let base = calcium_test_support::TestBase::new(kind).await;
        let before = base.store.student_indexes_and_foreign_keys().await.unwrap();
        let mut reader = sqlx::PgConnection::connect(&base.url).await.unwrap();
        sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
        sqlx::query("SELECT count(*) FROM relance").execute(&mut reader).await.unwrap();

        let store = base.store.clone();
        let import = tokio::spawn(async move { store.begin_import(ImportMode::Write).await });
        let import_waits_for_the_relances = "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE relance %'";
        let mut waited = 0;
        while base.sql_number(import_waits_for_the_relances).await == 0 {
            assert!(waited < 1000, "the import never waited for the reader's lock");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            waited += 1;
        }
        // Blocked by the import until PostgreSQL aborts it (deadlock_timeout, 1 s).
        sqlx::query("SELECT count(*) FROM student").execute(&mut reader).await.unwrap();
        sqlx::query("COMMIT").execute(&mut reader).await.unwrap();

        let session = import.await.unwrap().expect("the import began again after the deadlock");
        assert!(session.started_empty());
        session.rollback().await.unwrap();
        assert_eq!(base.store.student_indexes_and_foreign_keys().await.unwrap(), before);
        reader.close().await.unwrap();
        base.finish().await;
    }
}

#[tokio::test]
async fn a_run_that_lost_its_lease_cannot_write_its_end_and_its_flag_is_lowered_on_reaping() {
    on_every_backend(|store| async move {
        let lease = jiff::SignedDuration::from_secs(60);
        assert_eq!(
            store.request_launch(BatchCode::Clean, "admin", now()).await.unwrap(),
            calcium_store::LaunchRequest::Accepted
        );
        let unregistered = store.claim_launch(BatchCode::Clean, "instance-a", now()).await;
        assert!(unregistered.is_err(), "an unregistered instance cannot hold a run");
        register_instance(&store, "instance-a").await;
        let run = store.claim_launch(BatchCode::Clean, "instance-a", now()).await.unwrap().unwrap();
        assert!(store.claim_launch(BatchCode::Clean, "instance-a", now()).await.unwrap().is_none(), "answered once");
        assert!(store.renew_lease(run, now() + 30.seconds(), lease).await.unwrap());
        // Two minutes without a heartbeat: the end is refused, the run is still RUNNING…
        let late = now() + 150.seconds();
        assert!(!store.finish_run(run, ExecutionStatus::Finish, late, lease, None, None, None).await.unwrap());
        assert_eq!(store.get_execution(run).await.unwrap().status, ExecutionStatus::Running);
        // …until any instance reaps it, which also lowers the launch flag.
        let reaped = store.reap_runs(late, lease, None, "bail expiré").await.unwrap();
        assert_eq!(reaped.iter().map(|r| r.id).collect::<Vec<_>>(), [run]);
        assert_eq!(store.get_execution(run).await.unwrap().status, ExecutionStatus::Interrupted);
        assert!(!store.get_batch(BatchCode::Clean).await.unwrap().launch_now);
    })
    .await;
}

#[tokio::test]
async fn preferences_api_tokens_and_the_counts_of_the_web_page() {
    on_every_backend(|store| async move {
        let user = NewUser { login: "marie", email: None, password_hash: "$argon2id$x", role: Role::Admin };
        let id = store.create_user(&user, now()).await.unwrap();
        assert_eq!(store.user_preference(id, "history.hidden").await.unwrap(), None);
        store.set_user_preference(id, "history.hidden", "fin").await.unwrap();
        store.set_user_preference(id, "history.hidden", "fin duree").await.unwrap();
        assert_eq!(store.user_preference(id, "history.hidden").await.unwrap().as_deref(), Some("fin duree"));

        store.create_api_token("tokenhash", id, now()).await.unwrap();
        assert_eq!(store.find_api_token_user("tokenhash").await.unwrap().map(|u| u.login).as_deref(), Some("marie"));
        assert!(store.find_api_token_user("other").await.unwrap().is_none());

        let summary = serde_json::json!({"créés": 2, "rejetés": 1});
        let run = store.insert_execution(&running(BatchCode::ImpQuo, None, now())).await.unwrap();
        store
            .finish_run(run, ExecutionStatus::Finish, now() + 2.seconds(), LEASE, Some(&summary), None, None)
            .await
            .unwrap();
        let run2 = store.insert_execution(&running(BatchCode::ImpQuo, None, now() + 1.minute())).await.unwrap();
        store
            .finish_run(run2, ExecutionStatus::Error, now() + 2.minutes(), LEASE, None, Some("x"), None)
            .await
            .unwrap();
        assert_eq!(store.count_executions(BatchCode::ImpQuo).await.unwrap(), 2);
        assert_eq!(store.count_executions(BatchCode::Clean).await.unwrap(), 0);
        let mut counts = store.execution_counts().await.unwrap();
        counts.sort_by_key(|(_, status, _)| status.as_str());
        assert_eq!(
            counts,
            [(BatchCode::ImpQuo, ExecutionStatus::Error, 1), (BatchCode::ImpQuo, ExecutionStatus::Finish, 1)]
        );
        assert_eq!(store.execution_summaries(BatchCode::ImpQuo).await.unwrap(), [summary]);

        let file = |path: &'static str, execution_id| NewProducedFile {
            kind: FileKind::ImportLog,
            path,
            file_name: path,
            size_bytes: 1,
            execution_id,
        };
        store.record_produced_file(&file("a.txt", Some(run.0)), now()).await.unwrap();
        store.record_produced_file(&file("b.txt", Some(run2.0)), now()).await.unwrap();
        store.record_produced_file(&file("c.txt", Some(run.0)), now()).await.unwrap();
        let names: Vec<_> =
            store.produced_files_of_execution(run.0).await.unwrap().into_iter().map(|f| f.file_name).collect();
        assert_eq!(names, ["a.txt", "c.txt"]);
    })
    .await;
}

/// On SQLite an import holds the only write lock for its whole length, so its run's lease
/// cannot be renewed meanwhile: the commit writes the heartbeat with the data, and the run
/// comes out alive however long the import took.
#[tokio::test]
async fn an_import_commit_on_sqlite_keeps_its_run_alive() {
    on_every_backend(|store| async move {
        register_instance(&store, "instance-a").await;
        assert_eq!(
            store.request_launch(BatchCode::ImpQuo, "admin", now()).await.unwrap(),
            calcium_store::LaunchRequest::Accepted
        );
        let run = store.claim_launch(BatchCode::ImpQuo, "instance-a", now()).await.unwrap().unwrap();
        let new = record("Perrin", "Lou", date(2004, 6, 1));
        let write = calcium_store::ImportWrite {
            creates: &RecordBatch::of_records([&new]),
            updates: &[],
            import_model: "APOGEE",
            execution_id: Some(run.0),
            now: now(),
        };
        store.apply_import(&write).await.unwrap();
        // Hours after the run's start (the fixed test clock is in the past of the base's).
        let later = store.database_now().await.unwrap();
        let lease = jiff::SignedDuration::from_secs(60);
        let alive = store.renew_lease(run, later, lease).await.unwrap();
        match store.kind() {
            BackendKind::Sqlite => assert!(alive, "the commit wrote the heartbeat"),
            // PostgreSQL renews leases during the import on other connections: untouched here.
            BackendKind::Postgres => assert!(!alive, "the commit leaves the heartbeat to the renewals"),
        }
    })
    .await;
}

#[tokio::test]
async fn a_running_import_s_progress_is_seen_while_it_holds_the_base_and_goes_with_its_end() {
    on_every_backend(|store| async move {
        let run = store.insert_execution(&running(BatchCode::ImpQuo, None, now())).await.unwrap();
        // An import holds the student table (on SQLite, the base's only write lock).
        let session = store.begin_import(ImportMode::Write).await.unwrap();
        let published = tokio::time::timeout(std::time::Duration::from_secs(5), store.set_progress(run, 1_200, 5_000));
        published.await.expect("the progress does not wait for the import's commit").unwrap();
        let seen = store.get_execution(run).await.unwrap();
        assert_eq!((seen.progress_done, seen.progress_total), (Some(1_200), Some(5_000)));
        let listed = store.execution_history(BatchCode::ImpQuo, 1, 0).await.unwrap();
        assert_eq!((listed[0].progress_done, listed[0].progress_total), (Some(1_200), Some(5_000)));
        session.rollback().await.unwrap();

        let ended = now() + 1.minutes();
        assert!(
            store
                .finish_run(run, ExecutionStatus::Finish, ended, LEASE, None, None, Some((5_000, 5_000)))
                .await
                .unwrap()
        );
        let finished = store.get_execution(run).await.unwrap();
        assert_eq!((finished.progress_done, finished.progress_total), (Some(5_000), Some(5_000)));
        // A later run of the batch starts without the earlier one's progress.
        let next = store.insert_execution(&running(BatchCode::ImpQuo, None, ended)).await.unwrap();
        let fresh = store.get_execution(next).await.unwrap();
        assert_eq!((fresh.progress_done, fresh.progress_total), (None, None));
    })
    .await;
}

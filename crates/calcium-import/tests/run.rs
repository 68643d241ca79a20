//! An import end to end against a real base, on every backend: the three log files, the
//! matching rules as they land in the base, idempotence, dry runs and refused files.

use std::path::{Path, PathBuf};

use calcium_core::student::FormatVersion;
use calcium_import::{ImportOptions, ImportReport, run_import};
use calcium_store::{ImportModel, Store, StudentQuery};
use calcium_test_support::{TestBase, backends};
use jiff::Timestamp;
use jiff::tz::TimeZone;

const COLUMNS: usize = 46;

/// A data line with the mandatory values, then `changes` as (column name, value).
fn line(changes: &[(&str, &str)]) -> String {
    let names = FormatVersion::CURRENT.column_names();
    let mut cells = vec![String::new(); COLUMNS];
    let defaults = [
        ("COD_ANU", "2026"),
        ("NOM", "Dupont"),
        ("PRENOM1", "Zoé"),
        ("SEXE", "F"),
        ("DATENAI", "29/02/2004"),
        ("CODE_NATIO", "100"),
        ("ETB", "0999001A"),
        ("CMP", "SCI"),
    ];
    for (name, value) in defaults.iter().chain(changes) {
        let index = names.iter().position(|n| n == name).unwrap();
        cells[index] = (*value).to_owned();
    }
    cells.join(";")
}

fn windows_1252(lines: &[String]) -> Vec<u8> {
    let text = lines.join("\r\n") + "\r\n";
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

struct Fixture {
    dir: tempfile::TempDir,
    model: ImportModel,
}

impl Fixture {
    async fn new(store: &Store) -> Fixture {
        Fixture { dir: tempfile::tempdir().unwrap(), model: store.get_import_model("APOGEE").await.unwrap() }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Options of an import of `path` into the fixture's log folder (`log_dir` must be it).
    fn options<'a>(&'a self, path: &'a Path, log_dir: &'a Path, time_zone: &'a TimeZone) -> ImportOptions<'a> {
        ImportOptions {
            path,
            model: &self.model,
            dry_run: false,
            execution_id: None,
            log_dir,
            time_zone,
            started_at: Timestamp::now(),
            progress: None,
            cancelled: None,
        }
    }

    async fn import(&self, store: &Store, path: &Path, dry_run: bool, execution: i64) -> ImportReport {
        let (log_dir, time_zone) = (self.dir.path().join("logs"), TimeZone::get("Europe/Paris").unwrap());
        let options = ImportOptions {
            dry_run,
            execution_id: (!dry_run).then_some(execution),
            ..self.options(path, &log_dir, &time_zone)
        };
        run_import(store, &options).await.unwrap()
    }
}

fn header() -> String {
    FormatVersion::CURRENT.header_line()
}

#[tokio::test]
async fn an_import_creates_updates_leaves_unchanged_and_rejects_as_the_spec_says() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let fixture = Fixture::new(&store).await;
        let first = [
            header(),
            line(&[("COD_NNE", "1234567890V"), ("NOM", "Lefèvre"), ("PRENOM1", "Cœur"), ("MAIL", "coeur@exemple.fr")]),
            line(&[("NOM", "Martin"), ("SEXE", "X")]),
            line(&[("NOM", "Garnier"), ("PRENOM1", "Noël"), ("ADR1", "1 rue de la Paix")]),
        ];
        let mut first = first.to_vec();
        // A NUL character (which PostgreSQL cannot store) refuses its line, not the import.
        first.push(line(&[("NOM", "Nul"), ("ADR2", "bât.\0B")]));
        let bytes = windows_1252(&first);
        let path = fixture.file("calcium.csv", &bytes);
        let report = fixture.import(&store, &path, false, 1).await;
        assert_eq!((report.status, report.created, report.rejected, report.lines_read), ("FINISH", 2, 2, 4));
        assert_eq!(report.errors[1].message, "Valeur invalide pour ADR2 à la ligne 5 : bât.\u{FFFD}B");
        assert_eq!(report.encoding, Some("windows-1252"));
        assert_eq!(report.errors[0].kind, "INVALID_FIELD");
        assert_eq!(report.errors[0].message, "Valeur invalide pour SEXE à la ligne 3 : X");

        // erreurFile: the header and the rejected line, byte for byte, in the file's encoding.
        let error_csv = std::fs::read(report.files.error_csv.as_ref().unwrap()).unwrap();
        let expected: Vec<u8> = [first[0].as_str(), first[2].as_str(), first[4].as_str()]
            .iter()
            .flat_map(|l| encoding_rs::WINDOWS_1252.encode(&format!("{l}\r\n")).0.into_owned())
            .collect();
        assert_eq!(error_csv, expected);
        let log = std::fs::read_to_string(report.files.log.as_ref().unwrap()).unwrap();
        assert!(log.contains("Encodage : ISO-8859-1") && log.contains("Nombre de lignes traitées : 4"), "{log}");
        let error_log = std::fs::read_to_string(report.files.error_log.as_ref().unwrap()).unwrap();
        assert_eq!(
            error_log,
            "Valeur invalide pour SEXE à la ligne 3 : X\nValeur invalide pour ADR2 à la ligne 5 : bât.\u{FFFD}B\n"
        );
        assert_eq!(store.list_produced_files(10).await.unwrap().len(), 3);

        let coeur =
            &store.find_students(&StudentQuery { nom: Some("lefevre".into()), ..Default::default() }).await.unwrap()[0];
        assert_eq!(
            (coeur.record.prenom1.as_str(), coeur.import_model.as_deref(), coeur.last_execution_id),
            ("Cœur", Some("APOGEE"), Some(1))
        );

        // The same file again changes nothing.
        let again = fixture.import(&store, &path, false, 2).await;
        assert_eq!((again.created, again.updated, again.unchanged, again.rejected), (0, 0, 2, 2));
        assert_eq!(
            store.get_student(coeur.id).await.unwrap().last_execution_id,
            Some(1),
            "unchanged rows are not written"
        );

        // An update: a new value replaces, an empty cell never erases, a line without INE
        // found by its secondary keys receives the line's INE.
        let second = [
            header(),
            line(&[("COD_NNE", "1234567890V"), ("NOM", "LEFEVRE"), ("PRENOM1", "coeur"), ("TELEPH", "0600000000")]),
            line(&[("COD_NNE", "2234567890A"), ("NOM", "Garnier"), ("PRENOM1", "Noël")]),
        ];
        let path2 = fixture.file("calcium2.csv", &windows_1252(&second));
        let dry = fixture.import(&store, &path2, true, 0).await;
        assert_eq!((dry.updated, dry.files.log.as_ref().unwrap().contains("essai")), (2, true));
        assert_eq!(store.get_student(coeur.id).await.unwrap().record.teleph, None, "a dry run writes nothing");
        let report = fixture.import(&store, &path2, false, 3).await;
        assert_eq!((report.updated, report.created), (2, 0));
        assert!(report.files.error_csv.is_none() && report.files.error_log.is_none(), "no error file without errors");
        let stored = store.get_student(coeur.id).await.unwrap();
        assert_eq!(stored.record.mail.as_deref(), Some("coeur@exemple.fr"), "an empty cell never erases");
        assert_eq!(stored.record.teleph.as_deref(), Some("0600000000"));
        assert_eq!(stored.record.nom, "LEFEVRE");
        let garnier =
            &store.find_students(&StudentQuery { nom: Some("garnier".into()), ..Default::default() }).await.unwrap()[0];
        assert_eq!(garnier.record.cod_nne.as_ref().map(|i| i.as_str()), Some("2234567890A"));
        assert_eq!(garnier.record.adr1.as_deref(), Some("1 rue de la Paix"));

        // Another student holding the same secondary keys under another INE is refused.
        let third = [header(), line(&[("COD_NNE", "1234567890V"), ("NOM", "Autre"), ("PRENOM1", "Personne")])];
        let report = fixture.import(&store, &fixture.file("calcium3.csv", &windows_1252(&third)), false, 4).await;
        assert_eq!(report.errors[0].kind, "SECONDARY_KEYS_MISMATCH");
        base.finish().await;
    }
}

#[tokio::test]
async fn a_refused_file_imports_nothing_and_says_why() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let fixture = Fixture::new(&store).await;
        let short_header = header().replace(";IDENTIFIANT", ";IDENTIFIANT;EN_TROP");
        let path = fixture.file("trop.csv", &windows_1252(&[short_header, line(&[])]));
        let report = fixture.import(&store, &path, false, 1).await;
        assert_eq!(report.status, "ERROR");
        assert_eq!(report.errors[0].kind, "HEADER_COLUMN_COUNT");
        assert!(report.errors[0].message.starts_with(
            "Erreur de cohérence dans le fichier d'import : le fichier d'import doit contenir 46 colonnes"
        ));
        assert!(report.files.error_csv.is_none());
        assert!(std::fs::read_to_string(report.files.error_log.as_ref().unwrap()).unwrap().contains("46 colonnes"));

        let renamed = header().replace(";NOM;", ";NOMS;");
        let report =
            fixture.import(&store, &fixture.file("nom.csv", &windows_1252(&[renamed, line(&[])])), false, 2).await;
        assert_eq!(
            report.errors[0].message,
            "Erreur de cohérence dans le fichier d'import : colonne 5 doit être égale à NOM"
        );

        let missing = fixture.dir.path().join("absent.csv");
        let report = fixture.import(&store, &missing, false, 3).await;
        assert_eq!((report.errors[0].kind, report.errors[0].line), ("FILE_NOT_FOUND", None));
        assert!(report.errors[0].message.starts_with("Fichier d'import introuvable !"));
        assert_eq!(store.count_students().await.unwrap(), 0);
        base.finish().await;
    }
}

#[tokio::test]
async fn a_utf8_file_is_read_as_utf8_and_the_log_says_so() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let fixture = Fixture::new(&store).await;
        let text = [header(), line(&[("NOM", "Bérénice"), ("COD_NNE", "1234567890V")])].join("\n") + "\n";
        let report = fixture.import(&store, &fixture.file("utf8.csv", text.as_bytes()), false, 1).await;
        assert_eq!((report.encoding, report.created), (Some("utf-8"), 1));
        let log = std::fs::read_to_string(report.files.log.as_ref().unwrap()).unwrap();
        assert!(log.contains("UTF-8"), "{log}");
        let stored =
            store.find_students(&StudentQuery { nom: Some("berenice".into()), ..Default::default() }).await.unwrap();
        assert_eq!(stored[0].record.nom, "Bérénice");
        base.finish().await;
    }
}

#[tokio::test]
async fn the_demo_population_imports_and_reimports_unchanged() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let fixture = Fixture::new(&store).await;
        let today = jiff::civil::date(2026, 11, 28);
        let population = calcium_demo::generate_population(3000, 11, today);
        let path = fixture.file("demo.csv", &calcium_demo::apogee_file(&population.records));
        let report = fixture.import(&store, &path, false, 1).await;
        assert_eq!(report.lines_read, 3000);
        assert_eq!(report.created + report.updated + report.rejected, 3000, "{:?}", report.errors.first());
        // Only planted duplicates may be refused (same person, conflicting identifiers).
        assert!(
            report.rejected <= population.duplicate_of.len(),
            "{} rejected: {:?}",
            report.rejected,
            report.errors.first()
        );
        let again = fixture.import(&store, &path, false, 2).await;
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, report.created + report.updated));

        // Fingerprints an earlier version stored (or none): the students are compared field by
        // field, stay unchanged, and get their fingerprint back for the next import.
        let written = report.created + report.updated;
        let cleared = base.sql_number("UPDATE student SET fingerprint = 42 WHERE id % 2 = 0").await
            + base.sql_number("UPDATE student SET fingerprint = NULL WHERE id % 2 = 1").await;
        assert_eq!(cleared as usize, written);
        let healed = fixture.import(&store, &path, false, 3).await;
        assert_eq!((healed.created, healed.updated, healed.unchanged), (0, 0, written));
        let stale = "SELECT COUNT(*) FROM student WHERE fingerprint IS NULL OR fingerprint = 42";
        assert_eq!(base.sql_number(stale).await, 0);
        let last = store.find_students(&StudentQuery::default()).await.unwrap();
        assert!(last.iter().all(|s| s.last_execution_id == Some(1)), "a refreshed fingerprint is no change");
        base.finish().await;
    }
}

#[tokio::test]
async fn an_import_stopped_midway_writes_nothing_and_its_logs_say_why() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let fixture = Fixture::new(&store).await;
        let lines = [header(), line(&[("NOM", "Martin"), ("SEXE", "X")]), line(&[("COD_NNE", "1234567890V")])];
        let path = fixture.file("arret.csv", &windows_1252(&lines));
        let (log_dir, time_zone) = (fixture.dir.path().join("logs"), TimeZone::get("Europe/Paris").unwrap());
        let stop_now = || true;
        let options = ImportOptions {
            execution_id: Some(1),
            cancelled: Some(&stop_now),
            ..fixture.options(&path, &log_dir, &time_zone)
        };
        let error = run_import(&store, &options).await.unwrap_err();
        assert!(matches!(error, calcium_import::ImportError::Cancelled), "{error}");
        assert_eq!(store.count_students().await.unwrap(), 0);

        // Both logs end with the reason, and are listed so that the downloads page offers them
        // and CLEAN purges them like any other.
        let expected = "Import interrompu (arrêt demandé avant la fin) : aucune modification de ce fichier \
                        n'a été enregistrée en base.";
        let files = store.list_produced_files(10).await.unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        for file in &files {
            let text = std::fs::read_to_string(&file.path).unwrap();
            assert_eq!(text.lines().last(), Some(expected), "{}: {text}", file.path);
        }
        base.finish().await;
    }
}

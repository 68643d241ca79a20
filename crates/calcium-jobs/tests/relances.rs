//! REL_COU, REL_CRA, LIS_REL and LIS_RAP, run by the engine on every backend. The PDFs are
//! read back with poppler's `pdftotext` and `pdfinfo` (Debian's poppler-utils), the mails go to
//! a real SMTP server on loopback.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use calcium_core::BatchCode;
use calcium_core::relance::{LetterKind, ListingEncoding};
use calcium_core::student::{BirthDate, Ine, MandatoryValues, Sexe, StudentId, StudentRecord};
use calcium_jobs::registry;
use calcium_mail::{MailSettings, Security};
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{ExecutionRow, FileKind, NewRelance, ProducedFile, Store};
use calcium_test_support::{SmtpSink, TestBase, backends, free_port};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// 10:00 in Paris on 29 November 2026: "today" for every scenario.
const NOW: &str = "2026-11-29T09:00:00Z";
const TODAY: Date = date(2026, 11, 29);

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn settings(output: &Path) -> JobSettings {
    JobSettings { output_dir: output.to_path_buf(), ..JobSettings::spec_defaults(paris()) }
}

fn mail_to_port(port: u16) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".to_owned(),
        port,
        from: "sante@u-exemple.fr".to_owned(),
        username: None,
        password: None,
        security: Security::None,
        timeout: Duration::from_secs(5),
    }
}

/// The address of a student: `(street, postcode, commune)`.
type Address<'a> = Option<(&'a str, &'a str, &'a str)>;

async fn student(
    store: &Store,
    ine: &str,
    nom: &str,
    prenom: &str,
    mail: Option<&str>,
    address: Address<'_>,
) -> StudentId {
    let mut record = StudentRecord::new(MandatoryValues {
        cod_anu: "2026".to_owned(),
        nom: nom.to_owned(),
        prenom1: prenom.to_owned(),
        sexe: Sexe::Feminin,
        datenai: BirthDate::new(date(2004, 2, 29), TODAY).unwrap(),
        code_natio: "100".to_owned(),
        etb: "0999001A".to_owned(),
        cmp: "SCI".to_owned(),
    });
    record.cod_nne = Some(Ine::parse(ine).unwrap());
    record.mail = mail.map(str::to_owned);
    if let Some((street, postcode, commune)) = address {
        record.adr1 = Some(street.to_owned());
        record.cod_bdi = Some(postcode.to_owned());
        record.commune = Some(commune.to_owned());
        record.pays = Some("100".to_owned());
    }
    store.insert_student(&record, None, None, now()).await.unwrap()
}

async fn relance(store: &Store, student: StudentId, due_date: Date, courrier: &str, closed: bool) -> i64 {
    let row = NewRelance {
        student_id: student,
        motif_code: "BIL".to_owned(),
        due_date,
        courrier: courrier.to_owned(),
        commentaire: Some("NOTE-INTERNE-NE-PAS-IMPRIMER".to_owned()),
        created_at: now() - SignedDuration::from_hours(24 * 60),
        closed_at: closed.then(|| now() - SignedDuration::from_hours(1)),
    };
    store.insert_relances(&[row]).await.unwrap()[0]
}

fn days(n: i64) -> jiff::Span {
    jiff::Span::new().days(n)
}

/// Runs `batch` once, as `calcium batch run` does, and returns its execution and its log.
async fn run(store: &Store, batch: BatchCode, settings: JobSettings) -> (ExecutionRow, String) {
    let mut config =
        SchedulerConfig::for_this_process(paris(), SignedDuration::from_mins(15), SignedDuration::from_secs(60));
    config.shutdown_grace = Duration::from_secs(5);
    let engine = Scheduler::new(store.clone(), registry(), settings, config, TimeSource::manual(now()));
    store.request_launch(batch, "admin", now()).await.unwrap();
    engine.run_launch_here(batch).await.unwrap().expect("the launch is answered here");
    let execution = store.execution_history(batch, 1, 0).await.unwrap().remove(0);
    let log = store.execution_log(execution.id).await.unwrap();
    (execution, log)
}

fn count(execution: &ExecutionRow, label: &str) -> i64 {
    execution
        .summary
        .as_ref()
        .and_then(|summary| summary[label].as_i64())
        .unwrap_or_else(|| panic!("no count « {label} » in {:?} ({:?})", execution.summary, execution.message))
}

async fn files_of(store: &Store, execution: &ExecutionRow) -> Vec<ProducedFile> {
    store.produced_files_of_execution(execution.id.0).await.unwrap()
}

/// A poppler tool's output; these tests need poppler-utils (CI installs it).
fn poppler(tool: &str, pdf: &Path) -> String {
    let output = Command::new(tool)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|error| panic!("{tool} (Debian's poppler-utils) is needed to read the PDF back: {error}"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn pdf_pages(pdf: &Path) -> usize {
    let output = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines().find_map(|line| line.strip_prefix("Pages:")).expect("a page count").trim().parse().unwrap()
}

/// pdftotext writes each page followed by a form feed, and the no-break spaces of French
/// typography as plain spaces.
fn pages_text(pdf: &Path) -> Vec<String> {
    let text = poppler("pdftotext", pdf).replace(['\u{a0}', '\u{202f}'], " ");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    pages.pop();
    pages
}

const COURRIER: &str = "Madame, Monsieur,\n\nVotre bilan de santé est incomplet : merci de prendre rendez-vous.\n\nLe service de santé universitaire";

#[tokio::test]
async fn rel_cou_prints_one_page_per_echue_open_relance_and_never_twice() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let dijon = Some(("3 rue de l'Église", "21000", "Dijon"));

        let zoe = student(&store, "1234567890A", "Lefèvre", "Zoé", None, dijon).await;
        let due_today = relance(&store, zoe, TODAY, COURRIER, false).await;
        let due_tomorrow = relance(&store, zoe, TODAY + days(1), COURRIER, false).await;
        let closed = relance(&store, zoe, TODAY - days(10), COURRIER, true).await;
        let francois = student(&store, "2234567890B", "Cœur-Garçon", "François", None, dijon).await;
        let lettered = relance(&store, francois, TODAY - days(3), COURRIER, false).await;
        store
            .record_relance_letter(lettered, "RELANCE", None, None, now() - SignedDuration::from_hours(48))
            .await
            .unwrap();
        let homeless = student(&store, "3234567890C", "Hervé", "Anaïs", None, None).await;
        let no_address = relance(&store, homeless, TODAY - days(5), "Texte « important » à lire.", false).await;

        let (execution, log) = run(&store, BatchCode::RelCou, settings(dir.path())).await;
        assert_eq!(execution.status, calcium_core::ExecutionStatus::Finish, "{:?}\n{log}", execution.message);
        assert_eq!(count(&execution, "courriers produits"), 2, "{log}");
        assert_eq!(count(&execution, "pages"), 2);
        assert_eq!(count(&execution, "sans adresse postale"), 1);
        assert!(
            log.contains("ATTENTION Relance n° ")
                && log.contains("INE 3234567890C, Hervé Anaïs) : aucune adresse postale"),
            "{log}"
        );

        let files = files_of(&store, &execution).await;
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].kind, FileKind::RelanceLetters);
        let pdf = PathBuf::from(&files[0].path);
        assert!(pdf.starts_with(dir.path()) && pdf.exists(), "{pdf:?}");
        assert_eq!(std::fs::metadata(&pdf).unwrap().len() as i64, files[0].size_bytes);
        assert_eq!(pdf_pages(&pdf), 2);
        // Letters are printed in name order: Hervé, then Lefèvre.
        let pages = pages_text(&pdf);
        assert_eq!(pages.len(), 2);
        assert!(
            pages[0].contains("Madame Anaïs Hervé") && pages[0].contains("Adresse postale manquante"),
            "{}",
            pages[0]
        );
        assert!(pages[0].contains("Texte « important » à lire."), "{}", pages[0]);
        assert!(pages[1].contains("Madame Zoé Lefèvre") && pages[1].contains("3 rue de l'Église"), "{}", pages[1]);
        assert!(
            pages[1].contains("21000 DIJON") && pages[1].contains("Fait à Dijon, le 29 novembre 2026"),
            "{}",
            pages[1]
        );
        assert!(
            pages[1].contains("Bilan de santé à compléter") && pages[1].contains("incomplet : merci"),
            "{}",
            pages[1]
        );
        assert!(pages.iter().all(|page| !page.contains("NOTE-INTERNE")), "the commentaire is never printed");

        for (relance, expected) in [(due_today, true), (due_tomorrow, false), (closed, false), (no_address, true)] {
            let letter = store.letter_of_relance(relance, LetterKind::Relance).await.unwrap();
            assert_eq!(letter.as_ref().map(|l| l.file_id), expected.then_some(Some(files[0].id)), "relance {relance}");
        }
        let earlier = store.letter_of_relance(lettered, LetterKind::Relance).await.unwrap().unwrap();
        assert_eq!(earlier.file_id, None, "the earlier letter stays as it was");

        // A second run finds nothing to print and writes no file.
        let (again, log) = run(&store, BatchCode::RelCou, settings(dir.path())).await;
        assert_eq!(count(&again, "courriers produits"), 0, "{log}");
        assert!(files_of(&store, &again).await.is_empty());
        assert!(log.contains("aucun courrier produit"), "{log}");
        base.finish().await;
    }
}

#[tokio::test]
async fn rel_cra_prints_a_rappel_once_the_delay_has_passed_and_lis_rap_lists_it_in_utf8() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let address = Some(("12 avenue Foch", "21000", "Dijon"));
        let zoe = student(&store, "1234567890A", "Lefèvre", "Zoé", None, address).await;
        // rappel_days = 30: due 30 days ago → rappel due today; 29 days ago → not yet.
        let on_the_day = relance(&store, zoe, TODAY - days(30), COURRIER, false).await;
        let a_day_early = relance(&store, zoe, TODAY - days(29), COURRIER, false).await;
        let closed = relance(&store, zoe, TODAY - days(60), COURRIER, true).await;
        let already = relance(&store, zoe, TODAY - days(90), COURRIER, false).await;
        store
            .record_relance_letter(already, "RAPPEL", None, None, now() - SignedDuration::from_hours(24 * 20))
            .await
            .unwrap();

        let (execution, log) = run(&store, BatchCode::RelCra, settings(dir.path())).await;
        assert_eq!(count(&execution, "courriers produits"), 1, "{log}");
        let files = files_of(&store, &execution).await;
        assert_eq!(files[0].kind, FileKind::RappelLetters);
        let pages = pages_text(Path::new(&files[0].path));
        assert_eq!(pages.len(), 1);
        assert!(pages[0].contains("rappel – Bilan de santé à compléter"), "{}", pages[0]);
        assert!(pages[0].contains(&format!("Dossier n° {on_the_day}")), "{}", pages[0]);
        for (relance, expected) in [(on_the_day, true), (a_day_early, false), (closed, false)] {
            let letter = store.letter_of_relance(relance, LetterKind::Rappel).await.unwrap();
            assert_eq!(letter.is_some(), expected, "relance {relance}");
        }
        // REL_COU has its own letters: the rappel does not stand for the first letter.
        assert!(store.letter_of_relance(on_the_day, LetterKind::Relance).await.unwrap().is_none());

        // A longer delay: the relance due 30 days ago is not due for a rappel any more.
        let (later, _) = run(&store, BatchCode::RelCra, JobSettings { rappel_days: 31, ..settings(dir.path()) }).await;
        assert_eq!(count(&later, "courriers produits"), 0);

        // LIS_RAP, in UTF-8 with a byte order mark: the rappel printed today and the one of 20
        // days ago, once.
        let utf8 = JobSettings { listing_encoding: ListingEncoding::Utf8Bom, ..settings(dir.path()) };
        let (listing, log) = run(&store, BatchCode::LisRap, utf8.clone()).await;
        assert_eq!(count(&listing, "courriers listés"), 2, "{log}");
        let file = &files_of(&store, &listing).await[0];
        assert_eq!(file.kind, FileKind::RappelListing);
        let bytes = std::fs::read(&file.path).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("INE;Nom;Prénom;Date de naissance;Adresse 1"), "{text}");
        assert_eq!(
            lines[2],
            "1234567890A;Lefèvre;Zoé;29/02/2004;12 avenue Foch;;;21000;Dijon;France;personnelle;Bilan de santé à compléter;30/10/2026;29/11/2026"
        );
        // The older rappel was recorded without an address: the listing says so.
        assert!(lines[1].contains(";aucune;Bilan de santé à compléter;31/08/2026;09/11/2026"), "{}", lines[1]);
        let (again, _) = run(&store, BatchCode::LisRap, utf8).await;
        assert_eq!(count(&again, "courriers listés"), 0);
        assert!(files_of(&store, &again).await.is_empty());
        base.finish().await;
    }
}

#[tokio::test]
async fn lis_rel_neutralises_formulas_and_substitutes_what_windows_1252_lacks() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let address = Some(("=1+1", "21000", "@Dijon"));
        let formula = student(&store, "1234567890A", "=HYPERLINK(\"http://x\";\"y\")", "+Zoé", None, address).await;
        relance(&store, formula, TODAY - days(1), COURRIER, false).await;
        let foreign = student(&store, "2234567890B", "Dvořák", "Łukasz", None, address).await;
        relance(&store, foreign, TODAY - days(2), COURRIER, false).await;
        let dash = student(&store, "3234567890C", "-Martin", "\tÉlise", None, address).await;
        relance(&store, dash, TODAY - days(3), COURRIER, false).await;

        let (letters, log) = run(&store, BatchCode::RelCou, settings(dir.path())).await;
        assert_eq!(count(&letters, "courriers produits"), 3, "{log}");
        // The PDF keeps the names as they are (the font has ř and Ł).
        let pdf_text = poppler("pdftotext", Path::new(&files_of(&store, &letters).await[0].path));
        assert!(pdf_text.contains("Łukasz Dvořák"), "{pdf_text}");

        let (listing, log) = run(&store, BatchCode::LisRel, settings(dir.path())).await;
        assert_eq!(listing.status, calcium_core::ExecutionStatus::Finish, "{:?}", listing.message);
        assert_eq!(count(&listing, "courriers listés"), 3);
        assert_eq!(count(&listing, "caractères remplacés"), 2);
        assert!(
            log.contains("(2234567890B, Dvořák Łukasz) : caractères absents de Windows-1252 remplacés : « ř » → « r », « Ł » → « L »"),
            "{log}"
        );
        let file = &files_of(&store, &listing).await[0];
        assert_eq!(file.kind, FileKind::RelanceListing);
        let bytes = std::fs::read(&file.path).unwrap();
        let (text, _, malformed) = encoding_rs::WINDOWS_1252.decode(&bytes);
        assert!(!malformed);
        assert!(bytes.contains(&0xE9), "é is one Windows-1252 byte");
        let rows: Vec<Vec<String>> = text.split("\r\n").skip(1).filter(|l| !l.is_empty()).map(split_row).collect();
        assert_eq!(rows.len(), 3, "{text}");
        for row in &rows {
            assert_eq!(row.len(), calcium_letters::HEADER.len(), "{row:?}");
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unneutralised cell {cell:?} in {row:?}");
            }
        }
        let by_ine = |ine: &str| rows.iter().find(|row| row[0] == ine).unwrap().clone();
        assert_eq!(by_ine("1234567890A")[1..3], ["'=HYPERLINK(\"http://x\";\"y\")", "'+Zoé"]);
        assert_eq!(by_ine("1234567890A")[4], "'=1+1");
        assert_eq!(by_ine("1234567890A")[8], "'@Dijon");
        assert_eq!(by_ine("2234567890B")[1..3], ["Dvorák", "Lukasz"]);
        assert_eq!(by_ine("3234567890C")[1..3], ["'-Martin", "'\tÉlise"]);

        let downloads = store.list_produced_files(10).await.unwrap();
        assert!(downloads.iter().any(|f| f.id == file.id), "the listing is offered for download");
        let (again, _) = run(&store, BatchCode::LisRel, settings(dir.path())).await;
        assert_eq!(count(&again, "courriers listés"), 0);
        base.finish().await;
    }
}

/// Splits a `;` row, honouring quotes (what a spreadsheet does).
fn split_row(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ';' if !quoted => cells.push(String::new()),
            other => cells.last_mut().unwrap().push(other),
        }
    }
    cells
}

#[tokio::test]
async fn letters_are_mailed_and_a_mail_that_failed_is_sent_by_the_next_run() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let address = Some(("12 avenue Foch", "21000", "Dijon"));
        let zoe = student(&store, "1234567890A", "Lefèvre", "Zoé", Some("zoe.lefevre@etu.u-exemple.fr"), address).await;
        let mailed = relance(&store, zoe, TODAY - days(1), COURRIER, false).await;
        let paper_only = student(&store, "2234567890B", "Martin", "Léa", None, address).await;
        relance(&store, paper_only, TODAY - days(1), COURRIER, false).await;

        // The relay is down: the letters are printed, the mail is logged as failed.
        let down = JobSettings { mail: Some(mail_to_port(free_port())), ..settings(dir.path()) };
        let (first, log) = run(&store, BatchCode::RelCou, down).await;
        assert_eq!(first.status, calcium_core::ExecutionStatus::Finish, "{:?}", first.message);
        assert_eq!((count(&first, "courriers produits"), count(&first, "courriels envoyés")), (2, 0));
        assert_eq!(count(&first, "courriels en échec"), 1);
        assert!(log.contains("courriel à zoe.lefevre@etu.u-exemple.fr non envoyé (essai 1)"), "{log}");
        assert!(log.contains("nouvel essai au prochain lancement"), "{log}");
        let letter = store.letter_of_relance(mailed, LetterKind::Relance).await.unwrap().unwrap();
        assert_eq!((letter.mailed_at, letter.mail_attempts), (None, 1));
        assert!(letter.mail_error.is_some());

        // The relay is back: the next run prints nothing new and sends the mail it owes.
        let sink = SmtpSink::start();
        let up = JobSettings { mail: Some(mail_to_port(sink.port)), ..settings(dir.path()) };
        let (second, log) = run(&store, BatchCode::RelCou, up.clone()).await;
        assert_eq!((count(&second, "courriers produits"), count(&second, "courriels envoyés")), (0, 1), "{log}");
        let received = sink.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].to, ["zoe.lefevre@etu.u-exemple.fr"]);
        let data = &received[0].data;
        assert!(data.contains("Subject: Service de =?utf-8?b?c2FudMOp?= universitaire"), "{data}");
        // The body, quoted-printable: the addressee, then the courrier text as typed.
        assert!(data.contains("Madame Zo=C3=A9 Lef=C3=A8vre,"), "{data}");
        assert!(data.contains("Votre bilan de sant=C3=A9 est incomplet : merci"), "{data}");
        assert!(!data.contains("NOTE-INTERNE"), "the commentaire is never mailed");
        let letter = store.letter_of_relance(mailed, LetterKind::Relance).await.unwrap().unwrap();
        assert!(letter.mailed_at.is_some() && letter.mail_error.is_none());

        // Nothing more to send.
        let (third, _) = run(&store, BatchCode::RelCou, up).await;
        assert_eq!(count(&third, "courriels envoyés"), 0);
        assert_eq!(sink.received().len(), 1);
        base.finish().await;
    }
}

#[tokio::test]
async fn a_run_that_cannot_write_its_pdf_records_no_letter() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let zoe = student(&store, "1234567890A", "Lefèvre", "Zoé", None, Some(("1 rue Neuve", "21000", "Dijon"))).await;
        let due = relance(&store, zoe, TODAY, COURRIER, false).await;
        // output.dir under a plain file: the PDF cannot be written.
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "x").unwrap();
        let (failed, _) = run(&store, BatchCode::RelCou, settings(&blocker.join("output"))).await;
        assert_eq!(failed.status, calcium_core::ExecutionStatus::Error);
        assert!(failed.message.as_deref().unwrap_or("").contains("Écriture du PDF"), "{:?}", failed.message);
        assert!(store.letter_of_relance(due, LetterKind::Relance).await.unwrap().is_none());
        assert!(files_of(&store, &failed).await.is_empty());

        let (fixed, _) = run(&store, BatchCode::RelCou, settings(dir.path())).await;
        assert_eq!(count(&fixed, "courriers produits"), 1);
        base.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_template_field_stops_the_run_before_anything_is_written() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("modeles");
        std::fs::create_dir(&templates).unwrap();
        std::fs::write(templates.join("relance.txt"), "[corps]\nBonjour {prénom}\n").unwrap();
        let zoe = student(&store, "1234567890A", "Lefèvre", "Zoé", None, None).await;
        let due = relance(&store, zoe, TODAY, COURRIER, false).await;
        let output = dir.path().join("output");
        let with_templates = JobSettings { relance_templates_dir: Some(templates.clone()), ..settings(&output) };
        let (failed, _) = run(&store, BatchCode::RelCou, with_templates.clone()).await;
        assert_eq!(failed.status, calcium_core::ExecutionStatus::Error);
        let message = failed.message.unwrap_or_default();
        assert!(message.contains("relance.txt, ligne 2 : champ inconnu {prénom}"), "{message}");
        assert!(store.letter_of_relance(due, LetterKind::Relance).await.unwrap().is_none());
        assert!(!output.exists());

        // Corrected, the administrator's wording is printed.
        std::fs::write(
            templates.join("relance.txt"),
            "[objet]\nObjet : {motif}\n[corps]\nBonjour {prenom}, {courrier}\n",
        )
        .unwrap();
        let (fixed, log) = run(&store, BatchCode::RelCou, with_templates).await;
        assert_eq!(count(&fixed, "courriers produits"), 1, "{log}");
        assert!(log.contains(&format!("Modèle relance.txt : {}", templates.join("relance.txt").display())), "{log}");
        let text = poppler("pdftotext", Path::new(&files_of(&store, &fixed).await[0].path));
        assert!(text.contains("Bonjour Zoé, Madame, Monsieur,"), "{text}");
        base.finish().await;
    }
}

//! Benchmark of the relance batches at the scale of a large university: one REL_COU run that
//! prints 50 000 letters into one PDF (the budget: 60 s), then the LIS_REL listing of
//! those letters, through the engine as `calcium batch run` does.
//!
//! `cargo bench -p calcium-jobs --bench letters` (SQLite; PostgreSQL too when TEST_POSTGRES_URL
//! is set). BENCH_LETTERS (default 50 000) changes the size.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use calcium_core::BatchCode;
use calcium_core::student::{BirthDate, Ine, MandatoryValues, Sexe, StudentRecord};
use calcium_jobs::registry;
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{NewRelance, Store};
use calcium_test_support::{TestBase, backends};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

const BUDGET: Duration = Duration::from_secs(60);

const NOMS: [&str; 8] = ["Lefèvre", "Cœur", "Garçon", "Hervé", "Bérénice", "N'Diaye", "Dupont-Moreau", "Çelik"];
const PRENOMS: [&str; 8] = ["Zoé", "François", "Anaïs", "Jérôme", "Gaëlle", "Noémie", "Loïc", "Hélène"];
const COURRIER: &str = "Madame, Monsieur,\n\nLors de votre visite au service de santé universitaire, il est apparu que certaines de vos vaccinations ne sont pas à jour. Nous vous remercions de nous transmettre une copie de votre carnet de vaccination, ou de prendre rendez-vous pour les mettre à jour, avant le 15/11/2026.\n\nNous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.\n\nLe service de santé universitaire";

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

async fn fill(store: &Store, count: usize, now: Timestamp) {
    let records: Vec<StudentRecord> = (0..count)
        .map(|i| {
            let mut record = StudentRecord::new(MandatoryValues {
                cod_anu: "2026".to_owned(),
                nom: format!("{} {i}", NOMS[i % NOMS.len()]),
                prenom1: PRENOMS[(i / 8) % PRENOMS.len()].to_owned(),
                sexe: if i % 2 == 0 { Sexe::Feminin } else { Sexe::Masculin },
                datenai: BirthDate::new(date(2004, 2, 29), date(2026, 11, 29)).unwrap(),
                code_natio: "100".to_owned(),
                etb: "0999001A".to_owned(),
                cmp: "SCI".to_owned(),
            });
            record.cod_nne = Some(Ine::parse(&format!("{i:010}A")).unwrap());
            // One in twenty without any address: its letter says so.
            if i % 20 != 0 {
                record.adr1 = Some(format!("{} rue de l'Église", i % 300 + 1));
                record.cod_bdi = Some("21000".to_owned());
                record.commune = Some("Dijon".to_owned());
                record.pays = Some("100".to_owned());
            }
            record
        })
        .collect();
    store.insert_students(&records, None, None, now).await.unwrap();
    let ids = store.student_ids().await.unwrap();
    let relances: Vec<NewRelance> = ids
        .iter()
        .map(|&student_id| NewRelance {
            student_id,
            motif_code: "VAC".to_owned(),
            due_date: date(2026, 11, 15),
            courrier: COURRIER.to_owned(),
            commentaire: Some("note interne".to_owned()),
            created_at: now - SignedDuration::from_hours(24 * 40),
            closed_at: None,
        })
        .collect();
    store.insert_relances(&relances).await.unwrap();
}

async fn run(store: &Store, batch: BatchCode, settings: &JobSettings, now: Timestamp) -> (Duration, serde_json::Value) {
    let config =
        SchedulerConfig::for_this_process(paris(), SignedDuration::from_mins(15), SignedDuration::from_secs(600));
    let engine = Scheduler::new(store.clone(), registry(), settings.clone(), config, TimeSource::manual(now));
    store.request_launch(batch, "bench", now).await.unwrap();
    let started = Instant::now();
    engine.run_launch_here(batch).await.unwrap().unwrap();
    let elapsed = started.elapsed();
    let execution = store.execution_history(batch, 1, 0).await.unwrap().remove(0);
    assert_eq!(execution.status, calcium_core::ExecutionStatus::Finish, "{:?}", execution.message);
    (elapsed, execution.summary.unwrap())
}

fn main() {
    let count: usize = std::env::var("BENCH_LETTERS").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        for kind in backends() {
            let base = TestBase::new(kind).await;
            let store = base.store.clone();
            let dir = tempfile::tempdir().unwrap();
            let now: Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
            let settings = JobSettings { output_dir: dir.path().to_path_buf(), ..JobSettings::spec_defaults(paris()) };
            let setup = Instant::now();
            fill(&store, count, now).await;
            println!("{kind:?}: {count} students and relances inserted in {:.1} s", setup.elapsed().as_secs_f64());

            let (elapsed, summary) = run(&store, BatchCode::RelCou, &settings, now).await;
            let pdf = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "pdf")).unwrap();
            let size = std::fs::metadata(&pdf).unwrap().len();
            let letters = summary["courriers produits"].as_i64().unwrap();
            assert_eq!(letters as usize, count);
            println!(
                "{kind:?}: REL_COU {letters} letters ({} pages) in {:.1} s = {:.0} letters/s, {:.0}% of the 60 s budget; PDF {:.1} MB ({:.0} bytes/page)",
                summary["pages"],
                elapsed.as_secs_f64(),
                letters as f64 / elapsed.as_secs_f64(),
                100.0 * elapsed.as_secs_f64() / BUDGET.as_secs_f64(),
                size as f64 / 1e6,
                size as f64 / letters as f64
            );

            println!("{kind:?}: peak memory of the process so far {:.0} MB", calcium_test_support::peak_rss_mb());

            let (elapsed, summary) = run(&store, BatchCode::LisRel, &settings, now).await;
            let csv = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "csv")).unwrap();
            println!(
                "{kind:?}: LIS_REL {} rows in {:.2} s, CSV {:.1} MB",
                summary["courriers listés"],
                elapsed.as_secs_f64(),
                std::fs::metadata(&csv).unwrap().len() as f64 / 1e6
            );
            let (elapsed, summary) = run(&store, BatchCode::RelCou, &settings, now).await;
            println!("{kind:?}: a second REL_COU finds nothing new in {:.2} s ({})", elapsed.as_secs_f64(), summary["courriers produits"]);
            base.finish().await;
        }
    });
}

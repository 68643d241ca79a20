//! `calcium demo seed`: deterministic French demo data in an empty base.

use calcium_demo::{DemoError, DemoOptions, DemoSummary};
use calcium_store::Store;
use jiff::Timestamp;

use crate::config::Settings;
use crate::failure::Failure;

pub(crate) async fn seed(store: &Store, students: u32, seed: u64, settings: &Settings) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let summary = seed_into(store, students, seed, settings).await?;
    eprintln!(
        "Données de démonstration créées en {:.1} s : {} étudiants ({} doublons plantés), {} consultations \
         ({} ouvertes), {} relances, {} documents scannés ({} classés), {} vaccinations.",
        started.elapsed().as_secs_f64(),
        summary.students,
        summary.planted_duplicates,
        summary.consultations,
        summary.open_consultations,
        summary.relances,
        summary.scan_documents,
        summary.filed_documents,
        summary.vaccinations
    );
    Ok(())
}

pub(crate) async fn seed_into(
    store: &Store,
    students: u32,
    seed: u64,
    settings: &Settings,
) -> Result<DemoSummary, Failure> {
    let now = Timestamp::now();
    let options = DemoOptions { students, seed, today: now.to_zoned_datetime(settings.time_zone.clone()).date(), now };
    calcium_demo::seed(store, &options).await.map_err(|error| match error {
        DemoError::NotEmpty(_) => Failure::refused(error.to_string()),
        other => Failure::Internal(anyhow::Error::new(other).context("données de démonstration")),
    })
}

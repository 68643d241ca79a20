//! The health-data batches (FER_CON, CLEAN_SCAN, CLEAN_RELANCE, MAJ_IDENTITE, MES_VACCINS),
//! each run by the engine as `calcium batch run` runs it, on every backend.

mod health {
    pub(crate) mod clean_relance;
    pub(crate) mod clean_scan;
    pub(crate) mod empty_base;
    pub(crate) mod fer_con;
    pub(crate) mod maj_identite;
    pub(crate) mod mes_vaccins;
}

use std::path::Path;
use std::time::Duration;

use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentRecord};
use calcium_core::{BatchCode, ExecutionStatus};
use calcium_scheduler::{JobSettings, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::{ExecutionRow, Store};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

pub(crate) fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

pub(crate) fn settings(dir: &Path) -> JobSettings {
    JobSettings {
        import_dir: dir.join("import"),
        import_log_dir: dir.join("logs"),
        output_dir: dir.to_path_buf(),
        ..JobSettings::spec_defaults(paris())
    }
}

pub(crate) fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// A student of the base, born on `born`, of nationality `code_natio`.
pub(crate) fn record(nom: &str, prenom: &str, born: Date, code_natio: &str) -> StudentRecord {
    StudentRecord::new(MandatoryValues {
        cod_anu: "2029".to_owned(),
        nom: nom.to_owned(),
        prenom1: prenom.to_owned(),
        sexe: Sexe::Feminin,
        datenai: BirthDate::from_stored(born),
        code_natio: code_natio.to_owned(),
        etb: "0999001A".to_owned(),
        cmp: "SCI".to_owned(),
    })
}

/// A finished run: its row and its log.
pub(crate) struct Ran {
    pub(crate) execution: ExecutionRow,
    pub(crate) log: String,
}

impl Ran {
    pub(crate) fn counts(&self) -> serde_json::Value {
        self.execution.summary.clone().unwrap_or(serde_json::Value::Null)
    }
}

/// Runs `code` at `now` (the engine's clock, so the execution starts at `now`) with
/// `settings`, as `calcium batch run CODE` does with no instance serving the base.
pub(crate) async fn run_batch(store: &Store, code: BatchCode, now: Timestamp, settings: JobSettings) -> Ran {
    let mut config =
        SchedulerConfig::for_this_process(paris(), SignedDuration::from_mins(15), SignedDuration::from_secs(60));
    config.shutdown_grace = Duration::from_secs(5);
    // Nothing scheduled between the base's creation and the tests' dates matters here.
    let batch = store.get_batch(code).await.unwrap();
    store.update_batch_schedule(code, &batch.schedule, now).await.unwrap();
    if !batch.enabled {
        store.set_batch_enabled(code, true, now).await.unwrap();
    }
    let engine = Scheduler::new(store.clone(), calcium_jobs::registry(), settings, config, TimeSource::manual(now));
    store.request_launch(code, "admin", now).await.unwrap();
    let id = engine.run_launch_here(code).await.unwrap().expect("the launch is answered here");
    let execution = store.get_execution(id).await.unwrap();
    assert_ne!(execution.status, ExecutionStatus::Running);
    let log = store.execution_log(id).await.unwrap();
    Ran { execution, log }
}

//! What a batch runs: the [`Job`] trait, the context a run gets, and the registry of jobs.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use calcium_core::BatchCode;
use calcium_store::{ExecutionId, Store};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::cancel::Cancellation;
use crate::time::TimeSource;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The job behind a batch. A job is a plain struct; `run` does the work and reports counts.
/// It checks `ctx.cancellation` at safe points and, when asked to stop, returns
/// [`JobError::Cancelled`] without leaving half-done writes (one transaction per unit of work).
pub trait Job: Send + Sync + 'static {
    fn code(&self) -> BatchCode;
    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>>;
}

/// Why a run did not finish well.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The run stopped because it was asked to (the execution ends CANCELLED).
    #[error("exécution annulée")]
    Cancelled,
    /// The job failed; the message (French, for the history) says why.
    #[error("{0}")]
    Failed(String),
}

impl JobError {
    /// A failure with its whole cause chain.
    pub fn failed(error: impl std::fmt::Display) -> JobError {
        JobError::Failed(format!("{error:#}"))
    }
}

impl From<calcium_store::DbError> for JobError {
    fn from(error: calcium_store::DbError) -> JobError {
        JobError::failed(error)
    }
}

/// The counts a run reports, in order, with their French labels, and a one-line message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobSummary {
    pub counts: Vec<(String, i64)>,
}

impl JobSummary {
    pub fn count(mut self, label: &str, value: i64) -> JobSummary {
        self.counts.push((label.to_owned(), value));
        self
    }

    /// `{"label": n, …}`, stored with the execution.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.counts.iter().map(|(label, value)| (label.clone(), serde_json::Value::from(*value))).collect(),
        )
    }

    /// `label : n, label : n`, the message of the history.
    pub fn message(&self) -> String {
        self.counts.iter().map(|(label, value)| format!("{label} : {value}")).collect::<Vec<_>>().join(", ")
    }
}

/// The settings jobs read (from the configuration, SPEC §5).
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub time_zone: TimeZone,
    pub lease: SignedDuration,
    pub executions_days: u32,
    pub keep_last: u32,
    pub import_logs_days: u32,
    pub relances_days: u32,
    pub scan_days: u32,
    pub rappel_days: u32,
    pub import_dir: PathBuf,
    pub import_file: String,
    pub import_log_dir: PathBuf,
    pub import_model: String,
    /// Who receives the report of the daily import (`import.report_to`).
    pub import_report_to: Option<String>,
    pub output_dir: PathBuf,
    /// The SMTP relay; `None` when `smtp.host` is not set (no mail is sent).
    pub mail: Option<calcium_mail::MailSettings>,
    /// The folder of the letter templates (`relances.templates_dir`); `None`: built-in ones.
    pub relance_templates_dir: Option<PathBuf>,
    /// The encoding of the LIS_REL / LIS_RAP listings (`relances.listing_encoding`).
    pub listing_encoding: calcium_core::relance::ListingEncoding,
    /// The MesVaccins.net connector (`mesvaccins.*`).
    pub mesvaccins: MesVaccinsSettings,
}

/// Where MES_VACCINS fetches the vaccinations, and how.
#[derive(Clone)]
pub struct MesVaccinsSettings {
    /// `mesvaccins.url`; `None`: the batch cannot run (nor be put in service).
    pub url: Option<String>,
    /// `mesvaccins.token`, sent as `Authorization: Bearer …`. Never printed.
    pub token: Option<String>,
    /// `mesvaccins.timeout_seconds`: the whole exchange, connection to last byte.
    pub timeout: std::time::Duration,
}

impl std::fmt::Debug for MesVaccinsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MesVaccinsSettings")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "«masqué»"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl JobSettings {
    /// The defaults of SPEC §5 in time zone `time_zone`; the command line overrides them from
    /// the configuration, tests from what they exercise.
    pub fn spec_defaults(time_zone: TimeZone) -> JobSettings {
        JobSettings {
            time_zone,
            lease: SignedDuration::from_secs(60),
            executions_days: 90,
            keep_last: 20,
            import_logs_days: 90,
            relances_days: 365,
            scan_days: 30,
            rappel_days: 30,
            import_dir: PathBuf::from("import"),
            import_file: "calcium.csv".to_owned(),
            import_log_dir: PathBuf::from("import/logs"),
            import_model: "APOGEE".to_owned(),
            import_report_to: None,
            output_dir: PathBuf::from("output"),
            mail: None,
            mesvaccins: MesVaccinsSettings { url: None, token: None, timeout: std::time::Duration::from_secs(30) },
            relance_templates_dir: None,
            listing_encoding: calcium_core::relance::ListingEncoding::Windows1252,
        }
    }
}

/// The log of one execution: what the job says it did, kept with the execution (and sent
/// to tracing). Lines are buffered and written to the base by the engine.
#[derive(Debug, Clone, Default)]
pub struct ExecutionLog {
    pending: Arc<Mutex<String>>,
}

impl ExecutionLog {
    pub fn info(&self, line: impl AsRef<str>) {
        self.push("INFO", line.as_ref());
    }

    pub fn warn(&self, line: impl AsRef<str>) {
        self.push("ATTENTION", line.as_ref());
    }

    pub fn error(&self, line: impl AsRef<str>) {
        self.push("ERREUR", line.as_ref());
    }

    fn push(&self, level: &str, line: &str) {
        tracing::info!(target: "calcium::job", "{line}");
        let stamp = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ");
        let mut pending = self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.push_str(&format!("{stamp} {level} {line}\n"));
    }

    /// Takes what was logged since the last call.
    pub(crate) fn take(&self) -> String {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// What a run gets: the base, the settings, the clock, its cancellation signal and its log.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub store: Store,
    pub settings: Arc<JobSettings>,
    pub execution: ExecutionId,
    pub cancellation: Cancellation,
    pub log: ExecutionLog,
    pub(crate) time: TimeSource,
}

impl JobContext {
    /// The engine's time (the base's clock in production).
    pub async fn now(&self) -> Result<Timestamp, JobError> {
        Ok(self.time.now(&self.store).await?)
    }

    /// Returns `Err(Cancelled)` when the run was asked to stop: call it at safe points.
    pub fn checkpoint(&self) -> Result<(), JobError> {
        if self.cancellation.is_cancelled() { Err(JobError::Cancelled) } else { Ok(()) }
    }

    /// Publishes the progress of the run (lines done / total), for the page.
    pub async fn progress(&self, done: i64, total: i64) -> Result<(), JobError> {
        Ok(self.store.set_progress(self.execution, done, total).await?)
    }
}

/// The jobs an instance can run, by batch code.
#[derive(Clone, Default)]
pub struct Registry {
    jobs: HashMap<BatchCode, Arc<dyn Job>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.jobs.keys()).finish()
    }
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn with(mut self, job: impl Job) -> Registry {
        self.jobs.insert(job.code(), Arc::new(job));
        self
    }

    pub fn get(&self, code: BatchCode) -> Option<Arc<dyn Job>> {
        self.jobs.get(&code).cloned()
    }
}

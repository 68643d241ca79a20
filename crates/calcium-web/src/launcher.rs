//! How the web application starts a student import without knowing the import itself.
//!
//! The import pipeline and the batch engine live below the command line (`calcium-jobs`,
//! `calcium-scheduler`); `calcium serve` implements [`ImportLauncher`] with them and hands it to
//! [`crate::AppState::with_import_launcher`]. This crate only saves the uploaded file, asks for
//! the import and shows the execution it becomes.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use calcium_store::ExecutionId;
use tokio::sync::oneshot;

/// A boxed future, so that the trait stays object safe.
pub type LaunchFuture<'a> = Pin<Box<dyn Future<Output = Result<StartedImport, ImportRefused>> + Send + 'a>>;

/// Starts manual imports (IMP_QUO executions with the trigger "import manuel").
pub trait ImportLauncher: Send + Sync + fmt::Debug + 'static {
    /// Records the execution (RUNNING) and returns at once; the import goes on in the
    /// background and its report arrives on [`StartedImport::report`].
    fn start(&self, request: ImportRequest) -> LaunchFuture<'_>;
}

/// One import asked for from the page or the API.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The uploaded file, saved by this crate.
    pub path: PathBuf,
    /// The name the user's file had, for the history ("import manuel : etudiants.csv").
    pub file_name: String,
    /// An import model code known to the base.
    pub model: String,
    /// The login of the administrator who imported.
    pub user: String,
    /// Where the report mail goes: the administrator's address, when they have one.
    pub notify: Option<String>,
}

/// An import under way.
#[derive(Debug)]
pub struct StartedImport {
    pub execution: ExecutionId,
    /// The import's report (the JSON of `calcium import --json`) once it ends; `None` when the
    /// run failed before producing one.
    pub report: oneshot::Receiver<Option<serde_json::Value>>,
}

/// Why an import did not start.
#[derive(Debug, thiserror::Error)]
pub enum ImportRefused {
    #[error("IMP_QUO est déjà en cours d'exécution : réessayez à la fin de l'import en cours")]
    AlreadyRunning,
    #[error("l'import n'a pas pu démarrer")]
    Failed(#[source] anyhow::Error),
}

//! The storage contract of Calcium batch and its two implementations.
//!
//! [`Store`] is the one door to the base. The backend, SQLite (default, one machine) or
//! PostgreSQL (several instances), is chosen once, from the URL given to [`Store::connect`];
//! no caller ever branches on it. Both backends run the same SQL text wherever the dialects
//! agree (`$n` placeholders, `ON CONFLICT`, `RETURNING`, partial indexes), through the
//! [`on_backend!`] macro, which expands one body once per driver. Where they differ (bulk
//! loads, the database clock) each backend has its own arm.
//!
//! This is the only crate that contains SQL. It must not know about HTTP, files or the
//! command line, and it holds no business rule beyond the integrity the schema enforces.
//!
//! Conventions: instants are stored as UTC epoch milliseconds (`BIGINT`) in both backends;
//! calendar dates are `DATE` in PostgreSQL and ISO 8601 `TEXT` in SQLite (see [`types`]).

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

mod batches;
mod copy_binary;
mod duplicates;
mod error;
mod executions;
mod files;
mod health;
mod health_batches;
mod import_session;
mod live_progress;
mod migration_lock;
mod reference;
mod relance_letters;
mod scheduling;
mod students;
pub mod types;
mod users;

pub use batches::BatchRow;
pub use duplicates::{DuplicateFilter, DuplicateRefresh, DuplicateReview, DuplicateSide, DuplicateSubject};
pub use error::DbError;
pub use executions::{ExecutionId, ExecutionRow, NewExecution};
pub use files::{FileKind, NewProducedFile, ProducedFile};
pub use health::{
    Consultation, DuplicateCandidate, DuplicateStatus, IdentityStat, NewConsultation, NewRelance, NewScanDocument,
    NewVaccination, Relance, ScanDocument, Vaccination,
};
pub use health_batches::{
    IdentityClassification, IdentityCounts, IdentityInputs, RelanceCleanup, ScanCleanup, StudentCandidate,
    VaccinationUpsert,
};
pub use import_session::{ImportMode, ImportSession, KnownIne, StudentMatch};
pub use reference::{ImportModel, NomenclatureRow};
pub use relance_letters::{
    LetterCandidate, LetterState, LetterStudent, LetterToList, NewLetter, PendingMail, RelanceFilter, RelanceOverview,
};
pub use scheduling::{InstanceRow, LaunchRequest, OccurrenceClaim, ReapedExecution};
pub use students::{ImportWrite, SliceWrite, StudentQuery};
pub use users::{NewUser, SessionRow, UserId, UserRow};

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// Expands `$body` once per backend, with `$pool` bound to that backend's pool. The body is
/// the same text in both arms, so it must compile against both drivers: that is how one SQL
/// statement serves SQLite and PostgreSQL without a generic maze.
macro_rules! on_backend {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_backend;

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The base: a pool of connections to SQLite or PostgreSQL. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

/// Which kind of base a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    pub fn of_url(url: &str) -> Option<BackendKind> {
        if url.starts_with("sqlite:") {
            Some(BackendKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(BackendKind::Postgres)
        } else {
            None
        }
    }
}

/// The page size of a SQLite base created here (bytes; a base keeps the size it was created
/// with). A student row holds some 430 bytes: 16 KiB pages hold four times as many as SQLite's
/// default 4 KiB, so a million students take a quarter of the pages to allocate, write to the
/// WAL, checkpoint and scan when indexes are built: a first import of a million lines measured
/// a fifth faster (`cargo bench -p calcium-cli --bench import`). Reading one row reads a bigger
/// page, which the operating system's cache makes no dearer.
const SQLITE_PAGE_SIZE: u32 = 16 * 1024;

/// A file or folder named after a SQLite base file, beside it (`calcium.db-progress` for
/// `calcium.db` and `progress`); `None` for a base in memory, which no other process can open.
fn beside_the_base(base_file: &std::path::Path, what: &str) -> Option<std::path::PathBuf> {
    let name = base_file.file_name()?.to_str()?;
    if base_file == std::path::Path::new(":memory:") || name.is_empty() {
        return None;
    }
    Some(base_file.with_file_name(format!("{name}-{what}")))
}

/// sqlx warns, in English and with the whole SQL, of every statement over a second: here a
/// migration rebuilding a table or an import building its indexes takes several, by design,
/// and an administrator's terminal should not read that as a fault. They stay in the debug log.
const SLOW_STATEMENT_LEVEL: log::LevelFilter = log::LevelFilter::Debug;
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

impl Store {
    /// Opens the base named by `url` (`sqlite://path` or `postgres://…`). A SQLite file is
    /// created on first use, in WAL mode with foreign keys on and a busy timeout, so that the
    /// web server, the scheduler and a CLI command can share it.
    pub async fn connect(url: &str) -> Result<Store> {
        let backend = match BackendKind::of_url(url) {
            Some(BackendKind::Sqlite) => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| DbError::BadUrl(e.to_string()))?
                    .create_if_missing(true)
                    .page_size(SQLITE_PAGE_SIZE)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // Statement journals in memory: a multi-row INSERT inside the import's
                    // transaction otherwise writes one to a temporary file, page by page.
                    .pragma("temp_store", "memory")
                    .busy_timeout(Duration::from_secs(30))
                    .log_slow_statements(SLOW_STATEMENT_LEVEL, SLOW_STATEMENT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(DbError::unavailable)?;
                Backend::Sqlite(pool)
            }
            Some(BackendKind::Postgres) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| DbError::BadUrl(e.to_string()))?
                    .log_slow_statements(SLOW_STATEMENT_LEVEL, SLOW_STATEMENT);
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(DbError::unavailable)?;
                Backend::Postgres(pool)
            }
            None => return Err(DbError::BadUrl(format!("« {url} » ne commence ni par sqlite:// ni par postgres://"))),
        };
        Ok(Store { backend })
    }

    /// Where a SQLite base's running executions publish their progress (none on PostgreSQL,
    /// which takes it in the row, nor for a base in memory).
    fn live_progress(&self) -> Option<live_progress::LiveProgress> {
        match &self.backend {
            Backend::Sqlite(pool) => live_progress::LiveProgress::beside(pool.connect_options().get_filename()),
            Backend::Postgres(_) => None,
        }
    }

    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let _one_at_a_time =
                    migration_lock::MigrationLock::acquire(pool.connect_options().get_filename()).await?;
                sqlx::migrate!("migrations/sqlite").run(pool).await?;
            }
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Migrates, then makes sure the twelve batches, the import models and the nomenclatures
    /// exist. Safe to run from every command and every instance at once.
    pub async fn bootstrap(&self, now: jiff::Timestamp) -> Result<()> {
        self.migrate().await?;
        let definitions: Vec<_> = calcium_core::BatchCode::ALL.iter().map(|code| code.definition()).collect();
        self.ensure_batches(&definitions, now).await?;
        self.ensure_reference_data().await
    }

    /// Checks that the base answers.
    pub async fn ping(&self) -> Result<()> {
        on_backend!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Closes every connection (waits for the ones in use).
    pub async fn close(&self) {
        on_backend!(self, |pool| pool.close().await);
    }
}

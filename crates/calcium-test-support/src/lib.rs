//! Test helpers shared by the crates' test suites (a dev-dependency only).
//!
//! [`TestBase`] owns a fresh, migrated base: a SQLite file in a temporary folder, or a
//! throwaway PostgreSQL database created from `TEST_POSTGRES_URL` (a URL whose role may
//! `CREATE DATABASE`) and dropped at the end. [`backends`] lists the backends a test must run
//! on: SQLite always; PostgreSQL when `TEST_POSTGRES_URL` is set. In CI (`CI=true`) a missing
//! PostgreSQL is a failure, never a silent skip.

#![allow(clippy::print_stderr, reason = "a skipped backend is said on the test output")]

use std::sync::atomic::{AtomicU32, Ordering};

mod files;
mod http;
mod smtp;

pub use files::{student_file, student_line};
pub use http::{free_port, http_get};
pub use smtp::{ReceivedMail, SmtpSink};

use calcium_store::{BackendKind, Store};
use sqlx::Connection;

/// The environment variable naming the PostgreSQL server the tests may use.
pub const POSTGRES_URL_VAR: &str = "TEST_POSTGRES_URL";

/// The backends this run must test.
pub fn backends() -> Vec<BackendKind> {
    let mut kinds = vec![BackendKind::Sqlite];
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => kinds.push(BackendKind::Postgres),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL tests are mandatory in CI")
        }
        _ => eprintln!("note: {POSTGRES_URL_VAR} is not set, PostgreSQL tests skipped (SQLite only)"),
    }
    kinds
}

/// A fresh base for one test. Call [`TestBase::finish`] at the end to drop a PostgreSQL
/// database; a SQLite file goes with its temporary folder.
#[derive(Debug)]
pub struct TestBase {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestBase {
    /// A fresh, bootstrapped base of the given kind.
    pub async fn new(kind: BackendKind) -> TestBase {
        let base = TestBase::empty(kind).await;
        base.store.bootstrap(jiff::Timestamp::now()).await.expect("bootstrap of the test base");
        base
    }

    /// A fresh base with nothing in it, not even the schema.
    pub async fn empty(kind: BackendKind) -> TestBase {
        match kind {
            BackendKind::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("calcium.db").display());
                let store = Store::connect(&url).await.expect("SQLite test base");
                TestBase { store, url, _dir: Some(dir), postgres: None }
            }
            BackendKind::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_VAR).expect("TEST_POSTGRES_URL");
                let name = format!(
                    "calcium_t{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    jiff::Timestamp::now().as_millisecond() % 1_000_000
                );
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connection to TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("CREATE DATABASE for a test");
                admin.close().await.ok();
                let url = with_database(&admin_url, &name);
                let store = Store::connect(&url).await.expect("PostgreSQL test base");
                TestBase { store, url, _dir: None, postgres: Some((admin_url, name)) }
            }
        }
    }

    /// The number an SQL query answers, asked behind the store's back: for a test that needs
    /// to see or make a state no public operation shows or makes (a value an earlier version
    /// left, say). A statement that answers no row (an UPDATE) gives its affected rows.
    pub async fn sql_number(&self, sql: &str) -> i64 {
        let query = || sqlx::AssertSqlSafe(sql.to_owned());
        let answers_a_row = sql.trim_start().to_uppercase().starts_with("SELECT");
        if self.postgres.is_some() {
            let mut connection = sqlx::PgConnection::connect(&self.url).await.expect("test base");
            if answers_a_row {
                sqlx::query_scalar(query()).fetch_one(&mut connection).await.expect(sql)
            } else {
                sqlx::query(query()).execute(&mut connection).await.expect(sql).rows_affected() as i64
            }
        } else {
            let mut connection = sqlx::SqliteConnection::connect(&self.url).await.expect("test base");
            if answers_a_row {
                sqlx::query_scalar(query()).fetch_one(&mut connection).await.expect(sql)
            } else {
                sqlx::query(query()).execute(&mut connection).await.expect(sql).rows_affected() as i64
            }
        }
    }

    /// Closes the base and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin_url, name)) = self.postgres {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connection to TEST_POSTGRES_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .execute(&mut admin)
                .await
                .expect("DROP DATABASE of a test");
        }
    }
}

/// Runs `scenario` on a fresh, bootstrapped base of every backend under test.
pub async fn on_every_backend<F, Fut>(scenario: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for kind in backends() {
        let base = TestBase::new(kind).await;
        scenario(base.store.clone()).await;
        base.finish().await;
    }
}

/// The `calcium` binary (`env!("CARGO_BIN_EXE_calcium")` in the caller) run in `dir` on the
/// base `database_url`, with none of the caller's own `CALCIUM_*` variables.
pub fn calcium_command(binary: &str, database_url: &str, dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(binary);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("CALCIUM_")) {
        command.env_remove(name);
    }
    command.current_dir(dir).env("CALCIUM_DATABASE_URL", database_url);
    command
}

/// The same URL with another database name (keeps `?host=…` and other parameters).
pub fn with_database(url: &str, database: &str) -> String {
    let (address, query) = match url.split_once('?') {
        Some((address, query)) => (address, Some(query)),
        None => (url, None),
    };
    let after_scheme = address.find("://").map_or(0, |i| i + 3);
    let root = match address[after_scheme..].find('/') {
        Some(slash) => &address[..after_scheme + slash],
        None => address,
    };
    match query {
        Some(query) => format!("{root}/{database}?{query}"),
        None => format!("{root}/{database}"),
    }
}

/// Records an execution of `batch` started at `started_at` that ended FINISH `duration` later,
/// as the engine would have: for tests of what reads the history (CLEAN, pages). Returns its id.
pub async fn record_finished_run(
    store: &Store,
    batch: calcium_core::BatchCode,
    trigger: calcium_core::Trigger,
    started_at: jiff::Timestamp,
    duration: jiff::SignedDuration,
) -> calcium_store::ExecutionId {
    use calcium_core::ExecutionStatus;
    let id = store
        .insert_execution(&calcium_store::NewExecution {
            batch,
            status: ExecutionStatus::Running,
            trigger,
            occurrence: (trigger == calcium_core::Trigger::Schedule).then_some(started_at),
            triggered_by: (trigger != calcium_core::Trigger::Schedule).then(|| "admin".into()),
            instance_id: None,
            started_at,
            message: None,
        })
        .await
        .expect("an execution of a test");
    store
        .finish_run(
            id,
            ExecutionStatus::Finish,
            started_at + duration,
            jiff::SignedDuration::from_secs(60),
            None,
            None,
            None,
        )
        .await
        .expect("the end of an execution of a test");
    id
}

/// The peak resident memory of this process so far, in MB (Linux; 0 elsewhere): what the
/// benchmarks report beside their times.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced_and_parameters_kept() {
        use super::with_database;
        assert_eq!(with_database("postgres://u:p@127.0.0.1/postgres", "x"), "postgres://u:p@127.0.0.1/x");
        assert_eq!(
            with_database("postgres://u@localhost/db?host=/run/pg", "x"),
            "postgres://u@localhost/x?host=/run/pg"
        );
        assert_eq!(with_database("postgres://u@localhost:5433", "x"), "postgres://u@localhost:5433/x");
    }
}

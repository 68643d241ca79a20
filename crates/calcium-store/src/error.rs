use std::fmt;

/// What can go wrong with the base, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The URL does not name a base this program knows.
    #[error("adresse de base invalide : {0}")]
    BadUrl(String),
    /// The base cannot be reached or opened.
    #[error("base injoignable : {0}")]
    Unavailable(String),
    /// A migration failed.
    #[error("migration de la base impossible : {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A uniqueness rule refused the write; `constraint` names it when the base says so.
    #[error("conflit avec une donnée existante ({})", .constraint.as_deref().unwrap_or("contrainte d'unicité"))]
    Conflict { constraint: Option<String> },
    /// The row asked for does not exist.
    #[error("{0} introuvable")]
    NotFound(NotFound),
    /// A stored value does not parse back into its domain type: the base was changed by hand.
    #[error("valeur stockée illisible : {0}")]
    Corrupt(String),
    #[error(transparent)]
    Other(sqlx::Error),
    /// A failure of the import's own SQLite connection.
    #[error("base SQLite : {0}")]
    Sqlite(rusqlite::Error),
}

/// What was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    Batch(String),
    Execution(i64),
    Student(i64),
    User(String),
    ImportModel(String),
    File(i64),
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotFound::Batch(code) => write!(f, "batch {code}"),
            NotFound::Execution(id) => write!(f, "exécution {id}"),
            NotFound::Student(id) => write!(f, "étudiant {id}"),
            NotFound::User(login) => write!(f, "utilisateur {login}"),
            NotFound::ImportModel(code) => write!(f, "modèle d'importation {code}"),
            NotFound::File(id) => write!(f, "fichier produit {id}"),
        }
    }
}

impl DbError {
    pub(crate) fn unavailable(error: sqlx::Error) -> DbError {
        DbError::Unavailable(error.to_string())
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, DbError::Conflict { .. })
    }

    /// PostgreSQL broke a deadlock by aborting this transaction (SQLSTATE 40P01): run again,
    /// it may well pass.
    pub(crate) fn is_deadlock(&self) -> bool {
        matches!(self, DbError::Other(sqlx::Error::Database(db)) if db.code().as_deref() == Some("40P01"))
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> DbError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                DbError::Conflict { constraint: db.constraint().map(str::to_owned) }
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => DbError::unavailable(error),
            _ => DbError::Other(error),
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> DbError {
        use rusqlite::ErrorCode::{CannotOpen, DatabaseBusy, DatabaseLocked};
        match error.sqlite_error_code() {
            Some(CannotOpen | DatabaseBusy | DatabaseLocked) => DbError::Unavailable(error.to_string()),
            _ => DbError::Sqlite(error),
        }
    }
}

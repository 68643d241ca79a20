//! Files the batches produce (import logs, listings, letters): recorded so that downloads
//! only ever serve paths the base knows, and so that CLEAN can purge them.

use jiff::Timestamp;

use crate::types::{from_millis, to_millis};
use crate::{DbError, Result, Store, on_backend};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    ImportLog,
    ImportErrorLog,
    ImportErrorCsv,
    RelanceListing,
    RappelListing,
    RelanceLetters,
    RappelLetters,
}

impl FileKind {
    const ALL: [FileKind; 7] = [
        FileKind::ImportLog,
        FileKind::ImportErrorLog,
        FileKind::ImportErrorCsv,
        FileKind::RelanceListing,
        FileKind::RappelListing,
        FileKind::RelanceLetters,
        FileKind::RappelLetters,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::ImportLog => "IMPORT_LOG",
            FileKind::ImportErrorLog => "IMPORT_ERROR_LOG",
            FileKind::ImportErrorCsv => "IMPORT_ERROR_CSV",
            FileKind::RelanceListing => "RELANCE_LISTING",
            FileKind::RappelListing => "RAPPEL_LISTING",
            FileKind::RelanceLetters => "RELANCE_LETTERS",
            FileKind::RappelLetters => "RAPPEL_LETTERS",
        }
    }

    pub fn parse(text: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct NewProducedFile<'a> {
    pub kind: FileKind,
    pub path: &'a str,
    pub file_name: &'a str,
    pub size_bytes: i64,
    pub execution_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducedFile {
    pub id: i64,
    pub kind: FileKind,
    pub path: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub execution_id: Option<i64>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub(crate) struct RawFile {
    id: i64,
    kind: String,
    path: String,
    file_name: String,
    size_bytes: i64,
    execution_id: Option<i64>,
    created_at: i64,
}

impl TryFrom<RawFile> for ProducedFile {
    type Error = DbError;

    fn try_from(raw: RawFile) -> Result<ProducedFile> {
        Ok(ProducedFile {
            kind: FileKind::parse(&raw.kind).ok_or_else(|| DbError::Corrupt(format!("fichier {}", raw.id)))?,
            id: raw.id,
            path: raw.path,
            file_name: raw.file_name,
            size_bytes: raw.size_bytes,
            execution_id: raw.execution_id,
            created_at: from_millis(raw.created_at)?,
        })
    }
}

/// The INSERT of a produced file on any executor (a pool, or a transaction that records the
/// file together with what refers to it); the future gives its id.
macro_rules! insert_produced_file {
    ($executor:expr, $file:expr, $now:expr) => {{
        let file: &$crate::files::NewProducedFile<'_> = $file;
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO produced_file (kind, path, file_name, size_bytes, execution_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(file.kind.as_str())
        .bind(file.path)
        .bind(file.file_name)
        .bind(file.size_bytes)
        .bind(file.execution_id)
        .bind($crate::types::to_millis($now))
        .fetch_one($executor)
    }};
}
pub(crate) use insert_produced_file;

impl Store {
    pub async fn record_produced_file(&self, file: &NewProducedFile<'_>, now: Timestamp) -> Result<i64> {
        Ok(on_backend!(self, |pool| { insert_produced_file!(pool, file, now).await? }))
    }

    /// The produced files, newest first.
    pub async fn list_produced_files(&self, limit: u32) -> Result<Vec<ProducedFile>> {
        let raws: Vec<RawFile> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, path, file_name, size_bytes, execution_id, created_at FROM produced_file \
                 ORDER BY created_at DESC, id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        raws.into_iter().map(ProducedFile::try_from).collect()
    }

    /// The produced files created before `before`, oldest first.
    pub async fn produced_files_before(&self, before: Timestamp) -> Result<Vec<ProducedFile>> {
        let raws: Vec<RawFile> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, path, file_name, size_bytes, execution_id, created_at FROM produced_file \
                 WHERE created_at < $1 ORDER BY created_at, id",
            )
            .bind(to_millis(before))
            .fetch_all(pool)
            .await?
        });
        raws.into_iter().map(ProducedFile::try_from).collect()
    }

    pub async fn get_produced_file(&self, id: i64) -> Result<Option<ProducedFile>> {
        let raw: Option<RawFile> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, path, file_name, size_bytes, execution_id, created_at FROM produced_file WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        raw.map(ProducedFile::try_from).transpose()
    }

    /// The files an execution produced, in the order they were recorded.
    pub async fn produced_files_of_execution(&self, execution_id: i64) -> Result<Vec<ProducedFile>> {
        let raws: Vec<RawFile> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, path, file_name, size_bytes, execution_id, created_at FROM produced_file \
                 WHERE execution_id = $1 ORDER BY id",
            )
            .bind(execution_id)
            .fetch_all(pool)
            .await?
        });
        raws.into_iter().map(ProducedFile::try_from).collect()
    }
}

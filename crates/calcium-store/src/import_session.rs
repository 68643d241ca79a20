//! One import's transaction: bulk look-ups of the students a slice of the file may be about,
//! and bulk writes of what the import decided, all in one transaction that is committed at the
//! end or rolled back (on any error, or when the session is dropped, e.g. by a crash).
//!
//! The import streams its file slice by slice, so everything here takes a slice's worth of
//! values at a time and answers with one or a few statements, never one per line. The look-ups
//! answer with [`StudentMatch`]es (a few columns) rather than whole students: on a daily
//! re-import nearly every line equals what is stored, which the stored fingerprint tells.
//!
//! Per backend: SQLite takes the values as one JSON array (`json_each`), which lets its planner
//! probe the indexes once per value; PostgreSQL takes arrays (`= ANY`, `unnest`) and loads new
//! and changed students with `COPY`, the fastest way into it.

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{BirthDate, Fingerprint, Ine, Student, StudentId};
use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};

use crate::copy_text::CopyRow;
use crate::students::{
    ImportWrite, KEY_AND_PROVENANCE_COLUMNS, RECORD_COLUMNS, RawStudent, bind_student, insert_head, select_student,
    update_statement,
};
use crate::types::{DbDate, to_millis};
use crate::{Backend, DbError, Result, Store};

/// Rows per multi-row INSERT on SQLite: 56 binds a row stays under its 32 766 bind limit.
const SQLITE_ROWS_PER_INSERT: usize = 500;

/// The page cache an import gives its SQLite connection (KiB, as `PRAGMA cache_size` takes
/// negative numbers): with the default 2 MB, the random inserts into the student indexes
/// spill pages to the WAL long before the commit, which doubled the time of a first import.
const SQLITE_IMPORT_CACHE_KIB: i64 = 64 * 1024;
const SQLITE_DEFAULT_CACHE_KIB: i64 = 2000;

/// What matching needs of a stored student: who it is, its INE, its secondary keys and the
/// fingerprint of its record (absent for students written before fingerprints existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentMatch {
    pub id: StudentId,
    pub ine: Option<Ine>,
    pub key: SecondaryKey,
    pub fingerprint: Option<Fingerprint>,
}

#[derive(sqlx::FromRow)]
struct RawMatch {
    id: i64,
    cod_nne: Option<String>,
    nom_key: String,
    prenom_key: String,
    datenai: DbDate,
    code_natio: String,
    fingerprint: Option<i64>,
}

impl TryFrom<RawMatch> for StudentMatch {
    type Error = DbError;

    fn try_from(raw: RawMatch) -> Result<StudentMatch> {
        let ine = raw
            .cod_nne
            .map(|v| Ine::parse(&v))
            .transpose()
            .map_err(|_| DbError::Corrupt(format!("étudiant {}, colonne cod_nne", raw.id)))?;
        Ok(StudentMatch {
            id: StudentId(raw.id),
            ine,
            // The stored name keys are already normalised by the store: taken as they are.
            key: SecondaryKey {
                nom: raw.nom_key,
                prenom: raw.prenom_key,
                birth_date: BirthDate::from_stored(raw.datenai.0),
                nationality: raw.code_natio.trim().to_uppercase(),
            },
            fingerprint: raw.fingerprint.map(Fingerprint),
        })
    }
}

const MATCH_COLUMNS: &str = "s.id, s.cod_nne, s.nom_key, s.prenom_key, s.datenai, s.code_natio, s.fingerprint";

/// On SQLite the matches come back as one JSON array: sqlx hands every row of a result from
/// its worker thread to the caller one by one, which cost more than the look-up itself.
const SQLITE_MATCHES: &str = "json_group_array(json_array(s.id, s.cod_nne, s.nom_key, s.prenom_key, s.datenai, \
     s.code_natio, s.fingerprint))";

type JsonMatch = (i64, Option<String>, String, String, String, String, Option<i64>);

fn raw_matches_from_json(json: &str) -> Result<Vec<RawMatch>> {
    let corrupt = |what: String| DbError::Corrupt(format!("recherche d'étudiants : {what}"));
    let rows: Vec<JsonMatch> = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    rows.into_iter()
        .map(|(id, cod_nne, nom_key, prenom_key, datenai, code_natio, fingerprint)| {
            let datenai = DbDate(datenai.parse().map_err(|_| corrupt(format!("étudiant {id}, datenai {datenai}")))?);
            Ok(RawMatch { id, cod_nne, nom_key, prenom_key, datenai, code_natio, fingerprint })
        })
        .collect()
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An import's open transaction. Dropping it without [`ImportSession::commit`] rolls back.
pub struct ImportSession {
    tx: Tx,
}

impl std::fmt::Debug for ImportSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match self.tx {
            Tx::Sqlite(_) => "sqlite",
            Tx::Postgres(_) => "postgres",
        };
        f.debug_struct("ImportSession").field("backend", &backend).finish()
    }
}

/// Whether an import session will write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    Write,
    /// Looks up only, and is rolled back: takes no write lock.
    DryRun,
}

impl Store {
    /// Opens an import's transaction. To write, on SQLite, it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): an import reads, then writes, and a transaction that upgrades from
    /// reading to writing after another connection wrote would fail instead of waiting.
    pub async fn begin_import(&self, mode: ImportMode) -> Result<ImportSession> {
        let tx = match &self.backend {
            Backend::Sqlite(pool) => {
                let begin = match mode {
                    ImportMode::Write => "BEGIN IMMEDIATE",
                    ImportMode::DryRun => "BEGIN",
                };
                let mut tx = pool.begin_with(begin).await?;
                let pragma = format!("PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}");
                sqlx::query(sqlx::AssertSqlSafe(pragma)).execute(&mut *tx).await?;
                Tx::Sqlite(tx)
            }
            Backend::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(ImportSession { tx })
    }
}

impl ImportSession {
    /// The students holding any of `ines`.
    pub async fn matches_by_ines(&mut self, ines: &[&str]) -> Result<Vec<StudentMatch>> {
        if ines.is_empty() {
            return Ok(Vec::new());
        }
        let raws: Vec<RawMatch> = match &mut self.tx {
            Tx::Sqlite(tx) => {
                let sql = format!(
                    "SELECT {SQLITE_MATCHES} FROM student AS s WHERE s.cod_nne IN (SELECT value FROM json_each($1))"
                );
                let json: String =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(json_array(ines)).fetch_one(&mut **tx).await?;
                raw_matches_from_json(&json)?
            }
            Tx::Postgres(tx) => {
                let sql = format!("SELECT {MATCH_COLUMNS} FROM student AS s WHERE s.cod_nne = ANY($1)");
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ines).fetch_all(&mut **tx).await?
            }
        };
        raws.into_iter().map(StudentMatch::try_from).collect()
    }

    /// The students whose normalised secondary keys are any of `keys` (given without repeats).
    pub async fn matches_by_keys(&mut self, keys: &[SecondaryKey]) -> Result<Vec<StudentMatch>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let dates: Vec<String> = keys.iter().map(|k| k.birth_date.date().to_string()).collect();
        let raws: Vec<RawMatch> = match &mut self.tx {
            Tx::Sqlite(tx) => {
                let tuples: Vec<[&str; 4]> = keys
                    .iter()
                    .zip(&dates)
                    .map(|(k, date)| [k.nom.as_str(), k.prenom.as_str(), date.as_str(), k.nationality.as_str()])
                    .collect();
                let sql = format!(
                    "SELECT {SQLITE_MATCHES} FROM json_each($1) AS k JOIN student AS s \
                     ON s.nom_key = k.value ->> 0 AND s.prenom_key = k.value ->> 1 \
                     AND s.datenai = k.value ->> 2 AND s.code_natio = k.value ->> 3"
                );
                let json: String =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(json_array(&tuples)).fetch_one(&mut **tx).await?;
                raw_matches_from_json(&json)?
            }
            Tx::Postgres(tx) => {
                let noms: Vec<&str> = keys.iter().map(|k| k.nom.as_str()).collect();
                let prenoms: Vec<&str> = keys.iter().map(|k| k.prenom.as_str()).collect();
                let nationalities: Vec<&str> = keys.iter().map(|k| k.nationality.as_str()).collect();
                let sql = format!(
                    "SELECT {MATCH_COLUMNS} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
                     AS k(nom_key, prenom_key, datenai, code_natio) JOIN student AS s \
                     ON s.nom_key = k.nom_key AND s.prenom_key = k.prenom_key \
                     AND s.datenai = k.datenai::date AND s.code_natio = k.code_natio"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(noms)
                    .bind(prenoms)
                    .bind(&dates)
                    .bind(nationalities)
                    .fetch_all(&mut **tx)
                    .await?
            }
        };
        raws.into_iter().map(StudentMatch::try_from).collect()
    }

    /// The whole records of the students `ids`, for the lines that change them.
    pub async fn students_by_ids(&mut self, ids: &[StudentId]) -> Result<Vec<Student>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        let raws: Vec<RawStudent> = match &mut self.tx {
            Tx::Sqlite(tx) => {
                let sql = format!("{} WHERE id IN (SELECT value FROM json_each($1))", select_student());
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(json_array(&ids)).fetch_all(&mut **tx).await?
            }
            Tx::Postgres(tx) => {
                let sql = format!("{} WHERE id = ANY($1)", select_student());
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&ids).fetch_all(&mut **tx).await?
            }
        };
        raws.into_iter().map(Student::try_from).collect()
    }

    /// Writes a slice of the import: new students, then changed ones. Returns (created, updated).
    pub async fn write(&mut self, write: &ImportWrite<'_>) -> Result<(u64, u64)> {
        let now = to_millis(write.now);
        let (model, execution) = (Some(write.import_model), write.execution_id);
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                let (mut created, mut updated) = (0, 0);
                let head = insert_head();
                for chunk in write.creates.chunks(SQLITE_ROWS_PER_INSERT) {
                    let mut builder = QueryBuilder::new(head.as_str());
                    builder.push_values(chunk, |mut row, record| {
                        bind_student!(row, push_bind, *record, model, execution);
                        row.push_bind(now).push_bind(now);
                    });
                    // Only the full-size statement is worth keeping prepared: a slice's last
                    // chunk has a size of its own, and each would hold megabytes in the cache.
                    let full = chunk.len() == SQLITE_ROWS_PER_INSERT;
                    created += builder.build().persistent(full).execute(&mut **tx).await?.rows_affected();
                }
                let update = update_statement();
                for (id, record) in &write.updates {
                    updated += bind_student!(
                        sqlx::query(sqlx::AssertSqlSafe(update.clone())),
                        bind,
                        *record,
                        model,
                        execution
                    )
                    .bind(now)
                    .bind(id.0)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
                }
                Ok((created, updated))
            }
            Tx::Postgres(tx) => {
                let created = copy_creates(tx, write, now).await?;
                let updated = copy_updates(tx, write, now).await?;
                Ok((created, updated))
            }
        }
    }

    /// Makes the whole import visible at once. `execution` is the run doing the import: on
    /// SQLite its heartbeat (and its instance's) is written with the data. While the import
    /// holds SQLite's write lock, nothing else can write, not even the lease renewals of that
    /// very run, nor a reaper; without this, a run longer than its lease would come out of the
    /// commit with a stale heartbeat and be taken for dead, its import done but its end lost.
    pub async fn commit(self, execution: Option<i64>) -> Result<()> {
        match self.tx {
            Tx::Sqlite(mut tx) => {
                if let Some(execution) = execution {
                    const NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
                    let execution_alive = format!(
                        "UPDATE execution SET heartbeat_at = MAX(COALESCE(heartbeat_at, 0), {NOW}) \
                         WHERE id = $1 AND status = 'RUNNING'"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(execution_alive)).bind(execution).execute(&mut *tx).await?;
                    let instance_alive = format!(
                        "UPDATE instance SET heartbeat_at = MAX(heartbeat_at, {NOW}) \
                         WHERE id = (SELECT instance_id FROM execution WHERE id = $1)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(instance_alive)).bind(execution).execute(&mut *tx).await?;
                }
                // Gives the pooled connection its usual cache back (the dirty pages are written
                // by the commit either way).
                let pragma = format!("PRAGMA cache_size = -{SQLITE_DEFAULT_CACHE_KIB}");
                sqlx::query(sqlx::AssertSqlSafe(pragma)).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Leaves the base as it was (a dry run, or an import that stopped).
    pub async fn rollback(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// `["a","b"]`: the one parameter SQLite's `json_each` reads a list from.
fn json_array<T: serde::Serialize + ?Sized>(values: &T) -> String {
    serde_json::to_string(values).expect("strings and numbers always serialise")
}

/// `COPY student (…) FROM STDIN`: new students straight into the table, ids from its sequence.
async fn copy_creates(tx: &mut Transaction<'static, Postgres>, write: &ImportWrite<'_>, now: i64) -> Result<u64> {
    if write.creates.is_empty() {
        return Ok(0);
    }
    let (model, execution) = (Some(write.import_model), write.execution_id);
    let mut data = Vec::with_capacity(write.creates.len() * 400);
    for record in &write.creates {
        let mut row = CopyRow::new(&mut data);
        bind_student!(row, push_bind, *record, model, execution);
        row.push_bind(now).push_bind(now).end();
    }
    let statement =
        format!("COPY student ({RECORD_COLUMNS}, {KEY_AND_PROVENANCE_COLUMNS}, created_at, updated_at) FROM STDIN");
    copy_in(tx, &statement, data).await
}

/// Changed students: `COPY` into a staging table dropped at commit, then one set-based UPDATE.
async fn copy_updates(tx: &mut Transaction<'static, Postgres>, write: &ImportWrite<'_>, now: i64) -> Result<u64> {
    if write.updates.is_empty() {
        return Ok(0);
    }
    let (model, execution) = (Some(write.import_model), write.execution_id);
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS import_update ON COMMIT DROP AS \
         SELECT * FROM student WITH NO DATA",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query("TRUNCATE import_update").execute(&mut **tx).await?;
    let mut data = Vec::with_capacity(write.updates.len() * 400);
    for (id, record) in &write.updates {
        let mut row = CopyRow::new(&mut data);
        row.push_bind(id.0);
        bind_student!(row, push_bind, *record, model, execution);
        row.push_bind(now).end();
    }
    let columns = format!("{RECORD_COLUMNS}, {KEY_AND_PROVENANCE_COLUMNS}");
    copy_in(tx, &format!("COPY import_update (id, {columns}, updated_at) FROM STDIN"), data).await?;
    let assignments: Vec<String> =
        columns.split(", ").chain(["updated_at"]).map(|column| format!("{column} = u.{column}")).collect();
    let update =
        format!("UPDATE student AS s SET {} FROM import_update AS u WHERE s.id = u.id", assignments.join(", "));
    Ok(sqlx::query(sqlx::AssertSqlSafe(update)).execute(&mut **tx).await?.rows_affected())
}

async fn copy_in(tx: &mut Transaction<'static, Postgres>, statement: &str, data: Vec<u8>) -> Result<u64> {
    let mut copy = tx.copy_in_raw(statement).await?;
    copy.send(data).await?;
    Ok(copy.finish().await?)
}

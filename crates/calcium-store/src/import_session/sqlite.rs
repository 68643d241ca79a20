//! The SQLite side of an import session: its own connection, through rusqlite.
//!
//! Why a second driver for one base: sqlx's SQLite driver runs statements on a worker thread
//! and hands every argument and every row across one at a time. For the 5.6 million values of a
//! 100 000-line first import that hand-over cost three times the SQL itself (4 s of a 5.4 s
//! import, where SQLite's own `INSERT … SELECT` into the same table takes 1.6 s). rusqlite binds
//! straight into one prepared statement. Both drivers link the same `libsqlite3-sys`, so the
//! program still carries one SQLite library, and only this module and the DOUBLONS
//! read of the students (`duplicates`) use rusqlite.
//!
//! The connection is opened on the pool's file with the pool's settings (WAL is a property of
//! the file; foreign keys, busy timeout and temporary storage are set here), lives exactly as
//! long as the import's transaction, and rolls it back when dropped without a commit: a crash
//! or an error leaves the base as it was.
//!
//! Everything here is synchronous; [`super::ImportSession`] runs it off the async workers.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, Statement};

use super::{KNOWN_INES, KnownIne, RawMatch, json_array};
use crate::students::{ImportWrite, NameKeys, RawStudent, bind_student, insert_head, select_student, update_statement};
use calcium_core::student::{Fingerprint, StudentId};

use crate::types::{DbDate, to_millis};
use crate::{DbError, Result};

/// The page cache of the import's connection (KiB, as `PRAGMA cache_size` takes negative
/// numbers): with SQLite's default 2 MB, the random inserts into the student indexes spill
/// pages to the WAL long before the commit, which doubled the time of a first import.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// The page cache while a first import rebuilds the student indexes ([`SqliteImport::rebuild`]).
const REBUILD_CACHE_KIB: i64 = 2 * 1024;

/// As long as the pool's: an import waits for a writer in the middle of its transaction rather
/// than failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A rusqlite connection of its own on the pool's base file (read-write: even a reader must be
/// able to create the WAL's shared-memory file), waiting for writers as long as the pool does.
/// The caller uses it from one thread at a time.
pub(crate) fn open_file(file: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(file, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// An import's own connection, inside its open transaction.
pub(super) struct SqliteImport {
    connection: Connection,
}

impl SqliteImport {
    /// Opens the base file and begins the import's transaction. To write, it takes the write
    /// lock at once (`BEGIN IMMEDIATE`): an import reads, then writes, and a transaction that
    /// upgrades from reading to writing after another connection wrote would fail instead of
    /// waiting.
    pub(super) fn begin(file: &Path, write: bool) -> Result<SqliteImport> {
        if file == Path::new(":memory:") {
            return Err(DbError::Unavailable("une base SQLite en mémoire ne peut pas recevoir d'import".to_owned()));
        }
        let connection = open_file(file)?;
        connection.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
             PRAGMA cache_size = -{IMPORT_CACHE_KIB};"
        ))?;
        connection.execute_batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN" })?;
        Ok(SqliteImport { connection })
    }

    /// Whether the base held any student when the transaction began.
    pub(super) fn has_students(&self) -> Result<bool> {
        Ok(self.connection.query_row("SELECT EXISTS (SELECT 1 FROM student)", [], |row| row.get(0))?)
    }

    /// (drop, create) statements of the student table's indexes (the automatic ones, which
    /// have no SQL, excepted).
    pub(super) fn student_indexes(&self) -> Result<Vec<(String, String)>> {
        let mut statement = self.connection.prepare(
            "SELECT format('DROP INDEX \"%w\"', name), sql FROM sqlite_master \
             WHERE type = 'index' AND tbl_name = 'student' AND sql IS NOT NULL",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn execute_all(&self, statements: &[String]) -> Result<()> {
        for statement in statements {
            self.connection.execute_batch(statement)?;
        }
        Ok(())
    }

    /// Rebuilds the indexes a first import set aside. SQLite sorts each index's entries in runs
    /// as large as the page cache: with the import's 64 MB, one run per index, sorted in one
    /// go across memory; with 2 MB, runs that fit the processor's cache, merged afterwards,
    /// which measured a tenth faster on a million students and holds 90 MB less (the
    /// transaction's dirty pages then go to the WAL a little earlier, as they would at commit).
    pub(super) fn rebuild(&self, statements: &[String]) -> Result<()> {
        if !statements.is_empty() {
            // The inserts' dirty pages go to the WAL now, outside any statement: spilled
            // during a CREATE INDEX, each would first be copied into its statement journal
            // (in memory), some 70 MB more at the peak of a million students.
            self.connection.cache_flush()?;
            self.connection.execute_batch(&format!("PRAGMA cache_size = -{REBUILD_CACHE_KIB}"))?;
        }
        self.execute_all(statements)
    }

    pub(super) fn known_ines(&self) -> Result<Vec<KnownIne>> {
        let mut statement = self.connection.prepare(KNOWN_INES)?;
        let mut rows = statement.query([])?;
        let mut known = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(1)?;
            let cod_nne = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            known.push(KnownIne::from_stored(cod_nne, id, row.get(2)?)?);
        }
        Ok(known)
    }

    pub(super) fn matches_by_ines(&self, ines: &[&str]) -> Result<Vec<RawMatch>> {
        let sql = format!(
            "SELECT {} FROM student AS s WHERE s.cod_nne IN (SELECT value FROM json_each(?1))",
            super::MATCH_COLUMNS
        );
        self.matches(&sql, json_array(ines))
    }

    /// `keys` as `[nom_key, prenom_key, datenai, code_natio]` tuples.
    pub(super) fn matches_by_keys(&self, keys: &[[&str; 4]]) -> Result<Vec<RawMatch>> {
        let sql = format!(
            "SELECT {} FROM json_each(?1) AS k JOIN student AS s \
             ON s.nom_key = k.value ->> 0 AND s.prenom_key = k.value ->> 1 \
             AND s.datenai = k.value ->> 2 AND s.code_natio = k.value ->> 3",
            super::MATCH_COLUMNS
        );
        self.matches(&sql, json_array(keys))
    }

    fn matches(&self, sql: &str, values: String) -> Result<Vec<RawMatch>> {
        let mut statement = self.connection.prepare(sql)?;
        let rows = statement.query_map([values], |row| {
            Ok(RawMatch {
                id: row.get(0)?,
                cod_nne: row.get(1)?,
                nom_key: row.get(2)?,
                prenom_key: row.get(3)?,
                datenai: row.get(4)?,
                code_natio: row.get(5)?,
                fingerprint: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn students_by_ids(&self, ids: &[i64]) -> Result<Vec<RawStudent>> {
        let sql = format!("{} WHERE id IN (SELECT value FROM json_each(?1))", select_student());
        let mut statement = self.connection.prepare(&sql)?;
        let rows = statement.query_map([json_array(ids)], RawStudent::from_sqlite_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// New students, then changed ones, each through one prepared statement. Returns
    /// (created, updated).
    pub(super) fn write(&self, write: &ImportWrite<'_>) -> Result<(u64, u64)> {
        let now = to_millis(write.now);
        let (model, execution) = (Some(write.import_model), write.execution_id);
        let mut created = 0;
        if !write.creates.is_empty() {
            let placeholders: Vec<String> = (1..=54).map(|n| format!("?{n}")).collect();
            let sql = format!("{}VALUES ({})", insert_head(), placeholders.join(", "));
            let mut insert = self.connection.prepare(&sql)?;
            let mut keys = NameKeys::default();
            for (record, fingerprint) in write.creates.iter() {
                keys.fill(&record);
                let mut row = Binder::new(&mut insert);
                bind_student!(row, push_bind, &record, &keys, fingerprint, model, execution);
                row.push_bind(now).push_bind(now);
                created += row.execute()?;
            }
        }
        let mut updated = 0;
        if !write.updates.is_empty() {
            let mut update = self.connection.prepare(&update_statement())?;
            for (id, changed) in write.updates {
                let view = changed.as_view();
                let mut row = Binder::new(&mut update);
                bind_student!(row, push_bind, &view, &NameKeys::of(&view), Fingerprint::of(changed), model, execution);
                row.push_bind(now).push_bind(id.0);
                updated += row.execute()?;
            }
        }
        Ok((created, updated))
    }

    /// Stores the fingerprints of students left unchanged (nothing else of them).
    pub(super) fn refresh_fingerprints(&self, refreshes: &[(StudentId, Fingerprint)]) -> Result<()> {
        if refreshes.is_empty() {
            return Ok(());
        }
        let mut update = self.connection.prepare("UPDATE student SET fingerprint = ?1 WHERE id = ?2")?;
        for (id, fingerprint) in refreshes {
            update.execute((fingerprint.0, id.0))?;
        }
        Ok(())
    }

    /// Makes the import visible, with the heartbeat of the run doing it (see
    /// [`super::ImportSession::commit`] for why).
    pub(super) fn commit(self, execution: Option<i64>) -> Result<()> {
        if let Some(execution) = execution {
            const NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
            self.connection.execute(
                &format!(
                    "UPDATE execution SET heartbeat_at = MAX(COALESCE(heartbeat_at, 0), {NOW}) \
                     WHERE id = ?1 AND status = 'RUNNING'"
                ),
                [execution],
            )?;
            self.connection.execute(
                &format!(
                    "UPDATE instance SET heartbeat_at = MAX(heartbeat_at, {NOW}) \
                     WHERE id = (SELECT instance_id FROM execution WHERE id = ?1)"
                ),
                [execution],
            )?;
        }
        self.connection.execute_batch("COMMIT")?;
        Ok(())
    }

    pub(super) fn rollback(self) -> Result<()> {
        self.connection.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

/// Binds values in order into a prepared statement, with the `push_bind` of sqlx's
/// `QueryBuilder`, so that `bind_student!` fills it as it fills every other write of a student.
/// The first failure is kept and reported by [`Binder::execute`].
struct Binder<'s, 'c> {
    statement: &'s mut Statement<'c>,
    next: usize,
    failure: Option<rusqlite::Error>,
}

impl<'s, 'c> Binder<'s, 'c> {
    fn new(statement: &'s mut Statement<'c>) -> Binder<'s, 'c> {
        Binder { statement, next: 1, failure: None }
    }

    fn push_bind(&mut self, value: impl ToSql) -> &mut Self {
        if self.failure.is_none()
            && let Err(error) = self.statement.raw_bind_parameter(self.next, value)
        {
            self.failure = Some(error);
        }
        self.next += 1;
        self
    }

    fn execute(self) -> Result<u64> {
        if let Some(error) = self.failure {
            return Err(error.into());
        }
        Ok(self.statement.raw_execute()? as u64)
    }
}

/// Dates are ISO text in SQLite, as the sqlx side writes and reads them.
impl ToSql for DbDate {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for DbDate {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<DbDate> {
        let text = value.as_str()?;
        text.parse().map(DbDate).map_err(|error| FromSqlError::Other(Box::new(error)))
    }
}

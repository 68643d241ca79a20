//! One import's transaction: bulk look-ups of the students a slice of the file may be about,
//! and bulk writes of what the import decided, all in one transaction that is committed at the
//! end or rolled back (on any error, or when the session is dropped, e.g. by a crash).
//!
//! The import streams its file slice by slice, so everything here takes a slice's worth of
//! values at a time and answers with one or a few statements, never one per line. The look-ups
//! answer with [`StudentMatch`]es (a few columns) rather than whole students: on a daily
//! re-import nearly every line equals what is stored, which the stored fingerprint tells.
//!
//! Per backend: SQLite works through a connection of its own ([`sqlite`]), takes the values
//! as one JSON array (`json_each`), which lets its planner probe the indexes once per value, and
//! writes through one prepared statement; PostgreSQL takes arrays (`= ANY`, `unnest`) and loads
//! new and changed students with `COPY`, the fastest way into it.

mod sqlite;

pub(crate) use self::sqlite::open_file as open_sqlite_file;

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{BirthDate, Fingerprint, Ine, RecordBatch, Student, StudentId};
use sqlx::{Postgres, Transaction};

use self::sqlite::SqliteImport;

use crate::copy_binary::{COPY_HEADER, COPY_TRAILER, CopyRow};
use crate::students::{
    ImportWrite, KEY_AND_PROVENANCE_COLUMNS, NameKeys, RECORD_COLUMNS, RawStudent, SliceWrite, bind_student,
    select_student,
};
use crate::types::{DbDate, to_millis};
use crate::{Backend, DbError, Result, Store};

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

/// A stored student's INE ([`Ine::packed`]), id and fingerprint: enough to tell, without
/// reading the student, that a line about that INE says what is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownIne {
    pub ine: u64,
    pub id: StudentId,
    pub fingerprint: Option<Fingerprint>,
}

impl KnownIne {
    fn from_stored(cod_nne: &str, id: i64, fingerprint: Option<i64>) -> Result<KnownIne> {
        let ine = Ine::parse(cod_nne).map_err(|_| DbError::Corrupt(format!("étudiant {id}, colonne cod_nne")))?;
        Ok(KnownIne { ine: ine.packed(), id: StudentId(id), fingerprint: fingerprint.map(Fingerprint) })
    }
}

/// Served by the `student_by_ine` index alone (it carries the fingerprint: migration 0007).
const KNOWN_INES: &str = "SELECT cod_nne, id, fingerprint FROM student WHERE cod_nne IS NOT NULL";

const MATCH_COLUMNS: &str = "s.id, s.cod_nne, s.nom_key, s.prenom_key, s.datenai, s.code_natio, s.fingerprint";

/// What the thread writing a slice on SQLite gives back: the connection, the (created, updated)
/// counts or the failure, and the slice.
type SqliteWritten = (SqliteImport, Result<(u64, u64)>, SliceWrite);

enum Tx {
    Sqlite(SqliteImport),
    /// A slice handed over by [`ImportSession::queue`], being written on a blocking thread,
    /// which gives the connection back with the outcome (and the slice, for its memory).
    SqliteWriting(tokio::task::JoinHandle<SqliteWritten>),
    Postgres(Transaction<'static, Postgres>),
    /// A first import on PostgreSQL while its new students stream in ([`StudentLoad`]).
    PostgresLoading(StudentLoad),
    /// Only while [`ImportSession::postgres`] takes a load's transaction back.
    Ended,
}

/// An import's open transaction. Dropping it without [`ImportSession::commit`] rolls back.
pub struct ImportSession {
    tx: Tx,
    /// The base held no student when the transaction began.
    started_empty: bool,
    /// The statements that give the student table back the indexes and foreign keys a first
    /// import set aside ([`set_aside`]), run just before the commit.
    rebuild_before_commit: Vec<String>,
    /// On PostgreSQL, the first import emptied the (empty) student table with TRUNCATE, so
    /// that its COPY may write the new students already frozen ([`set_aside`]).
    truncated: bool,
    /// Batches of new students already written, emptied: [`ImportSession::spare_batch`].
    spare: Vec<RecordBatch>,
}

impl std::fmt::Debug for ImportSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match self.tx {
            Tx::Sqlite(_) | Tx::SqliteWriting(_) => "sqlite",
            Tx::Postgres(_) | Tx::PostgresLoading(_) | Tx::Ended => "postgres",
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
    /// Opens an import's transaction (on SQLite, on a connection of its own: see
    /// [`sqlite`]).
    ///
    /// A writing import is alone on the student table: SQLite's `BEGIN IMMEDIATE` takes the
    /// only write lock; on PostgreSQL a lock mode that conflicts with itself and with every
    /// write, not with reads. Whether the base holds students is read after that, so it stays
    /// true until the commit.
    ///
    /// A writing import into a base without students is a bulk load: the student table's
    /// secondary indexes and foreign keys are set aside and rebuilt once before the commit,
    /// which costs a fraction of maintaining them row by row. It all happens inside the
    /// transaction: a failure or a crash gives them back untouched. On PostgreSQL, readers of
    /// the student table wait for the end of such a first import.
    ///
    /// Setting the indexes and keys aside takes the strongest lock on the student table and on
    /// the tables whose foreign keys point at it, one after the other. A transaction that
    /// holds one of those and then waits for the student table (a batch, a page reading
    /// relances and students) deadlocks with it, and PostgreSQL aborts one of the two: when it
    /// is the import, it begins again, from the lock on, before it has read a line.
    pub async fn begin_import(&self, mode: ImportMode) -> Result<ImportSession> {
        /// Enough for a few readers in turn; each deadlock costs its `deadlock_timeout` (1 s).
        const ATTEMPTS: u32 = 5;
        let mut attempt = 1;
        loop {
            match self.begin_import_once(mode).await {
                Err(error) if error.is_deadlock() && attempt < ATTEMPTS => {
                    tracing::info!(attempt, "import : interblocage avec une autre transaction, nouvel essai");
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    async fn begin_import_once(&self, mode: ImportMode) -> Result<ImportSession> {
        let write = mode == ImportMode::Write;
        let mut session = match &self.backend {
            Backend::Sqlite(pool) => {
                let file = pool.connect_options().get_filename().to_path_buf();
                let import = off_the_async_workers(|| SqliteImport::begin(&file, write))?;
                let started_empty = !off_the_async_workers(|| import.has_students())?;
                ImportSession {
                    tx: Tx::Sqlite(import),
                    started_empty,
                    rebuild_before_commit: Vec::new(),
                    truncated: false,
                    spare: Vec::new(),
                }
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                if write {
                    sqlx::query("LOCK TABLE student IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
                }
                let has_students: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM student)").fetch_one(&mut *tx).await?;
                ImportSession {
                    tx: Tx::Postgres(tx),
                    started_empty: !has_students,
                    rebuild_before_commit: Vec::new(),
                    truncated: false,
                    spare: Vec::new(),
                }
            }
        };
        if write && session.started_empty {
            match session.set_aside().await {
                Ok(rebuilds) => session.rebuild_before_commit = rebuilds,
                Err(error) => {
                    // Already aborted by the error; the rollback hands the connection back clean.
                    let _ = session.rollback().await;
                    return Err(error);
                }
            }
        }
        Ok(session)
    }
}

impl Store {
    /// The definitions of the student table's indexes, of its foreign keys and of the foreign
    /// keys pointing at it, sorted: what a first import sets aside and must give back, as it
    /// was (checked by the conformance suite).
    pub async fn student_indexes_and_foreign_keys(&self) -> Result<Vec<String>> {
        let mut definitions: Vec<String> = match &self.backend {
            Backend::Sqlite(pool) => {
                let indexes: Vec<String> = sqlx::query_scalar(
                    "SELECT name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'student'",
                )
                .fetch_all(pool)
                .await?;
                let foreign_keys: Vec<String> = sqlx::query_scalar(
                    "SELECT 'fk ' || t.name || '.' || k.\"from\" || ' -> ' || k.\"table\" || '.' || k.\"to\" \
                     || ' on delete ' || k.on_delete \
                     FROM sqlite_master AS t, pragma_foreign_key_list(t.name) AS k \
                     WHERE t.type = 'table' AND (t.name = 'student' OR k.\"table\" = 'student')",
                )
                .fetch_all(pool)
                .await?;
                indexes.into_iter().chain(foreign_keys).collect()
            }
            Backend::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'student'::regclass \
                     UNION ALL SELECT conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE contype IN ('f', 'p', 'u') \
                     AND (conrelid = 'student'::regclass OR confrelid = 'student'::regclass)",
                )
                .fetch_all(pool)
                .await?
            }
        };
        definitions.sort();
        Ok(definitions)
    }
}

impl ImportSession {
    /// An empty batch for the next slice's new students: one the base has written already when
    /// there is one, whose memory is reused (an import fills one such batch per slice, and
    /// fresh memory costs the kernel's zeroing of its pages every time).
    pub fn spare_batch(&mut self) -> RecordBatch {
        if let Tx::PostgresLoading(load) = &mut self.tx
            && let Ok(spent) = load.spent.try_recv()
        {
            self.spare.push(spent);
        }
        let mut batch = self.spare.pop().unwrap_or_default();
        batch.clear();
        batch
    }

    /// Whether the base held no student when the import began. Then there is nothing to look
    /// up: the only students the look-ups could find are those this very import wrote in
    /// earlier slices, and the import's planner already knows each of them by its INE and its
    /// secondary keys. A first import skips every look-up.
    pub fn started_empty(&self) -> bool {
        self.started_empty
    }

    /// Every INE the base holds, with its student's id and fingerprint, in no particular
    /// order: one scan of an index, where looking a million INEs up one by one costs a probe
    /// each. 32 bytes a student.
    pub async fn known_ines(&mut self) -> Result<Vec<KnownIne>> {
        use futures_util::TryStreamExt as _;
        self.settle().await?;
        if let Tx::Sqlite(import) = &self.tx {
            return off_the_async_workers(|| import.known_ines());
        }
        let tx = self.postgres()?;
        let mut rows = sqlx::query_as::<_, (String, i64, Option<i64>)>(KNOWN_INES).fetch(&mut **tx);
        let mut known = Vec::new();
        while let Some((cod_nne, id, fingerprint)) = rows.try_next().await? {
            known.push(KnownIne::from_stored(&cod_nne, id, fingerprint)?);
        }
        Ok(known)
    }

    /// The students holding any of `ines`.
    pub async fn matches_by_ines(&mut self, ines: &[&str]) -> Result<Vec<StudentMatch>> {
        if ines.is_empty() {
            return Ok(Vec::new());
        }
        self.settle().await?;
        let raws: Vec<RawMatch> = if let Tx::Sqlite(import) = &self.tx {
            off_the_async_workers(|| import.matches_by_ines(ines))?
        } else {
            let sql = format!("SELECT {MATCH_COLUMNS} FROM student AS s WHERE s.cod_nne = ANY($1)");
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ines).fetch_all(&mut **self.postgres()?).await?
        };
        raws.into_iter().map(StudentMatch::try_from).collect()
    }

    /// The students whose normalised secondary keys are any of `keys` (given without repeats).
    pub async fn matches_by_keys(&mut self, keys: &[SecondaryKey]) -> Result<Vec<StudentMatch>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.settle().await?;
        let dates: Vec<String> = keys.iter().map(|k| k.birth_date.date().to_string()).collect();
        let raws: Vec<RawMatch> = if let Tx::Sqlite(import) = &self.tx {
            let tuples: Vec<[&str; 4]> = keys
                .iter()
                .zip(&dates)
                .map(|(k, date)| [k.nom.as_str(), k.prenom.as_str(), date.as_str(), k.nationality.as_str()])
                .collect();
            off_the_async_workers(|| import.matches_by_keys(&tuples))?
        } else {
            {
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
                    .fetch_all(&mut **self.postgres()?)
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
        self.settle().await?;
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        let raws: Vec<RawStudent> = if let Tx::Sqlite(import) = &self.tx {
            off_the_async_workers(|| import.students_by_ids(&ids))?
        } else {
            let sql = format!("{} WHERE id = ANY($1)", select_student());
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&ids).fetch_all(&mut **self.postgres()?).await?
        };
        raws.into_iter().map(Student::try_from).collect()
    }

    /// Writes new students, then changed ones, and waits. Returns (created, updated).
    pub async fn write(&mut self, write: &ImportWrite<'_>) -> Result<(u64, u64)> {
        self.settle().await?;
        if let Tx::Sqlite(import) = &self.tx {
            return off_the_async_workers(|| import.write(write));
        }
        let now = to_millis(write.now);
        let frozen = self.truncated;
        let tx = self.postgres()?;
        let mut data = copy_data(write.creates.len());
        copy_data_of_creates(write, now, &mut data);
        let created = copy_in(tx, &creates_copy_statement(frozen), data).await?;
        let updated = copy_updates(tx, write, now).await?;
        Ok((created, updated))
    }

    /// Hands a slice's writes over and returns while the base writes them, so that the import
    /// reads and plans the next slice meanwhile. A failure is told by the next call on the
    /// session (at the latest, the commit), and costs the whole import as any other.
    ///
    /// SQLite writes the slice on a blocking thread that holds the connection meanwhile. On
    /// PostgreSQL, the new students of a first import stream into one COPY that stays open from
    /// slice to slice ([`StudentLoad`]); a COPY holds the connection, so anything else asked of
    /// the session ends it first (a first import asks nothing else); other writes are awaited.
    pub async fn queue(&mut self, write: SliceWrite) -> Result<()> {
        if self.started_empty
            && write.updates.is_empty()
            && write.refreshes.is_empty()
            && matches!(self.tx, Tx::Postgres(_) | Tx::PostgresLoading(_))
        {
            if let Tx::Postgres(_) = self.tx
                && let Tx::Postgres(tx) = std::mem::replace(&mut self.tx, Tx::Ended)
            {
                self.tx = Tx::PostgresLoading(StudentLoad::start(tx, self.truncated));
            }
            if let Tx::PostgresLoading(load) = &self.tx
                && load.send(write).await
            {
                return Ok(());
            }
            // The load stopped on an error, which ending it tells.
            self.settle().await?;
            return Err(DbError::Unavailable("le chargement des nouveaux étudiants s'est arrêté".to_owned()));
        }
        self.settle().await?;
        if let Tx::Sqlite(_) = self.tx
            && let Tx::Sqlite(import) = std::mem::replace(&mut self.tx, Tx::Ended)
        {
            self.tx = Tx::SqliteWriting(tokio::task::spawn_blocking(move || {
                let written = import.write(&write.as_import_write());
                let written = written.and_then(|counts| import.refresh_fingerprints(&write.refreshes).map(|()| counts));
                (import, written, write)
            }));
            return Ok(());
        }
        self.write(&write.as_import_write()).await?;
        self.spare.push(write.creates);
        if !write.refreshes.is_empty() {
            let ids: Vec<i64> = write.refreshes.iter().map(|(id, _)| id.0).collect();
            let fingerprints: Vec<i64> = write.refreshes.iter().map(|(_, fingerprint)| fingerprint.0).collect();
            sqlx::query(
                "UPDATE student AS s SET fingerprint = f.fingerprint \
                 FROM unnest($1::bigint[], $2::bigint[]) AS f(id, fingerprint) WHERE s.id = f.id",
            )
            .bind(ids)
            .bind(fingerprints)
            .execute(&mut **self.postgres()?)
            .await?;
        }
        Ok(())
    }

    /// Waits for the writes [`ImportSession::queue`] handed over, and tells the first failure
    /// among them.
    async fn settle(&mut self) -> Result<()> {
        match std::mem::replace(&mut self.tx, Tx::Ended) {
            Tx::SqliteWriting(task) => {
                let (import, written, write) = task.await.map_err(|join| stopped_writing(&join))?;
                self.tx = Tx::Sqlite(import);
                self.spare.push(write.creates);
                written.map(drop)
            }
            Tx::PostgresLoading(load) => {
                self.tx = Tx::Postgres(load.finish().await?);
                Ok(())
            }
            settled => {
                self.tx = settled;
                Ok(())
            }
        }
    }

    /// The PostgreSQL transaction (after [`ImportSession::settle`]).
    fn postgres(&mut self) -> Result<&mut Transaction<'static, Postgres>> {
        match &mut self.tx {
            Tx::Postgres(tx) => Ok(tx),
            _ => Err(DbError::Unavailable("la transaction de l'import est déjà terminée".to_owned())),
        }
    }

    /// Makes the whole import visible at once. `execution` is the run doing the import: on
    /// SQLite its heartbeat (and its instance's) is written with the data. While the import
    /// holds SQLite's write lock, nothing else can write, not even the lease renewals of that
    /// very run, nor a reaper; without this, a run longer than its lease would come out of the
    /// commit with a stale heartbeat and be taken for dead, its import done but its end lost.
    pub async fn commit(mut self, execution: Option<i64>) -> Result<()> {
        self.settle().await?;
        let rebuild = std::mem::take(&mut self.rebuild_before_commit);
        if let Tx::Sqlite(import) = self.tx {
            return off_the_async_workers(|| {
                let started = std::time::Instant::now();
                import.rebuild(&rebuild)?;
                let rebuilt = started.elapsed();
                import.commit(execution)?;
                tracing::debug!(?rebuilt, committed = ?started.elapsed() - rebuilt, "fin de la transaction d'import");
                Ok(())
            });
        }
        let tx = self.postgres()?;
        for statement in rebuild {
            sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut **tx).await?;
        }
        if let Tx::Postgres(tx) = self.tx {
            tx.commit().await?;
        }
        Ok(())
    }

    /// Drops the student table's secondary indexes (and, on PostgreSQL, its foreign keys, the
    /// foreign keys of other tables pointing at it, and its primary key), read from the
    /// catalogue so that this follows the migrations; returns the statements that rebuild them.
    ///
    /// On PostgreSQL, maintaining the primary key row by row cost a million-line COPY 1.25 s,
    /// building it afterwards 0.4 s. The foreign keys pointing at the students lean on it, so
    /// they go first and come back last; their tables are empty (the student table is), so
    /// checking them again costs nothing. SQLite's primary key is the rowid itself.
    ///
    /// On PostgreSQL the empty table is then truncated, which COPY FREEZE requires: the new
    /// students are written frozen and their pages marked all-visible. Otherwise the first
    /// reads after the import (the next import's scan of the INE index, a DOUBLONS run) would
    /// set each row's hint bits and dirty the whole table again, and a vacuum would one day
    /// rewrite it to freeze it; the next import's reading of the known INEs took 0.45 s
    /// instead of 0.75–0.85 s at a million students. Nothing is lost: the import's lock,
    /// taken before the base was found empty, kept any student from coming in meanwhile.
    async fn set_aside(&mut self) -> Result<Vec<String>> {
        let (drops, rebuilds): (Vec<String>, Vec<String>) = match &mut self.tx {
            Tx::Sqlite(import) => off_the_async_workers(|| import.student_indexes())?.into_iter().unzip(),
            Tx::SqliteWriting(_) | Tx::PostgresLoading(_) | Tx::Ended => {
                unreachable!("set aside when the session begins")
            }
            Tx::Postgres(tx) => {
                let indexes: Vec<(String, String)> = sqlx::query_as(
                    "SELECT format('DROP INDEX %I', c.relname), pg_get_indexdef(i.indexrelid) \
                     FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid \
                     WHERE i.indrelid = 'student'::regclass AND NOT i.indisprimary \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)",
                )
                .fetch_all(&mut **tx)
                .await?;
                // Dropped in this order and rebuilt in the reverse one: foreign keys, then
                // indexes, then the keys the foreign keys pointing here lean on.
                let constraints = |kinds: &'static str| {
                    sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
                        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname), \
                         format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) \
                         FROM pg_constraint WHERE {kinds} ORDER BY conrelid::regclass::text, conname"
                    )))
                };
                let foreign_keys = constraints(
                    "contype = 'f' AND (conrelid = 'student'::regclass OR confrelid = 'student'::regclass)",
                )
                .fetch_all(&mut **tx)
                .await?;
                let keys = constraints("contype IN ('p', 'u') AND conrelid = 'student'::regclass")
                    .fetch_all(&mut **tx)
                    .await?;
                let (drops, mut rebuilds): (Vec<String>, Vec<String>) =
                    foreign_keys.into_iter().chain(indexes).chain(keys).unzip();
                rebuilds.reverse();
                (drops, rebuilds)
            }
        };
        match &mut self.tx {
            Tx::Sqlite(import) => off_the_async_workers(|| import.execute_all(&drops))?,
            Tx::SqliteWriting(_) | Tx::PostgresLoading(_) | Tx::Ended => {
                unreachable!("set aside when the session begins")
            }
            Tx::Postgres(tx) => {
                for statement in drops {
                    sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut **tx).await?;
                }
                sqlx::query("TRUNCATE student").execute(&mut **tx).await?;
                self.truncated = true;
            }
        }
        Ok(rebuilds)
    }

    /// Leaves the base as it was (a dry run, or an import that stopped).
    pub async fn rollback(mut self) -> Result<()> {
        // A write that failed meanwhile changes nothing: everything goes.
        let _ = self.settle().await;
        match self.tx {
            Tx::Sqlite(import) => off_the_async_workers(|| import.rollback()),
            Tx::Postgres(tx) => Ok(tx.rollback().await?),
            // Gone with its task: dropping a transaction rolls it back.
            Tx::SqliteWriting(_) | Tx::PostgresLoading(_) | Tx::Ended => Ok(()),
        }
    }
}

/// A task writing the import that ended without its answer (it panicked).
fn stopped_writing(join: &tokio::task::JoinError) -> DbError {
    DbError::Unavailable(format!("écriture de l'import interrompue : {join}"))
}

/// Runs blocking work (the SQLite connection's calls) without stalling the other tasks of a
/// multi-threaded runtime: `block_in_place` hands this worker's tasks to another thread, and
/// lets the work borrow the caller's data, which `spawn_blocking` would not. A single-threaded
/// runtime (tests) has no other worker to hand them to: the work then simply runs.
fn off_the_async_workers<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// `["a","b"]`: the one parameter SQLite's `json_each` reads a list from.
fn json_array<T: serde::Serialize + ?Sized>(values: &T) -> String {
    serde_json::to_string(values).expect("strings and numbers always serialise")
}

/// `COPY student (…) FROM STDIN`: new students straight into the table, ids from its sequence;
/// `frozen` once the table was truncated in the transaction ([`set_aside`]).
fn creates_copy_statement(frozen: bool) -> String {
    let freeze = if frozen { ", FREEZE" } else { "" };
    format!(
        "COPY student ({RECORD_COLUMNS}, {KEY_AND_PROVENANCE_COLUMNS}, created_at, updated_at) \
         FROM STDIN (FORMAT binary{freeze})"
    )
}

/// The start of a binary COPY's data, with room for `rows` students.
fn copy_data(rows: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(COPY_HEADER.len() + rows * 600);
    data.extend_from_slice(COPY_HEADER);
    data
}

/// Appends the new students of `write` to the data of [`creates_copy_statement`].
fn copy_data_of_creates(write: &ImportWrite<'_>, now: i64, data: &mut Vec<u8>) {
    let (model, execution) = (Some(write.import_model), write.execution_id);
    let mut keys = NameKeys::default();
    for (record, fingerprint) in write.creates.iter() {
        keys.fill(&record);
        let mut row = CopyRow::new(data);
        bind_student!(row, push_bind, &record, &keys, fingerprint, model, execution);
        row.push_bind(now).push_bind(now).end();
    }
}

/// One `COPY` of new students fed slice by slice: a task of its own holds the transaction
/// while the COPY is open, and hands it back when the COPY ends.
///
/// Dropped without [`StudentLoad::finish`] (an import that stops), the task ends the COPY and
/// drops the transaction, which rolls it back.
struct StudentLoad {
    slices: tokio::sync::mpsc::Sender<SliceWrite>,
    /// The batches of the slices sent, once in the COPY: [`ImportSession::spare_batch`].
    spent: tokio::sync::mpsc::UnboundedReceiver<RecordBatch>,
    task: tokio::task::JoinHandle<Result<Transaction<'static, Postgres>>>,
}

impl StudentLoad {
    /// Two slices may wait while the server loads a third: enough to keep it busy, a few
    /// megabytes of memory.
    const SLICES_WAITING: usize = 2;

    fn start(mut tx: Transaction<'static, Postgres>, frozen: bool) -> StudentLoad {
        let (slices, mut received) = tokio::sync::mpsc::channel::<SliceWrite>(Self::SLICES_WAITING);
        let (spent_sender, spent) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let mut copy = tx.copy_in_raw(&creates_copy_statement(frozen)).await?;
            copy.send(COPY_HEADER).await?;
            // One buffer for every slice: the driver copies what it is sent.
            let mut data = Vec::new();
            while let Some(write) = received.recv().await {
                data.clear();
                copy_data_of_creates(&write.as_import_write(), to_millis(write.now), &mut data);
                copy.send(data.as_slice()).await?;
                let _ = spent_sender.send(write.creates);
            }
            copy.send(COPY_TRAILER).await?;
            copy.finish().await?;
            Ok(tx)
        });
        StudentLoad { slices, spent, task }
    }

    /// Queues a slice's new students; `false` when the load has already stopped on an error.
    async fn send(&self, write: SliceWrite) -> bool {
        write.creates.is_empty() || self.slices.send(write).await.is_ok()
    }

    /// Ends the COPY; the transaction, or why the load failed.
    async fn finish(self) -> Result<Transaction<'static, Postgres>> {
        drop(self.slices);
        self.task.await.map_err(|join| stopped_writing(&join))?
    }
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
    let mut data = copy_data(write.updates.len());
    for (id, changed) in write.updates {
        let view = changed.as_view();
        let mut row = CopyRow::new(&mut data);
        row.push_bind(id.0);
        bind_student!(row, push_bind, &view, &NameKeys::of(&view), Fingerprint::of(changed), model, execution);
        row.push_bind(now).end();
    }
    let columns = format!("{RECORD_COLUMNS}, {KEY_AND_PROVENANCE_COLUMNS}");
    let statement = format!("COPY import_update (id, {columns}, updated_at) FROM STDIN (FORMAT binary)");
    copy_in(tx, &statement, data).await?;
    let assignments: Vec<String> =
        columns.split(", ").chain(["updated_at"]).map(|column| format!("{column} = u.{column}")).collect();
    let update =
        format!("UPDATE student AS s SET {} FROM import_update AS u WHERE s.id = u.id", assignments.join(", "));
    Ok(sqlx::query(sqlx::AssertSqlSafe(update)).execute(&mut **tx).await?.rows_affected())
}

/// Runs a binary COPY of `data`, made by [`copy_data`] and rows after it.
async fn copy_in(tx: &mut Transaction<'static, Postgres>, statement: &str, mut data: Vec<u8>) -> Result<u64> {
    if data.len() == COPY_HEADER.len() {
        return Ok(0);
    }
    data.extend_from_slice(COPY_TRAILER);
    let mut copy = tx.copy_in_raw(statement).await?;
    copy.send(data).await?;
    Ok(copy.finish().await?)
}

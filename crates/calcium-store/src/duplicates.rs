//! Duplicate candidates (DOUBLONS, SPEC §6): what the job reads of every student, the pairs it
//! stores with their score and reasons, and the reviewers' verdicts.
//!
//! A run replaces the pairs to review in one transaction: pairs found are inserted or
//! refreshed (score, reasons), a judged pair keeps its verdict, and the pairs still to review
//! that the run no longer finds are removed. The verdict lives in the row, so a pair judged
//! "personnes différentes" stays out of the review list whatever later runs find.

use calcium_core::student::StudentId;
use jiff::Timestamp;
use sqlx::QueryBuilder;

use crate::types::{DbDate, to_millis};
use crate::{DbError, DuplicateCandidate, DuplicateStatus, Result, Store, on_backend};

/// Five binds a row: well under both backends' limits.
const PAIRS_PER_INSERT: usize = 1000;

/// What DOUBLONS reads of a student: the values it compares, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DuplicateSubject {
    pub id: i64,
    pub nom: String,
    pub nomusage: Option<String>,
    pub prenom1: String,
    pub prenom2: Option<String>,
    pub prenom3: Option<String>,
    pub sexe: String,
    pub datenai: DbDate,
    pub code_natio: String,
    pub cod_nne: Option<String>,
    pub cod_nni: Option<String>,
    pub adr1: Option<String>,
    pub cod_bdi: Option<String>,
    pub commune: Option<String>,
    pub mail: Option<String>,
}

/// One side of a pair as `calcium doublons list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateSide {
    pub id: StudentId,
    pub cod_nne: Option<String>,
    pub cod_etu: Option<String>,
    pub nom: String,
    pub prenom1: String,
    /// `AAAA-MM-JJ`.
    pub datenai: String,
}

/// A pair with both students, for review.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateReview {
    pub a: DuplicateSide,
    pub b: DuplicateSide,
    pub score: f64,
    pub reasons: Vec<String>,
    pub status: DuplicateStatus,
}

/// Which pairs to list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateFilter {
    /// Judged pairs too.
    pub include_judged: bool,
    pub min_score: f64,
    pub max_score: f64,
    pub limit: i64,
    pub offset: i64,
}

impl Default for DuplicateFilter {
    fn default() -> DuplicateFilter {
        DuplicateFilter { include_judged: false, min_score: 0.0, max_score: 1.0, limit: i64::MAX, offset: 0 }
    }
}

/// What a refresh changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DuplicateRefresh {
    /// Pairs found for the first time.
    pub added: u64,
    /// Pairs found again (score and reasons refreshed, verdict kept).
    pub refreshed: u64,
    /// Pairs to review that this run no longer found.
    pub removed: u64,
}

impl Store {
    /// Up to `limit` students with an id above `after`, by id: the job reads the base page by
    /// page, so memory holds one page of rows at a time.
    ///
    /// On a SQLite file the page is read through rusqlite on a blocking thread: sqlx's driver
    /// hands every value of every row across threads one at a time: reading a million students
    /// took 14 s through it, 2 s through rusqlite (the import's SQLite path does the same, see
    /// `import_session::sqlite`).
    pub async fn duplicate_subjects(&self, after: i64, limit: i64) -> Result<Vec<DuplicateSubject>> {
        if let crate::Backend::Sqlite(pool) = &self.backend {
            let file = pool.connect_options().get_filename().to_path_buf();
            if file != std::path::Path::new(":memory:") {
                return tokio::task::spawn_blocking(move || subjects_from_file(&file, after, limit))
                    .await
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
            }
        }
        Ok(on_backend!(self, |pool| { sqlx::query_as(SELECT_SUBJECTS).bind(after).bind(limit).fetch_all(pool).await? }))
    }

    /// Stores the pairs of a run at `now` (see the module documentation), in one transaction.
    pub async fn refresh_duplicate_candidates(
        &self,
        pairs: &[DuplicateCandidate],
        now: Timestamp,
    ) -> Result<DuplicateRefresh> {
        let now = to_millis(now);
        let reasons: Vec<String> = pairs
            .iter()
            .map(|p| serde_json::to_string(&p.reasons).map_err(|e| DbError::Corrupt(e.to_string())))
            .collect::<Result<_>>()?;
        let refresh = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let before: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM duplicate_candidate").fetch_one(&mut *tx).await?;
            let mut touched = 0;
            let rows: Vec<(&DuplicateCandidate, &String)> = pairs.iter().zip(&reasons).collect();
            for chunk in rows.chunks(PAIRS_PER_INSERT) {
                let mut builder = QueryBuilder::new(
                    "INSERT INTO duplicate_candidate (student_a, student_b, score, reasons, status, found_at, seen_at) ",
                );
                builder.push_values(chunk, |mut row, (pair, reasons)| {
                    let (a, b) = ordered(pair.student_a, pair.student_b);
                    row.push_bind(a.0)
                        .push_bind(b.0)
                        .push_bind(pair.score.clamp(0.0, 1.0))
                        .push_bind(reasons.as_str())
                        .push("'A_TRAITER'")
                        .push_bind(now)
                        .push_bind(now);
                });
                builder.push(
                    " ON CONFLICT (student_a, student_b) DO UPDATE SET score = excluded.score, \
                     reasons = excluded.reasons, seen_at = excluded.seen_at",
                );
                touched += builder.build().execute(&mut *tx).await?.rows_affected();
            }
            let removed = sqlx::query(
                "DELETE FROM duplicate_candidate WHERE status = 'A_TRAITER' AND (seen_at IS NULL OR seen_at < $1)",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM duplicate_candidate").fetch_one(&mut *tx).await?;
            tx.commit().await?;
            let added = u64::try_from(after - before).unwrap_or(0) + removed;
            DuplicateRefresh { added, refreshed: touched.saturating_sub(added), removed }
        });
        Ok(refresh)
    }

    /// Pairs with both students, best score first.
    pub async fn duplicate_reviews(&self, filter: &DuplicateFilter) -> Result<Vec<DuplicateReview>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            score: f64,
            reasons: String,
            status: String,
            a_id: i64,
            a_nne: Option<String>,
            a_etu: Option<String>,
            a_nom: String,
            a_prenom: String,
            a_datenai: DbDate,
            b_id: i64,
            b_nne: Option<String>,
            b_etu: Option<String>,
            b_nom: String,
            b_prenom: String,
            b_datenai: DbDate,
        }
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT d.score, d.reasons, d.status, \
                 a.id AS a_id, a.cod_nne AS a_nne, a.cod_etu AS a_etu, a.nom AS a_nom, a.prenom1 AS a_prenom, \
                 a.datenai AS a_datenai, \
                 b.id AS b_id, b.cod_nne AS b_nne, b.cod_etu AS b_etu, b.nom AS b_nom, b.prenom1 AS b_prenom, \
                 b.datenai AS b_datenai \
                 FROM duplicate_candidate d \
                 JOIN student a ON a.id = d.student_a JOIN student b ON b.id = d.student_b \
                 WHERE ($1 OR d.status = 'A_TRAITER') AND d.score >= $2 AND d.score <= $3 \
                 ORDER BY d.score DESC, d.student_a, d.student_b LIMIT $4 OFFSET $5",
            )
            .bind(filter.include_judged)
            .bind(filter.min_score)
            .bind(filter.max_score)
            .bind(filter.limit)
            .bind(filter.offset)
            .fetch_all(pool)
            .await?
        });
        raws.into_iter()
            .map(|raw| {
                let corrupt = || DbError::Corrupt(format!("paire {}-{}", raw.a_id, raw.b_id));
                Ok(DuplicateReview {
                    a: DuplicateSide {
                        id: StudentId(raw.a_id),
                        cod_nne: raw.a_nne,
                        cod_etu: raw.a_etu,
                        nom: raw.a_nom,
                        prenom1: raw.a_prenom,
                        datenai: raw.a_datenai.0.to_string(),
                    },
                    b: DuplicateSide {
                        id: StudentId(raw.b_id),
                        cod_nne: raw.b_nne,
                        cod_etu: raw.b_etu,
                        nom: raw.b_nom,
                        prenom1: raw.b_prenom,
                        datenai: raw.b_datenai.0.to_string(),
                    },
                    score: raw.score,
                    reasons: serde_json::from_str(&raw.reasons).map_err(|_| corrupt())?,
                    status: DuplicateStatus::parse(&raw.status).ok_or_else(corrupt)?,
                })
            })
            .collect()
    }

    /// How many pairs the filter selects (ignoring its limit and offset).
    pub async fn count_duplicate_reviews(&self, filter: &DuplicateFilter) -> Result<i64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM duplicate_candidate WHERE ($1 OR status = 'A_TRAITER') \
                 AND score >= $2 AND score <= $3",
            )
            .bind(filter.include_judged)
            .bind(filter.min_score)
            .bind(filter.max_score)
            .fetch_one(pool)
            .await?
        }))
    }
}

const SELECT_SUBJECTS: &str = "SELECT id, nom, nomusage, prenom1, prenom2, prenom3, sexe, datenai, code_natio, cod_nne, cod_nni, \
     adr1, cod_bdi, commune, mail FROM student WHERE id > $1 ORDER BY id LIMIT $2";

/// One page of [`Store::duplicate_subjects`] read through rusqlite, on a connection of its own
/// that only reads (WAL: it neither waits for nor blocks the writers). It is opened read-write
/// with `query_only` rather than read-only: a read-only connection cannot create the WAL's
/// shared-memory file, and fails when no other connection holds the base open.
fn subjects_from_file(file: &std::path::Path, after: i64, limit: i64) -> Result<Vec<DuplicateSubject>> {
    let connection = crate::import_session::open_sqlite_file(file)?;
    connection.execute_batch("PRAGMA query_only = ON")?;
    let mut statement = connection.prepare(SELECT_SUBJECTS)?;
    let rows = statement.query_map([after, limit], |row| {
        Ok(DuplicateSubject {
            id: row.get(0)?,
            nom: row.get(1)?,
            nomusage: row.get(2)?,
            prenom1: row.get(3)?,
            prenom2: row.get(4)?,
            prenom3: row.get(5)?,
            sexe: row.get(6)?,
            datenai: row.get(7)?,
            code_natio: row.get(8)?,
            cod_nne: row.get(9)?,
            cod_nni: row.get(10)?,
            adr1: row.get(11)?,
            cod_bdi: row.get(12)?,
            commune: row.get(13)?,
            mail: row.get(14)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn ordered(a: StudentId, b: StudentId) -> (StudentId, StudentId) {
    if a <= b { (a, b) } else { (b, a) }
}

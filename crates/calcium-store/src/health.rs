//! The health-service data the batches work on: consultations, relances and their letters,
//! the scan basket and filed documents, vaccinations, the identity statistics table and the
//! duplicate candidates.

use calcium_core::student::StudentId;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::QueryBuilder;

use crate::types::{DbDate, from_millis, opt_from_millis, to_millis};
use crate::{DbError, Result, Store, on_backend};

/// Rows per multi-row INSERT for the narrow tables below.
const ROWS_PER_INSERT: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub student_id: StudentId,
    pub opened_by: String,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub id: i64,
    pub student_id: StudentId,
    pub opened_by: String,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub closed_by: Option<String>,
    pub closed_automatically: bool,
    pub closing_execution_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelance {
    pub student_id: StudentId,
    pub motif_code: String,
    pub due_date: Date,
    pub courrier: String,
    pub commentaire: Option<String>,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relance {
    pub id: i64,
    pub student_id: StudentId,
    pub motif_code: String,
    pub due_date: Date,
    pub courrier: String,
    pub commentaire: Option<String>,
    pub closed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScanDocument {
    pub file_name: String,
    pub content: Vec<u8>,
    pub scanned_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanDocument {
    pub id: i64,
    pub file_name: String,
    pub size_bytes: i64,
    pub scanned_at: Timestamp,
    pub filed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVaccination {
    pub student_id: StudentId,
    pub vaccine_code: String,
    pub label: String,
    pub injection_date: Date,
    pub lot: Option<String>,
    pub rang: Option<i32>,
    pub source: String,
    pub execution_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vaccination {
    pub student_id: StudentId,
    pub vaccine_code: String,
    pub label: String,
    pub injection_date: Date,
    pub lot: Option<String>,
    pub rang: Option<i32>,
    pub source: String,
}

/// One row of the identity statistics table (MAJ_IDENTITE).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityStat {
    pub student_id: i64,
    pub age: i32,
    pub age_group: String,
    pub sexe: String,
    pub nationality_group: String,
    pub etb: String,
    pub cmp: String,
    pub cursus: Option<String>,
    pub annee: Option<String>,
    pub diplome: Option<String>,
    pub bursary_holder: bool,
    pub ss_affiliated: Option<bool>,
}

/// The review state of a duplicate candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DuplicateStatus {
    /// "à traiter"
    Pending,
    /// "même personne"
    SamePerson,
    /// "personnes différentes": never proposed again.
    DifferentPeople,
}

impl DuplicateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateStatus::Pending => "A_TRAITER",
            DuplicateStatus::SamePerson => "MEME_PERSONNE",
            DuplicateStatus::DifferentPeople => "PERSONNES_DIFFERENTES",
        }
    }

    pub fn parse(text: &str) -> Option<DuplicateStatus> {
        [DuplicateStatus::Pending, DuplicateStatus::SamePerson, DuplicateStatus::DifferentPeople]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// A candidate pair, `student_a < student_b`.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateCandidate {
    pub student_a: StudentId,
    pub student_b: StudentId,
    pub score: f64,
    pub reasons: Vec<String>,
    pub status: DuplicateStatus,
}

impl Store {
    pub async fn insert_consultations(&self, rows: &[NewConsultation]) -> Result<u64> {
        let mut inserted = 0;
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut builder =
                    QueryBuilder::new("INSERT INTO consultation (student_id, opened_by, opened_at, closed_at) ");
                builder.push_values(chunk, |mut b, row| {
                    b.push_bind(row.student_id.0)
                        .push_bind(row.opened_by.as_str())
                        .push_bind(to_millis(row.opened_at))
                        .push_bind(row.closed_at.map(to_millis));
                });
                inserted += builder.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(inserted)
    }

    /// The consultations still open, oldest first.
    pub async fn open_consultations(&self) -> Result<Vec<Consultation>> {
        let sql = format!("{CONSULTATION_SELECT} WHERE closed_at IS NULL ORDER BY opened_at, id");
        let raws: Vec<RawConsultation> =
            on_backend!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(pool).await?);
        raws.into_iter().map(Consultation::try_from).collect()
    }

    pub async fn insert_relances(&self, rows: &[NewRelance]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(rows.len());
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut builder = QueryBuilder::new(
                    "INSERT INTO relance (student_id, motif_code, due_date, courrier, commentaire, created_at, closed_at) ",
                );
                builder.push_values(chunk, |mut b, row| {
                    b.push_bind(row.student_id.0)
                        .push_bind(row.motif_code.as_str())
                        .push_bind(DbDate(row.due_date))
                        .push_bind(row.courrier.as_str())
                        .push_bind(row.commentaire.as_deref())
                        .push_bind(to_millis(row.created_at))
                        .push_bind(row.closed_at.map(to_millis));
                });
                builder.push(" RETURNING id");
                let chunk_ids: Vec<i64> = builder.build_query_scalar().fetch_all(&mut *tx).await?;
                ids.extend(chunk_ids);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    pub async fn relances_of_student(&self, student: StudentId) -> Result<Vec<Relance>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            id: i64,
            student_id: i64,
            motif_code: String,
            due_date: DbDate,
            courrier: String,
            commentaire: Option<String>,
            closed_at: Option<i64>,
        }
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, student_id, motif_code, due_date, courrier, commentaire, closed_at FROM relance \
                 WHERE student_id = $1 ORDER BY due_date, id",
            )
            .bind(student.0)
            .fetch_all(pool)
            .await?
        });
        raws.into_iter()
            .map(|raw| {
                Ok(Relance {
                    id: raw.id,
                    student_id: StudentId(raw.student_id),
                    motif_code: raw.motif_code,
                    due_date: raw.due_date.0,
                    courrier: raw.courrier,
                    commentaire: raw.commentaire,
                    closed_at: opt_from_millis(raw.closed_at)?,
                })
            })
            .collect()
    }

    /// Records the letter of a relance (`kind` RELANCE or RAPPEL). A relance has at most one
    /// letter of each kind: a second one is a [`DbError::Conflict`].
    pub async fn record_relance_letter(
        &self,
        relance_id: i64,
        kind: &str,
        execution_id: Option<i64>,
        file_id: Option<i64>,
        now: Timestamp,
    ) -> Result<i64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO relance_letter (relance_id, kind, execution_id, file_id, produced_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(relance_id)
            .bind(kind)
            .bind(execution_id)
            .bind(file_id)
            .bind(to_millis(now))
            .fetch_one(pool)
            .await?
        }))
    }

    /// The kinds of letter already produced for a relance.
    pub async fn relance_letter_kinds(&self, relance_id: i64) -> Result<Vec<String>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT kind FROM relance_letter WHERE relance_id = $1 ORDER BY kind")
                .bind(relance_id)
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn insert_scan_documents(&self, rows: &[NewScanDocument]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(rows.len());
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for row in rows {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO scan_document (file_name, content, size_bytes, scanned_at) VALUES ($1, $2, $3, $4) \
                     RETURNING id",
                )
                .bind(row.file_name.as_str())
                .bind(row.content.as_slice())
                .bind(row.content.len() as i64)
                .bind(to_millis(row.scanned_at))
                .fetch_one(&mut *tx)
                .await?;
                ids.push(id);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// Files a basket document into a student record: the record gets its own copy and the
    /// basket copy is marked filed (CLEAN_SCAN removes it later).
    pub async fn file_scan_document(&self, scan_id: i64, student: StudentId, now: Timestamp) -> Result<i64> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO filed_document (student_id, scan_id, file_name, content, size_bytes, filed_at) \
                 SELECT $2, id, file_name, content, size_bytes, $3 FROM scan_document WHERE id = $1 RETURNING id",
            )
            .bind(scan_id)
            .bind(student.0)
            .bind(to_millis(now))
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query("UPDATE scan_document SET filed_at = $2 WHERE id = $1")
                .bind(scan_id)
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            id.ok_or_else(|| DbError::Corrupt(format!("document scanné {scan_id} absent")))
        })
    }

    pub async fn scan_documents(&self) -> Result<Vec<ScanDocument>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            id: i64,
            file_name: String,
            size_bytes: i64,
            scanned_at: i64,
            filed_at: Option<i64>,
        }
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as("SELECT id, file_name, size_bytes, scanned_at, filed_at FROM scan_document ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        raws.into_iter()
            .map(|raw| {
                Ok(ScanDocument {
                    id: raw.id,
                    file_name: raw.file_name,
                    size_bytes: raw.size_bytes,
                    scanned_at: from_millis(raw.scanned_at)?,
                    filed_at: opt_from_millis(raw.filed_at)?,
                })
            })
            .collect()
    }

    pub async fn count_filed_documents(&self) -> Result<i64> {
        Ok(on_backend!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM filed_document").fetch_one(pool).await?))
    }

    /// Inserts vaccinations; one already known (same student, vaccine and injection date) is
    /// left as it is. Returns how many were new.
    pub async fn insert_vaccinations(&self, rows: &[NewVaccination], now: Timestamp) -> Result<u64> {
        let mut inserted = 0;
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut builder = QueryBuilder::new(
                    "INSERT INTO vaccination (student_id, vaccine_code, label, injection_date, lot, rang, source, \
                     execution_id, imported_at) ",
                );
                builder.push_values(chunk, |mut b, row| {
                    b.push_bind(row.student_id.0)
                        .push_bind(row.vaccine_code.as_str())
                        .push_bind(row.label.as_str())
                        .push_bind(DbDate(row.injection_date))
                        .push_bind(row.lot.as_deref())
                        .push_bind(row.rang)
                        .push_bind(row.source.as_str())
                        .push_bind(row.execution_id)
                        .push_bind(to_millis(now));
                });
                builder.push(" ON CONFLICT (student_id, vaccine_code, injection_date) DO NOTHING");
                inserted += builder.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(inserted)
    }

    pub async fn vaccinations_of_student(&self, student: StudentId) -> Result<Vec<Vaccination>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            student_id: i64,
            vaccine_code: String,
            label: String,
            injection_date: DbDate,
            lot: Option<String>,
            rang: Option<i32>,
            source: String,
        }
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT student_id, vaccine_code, label, injection_date, lot, rang, source FROM vaccination \
                 WHERE student_id = $1 ORDER BY injection_date, vaccine_code",
            )
            .bind(student.0)
            .fetch_all(pool)
            .await?
        });
        Ok(raws
            .into_iter()
            .map(|raw| Vaccination {
                student_id: StudentId(raw.student_id),
                vaccine_code: raw.vaccine_code,
                label: raw.label,
                injection_date: raw.injection_date.0,
                lot: raw.lot,
                rang: raw.rang,
                source: raw.source,
            })
            .collect())
    }

    /// Replaces the whole identity statistics table in one transaction: readers see the old
    /// table or the new one, never a half-built one.
    pub async fn replace_identity_stats(&self, rows: &[IdentityStat], now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM identity_stat").execute(&mut *tx).await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut builder = QueryBuilder::new(
                    "INSERT INTO identity_stat (student_id, age, age_group, sexe, nationality_group, etb, cmp, cursus, \
                     annee, diplome, bursary_holder, ss_affiliated, built_at) ",
                );
                builder.push_values(chunk, |mut b, row| {
                    b.push_bind(row.student_id)
                        .push_bind(row.age)
                        .push_bind(row.age_group.as_str())
                        .push_bind(row.sexe.as_str())
                        .push_bind(row.nationality_group.as_str())
                        .push_bind(row.etb.as_str())
                        .push_bind(row.cmp.as_str())
                        .push_bind(row.cursus.as_deref())
                        .push_bind(row.annee.as_deref())
                        .push_bind(row.diplome.as_deref())
                        .push_bind(row.bursary_holder)
                        .push_bind(row.ss_affiliated)
                        .push_bind(to_millis(now));
                });
                builder.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn identity_stats(&self) -> Result<Vec<IdentityStat>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT student_id, age, age_group, sexe, nationality_group, etb, cmp, cursus, annee, diplome, \
                 bursary_holder, ss_affiliated FROM identity_stat ORDER BY student_id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Adds new candidate pairs and refreshes the score and reasons of known ones, without
    /// touching their verdict.
    pub async fn upsert_duplicate_candidates(&self, pairs: &[DuplicateCandidate], now: Timestamp) -> Result<()> {
        let reasons: Vec<String> =
            pairs.iter().map(|pair| serde_json::to_string(&pair.reasons).unwrap_or_else(|_| "[]".to_owned())).collect();
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (pair, reasons) in pairs.iter().zip(&reasons) {
                let (a, b) = ordered(pair.student_a, pair.student_b);
                sqlx::query(
                    "INSERT INTO duplicate_candidate (student_a, student_b, score, reasons, status, found_at) \
                     VALUES ($1, $2, $3, $4, 'A_TRAITER', $5) \
                     ON CONFLICT (student_a, student_b) DO UPDATE SET score = excluded.score, reasons = excluded.reasons",
                )
                .bind(a.0)
                .bind(b.0)
                .bind(pair.score)
                .bind(reasons.as_str())
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a human verdict on a pair. Returns `false` when the pair is unknown.
    pub async fn judge_duplicate(
        &self,
        a: StudentId,
        b: StudentId,
        status: DuplicateStatus,
        judged_by: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let (a, b) = ordered(a, b);
        let updated = on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE duplicate_candidate SET status = $3, judged_by = $4, judged_at = $5 \
                 WHERE student_a = $1 AND student_b = $2",
            )
            .bind(a.0)
            .bind(b.0)
            .bind(status.as_str())
            .bind(judged_by)
            .bind(to_millis(now))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Candidate pairs, best score first: those still to review, or all of them.
    pub async fn duplicate_candidates(&self, include_judged: bool) -> Result<Vec<DuplicateCandidate>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            student_a: i64,
            student_b: i64,
            score: f64,
            reasons: String,
            status: String,
        }
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT student_a, student_b, score, reasons, status FROM duplicate_candidate \
                 WHERE $1 OR status = 'A_TRAITER' ORDER BY score DESC, student_a, student_b",
            )
            .bind(include_judged)
            .fetch_all(pool)
            .await?
        });
        raws.into_iter()
            .map(|raw| {
                let corrupt = || DbError::Corrupt(format!("paire {}-{}", raw.student_a, raw.student_b));
                Ok(DuplicateCandidate {
                    student_a: StudentId(raw.student_a),
                    student_b: StudentId(raw.student_b),
                    score: raw.score,
                    reasons: serde_json::from_str(&raw.reasons).map_err(|_| corrupt())?,
                    status: DuplicateStatus::parse(&raw.status).ok_or_else(corrupt)?,
                })
            })
            .collect()
    }
}

fn ordered(a: StudentId, b: StudentId) -> (StudentId, StudentId) {
    if a <= b { (a, b) } else { (b, a) }
}

pub(crate) const CONSULTATION_SELECT: &str = "SELECT id, student_id, opened_by, opened_at, closed_at, closed_by, \
     closed_automatically, closing_execution_id FROM consultation";

/// A row of [`CONSULTATION_SELECT`].
#[derive(sqlx::FromRow)]
pub(crate) struct RawConsultation {
    id: i64,
    student_id: i64,
    opened_by: String,
    opened_at: i64,
    closed_at: Option<i64>,
    closed_by: Option<String>,
    closed_automatically: bool,
    closing_execution_id: Option<i64>,
}

impl TryFrom<RawConsultation> for Consultation {
    type Error = DbError;

    fn try_from(raw: RawConsultation) -> Result<Consultation> {
        Ok(Consultation {
            id: raw.id,
            student_id: StudentId(raw.student_id),
            opened_by: raw.opened_by,
            opened_at: from_millis(raw.opened_at)?,
            closed_at: opt_from_millis(raw.closed_at)?,
            closed_by: raw.closed_by,
            closed_automatically: raw.closed_automatically,
            closing_execution_id: raw.closing_execution_id,
        })
    }
}

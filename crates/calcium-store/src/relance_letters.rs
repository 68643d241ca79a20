//! The letters of relances (REL_COU, REL_CRA), their mails and their listings (LIS_REL,
//! LIS_RAP), and the relances page's overview.
//!
//! A batch of letters is recorded with the file that holds it in one transaction, so a letter
//! is never marked produced without its PDF, and never produced twice (`UNIQUE (relance_id,
//! kind)`). A listing marks its letters listed in the transaction that records its file.

use calcium_core::relance::LetterKind;
use calcium_core::student::StudentId;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::QueryBuilder;

use crate::files::{NewProducedFile, ProducedFile, RawFile, insert_produced_file};
use crate::types::{DbDate, from_millis, opt_from_millis, to_millis};
use crate::{Backend, DbError, Result, Store, on_backend};

/// Rows per multi-row statement (well under both backends' bind limits).
const ROWS_PER_STATEMENT: usize = 500;

/// The student columns a letter, a mail or a listing line needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LetterStudent {
    #[sqlx(rename = "student_id")]
    pub id: i64,
    pub cod_nne: Option<String>,
    pub nom: String,
    pub nomusage: Option<String>,
    pub prenom1: String,
    pub sexe: String,
    pub datenai: DbDate,
    pub mail: Option<String>,
    pub adr1: Option<String>,
    pub adr2: Option<String>,
    pub adr3: Option<String>,
    pub cod_bdi: Option<String>,
    pub commune: Option<String>,
    pub pays: Option<String>,
    pub adr1fix: Option<String>,
    pub adr2fix: Option<String>,
    pub adr3fix: Option<String>,
    pub bdifix: Option<String>,
    pub communefix: Option<String>,
    pub paysfix: Option<String>,
}

impl LetterStudent {
    pub fn student_id(&self) -> StudentId {
        StudentId(self.id)
    }
}

/// An open relance that needs a letter of some kind, with its student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterCandidate {
    pub relance_id: i64,
    pub motif_code: String,
    /// The motif's label in the nomenclature, or its code when the nomenclature lacks it.
    pub motif_label: String,
    pub due_date: Date,
    pub courrier: String,
    pub student: LetterStudent,
}

/// A letter to record with the file holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLetter {
    pub relance_id: i64,
    /// Where the courrier is to be mailed (`None`: not mailed).
    pub mail_to: Option<String>,
    /// The printed postal address (JSON), `None` when the student had none.
    pub address: Option<String>,
}

/// A letter whose mail is still to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMail {
    pub letter_id: i64,
    pub mail_to: String,
    pub mail_attempts: i32,
    pub produced_at: Timestamp,
    pub candidate: LetterCandidate,
}

/// A letter not listed yet, with what its listing line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterToList {
    pub letter_id: i64,
    pub produced_at: Timestamp,
    pub address: Option<String>,
    pub motif_label: String,
    pub due_date: Date,
    pub student: LetterStudent,
}

/// Which relances the overview shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelanceFilter {
    All,
    /// Open, due after `today`.
    EnCours {
        today: Date,
    },
    /// Open, due on or before `today` and after `rappel_by`.
    Echue {
        today: Date,
        rappel_by: Date,
    },
    /// Open, due on or before `rappel_by`.
    RappelDu {
        rappel_by: Date,
    },
    Closed,
}

/// One letter as the overview shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterState {
    pub produced_at: Timestamp,
    pub file_id: Option<i64>,
    pub mail_to: Option<String>,
    pub mailed_at: Option<Timestamp>,
    pub mail_error: Option<String>,
    pub mail_attempts: i32,
    pub listing_file_id: Option<i64>,
}

/// One line of the relances page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelanceOverview {
    pub relance_id: i64,
    pub student_id: StudentId,
    pub cod_nne: Option<String>,
    pub nom: String,
    pub prenom1: String,
    pub motif_label: String,
    pub due_date: Date,
    pub closed_at: Option<Timestamp>,
    pub relance_letter: Option<LetterState>,
    pub rappel_letter: Option<LetterState>,
}

// The texts below are built from these constants only, never from input (hence AssertSqlSafe).
const STUDENT_COLUMNS: &str = "s.id AS student_id, s.cod_nne, s.nom, s.nomusage, s.prenom1, s.sexe, s.datenai, s.mail, \
     s.adr1, s.adr2, s.adr3, s.cod_bdi, s.commune, s.pays, s.adr1fix, s.adr2fix, s.adr3fix, s.bdifix, s.communefix, \
     s.paysfix";

const MOTIF_JOIN: &str =
    "LEFT JOIN nomenclature n ON n.kind = 'MOTIF_RELANCE' AND n.code = r.motif_code AND n.parent_code = ''";

#[derive(sqlx::FromRow)]
struct RawCandidate {
    relance_id: i64,
    motif_code: String,
    motif_label: Option<String>,
    due_date: DbDate,
    courrier: String,
    #[sqlx(flatten)]
    student: LetterStudent,
}

impl From<RawCandidate> for LetterCandidate {
    fn from(raw: RawCandidate) -> LetterCandidate {
        LetterCandidate {
            relance_id: raw.relance_id,
            motif_label: raw.motif_label.unwrap_or_else(|| raw.motif_code.clone()),
            motif_code: raw.motif_code,
            due_date: raw.due_date.0,
            courrier: raw.courrier,
            student: raw.student,
        }
    }
}

impl Store {
    /// The open relances due on or before `due_by` that have no letter of `kind` yet, in the
    /// order the letters are printed (name, first name, relance).
    pub async fn letter_candidates(&self, kind: LetterKind, due_by: Date) -> Result<Vec<LetterCandidate>> {
        let sql = format!(
            "SELECT r.id AS relance_id, r.motif_code, n.label AS motif_label, r.due_date, r.courrier, {STUDENT_COLUMNS} \
             FROM relance r JOIN student s ON s.id = r.student_id {MOTIF_JOIN} \
             WHERE r.closed_at IS NULL AND r.due_date <= $1 \
             AND NOT EXISTS (SELECT 1 FROM relance_letter l WHERE l.relance_id = r.id AND l.kind = $2) \
             ORDER BY s.nom_key, s.prenom_key, r.id"
        );
        let raws: Vec<RawCandidate> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(DbDate(due_by))
                .bind(kind.as_str())
                .fetch_all(pool)
                .await?
        });
        Ok(raws.into_iter().map(LetterCandidate::from).collect())
    }

    /// Records a run's letters and the PDF holding them, in one transaction: the file first,
    /// then one letter per relance pointing at it. A relance that already has a letter of this
    /// kind makes the whole batch fail ([`DbError::Conflict`]) and nothing is recorded.
    pub async fn record_letters(
        &self,
        kind: LetterKind,
        file: &NewProducedFile<'_>,
        letters: &[NewLetter],
        now: Timestamp,
    ) -> Result<i64> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let file_id = insert_produced_file!(&mut *tx, file, now).await?;
            for chunk in letters.chunks(ROWS_PER_STATEMENT) {
                let mut builder = QueryBuilder::new(
                    "INSERT INTO relance_letter (relance_id, kind, execution_id, file_id, produced_at, mail_to, address) ",
                );
                builder.push_values(chunk, |mut b, letter| {
                    b.push_bind(letter.relance_id)
                        .push_bind(kind.as_str())
                        .push_bind(file.execution_id)
                        .push_bind(file_id)
                        .push_bind(to_millis(now))
                        .push_bind(letter.mail_to.as_deref())
                        .push_bind(letter.address.as_deref());
                });
                builder.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(file_id)
        })
    }

    /// The letters of `kind` whose mail is still to be sent and was tried fewer than
    /// `max_attempts` times, oldest first.
    pub async fn pending_mails(&self, kind: LetterKind, max_attempts: i32) -> Result<Vec<PendingMail>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            letter_id: i64,
            mail_to: String,
            mail_attempts: i32,
            produced_at: i64,
            #[sqlx(flatten)]
            candidate: RawCandidate,
        }
        let sql = format!(
            "SELECT l.id AS letter_id, l.mail_to, l.mail_attempts, l.produced_at, r.id AS relance_id, r.motif_code, \
             n.label AS motif_label, r.due_date, r.courrier, {STUDENT_COLUMNS} \
             FROM relance_letter l JOIN relance r ON r.id = l.relance_id JOIN student s ON s.id = r.student_id \
             {MOTIF_JOIN} \
             WHERE l.kind = $1 AND l.mail_to IS NOT NULL AND l.mailed_at IS NULL AND l.mail_attempts < $2 \
             ORDER BY l.produced_at, l.id"
        );
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(kind.as_str())
                .bind(max_attempts)
                .fetch_all(pool)
                .await?
        });
        raws.into_iter()
            .map(|raw| {
                Ok(PendingMail {
                    letter_id: raw.letter_id,
                    mail_to: raw.mail_to,
                    mail_attempts: raw.mail_attempts,
                    produced_at: from_millis(raw.produced_at)?,
                    candidate: raw.candidate.into(),
                })
            })
            .collect()
    }

    /// Records that a letter's mail left.
    pub async fn mark_mail_sent(&self, letter_id: i64, now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE relance_letter SET mailed_at = $2, mail_error = NULL, mail_attempts = mail_attempts + 1 \
                 WHERE id = $1",
            )
            .bind(letter_id)
            .bind(to_millis(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Records a failed try; the next run tries again while attempts remain.
    pub async fn mark_mail_failed(&self, letter_id: i64, error: &str) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("UPDATE relance_letter SET mail_error = $2, mail_attempts = mail_attempts + 1 WHERE id = $1")
                .bind(letter_id)
                .bind(error)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The letters of `kind` not listed yet, in the order they were produced.
    pub async fn letters_to_list(&self, kind: LetterKind) -> Result<Vec<LetterToList>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            letter_id: i64,
            produced_at: i64,
            address: Option<String>,
            motif_code: String,
            motif_label: Option<String>,
            due_date: DbDate,
            #[sqlx(flatten)]
            student: LetterStudent,
        }
        let sql = format!(
            "SELECT l.id AS letter_id, l.produced_at, l.address, r.motif_code, n.label AS motif_label, r.due_date, \
             {STUDENT_COLUMNS} \
             FROM relance_letter l JOIN relance r ON r.id = l.relance_id JOIN student s ON s.id = r.student_id \
             {MOTIF_JOIN} \
             WHERE l.kind = $1 AND l.listed_at IS NULL ORDER BY l.produced_at, s.nom_key, s.prenom_key, l.id"
        );
        let raws: Vec<Raw> = on_backend!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?);
        raws.into_iter()
            .map(|raw| {
                Ok(LetterToList {
                    letter_id: raw.letter_id,
                    produced_at: from_millis(raw.produced_at)?,
                    address: raw.address,
                    motif_label: raw.motif_label.unwrap_or(raw.motif_code),
                    due_date: raw.due_date.0,
                    student: raw.student,
                })
            })
            .collect()
    }

    /// Records a listing file and marks its letters listed, in one transaction.
    ///
    /// On PostgreSQL the letters are marked by one statement taking their ids as an array. In
    /// chunks of a few hundred ids, PostgreSQL's plan for the chunk (the table's statistics
    /// still those of before REL_COU wrote its letters) read every letter not listed yet
    /// through the `relance_letter_to_list` index and kept the chunk's: each chunk cost as much
    /// as all the letters left, and 50 000 letters took 3.7 s against 0.9 s on SQLite.
    pub async fn record_listing(&self, file: &NewProducedFile<'_>, letter_ids: &[i64], now: Timestamp) -> Result<i64> {
        // Another listing took some of these letters meanwhile: this file would list them
        // twice, so it is not recorded.
        let all_listed = |updated: u64, asked: usize| {
            if updated == asked as u64 {
                Ok(())
            } else {
                Err(DbError::Conflict { constraint: Some("relance_letter.listed_at".to_owned()) })
            }
        };
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                let file_id = insert_produced_file!(&mut *tx, file, now).await?;
                for chunk in letter_ids.chunks(ROWS_PER_STATEMENT) {
                    let mut builder = QueryBuilder::new("UPDATE relance_letter SET listed_at = ");
                    builder.push_bind(to_millis(now)).push(", listing_file_id = ").push_bind(file_id);
                    builder.push(" WHERE listed_at IS NULL AND id IN (");
                    let mut ids = builder.separated(", ");
                    for id in chunk {
                        ids.push_bind(*id);
                    }
                    builder.push(")");
                    all_listed(builder.build().execute(&mut *tx).await?.rows_affected(), chunk.len())?;
                }
                tx.commit().await?;
                Ok(file_id)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let file_id = insert_produced_file!(&mut *tx, file, now).await?;
                let updated = sqlx::query(
                    "UPDATE relance_letter SET listed_at = $1, listing_file_id = $2 \
                     WHERE listed_at IS NULL AND id = ANY($3)",
                )
                .bind(to_millis(now))
                .bind(file_id)
                .bind(letter_ids)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                all_listed(updated, letter_ids.len())?;
                tx.commit().await?;
                Ok(file_id)
            }
        }
    }

    /// The relances page: relances matching `filter`, most urgent first (oldest due date), with
    /// their letters; and how many match in all.
    pub async fn relance_overview(
        &self,
        filter: RelanceFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<RelanceOverview>, i64)> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            relance_id: i64,
            student_id: i64,
            cod_nne: Option<String>,
            nom: String,
            prenom1: String,
            motif_code: String,
            motif_label: Option<String>,
            due_date: DbDate,
            closed_at: Option<i64>,
            a_produced_at: Option<i64>,
            a_file_id: Option<i64>,
            a_mail_to: Option<String>,
            a_mailed_at: Option<i64>,
            a_mail_error: Option<String>,
            a_mail_attempts: Option<i32>,
            a_listing_file_id: Option<i64>,
            b_produced_at: Option<i64>,
            b_file_id: Option<i64>,
            b_mail_to: Option<String>,
            b_mailed_at: Option<i64>,
            b_mail_error: Option<String>,
            b_mail_attempts: Option<i32>,
            b_listing_file_id: Option<i64>,
        }
        let (condition, dates) = match filter {
            RelanceFilter::All => ("TRUE", vec![]),
            RelanceFilter::EnCours { today } => ("r.closed_at IS NULL AND r.due_date > $3", vec![today]),
            RelanceFilter::Echue { today, rappel_by } => {
                ("r.closed_at IS NULL AND r.due_date <= $3 AND r.due_date > $4", vec![today, rappel_by])
            }
            RelanceFilter::RappelDu { rappel_by } => ("r.closed_at IS NULL AND r.due_date <= $3", vec![rappel_by]),
            RelanceFilter::Closed => ("r.closed_at IS NOT NULL", vec![]),
        };
        let letter_columns = |alias: &str| {
            format!(
                "{alias}.produced_at AS {alias}_produced_at, {alias}.file_id AS {alias}_file_id, \
                 {alias}.mail_to AS {alias}_mail_to, {alias}.mailed_at AS {alias}_mailed_at, \
                 {alias}.mail_error AS {alias}_mail_error, {alias}.mail_attempts AS {alias}_mail_attempts, \
                 {alias}.listing_file_id AS {alias}_listing_file_id"
            )
        };
        let sql = format!(
            "SELECT r.id AS relance_id, s.id AS student_id, s.cod_nne, s.nom, s.prenom1, r.motif_code, \
             n.label AS motif_label, r.due_date, r.closed_at, {}, {} \
             FROM relance r JOIN student s ON s.id = r.student_id {MOTIF_JOIN} \
             LEFT JOIN relance_letter a ON a.relance_id = r.id AND a.kind = 'RELANCE' \
             LEFT JOIN relance_letter b ON b.relance_id = r.id AND b.kind = 'RAPPEL' \
             WHERE {condition} ORDER BY r.due_date, r.id LIMIT $1 OFFSET $2",
            letter_columns("a"),
            letter_columns("b"),
        );
        // The count binds the same dates, renumbered from $1.
        let count_sql =
            format!("SELECT COUNT(*) FROM relance r WHERE {}", condition.replace("$3", "$1").replace("$4", "$2"));
        let (raws, total): (Vec<Raw>, i64) = on_backend!(self, |pool| {
            let mut query =
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(i64::from(limit)).bind(i64::from(offset));
            let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()));
            for date in &dates {
                query = query.bind(DbDate(*date));
                count = count.bind(DbDate(*date));
            }
            (query.fetch_all(pool).await?, count.fetch_one(pool).await?)
        });
        let letter = |produced_at: Option<i64>,
                      file_id,
                      mail_to,
                      mailed_at: Option<i64>,
                      mail_error,
                      mail_attempts: Option<i32>,
                      listing_file_id|
         -> Result<Option<LetterState>> {
            let Some(produced_at) = produced_at else { return Ok(None) };
            Ok(Some(LetterState {
                produced_at: from_millis(produced_at)?,
                file_id,
                mail_to,
                mailed_at: opt_from_millis(mailed_at)?,
                mail_error,
                mail_attempts: mail_attempts.unwrap_or(0),
                listing_file_id,
            }))
        };
        let rows = raws
            .into_iter()
            .map(|raw| {
                Ok(RelanceOverview {
                    relance_id: raw.relance_id,
                    student_id: StudentId(raw.student_id),
                    cod_nne: raw.cod_nne,
                    nom: raw.nom,
                    prenom1: raw.prenom1,
                    motif_label: raw.motif_label.unwrap_or(raw.motif_code),
                    due_date: raw.due_date.0,
                    closed_at: opt_from_millis(raw.closed_at)?,
                    relance_letter: letter(
                        raw.a_produced_at,
                        raw.a_file_id,
                        raw.a_mail_to,
                        raw.a_mailed_at,
                        raw.a_mail_error,
                        raw.a_mail_attempts,
                        raw.a_listing_file_id,
                    )?,
                    rappel_letter: letter(
                        raw.b_produced_at,
                        raw.b_file_id,
                        raw.b_mail_to,
                        raw.b_mailed_at,
                        raw.b_mail_error,
                        raw.b_mail_attempts,
                        raw.b_listing_file_id,
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, total))
    }

    /// The files of the relance batches (letters and listings), newest first.
    pub async fn relance_files(&self, limit: u32) -> Result<Vec<ProducedFile>> {
        let raws: Vec<RawFile> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, path, file_name, size_bytes, execution_id, created_at FROM produced_file \
                 WHERE kind IN ('RELANCE_LETTERS', 'RAPPEL_LETTERS', 'RELANCE_LISTING', 'RAPPEL_LISTING') \
                 ORDER BY created_at DESC, id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        raws.into_iter().map(ProducedFile::try_from).collect()
    }

    /// The letter of `kind` recorded against a relance, if any.
    pub async fn letter_of_relance(&self, relance_id: i64, kind: LetterKind) -> Result<Option<LetterState>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            produced_at: i64,
            file_id: Option<i64>,
            mail_to: Option<String>,
            mailed_at: Option<i64>,
            mail_error: Option<String>,
            mail_attempts: i32,
            listing_file_id: Option<i64>,
        }
        let raw: Option<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT produced_at, file_id, mail_to, mailed_at, mail_error, mail_attempts, listing_file_id \
                 FROM relance_letter WHERE relance_id = $1 AND kind = $2",
            )
            .bind(relance_id)
            .bind(kind.as_str())
            .fetch_optional(pool)
            .await?
        });
        raw.map(|raw| {
            Ok(LetterState {
                produced_at: from_millis(raw.produced_at)?,
                file_id: raw.file_id,
                mail_to: raw.mail_to,
                mailed_at: opt_from_millis(raw.mailed_at)?,
                mail_error: raw.mail_error,
                mail_attempts: raw.mail_attempts,
                listing_file_id: raw.listing_file_id,
            })
        })
        .transpose()
    }
}

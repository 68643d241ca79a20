//! What the health-data batches (FER_CON, CLEAN_SCAN, CLEAN_RELANCE, MAJ_IDENTITE,
//! MES_VACCINS) change in the base, each change in one statement or one transaction, and what
//! the statistics page reads.
//!
//! The rules stay with the jobs: which consultations to close, which relances are too old,
//! how old a student is and which group a nationality belongs to are decided by the caller and
//! handed over as values; this module only applies them set-wise, so a million students cost
//! a few statements, not a million round trips.

use std::collections::BTreeMap;

use calcium_core::BatchCode;
use calcium_core::student::StudentId;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::QueryBuilder;

use crate::health::{CONSULTATION_SELECT, RawConsultation};
use crate::types::{DbDate, opt_from_millis, to_millis};
use crate::{Backend, Consultation, DbError, NewVaccination, Result, Store, on_backend};

/// What CLEAN_SCAN removed from the scan basket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCleanup {
    /// Basket copies of documents already filed into a student record.
    pub filed_copies: u64,
    /// Basket documents never filed, older than the retention.
    pub stale_documents: u64,
    /// The stored bytes of both.
    pub bytes_freed: i64,
}

/// What CLEAN_RELANCE removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelanceCleanup {
    pub relances: u64,
    pub relance_letters: u64,
    pub rappel_letters: u64,
    /// The letter files no remaining letter refers to any more: their records are gone, the
    /// caller deletes them from the disk. (path, size in bytes)
    pub orphaned_files: Vec<(String, i64)>,
}

/// What MAJ_IDENTITE needs to know to classify every student: the distinct birth dates and
/// nationality codes of the base, read in the rebuild's own transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityInputs {
    pub birth_dates: Vec<Date>,
    pub nationalities: Vec<String>,
}

/// The caller's verdict on each input: (birth date, age, age group code) and (nationality
/// code, nationality group code). A student whose date or code is missing here is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityClassification {
    pub ages: Vec<(Date, i16, &'static str)>,
    pub nationality_groups: Vec<(String, &'static str)>,
}

/// The counts the statistics page shows, all read from `identity_stat` in one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityCounts {
    pub students: i64,
    /// (etb, cmp, count), by etb then cmp.
    pub by_composante: Vec<(String, String, i64)>,
    /// (age group code, sexe, count).
    pub by_age_group_and_sex: Vec<(String, String, i64)>,
    /// (nationality group code, count).
    pub by_nationality_group: Vec<(String, i64)>,
    pub bursary_holders: i64,
    /// When the table was built (`None`: never, or rebuilt from an empty base).
    pub built_at: Option<Timestamp>,
}

/// A student a MesVaccins record may be: its id and INE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentCandidate {
    pub id: StudentId,
    pub ine: Option<String>,
}

/// What an upsert of vaccinations did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VaccinationUpsert {
    pub created: u64,
    /// Known (student, vaccine, injection date) whose label, lot or rank changed.
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// FER_CON: closes, in one statement, every consultation still open that was opened
    /// strictly before `opened_before`, stamped closed automatically at `closed_at` by
    /// `closed_by` in execution `execution_id`. Returns how many were closed.
    pub async fn close_open_consultations(
        &self,
        opened_before: Timestamp,
        closed_at: Timestamp,
        closed_by: &str,
        execution_id: i64,
    ) -> Result<u64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE consultation SET closed_at = $2, closed_by = $3, closed_automatically = TRUE, \
                 closing_execution_id = $4 WHERE closed_at IS NULL AND opened_at < $1",
            )
            .bind(to_millis(opened_before))
            .bind(to_millis(closed_at))
            .bind(closed_by)
            .bind(execution_id)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// CLEAN_SCAN: deletes, in one transaction, the basket copies of filed documents and the
    /// basket documents never filed that were scanned before `stale_before`. A filed
    /// document (the student record's own copy) is never touched: it only loses its link to
    /// the basket copy.
    pub async fn clean_scan_basket(&self, stale_before: Timestamp) -> Result<ScanCleanup> {
        let (filed, stale): (Vec<i64>, Vec<i64>) = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let filed: Vec<i64> =
                sqlx::query_scalar("DELETE FROM scan_document WHERE filed_at IS NOT NULL RETURNING size_bytes")
                    .fetch_all(&mut *tx)
                    .await?;
            let stale: Vec<i64> = sqlx::query_scalar(
                "DELETE FROM scan_document WHERE filed_at IS NULL AND scanned_at < $1 RETURNING size_bytes",
            )
            .bind(to_millis(stale_before))
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            (filed, stale)
        });
        Ok(ScanCleanup {
            filed_copies: filed.len() as u64,
            stale_documents: stale.len() as u64,
            bytes_freed: filed.iter().chain(&stale).sum(),
        })
    }

    /// CLEAN_RELANCE: deletes, in one transaction, the relances due strictly before
    /// `due_before` with their letters (relance and rappel), and the records of the letter
    /// files no remaining letter refers to.
    pub async fn delete_relances_due_before(&self, due_before: Date) -> Result<RelanceCleanup> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            // Writing first takes SQLite's write lock at the first statement: a transaction
            // that read first could not upgrade after another connection wrote.
            let letters: Vec<(String, Option<i64>)> = sqlx::query_as(
                "DELETE FROM relance_letter WHERE relance_id IN (SELECT id FROM relance WHERE due_date < $1) \
                 RETURNING kind, file_id",
            )
            .bind(DbDate(due_before))
            .fetch_all(&mut *tx)
            .await?;
            let relances = sqlx::query("DELETE FROM relance WHERE due_date < $1")
                .bind(DbDate(due_before))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let mut file_ids: Vec<i64> = letters.iter().filter_map(|(_, file)| *file).collect();
            file_ids.sort_unstable();
            file_ids.dedup();
            let mut orphaned_files = Vec::new();
            for chunk in file_ids.chunks(1000) {
                let mut builder = QueryBuilder::new("DELETE FROM produced_file WHERE id IN (");
                let mut ids = builder.separated(", ");
                for id in chunk {
                    ids.push_bind(*id);
                }
                builder.push(
                    ") AND NOT EXISTS (SELECT 1 FROM relance_letter WHERE relance_letter.file_id = produced_file.id) \
                     RETURNING path, size_bytes",
                );
                let removed: Vec<(String, i64)> = builder.build_query_as().fetch_all(&mut *tx).await?;
                orphaned_files.extend(removed);
            }
            tx.commit().await?;
            Ok(RelanceCleanup {
                relances,
                relance_letters: letters.iter().filter(|(kind, _)| kind == "RELANCE").count() as u64,
                rappel_letters: letters.iter().filter(|(kind, _)| kind == "RAPPEL").count() as u64,
                orphaned_files,
            })
        })
    }

    /// MAJ_IDENTITE: rebuilds `identity_stat` from the students in one transaction, so a
    /// reader sees the old table or the new one, never a half-built one. `classify` gets the
    /// distinct birth dates and nationality codes read in that same transaction (SQLite: under
    /// the write lock; PostgreSQL: in one REPEATABLE READ snapshot), so no student slips
    /// between the reading and the writing. Returns the number of rows built.
    pub async fn rebuild_identity_stats(
        &self,
        classify: impl FnOnce(&IdentityInputs) -> IdentityClassification,
        now: Timestamp,
    ) -> Result<u64> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let inputs = identity_inputs_sqlite(&mut tx).await?;
                let classification = classify(&inputs);
                let ages: Vec<(String, i16, &str)> =
                    classification.ages.iter().map(|(date, age, group)| (date.to_string(), *age, *group)).collect();
                let ages = serde_json::to_string(&ages).map_err(|e| DbError::Corrupt(e.to_string()))?;
                let groups = serde_json::to_string(&classification.nationality_groups)
                    .map_err(|e| DbError::Corrupt(e.to_string()))?;
                // The answers go to indexed temporary tables: joined straight from
                // `json_each`, every student would scan the whole list of birth dates.
                for statement in [
                    "CREATE TEMP TABLE identity_age (datenai TEXT PRIMARY KEY, age INTEGER NOT NULL, \
                     age_group TEXT NOT NULL)",
                    "CREATE TEMP TABLE identity_nationality (code TEXT PRIMARY KEY, nationality_group TEXT NOT NULL)",
                ] {
                    sqlx::query(statement).execute(&mut *tx).await?;
                }
                sqlx::query(
                    "INSERT INTO identity_age (datenai, age, age_group) \
                     SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each($1)",
                )
                .bind(ages)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO identity_nationality (code, nationality_group) \
                     SELECT value ->> 0, value ->> 1 FROM json_each($1)",
                )
                .bind(groups)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM identity_stat").execute(&mut *tx).await?;
                let built = sqlx::query(
                    "INSERT INTO identity_stat (student_id, age, age_group, sexe, nationality_group, etb, cmp, cursus, \
                     annee, diplome, bursary_holder, ss_affiliated, built_at) \
                     SELECT s.id, a.age, a.age_group, s.sexe, n.nationality_group, s.etb, s.cmp, s.cursus, \
                     s.annee, s.diplome, (s.codebrs IS NOT NULL AND TRIM(s.codebrs) <> ''), s.tem_affl_sso, $1 \
                     FROM student AS s \
                     JOIN identity_age AS a ON a.datenai = s.datenai \
                     JOIN identity_nationality AS n ON n.code = s.code_natio",
                )
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                // Dropped in the transaction: the pooled connection goes back clean (and a
                // rollback drops them as well).
                for statement in ["DROP TABLE temp.identity_age", "DROP TABLE temp.identity_nationality"] {
                    sqlx::query(statement).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(built)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
                let birth_dates: Vec<DbDate> =
                    sqlx::query_scalar("SELECT DISTINCT datenai FROM student").fetch_all(&mut *tx).await?;
                let nationalities: Vec<String> =
                    sqlx::query_scalar("SELECT DISTINCT code_natio FROM student").fetch_all(&mut *tx).await?;
                let inputs =
                    IdentityInputs { birth_dates: birth_dates.into_iter().map(|d| d.0).collect(), nationalities };
                let classification = classify(&inputs);
                let dates: Vec<String> = classification.ages.iter().map(|(date, _, _)| date.to_string()).collect();
                let ages: Vec<i16> = classification.ages.iter().map(|(_, age, _)| *age).collect();
                let age_groups: Vec<&str> = classification.ages.iter().map(|(_, _, group)| *group).collect();
                let codes: Vec<&str> =
                    classification.nationality_groups.iter().map(|(code, _)| code.as_str()).collect();
                let groups: Vec<&str> = classification.nationality_groups.iter().map(|(_, group)| *group).collect();
                sqlx::query("DELETE FROM identity_stat").execute(&mut *tx).await?;
                let built = sqlx::query(
                    "INSERT INTO identity_stat (student_id, age, age_group, sexe, nationality_group, etb, cmp, cursus, \
                     annee, diplome, bursary_holder, ss_affiliated, built_at) \
                     SELECT s.id, a.age, a.age_group, s.sexe, n.nationality_group, s.etb, s.cmp, s.cursus, s.annee, \
                     s.diplome, (s.codebrs IS NOT NULL AND TRIM(s.codebrs) <> ''), s.tem_affl_sso, $6 \
                     FROM student AS s \
                     JOIN (SELECT d::date AS datenai, age, age_group \
                           FROM unnest($1::text[], $2::int2[], $3::text[]) AS t(d, age, age_group)) AS a \
                       ON a.datenai = s.datenai \
                     JOIN unnest($4::text[], $5::text[]) AS n(code, nationality_group) ON n.code = s.code_natio",
                )
                .bind(dates)
                .bind(ages)
                .bind(age_groups)
                .bind(codes)
                .bind(groups)
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(built)
            }
        }
    }

    /// The counts of the statistics page, read in one snapshot of `identity_stat`: one
    /// statement (a statement always sees one state of the base, on both backends) and one
    /// scan, grouped by every dimension the page shows (a few hundred groups), summed here.
    pub async fn identity_counts(&self) -> Result<IdentityCounts> {
        type Group = (String, String, String, String, String, bool, i64, i64);
        let groups: Vec<Group> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT etb, cmp, age_group, sexe, nationality_group, bursary_holder, COUNT(*), MAX(built_at) \
                 FROM identity_stat GROUP BY etb, cmp, age_group, sexe, nationality_group, bursary_holder",
            )
            .fetch_all(pool)
            .await?
        });
        let mut by_composante: BTreeMap<(String, String), i64> = BTreeMap::new();
        let mut by_age: BTreeMap<(String, String), i64> = BTreeMap::new();
        let mut by_nationality: BTreeMap<String, i64> = BTreeMap::new();
        let mut counts = IdentityCounts::default();
        let mut built_at: Option<i64> = None;
        for (etb, cmp, age_group, sexe, nationality_group, bursary_holder, count, built) in groups {
            *by_composante.entry((etb, cmp)).or_default() += count;
            *by_age.entry((age_group, sexe)).or_default() += count;
            *by_nationality.entry(nationality_group).or_default() += count;
            counts.students += count;
            if bursary_holder {
                counts.bursary_holders += count;
            }
            built_at = built_at.max(Some(built));
        }
        counts.by_composante = by_composante.into_iter().map(|((etb, cmp), n)| (etb, cmp, n)).collect();
        counts.by_age_group_and_sex = by_age.into_iter().map(|((group, sexe), n)| (group, sexe, n)).collect();
        counts.by_nationality_group = by_nationality.into_iter().collect();
        counts.built_at = opt_from_millis(built_at)?;
        Ok(counts)
    }

    /// When the last run of `batch` that ended FINISH started, if any.
    pub async fn last_successful_start(&self, batch: BatchCode) -> Result<Option<Timestamp>> {
        let started: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT MAX(started_at) FROM execution WHERE batch_code = $1 AND status = 'FINISH'")
                .bind(batch.as_str())
                .fetch_one(pool)
                .await?
        });
        opt_from_millis(started)
    }

    /// The students holding INE `ine`.
    pub async fn students_with_ine(&self, ine: &str) -> Result<Vec<StudentCandidate>> {
        let rows: Vec<(i64, Option<String>)> = on_backend!(self, |pool| {
            sqlx::query_as("SELECT id, cod_nne FROM student WHERE cod_nne = $1 ORDER BY id")
                .bind(ine)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(id, ine)| StudentCandidate { id: StudentId(id), ine }).collect())
    }

    /// The students whose normalised NOM and PRENOM1 are `nom_key` and `prenom_key`, born on
    /// `birth_date` (the secondary keys, less the nationality a MesVaccins record lacks).
    pub async fn students_with_name_and_birth(
        &self,
        nom_key: &str,
        prenom_key: &str,
        birth_date: Date,
    ) -> Result<Vec<StudentCandidate>> {
        let rows: Vec<(i64, Option<String>)> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, cod_nne FROM student WHERE nom_key = $1 AND prenom_key = $2 AND datenai = $3 ORDER BY id",
            )
            .bind(nom_key)
            .bind(prenom_key)
            .bind(DbDate(birth_date))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(id, ine)| StudentCandidate { id: StudentId(id), ine }).collect())
    }

    /// Writes vaccinations in one transaction: a new (student, vaccine, injection date) is
    /// created, a known one gets the label, lot and rank given, and one that already says
    /// exactly that is left alone (so importing the same records twice changes nothing).
    pub async fn upsert_vaccinations(&self, rows: &[NewVaccination], now: Timestamp) -> Result<VaccinationUpsert> {
        let mut outcome = VaccinationUpsert::default();
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for row in rows {
                // Insert first, then update what differs: both statements write, so SQLite's
                // write lock is taken at once, and their results tell created from updated
                // from unchanged the same way on both backends.
                let created: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO vaccination (student_id, vaccine_code, label, injection_date, lot, rang, source, \
                     execution_id, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (student_id, vaccine_code, injection_date) DO NOTHING RETURNING id",
                )
                .bind(row.student_id.0)
                .bind(row.vaccine_code.as_str())
                .bind(row.label.as_str())
                .bind(DbDate(row.injection_date))
                .bind(row.lot.as_deref())
                .bind(row.rang)
                .bind(row.source.as_str())
                .bind(row.execution_id)
                .bind(to_millis(now))
                .fetch_optional(&mut *tx)
                .await?;
                if created.is_some() {
                    outcome.created += 1;
                    continue;
                }
                let updated = sqlx::query(
                    "UPDATE vaccination SET label = $4, lot = $5, rang = $6, source = $7, execution_id = $8, \
                     imported_at = $9 WHERE student_id = $1 AND vaccine_code = $2 AND injection_date = $3 \
                     AND (label IS DISTINCT FROM $4 OR lot IS DISTINCT FROM $5 OR rang IS DISTINCT FROM $6)",
                )
                .bind(row.student_id.0)
                .bind(row.vaccine_code.as_str())
                .bind(DbDate(row.injection_date))
                .bind(row.label.as_str())
                .bind(row.lot.as_deref())
                .bind(row.rang)
                .bind(row.source.as_str())
                .bind(row.execution_id)
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated > 0 {
                    outcome.updated += 1;
                } else {
                    outcome.unchanged += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(outcome)
    }
}

impl Store {
    /// Every consultation of a student, oldest first.
    pub async fn consultations_of_student(&self, student: StudentId) -> Result<Vec<Consultation>> {
        let sql = format!("{CONSULTATION_SELECT} WHERE student_id = $1 ORDER BY opened_at, id");
        let raws: Vec<RawConsultation> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(student.0).fetch_all(pool).await?
        });
        raws.into_iter().map(Consultation::try_from).collect()
    }

    /// The documents filed into a student's record: (file name, content, basket copy id).
    pub async fn filed_documents_of_student(&self, student: StudentId) -> Result<Vec<(String, Vec<u8>, Option<i64>)>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_as("SELECT file_name, content, scan_id FROM filed_document WHERE student_id = $1 ORDER BY id")
                .bind(student.0)
                .fetch_all(pool)
                .await?
        }))
    }
}

async fn identity_inputs_sqlite(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<IdentityInputs> {
    let birth_dates: Vec<DbDate> =
        sqlx::query_scalar("SELECT DISTINCT datenai FROM student").fetch_all(&mut **tx).await?;
    let nationalities: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT code_natio FROM student").fetch_all(&mut **tx).await?;
    Ok(IdentityInputs { birth_dates: birth_dates.into_iter().map(|d| d.0).collect(), nationalities })
}

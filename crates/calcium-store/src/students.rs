//! Students: the 46 import columns plus the normalised secondary keys and provenance.

use calcium_core::normalize::{SecondaryKey, name_key, push_name_key};
use calcium_core::student::{
    BirthDate, Fingerprint, Ine, Nir, RecordBatch, Sexe, Student, StudentId, StudentRecord, YearOrDate,
};
use jiff::Timestamp;
use sqlx::QueryBuilder;

use crate::error::NotFound;
use crate::types::{DbDate, to_millis};
use crate::{DbError, Result, Store, on_backend};

/// The import columns, in file order, as named in the base.
pub(crate) const RECORD_COLUMNS: &str = "cod_anu, cod_nne, cod_nni, cod_etu, nom, nomusage, prenom1, prenom2, prenom3, sexe, \
     datenai, code_natio, situafam, codebrs, codefinanc, tem_affl_sso, centrepayeur, codemut, adr1, adr2, adr3, \
     cod_bdi, commune, pays, teleph, mail, pcs, adr1fix, adr2fix, adr3fix, bdifix, communefix, paysfix, telephfix, \
     etb, cmp, cursus, annee, diplome, etablissement, bac, datebac, etb_bac, daa_etb, daa_ens_sup, identifiant";

/// The columns the store maintains itself, after the record's.
pub(crate) const KEY_AND_PROVENANCE_COLUMNS: &str =
    "nom_key, prenom_key, nomusage_key, fingerprint, import_model, last_execution_id";

/// Rows per multi-row INSERT: 56 binds a row stays under SQLite's 32 766 and PostgreSQL's
/// 65 535 bind limits.
const ROWS_PER_INSERT: usize = 500;

/// What an import writes, in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct ImportWrite<'a> {
    /// New students, with the fingerprints their lines were parsed with.
    pub creates: &'a RecordBatch,
    /// Changed students: their whole new record (their fingerprint is computed as they are
    /// written: changes are few).
    pub updates: &'a [(StudentId, StudentRecord)],
    pub import_model: &'a str,
    pub execution_id: Option<i64>,
    pub now: Timestamp,
}

/// A slice of an import's writes, owned, so that the base writes it while the import goes on
/// ([`crate::ImportSession::queue`]).
#[derive(Debug)]
pub struct SliceWrite {
    pub creates: RecordBatch,
    pub updates: Vec<(StudentId, StudentRecord)>,
    /// Students left unchanged whose stored fingerprint was missing or stale: only the
    /// fingerprint is written (not a change of the student: no date, no execution stamped).
    pub refreshes: Vec<(StudentId, Fingerprint)>,
    pub import_model: String,
    pub execution_id: Option<i64>,
    pub now: Timestamp,
}

impl SliceWrite {
    pub fn as_import_write(&self) -> ImportWrite<'_> {
        ImportWrite {
            creates: &self.creates,
            updates: &self.updates,
            import_model: &self.import_model,
            execution_id: self.execution_id,
            now: self.now,
        }
    }
}

/// The normalised name keys the store keeps beside a record (SPEC §4.4: `nom_key`,
/// `prenom_key`, `nomusage_key`), in buffers that a writer of many students fills again for
/// each one instead of allocating three strings a student.
#[derive(Debug, Default)]
pub(crate) struct NameKeys {
    nom: String,
    prenom: String,
    nomusage: Option<String>,
}

impl NameKeys {
    pub(crate) fn of(record: &StudentRecord<&str>) -> NameKeys {
        let mut keys = NameKeys::default();
        keys.fill(record);
        keys
    }

    /// The keys of `record`, in place of the previous ones.
    pub(crate) fn fill(&mut self, record: &StudentRecord<&str>) {
        self.nom.clear();
        push_name_key(record.nom, &mut self.nom);
        self.prenom.clear();
        push_name_key(record.prenom1, &mut self.prenom);
        match (record.nomusage, &mut self.nomusage) {
            (None, slot) => *slot = None,
            (Some(nomusage), Some(key)) => {
                key.clear();
                push_name_key(nomusage, key);
            }
            (Some(nomusage), slot @ None) => *slot = Some(name_key(nomusage)),
        }
    }

    pub(crate) fn nom(&self) -> &str {
        &self.nom
    }

    pub(crate) fn prenom(&self) -> &str {
        &self.prenom
    }

    pub(crate) fn nomusage(&self) -> Option<&str> {
        self.nomusage.as_deref()
    }
}

/// How to look students up (`calcium student find`). Set fields are combined with AND.
#[derive(Debug, Clone, Default)]
pub struct StudentQuery {
    pub ine: Option<Ine>,
    /// Compared after normalisation, with NOM or NOMUSAGE.
    pub nom: Option<String>,
    pub limit: Option<u32>,
}

/// Binds the 46 record values, the two keys and the provenance of one student, in the order of
/// [`RECORD_COLUMNS`] followed by [`KEY_AND_PROVENANCE_COLUMNS`]. `$bind` is `bind` for a
/// query and `push_bind` for a row of a multi-row INSERT; `$record` is a view
/// (`&StudentRecord<&str>`) and `$keys` its [`NameKeys`], which must live as long as the
/// statement.
macro_rules! bind_student {
    ($target:expr, $bind:ident, $record:expr, $keys:expr, $fingerprint:expr, $model:expr, $execution:expr) => {{
        let r: &::calcium_core::student::StudentRecord<&str> = $record;
        let keys: &$crate::students::NameKeys = $keys;
        $target
            .$bind(r.cod_anu)
            .$bind(r.cod_nne.as_ref().map(::calcium_core::student::Ine::as_str))
            .$bind(r.cod_nni.as_ref().map(::calcium_core::student::Nir::as_str))
            .$bind(r.cod_etu)
            .$bind(r.nom)
            .$bind(r.nomusage)
            .$bind(r.prenom1)
            .$bind(r.prenom2)
            .$bind(r.prenom3)
            .$bind(r.sexe.as_str())
            .$bind($crate::types::DbDate(r.datenai.date()))
            .$bind(r.code_natio)
            .$bind(r.situafam)
            .$bind(r.codebrs)
            .$bind(r.codefinanc)
            .$bind(r.tem_affl_sso)
            .$bind(r.centrepayeur)
            .$bind(r.codemut)
            .$bind(r.adr1)
            .$bind(r.adr2)
            .$bind(r.adr3)
            .$bind(r.cod_bdi)
            .$bind(r.commune)
            .$bind(r.pays)
            .$bind(r.teleph)
            .$bind(r.mail)
            .$bind(r.pcs)
            .$bind(r.adr1fix)
            .$bind(r.adr2fix)
            .$bind(r.adr3fix)
            .$bind(r.bdifix)
            .$bind(r.communefix)
            .$bind(r.paysfix)
            .$bind(r.telephfix)
            .$bind(r.etb)
            .$bind(r.cmp)
            .$bind(r.cursus)
            .$bind(r.annee)
            .$bind(r.diplome)
            .$bind(r.etablissement)
            .$bind(r.bac)
            .$bind(r.datebac.map(i32::from))
            .$bind(r.etb_bac)
            .$bind(r.daa_etb.map(::calcium_core::student::YearOrDate::to_iso))
            .$bind(r.daa_ens_sup.map(::calcium_core::student::YearOrDate::to_iso))
            .$bind(r.identifiant)
            .$bind(keys.nom())
            .$bind(keys.prenom())
            .$bind(keys.nomusage())
            .$bind({
                let fingerprint: ::calcium_core::student::Fingerprint = $fingerprint;
                fingerprint.0
            })
            .$bind($model)
            .$bind($execution)
    }};
}
pub(crate) use bind_student;

impl Store {
    /// Inserts one student and returns its id.
    pub async fn insert_student(
        &self,
        record: &StudentRecord,
        import_model: Option<&str>,
        execution_id: Option<i64>,
        now: Timestamp,
    ) -> Result<StudentId> {
        let sql = format!("{}VALUES ({}) RETURNING id", insert_head(), placeholders(1..=54));
        let view = record.as_view();
        let keys = NameKeys::of(&view);
        let id: i64 = on_backend!(self, |pool| {
            bind_student!(
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())),
                bind,
                &view,
                &keys,
                Fingerprint::of(record),
                import_model,
                execution_id
            )
            .bind(to_millis(now))
            .bind(to_millis(now))
            .fetch_one(pool)
            .await?
        });
        Ok(StudentId(id))
    }

    /// Inserts many students in one transaction with multi-row INSERTs: all or nothing.
    pub async fn insert_students(
        &self,
        records: &[StudentRecord],
        import_model: Option<&str>,
        execution_id: Option<i64>,
        now: Timestamp,
    ) -> Result<u64> {
        let head = insert_head();
        let now = to_millis(now);
        let mut inserted = 0;
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in records.chunks(ROWS_PER_INSERT) {
                let views: Vec<StudentRecord<&str>> = chunk.iter().map(StudentRecord::as_view).collect();
                let keys: Vec<NameKeys> = views.iter().map(NameKeys::of).collect();
                let mut builder = QueryBuilder::new(head.as_str());
                builder.push_values(chunk.iter().zip(&views).zip(&keys), |mut row, ((record, view), keys)| {
                    bind_student!(row, push_bind, view, keys, Fingerprint::of(record), import_model, execution_id);
                    row.push_bind(now).push_bind(now);
                });
                inserted += builder.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(inserted)
    }

    /// Rewrites every import column of a student, with its provenance.
    pub async fn update_student(
        &self,
        id: StudentId,
        record: &StudentRecord,
        import_model: Option<&str>,
        execution_id: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        let sql = update_statement();
        let view = record.as_view();
        let keys = NameKeys::of(&view);
        let updated = on_backend!(self, |pool| {
            bind_student!(
                sqlx::query(sqlx::AssertSqlSafe(sql.clone())),
                bind,
                &view,
                &keys,
                Fingerprint::of(record),
                import_model,
                execution_id
            )
            .bind(to_millis(now))
            .bind(id.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if updated == 0 { Err(DbError::NotFound(NotFound::Student(id.0))) } else { Ok(()) }
    }

    pub async fn get_student(&self, id: StudentId) -> Result<Student> {
        let sql = format!("{} WHERE id = $1", select_student());
        let raw: Option<RawStudent> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id.0).fetch_optional(pool).await?
        });
        raw.ok_or(DbError::NotFound(NotFound::Student(id.0)))?.try_into()
    }

    /// Students matching the query, by id.
    pub async fn find_students(&self, query: &StudentQuery) -> Result<Vec<Student>> {
        let ine = query.ine.as_ref().map(|ine| ine.as_str().to_owned());
        let nom = query.nom.as_deref().map(name_key);
        let limit = i64::from(query.limit.unwrap_or(1000));
        let sql = format!(
            "{} WHERE ($1 IS NULL OR cod_nne = $1) AND ($2 IS NULL OR nom_key = $2 OR nomusage_key = $2) \
             ORDER BY id LIMIT $3",
            select_student()
        );
        let raws: Vec<RawStudent> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(ine.as_deref())
                .bind(nom.as_deref())
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        raws.into_iter().map(Student::try_from).collect()
    }

    /// Students whose normalised secondary keys (NOM, PRENOM1, DATENAI, CODE_NATIO) are `key`.
    pub async fn find_by_secondary_key(&self, key: &SecondaryKey) -> Result<Vec<Student>> {
        let sql = format!(
            "{} WHERE nom_key = $1 AND prenom_key = $2 AND datenai = $3 AND code_natio = $4 ORDER BY id",
            select_student()
        );
        let raws: Vec<RawStudent> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(key.nom.as_str())
                .bind(key.prenom.as_str())
                .bind(DbDate(key.birth_date.date()))
                .bind(key.nationality.as_str())
                .fetch_all(pool)
                .await?
        });
        raws.into_iter().map(Student::try_from).collect()
    }

    /// Writes an import in one transaction: all of it or, on any failure, nothing (SPEC §4.5).
    /// Returns (created, updated). The import itself streams through [`Store::begin_import`].
    pub async fn apply_import(&self, write: &ImportWrite<'_>) -> Result<(u64, u64)> {
        let mut session = self.begin_import(crate::ImportMode::Write).await?;
        let written = session.write(write).await?;
        session.commit(write.execution_id).await?;
        Ok(written)
    }

    pub async fn count_students(&self) -> Result<i64> {
        Ok(on_backend!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM student").fetch_one(pool).await?))
    }

    /// Ids of every student, in order (for jobs that attach data to students).
    pub async fn student_ids(&self) -> Result<Vec<StudentId>> {
        let ids: Vec<i64> =
            on_backend!(self, |pool| sqlx::query_scalar("SELECT id FROM student ORDER BY id").fetch_all(pool).await?);
        Ok(ids.into_iter().map(StudentId).collect())
    }
}

/// `INSERT INTO student (…every column…) `, to be followed by VALUES.
pub(crate) fn insert_head() -> String {
    format!("INSERT INTO student ({RECORD_COLUMNS}, {KEY_AND_PROVENANCE_COLUMNS}, created_at, updated_at) ")
}

/// The UPDATE of every column of one student, bound like [`bind_student!`] then `updated_at`
/// ($53) and the id ($54).
pub(crate) fn update_statement() -> String {
    let assignments: Vec<String> = RECORD_COLUMNS
        .split(", ")
        .chain(KEY_AND_PROVENANCE_COLUMNS.split(", "))
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    format!("UPDATE student SET {}, updated_at = $53 WHERE id = $54", assignments.join(", "))
}

/// `$1, $2, …` for a VALUES list.
fn placeholders(range: std::ops::RangeInclusive<usize>) -> String {
    range.map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn select_student() -> String {
    format!("SELECT id, {RECORD_COLUMNS}, import_model, last_execution_id FROM student")
}

#[derive(sqlx::FromRow)]
pub(crate) struct RawStudent {
    id: i64,
    cod_anu: String,
    cod_nne: Option<String>,
    cod_nni: Option<String>,
    cod_etu: Option<String>,
    nom: String,
    nomusage: Option<String>,
    prenom1: String,
    prenom2: Option<String>,
    prenom3: Option<String>,
    sexe: String,
    datenai: DbDate,
    code_natio: String,
    situafam: Option<String>,
    codebrs: Option<String>,
    codefinanc: Option<String>,
    tem_affl_sso: Option<bool>,
    centrepayeur: Option<String>,
    codemut: Option<String>,
    adr1: Option<String>,
    adr2: Option<String>,
    adr3: Option<String>,
    cod_bdi: Option<String>,
    commune: Option<String>,
    pays: Option<String>,
    teleph: Option<String>,
    mail: Option<String>,
    pcs: Option<String>,
    adr1fix: Option<String>,
    adr2fix: Option<String>,
    adr3fix: Option<String>,
    bdifix: Option<String>,
    communefix: Option<String>,
    paysfix: Option<String>,
    telephfix: Option<String>,
    etb: String,
    cmp: String,
    cursus: Option<String>,
    annee: Option<String>,
    diplome: Option<String>,
    etablissement: Option<String>,
    bac: Option<String>,
    datebac: Option<i32>,
    etb_bac: Option<String>,
    daa_etb: Option<String>,
    daa_ens_sup: Option<String>,
    identifiant: Option<String>,
    import_model: Option<String>,
    last_execution_id: Option<i64>,
}

impl RawStudent {
    /// Reads a row of [`select_student`] through the import's own SQLite connection.
    pub(crate) fn from_sqlite_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawStudent> {
        Ok(RawStudent {
            id: row.get(0)?,
            cod_anu: row.get(1)?,
            cod_nne: row.get(2)?,
            cod_nni: row.get(3)?,
            cod_etu: row.get(4)?,
            nom: row.get(5)?,
            nomusage: row.get(6)?,
            prenom1: row.get(7)?,
            prenom2: row.get(8)?,
            prenom3: row.get(9)?,
            sexe: row.get(10)?,
            datenai: row.get(11)?,
            code_natio: row.get(12)?,
            situafam: row.get(13)?,
            codebrs: row.get(14)?,
            codefinanc: row.get(15)?,
            tem_affl_sso: row.get(16)?,
            centrepayeur: row.get(17)?,
            codemut: row.get(18)?,
            adr1: row.get(19)?,
            adr2: row.get(20)?,
            adr3: row.get(21)?,
            cod_bdi: row.get(22)?,
            commune: row.get(23)?,
            pays: row.get(24)?,
            teleph: row.get(25)?,
            mail: row.get(26)?,
            pcs: row.get(27)?,
            adr1fix: row.get(28)?,
            adr2fix: row.get(29)?,
            adr3fix: row.get(30)?,
            bdifix: row.get(31)?,
            communefix: row.get(32)?,
            paysfix: row.get(33)?,
            telephfix: row.get(34)?,
            etb: row.get(35)?,
            cmp: row.get(36)?,
            cursus: row.get(37)?,
            annee: row.get(38)?,
            diplome: row.get(39)?,
            etablissement: row.get(40)?,
            bac: row.get(41)?,
            datebac: row.get(42)?,
            etb_bac: row.get(43)?,
            daa_etb: row.get(44)?,
            daa_ens_sup: row.get(45)?,
            identifiant: row.get(46)?,
            import_model: row.get(47)?,
            last_execution_id: row.get(48)?,
        })
    }
}

impl TryFrom<RawStudent> for Student {
    type Error = DbError;

    fn try_from(raw: RawStudent) -> Result<Student> {
        let id = raw.id;
        let corrupt = |column: &str| DbError::Corrupt(format!("étudiant {id}, colonne {column}"));
        let year_or_date = |value: Option<String>, column: &str| {
            value.map(|v| YearOrDate::from_iso(&v).ok_or_else(|| corrupt(column))).transpose()
        };
        let record = StudentRecord {
            cod_nne: raw.cod_nne.map(|v| Ine::parse(&v)).transpose().map_err(|_| corrupt("cod_nne"))?,
            cod_nni: raw.cod_nni.map(|v| Nir::parse(&v)).transpose().map_err(|_| corrupt("cod_nni"))?,
            sexe: Sexe::parse(&raw.sexe).map_err(|_| corrupt("sexe"))?,
            datenai: BirthDate::from_stored(raw.datenai.0),
            datebac: raw.datebac.map(i16::try_from).transpose().map_err(|_| corrupt("datebac"))?,
            daa_etb: year_or_date(raw.daa_etb, "daa_etb")?,
            daa_ens_sup: year_or_date(raw.daa_ens_sup, "daa_ens_sup")?,
            cod_anu: raw.cod_anu,
            cod_etu: raw.cod_etu,
            nom: raw.nom,
            nomusage: raw.nomusage,
            prenom1: raw.prenom1,
            prenom2: raw.prenom2,
            prenom3: raw.prenom3,
            code_natio: raw.code_natio,
            situafam: raw.situafam,
            codebrs: raw.codebrs,
            codefinanc: raw.codefinanc,
            tem_affl_sso: raw.tem_affl_sso,
            centrepayeur: raw.centrepayeur,
            codemut: raw.codemut,
            adr1: raw.adr1,
            adr2: raw.adr2,
            adr3: raw.adr3,
            cod_bdi: raw.cod_bdi,
            commune: raw.commune,
            pays: raw.pays,
            teleph: raw.teleph,
            mail: raw.mail,
            pcs: raw.pcs,
            adr1fix: raw.adr1fix,
            adr2fix: raw.adr2fix,
            adr3fix: raw.adr3fix,
            bdifix: raw.bdifix,
            communefix: raw.communefix,
            paysfix: raw.paysfix,
            telephfix: raw.telephfix,
            etb: raw.etb,
            cmp: raw.cmp,
            cursus: raw.cursus,
            annee: raw.annee,
            diplome: raw.diplome,
            etablissement: raw.etablissement,
            bac: raw.bac,
            etb_bac: raw.etb_bac,
            identifiant: raw.identifiant,
        };
        Ok(Student {
            id: StudentId(id),
            record,
            import_model: raw.import_model,
            last_execution_id: raw.last_execution_id,
        })
    }
}

//! A student record: the 46 import columns, typed.

use super::{BirthDate, Ine, Nir, Sexe, YearOrDate};

/// The id of a student row in the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct StudentId(pub i64);

/// The values of one student, one field per import column (SPEC §4.1). Mandatory columns are
/// plain values, optional ones are `Option`s, checked columns carry their checked types.
///
/// Serialised with the import column names in lowercase: that is the JSON contract of
/// `calcium student find` (SPEC §5), so renaming a field breaks the contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StudentRecord {
    pub cod_anu: String,
    pub cod_nne: Option<Ine>,
    pub cod_nni: Option<Nir>,
    pub cod_etu: Option<String>,
    pub nom: String,
    pub nomusage: Option<String>,
    pub prenom1: String,
    pub prenom2: Option<String>,
    pub prenom3: Option<String>,
    pub sexe: Sexe,
    pub datenai: BirthDate,
    pub code_natio: String,
    pub situafam: Option<String>,
    pub codebrs: Option<String>,
    pub codefinanc: Option<String>,
    pub tem_affl_sso: Option<bool>,
    pub centrepayeur: Option<String>,
    pub codemut: Option<String>,
    pub adr1: Option<String>,
    pub adr2: Option<String>,
    pub adr3: Option<String>,
    pub cod_bdi: Option<String>,
    pub commune: Option<String>,
    pub pays: Option<String>,
    pub teleph: Option<String>,
    pub mail: Option<String>,
    pub pcs: Option<String>,
    pub adr1fix: Option<String>,
    pub adr2fix: Option<String>,
    pub adr3fix: Option<String>,
    pub bdifix: Option<String>,
    pub communefix: Option<String>,
    pub paysfix: Option<String>,
    pub telephfix: Option<String>,
    pub etb: String,
    pub cmp: String,
    pub cursus: Option<String>,
    pub annee: Option<String>,
    pub diplome: Option<String>,
    pub etablissement: Option<String>,
    pub bac: Option<String>,
    pub datebac: Option<i16>,
    pub etb_bac: Option<String>,
    pub daa_etb: Option<YearOrDate>,
    pub daa_ens_sup: Option<YearOrDate>,
    pub identifiant: Option<String>,
}

impl StudentRecord {
    /// A record with the mandatory values and every optional column empty.
    pub fn new(mandatory: MandatoryValues) -> StudentRecord {
        let MandatoryValues { cod_anu, nom, prenom1, sexe, datenai, code_natio, etb, cmp } = mandatory;
        StudentRecord {
            cod_anu,
            cod_nne: None,
            cod_nni: None,
            cod_etu: None,
            nom,
            nomusage: None,
            prenom1,
            prenom2: None,
            prenom3: None,
            sexe,
            datenai,
            code_natio,
            situafam: None,
            codebrs: None,
            codefinanc: None,
            tem_affl_sso: None,
            centrepayeur: None,
            codemut: None,
            adr1: None,
            adr2: None,
            adr3: None,
            cod_bdi: None,
            commune: None,
            pays: None,
            teleph: None,
            mail: None,
            pcs: None,
            adr1fix: None,
            adr2fix: None,
            adr3fix: None,
            bdifix: None,
            communefix: None,
            paysfix: None,
            telephfix: None,
            etb,
            cmp,
            cursus: None,
            annee: None,
            diplome: None,
            etablissement: None,
            bac: None,
            datebac: None,
            etb_bac: None,
            daa_etb: None,
            daa_ens_sup: None,
            identifiant: None,
        }
    }

    /// The normalised secondary keys of this record (SPEC §4.4).
    pub fn secondary_key(&self) -> crate::normalize::SecondaryKey {
        crate::normalize::SecondaryKey::new(&self.nom, &self.prenom1, self.datenai, &self.code_natio)
    }
}

/// The eight values a student record cannot lack (SPEC §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandatoryValues {
    pub cod_anu: String,
    pub nom: String,
    pub prenom1: String,
    pub sexe: Sexe,
    pub datenai: BirthDate,
    pub code_natio: String,
    pub etb: String,
    pub cmp: String,
}

/// A student as stored: its record plus where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Student {
    pub id: StudentId,
    #[serde(flatten)]
    pub record: StudentRecord,
    /// The import model that last wrote it; `None` for a record made by hand.
    pub import_model: Option<String>,
    /// The execution that last wrote it.
    pub last_execution_id: Option<i64>,
}

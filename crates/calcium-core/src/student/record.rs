//! A student record: the 46 import columns, typed.

use super::{BirthDate, Ine, Nir, Sexe, YearOrDate};

/// The id of a student row in the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct StudentId(pub i64);

/// The values of one student, one field per import column (SPEC §4.1). Mandatory columns are
/// plain values, optional ones are `Option`s, checked columns carry their checked types.
///
/// `S` is how the text values are held: `String` (the default: a record that owns its values),
/// `&str` (a view, borrowed from the line being parsed or from a [`super::RecordBatch`]), or a
/// [`super::TextSpan`] into a batch's text. An import handles a million records: views and
/// batches spare it some thirty allocations per line; [`StudentRecord::map_text`] goes from one
/// form to another.
///
/// Serialised with the import column names in lowercase: that is the JSON contract of
/// `calcium student find` (SPEC §5), so renaming a field breaks the contract. Every form
/// serialises the same way, so a view and its owned copy have the same fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StudentRecord<S = String> {
    pub cod_anu: S,
    pub cod_nne: Option<Ine>,
    pub cod_nni: Option<Nir>,
    pub cod_etu: Option<S>,
    pub nom: S,
    pub nomusage: Option<S>,
    pub prenom1: S,
    pub prenom2: Option<S>,
    pub prenom3: Option<S>,
    pub sexe: Sexe,
    pub datenai: BirthDate,
    pub code_natio: S,
    pub situafam: Option<S>,
    pub codebrs: Option<S>,
    pub codefinanc: Option<S>,
    pub tem_affl_sso: Option<bool>,
    pub centrepayeur: Option<S>,
    pub codemut: Option<S>,
    pub adr1: Option<S>,
    pub adr2: Option<S>,
    pub adr3: Option<S>,
    pub cod_bdi: Option<S>,
    pub commune: Option<S>,
    pub pays: Option<S>,
    pub teleph: Option<S>,
    pub mail: Option<S>,
    pub pcs: Option<S>,
    pub adr1fix: Option<S>,
    pub adr2fix: Option<S>,
    pub adr3fix: Option<S>,
    pub bdifix: Option<S>,
    pub communefix: Option<S>,
    pub paysfix: Option<S>,
    pub telephfix: Option<S>,
    pub etb: S,
    pub cmp: S,
    pub cursus: Option<S>,
    pub annee: Option<S>,
    pub diplome: Option<S>,
    pub etablissement: Option<S>,
    pub bac: Option<S>,
    pub datebac: Option<i16>,
    pub etb_bac: Option<S>,
    pub daa_etb: Option<YearOrDate>,
    pub daa_ens_sup: Option<YearOrDate>,
    pub identifiant: Option<S>,
}

impl<S> StudentRecord<S> {
    /// The same record with its text values held another way (each one turned by `text`, in
    /// column order); the typed values are copied.
    pub fn map_text<'s, T>(&'s self, mut text: impl FnMut(&'s S) -> T) -> StudentRecord<T> {
        StudentRecord {
            cod_anu: text(&self.cod_anu),
            cod_nne: self.cod_nne,
            cod_nni: self.cod_nni,
            cod_etu: self.cod_etu.as_ref().map(&mut text),
            nom: text(&self.nom),
            nomusage: self.nomusage.as_ref().map(&mut text),
            prenom1: text(&self.prenom1),
            prenom2: self.prenom2.as_ref().map(&mut text),
            prenom3: self.prenom3.as_ref().map(&mut text),
            sexe: self.sexe,
            datenai: self.datenai,
            code_natio: text(&self.code_natio),
            situafam: self.situafam.as_ref().map(&mut text),
            codebrs: self.codebrs.as_ref().map(&mut text),
            codefinanc: self.codefinanc.as_ref().map(&mut text),
            tem_affl_sso: self.tem_affl_sso,
            centrepayeur: self.centrepayeur.as_ref().map(&mut text),
            codemut: self.codemut.as_ref().map(&mut text),
            adr1: self.adr1.as_ref().map(&mut text),
            adr2: self.adr2.as_ref().map(&mut text),
            adr3: self.adr3.as_ref().map(&mut text),
            cod_bdi: self.cod_bdi.as_ref().map(&mut text),
            commune: self.commune.as_ref().map(&mut text),
            pays: self.pays.as_ref().map(&mut text),
            teleph: self.teleph.as_ref().map(&mut text),
            mail: self.mail.as_ref().map(&mut text),
            pcs: self.pcs.as_ref().map(&mut text),
            adr1fix: self.adr1fix.as_ref().map(&mut text),
            adr2fix: self.adr2fix.as_ref().map(&mut text),
            adr3fix: self.adr3fix.as_ref().map(&mut text),
            bdifix: self.bdifix.as_ref().map(&mut text),
            communefix: self.communefix.as_ref().map(&mut text),
            paysfix: self.paysfix.as_ref().map(&mut text),
            telephfix: self.telephfix.as_ref().map(&mut text),
            etb: text(&self.etb),
            cmp: text(&self.cmp),
            cursus: self.cursus.as_ref().map(&mut text),
            annee: self.annee.as_ref().map(&mut text),
            diplome: self.diplome.as_ref().map(&mut text),
            etablissement: self.etablissement.as_ref().map(&mut text),
            bac: self.bac.as_ref().map(&mut text),
            datebac: self.datebac,
            etb_bac: self.etb_bac.as_ref().map(&mut text),
            daa_etb: self.daa_etb,
            daa_ens_sup: self.daa_ens_sup,
            identifiant: self.identifiant.as_ref().map(&mut text),
        }
    }
}

impl<S: AsRef<str>> StudentRecord<S> {
    /// The record borrowed: no allocation.
    pub fn as_view(&self) -> StudentRecord<&str> {
        self.map_text(|text| text.as_ref())
    }

    /// A record owning copies of these values.
    pub fn to_owned_record(&self) -> StudentRecord {
        self.map_text(|text| text.as_ref().to_owned())
    }

    /// The normalised secondary keys of this record (SPEC §4.4).
    pub fn secondary_key(&self) -> crate::normalize::SecondaryKey {
        crate::normalize::SecondaryKey::new(
            self.nom.as_ref(),
            self.prenom1.as_ref(),
            self.datenai,
            self.code_natio.as_ref(),
        )
    }
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

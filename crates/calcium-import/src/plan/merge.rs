//! How a line's values are written over a stored student (SPEC §4.4 point 4): every value the
//! line gives replaces the stored one, an empty optional cell never erases a stored value.
//!
//! Pure and exhaustive: the line's record is destructured field by field, so adding a column to
//! `StudentRecord` does not compile until its merge rule is written here.

use calcium_core::student::StudentRecord;

/// The stored record updated with the line's values.
pub(super) fn merge(stored: &StudentRecord, line: &StudentRecord<&str>) -> StudentRecord {
    let StudentRecord {
        cod_anu,
        cod_nne,
        cod_nni,
        cod_etu,
        nom,
        nomusage,
        prenom1,
        prenom2,
        prenom3,
        sexe,
        datenai,
        code_natio,
        situafam,
        codebrs,
        codefinanc,
        tem_affl_sso,
        centrepayeur,
        codemut,
        adr1,
        adr2,
        adr3,
        cod_bdi,
        commune,
        pays,
        teleph,
        mail,
        pcs,
        adr1fix,
        adr2fix,
        adr3fix,
        bdifix,
        communefix,
        paysfix,
        telephfix,
        etb,
        cmp,
        cursus,
        annee,
        diplome,
        etablissement,
        bac,
        datebac,
        etb_bac,
        daa_etb,
        daa_ens_sup,
        identifiant,
    } = *line;
    // The line's value when it has one, else the stored one.
    macro_rules! keep {
        ($field:ident) => {
            $field.map_or_else(|| stored.$field.clone(), |value| Some(value.to_owned()))
        };
    }
    // The same for the values that are not text.
    macro_rules! keep_value {
        ($field:ident) => {
            $field.or(stored.$field)
        };
    }
    StudentRecord {
        // Mandatory values are always given by an accepted line.
        cod_anu: cod_anu.to_owned(),
        nom: nom.to_owned(),
        prenom1: prenom1.to_owned(),
        sexe,
        datenai,
        code_natio: code_natio.to_owned(),
        etb: etb.to_owned(),
        cmp: cmp.to_owned(),
        // An INE is received when the student had none, kept when the line has none.
        cod_nne: keep_value!(cod_nne),
        cod_nni: keep_value!(cod_nni),
        cod_etu: keep!(cod_etu),
        nomusage: keep!(nomusage),
        prenom2: keep!(prenom2),
        prenom3: keep!(prenom3),
        situafam: keep!(situafam),
        codebrs: keep!(codebrs),
        codefinanc: keep!(codefinanc),
        tem_affl_sso: keep_value!(tem_affl_sso),
        centrepayeur: keep!(centrepayeur),
        codemut: keep!(codemut),
        adr1: keep!(adr1),
        adr2: keep!(adr2),
        adr3: keep!(adr3),
        cod_bdi: keep!(cod_bdi),
        commune: keep!(commune),
        pays: keep!(pays),
        teleph: keep!(teleph),
        mail: keep!(mail),
        pcs: keep!(pcs),
        adr1fix: keep!(adr1fix),
        adr2fix: keep!(adr2fix),
        adr3fix: keep!(adr3fix),
        bdifix: keep!(bdifix),
        communefix: keep!(communefix),
        paysfix: keep!(paysfix),
        telephfix: keep!(telephfix),
        cursus: keep!(cursus),
        annee: keep!(annee),
        diplome: keep!(diplome),
        etablissement: keep!(etablissement),
        bac: keep!(bac),
        datebac: keep_value!(datebac),
        etb_bac: keep!(etb_bac),
        daa_etb: keep_value!(daa_etb),
        daa_ens_sup: keep_value!(daa_ens_sup),
        identifiant: keep!(identifiant),
    }
}

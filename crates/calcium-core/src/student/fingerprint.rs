//! A short digest of a whole student record, stored beside it, so that a daily re-import can
//! tell "this line says exactly what is stored" from a few bytes per student instead of
//! reading back all 46 columns of every student.

use sha2::{Digest, Sha256};

use super::{Sexe, StudentRecord};

/// The first 64 bits of the SHA-256 of the record's postcard form (serde's data model in
/// order, strings length-prefixed, options tagged: canonical, and several times cheaper than the
/// JSON it replaced). Equal records always have equal fingerprints; two different records share
/// one with probability 2⁻⁶⁴, and the only consequence would be an update not written.
///
/// The form follows the record's fields: changing them changes every fingerprint. Nothing
/// breaks: a stored fingerprint that does not match makes the import compare the whole record,
/// and an import that finds a student unchanged that way stores the fingerprint afresh
/// (migration 0008 cleared the JSON ones of earlier versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub i64);

impl Fingerprint {
    /// The fingerprint of a record, owned or viewed (both have the same canonical form).
    pub fn of<S: AsRef<str>>(record: &StudentRecord<S>) -> Fingerprint {
        thread_local! {
            // The record's bytes, in a buffer each thread reuses: an import fingerprints every
            // line it reads.
            static BYTES: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1024));
        }
        BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            canonical_form(record, bytes);
            let digest = Sha256::digest(bytes.as_slice());
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            Fingerprint(i64::from_be_bytes(first))
        })
    }
}

/// The record's postcard form, written directly: postcard through serde spent two thirds of
/// the fingerprint's time on its per-value dispatch, for a million lines an import. The tests
/// hold it to postcard's own output, byte for byte; the destructuring below stops compiling
/// when a field is added, until its place in the form is written.
fn canonical_form<S: AsRef<str>>(record: &StudentRecord<S>, out: &mut Vec<u8>) {
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
    } = record;
    let mut form = Form(out);
    form.text(cod_anu.as_ref());
    form.option(cod_nne.as_ref(), |form, ine| form.text(ine.as_str()));
    form.option(cod_nni.as_ref(), |form, nir| form.text(nir.as_str()));
    form.optional_text(cod_etu);
    form.text(nom.as_ref());
    form.optional_text(nomusage);
    form.text(prenom1.as_ref());
    form.optional_text(prenom2);
    form.optional_text(prenom3);
    form.varint(match sexe {
        Sexe::Masculin => 0,
        Sexe::Feminin => 1,
        Sexe::Inconnu => 2,
    });
    form.date(datenai.write_iso(&mut [0; 10]), || datenai.date().to_string());
    form.text(code_natio.as_ref());
    form.optional_text(situafam);
    form.optional_text(codebrs);
    form.optional_text(codefinanc);
    form.option(tem_affl_sso.as_ref(), |form, &value| form.0.push(u8::from(value)));
    form.optional_text(centrepayeur);
    form.optional_text(codemut);
    form.optional_text(adr1);
    form.optional_text(adr2);
    form.optional_text(adr3);
    form.optional_text(cod_bdi);
    form.optional_text(commune);
    form.optional_text(pays);
    form.optional_text(teleph);
    form.optional_text(mail);
    form.optional_text(pcs);
    form.optional_text(adr1fix);
    form.optional_text(adr2fix);
    form.optional_text(adr3fix);
    form.optional_text(bdifix);
    form.optional_text(communefix);
    form.optional_text(paysfix);
    form.optional_text(telephfix);
    form.text(etb.as_ref());
    form.text(cmp.as_ref());
    form.optional_text(cursus);
    form.optional_text(annee);
    form.optional_text(diplome);
    form.optional_text(etablissement);
    form.optional_text(bac);
    // postcard writes a signed integer zigzagged: 0, -1, 1, -2… as 0, 1, 2, 3…
    form.option(datebac.as_ref(), |form, &year| form.varint(u64::from(((year << 1) ^ (year >> 15)) as u16)));
    form.optional_text(etb_bac);
    for entry in [daa_etb, daa_ens_sup] {
        form.option(entry.as_ref(), |form, entry| form.date(entry.write_iso(&mut [0; 10]), || entry.to_iso()));
    }
    form.optional_text(identifiant);
}

/// postcard's encodings of the values a record holds.
struct Form<'a>(&'a mut Vec<u8>);

impl Form<'_> {
    /// LEB128: seven bits a byte, the high bit set on all but the last.
    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn text(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            None => self.0.push(0),
            Some(value) => {
                self.0.push(1);
                write(self, value);
            }
        }
    }

    fn optional_text<S: AsRef<str>>(&mut self, text: &Option<S>) {
        self.option(text.as_ref(), |form, text| form.text(text.as_ref()));
    }

    /// A date as its ISO text, written on the stack when it can be.
    fn date(&mut self, iso: Option<&str>, otherwise: impl FnOnce() -> String) {
        match iso {
            Some(text) => self.text(text),
            None => self.text(&otherwise()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::student::{BirthDate, MandatoryValues, Sexe};

    fn record() -> StudentRecord {
        let today = jiff::civil::date(2026, 11, 28);
        StudentRecord::new(MandatoryValues {
            cod_anu: "2026".to_owned(),
            nom: "Dupont".to_owned(),
            prenom1: "Anne".to_owned(),
            sexe: Sexe::Feminin,
            datenai: BirthDate::new(jiff::civil::date(2004, 3, 1), today).unwrap(),
            code_natio: "100".to_owned(),
            etb: "0999001A".to_owned(),
            cmp: "DRT".to_owned(),
        })
    }

    #[test]
    fn equal_records_share_a_fingerprint_and_any_change_shows() {
        let stored = record();
        assert_eq!(Fingerprint::of(&stored), Fingerprint::of(&stored.clone()));
        let mut moved = stored.clone();
        moved.adr1 = Some("1 rue de la Paix".to_owned());
        assert_ne!(Fingerprint::of(&stored), Fingerprint::of(&moved));
        // An empty value and an absent one are different records.
        let mut empty = stored.clone();
        empty.adr1 = Some(String::new());
        assert_ne!(Fingerprint::of(&moved), Fingerprint::of(&empty));
        assert_ne!(Fingerprint::of(&stored), Fingerprint::of(&empty));
    }

    /// What postcard itself writes for a record: the canonical form is defined as that.
    fn postcard_form<S: serde::Serialize>(record: &StudentRecord<S>) -> Vec<u8> {
        postcard::to_allocvec(record).unwrap()
    }

    fn form_of(record: &StudentRecord) -> Vec<u8> {
        let mut out = Vec::new();
        canonical_form(record, &mut out);
        out
    }

    proptest::proptest! {
        #[test]
        fn the_canonical_form_is_postcard_s_byte_for_byte(
            texts in proptest::collection::vec(proptest::option::of("[a-zA-Zé’ -]{0,140}"), 38),
            sexe in 0..3u8,
            datebac in proptest::option::of(proptest::prelude::any::<i16>()),
            tem in proptest::option::of(proptest::prelude::any::<bool>()),
            entry in proptest::option::of(1900..2100i16),
            born in 0..40_000i32,
        ) {
            let today = jiff::civil::date(2026, 11, 28);
            let birth = jiff::civil::date(1920, 1, 1).checked_add(jiff::Span::new().days(born)).unwrap().min(today);
            let mut texts = texts.into_iter();
            let mut text = || texts.next().unwrap();
            let mut record = record();
            record.sexe = [Sexe::Masculin, Sexe::Feminin, Sexe::Inconnu][usize::from(sexe)];
            record.datenai = BirthDate::new(birth, today).unwrap();
            record.nom = text().unwrap_or_default();
            record.cod_etu = text();
            record.nomusage = text();
            record.prenom2 = text();
            record.prenom3 = text();
            record.situafam = text();
            record.codebrs = text();
            record.codefinanc = text();
            record.centrepayeur = text();
            record.codemut = text();
            record.adr1 = text();
            record.adr2 = text();
            record.adr3 = text();
            record.cod_bdi = text();
            record.commune = text();
            record.pays = text();
            record.teleph = text();
            record.mail = text();
            record.pcs = text();
            record.adr1fix = text();
            record.adr2fix = text();
            record.adr3fix = text();
            record.bdifix = text();
            record.communefix = text();
            record.paysfix = text();
            record.telephfix = text();
            record.cursus = text();
            record.annee = text();
            record.diplome = text();
            record.etablissement = text();
            record.bac = text();
            record.etb_bac = text();
            record.identifiant = text();
            record.tem_affl_sso = tem;
            record.datebac = datebac;
            record.daa_etb = entry.map(crate::student::YearOrDate::Year);
            record.daa_ens_sup = Some(crate::student::YearOrDate::Date(birth));
            record.cod_nne = Some(crate::student::Ine::parse("1234567890V").unwrap());
            record.cod_nni = Some(crate::student::Nir::parse("295109912611193").unwrap());
            proptest::prop_assert_eq!(form_of(&record), postcard_form(&record));
            proptest::prop_assert_eq!(Fingerprint::of(&record.as_view()), Fingerprint::of(&record));
        }
    }

    #[test]
    fn a_record_with_every_optional_value_empty_has_postcard_s_form_too() {
        assert_eq!(form_of(&record()), postcard_form(&record()));
    }

    #[test]
    fn a_view_has_the_fingerprint_of_the_record_it_borrows() {
        let mut full = record();
        full.cod_nne = Some(crate::student::Ine::parse("1234567890V").unwrap());
        full.daa_etb = Some(crate::student::YearOrDate::Date(jiff::civil::date(2022, 9, 1)));
        full.adr2 = Some("Résidence Mansart".to_owned());
        for owned in [record(), full] {
            assert_eq!(Fingerprint::of(&owned.as_view()), Fingerprint::of(&owned));
        }
    }

    #[test]
    fn the_fingerprint_of_a_known_record_does_not_drift() {
        // Stored in the base: if this value changes, every stored fingerprint stops matching
        // and re-imports slow down until a migration recomputes them.
        assert_eq!(Fingerprint::of(&record()), Fingerprint(GOLDEN));
    }

    const GOLDEN: i64 = 4_756_850_459_551_088_097;
}

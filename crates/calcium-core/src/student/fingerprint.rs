//! A short digest of a whole student record, stored beside it, so that a daily re-import can
//! tell "this line says exactly what is stored" from a few bytes per student instead of
//! reading back all 46 columns of every student.

use sha2::{Digest, Sha256};

use super::StudentRecord;

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
    pub fn of(record: &StudentRecord) -> Fingerprint {
        let bytes = postcard::to_extend(record, Vec::with_capacity(512)).expect("a student record always serialises");
        let digest = Sha256::digest(&bytes);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Fingerprint(i64::from_be_bytes(first))
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

    #[test]
    fn the_fingerprint_of_a_known_record_does_not_drift() {
        // Stored in the base: if this value changes, every stored fingerprint stops matching
        // and re-imports slow down until a migration recomputes them.
        assert_eq!(Fingerprint::of(&record()), Fingerprint(GOLDEN));
    }

    const GOLDEN: i64 = 4_756_850_459_551_088_097;
}

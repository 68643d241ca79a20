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
    /// The fingerprint of a record, owned or viewed (both serialise the same way).
    pub fn of<S: serde::Serialize>(record: &StudentRecord<S>) -> Fingerprint {
        thread_local! {
            // The record's bytes, in a buffer each thread reuses: an import fingerprints every
            // line it reads.
            static BYTES: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1024));
        }
        BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            postcard::serialize_with_flavor(record, Appending(bytes)).expect("a student record always serialises");
            let digest = Sha256::digest(bytes.as_slice());
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            Fingerprint(i64::from_be_bytes(first))
        })
    }
}

/// postcard's output appended to a borrowed vector.
struct Appending<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Appending<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
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

//! Normalisation of names for matching (SPEC §4.4): case, accents, surrounding and repeated
//! spaces, curly vs straight apostrophe, hyphen vs space are not differences.

use std::hash::{BuildHasher as _, Hasher as _};

use crate::student::BirthDate;

/// The normalised form of a name: uppercase ASCII letters and digits, words separated by one
/// space, apostrophes kept straight. `Lefèvre-Dupont ` and `LEFEVRE DUPONT` give the same key.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    push_name_key(name, &mut key);
    key
}

/// [`name_key`] appended to `key` (which the caller may reuse from one name to the next).
pub fn push_name_key(name: &str, key: &mut String) {
    let start = key.len();
    let mut pending_space = false;
    for c in name.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = key.len() > start;
            continue;
        }
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        if c.is_ascii() {
            key.push(c.to_ascii_uppercase());
        } else {
            key.extend(deunicode::deunicode_char(c).unwrap_or("").chars().map(|c| c.to_ascii_uppercase()));
        }
    }
}

/// The normalised form of a nationality code.
fn push_nationality_key(nationality: &str, key: &mut String) {
    key.extend(nationality.trim().chars().flat_map(char::to_uppercase));
}

/// The secondary keys of a student (NOM, PRENOM1, DATENAI, CODE_NATIO), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecondaryKey {
    pub nom: String,
    pub prenom: String,
    pub birth_date: BirthDate,
    pub nationality: String,
}

impl SecondaryKey {
    pub fn new(nom: &str, prenom: &str, birth_date: BirthDate, nationality: &str) -> SecondaryKey {
        let mut nationality_key = String::with_capacity(nationality.len());
        push_nationality_key(nationality, &mut nationality_key);
        SecondaryKey { nom: name_key(nom), prenom: name_key(prenom), birth_date, nationality: nationality_key }
    }

    /// The digest of these keys: the [`KeyDigest::of`] any values that normalise to them.
    pub fn digest(&self) -> KeyDigest {
        KeyDigest::of_normalised(&self.nom, &self.prenom, self.birth_date, &self.nationality)
    }
}

/// A 128-bit digest of normalised secondary keys, computed without allocating: what an import
/// remembers of the keys of a million lines, to tell that a later line has the same ones. Equal
/// keys always have equal digests; two different keys share one with odds of 2⁻¹²⁸ a pair.
///
/// Made with fixed seeds, so the same in every thread of a process, but not meant to be stored:
/// it follows the hash function's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyDigest(u128);

impl KeyDigest {
    /// The digest of the keys of these values, as [`SecondaryKey::new`] would normalise them.
    pub fn of(nom: &str, prenom: &str, birth_date: BirthDate, nationality: &str) -> KeyDigest {
        thread_local! {
            static SCRATCH: std::cell::RefCell<[String; 3]> = const { std::cell::RefCell::new([const { String::new() }; 3]) };
        }
        SCRATCH.with_borrow_mut(|[nom_key, prenom_key, nationality_key]| {
            for scratch in [&mut *nom_key, &mut *prenom_key, &mut *nationality_key] {
                scratch.clear();
            }
            push_name_key(nom, nom_key);
            push_name_key(prenom, prenom_key);
            push_nationality_key(nationality, nationality_key);
            KeyDigest::of_normalised(nom_key, prenom_key, birth_date, nationality_key)
        })
    }

    fn of_normalised(nom: &str, prenom: &str, birth_date: BirthDate, nationality: &str) -> KeyDigest {
        // Two independent 64-bit hashes of the same bytes; 0xFF never occurs in UTF-8, so it
        // separates the values unambiguously.
        let halves = [0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344].map(|seed| {
            let mut hasher = foldhash::quality::FixedState::with_seed(seed).build_hasher();
            for value in [nom, prenom] {
                hasher.write(value.as_bytes());
                hasher.write_u8(0xFF);
            }
            let date = birth_date.date();
            hasher.write_i16(date.year());
            hasher.write_i8(date.month());
            hasher.write_i8(date.day());
            hasher.write(nationality.as_bytes());
            hasher.finish()
        });
        KeyDigest(u128::from(halves[0]) << 64 | u128::from(halves[1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_spaces_apostrophes_and_hyphens_are_not_differences() {
        let same = [
            ("Lefèvre-Dupont", "LEFEVRE DUPONT"),
            ("  d’Arcy  ", "D'ARCY"),
            ("Jean -  Pierre", "JEAN PIERRE"),
            ("Cœur", "COEUR"),
            ("Ñúñez", "NUNEZ"),
        ];
        for (raw, expected) in same {
            assert_eq!(name_key(raw), expected, "{raw}");
        }
    }

    #[test]
    fn real_differences_stay() {
        assert_ne!(name_key("Martin"), name_key("Martine"));
        assert_ne!(name_key("Dupont"), name_key("Dupond"));
    }

    fn born(year: i16) -> BirthDate {
        BirthDate::from_stored(jiff::civil::date(year, 3, 15))
    }

    #[test]
    fn the_digest_of_raw_values_is_the_digest_of_their_keys() {
        let raw = [("  Lefèvre-Dupont ", "Zoé", "  fr"), ("N’Diaye", "Jean -  Pierre", "100"), ("", "", "")];
        for (nom, prenom, nationality) in raw {
            let key = SecondaryKey::new(nom, prenom, born(2004), nationality);
            assert_eq!(KeyDigest::of(nom, prenom, born(2004), nationality), key.digest(), "{nom}");
        }
        assert_eq!(
            KeyDigest::of("LEFEVRE DUPONT", "ZOE", born(2004), "FR"),
            KeyDigest::of("Lefèvre-Dupont", "Zoé", born(2004), "fr")
        );
    }

    #[test]
    fn any_key_that_differs_gives_another_digest() {
        let base = KeyDigest::of("Martin", "Léa", born(2004), "100");
        assert_ne!(base, KeyDigest::of("Martine", "Léa", born(2004), "100"));
        assert_ne!(base, KeyDigest::of("Martin", "Léo", born(2004), "100"));
        assert_ne!(base, KeyDigest::of("Martin", "Léa", born(2005), "100"));
        assert_ne!(base, KeyDigest::of("Martin", "Léa", born(2004), "101"));
        // Where one value ends and the next begins matters.
        assert_ne!(KeyDigest::of("AB", "C", born(2004), "100"), KeyDigest::of("A", "BC", born(2004), "100"));
    }
}

//! Normalisation of names for matching (SPEC §4.4): case, accents, surrounding and repeated
//! spaces, curly vs straight apostrophe, hyphen vs space are not differences.

use crate::student::BirthDate;

/// The normalised form of a name: uppercase ASCII letters and digits, words separated by one
/// space, apostrophes kept straight. `Lefèvre-Dupont ` and `LEFEVRE DUPONT` give the same key.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !key.is_empty();
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
    key
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
        SecondaryKey {
            nom: name_key(nom),
            prenom: name_key(prenom),
            birth_date,
            nationality: nationality.trim().to_uppercase(),
        }
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
}

//! French student identifiers: the INE (COD_NNE) and the NIR, "numéro INSEE" (COD_NNI).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("INE invalide : « {0} » (11 caractères, chiffres et lettres majuscules)")]
    Ine(String),
    #[error("Numéro INSEE invalide : « {0} » (13 caractères, chiffres ou 2A/2B, puis une clé de 2 chiffres)")]
    Nir(String),
}

/// An INE: 11 characters, digits and uppercase letters (SPEC §4.1). The shape is enforced; the
/// check character is only reported (see [`Ine::check_character_verifies`]), since registries
/// hold INEs whose key does not verify and refusing them would lose students.
///
/// Held as its 11 ASCII bytes, so it is `Copy` and parsing one allocates nothing: an import
/// parses a million of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ine([u8; 11]);

/// The 23 key letters of the INE-BEA (no I, O, Q).
const BEA_KEYS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

impl Ine {
    pub fn parse(text: &str) -> Result<Ine, IdentifierError> {
        let text = text.trim();
        match <[u8; 11]>::try_from(text.as_bytes()) {
            Ok(bytes) if bytes.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) => Ok(Ine(bytes)),
            _ => Err(IdentifierError::Ine(text.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("an INE is ASCII by construction")
    }

    /// The eleven characters as one base-36 number (36¹¹ < 2⁶³): exact, ordered like the text,
    /// and 8 bytes instead of a string, for the tables an import keeps of a million INEs.
    pub fn packed(&self) -> u64 {
        let digit = |byte: u8| if byte.is_ascii_digit() { byte - b'0' } else { byte - b'A' + 10 };
        self.0.iter().fold(0, |packed, &byte| packed * 36 + u64::from(digit(byte)))
    }

    /// `Some(true)` when the check character verifies, `Some(false)` when it does not, `None`
    /// for the INE kinds whose key rule is not public (INE-RNIE, university base-36 INEs).
    ///
    /// INE-BEA (10 digits + a key letter): key = `BEA_KEYS[first ten digits mod 23]`.
    /// INE-RNIE (9 digits + 2 letters from A–H, J, K): the shape is the only public rule.
    pub fn check_character_verifies(&self) -> Option<bool> {
        let bytes = &self.0;
        let (body, key) = bytes.split_at(10);
        if body.iter().all(u8::is_ascii_digit) && key[0].is_ascii_uppercase() {
            let number = body.iter().fold(0u64, |number, digit| number * 10 + u64::from(digit - b'0'));
            return Some(BEA_KEYS[(number % 23) as usize] == key[0]);
        }
        let rnie_key = |b: &u8| matches!(b, b'A'..=b'H' | b'J' | b'K');
        if bytes[..9].iter().all(u8::is_ascii_digit) && bytes[9..].iter().all(rnie_key) {
            return Some(true);
        }
        None
    }

    /// Appends the INE-BEA key letter to ten digits: used to build valid demo INEs.
    pub fn bea_from_digits(digits: u64) -> Ine {
        let digits = digits % 10_000_000_000;
        let key = BEA_KEYS[(digits % 23) as usize] as char;
        Ine::parse(&format!("{digits:010}{key}")).expect("ten digits and a key letter make an INE")
    }
}

impl fmt::Display for Ine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// As its text, like the string it is in the file and in the base.
impl serde::Serialize for Ine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A NIR ("numéro INSEE", COD_NNI): a 13-character body (digits, or 2A/2B for Corsica in the
/// department) and a 2-digit key. The shape is enforced; the key is only reported. Held as its
/// 15 ASCII bytes, like [`Ine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nir([u8; 15]);

impl Nir {
    /// Accepts the 15 characters with or without the spaces people put between groups.
    pub fn parse(text: &str) -> Result<Nir, IdentifierError> {
        let refused = || IdentifierError::Nir(text.trim().to_owned());
        let mut bytes = [0u8; 15];
        let mut length = 0;
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            let slot = bytes.get_mut(length).ok_or_else(refused)?;
            // Only ASCII is kept: a wider character can never be part of a NIR.
            *slot = u8::try_from(c.to_ascii_uppercase()).map_err(|_| refused())?;
            length += 1;
        }
        let corsica = &bytes[5..7] == b"2A" || &bytes[5..7] == b"2B";
        let well_formed = length == 15
            && bytes.iter().enumerate().all(|(i, b)| b.is_ascii_digit() || (corsica && (i == 5 || i == 6)));
        if well_formed { Ok(Nir(bytes)) } else { Err(refused()) }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a NIR is ASCII by construction")
    }

    /// The key is 97 − (body mod 97), with Corsica's 2A read as 19 and 2B as 18.
    pub fn key_verifies(&self) -> bool {
        let text = self.as_str();
        Nir::key_of(&text[..13]) == Some(text[13..].parse().unwrap_or(0))
    }

    /// The 2-digit key of a 13-character body, `None` when the body is not a NIR body.
    pub fn key_of(body: &str) -> Option<u64> {
        let bytes = body.as_bytes();
        if bytes.len() != 13 {
            return None;
        }
        let department: &[u8] = match &bytes[5..7] {
            b"2A" => b"19",
            b"2B" => b"18",
            digits => digits,
        };
        let digits = bytes[..5].iter().chain(department).chain(&bytes[7..]);
        let number =
            digits.map(|&b| b.is_ascii_digit().then(|| u64::from(b - b'0'))).try_fold(0, |number, digit| {
                // Thirteen digits always fit: 10¹³ < 2⁶⁴.
                Some(number * 10 + digit?)
            })?;
        Some(97 - number % 97)
    }

    /// Builds a NIR from its body, computing the key: used to build valid demo NIRs.
    pub fn from_body(body: &str) -> Option<Nir> {
        let key = Nir::key_of(body)?;
        Nir::parse(&format!("{body}{key:02}")).ok()
    }
}

impl fmt::Display for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Nir {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_ine_is_exact_and_ordered_like_its_text() {
        let ines: Vec<Ine> =
            ["00000000000", "0000000000A", "1234567890V", "123456789AB", "ZZZZZZZZZZZ", "ZZZZZZZZZZY", "A0000000000"]
                .iter()
                .map(|text| Ine::parse(text).unwrap())
                .collect();
        assert_eq!(ines[0].packed(), 0);
        assert_eq!(ines[4].packed(), 36u64.pow(11) - 1);
        for a in &ines {
            for b in &ines {
                assert_eq!(a.packed().cmp(&b.packed()), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn ine_shape_is_eleven_digits_or_uppercase_letters() {
        assert!(Ine::parse("1234567890V").is_ok());
        assert!(Ine::parse(" 123456789AB ").is_ok());
        for bad in ["1234567890", "1234567890v", "12345678901A", "12345-67890", ""] {
            assert!(Ine::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bea_key_is_checked_and_unknown_rules_are_not_guessed() {
        assert_eq!(Ine::parse("1234567890V").unwrap().check_character_verifies(), Some(true));
        assert_eq!(Ine::parse("1234567890A").unwrap().check_character_verifies(), Some(false));
        assert_eq!(Ine::parse("123456789AB").unwrap().check_character_verifies(), Some(true));
        assert_eq!(Ine::parse("0DDG5R00015").unwrap().check_character_verifies(), None);
        let built = Ine::bea_from_digits(1_234_567_890);
        assert_eq!(built.as_str(), "1234567890V");
    }

    #[test]
    fn nir_keys_verify_on_published_vectors() {
        for good in ["295109912611193", "186022A21532523", "100017510100151", "2 95 10 99 126 111 93"] {
            assert!(Nir::parse(good).unwrap().key_verifies(), "{good}");
        }
        assert!(!Nir::parse("295109912611199").unwrap().key_verifies());
        assert_eq!(Nir::from_body("1860221215325").unwrap().as_str().len(), 15);
    }

    #[test]
    fn nir_shape_is_enforced() {
        for bad in ["29510991261119", "2951099126111934", "29510A9912611193", "ABCDEFGHIJKLMNO"] {
            assert!(Nir::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Demo identifiers that are valid and unique: INE-BEA, NIR, student number (COD_ETU).
//!
//! Uniqueness comes from a bijection: each identifier is an affine permutation of the
//! student's index (`offset + index × multiplier mod range`, the multiplier coprime with the
//! range), so two indexes never share a number, and consecutive students do not get
//! consecutive numbers as they would not in a real registry. The offsets come from the seed.

use calcium_core::student::{Ine, Nir};
use jiff::civil::Date;
use rand::Rng;

/// INE-BEA bodies are ten digits; ours start with 1 to 8 so that none is all zeros.
const INE_BASE: u64 = 1_000_000_000;
const INE_RANGE: u64 = 8_000_000_000;
/// Odd and not a multiple of 5: coprime with 8 × 10⁹ = 2¹² × 5⁹.
const INE_MULTIPLIER: u64 = 3_456_789_011;

/// The six NIR digits after the department: commune (001–999) and order (001–999).
const NIR_RANGE: u64 = 999 * 999;
/// A prime that divides neither 3 nor 37, the factors of 999².
const NIR_MULTIPLIER: u64 = 524_287;

/// The six digits of a student number after its two-digit year.
const ETU_RANGE: u64 = 1_000_000;
/// Odd and not a multiple of 5: coprime with 10⁶.
const ETU_MULTIPLIER: u64 = 738_163;

/// Where a person was born, as the NIR encodes it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BirthPlace {
    /// A French department (`21`, `2A`, `974`).
    Department(&'static str),
    /// Abroad: department 99 and the INSEE country code.
    Abroad(&'static str),
}

/// The per-seed offsets of the three permutations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentifierSeeds {
    ine: u64,
    nir: u64,
    etu: u64,
}

impl IdentifierSeeds {
    pub(crate) fn new(rng: &mut impl Rng) -> IdentifierSeeds {
        IdentifierSeeds {
            ine: rng.random_range(0..INE_RANGE),
            nir: rng.random_range(0..NIR_RANGE),
            etu: rng.random_range(0..ETU_RANGE),
        }
    }

    /// The INE of number `n`: distinct numbers give distinct INEs (below 8 × 10⁹).
    pub(crate) fn ine(&self, n: u64) -> Ine {
        Ine::bea_from_digits(INE_BASE + permute(n, self.ine, INE_MULTIPLIER, INE_RANGE))
    }

    /// A NIR with a valid key. Distinct `n` below 998 001 give distinct NIRs for people born
    /// in metropolitan France; overseas and abroad the commune part is mostly fixed (the
    /// country abroad), so there two people may rarely share a NIR, as homonyms do.
    pub(crate) fn nir(&self, n: u64, sex_digit: u8, birth: Date, place: BirthPlace) -> Nir {
        let six = permute(n, self.nir, NIR_MULTIPLIER, NIR_RANGE);
        let (commune, order) = (six / 999 + 1, six % 999 + 1);
        let (year, month) = (birth.year().rem_euclid(100), birth.month());
        let body = match place {
            // Overseas: the third digit of the department starts the commune code (974 01).
            BirthPlace::Department(department) if department.len() == 3 => {
                format!(
                    "{sex_digit}{year:02}{month:02}{}{}{:02}{order:03}",
                    &department[..2],
                    &department[2..],
                    commune % 24 + 1
                )
            }
            BirthPlace::Department(department) => {
                format!("{sex_digit}{year:02}{month:02}{department}{commune:03}{order:03}")
            }
            BirthPlace::Abroad(country) => format!("{sex_digit}{year:02}{month:02}99{country}{order:03}"),
        };
        Nir::from_body(&body).expect("13 digits, or 2A/2B in the department, always make a NIR body")
    }

    /// An eight-digit student number: the two-digit year of first enrolment, then six digits
    /// distinct for distinct `n` (below 10⁶).
    pub(crate) fn cod_etu(&self, n: u64, entry_year: i16) -> String {
        format!("{:02}{:06}", entry_year.rem_euclid(100), permute(n, self.etu, ETU_MULTIPLIER, ETU_RANGE))
    }
}

/// `(offset + n × multiplier) mod range`, a permutation of `0..range` when the multiplier
/// and the range are coprime.
fn permute(n: u64, offset: u64, multiplier: u64, range: u64) -> u64 {
    let value = (u128::from(offset) + u128::from(n) * u128::from(multiplier)) % u128::from(range);
    u64::try_from(value).expect("a value modulo a u64 range fits in a u64")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    fn seeds() -> IdentifierSeeds {
        IdentifierSeeds::new(&mut StdRng::seed_from_u64(7))
    }

    #[test]
    fn ines_are_valid_bea_and_distinct() {
        let seeds = seeds();
        let ines: HashSet<String> = (0..20_000).map(|n| seeds.ine(n).to_string()).collect();
        assert_eq!(ines.len(), 20_000);
        for ine in &ines {
            let parsed = Ine::parse(ine).unwrap();
            assert_eq!(parsed.check_character_verifies(), Some(true), "{ine}");
        }
    }

    #[test]
    fn nirs_verify_including_corsica_overseas_and_abroad() {
        let seeds = seeds();
        let born = date(2004, 2, 29);
        let places = [
            BirthPlace::Department("21"),
            BirthPlace::Department("2A"),
            BirthPlace::Department("2B"),
            BirthPlace::Department("974"),
            BirthPlace::Abroad("350"),
        ];
        for (n, place) in places.into_iter().enumerate() {
            let nir = seeds.nir(n as u64, 2, born, place);
            let reparsed = Nir::parse(nir.as_str()).unwrap();
            assert!(reparsed.key_verifies(), "{nir}");
            assert!(nir.as_str().starts_with("20402"), "{nir}");
        }
        let french: HashSet<String> =
            (0..50_000).map(|n| seeds.nir(n, 1, born, BirthPlace::Department("21")).to_string()).collect();
        assert_eq!(french.len(), 50_000);
    }

    #[test]
    fn student_numbers_are_distinct() {
        let seeds = seeds();
        let numbers: HashSet<String> = (0..50_000).map(|n| seeds.cod_etu(n, 2024)).collect();
        assert_eq!(numbers.len(), 50_000);
        assert!(numbers.iter().all(|n| n.len() == 8 && n.starts_with("24")));
    }
}

//! Planted duplicates: where they go in the population, and the variations that make a
//! second registration of the same person differ from the first, as they do in real
//! registries (a dropped accent, a typo in either name, the married name typed as the birth
//! name, first name and surname swapped, a compound first name typed in part, a particle
//! glued, day and month swapped, the birth year off by one, an INE missing or re-issued).

use calcium_core::normalize::name_key;
use calcium_core::student::{BirthDate, StudentRecord};
use jiff::civil::Date;
use rand::Rng;
use rand::seq::IndexedRandom;

/// One student in two hundred is a planted duplicate (0.5 %).
const STUDENTS_PER_DUPLICATE: u32 = 200;

/// Below this many students no duplicate is planted; from it on, at least one.
pub(crate) const MIN_STUDENTS_FOR_DUPLICATES: u32 = 50;

/// The (duplicate, original) index pairs of a population of `count`, sorted by duplicate,
/// each original earlier than its duplicate and never itself a duplicate.
pub(crate) fn plan(count: u32, rng: &mut impl Rng) -> Vec<(usize, usize)> {
    if count < MIN_STUDENTS_FOR_DUPLICATES {
        return Vec::new();
    }
    let planted = (count / STUDENTS_PER_DUPLICATE).max(1) as usize;
    let count = count as usize;
    // One duplicate in the second half of each block of `stride` students: spread over the
    // whole population, never at index 0, and an original always exists before it.
    let stride = count / planted;
    let positions: Vec<usize> =
        (0..planted).map(|block| block * stride + rng.random_range(stride / 2..stride)).collect();
    positions
        .iter()
        .map(|&position| {
            let original = loop {
                let candidate = rng.random_range(0..position);
                if positions.binary_search(&candidate).is_err() {
                    break candidate;
                }
            };
            (position, original)
        })
        .collect()
}

/// What differs between a planted duplicate and its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variation {
    AccentDropped,
    FirstNameTypo,
    SurnameTypo,
    UsageNameAsNom,
    NamesSwapped,
    CompoundFirstName,
    ParticleGlued,
    DayMonthSwapped,
    YearOffByOne,
    IneMissing,
    IneReissued,
}

impl Variation {
    const ALL: [Variation; 11] = [
        Variation::AccentDropped,
        Variation::FirstNameTypo,
        Variation::SurnameTypo,
        Variation::UsageNameAsNom,
        Variation::NamesSwapped,
        Variation::CompoundFirstName,
        Variation::ParticleGlued,
        Variation::DayMonthSwapped,
        Variation::YearOffByOne,
        Variation::IneMissing,
        Variation::IneReissued,
    ];

    fn applies_to(self, record: &StudentRecord, today: Date) -> bool {
        match self {
            Variation::AccentDropped => !record.nom.is_ascii() || !record.prenom1.is_ascii(),
            Variation::FirstNameTypo | Variation::SurnameTypo | Variation::NamesSwapped => true,
            Variation::UsageNameAsNom => record.nomusage.is_some(),
            Variation::CompoundFirstName => record.prenom1.contains('-') || record.prenom2.is_some(),
            Variation::ParticleGlued => record.nom.contains([' ', '\'']),
            Variation::DayMonthSwapped => swap_day_month(record.datenai, today).is_some(),
            Variation::YearOffByOne => year_off_by_one(record.datenai, 1, today).is_some(),
            Variation::IneMissing | Variation::IneReissued => record.cod_nne.is_some(),
        }
    }

    fn touches_ine(self) -> bool {
        matches!(self, Variation::IneMissing | Variation::IneReissued)
    }

    fn touches_date(self) -> bool {
        matches!(self, Variation::DayMonthSwapped | Variation::YearOffByOne)
    }
}

/// One or two variations that apply to `original` (never both INE ones).
pub(crate) fn choose(original: &StudentRecord, today: Date, rng: &mut impl Rng) -> Vec<Variation> {
    let applicable: Vec<Variation> = Variation::ALL.into_iter().filter(|v| v.applies_to(original, today)).collect();
    let first = *applicable.choose(rng).expect("a first-name typo always applies");
    let mut chosen = vec![first];
    if rng.random_bool(0.4) {
        let others: Vec<Variation> = applicable
            .into_iter()
            .filter(|&v| {
                v != first && !(v.touches_ine() && first.touches_ine()) && !(v.touches_date() && first.touches_date())
            })
            .collect();
        chosen.extend(others.choose(rng).copied());
    }
    chosen
}

/// Applies the name and date variations; the INE ones need the generator's numbering and are
/// applied by the caller.
pub(crate) fn apply(variation: Variation, record: &mut StudentRecord, today: Date, rng: &mut impl Rng) {
    match variation {
        Variation::AccentDropped => {
            record.nom = strip_accents(&record.nom);
            record.prenom1 = strip_accents(&record.prenom1);
        }
        Variation::FirstNameTypo => record.prenom1 = typo(&record.prenom1, rng),
        Variation::SurnameTypo => record.nom = typo(&record.nom, rng),
        Variation::UsageNameAsNom => {
            if let Some(usage) = record.nomusage.take() {
                record.nom = usage;
            }
        }
        Variation::NamesSwapped => std::mem::swap(&mut record.nom, &mut record.prenom1),
        Variation::CompoundFirstName => match (record.prenom1.split_once('-'), record.prenom2.take()) {
            // "Jean-Pierre" typed "Jean", or "Jean Pierre" with the hyphen lost.
            (Some((first, _)), second) => {
                record.prenom2 = second;
                record.prenom1 = if rng.random_bool(0.5) { first.to_owned() } else { record.prenom1.replace('-', " ") };
            }
            // The first names given in another order.
            (None, Some(second)) => record.prenom2 = Some(std::mem::replace(&mut record.prenom1, second)),
            (None, None) => {}
        },
        Variation::ParticleGlued => {
            // "de la Fontaine" typed "Delafontaine", "D'Amico" typed "Damico".
            let glued: String = record.nom.chars().filter(|c| *c != ' ' && *c != '\'').collect();
            let mut letters = glued.chars();
            record.nom = letters
                .next()
                .map(|first| first.to_uppercase().chain(letters.flat_map(char::to_lowercase)).collect())
                .unwrap_or(glued);
        }
        Variation::DayMonthSwapped => {
            if let Some(swapped) = swap_day_month(record.datenai, today) {
                record.datenai = swapped;
            }
        }
        Variation::YearOffByOne => {
            let step = if rng.random_bool(0.5) { 1 } else { -1 };
            if let Some(moved) =
                year_off_by_one(record.datenai, step, today).or_else(|| year_off_by_one(record.datenai, -step, today))
            {
                record.datenai = moved;
            }
        }
        Variation::IneMissing => record.cod_nne = None,
        Variation::IneReissued => {}
    }
}

/// The text with its accents dropped, case kept: `Lefèvre` gives `Lefevre`, `Œ` gives `OE`.
pub(crate) fn strip_accents(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut buffer = [0; 4];
    for c in text.chars() {
        if c.is_ascii() {
            plain.push(c);
            continue;
        }
        // name_key folds one letter to its uppercase ASCII form; lowercase letters stay lowercase.
        let folded = name_key(c.encode_utf8(&mut buffer));
        if c.is_lowercase() {
            plain.extend(folded.chars().map(|f| f.to_ascii_lowercase()));
        } else {
            plain.push_str(&folded);
        }
    }
    plain
}

/// A typing mistake in a name: two letters swapped, one dropped or one doubled, never on the
/// first letter (people check that one).
pub(crate) fn typo(name: &str, rng: &mut impl Rng) -> String {
    let mut letters: Vec<char> = name.chars().collect();
    let positions: Vec<usize> = (1..letters.len()).filter(|&i| letters[i].is_alphabetic()).collect();
    let Some(&at) = positions.choose(rng) else {
        // A one-letter name: the only possible slip is a doubled letter.
        return format!("{name}{}", name.chars().last().unwrap_or('e'));
    };
    let swappable = at + 1 < letters.len() && letters[at + 1].is_alphabetic() && letters[at + 1] != letters[at];
    match rng.random_range(0..3) {
        0 if swappable => letters.swap(at, at + 1),
        1 if positions.len() > 2 => {
            letters.remove(at);
        }
        _ => letters.insert(at, letters[at]),
    }
    letters.into_iter().collect()
}

/// The date one year later (`step` 1) or earlier (-1), when it exists and is past.
pub(crate) fn year_off_by_one(birth: BirthDate, step: i16, today: Date) -> Option<BirthDate> {
    let date = birth.date();
    let moved = Date::new(date.year() + step, date.month(), date.day()).ok()?;
    BirthDate::new(moved, today).ok()
}

/// The date with day and month swapped, when that is another date that exists and is past.
pub(crate) fn swap_day_month(birth: BirthDate, today: Date) -> Option<BirthDate> {
    let date = birth.date();
    if date.day() > 12 || date.day() == date.month() {
        return None;
    }
    let swapped = Date::new(date.year(), date.day(), date.month()).ok()?;
    BirthDate::new(swapped, today).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn accents_go_and_case_stays() {
        assert_eq!(strip_accents("Lefèvre-Dupont"), "Lefevre-Dupont");
        assert_eq!(strip_accents("Marie-Ève"), "Marie-Eve");
        assert_eq!(strip_accents("Œdipe Gaëlle"), "OEdipe Gaelle");
        assert_eq!(strip_accents("D'Amico"), "D'Amico");
    }

    #[test]
    fn typos_change_the_name_but_not_its_first_letter() {
        let mut rng = StdRng::seed_from_u64(1);
        for name in ["Léa", "Jean-Pierre", "Zoé", "Anaïs", "Lou", "Maël", "Al"] {
            for _ in 0..50 {
                let typed = typo(name, &mut rng);
                assert_ne!(typed, name);
                assert_eq!(typed.chars().next(), name.chars().next());
            }
        }
    }

    #[test]
    fn day_and_month_swap_only_when_it_makes_another_past_date() {
        let today = date(2026, 11, 28);
        let birth = |y, m, d| BirthDate::new(date(y, m, d), today).unwrap();
        assert_eq!(swap_day_month(birth(2004, 3, 7), today), Some(birth(2004, 7, 3)));
        assert_eq!(swap_day_month(birth(2004, 3, 13), today), None);
        assert_eq!(swap_day_month(birth(2004, 5, 5), today), None);
    }

    #[test]
    fn plan_puts_originals_before_duplicates() {
        let mut rng = StdRng::seed_from_u64(3);
        assert!(plan(49, &mut rng).is_empty());
        assert_eq!(plan(50, &mut rng).len(), 1);
        let pairs = plan(100_000, &mut rng);
        assert_eq!(pairs.len(), 500);
        let duplicates: Vec<usize> = pairs.iter().map(|p| p.0).collect();
        assert!(duplicates.windows(2).all(|w| w[0] < w[1]));
        for &(duplicate, original) in &pairs {
            assert!(original < duplicate && duplicate < 100_000);
            assert!(duplicates.binary_search(&original).is_err());
        }
    }
}

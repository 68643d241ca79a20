//! The forms of a name the comparison works on, built once per student from the matching
//! normalisation of the import (`calcium_core::normalize::name_key`: case, accents, hyphens,
//! apostrophes and spaces are not differences).
//!
//! - **compact**: the words glued together (`JEAN-PIERRE`, `JEAN PIERRE` and `JEANPIERRE` all
//!   give `JEANPIERRE`; `DE LA FONTAINE` gives `DELAFONTAINE`);
//! - **core**: the compact form without leading particles (`FONTAINE`), so that `de la
//!   Fontaine`, `Delafontaine` and `La Fontaine` meet;
//! - **first word** (`JEAN`), for compound first names typed in part.
//!
//! Civil-status words typed into a name field (`Dupont épouse Martin`, `Martin née Dupont`)
//! split it: what comes after `EPOUSE`/`VEUVE` is a usage name, after `NEE` a birth name.

use calcium_core::normalize::name_key;

/// Words that open a name and are not the name: French particles and the usual foreign ones.
const PARTICLES: &[&str] =
    &["DE", "DU", "DES", "LE", "LA", "LES", "D", "L", "DEL", "DELLA", "DA", "DOS", "DI", "VAN", "VON"];

/// The normalised forms of one name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameForms {
    pub compact: String,
    pub core: String,
    pub first_word: String,
}

impl NameForms {
    pub fn new(raw: &str) -> NameForms {
        NameForms::from_words(&words(raw))
    }

    fn from_words(words: &[String]) -> NameForms {
        let compact: String = words.concat();
        let particles = words.iter().take_while(|w| PARTICLES.contains(&w.as_str())).count();
        // A name made only of particles ("Le", "Da") is its own core.
        let core = if particles < words.len() { words[particles..].concat() } else { compact.clone() };
        let first_word = words.first().cloned().unwrap_or_default();
        NameForms { compact, core, first_word }
    }

    pub fn is_empty(&self) -> bool {
        self.compact.is_empty()
    }
}

/// The words of a name: normalised, apostrophes and punctuation as spaces, `ST`/`STE` spelt out.
fn words(raw: &str) -> Vec<String> {
    name_key(raw)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "ST" => "SAINT".to_owned(),
            "STE" => "SAINTE".to_owned(),
            w => w.to_owned(),
        })
        .collect()
}

/// A surname field read as (birth name, usage name found inside it).
pub fn split_surname(raw: &str) -> (NameForms, Option<NameForms>) {
    let words = words(raw);
    let marker = words.iter().position(|w| matches!(w.as_str(), "EPOUSE" | "EP" | "EPSE" | "VEUVE" | "VVE" | "NEE"));
    match marker {
        Some(at) if at > 0 && at + 1 < words.len() => {
            let (before, after) = (NameForms::from_words(&words[..at]), NameForms::from_words(&words[at + 1..]));
            if words[at] == "NEE" { (after, Some(before)) } else { (before, Some(after)) }
        }
        _ => {
            let kept: Vec<String> = words.into_iter().filter(|w| !matches!(w.as_str(), "EPOUSE" | "NEE")).collect();
            (NameForms::from_words(&kept), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn compound_names_and_particles_meet() {
        let forms = NameForms::new("de la Fontaine");
        assert_eq!(
            (forms.compact.as_str(), forms.core.as_str(), forms.first_word.as_str()),
            ("DELAFONTAINE", "FONTAINE", "DE")
        );
        assert_eq!(NameForms::new("Delafontaine").compact, "DELAFONTAINE");
        assert_eq!(NameForms::new("La Fontaine").core, "FONTAINE");
        assert_eq!(NameForms::new("D’Amico").core, "AMICO");
        assert_eq!(NameForms::new("Jean-Pierre").compact, NameForms::new("jean pierre").compact);
        assert_eq!(NameForms::new("Jean-Pierre").first_word, "JEAN");
        assert_eq!(NameForms::new("St-Just").compact, "SAINTJUST");
        assert_eq!(NameForms::new("Le").core, "LE");
        assert!(NameForms::new(" - ").is_empty());
    }

    #[test]
    fn civil_status_words_split_a_surname() {
        let (birth, usage) = split_surname("DUPONT épouse MARTIN");
        assert_eq!((birth.compact.as_str(), usage.unwrap().compact.as_str()), ("DUPONT", "MARTIN"));
        let (birth, usage) = split_surname("Martin née Dupont");
        assert_eq!((birth.compact.as_str(), usage.unwrap().compact.as_str()), ("DUPONT", "MARTIN"));
        let (birth, usage) = split_surname("Lefèvre-Dupont");
        assert_eq!((birth.compact.as_str(), usage), ("LEFEVREDUPONT", None));
    }

    proptest! {
        #[test]
        fn case_accents_hyphens_and_spaces_never_change_the_compact_form(name in "[a-zàâçéèêëîïôûüœ]{1,8}( [a-zéè]{1,8}){0,2}") {
            let compact = NameForms::new(&name).compact;
            prop_assert_eq!(&NameForms::new(&name.to_uppercase()).compact, &compact);
            prop_assert_eq!(&NameForms::new(&name.replace(' ', "-")).compact, &compact);
            prop_assert_eq!(&NameForms::new(&format!("  {}  ", name.replace(' ', "  "))).compact, &compact);
            prop_assert!(compact.bytes().all(|b| b.is_ascii_uppercase()));
        }
    }
}

//! A student's postal address as a letter prints it: the personal address of the year, else the
//! family address (SPEC §6), laid out the way La Poste reads it (NF Z10-011: street lines, then
//! `CODE POSTAL COMMUNE` in capitals without accents, then the country when it is not France).

use serde::{Deserialize, Serialize};

use crate::reference::COUNTRIES;

/// The nomenclature code of France (`PAYS`, `PAYSFIX`): no country line for it.
const FRANCE: &str = "100";

/// Which of the student's two addresses a letter went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressSource {
    /// ADR1…PAYS: the address of the academic year.
    Personnelle,
    /// ADR1FIX…PAYSFIX: the family's address.
    Familiale,
}

impl AddressSource {
    pub fn label(self) -> &'static str {
        match self {
            AddressSource::Personnelle => "personnelle",
            AddressSource::Familiale => "familiale",
        }
    }
}

/// The address columns of one of the two addresses of a student record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressFields<'a> {
    pub streets: [Option<&'a str>; 3],
    pub postcode: Option<&'a str>,
    pub commune: Option<&'a str>,
    pub country_code: Option<&'a str>,
}

impl AddressFields<'_> {
    /// An address a postman can use has a street line or a commune.
    fn is_usable(&self) -> bool {
        self.streets.iter().any(|line| present(*line).is_some()) || present(self.commune).is_some()
    }
}

/// An address chosen for a letter. Stored with the letter (JSON), so the listing says where
/// the letter really went even if the registry changes the address afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub source: AddressSource,
    /// One to three street lines, as the registry wrote them.
    pub streets: Vec<String>,
    pub postcode: String,
    pub commune: String,
    /// The country's name, `None` for France.
    pub country: Option<String>,
}

impl PostalAddress {
    /// The personal address when it is usable, else the family address, else `None`.
    pub fn choose(personal: &AddressFields<'_>, family: &AddressFields<'_>) -> Option<PostalAddress> {
        if personal.is_usable() {
            Some(PostalAddress::from_fields(AddressSource::Personnelle, personal))
        } else if family.is_usable() {
            Some(PostalAddress::from_fields(AddressSource::Familiale, family))
        } else {
            None
        }
    }

    fn from_fields(source: AddressSource, fields: &AddressFields<'_>) -> PostalAddress {
        let country = present(fields.country_code).filter(|code| *code != FRANCE).map(|code| {
            COUNTRIES.iter().find(|(known, _, _)| *known == code).map_or(code, |(_, label, _)| *label).to_owned()
        });
        PostalAddress {
            source,
            streets: fields.streets.iter().filter_map(|line| present(*line)).map(str::to_owned).collect(),
            postcode: present(fields.postcode).unwrap_or_default().to_owned(),
            commune: present(fields.commune).unwrap_or_default().to_owned(),
            country,
        }
    }

    /// The lines under the addressee's name: streets, `69100 VILLEURBANNE`, `ALLEMAGNE`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.streets.clone();
        let locality = [self.postcode.as_str(), self.commune.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !locality.is_empty() {
            lines.push(postal_capitals(&locality));
        }
        if let Some(country) = &self.country {
            lines.push(postal_capitals(country));
        }
        lines
    }
}

/// La Poste reads the last lines in capitals without accents (`SAINT-ETIENNE`).
fn postal_capitals(text: &str) -> String {
    deunicode::deunicode(text).to_uppercase()
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(street: Option<&'a str>, commune: Option<&'a str>, country: Option<&'a str>) -> AddressFields<'a> {
        AddressFields { streets: [street, None, None], postcode: Some("42000"), commune, country_code: country }
    }

    #[test]
    fn the_personal_address_wins_when_it_is_usable() {
        let personal = fields(Some("3 rue de l'Église"), Some("Saint-Étienne"), Some("100"));
        let family = fields(Some("1 place du Marché"), Some("Lyon"), Some("100"));
        let address = PostalAddress::choose(&personal, &family).expect("an address");
        assert_eq!(address.source, AddressSource::Personnelle);
        assert_eq!(address.lines(), ["3 rue de l'Église", "42000 SAINT-ETIENNE"]);
    }

    #[test]
    fn the_family_address_abroad_is_used_when_the_personal_one_is_empty() {
        let personal = AddressFields { streets: [Some("  "), None, None], ..AddressFields::default() };
        let family = AddressFields {
            streets: [Some("Hauptstraße 5"), None, None],
            postcode: None,
            commune: Some("München"),
            country_code: Some("109"),
        };
        let address = PostalAddress::choose(&personal, &family).expect("an address");
        assert_eq!(address.source, AddressSource::Familiale);
        assert_eq!(address.lines(), ["Hauptstraße 5", "MUNCHEN", "ALLEMAGNE"]);
    }

    #[test]
    fn no_usable_address_gives_none() {
        assert_eq!(PostalAddress::choose(&AddressFields::default(), &AddressFields::default()), None);
    }
}

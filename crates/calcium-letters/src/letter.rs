//! One letter's words: the templates filled with one relance's values, as the page to print
//! ([`LetterContent`]) and as the mail to send ([`LetterMail`]).

use calcium_core::postal_address::PostalAddress;
use calcium_core::relance::{LetterKind, long_date, short_date};
use jiff::civil::Date;

use crate::layout::LetterContent;
use crate::template::{Field, FieldValues, Templates};
use crate::typography::french;

/// What the address block says when the student has no postal address.
pub const MISSING_ADDRESS: &str = "Adresse postale manquante";

/// The values of one letter, as the base holds them.
#[derive(Debug, Clone, Copy)]
pub struct LetterData<'a> {
    pub relance_id: i64,
    /// `M`, `F` or `INCONNU`.
    pub sexe: &'a str,
    pub prenom: &'a str,
    pub nom: &'a str,
    pub nomusage: Option<&'a str>,
    pub ine: Option<&'a str>,
    pub date_naissance: Date,
    pub motif: &'a str,
    pub due_date: Date,
    pub courrier: &'a str,
    pub letter_date: Date,
    pub rappel_days: u32,
    pub address: Option<&'a PostalAddress>,
}

impl LetterData<'_> {
    fn values(&self) -> Values {
        let civilite = match self.sexe {
            "F" => "Madame",
            "M" => "Monsieur",
            _ => "",
        };
        let nom = self.nomusage.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(self.nom);
        let mut values = Values::default();
        values.set(Field::Civilite, civilite);
        values.set(Field::Prenom, self.prenom);
        values.set(Field::Nom, nom);
        values.set(Field::NomNaissance, self.nom);
        if let Some(ine) = self.ine {
            values.set(Field::Ine, ine);
        }
        values.set(Field::DateNaissance, &short_date(self.date_naissance));
        values.set(Field::Motif, self.motif);
        values.set(Field::DateEcheance, &long_date(self.due_date));
        values.set(Field::DateCourrier, &long_date(self.letter_date));
        values.set(Field::Courrier, self.courrier.trim());
        values.set(Field::NumeroRelance, &self.relance_id.to_string());
        values.set(Field::DelaiRappel, &self.rappel_days.to_string());
        values
    }

    /// The addressee's line: `Madame Zoé Lefèvre`.
    fn addressee(&self, values: &Values) -> String {
        [Field::Civilite, Field::Prenom, Field::Nom]
            .iter()
            .filter_map(|field| values.value(*field))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Default)]
struct Values([Option<String>; Field::ALL.len()]);

impl Values {
    fn set(&mut self, field: Field, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.0[field as usize] = Some(value.to_owned());
        }
    }
}

impl FieldValues for Values {
    fn value(&self, field: Field) -> Option<&str> {
        self.0[field as usize].as_deref()
    }
}

/// The page of one letter.
pub fn compose(templates: &Templates, kind: LetterKind, data: &LetterData<'_>) -> LetterContent {
    let values = data.values();
    let head = &templates.letterhead;
    let wording = templates.wording(kind);
    let lines = |text: String| -> Vec<String> { text.lines().map(str::to_owned).collect() };
    let mut recipient = vec![data.addressee(&values)];
    match data.address {
        Some(address) => recipient.extend(address.lines()),
        None => recipient.push(MISSING_ADDRESS.to_owned()),
    }
    LetterContent {
        letterhead: lines(head.header.render(&values)),
        recipient,
        date_line: french(&head.date_line.render(&values)),
        subject: french(&wording.subject.render(&values)),
        body: french(&wording.body.render(&values)),
        footer: lines(french(&head.footer.render(&values))),
    }
}

/// A letter's mail: plain text, as typed (no print typography).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterMail {
    pub subject: String,
    pub body: String,
}

pub fn compose_mail(templates: &Templates, kind: LetterKind, data: &LetterData<'_>) -> LetterMail {
    let values = data.values();
    let wording = templates.wording(kind);
    // A subject is one line: a template spanning several lines is joined.
    let subject = wording.mail_subject.render(&values).split_whitespace().collect::<Vec<_>>().join(" ");
    let body = wording.mail_body.render(&values);
    let body = if body.trim().is_empty() { values.value(Field::Courrier).unwrap_or("").to_owned() } else { body };
    LetterMail { subject, body }
}

#[cfg(test)]
mod tests {
    use calcium_core::postal_address::AddressSource;
    use jiff::civil::date;

    use super::*;

    fn data(address: Option<&PostalAddress>) -> LetterData<'_> {
        LetterData {
            relance_id: 42,
            sexe: "F",
            prenom: "Zoé",
            nom: "Lefèvre",
            nomusage: Some("Çelik"),
            ine: None,
            date_naissance: date(2004, 2, 29),
            motif: "Bilan de santé à compléter",
            due_date: date(2026, 11, 1),
            courrier: "Madame, Monsieur,\n\nVotre bilan est incomplet : merci de nous contacter.",
            letter_date: date(2026, 11, 29),
            rappel_days: 30,
            address,
        }
    }

    #[test]
    fn a_letter_names_the_student_and_carries_the_courrier_with_french_spacing() {
        let address = PostalAddress {
            source: AddressSource::Personnelle,
            streets: vec!["3 rue de l'Église".to_owned()],
            postcode: "21000".to_owned(),
            commune: "Dijon".to_owned(),
            country: None,
        };
        let letter = compose(&Templates::built_in(), LetterKind::Relance, &data(Some(&address)));
        assert_eq!(letter.recipient, ["Madame Zoé Çelik", "3 rue de l'Église", "21000 DIJON"]);
        assert_eq!(letter.date_line, "Fait à Dijon, le 29 novembre 2026");
        assert_eq!(letter.subject, "Objet\u{a0}: Bilan de santé à compléter");
        assert!(letter.body.contains("incomplet\u{a0}: merci"), "{}", letter.body);
        assert!(letter.body.contains("n° 42") && letter.body.contains("1er novembre 2026"), "{}", letter.body);
    }

    #[test]
    fn a_student_without_address_gets_a_letter_saying_so() {
        let letter = compose(&Templates::built_in(), LetterKind::Rappel, &data(None));
        assert_eq!(letter.recipient, ["Madame Zoé Çelik", MISSING_ADDRESS]);
        assert!(letter.subject.contains("rappel"), "{}", letter.subject);
    }

    #[test]
    fn the_mail_carries_the_courrier_as_typed() {
        let mail = compose_mail(&Templates::built_in(), LetterKind::Relance, &data(None));
        assert_eq!(mail.subject, "Service de santé universitaire : Bilan de santé à compléter");
        assert!(mail.body.starts_with("Madame Zoé Çelik,"), "{}", mail.body);
        assert!(mail.body.contains("Votre bilan est incomplet : merci"), "{}", mail.body);
    }
}

//! The answer of MesVaccins.net: a JSON array of vaccination records (SPEC §6), read whole
//! and checked whole. One record that does not fit makes the whole answer malformed: the
//! run then writes nothing, rather than half a delivery.

use jiff::civil::Date;
use serde::Deserialize;

/// One record as MesVaccins.net sends it, before checking.
#[derive(Debug, Deserialize)]
struct RawRecord {
    ine: Option<String>,
    nom: String,
    prenom: String,
    date_naissance: String,
    vaccin: String,
    libelle: String,
    date_injection: String,
    lot: Option<String>,
    rang: Option<i32>,
}

/// A checked record: dates are dates, the vaccine code is there, empty texts are absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FeedRecord {
    pub(crate) ine: Option<String>,
    pub(crate) nom: String,
    pub(crate) prenom: String,
    pub(crate) birth_date: Date,
    pub(crate) vaccine_code: String,
    pub(crate) label: String,
    pub(crate) injection_date: Date,
    pub(crate) lot: Option<String>,
    pub(crate) rang: Option<i32>,
}

/// Why an answer is malformed (French, for the execution's message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("réponse de MesVaccins.net mal formée : {0}")]
pub(crate) struct MalformedFeed(String);

/// Reads the body of an answer.
pub(crate) fn parse_feed(body: &[u8]) -> Result<Vec<FeedRecord>, MalformedFeed> {
    // An array of anything first, then each record: the message can then name the record.
    let values: Vec<serde_json::Value> = serde_json::from_slice(body).map_err(|error| {
        MalformedFeed(format!("{error} (un tableau JSON d'enregistrements de vaccination est attendu)"))
    })?;
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let malformed = |why: String| MalformedFeed(format!("enregistrement {} : {why}", index + 1));
            let raw: RawRecord = serde_json::from_value(value).map_err(|error| malformed(error.to_string()))?;
            check(raw).map_err(malformed)
        })
        .collect()
}

fn check(raw: RawRecord) -> Result<FeedRecord, String> {
    let required = |name: &str, value: String| {
        let value = value.trim().to_owned();
        if value.is_empty() { Err(format!("{name} est vide")) } else { Ok(value) }
    };
    let date = |name: &str, value: &str| {
        value.trim().parse::<Date>().map_err(|_| format!("{name} « {value} » n'est pas une date AAAA-MM-JJ"))
    };
    let optional = |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(FeedRecord {
        ine: optional(raw.ine).map(|ine| ine.to_ascii_uppercase()),
        nom: required("nom", raw.nom)?,
        prenom: required("prenom", raw.prenom)?,
        birth_date: date("date_naissance", &raw.date_naissance)?,
        vaccine_code: required("vaccin", raw.vaccin)?,
        label: required("libelle", raw.libelle)?,
        injection_date: date("date_injection", &raw.date_injection)?,
        lot: optional(raw.lot),
        rang: raw.rang,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_answer_gives_checked_records() {
        let body = r#"[{"ine": " 1234567890a ", "nom": "Lefèvre", "prenom": "Zoé", "date_naissance": "2004-02-29",
            "vaccin": "DTP", "libelle": "Diphtérie, tétanos, poliomyélite", "date_injection": "2025-09-01",
            "lot": "", "rang": 3}]"#;
        let records = parse_feed(body.as_bytes()).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].ine.as_deref(), Some("1234567890A"));
        assert_eq!(records[0].birth_date, jiff::civil::date(2004, 2, 29));
        assert_eq!(records[0].lot, None);
        assert_eq!(records[0].rang, Some(3));
    }

    #[test]
    fn an_empty_array_is_an_answer_with_nothing_new() {
        assert_eq!(parse_feed(b"[]").unwrap(), []);
    }

    #[test]
    fn anything_else_than_an_array_of_records_is_malformed() {
        for body in [&b"<html>erreur</html>"[..], b"{\"ine\": null}", b"[{\"nom\": \"X\"}]", b"[1, 2]", b""] {
            let error = parse_feed(body).unwrap_err();
            assert!(error.to_string().starts_with("réponse de MesVaccins.net mal formée"), "{error}");
        }
    }

    #[test]
    fn a_record_with_an_impossible_date_names_the_record_and_the_field() {
        let body = br#"[{"ine": null, "nom": "A", "prenom": "B", "date_naissance": "2001-02-30",
            "vaccin": "DTP", "libelle": "x", "date_injection": "2025-09-01", "lot": null, "rang": null}]"#;
        let error = parse_feed(body).unwrap_err().to_string();
        assert!(error.contains("enregistrement 1") && error.contains("date_naissance"), "{error}");
    }
}

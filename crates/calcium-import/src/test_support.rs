//! Fixtures shared by the unit tests: a valid data line whose cells can be overridden by
//! column name, and the options of a test import.
//!
//! Test code only: compiled under `cfg(test)`.

use calcium_core::student::FormatVersion;
use jiff::civil::{Date, date};

use crate::row::{ModelDefaults, Nomenclatures, ParseOptions};

pub(crate) const TODAY: Date = date(2026, 11, 28);

/// A valid line of the current version: a known student, every check passing, no warning.
pub(crate) const VALID: [(&str, &str); 46] = [
    ("COD_ANU", "2026"),
    ("COD_NNE", "1234567890V"),
    ("COD_NNI", "295109912611193"),
    ("COD_ETU", "21901234"),
    ("NOM", "MARTIN"),
    ("NOMUSAGE", ""),
    ("PRENOM1", "Léa"),
    ("PRENOM2", ""),
    ("PRENOM3", ""),
    ("SEXE", "F"),
    ("DATENAI", "15/03/2004"),
    ("CODE_NATIO", "100"),
    ("SITUAFAM", "1"),
    ("CODEBRS", ""),
    ("CODEFINANC", ""),
    ("TEM_AFFL_SSO", "O"),
    ("CENTREPAYEUR", "601"),
    ("CODEMUT", ""),
    ("ADR1", "12 rue des Lilas"),
    ("ADR2", ""),
    ("ADR3", ""),
    ("COD_BDI", "21000"),
    ("COMMUNE", "DIJON"),
    ("PAYS", "100"),
    ("TELEPH", "0601020304"),
    ("MAIL", "lea.martin@example.org"),
    ("PCS", ""),
    ("ADR1FIX", ""),
    ("ADR2FIX", ""),
    ("ADR3FIX", ""),
    ("BDIFIX", ""),
    ("COMMUNEFIX", ""),
    ("PAYSFIX", ""),
    ("TELEPHFIX", ""),
    ("ETB", "0999001A"),
    ("CMP", "SCI"),
    ("CURSUS", "L"),
    ("ANNEE", "1"),
    ("DIPLOME", "LICENCE"),
    ("ETABLISSEMENT", ""),
    ("BAC", "S"),
    ("DATEBAC", "2022"),
    ("ETB_BAC", "0210012A"),
    ("DAA_ETB", "2022"),
    ("DAA_ENS_SUP", "2022"),
    ("IDENTIFIANT", "lmartin"),
];

/// The valid line of the current version, with some cells replaced.
pub(crate) fn line(overrides: &[(&str, &str)]) -> String {
    line_of(FormatVersion::CURRENT, overrides)
}

/// The valid line cut to `version`'s columns, with some cells replaced.
pub(crate) fn line_of(version: FormatVersion, overrides: &[(&str, &str)]) -> String {
    for (name, _) in overrides {
        assert!(VALID.iter().any(|(column, _)| column == name), "unknown column {name}");
    }
    VALID[..version.column_count()]
        .iter()
        .map(|&(name, value)| overrides.iter().rev().find(|(n, _)| *n == name).map_or(value, |&(_, v)| v))
        .collect::<Vec<_>>()
        .join(";")
}

/// Options of a test import: today is [`TODAY`], reference nomenclatures, no model defaults.
pub(crate) fn options() -> ParseOptions {
    ParseOptions { today: TODAY, defaults: ModelDefaults::default(), nomenclatures: Nomenclatures::reference() }
}

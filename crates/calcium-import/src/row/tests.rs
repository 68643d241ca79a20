//! Tests of the line checks: every §4.3 line-level message, the order of the checks, the model
//! defaults, the typed values and the warnings.

use calcium_core::student::{BirthDate, FormatVersion, Sexe, YearOrDate};
use jiff::civil::date;

use super::*;
use crate::test_support::{TODAY, line, line_of, options};

const LINE: usize = 12;

fn parse(text: &str) -> Result<ParsedRow, RowError> {
    parse_row(LINE, text, FormatVersion::CURRENT, &options())
}

/// The line is rejected with this kind, INE and message.
fn check(input: &str, expected: (RowErrorKind, Option<&str>, &str)) {
    let (kind, ine, message) = expected;
    let expected = RowError { line: LINE, ine: ine.map(str::to_owned), kind, message: message.to_owned() };
    assert_eq!(parse(input).map(|row| row.record), Err(expected), "{input}");
}

/// The line is accepted with exactly these warnings (kind, column, message).
fn check_warnings(input: &str, expected: &[(RowWarningKind, &str, &str)]) {
    let row = parse(input).unwrap_or_else(|error| panic!("{input}: {error}"));
    let actual: Vec<_> = row.warnings.iter().map(|w| (w.kind, w.column, w.message.as_str())).collect();
    assert_eq!(actual, expected, "{input}");
    assert!(row.warnings.iter().all(|w| w.line == LINE));
}

const INE: Option<&str> = Some("1234567890V");

#[test]
fn a_valid_line_gives_its_typed_record_without_warning() {
    let row = parse(&line(&[])).unwrap();
    assert_eq!(row.line, LINE);
    assert!(row.warnings.is_empty(), "{:?}", row.warnings);
    let record = row.record;
    assert_eq!(record.cod_anu, "2026");
    assert_eq!(record.cod_nne.as_ref().map(|ine| ine.as_str()), Some("1234567890V"));
    assert_eq!(record.cod_nni.as_ref().map(|nir| nir.as_str()), Some("295109912611193"));
    assert_eq!(record.nom, "MARTIN");
    assert_eq!(record.nomusage, None);
    assert_eq!(record.prenom1, "Léa");
    assert_eq!(record.sexe, Sexe::Feminin);
    assert_eq!(record.datenai, BirthDate::parse("15/03/2004", TODAY).unwrap());
    assert_eq!(record.tem_affl_sso, Some(true));
    assert_eq!(record.datebac, Some(2022));
    assert_eq!(record.daa_etb, Some(YearOrDate::Year(2022)));
    assert_eq!(record.identifiant.as_deref(), Some("lmartin"));
    assert_eq!((record.etb.as_str(), record.cmp.as_str()), ("0999001A", "SCI"));
}

#[test]
fn cells_are_trimmed_and_empty_optional_cells_are_none() {
    let record = parse(&line(&[("NOM", "  MARTIN "), ("MAIL", "   "), ("DAA_ETB", " 15/09/2022 ")])).unwrap().record;
    assert_eq!(record.nom, "MARTIN");
    assert_eq!(record.mail, None);
    assert_eq!(record.daa_etb, Some(YearOrDate::Date(date(2022, 9, 15))));
}

#[test]
fn older_versions_leave_their_missing_columns_empty() {
    let base = parse_row(LINE, &line_of(FormatVersion::Base, &[]), FormatVersion::Base, &options()).unwrap().record;
    assert_eq!((base.daa_etb, base.daa_ens_sup, base.identifiant), (None, None, None));
    let v120 = parse_row(LINE, &line_of(FormatVersion::V1_2_0, &[]), FormatVersion::V1_2_0, &options()).unwrap();
    assert_eq!(v120.record.daa_ens_sup, Some(YearOrDate::Year(2022)));
    assert_eq!(v120.record.identifiant, None);
}

#[test]
fn a_wrong_number_of_fields_is_field_count_against_the_header_version() {
    let short = line_of(FormatVersion::V1_2_0, &[]) + ";lmartin;extra;more";
    check(&short, (RowErrorKind::FieldCount, INE, "Nombre de colonnes incorrect à la ligne 12 : 48 au lieu de 46"));
    let names = line(&[]);
    let fields: Vec<&str> = names.split(';').collect();
    check(
        &fields[..44].join(";"),
        (RowErrorKind::FieldCount, INE, "Nombre de colonnes incorrect à la ligne 12 : 44 au lieu de 46"),
    );
    let base = parse_row(LINE, &line(&[]), FormatVersion::Base, &options()).unwrap_err();
    assert_eq!(base.message, "Nombre de colonnes incorrect à la ligne 12 : 46 au lieu de 43");
    check("garbage", (RowErrorKind::FieldCount, None, "Nombre de colonnes incorrect à la ligne 12 : 1 au lieu de 46"));
}

#[test]
fn each_empty_mandatory_column_is_missing_field_with_its_label() {
    let table = [
        ("COD_ANU", "Code année"),
        ("NOM", "Patronyme"),
        ("PRENOM1", "Prénom"),
        ("SEXE", "Genre"),
        ("DATENAI", "Date de naissance"),
        ("CODE_NATIO", "Nationalité"),
        ("ETB", "Etablissement"),
        ("CMP", "Composante"),
    ];
    for (column, label) in table {
        let message = format!("La donnée '{label}' est absente pour : ligne 12");
        check(&line(&[(column, " ")]), (RowErrorKind::MissingField, INE, &message));
    }
}

#[test]
fn the_first_missing_column_in_file_order_is_reported() {
    let input = line(&[("CMP", ""), ("PRENOM1", ""), ("NOM", "")]);
    check(&input, (RowErrorKind::MissingField, INE, "La donnée 'Patronyme' est absente pour : ligne 12"));
}

#[test]
fn a_missing_field_wins_over_an_invalid_one() {
    let input = line(&[("SEXE", "X"), ("NOM", "")]);
    check(&input, (RowErrorKind::MissingField, INE, "La donnée 'Patronyme' est absente pour : ligne 12"));
}

#[test]
fn model_defaults_fill_empty_etb_and_cmp_before_the_mandatory_check() {
    let mut chu = options();
    chu.defaults = ModelDefaults { etb: Some("0999001A".to_owned()), cmp: Some("MED".to_owned()) };
    let record = parse_row(LINE, &line(&[("ETB", ""), ("CMP", "")]), FormatVersion::CURRENT, &chu).unwrap().record;
    assert_eq!((record.etb.as_str(), record.cmp.as_str()), ("0999001A", "MED"));
    // A filled cell wins over the default.
    let record = parse_row(LINE, &line(&[("CMP", "LET")]), FormatVersion::CURRENT, &chu).unwrap().record;
    assert_eq!(record.cmp, "LET");
    // Without a default the empty cell is still missing.
    let etb_only =
        ParseOptions { defaults: ModelDefaults { etb: Some("0999001A".to_owned()), cmp: None }, ..options() };
    let error = parse_row(LINE, &line(&[("ETB", ""), ("CMP", "")]), FormatVersion::CURRENT, &etb_only).unwrap_err();
    assert_eq!(error.message, "La donnée 'Composante' est absente pour : ligne 12");
}

#[test]
fn checked_columns_with_a_bad_value_are_invalid_field() {
    let table = [
        ("SEXE", "X", "Valeur invalide pour SEXE à la ligne 12 : X"),
        ("SEXE", "m", "Valeur invalide pour SEXE à la ligne 12 : m"),
        ("TEM_AFFL_SSO", "Oui", "Valeur invalide pour TEM_AFFL_SSO à la ligne 12 : Oui"),
        ("COD_NNI", "29510991261119", "Valeur invalide pour COD_NNI à la ligne 12 : 29510991261119"),
        ("DATEBAC", "22", "Valeur invalide pour DATEBAC à la ligne 12 : 22"),
        ("DATEBAC", "1850", "Valeur invalide pour DATEBAC à la ligne 12 : 1850"),
        ("DAA_ETB", "09/2022", "Valeur invalide pour DAA_ETB à la ligne 12 : 09/2022"),
        ("DAA_ENS_SUP", "31/02/2022", "Valeur invalide pour DAA_ENS_SUP à la ligne 12 : 31/02/2022"),
    ];
    for (column, value, message) in table {
        check(&line(&[(column, value)]), (RowErrorKind::InvalidField, INE, message));
    }
}

#[test]
fn an_ine_of_the_wrong_shape_is_invalid_field_and_still_named_as_the_error_ine() {
    check(
        &line(&[("COD_NNE", " 12345ab ")]),
        (RowErrorKind::InvalidField, Some("12345ab"), "Valeur invalide pour COD_NNE à la ligne 12 : 12345ab"),
    );
}

#[test]
fn invalid_fields_are_checked_in_the_documented_order() {
    // SEXE before TEM_AFFL_SSO before COD_NNE before COD_NNI before DATEBAC before DAA_*.
    let all_bad = [("SEXE", "X"), ("TEM_AFFL_SSO", "?"), ("COD_NNI", "1"), ("DATEBAC", "x"), ("DAA_ETB", "x")];
    let expected = ["SEXE", "TEM_AFFL_SSO", "COD_NNI", "DATEBAC", "DAA_ETB"];
    for (skip, column) in expected.iter().enumerate() {
        let error = parse(&line(&all_bad[skip..])).unwrap_err();
        assert!(error.message.starts_with(&format!("Valeur invalide pour {column} ")), "{}", error.message);
    }
}

#[test]
fn an_unreadable_birth_date_names_the_ine_or_the_line() {
    let with_ine = "Date de naissance non lisible - dossier non traité pour l'INE suivant : 1234567890V";
    let without = "Date de naissance non lisible - dossier non traité pour la ligne 12";
    for bad in ["31/02/2004", "2004-03-15", "15/03/04", "29/11/2026", "31/12/1899"] {
        check(&line(&[("DATENAI", bad)]), (RowErrorKind::BirthDateUnreadable, INE, with_ine));
        check(&line(&[("DATENAI", bad), ("COD_NNE", "")]), (RowErrorKind::BirthDateUnreadable, None, without));
    }
    assert!(parse(&line(&[("DATENAI", "28/11/2026")])).is_ok());
}

#[test]
fn an_invalid_field_wins_over_an_unreadable_birth_date() {
    let error = parse(&line(&[("DATENAI", "xx"), ("SEXE", "X")])).unwrap_err();
    assert_eq!(error.kind, RowErrorKind::InvalidField);
}

#[test]
fn keys_that_do_not_verify_are_warnings_only() {
    check_warnings(
        &line(&[("COD_NNE", "1234567890A")]),
        &[(
            RowWarningKind::IneCheckCharacter,
            "COD_NNE",
            "Avertissement à la ligne 12 : le caractère de contrôle de l'INE 1234567890A (COD_NNE) n'est pas vérifié - ligne importée",
        )],
    );
    check_warnings(
        &line(&[("COD_NNI", "295109912611199")]),
        &[(
            RowWarningKind::NirKey,
            "COD_NNI",
            "Avertissement à la ligne 12 : la clé du numéro INSEE 295109912611199 (COD_NNI) n'est pas vérifiée - ligne importée",
        )],
    );
    // INE kinds whose key rule is not public are not guessed at.
    check_warnings(&line(&[("COD_NNE", "0DDG5R00015")]), &[]);
}

#[test]
fn long_addresses_are_kept_with_a_warning() {
    let long = "x".repeat(51);
    let accented = "é".repeat(50);
    let row = parse(&line(&[("ADR1", &long), ("ADR3FIX", &accented)])).unwrap();
    assert_eq!(row.record.adr1.as_deref(), Some(long.as_str()));
    check_warnings(
        &line(&[("ADR1", &long), ("ADR3FIX", &accented), ("ADR2FIX", &long)]),
        &[
            (
                RowWarningKind::TooLong,
                "ADR1",
                "Avertissement à la ligne 12 : ADR1 dépasse 50 caractères (51 caractères) - valeur conservée",
            ),
            (
                RowWarningKind::TooLong,
                "ADR2FIX",
                "Avertissement à la ligne 12 : ADR2FIX dépasse 50 caractères (51 caractères) - valeur conservée",
            ),
        ],
    );
}

#[test]
fn codes_absent_from_the_nomenclatures_are_warnings_naming_line_column_code_and_nomenclature() {
    check_warnings(
        &line(&[("CODE_NATIO", "999"), ("PAYS", "998"), ("PAYSFIX", "997")]),
        &[
            (
                RowWarningKind::UnknownCode,
                "CODE_NATIO",
                "Avertissement à la ligne 12 : le code 999 de CODE_NATIO est absent de la nomenclature PAYS - ligne importée",
            ),
            (
                RowWarningKind::UnknownCode,
                "PAYS",
                "Avertissement à la ligne 12 : le code 998 de PAYS est absent de la nomenclature PAYS - ligne importée",
            ),
            (
                RowWarningKind::UnknownCode,
                "PAYSFIX",
                "Avertissement à la ligne 12 : le code 997 de PAYSFIX est absent de la nomenclature PAYS - ligne importée",
            ),
        ],
    );
    check_warnings(
        &line(&[("ETB", "0000000Z")]),
        &[(
            RowWarningKind::UnknownCode,
            "ETB",
            "Avertissement à la ligne 12 : le code 0000000Z de ETB est absent de la nomenclature ETABLISSEMENT - ligne importée",
        )],
    );
    check_warnings(
        &line(&[("CMP", "AGR")]),
        &[(
            RowWarningKind::UnknownCode,
            "CMP",
            "Avertissement à la ligne 12 : le code AGR de CMP est absent de la nomenclature ETABLISSEMENT (sous niveau) de l'établissement 0999001A - ligne importée",
        )],
    );
}

#[test]
fn nomenclatures_not_loaded_are_not_checked() {
    let unchecked = ParseOptions { nomenclatures: Nomenclatures::default(), ..options() };
    let row = parse_row(
        LINE,
        &line(&[("CODE_NATIO", "999"), ("ETB", "X"), ("CMP", "Y")]),
        FormatVersion::CURRENT,
        &unchecked,
    );
    assert_eq!(row.unwrap().warnings, []);
}

#[test]
fn warning_and_error_kinds_have_their_spec_names() {
    let kinds = [
        (RowErrorKind::FieldCount, "FIELD_COUNT"),
        (RowErrorKind::MissingField, "MISSING_FIELD"),
        (RowErrorKind::InvalidField, "INVALID_FIELD"),
        (RowErrorKind::BirthDateUnreadable, "BIRTH_DATE_UNREADABLE"),
        (RowErrorKind::DuplicateInFile, "DUPLICATE_IN_FILE"),
        (RowErrorKind::MultipleIne, "MULTIPLE_INE"),
        (RowErrorKind::SecondaryKeysMismatch, "SECONDARY_KEYS_MISMATCH"),
        (RowErrorKind::PotentialDuplicates, "POTENTIAL_DUPLICATES"),
        (RowErrorKind::ModelLinkError, "MODEL_LINK_ERROR"),
    ];
    for (kind, name) in kinds {
        assert_eq!(kind.as_str(), name);
        assert_eq!(kind.to_string(), name);
    }
    assert_eq!(RowWarningKind::TooLong.as_str(), "FIELD_TOO_LONG");
}

#[test]
fn a_model_link_error_names_the_ine_and_the_cause() {
    let error = RowError::model_link(12, Some("1234567890A"), "clé étrangère absente");
    assert_eq!(error.kind, RowErrorKind::ModelLinkError);
    assert_eq!(error.ine.as_deref(), Some("1234567890A"));
    assert_eq!(
        error.to_string(),
        "Erreur lors de la mise à jour (modele importation) de : 1234567890A => clé étrangère absente"
    );
    assert_eq!(
        RowError::model_link(12, None, "x").message,
        "Erreur lors de la mise à jour (modele importation) de : ligne 12 => x"
    );
}

#[test]
fn a_nul_character_in_any_cell_refuses_the_line_and_shows_where() {
    check(
        &line(&[("ADR1", "1 rue\0 de la Paix")]),
        (RowErrorKind::InvalidField, INE, "Valeur invalide pour ADR1 à la ligne 12 : 1 rue\u{FFFD} de la Paix"),
    );
    check(
        &line(&[("NOM", "\0")]),
        (RowErrorKind::InvalidField, INE, "Valeur invalide pour NOM à la ligne 12 : \u{FFFD}"),
    );
}

//! Every French text of the import, in one place (SPEC §4.2–4.3), so that the log files, the
//! error log, the JSON report and the web page all say exactly the same words.
//!
//! These functions only build strings: they decide nothing, and no other module of this crate
//! writes a French sentence of its own.

use std::fmt;

/// Who a line-level message is about: the student's INE when the line gave one, else the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    Ine(&'a str),
    Line(usize),
}

impl<'a> Subject<'a> {
    /// The INE when present (non-empty), else the line number.
    pub fn of(ine: Option<&'a str>, line: usize) -> Subject<'a> {
        match ine {
            Some(ine) if !ine.is_empty() => Subject::Ine(ine),
            _ => Subject::Line(line),
        }
    }

    /// `pour l'INE suivant : 1234567890A` or `pour la ligne 12`.
    fn pour(self) -> String {
        match self {
            Subject::Ine(ine) => format!("pour l'INE suivant : {ine}"),
            Subject::Line(line) => format!("pour la ligne {line}"),
        }
    }
}

/// The bare form, `1234567890A` or `ligne 12`, used after `de :`.
impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Ine(ine) => f.write_str(ine),
            Subject::Line(line) => write!(f, "ligne {line}"),
        }
    }
}

// ---- File-level errors (SPEC §4.2) -------------------------------------------------------

const COHERENCE: &str = "Erreur de cohérence dans le fichier d'import";

/// FILE_NOT_FOUND: `Fichier d'import introuvable ! (chemin : /import/calcium.csv)`.
pub fn file_not_found(path: &str) -> String {
    format!("Fichier d'import introuvable ! (chemin : {path})")
}

/// HEADER_COLUMN_COUNT: the current version's count is the one asked for, whatever was found.
/// French puts 0 and 1 in the singular (`0 trouvée`, `1 trouvée`).
pub fn header_column_count(found: usize) -> String {
    let expected = calcium_core::student::FormatVersion::CURRENT.column_count();
    let plural = if found > 1 { "s" } else { "" };
    format!("{COHERENCE} : le fichier d'import doit contenir {expected} colonnes ({found} trouvée{plural})")
}

/// HEADER_COLUMN_NAME: `… : colonne 5 doit être égale à NOM` (1-based position).
pub fn header_column_name(position: usize, expected: &str) -> String {
    format!("{COHERENCE} : colonne {position} doit être égale à {expected}")
}

// ---- Line-level errors (SPEC §4.3) -------------------------------------------------------

/// FIELD_COUNT: `Nombre de colonnes incorrect à la ligne 12 : 44 au lieu de 46`.
pub fn field_count(line: usize, found: usize, expected: usize) -> String {
    format!("Nombre de colonnes incorrect à la ligne {line} : {found} au lieu de {expected}")
}

/// MISSING_FIELD: `La donnée 'Patronyme' est absente pour : ligne 12`.
pub fn missing_field(label: &str, line: usize) -> String {
    format!("La donnée '{label}' est absente pour : ligne {line}")
}

/// INVALID_FIELD: `Valeur invalide pour SEXE à la ligne 12 : X`.
pub fn invalid_field(column: &str, line: usize, value: &str) -> String {
    format!("Valeur invalide pour {column} à la ligne {line} : {value}")
}

/// BIRTH_DATE_UNREADABLE.
pub fn birth_date_unreadable(subject: Subject<'_>) -> String {
    format!("Date de naissance non lisible - dossier non traité {}", subject.pour())
}

/// DUPLICATE_IN_FILE: `INE … présent plusieurs fois dans le fichier (lignes 3 et 12) - ligne 12 non traitée`.
pub fn duplicate_in_file(ine: &str, first_line: usize, line: usize) -> String {
    format!(
        "INE {ine} présent plusieurs fois dans le fichier (lignes {first_line} et {line}) - ligne {line} non traitée"
    )
}

/// MULTIPLE_INE: `Multiple code INE présent en base pour 1234567890A`.
pub fn multiple_ine(ine: &str) -> String {
    format!("Multiple code INE présent en base pour {ine}")
}

/// SECONDARY_KEYS_MISMATCH.
pub fn secondary_keys_mismatch(subject: Subject<'_>) -> String {
    format!(
        "Les clés secondaires (Patronyme, Prenom, DateNaiss et Nationalite) ne correspondent pas - dossier non traité {}",
        subject.pour()
    )
}

/// POTENTIAL_DUPLICATES.
pub fn potential_duplicates(subject: Subject<'_>) -> String {
    format!(
        "Doublons potentiels car plusieurs réponses selon les clés secondaires - dossier non traité {}",
        subject.pour()
    )
}

/// MODEL_LINK_ERROR: `Erreur lors de la mise à jour (modele importation) de : 1234567890A => cause`.
pub fn model_link_error(subject: Subject<'_>, cause: &str) -> String {
    format!("Erreur lors de la mise à jour (modele importation) de : {subject} => {cause}")
}

// ---- Warnings (the line is kept) ---------------------------------------------------------

/// The INE's check character does not verify (INE-BEA rule).
pub fn ine_check_character(line: usize, ine: &str) -> String {
    format!(
        "Avertissement à la ligne {line} : le caractère de contrôle de l'INE {ine} (COD_NNE) n'est pas vérifié - ligne importée"
    )
}

/// The NIR's 2-digit key does not verify.
pub fn nir_key(line: usize, nir: &str) -> String {
    format!(
        "Avertissement à la ligne {line} : la clé du numéro INSEE {nir} (COD_NNI) n'est pas vérifiée - ligne importée"
    )
}

/// An address field longer than the 50 characters Calcium expects; the value is kept whole.
pub fn too_long(line: usize, column: &str, length: usize, max: usize) -> String {
    format!(
        "Avertissement à la ligne {line} : {column} dépasse {max} caractères ({length} caractères) - valeur conservée"
    )
}

/// A code absent from a nomenclature (PAYS, ETABLISSEMENT).
pub fn unknown_code(line: usize, column: &str, code: &str, nomenclature: &str) -> String {
    format!(
        "Avertissement à la ligne {line} : le code {code} de {column} est absent de la nomenclature {nomenclature} - ligne importée"
    )
}

/// A CMP that is not one of the ETB's composantes.
pub fn unknown_composante(line: usize, cmp: &str, etb: &str) -> String {
    format!(
        "Avertissement à la ligne {line} : le code {cmp} de CMP est absent de la nomenclature ETABLISSEMENT (sous niveau) de l'établissement {etb} - ligne importée"
    )
}

// ---- Encoding (SPEC §4.1) ----------------------------------------------------------------

/// The expected encoding, as the log names it.
/// The last line of the logs of an import that stopped before its end.
pub fn import_stopped(cause: &dyn std::fmt::Display) -> String {
    format!("Import interrompu ({cause}) : aucune modification de ce fichier n'a été enregistrée en base.")
}

pub const ENCODING_WINDOWS_1252: &str = "ISO-8859-1 (lu comme Windows-1252)";
pub const ENCODING_UTF8: &str = "UTF-8";
pub const ENCODING_UTF8_BOM: &str = "UTF-8 (avec BOM)";

/// The log line naming the encoding used.
pub fn encoding_used(label: &str) -> String {
    format!("Encodage du fichier : {label}")
}

/// The seed warns that a UTF-8 file is a frequent mistake: the log says it was read as such.
pub fn encoding_not_iso(label: &str) -> String {
    format!(
        "Attention : le fichier d'import est encodé en {label} et non en ISO-8859-1 comme attendu ; il a été lu en UTF-8. Vérifiez l'encodage du fichier."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(actual: String, expected: &str) {
        assert_eq!(actual, expected);
    }

    #[test]
    fn file_level_messages_are_the_spec_sentences() {
        check(file_not_found("/import/calcium.csv"), "Fichier d'import introuvable ! (chemin : /import/calcium.csv)");
        check(
            header_column_count(44),
            "Erreur de cohérence dans le fichier d'import : le fichier d'import doit contenir 46 colonnes (44 trouvées)",
        );
        check(
            header_column_count(1),
            "Erreur de cohérence dans le fichier d'import : le fichier d'import doit contenir 46 colonnes (1 trouvée)",
        );
        check(
            header_column_name(5, "NOM"),
            "Erreur de cohérence dans le fichier d'import : colonne 5 doit être égale à NOM",
        );
    }

    #[test]
    fn line_level_messages_are_the_spec_sentences() {
        let ine = Subject::Ine("1234567890A");
        let line = Subject::Line(12);
        let table = [
            (field_count(12, 44, 46), "Nombre de colonnes incorrect à la ligne 12 : 44 au lieu de 46"),
            (missing_field("Patronyme", 12), "La donnée 'Patronyme' est absente pour : ligne 12"),
            (invalid_field("SEXE", 12, "X"), "Valeur invalide pour SEXE à la ligne 12 : X"),
            (
                birth_date_unreadable(ine),
                "Date de naissance non lisible - dossier non traité pour l'INE suivant : 1234567890A",
            ),
            (birth_date_unreadable(line), "Date de naissance non lisible - dossier non traité pour la ligne 12"),
            (
                duplicate_in_file("1234567890A", 3, 12),
                "INE 1234567890A présent plusieurs fois dans le fichier (lignes 3 et 12) - ligne 12 non traitée",
            ),
            (multiple_ine("1234567890A"), "Multiple code INE présent en base pour 1234567890A"),
            (
                secondary_keys_mismatch(ine),
                "Les clés secondaires (Patronyme, Prenom, DateNaiss et Nationalite) ne correspondent pas - dossier non traité pour l'INE suivant : 1234567890A",
            ),
            (
                potential_duplicates(ine),
                "Doublons potentiels car plusieurs réponses selon les clés secondaires - dossier non traité pour l'INE suivant : 1234567890A",
            ),
            (
                potential_duplicates(line),
                "Doublons potentiels car plusieurs réponses selon les clés secondaires - dossier non traité pour la ligne 12",
            ),
            (
                model_link_error(ine, "contrainte violée"),
                "Erreur lors de la mise à jour (modele importation) de : 1234567890A => contrainte violée",
            ),
            (
                model_link_error(line, "contrainte violée"),
                "Erreur lors de la mise à jour (modele importation) de : ligne 12 => contrainte violée",
            ),
        ];
        for (actual, expected) in table {
            check(actual, expected);
        }
    }

    #[test]
    fn a_subject_is_the_ine_when_given_and_the_line_otherwise() {
        assert_eq!(Subject::of(Some("1234567890A"), 3), Subject::Ine("1234567890A"));
        assert_eq!(Subject::of(Some(""), 3), Subject::Line(3));
        assert_eq!(Subject::of(None, 3), Subject::Line(3));
    }
}

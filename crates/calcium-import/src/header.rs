//! The header line and the file-level errors (SPEC §4.1–4.2): a file whose header is not one of
//! the three known versions, name for name and in order, is refused as a whole.
//!
//! This module must not look at data lines, nor at the file system: `FileNotFound` is built by
//! the caller that failed to open the file, it only lives here so all file errors share a type.

use std::fmt;

use calcium_core::student::FormatVersion;

use crate::messages;

/// Why a file is refused as a whole (nothing is imported, the execution ends in ERROR).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// FILE_NOT_FOUND, with the path looked at.
    NotFound(String),
    /// No header at all (empty or blank file); reported as HEADER_COLUMN_COUNT with 0 found.
    Empty,
    /// HEADER_COLUMN_COUNT: the header has a count that is none of the known versions'.
    HeaderColumnCount { found: usize },
    /// HEADER_COLUMN_NAME: first mismatch, 1-based position, with the name expected there.
    HeaderColumnName { position: usize, expected: &'static str },
}

impl FileError {
    /// The SPEC kind: `FILE_NOT_FOUND`, `HEADER_COLUMN_COUNT` or `HEADER_COLUMN_NAME`.
    pub fn kind(&self) -> &'static str {
        match self {
            FileError::NotFound(_) => "FILE_NOT_FOUND",
            FileError::Empty | FileError::HeaderColumnCount { .. } => "HEADER_COLUMN_COUNT",
            FileError::HeaderColumnName { .. } => "HEADER_COLUMN_NAME",
        }
    }
}

// Written by hand rather than with `#[error]` so that the texts come from `messages` only.
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            FileError::NotFound(path) => messages::file_not_found(path),
            FileError::Empty => messages::header_column_count(0),
            FileError::HeaderColumnCount { found } => messages::header_column_count(*found),
            FileError::HeaderColumnName { position, expected } => messages::header_column_name(*position, expected),
        };
        f.write_str(&message)
    }
}

/// Checks a decoded header line and tells its format version. Surrounding spaces of each name
/// are forgiven (spreadsheets add them); case and order are not.
pub fn check_header(text: &str) -> Result<FormatVersion, FileError> {
    let found = text.split(';').count();
    let version = FormatVersion::ALL
        .into_iter()
        .find(|version| version.column_count() == found)
        .ok_or(FileError::HeaderColumnCount { found })?;
    let expected_names = version.column_names();
    for (index, (name, expected)) in text.split(';').zip(expected_names).enumerate() {
        if name.trim() != *expected {
            return Err(FileError::HeaderColumnName { position: index + 1, expected });
        }
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<FormatVersion, FileError>) {
        assert_eq!(check_header(input), expected, "{input}");
    }

    fn header(version: FormatVersion) -> String {
        version.header_line()
    }

    #[test]
    fn the_three_versions_are_recognised() {
        check(&header(FormatVersion::Base), Ok(FormatVersion::Base));
        check(&header(FormatVersion::V1_2_0), Ok(FormatVersion::V1_2_0));
        check(&header(FormatVersion::V1_2_1), Ok(FormatVersion::V1_2_1));
    }

    #[test]
    fn spaces_around_names_are_forgiven() {
        let spaced = header(FormatVersion::CURRENT).replace(';', " ; ");
        check(&format!(" {spaced} "), Ok(FormatVersion::CURRENT));
    }

    #[test]
    fn a_count_of_no_known_version_is_refused_with_the_count_found() {
        let names = FormatVersion::CURRENT.column_names();
        check(&names[..44].join(";"), Err(FileError::HeaderColumnCount { found: 44 }));
        check(&format!("{};", header(FormatVersion::CURRENT)), Err(FileError::HeaderColumnCount { found: 47 }));
        check("", Err(FileError::HeaderColumnCount { found: 1 }));
    }

    #[test]
    fn the_first_wrong_name_is_reported_by_its_1_based_position() {
        let swapped = header(FormatVersion::CURRENT).replacen("NOM;", "NAME;", 1);
        check(&swapped, Err(FileError::HeaderColumnName { position: 5, expected: "NOM" }));
        let lowercase = header(FormatVersion::Base).replacen("COD_ANU", "cod_anu", 1);
        check(&lowercase, Err(FileError::HeaderColumnName { position: 1, expected: "COD_ANU" }));
        let last = header(FormatVersion::CURRENT).replacen("IDENTIFIANT", "IDENT", 1);
        check(&last, Err(FileError::HeaderColumnName { position: 46, expected: "IDENTIFIANT" }));
    }

    #[test]
    fn file_errors_show_the_spec_messages_and_kinds() {
        let table = [
            (
                FileError::NotFound("/import/calcium.csv".to_owned()),
                "FILE_NOT_FOUND",
                "Fichier d'import introuvable ! (chemin : /import/calcium.csv)",
            ),
            (
                FileError::HeaderColumnCount { found: 44 },
                "HEADER_COLUMN_COUNT",
                "Erreur de cohérence dans le fichier d'import : le fichier d'import doit contenir 46 colonnes (44 trouvées)",
            ),
            (
                FileError::Empty,
                "HEADER_COLUMN_COUNT",
                "Erreur de cohérence dans le fichier d'import : le fichier d'import doit contenir 46 colonnes (0 trouvée)",
            ),
            (
                FileError::HeaderColumnName { position: 5, expected: "NOM" },
                "HEADER_COLUMN_NAME",
                "Erreur de cohérence dans le fichier d'import : colonne 5 doit être égale à NOM",
            ),
        ];
        for (error, kind, message) in table {
            assert_eq!(error.kind(), kind);
            assert_eq!(error.to_string(), message);
        }
    }
}

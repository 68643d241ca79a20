//! What judging a line produces: an accepted row with its warnings, or a rejection with its
//! SPEC kind and French message (the same types serve the matching step and the apply step).
//!
//! Data only: the messages are built by `messages`, the decisions by `row` and `plan`.

use std::fmt;

use calcium_core::normalize::{KeyDigest, SecondaryKey};
use calcium_core::student::{Fingerprint, Ine, StudentRecord};

use crate::messages::{self, Subject};

/// An accepted line as matching reads it: its typed values, borrowed from wherever they are
/// held (the line being parsed, a slice of the file, or a [`ParsedRow`]), with the digests
/// computed once when the line was parsed, so that matching and planning only compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    /// 1-based line number in the file.
    pub line: usize,
    pub record: StudentRecord<&'a str>,
    /// The record's fingerprint, to recognise a line equal to the stored student.
    pub fingerprint: Fingerprint,
    /// The digest of the record's normalised secondary keys.
    pub key: KeyDigest,
}

impl<'a> Row<'a> {
    /// Computes the digests of a record.
    pub fn new(line: usize, record: StudentRecord<&'a str>) -> Row<'a> {
        let fingerprint = Fingerprint::of(&record);
        let key = KeyDigest::of(record.nom, record.prenom1, record.datenai, record.code_natio);
        Row { line, record, fingerprint, key }
    }

    /// The normalised secondary keys themselves, for the look-ups that send them to the base.
    pub fn secondary_key(&self) -> SecondaryKey {
        self.record.secondary_key()
    }

    pub fn keys(&self) -> RowKeys {
        RowKeys { line: self.line, ine: self.record.cod_nne, fingerprint: self.fingerprint, key: self.key }
    }
}

/// What the look-ups need of an accepted line: a few bytes, where a [`Row`] is a whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowKeys {
    pub line: usize,
    pub ine: Option<Ine>,
    pub fingerprint: Fingerprint,
    /// The digest of the record's normalised secondary keys.
    pub key: KeyDigest,
}

/// What judging an accepted line gives: the row, borrowing from the line, and its warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine<'a> {
    pub row: Row<'a>,
    pub warnings: Vec<RowWarning>,
}

/// An accepted line that owns its values: a whole file parsed at once, and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// 1-based line number in the file.
    pub line: usize,
    pub record: StudentRecord,
    pub warnings: Vec<RowWarning>,
    pub fingerprint: Fingerprint,
    pub key: KeyDigest,
}

impl ParsedRow {
    pub fn as_row(&self) -> Row<'_> {
        Row { line: self.line, record: self.record.as_view(), fingerprint: self.fingerprint, key: self.key }
    }
}

impl From<ParsedLine<'_>> for ParsedRow {
    fn from(parsed: ParsedLine<'_>) -> ParsedRow {
        let ParsedLine { row, warnings } = parsed;
        ParsedRow {
            line: row.line,
            record: row.record.to_owned_record(),
            warnings,
            fingerprint: row.fingerprint,
            key: row.key,
        }
    }
}

/// The line-level error kinds of SPEC §4.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowErrorKind {
    FieldCount,
    MissingField,
    InvalidField,
    BirthDateUnreadable,
    DuplicateInFile,
    MultipleIne,
    SecondaryKeysMismatch,
    PotentialDuplicates,
    /// Raised by the apply step (linking the student to the import model), never by this crate.
    ModelLinkError,
}

impl RowErrorKind {
    /// The SPEC kind, as the JSON report names it.
    pub fn as_str(self) -> &'static str {
        match self {
            RowErrorKind::FieldCount => "FIELD_COUNT",
            RowErrorKind::MissingField => "MISSING_FIELD",
            RowErrorKind::InvalidField => "INVALID_FIELD",
            RowErrorKind::BirthDateUnreadable => "BIRTH_DATE_UNREADABLE",
            RowErrorKind::DuplicateInFile => "DUPLICATE_IN_FILE",
            RowErrorKind::MultipleIne => "MULTIPLE_INE",
            RowErrorKind::SecondaryKeysMismatch => "SECONDARY_KEYS_MISMATCH",
            RowErrorKind::PotentialDuplicates => "POTENTIAL_DUPLICATES",
            RowErrorKind::ModelLinkError => "MODEL_LINK_ERROR",
        }
    }
}

impl fmt::Display for RowErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected line: the rest of the file goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RowError {
    /// 1-based line number in the file.
    pub line: usize,
    /// The COD_NNE cell as written (trimmed), when not empty, even if it is not a valid INE.
    pub ine: Option<String>,
    pub kind: RowErrorKind,
    /// The French message of SPEC §4.3.
    pub message: String,
}

impl RowError {
    /// MODEL_LINK_ERROR, for the apply step: linking the student to the import model failed.
    pub fn model_link(line: usize, ine: Option<&str>, cause: &str) -> RowError {
        RowError {
            line,
            ine: ine.filter(|ine| !ine.is_empty()).map(str::to_owned),
            kind: RowErrorKind::ModelLinkError,
            message: messages::model_link_error(Subject::of(ine, line), cause),
        }
    }
}

/// Kinds of warnings: the line is kept, the log says what looks wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowWarningKind {
    /// The INE's check character does not verify.
    IneCheckCharacter,
    /// The NIR's key does not verify.
    NirKey,
    /// An address field is longer than 50 characters.
    TooLong,
    /// A code is absent from its nomenclature (PAYS, ETABLISSEMENT, its composantes).
    UnknownCode,
}

impl RowWarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowWarningKind::IneCheckCharacter => "INE_CHECK_CHARACTER",
            RowWarningKind::NirKey => "NIR_KEY",
            RowWarningKind::TooLong => "FIELD_TOO_LONG",
            RowWarningKind::UnknownCode => "UNKNOWN_CODE",
        }
    }
}

impl fmt::Display for RowWarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A warning about one cell of an accepted line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWarning {
    pub line: usize,
    pub kind: RowWarningKind,
    /// The header name of the cell, e.g. `ADR1`.
    pub column: &'static str,
    /// The French message for the log.
    pub message: String,
}

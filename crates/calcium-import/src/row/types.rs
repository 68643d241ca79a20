//! What judging a line produces: an accepted row with its warnings, or a rejection with its
//! SPEC kind and French message (the same types serve the matching step and the apply step).
//!
//! Data only: the messages are built by `messages`, the decisions by `row` and `plan`.

use std::fmt;

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{Fingerprint, StudentRecord};

use crate::messages::{self, Subject};

/// An accepted line: its typed values and what was worth a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// 1-based line number in the file.
    pub line: usize,
    pub record: StudentRecord,
    pub warnings: Vec<RowWarning>,
    /// The record's fingerprint, to recognise a line equal to the stored student.
    pub fingerprint: Fingerprint,
    /// The record's normalised secondary keys.
    pub key: SecondaryKey,
}

impl ParsedRow {
    /// Computes the fingerprint and the keys once, on the reader's thread: matching and
    /// planning then only compare them.
    pub fn new(line: usize, record: StudentRecord, warnings: Vec<RowWarning>) -> ParsedRow {
        ParsedRow { line, fingerprint: Fingerprint::of(&record), key: record.secondary_key(), record, warnings }
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

//! The pure part of the student file import (SPEC §4): from the file's bytes to a plan of what
//! to create, update, leave unchanged or reject, with the exact French messages.
//!
//! Everything up to the plan is pure (no IO, no async, no database). [`run`] is the one
//! module that does IO: it reads the file, looks the file's INEs and secondary keys up in the
//! base in bulk, applies the plan in one transaction and writes the three log files. Pipeline: [`decode`] → [`header`] → [`row`] (one line alone) → [`plan`] (lines
//! against the base and each other); [`parse_file`] chains the first three.

pub mod decode;
mod file;
pub mod header;
pub mod messages;
pub mod plan;
pub mod row;
pub mod run;
#[cfg(test)]
mod test_support;

pub use decode::{Encoding, LineEnding};
pub use file::{FileReader, OpenError, ParsedFile, RejectedLine, Slice, parse_file};
pub use header::{FileError, check_header};
pub use plan::{
    Action, Candidate, Existing, InBase, KnownInes, Planned, Planner, ines_of, ines_to_look_up, keys_to_look_up, plan,
    records_needed, secondary_keys_of,
};
pub use row::{
    ModelDefaults, Nomenclatures, ParseOptions, ParsedLine, ParsedRow, Row, RowError, RowErrorKind, RowKeys,
    RowWarning, RowWarningKind, parse_line, parse_row,
};
pub use run::{ImportError, ImportOptions, ImportReport, Progress, run_import};

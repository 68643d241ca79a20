//! Students as the registry import knows them: the 46 columns of the Apogée file (SPEC §4.1),
//! the identifiers and values they hold, and the normalised secondary keys used for matching.

mod batch;
mod columns;
mod fingerprint;
mod identifiers;
mod record;
mod values;

pub use batch::{RecordBatch, TextSpan};
pub use columns::{Column, FormatVersion};
pub use fingerprint::Fingerprint;
pub use identifiers::{IdentifierError, Ine, Nir};
pub use record::{MandatoryValues, Student, StudentId, StudentRecord};
pub use values::{BirthDate, BirthDateError, Sexe, ValueError, YearOrDate, parse_year};

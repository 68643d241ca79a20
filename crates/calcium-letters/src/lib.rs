//! The letters of the relances (REL_COU, REL_CRA) and the listings of letters (LIS_REL,
//! LIS_RAP): editable templates ([`template`]), French print typography ([`typography`]), the
//! bundled typeface ([`font`]), page layout ([`layout`]), the PDF ([`pdf`]), and the CSV
//! listing ([`listing`]).
//!
//! It turns values into bytes and knows nothing of the base, the batches or the file system
//! beyond reading the templates: the jobs decide what to print, where to write it and what to
//! record.

pub mod font;
pub mod layout;
pub mod letter;
pub mod listing;
pub mod pdf;
pub mod template;
pub mod typography;

pub use font::Fonts;
pub use layout::{LaidOutLetter, LetterContent, lay_out};
pub use letter::{LetterData, LetterMail, MISSING_ADDRESS, compose, compose_mail};
pub use listing::{HEADER, Listing, Substitutions};
pub use pdf::{LetterPdf, PdfError};
pub use template::{Field, Origin, TemplateError, Templates};

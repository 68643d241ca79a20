//! The report of an import: the counts, the errors and the files, with the JSON shape of
//! SPEC §5 (`calcium import --json`).

use serde::Serialize;

use crate::{Encoding, FileError, RowError};

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// FINISH, or ERROR when the file was refused as a whole.
    pub status: &'static str,
    pub model: String,
    /// `iso-8859-1`, `utf-8` or `utf-8-bom`; `null` when the file could not be read.
    pub encoding: Option<&'static str>,
    pub lines_read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub warnings: usize,
    pub errors: Vec<ReportError>,
    pub files: ReportFiles,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportError {
    /// 1-based line in the file (header = 1); `null` for a file that could not be read.
    pub line: Option<usize>,
    pub ine: Option<String>,
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportFiles {
    pub log: Option<String>,
    pub error_log: Option<String>,
    pub error_csv: Option<String>,
}

impl ImportReport {
    pub(crate) fn new(model: &str, encoding: Encoding, lines_read: usize) -> ImportReport {
        ImportReport {
            status: "ERROR",
            model: model.to_owned(),
            encoding: Some(encoding.code()),
            lines_read,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            warnings: 0,
            errors: Vec::new(),
            files: ReportFiles::default(),
        }
    }

    pub(crate) fn refused(model: &str, refusal: &FileError) -> ImportReport {
        let line = match refusal {
            FileError::NotFound(_) => None,
            _ => Some(1),
        };
        ImportReport {
            status: "ERROR",
            model: model.to_owned(),
            encoding: None,
            lines_read: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            warnings: 0,
            errors: vec![ReportError { line, ine: None, kind: refusal.kind(), message: refusal.to_string() }],
            files: ReportFiles::default(),
        }
    }

    pub(crate) fn reject(&mut self, error: &RowError) {
        self.rejected += 1;
        self.errors.push(ReportError {
            line: Some(error.line),
            ine: error.ine.clone(),
            kind: error.kind.as_str(),
            message: error.message.clone(),
        });
    }

    /// Whether the file was refused as a whole (the CLI exits 2).
    pub fn refused_as_a_whole(&self) -> bool {
        self.status != "FINISH"
    }

    /// The counts as the execution summary keeps them.
    pub fn counts(&self) -> [(&'static str, usize); 6] {
        [
            ("lignes lues", self.lines_read),
            ("créés", self.created),
            ("mis à jour", self.updated),
            ("inchangés", self.unchanged),
            ("rejetés", self.rejected),
            ("avertissements", self.warnings),
        ]
    }
}

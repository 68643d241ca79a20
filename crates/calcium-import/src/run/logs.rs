//! The three log files of an import (SPEC §4.6): `log_XXX.txt` (every operation, the
//! encoding, the model, the warnings and the counts), `erreurLogs_XXX.txt` (the errors only)
//! and `erreurFile_XXX.csv` (the header and the rejected lines, byte for byte). The last two
//! exist only when there is something to put in them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use calcium_core::student::FormatVersion;
use calcium_core::student::{StudentId, StudentRecord};

use super::capitalised;
use super::report::{ImportReport, ReportFiles};
use crate::{Encoding, FileError, RowError};

/// What happened to one line.
#[derive(Debug)]
pub(super) enum Operation<'a> {
    Created(&'a StudentRecord),
    Updated(StudentId, &'a StudentRecord),
    Unchanged(StudentId),
    Rejected(&'a RowError),
}

#[derive(Debug)]
pub(super) struct ImportLogs {
    dir: PathBuf,
    stamp: String,
    log: String,
    errors: String,
    dry_run: bool,
}

impl ImportLogs {
    pub(super) fn new(dir: &Path, stamp: &str, file: &Path, model: &str, dry_run: bool) -> ImportLogs {
        let mut log = String::new();
        let _ = writeln!(log, "Import du fichier {} avec le modèle {model}", file.display());
        if dry_run {
            let _ = writeln!(log, "Essai (--dry-run) : rien ne sera enregistré en base");
        }
        ImportLogs { dir: dir.to_path_buf(), stamp: stamp.to_owned(), log, errors: String::new(), dry_run }
    }

    pub(super) fn opened(&mut self, encoding: Encoding, version: FormatVersion) {
        let _ = writeln!(self.log, "Encodage : {}", encoding.label());
        if let Some(warning) = encoding.warning() {
            let _ = writeln!(self.log, "{warning}");
        }
        let _ = writeln!(self.log, "Format : version {} ({} colonnes)", version.label(), version.column_count());
    }

    pub(super) fn refused(&mut self, refusal: &FileError) {
        let _ = writeln!(self.log, "{refusal}");
        let _ = writeln!(self.log, "Aucun étudiant importé.");
        let _ = writeln!(self.errors, "{refusal}");
    }

    pub(super) fn warning(&mut self, message: &str) {
        let _ = writeln!(self.log, "{message}");
    }

    pub(super) fn operation(&mut self, line: usize, operation: &Operation<'_>) {
        let who = |r: &StudentRecord| {
            let ine = r.cod_nne.as_ref().map_or_else(|| "sans INE".to_owned(), |ine| format!("INE {ine}"));
            format!("{} {} ({ine})", r.nom, r.prenom1)
        };
        let _ = match operation {
            Operation::Created(record) => writeln!(self.log, "Ligne {line} : création de {}", who(record)),
            Operation::Updated(id, record) => {
                writeln!(self.log, "Ligne {line} : mise à jour du dossier n° {} de {}", id.0, who(record))
            }
            Operation::Unchanged(id) => writeln!(self.log, "Ligne {line} : dossier n° {} inchangé", id.0),
            Operation::Rejected(error) => {
                let _ = writeln!(self.errors, "{}", error.message);
                writeln!(self.log, "Ligne {line} : rejetée — {}", error.message)
            }
        };
    }

    pub(super) fn counts(&mut self, report: &ImportReport) {
        for (label, count) in report.counts().iter().skip(1) {
            let _ = writeln!(self.log, "{} : {count}", capitalised(label));
        }
        if self.dry_run {
            let _ = writeln!(self.log, "Essai : aucune modification enregistrée en base");
        }
        let _ = writeln!(self.log, "Nombre de lignes traitées : {}", report.lines_read);
    }

    /// Writes the files; returns their paths (absolute, so the base can point at them).
    pub(super) fn write(self, error_csv: Option<&[u8]>) -> Result<ReportFiles, (PathBuf, std::io::Error)> {
        let at = |error: std::io::Error, path: &Path| (path.to_path_buf(), error);
        std::fs::create_dir_all(&self.dir).map_err(|e| at(e, &self.dir))?;
        let dir = std::path::absolute(&self.dir).map_err(|e| at(e, &self.dir))?;
        let write = |name: String, bytes: &[u8]| -> Result<String, (PathBuf, std::io::Error)> {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| at(e, &path))?;
            Ok(path.display().to_string())
        };
        Ok(ReportFiles {
            log: Some(write(format!("log_{}.txt", self.stamp), self.log.as_bytes())?),
            error_log: if self.errors.is_empty() {
                None
            } else {
                Some(write(format!("erreurLogs_{}.txt", self.stamp), self.errors.as_bytes())?)
            },
            error_csv: match error_csv {
                Some(bytes) => Some(write(format!("erreurFile_{}.csv", self.stamp), bytes)?),
                None => None,
            },
        })
    }
}

//! The three log files of an import (SPEC §4.6): `log_XXX.txt` (every operation, the
//! encoding, the model, the warnings and the counts), `erreurLogs_XXX.txt` (the errors only)
//! and `erreurFile_XXX.csv` (the header and the rejected lines, byte for byte). The last two
//! exist only when there is something to put in them.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use calcium_core::student::{FormatVersion, StudentId};

use super::capitalised;
use super::report::{ImportReport, ReportFiles};
use crate::{Encoding, FileError, LineEnding, RowError, messages};

/// What happened to one line.
pub(super) enum Operation<'a> {
    /// Who was created, as the log names them.
    Created(&'a dyn std::fmt::Display),
    Updated(StudentId, &'a dyn std::fmt::Display),
    Unchanged(StudentId),
    Rejected(&'a RowError),
}

type IoResult<T> = Result<T, (PathBuf, std::io::Error)>;

/// A log file written as the import goes.
#[derive(Debug)]
struct LogFile {
    path: PathBuf,
    out: BufWriter<File>,
}

impl LogFile {
    fn create(path: PathBuf) -> IoResult<LogFile> {
        match File::create(&path) {
            Ok(file) => Ok(LogFile { out: BufWriter::with_capacity(1 << 16, file), path }),
            Err(error) => Err((path, error)),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> IoResult<()> {
        self.out.write_all(bytes).map_err(|e| (self.path.clone(), e))
    }

    fn line(&mut self, text: std::fmt::Arguments<'_>) -> IoResult<()> {
        writeln!(self.out, "{text}").map_err(|e| (self.path.clone(), e))
    }

    fn close(mut self) -> IoResult<String> {
        self.out.flush().map_err(|e| (self.path.clone(), e))?;
        Ok(self.path.display().to_string())
    }
}

/// The three files of one import. `log_` exists from the start; the other two are created by
/// their first line, so they exist only when there is something to put in them.
#[derive(Debug)]
pub(super) struct ImportLogs {
    dir: PathBuf,
    stamp: String,
    log: LogFile,
    errors: Option<LogFile>,
    error_csv: Option<LogFile>,
    dry_run: bool,
}

impl ImportLogs {
    pub(super) fn create(dir: &Path, stamp: &str, file: &Path, model: &str, dry_run: bool) -> IoResult<ImportLogs> {
        std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
        // Absolute, so the base can point at the files whatever the reader's directory.
        let dir = std::path::absolute(dir).map_err(|e| (dir.to_path_buf(), e))?;
        let mut log = LogFile::create(dir.join(format!("log_{stamp}.txt")))?;
        log.line(format_args!("Import du fichier {} avec le modèle {model}", file.display()))?;
        if dry_run {
            log.line(format_args!("Essai (--dry-run) : rien ne sera enregistré en base"))?;
        }
        Ok(ImportLogs { dir, stamp: stamp.to_owned(), log, errors: None, error_csv: None, dry_run })
    }

    pub(super) fn opened(&mut self, encoding: Encoding, version: FormatVersion) -> IoResult<()> {
        self.log.line(format_args!("Encodage : {}", encoding.label()))?;
        if let Some(warning) = encoding.warning() {
            self.log.line(format_args!("{warning}"))?;
        }
        self.log.line(format_args!("Format : version {} ({} colonnes)", version.label(), version.column_count()))
    }

    pub(super) fn refused(&mut self, refusal: &FileError) -> IoResult<()> {
        self.log.line(format_args!("{refusal}"))?;
        self.log.line(format_args!("Aucun étudiant importé."))?;
        self.error(&refusal.to_string())
    }

    /// The import stopped before its end (base error, cancellation, unreadable file): nothing
    /// of it was recorded in the base, and both logs say so.
    pub(super) fn stopped(&mut self, cause: &dyn std::fmt::Display) -> IoResult<()> {
        let message = messages::import_stopped(cause);
        self.log.line(format_args!("{message}"))?;
        self.error(&message)
    }

    pub(super) fn warning(&mut self, message: &str) -> IoResult<()> {
        self.log.line(format_args!("{message}"))
    }

    fn error(&mut self, message: &str) -> IoResult<()> {
        let errors = match &mut self.errors {
            Some(errors) => errors,
            None => self.errors.insert(LogFile::create(self.dir.join(format!("erreurLogs_{}.txt", self.stamp)))?),
        };
        errors.line(format_args!("{message}"))
    }

    pub(super) fn operation(&mut self, line: usize, operation: Operation<'_>) -> IoResult<()> {
        match operation {
            Operation::Created(who) => self.log.line(format_args!("Ligne {line} : création de {who}")),
            Operation::Updated(id, who) => {
                self.log.line(format_args!("Ligne {line} : mise à jour du dossier n° {} de {who}", id.0))
            }
            Operation::Unchanged(id) => self.log.line(format_args!("Ligne {line} : dossier n° {} inchangé", id.0)),
            Operation::Rejected(error) => {
                self.error(&error.message)?;
                self.log.line(format_args!("Ligne {line} : rejetée — {}", error.message))
            }
        }
    }

    /// Appends a rejected line to `erreurFile`, byte for byte; `head` (BOM, header and line
    /// ending) starts the file.
    pub(super) fn rejected_line(&mut self, head: &[u8], raw: &[u8], ending: LineEnding) -> IoResult<()> {
        let csv = match &mut self.error_csv {
            Some(csv) => csv,
            None => {
                let mut csv = LogFile::create(self.dir.join(format!("erreurFile_{}.csv", self.stamp)))?;
                csv.write(head)?;
                self.error_csv.insert(csv)
            }
        };
        csv.write(raw)?;
        csv.write(ending.as_bytes())
    }

    pub(super) fn counts(&mut self, report: &ImportReport) -> IoResult<()> {
        for (label, count) in report.counts().iter().skip(1) {
            self.log.line(format_args!("{} : {count}", capitalised(label)))?;
        }
        if self.dry_run {
            self.log.line(format_args!("Essai : aucune modification enregistrée en base"))?;
        }
        self.log.line(format_args!("Nombre de lignes traitées : {}", report.lines_read))
    }

    /// Flushes the files; returns their paths (absolute, so the base can point at them).
    pub(super) fn finish(self) -> IoResult<ReportFiles> {
        Ok(ReportFiles {
            log: Some(self.log.close()?),
            error_log: self.errors.map(LogFile::close).transpose()?,
            error_csv: self.error_csv.map(LogFile::close).transpose()?,
        })
    }
}

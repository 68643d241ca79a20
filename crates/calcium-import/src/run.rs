//! One import, end to end (SPEC §4): read the file, check it, look the students up in bulk,
//! write everything in one transaction (or nothing), write the three log files, and report.
//!
//! The only module of this crate that does IO. It decides nothing the pure modules decide.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calcium_core::reference::NomenclatureKind;
use calcium_store::{DbError, FileKind, ImportModel, ImportWrite, NewProducedFile, Store};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::plan::{Action, Existing, ines_of, plan};
use crate::row::{ModelDefaults, Nomenclatures, ParseOptions};
use crate::{FileError, parse_file};

mod logs;
mod mail;
mod report;

pub use mail::send_report;
pub use report::{ImportReport, ReportError, ReportFiles};

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportOptions<'a> {
    pub path: &'a Path,
    pub model: &'a ImportModel,
    /// Computes and reports everything, writes the log files, changes nothing in the base.
    pub dry_run: bool,
    /// The IMP_QUO execution this import is (none for a dry run).
    pub execution_id: Option<i64>,
    pub log_dir: &'a Path,
    pub time_zone: &'a TimeZone,
    /// When the import started: names the log files and stamps the written students.
    pub started_at: Timestamp,
}

/// What stops an import before or while it writes. A file refused as a whole is not an error
/// here: it is a report with status ERROR (the caller exits 2).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("base de données : {0}")]
    Db(#[from] DbError),
    #[error("fichier {path} : {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Runs one import. The base holds all of the file's accepted changes, or none of them.
pub async fn run_import(store: &Store, options: &ImportOptions<'_>) -> Result<ImportReport, ImportError> {
    let local = options.started_at.to_zoned_datetime(options.time_zone.clone());
    let stamp = format!(
        "{}_{}",
        local.strftime("%Y%m%d_%H%M%S"),
        options.execution_id.map_or_else(|| "essai".to_owned(), |id| id.to_string())
    );
    let mut log = logs::ImportLogs::new(options.log_dir, &stamp, options.path, &options.model.code, options.dry_run);

    let bytes = match read(options.path).await {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let refusal = FileError::NotFound(options.path.display().to_string());
            return finish_refused(store, options, log, &refusal).await;
        }
        Err(source) => return Err(ImportError::Io { path: options.path.to_path_buf(), source }),
    };

    let parse_options = ParseOptions {
        today: local.date(),
        defaults: ModelDefaults { etb: options.model.default_etb.clone(), cmp: options.model.default_cmp.clone() },
        nomenclatures: nomenclatures(store).await?,
    };
    let mut parsed = match parse_file(&bytes, &parse_options) {
        Ok(parsed) => parsed,
        Err(refusal) => return finish_refused(store, options, log, &refusal).await,
    };
    log.opened(parsed.encoding, parsed.version);

    let existing = look_up(store, &parsed.rows).await?;
    let mut report = ImportReport::new(&options.model.code, parsed.encoding, parsed.data_lines());
    for warning in &parsed.warnings {
        report.warnings += 1;
        log.warning(&warning.message);
    }
    let mut rejected_lines: Vec<usize> = Vec::new();
    for rejected in &parsed.rejected {
        rejected_lines.push(rejected.error.line);
        report.reject(&rejected.error);
    }

    let planned = plan(std::mem::take(&mut parsed.rows), &existing);
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    // Operations in line order for the log, whatever step decided them.
    let mut operations: Vec<(usize, logs::Operation<'_>)> =
        parsed.rejected.iter().map(|r| (r.error.line, logs::Operation::Rejected(&r.error))).collect();
    for step in &planned {
        match &step.action {
            Action::Create(record) => {
                creates.push(record);
                report.created += 1;
                operations.push((step.line, logs::Operation::Created(record)));
            }
            Action::Update { id, record } => {
                updates.push((*id, record));
                report.updated += 1;
                operations.push((step.line, logs::Operation::Updated(*id, record)));
            }
            Action::Unchanged(id) => {
                report.unchanged += 1;
                operations.push((step.line, logs::Operation::Unchanged(*id)));
            }
            Action::Rejected(error) => {
                rejected_lines.push(error.line);
                report.reject(error);
                operations.push((step.line, logs::Operation::Rejected(error)));
            }
        }
    }
    operations.sort_by_key(|(line, _)| *line);
    report.errors.sort_by_key(|e| e.line);

    if !options.dry_run {
        let write = ImportWrite {
            creates,
            updates,
            import_model: &options.model.code,
            execution_id: options.execution_id,
            now: options.started_at,
        };
        store.apply_import(&write).await?;
    }

    for (line, operation) in &operations {
        log.operation(*line, operation);
    }
    log.counts(&report);
    let error_csv = (!rejected_lines.is_empty()).then(|| parsed.error_file(rejected_lines.iter().copied()));
    report.files = log.write(error_csv.as_deref()).map_err(|(path, source)| ImportError::Io { path, source })?;
    report.status = "FINISH";
    record_files(store, options, &report.files).await?;
    Ok(report)
}

/// A file refused as a whole: nothing imported, the logs say why.
async fn finish_refused(
    store: &Store,
    options: &ImportOptions<'_>,
    mut log: logs::ImportLogs,
    refusal: &FileError,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::refused(&options.model.code, refusal);
    log.refused(refusal);
    report.files = log.write(None).map_err(|(path, source)| ImportError::Io { path, source })?;
    record_files(store, options, &report.files).await?;
    Ok(report)
}

async fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .unwrap_or_else(|join| Err(std::io::Error::other(join)))
}

async fn nomenclatures(store: &Store) -> Result<Nomenclatures, DbError> {
    let pays = store.nomenclature(NomenclatureKind::Pays).await?;
    let etablissements = store.nomenclature(NomenclatureKind::Etablissement).await?;
    let composantes = store.nomenclature(NomenclatureKind::Composante).await?;
    Ok(Nomenclatures::new(
        pays.into_iter().map(|row| row.code),
        etablissements.into_iter().map(|row| row.code),
        composantes.into_iter().map(|row| (row.parent_code, row.code)),
    ))
}

/// The students the file may be about, found with a few statements for the whole file. The
/// secondary keys are only looked up for the lines whose INE the base does not hold: on a
/// daily re-import nearly every line is found by its INE, and the key look-up, which SQLite
/// answers by scanning its index, stays small.
async fn look_up(store: &Store, rows: &[crate::ParsedRow]) -> Result<Existing, DbError> {
    let ines = ines_of(rows);
    let ine_texts: Vec<&str> = ines.iter().map(|ine| ine.as_str()).collect();
    let mut by_ine: HashMap<String, Vec<calcium_core::student::Student>> = HashMap::new();
    for student in store.students_by_ines(&ine_texts).await? {
        if let Some(ine) = &student.record.cod_nne {
            by_ine.entry(ine.as_str().to_owned()).or_default().push(student);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<_> = rows
        .iter()
        .filter(|row| row.record.cod_nne.as_ref().is_none_or(|ine| !by_ine.contains_key(ine.as_str())))
        .map(|row| row.record.secondary_key())
        .filter(|key| seen.insert(key.clone()))
        .collect();
    let mut by_secondary_key: HashMap<_, Vec<_>> = HashMap::new();
    for student in store.students_by_secondary_keys(&keys).await? {
        by_secondary_key.entry(student.record.secondary_key()).or_default().push(student);
    }
    Ok(Existing { by_ine, by_secondary_key })
}

/// Records the log files so the downloads page offers them and CLEAN purges them (not for a
/// dry run, which changes nothing in the base).
async fn record_files(store: &Store, options: &ImportOptions<'_>, files: &ReportFiles) -> Result<(), DbError> {
    if options.dry_run {
        return Ok(());
    }
    let entries = [
        (FileKind::ImportLog, &files.log),
        (FileKind::ImportErrorLog, &files.error_log),
        (FileKind::ImportErrorCsv, &files.error_csv),
    ];
    for (kind, path) in entries {
        let Some(path) = path else { continue };
        let size = std::fs::metadata(path).map(|m| m.len() as i64).unwrap_or(0);
        let file_name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or(path);
        let file = NewProducedFile { kind, path, file_name, size_bytes: size, execution_id: options.execution_id };
        store.record_produced_file(&file, options.started_at).await?;
    }
    Ok(())
}

/// "créés" → "Créés", for the counts written in the log and the mail.
fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

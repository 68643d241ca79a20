//! One import, end to end (SPEC §4): read the file slice by slice, check it, look each slice's
//! students up in bulk, write everything in one transaction (or nothing), write the three log
//! files as it goes, and report.
//!
//! The only module of this crate that does IO. It decides nothing the pure modules decide.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calcium_core::normalize::SecondaryKey;
use calcium_core::reference::NomenclatureKind;
use calcium_core::student::{Ine, StudentId, StudentRecord};
use calcium_store::{DbError, FileKind, ImportMode, ImportModel, ImportSession, NewProducedFile, SliceWrite, Store};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::FileError;
use crate::decode::{Encoding, EncodingSniffer, LineEnding};
use crate::file::{FileReader, OpenError, Slice};
use crate::plan::{Action, Existing, InBase, KnownInes, Planner, ines_to_look_up, keys_to_look_up, records_needed};
use crate::row::{ModelDefaults, Nomenclatures, ParseOptions, RowError, RowWarning};

mod logs;
mod mail;
mod report;

pub use mail::send_report;
pub use report::{ImportReport, ReportError, ReportFiles};

/// Data lines per slice: what is parsed, looked up, planned and written at once. Large enough
/// that each statement carries real work, small enough that memory stays flat.
const SLICE_LINES: usize = 5_000;

/// Slices parsed ahead while the base works on the current one (each holds a few megabytes).
const SLICES_AHEAD: usize = 1;

/// How far an import has gone, for a progress bar or the batch page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Data lines done.
    pub done: u64,
    /// Data lines in the file, counted before starting (blank lines included until the end).
    pub total: u64,
}

/// What to import, and how.
#[derive(Clone)]
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
    /// Told after every slice.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// Asked after every slice: `true` stops the import, which then writes nothing.
    pub cancelled: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl std::fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("path", &self.path)
            .field("model", &self.model.code)
            .field("dry_run", &self.dry_run)
            .field("execution_id", &self.execution_id)
            .field("log_dir", &self.log_dir)
            .finish_non_exhaustive()
    }
}

/// What stops an import before or while it writes. A file refused as a whole is not an error
/// here: it is a report with status ERROR (the caller exits 2).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("base de données : {0}")]
    Db(#[from] DbError),
    #[error("fichier {path} : {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("arrêt demandé avant la fin")]
    Cancelled,
}

/// Runs one import. The base holds all of the file's accepted changes, or none of them.
///
/// The file is read twice: once to detect its encoding (which the whole file decides) and
/// count its lines, then slice by slice; a reader thread parses the next slices while the base
/// works on the current one. Memory stays flat whatever the file's size.
pub async fn run_import(store: &Store, options: &ImportOptions<'_>) -> Result<ImportReport, ImportError> {
    let local = options.started_at.to_zoned_datetime(options.time_zone.clone());
    let stamp = format!(
        "{}_{}",
        local.strftime("%Y%m%d_%H%M%S"),
        options.execution_id.map_or_else(|| "essai".to_owned(), |id| id.to_string())
    );
    let mut log = logs::ImportLogs::create(options.log_dir, &stamp, options.path, &options.model.code, options.dry_run)
        .map_err(log_error)?;
    match import_file(store, options, &mut log, local.date()).await {
        Ok(mut report) => {
            report.files = log.finish().map_err(log_error)?;
            record_files(store, options, &report.files).await?;
            Ok(report)
        }
        Err(error) => {
            // The files written so far stay readable and listed (so CLEAN purges them too),
            // and say why the import stopped: the administrator looks there first.
            let closed = log.stopped(&error).and_then(|()| log.finish());
            match closed {
                Ok(files) => {
                    if let Err(recording) = record_files(store, options, &files).await {
                        tracing::warn!("journaux de l'import arrêté non enregistrés : {recording}");
                    }
                }
                Err((path, io)) => tracing::warn!("journal {} non terminé : {io}", path.display()),
            }
            Err(error)
        }
    }
}

/// Reads, checks, matches and writes the file, logging as it goes; the caller closes the logs.
/// A file refused as a whole is a report with status ERROR, not an error.
async fn import_file(
    store: &Store,
    options: &ImportOptions<'_>,
    log: &mut logs::ImportLogs,
    today: jiff::civil::Date,
) -> Result<ImportReport, ImportError> {
    let io_error = |source: std::io::Error| ImportError::Io { path: options.path.to_path_buf(), source };
    let surveyed = Instant::now();
    let survey = match survey(options.path.to_path_buf()).await {
        Ok(survey) => survey,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let refusal = FileError::NotFound(options.path.display().to_string());
            return refused(options, log, &refusal);
        }
        Err(source) => return Err(io_error(source)),
    };
    let surveying = surveyed.elapsed();
    let file = std::fs::File::open(options.path).map_err(io_error)?;
    let reader = match FileReader::open(BufReader::with_capacity(1 << 20, file), survey.encoding) {
        Ok(reader) => reader,
        Err(OpenError::Refused(refusal)) => return refused(options, log, &refusal),
        Err(OpenError::Io(source)) => return Err(io_error(source)),
    };
    log.opened(reader.encoding(), reader.version).map_err(log_error)?;
    let mut report = ImportReport::new(&options.model.code, reader.encoding(), 0);
    let error_file_head = reader.error_file_head();
    let line_ending = reader.line_ending;

    let parse_options = ParseOptions {
        today,
        defaults: ModelDefaults { etb: options.model.default_etb.clone(), cmp: options.model.default_cmp.clone() },
        nomenclatures: nomenclatures(store).await?,
    };
    let (mut slices, spent_slices, reading) = read_in_background(reader, parse_options);
    let began = Instant::now();
    let mut session = store.begin_import(if options.dry_run { ImportMode::DryRun } else { ImportMode::Write }).await?;
    let beginning = began.elapsed();
    let started = Instant::now();
    // A first import has nothing to look up; any other reads the base's INEs once.
    let known =
        if session.started_empty() { KnownInes::default() } else { KnownInes::new(session.known_ines().await?) };
    let mut timings = Timings { surveying, beginning, looking_up: started.elapsed(), ..Timings::default() };
    tracing::debug!("{} INE connus de la base, lus en {:?}", known.len(), timings.looking_up);
    let mut planner = Planner::with_capacity(survey.data_lines).knowing(known);
    let mut done = 0;
    loop {
        let waited = Instant::now();
        let Some(slice) = slices.recv().await else { break };
        timings.reading += waited.elapsed();
        let mut slice = slice.map_err(io_error)?;
        if options.cancelled.is_some_and(|cancelled| cancelled()) {
            return Err(ImportError::Cancelled);
        }
        let started = Instant::now();
        let looked_up = if session.started_empty() {
            LookedUp { statuses: vec![None; slice.accepted()], existing: Existing::default() }
        } else {
            look_up(&mut session, &slice, planner.known()).await?
        };
        timings.looking_up += started.elapsed();
        let started = Instant::now();
        let planned = plan_slice(&mut planner, &mut slice, looked_up);
        timings.planning += started.elapsed();
        done += slice.len();
        let started = Instant::now();
        planned.report(&slice, &mut report, log, &error_file_head, line_ending).map_err(log_error)?;
        timings.logging += started.elapsed();
        let started = Instant::now();
        if options.dry_run {
            // Nothing is written, not even a fresh fingerprint.
            drop(planner.take_refreshes());
        } else if let Some(write) = planned.into_write(&mut slice, &mut planner, &mut session, options) {
            session.queue(write).await?;
        }
        timings.writing += started.elapsed();
        // The reader fills it again: its memory is already there.
        let _ = spent_slices.send(slice);
        if let Some(progress) = options.progress {
            progress(Progress { done: done as u64, total: survey.data_lines.max(done) as u64 });
        }
    }
    let data_lines = reading.await.map_err(|join| io_error(std::io::Error::other(join)))?;
    let started = Instant::now();
    if options.dry_run {
        session.rollback().await?;
    } else {
        session.commit(options.execution_id).await?;
    }
    timings.committing = started.elapsed();
    tracing::debug!(?timings, "import de {data_lines} lignes");
    if let Some(progress) = options.progress {
        progress(Progress { done: data_lines as u64, total: data_lines as u64 });
    }

    report.lines_read = data_lines;
    report.status = "FINISH";
    log.counts(&report).map_err(log_error)?;
    Ok(report)
}

/// Where an import's time went, for `RUST_LOG=calcium_import=debug`.
#[derive(Debug, Default)]
#[allow(dead_code, reason = "read through Debug")]
struct Timings {
    /// The first pass over the file (its encoding and its number of lines).
    surveying: Duration,
    /// Opening the import's transaction (on a first import, setting the indexes aside).
    beginning: Duration,
    /// Waiting for the reader thread (parsing is not keeping up when this grows).
    reading: Duration,
    looking_up: Duration,
    planning: Duration,
    writing: Duration,
    logging: Duration,
    committing: Duration,
}

fn log_error((path, source): (PathBuf, std::io::Error)) -> ImportError {
    ImportError::Io { path, source }
}

/// What the first pass over the file tells.
struct Survey {
    encoding: Encoding,
    /// Lines after the first, blank ones included: the total shown while importing.
    data_lines: usize,
}

/// Reads the whole file once, in large pieces, without keeping it.
async fn survey(path: PathBuf) -> std::io::Result<Survey> {
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(path)?;
        let mut sniffer = EncodingSniffer::default();
        let mut buffer = vec![0; 1 << 20];
        let (mut newlines, mut last) = (0, b'\n');
        loop {
            let read = std::io::Read::read(&mut file, &mut buffer)?;
            if read == 0 {
                break;
            }
            let piece = &buffer[..read];
            sniffer.feed(piece);
            newlines += piece.iter().filter(|&&b| b == b'\n').count();
            last = piece[read - 1];
        }
        let lines = newlines + usize::from(last != b'\n');
        Ok(Survey { encoding: sniffer.finish(), data_lines: lines.saturating_sub(1) })
    })
    .await
    .unwrap_or_else(|join| Err(std::io::Error::other(join)))
}

/// The slices parsed in the background, the way back for the slices the consumer is done
/// with, and the reader thread.
type Reading = (
    tokio::sync::mpsc::Receiver<std::io::Result<Slice>>,
    std::sync::mpsc::Sender<Slice>,
    tokio::task::JoinHandle<usize>,
);

/// Parses the file slice by slice on a blocking thread, a few slices ahead of the consumer.
/// The thread ends at the end of the file, on a read error (sent as the last item), or when the
/// consumer stops listening; it returns the number of data lines read.
///
/// Slices the consumer sends back are filled again: the same few megabytes go round, where a
/// fresh slice each time cost the kernel's zeroing of its pages (a fifth of a first import's
/// processor time, the allocator handing freed memory back to the system between slices).
fn read_in_background(mut reader: FileReader<BufReader<std::fs::File>>, options: ParseOptions) -> Reading {
    let (sender, receiver) = tokio::sync::mpsc::channel(SLICES_AHEAD);
    let (spent_sender, spent) = std::sync::mpsc::channel::<Slice>();
    let reading = tokio::task::spawn_blocking(move || {
        loop {
            let mut slice = spent.try_recv().unwrap_or_default();
            let next = match reader.next_slice_into(&mut slice, SLICE_LINES, &options) {
                Ok(true) => Ok(slice),
                Ok(false) => break,
                Err(error) => Err(error),
            };
            let failed = next.is_err();
            if sender.blocking_send(next).is_err() || failed {
                break;
            }
        }
        reader.data_lines()
    });
    (receiver, spent_sender, reading)
}

/// What the base holds about a slice's rows.
struct LookedUp {
    /// What the known INEs tell of each row, in row order (`None` when there is no INE, and
    /// for every row of a first import, which has no known INE).
    statuses: Vec<Option<InBase>>,
    existing: Existing,
}

/// The students a slice may be about, beyond what the known INEs settle (on a daily re-import,
/// nearly every line): looked up by INE, then by secondary keys for the rows whose INE the base
/// does not hold, then the whole records of those the rows would change.
async fn look_up(session: &mut ImportSession, slice: &Slice, known: &KnownInes) -> Result<LookedUp, DbError> {
    let rows = slice.keys();
    let statuses = known.statuses(rows);
    let mut existing = Existing::default();
    for found in session.matches_by_ines(&ines_to_look_up(rows, &statuses)).await? {
        existing.add_by_ine(found.into());
    }
    let keys: Vec<SecondaryKey> =
        keys_to_look_up(rows, &statuses, &existing).into_iter().map(|index| slice.row(index).secondary_key()).collect();
    for found in session.matches_by_keys(&keys).await? {
        existing.add_by_secondary_key(found.into());
    }
    let needed = records_needed(rows, &statuses, &existing);
    let records = session.students_by_ids(&needed).await?;
    existing.add_records(records);
    Ok(LookedUp { statuses, existing })
}

/// What one slice came to: what to log, and what to write.
struct PlannedSlice {
    /// Line → the warnings of that line, then what happened to it, in line order.
    entries: Vec<(usize, Vec<RowWarning>, LogEntry)>,
    /// Whether each accepted row of the slice (in row order) is a new student.
    created: Vec<bool>,
    updates: Vec<(StudentId, StudentRecord)>,
}

enum LogEntry {
    /// The slice's `n`th accepted row is a new student.
    Created(usize),
    Updated {
        id: StudentId,
        who: String,
    },
    Unchanged(StudentId),
    Rejected(RowError),
}

/// Decides every line of a slice.
fn plan_slice(planner: &mut Planner, slice: &mut Slice, looked_up: LookedUp) -> PlannedSlice {
    let mut entries: Vec<(usize, Vec<RowWarning>, LogEntry)> = Vec::with_capacity(slice.len());
    for error in std::mem::take(&mut slice.rejected) {
        entries.push((error.line, Vec::new(), LogEntry::Rejected(error)));
    }
    let LookedUp { statuses, existing } = looked_up;
    let (mut created, mut updates) = (Vec::with_capacity(statuses.len()), Vec::new());
    for (index, status) in statuses.into_iter().enumerate() {
        let keys = slice.keys()[index];
        let step = planner.plan_row_in(&keys, status, &existing, || slice.record(index));
        created.push(step.action == Action::Create);
        let entry = match step.action {
            Action::Create => LogEntry::Created(index),
            Action::Update { id, record } => {
                let who = Who::of(&record.as_view()).to_string();
                updates.push((id, *record));
                LogEntry::Updated { id, who }
            }
            Action::Unchanged(id) => LogEntry::Unchanged(id),
            Action::Rejected(error) => LogEntry::Rejected(error),
        };
        entries.push((step.line, slice.take_warnings(index), entry));
    }
    entries.sort_by_key(|(line, _, _)| *line);
    PlannedSlice { entries, created, updates }
}

impl PlannedSlice {
    /// What the base must write for this slice, if anything. The new students are the slice's
    /// own records, handed over (the slice is then empty, ready for the reader again): copying
    /// a slice's worth of records cost more than the writing waited for.
    fn into_write(
        self,
        slice: &mut Slice,
        planner: &mut Planner,
        session: &mut ImportSession,
        options: &ImportOptions<'_>,
    ) -> Option<SliceWrite> {
        let refreshes = planner.take_refreshes();
        let creates = if self.created.contains(&true) {
            let mut creates = slice.hand_over_records(session.spare_batch());
            creates.retain(|index| self.created[index]);
            creates
        } else {
            session.spare_batch()
        };
        let something_to_write = !creates.is_empty() || !self.updates.is_empty() || !refreshes.is_empty();
        something_to_write.then(|| SliceWrite {
            creates,
            updates: self.updates,
            refreshes,
            import_model: options.model.code.clone(),
            execution_id: options.execution_id,
            now: options.started_at,
        })
    }

    /// Writes the slice's log entries and counts them.
    fn report(
        &self,
        slice: &Slice,
        report: &mut ImportReport,
        log: &mut logs::ImportLogs,
        error_file_head: &[u8],
        ending: LineEnding,
    ) -> Result<(), (PathBuf, std::io::Error)> {
        for (line, warnings, entry) in &self.entries {
            for warning in warnings {
                report.warnings += 1;
                log.warning(&warning.message)?;
            }
            match entry {
                LogEntry::Created(index) => {
                    report.created += 1;
                    log.operation(*line, logs::Operation::Created(&Who::of(&slice.record(*index))))?;
                }
                LogEntry::Updated { id, who } => {
                    report.updated += 1;
                    log.operation(*line, logs::Operation::Updated(*id, who))?;
                }
                LogEntry::Unchanged(id) => {
                    report.unchanged += 1;
                    log.operation(*line, logs::Operation::Unchanged(*id))?;
                }
                LogEntry::Rejected(error) => {
                    report.reject(error);
                    log.operation(*line, logs::Operation::Rejected(error))?;
                }
            }
        }
        for (line, _, entry) in &self.entries {
            if let LogEntry::Rejected(_) = entry {
                log.rejected_line(error_file_head, slice.raw_line(*line).unwrap_or_default(), ending)?;
            }
        }
        Ok(())
    }
}

/// `NOM Prénom (INE …)`, how the log names a student.
struct Who<'r> {
    nom: &'r str,
    prenom: &'r str,
    ine: Option<Ine>,
}

impl<'r> Who<'r> {
    fn of(record: &StudentRecord<&'r str>) -> Who<'r> {
        Who { nom: record.nom, prenom: record.prenom1, ine: record.cod_nne }
    }
}

impl std::fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ine {
            Some(ine) => write!(f, "{} {} (INE {ine})", self.nom, self.prenom),
            None => write!(f, "{} {} (sans INE)", self.nom, self.prenom),
        }
    }
}

/// A file refused as a whole: nothing imported, the logs say why.
fn refused(
    options: &ImportOptions<'_>,
    log: &mut logs::ImportLogs,
    refusal: &FileError,
) -> Result<ImportReport, ImportError> {
    log.refused(refusal).map_err(log_error)?;
    Ok(ImportReport::refused(&options.model.code, refusal))
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

//! IMP_QUO — the student registry import (SPEC §4), daily from the import folder or by hand
//! (`calcium import`, the web form). Either way it is an execution of IMP_QUO.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use calcium_core::BatchCode;
use calcium_import::{ImportError, ImportOptions, ImportReport, Progress, run_import};
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use calcium_store::DbError;

/// The daily import: `import.dir/import.file` with `import.model`, archived into
/// `import.dir/archive/` with a timestamp prefix once imported (FINISH), left in place
/// otherwise (SPEC §4.5).
#[derive(Debug, Clone, Copy)]
pub struct DailyImport;

impl Job for DailyImport {
    fn code(&self) -> BatchCode {
        BatchCode::ImpQuo
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let settings = &ctx.settings;
            let path = settings.import_dir.join(&settings.import_file);
            let report = import(ctx, &path, &settings.import_model, None).await?;
            notify(ctx, settings.import_report_to.as_deref(), &report, &path).await;
            let summary = finish(ctx, &report)?;
            let archived = archive(&path, &settings.import_dir, ctx.now().await?).map_err(JobError::failed)?;
            ctx.log.info(format!("Fichier archivé : {}", archived.display()));
            Ok(summary)
        })
    }
}

/// Where a manual import leaves its report, for the command line or the page to show.
pub type ReportSlot = Arc<Mutex<Option<ImportReport>>>;

/// Told of the import's progress as it goes (the command line's progress bar).
#[derive(Clone)]
pub struct ProgressHook(pub Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

/// An import by hand of one file with one model.
#[derive(Debug, Clone)]
pub struct ManualImport {
    pub path: PathBuf,
    pub model: String,
    /// Who receives the report: the user who imported (web) or `--notify` (CLI).
    pub notify: Option<String>,
    pub report: ReportSlot,
    pub progress: Option<ProgressHook>,
}

impl Job for ManualImport {
    fn code(&self) -> BatchCode {
        BatchCode::ImpQuo
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let report = import(ctx, &self.path, &self.model, self.progress.as_ref()).await?;
            notify(ctx, self.notify.as_deref(), &report, &self.path).await;
            let outcome = finish(ctx, &report);
            *self.report.lock().unwrap_or_else(|p| p.into_inner()) = Some(report);
            outcome
        })
    }
}

async fn import(
    ctx: &JobContext,
    path: &Path,
    model: &str,
    hook: Option<&ProgressHook>,
) -> Result<ImportReport, JobError> {
    let model = match ctx.store.get_import_model(model).await {
        Ok(model) => model,
        Err(DbError::NotFound(_)) => {
            return Err(JobError::Failed(format!("Modèle d'importation inconnu : {model}")));
        }
        Err(error) => return Err(error.into()),
    };
    ctx.log.info(format!("Import de {} avec le modèle {}", path.display(), model.code));
    ctx.checkpoint()?;
    // The progress goes to the store from a task of its own, latest value first: the import
    // never waits for it. (On SQLite the store keeps it beside the base: the import holds the
    // base's only write lock until it commits.)
    let (progress_sender, mut progress_receiver) = tokio::sync::watch::channel(None::<Progress>);
    let (store, execution) = (ctx.store.clone(), ctx.execution);
    let publisher = tokio::spawn(async move {
        while progress_receiver.changed().await.is_ok() {
            let Some(progress) = *progress_receiver.borrow_and_update() else { continue };
            let (done, total) = (progress.done as i64, progress.total as i64);
            if let Err(error) = store.set_progress(execution, done, total).await {
                tracing::debug!("progression non publiée : {error}");
            }
        }
    });
    let publish = |progress: Progress| {
        progress_sender.send_replace(Some(progress));
        if let Some(hook) = hook {
            (hook.0)(progress);
        }
    };
    let cancelled = || ctx.cancellation.is_cancelled();
    let options = ImportOptions {
        path,
        model: &model,
        dry_run: false,
        execution_id: Some(ctx.execution.0),
        log_dir: &ctx.settings.import_log_dir,
        time_zone: &ctx.settings.time_zone,
        started_at: ctx.now().await?,
        progress: Some(&publish),
        cancelled: Some(&cancelled),
    };
    let result = run_import(&ctx.store, &options).await;
    drop(progress_sender);
    let _ = publisher.await;
    match result {
        Ok(report) => Ok(report),
        Err(ImportError::Cancelled) => Err(JobError::Cancelled),
        Err(error) => Err(JobError::failed(error)),
    }
}

/// Mails the report when someone should get it. A mail that fails is said in the execution's
/// log and never fails the import (SPEC §4.6).
async fn notify(ctx: &JobContext, to: Option<&str>, report: &ImportReport, path: &Path) {
    let Some(to) = to else { return };
    let Some(mail) = &ctx.settings.mail else {
        ctx.log.warn(format!("Rapport non envoyé à {to} : aucun serveur SMTP configuré (smtp.host)"));
        return;
    };
    match calcium_import::run::send_report(mail, to, report, path, false).await {
        Ok(()) => ctx.log.info(format!("Rapport envoyé à {to}")),
        Err(error) => ctx.log.warn(format!("Rapport non envoyé à {to} : {error}")),
    }
}

/// The execution's summary, or its failure when the file was refused as a whole.
fn finish(ctx: &JobContext, report: &ImportReport) -> Result<JobSummary, JobError> {
    for file in [&report.files.log, &report.files.error_log, &report.files.error_csv].into_iter().flatten() {
        ctx.log.info(format!("Journal écrit : {file}"));
    }
    if report.refused_as_a_whole() {
        let message = report.errors.first().map_or_else(|| "fichier refusé".to_owned(), |e| e.message.clone());
        return Err(JobError::Failed(message));
    }
    let summary = report.counts().iter().fold(JobSummary::default(), |summary, (label, count)| {
        summary.count(label, i64::try_from(*count).unwrap_or(i64::MAX))
    });
    ctx.log.info(summary.message());
    Ok(summary)
}

/// Moves an imported file into `archive/` with a timestamp prefix, so it is not imported
/// twice and stays available.
fn archive(path: &Path, import_dir: &Path, now: jiff::Timestamp) -> std::io::Result<PathBuf> {
    let archive_dir = import_dir.join("archive");
    std::fs::create_dir_all(&archive_dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "import.csv".to_owned());
    let target = archive_dir.join(format!("{}_{name}", now.strftime("%Y%m%d_%H%M%S")));
    std::fs::rename(path, &target)?;
    Ok(target)
}

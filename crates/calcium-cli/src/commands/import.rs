//! `calcium import`: a student file imported by hand, recorded as an execution of IMP_QUO
//! (trigger "import manuel"), or a dry run that changes nothing in the base.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};

use calcium_core::user::Email;
use calcium_core::{BatchCode, Trigger};
use calcium_import::{ImportOptions, ImportReport, Progress, run_import};
use calcium_jobs::{ManualImport, ProgressHook};
use calcium_store::{DbError, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::print_json;
use crate::config::Settings;
use crate::failure::Failure;

pub(crate) async fn run(
    settings: &Settings,
    store: &Store,
    file: &Path,
    model: &str,
    dry_run: bool,
    json: bool,
    notify: Option<String>,
) -> Result<(), Failure> {
    let notify = notify
        .map(|address| Email::parse(&address).map(|email| email.as_str().to_owned()))
        .transpose()
        .map_err(|e| Failure::refused(format!("--notify : {e}")))?;
    let model = match store.get_import_model(&model.trim().to_uppercase()).await {
        Ok(model) => model,
        Err(DbError::NotFound(_)) => {
            let known: Vec<String> = store.list_import_models().await?.into_iter().map(|m| m.code).collect();
            return Err(Failure::refused(format!(
                "Modèle d'importation inconnu : {model} (modèles : {})",
                known.join(", ")
            )));
        }
        Err(error) => return Err(error.into()),
    };
    let bar = progress_bar();
    let report = if dry_run {
        let show = |progress: Progress| show_progress(bar.as_ref(), progress);
        let options = ImportOptions {
            path: file,
            model: &model,
            dry_run: true,
            execution_id: None,
            log_dir: &settings.import_log_dir,
            time_zone: &settings.time_zone,
            started_at: store.database_now().await?,
            progress: Some(&show),
            cancelled: None,
        };
        let report = run_import(store, &options).await.map_err(|e| Failure::Internal(anyhow::Error::new(e)))?;
        if let Some(to) = &notify {
            send_dry_run_report(settings, to, &report, file).await;
        }
        report
    } else {
        let hook = bar.clone().map(|bar| ProgressHook(Arc::new(move |progress| show_progress(Some(&bar), progress))));
        recorded_import(settings, store, file, &model.code, notify, hook).await?
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print_report(&report, json, dry_run)?;
    if report.refused_as_a_whole() {
        let message = report.errors.first().map_or("fichier refusé", |e| e.message.as_str());
        return Err(Failure::refused(message.to_owned()));
    }
    Ok(())
}

/// Runs the import as an IMP_QUO execution in this process and returns its report.
async fn recorded_import(
    settings: &Settings,
    store: &Store,
    file: &Path,
    model: &str,
    notify: Option<String>,
    progress: Option<ProgressHook>,
) -> Result<ImportReport, Failure> {
    let slot = Arc::new(Mutex::new(None));
    let job =
        ManualImport { path: file.to_path_buf(), model: model.to_owned(), notify, report: slot.clone(), progress };
    let scheduler = super::engine::scheduler_with_registry(settings, store, calcium_jobs::registry().with(job));
    scheduler.register().await?;
    // An import killed earlier (its process gone) leaves a RUNNING execution that would refuse
    // this one until some instance reaps it.
    scheduler.recover().await?;
    let user = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "ligne de commande".to_owned());
    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let now = store.database_now().await?;
    let started = store
        .start_unscheduled_run(
            BatchCode::ImpQuo,
            Trigger::ManualImport,
            Some(&user),
            scheduler.instance_id(),
            Some(&format!("import manuel : {name}")),
            now,
        )
        .await?;
    let outcome = match started {
        None => {
            Err(Failure::refused("IMP_QUO est déjà en cours d'exécution : réessayez à la fin de l'import en cours"))
        }
        Some(id) => scheduler.run_started_here(id, BatchCode::ImpQuo).await.map(|()| id).map_err(Failure::from),
    };
    scheduler.shutdown().await?;
    let id = outcome?;
    let report = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    match report {
        Some(report) => Ok(report),
        None => {
            let execution = store.get_execution(id).await?;
            Err(Failure::Failed(format!(
                "import en échec ({}) : {}",
                execution.status,
                execution.message.as_deref().unwrap_or("sans message")
            )))
        }
    }
}

/// A progress bar with the lines per second, when a person watches the terminal.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} lignes ({per_sec}, reste {eta})")
        .expect("a valid template")
        .progress_chars("█▉ ");
    Some(ProgressBar::new(0).with_style(style))
}

fn show_progress(bar: Option<&ProgressBar>, progress: Progress) {
    if let Some(bar) = bar {
        bar.set_length(progress.total);
        bar.set_position(progress.done);
    }
}

async fn send_dry_run_report(settings: &Settings, to: &str, report: &ImportReport, file: &Path) {
    match super::engine::mail_settings(settings) {
        None => eprintln!("Rapport non envoyé à {to} : aucun serveur SMTP configuré (smtp.host)"),
        Some(mail) => match calcium_import::run::send_report(&mail, to, report, file, true).await {
            Ok(()) => eprintln!("Rapport envoyé à {to}."),
            Err(error) => eprintln!("Rapport non envoyé à {to} : {error}"),
        },
    }
}

/// The errors `calcium import` prints on the terminal (all of them are in the JSON report).
const ERRORS_SHOWN: usize = 50;

fn print_report(report: &ImportReport, json: bool, dry_run: bool) -> Result<(), Failure> {
    if json {
        return print_json(report);
    }
    // The first errors, as the report mail gives them: the rest are in erreurLogs, and a
    // terminal flooded with a million lines helps nobody.
    for error in report.errors.iter().take(ERRORS_SHOWN) {
        eprintln!("{}", error.message);
    }
    if report.errors.len() > ERRORS_SHOWN {
        eprintln!("… et {} autres erreurs : voir le fichier erreurLogs.", report.errors.len() - ERRORS_SHOWN);
    }
    eprintln!(
        "{}{} : {} lignes lues, {} créées, {} mises à jour, {} inchangées, {} rejetées, {} avertissements.",
        if dry_run { "Essai — " } else { "" },
        report.status,
        report.lines_read,
        report.created,
        report.updated,
        report.unchanged,
        report.rejected,
        report.warnings
    );
    for file in [&report.files.log, &report.files.error_log, &report.files.error_csv].into_iter().flatten() {
        eprintln!("Journal : {file}");
    }
    Ok(())
}

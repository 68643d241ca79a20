//! The import launcher of `calcium serve`: a file uploaded on the web page (or `POST
//! /api/import`) runs as an IMP_QUO execution with the trigger "import manuel", in this
//! process, exactly as `calcium import` runs one (an engine of this process with the
//! `ManualImport` job, the execution started in the base before the job runs).

use std::sync::{Arc, Mutex};

use anyhow::Context;
use calcium_core::{BatchCode, Trigger};
use calcium_jobs::ManualImport;
use calcium_store::Store;
use calcium_web::{ImportLauncher, ImportRefused, ImportRequest, LaunchFuture, StartedImport};
use tokio::sync::oneshot;

use crate::config::Settings;

#[derive(Debug)]
pub(crate) struct ServeImportLauncher {
    settings: Settings,
    store: Store,
}

impl ServeImportLauncher {
    pub(crate) fn new(settings: Settings, store: Store) -> ServeImportLauncher {
        ServeImportLauncher { settings, store }
    }

    async fn start_import(&self, request: ImportRequest) -> Result<StartedImport, ImportRefused> {
        let failed = |error: anyhow::Error| ImportRefused::Failed(error);
        let slot = Arc::new(Mutex::new(None));
        let job = ManualImport {
            path: request.path.clone(),
            model: request.model.clone(),
            notify: request.notify.clone(),
            report: slot.clone(),
            // The page follows the execution's progress in the base.
            progress: None,
        };
        let scheduler =
            super::engine::scheduler_with_registry(&self.settings, &self.store, calcium_jobs::registry().with(job));
        scheduler.register().await.context("enregistrement de l'instance d'import").map_err(failed)?;
        scheduler.recover().await.context("reprise des exécutions interrompues").map_err(failed)?;
        let now = self.store.database_now().await.context("heure de la base").map_err(failed)?;
        let started = self
            .store
            .start_unscheduled_run(
                BatchCode::ImpQuo,
                Trigger::ManualImport,
                Some(&request.user),
                scheduler.instance_id(),
                Some(&format!("import manuel : {}", request.file_name)),
                now,
            )
            .await
            .context("début de l'exécution d'IMP_QUO")
            .map_err(failed)?;
        let Some(id) = started else {
            if let Err(error) = scheduler.shutdown().await {
                tracing::warn!(%error, "import engine shutdown");
            }
            return Err(ImportRefused::AlreadyRunning);
        };
        let (sender, receiver) = oneshot::channel();
        let path = request.path;
        tokio::spawn(async move {
            if let Err(error) = scheduler.run_started_here(id, BatchCode::ImpQuo).await {
                tracing::error!(%error, execution = id.0, "manual import run");
            }
            if let Err(error) = scheduler.shutdown().await {
                tracing::warn!(%error, "import engine shutdown");
            }
            // The uploaded copy is personal data nothing reads any more: the rejected lines are
            // in erreurFile_, the administrator still has the original.
            if let Err(error) = tokio::fs::remove_file(&path).await {
                tracing::warn!(%error, path = %path.display(), "uploaded file not removed");
            }
            let report = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
            // Nobody may be waiting (the page polls the base instead): a closed channel is fine.
            let _ = sender.send(report.and_then(|report| serde_json::to_value(report).ok()));
        });
        Ok(StartedImport { execution: id, report: receiver })
    }
}

impl ImportLauncher for ServeImportLauncher {
    fn start(&self, request: ImportRequest) -> LaunchFuture<'_> {
        Box::pin(self.start_import(request))
    }
}

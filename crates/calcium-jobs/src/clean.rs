//! CLEAN — housekeeping of the batch machinery (SPEC §6): frees the batches left RUNNING by a
//! dead instance, purges old executions (keeping the last ones of each batch), and deletes the
//! produced files (import logs, listings, letters) older than their retention.

use calcium_core::BatchCode;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use jiff::SignedDuration;

/// The message of a run CLEAN finds with an expired lease.
const REAPED: &str = "Interrompu par CLEAN : l'instance qui exécutait le batch ne donne plus signe de vie";

#[derive(Debug, Clone, Copy)]
pub struct Clean;

impl Job for Clean {
    fn code(&self) -> BatchCode {
        BatchCode::Clean
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let settings = &ctx.settings;
            let now = ctx.now().await?;

            let reaped = ctx.store.reap_runs(now, settings.lease, None, REAPED).await?;
            for run in &reaped {
                ctx.log.warn(format!("Exécution {} du batch {} débloquée (INTERRUPTED)", run.id.0, run.batch));
            }
            ctx.checkpoint()?;

            let executions_before = now - days(settings.executions_days);
            let purged = ctx.store.purge_executions(executions_before, settings.keep_last).await?;
            ctx.log.info(format!(
                "{purged} exécution(s) de plus de {} jours supprimée(s) (les {} dernières de chaque batch sont gardées)",
                settings.executions_days, settings.keep_last
            ));
            ctx.checkpoint()?;

            let files_before = now - days(settings.import_logs_days);
            let (mut files_removed, mut bytes_freed) = (0_i64, 0_i64);
            for file in ctx.store.produced_files_before(files_before).await? {
                ctx.checkpoint()?;
                match std::fs::remove_file(&file.path) {
                    Ok(()) => bytes_freed += file.size_bytes,
                    // Already gone from the disk: only the record is left to remove.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => {
                        ctx.log.warn(format!("Fichier {} non supprimé : {error}", file.path));
                        continue;
                    }
                }
                ctx.store.delete_produced_file(file.id).await?;
                files_removed += 1;
            }
            ctx.log.info(format!(
                "{files_removed} fichier(s) produit(s) de plus de {} jours supprimé(s)",
                settings.import_logs_days
            ));

            Ok(JobSummary::default()
                .count("exécutions débloquées", reaped.len() as i64)
                .count("exécutions purgées", purged as i64)
                .count("fichiers supprimés", files_removed)
                .count("octets libérés", bytes_freed))
        })
    }
}

fn days(count: u32) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(count))
}

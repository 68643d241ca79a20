//! CLEAN_RELANCE — the purge of old relances (SPEC §6): the relances whose due date is more
//! than `retention.relances_days` days before the run's date go, with their letters (relance
//! and rappel) in one transaction; then the letter files no remaining letter refers to are
//! deleted from the disk. A relance due exactly `relances_days` days ago stays.

use calcium_core::BatchCode;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use jiff::Span;

#[derive(Debug, Clone, Copy)]
pub struct CleanRelances;

impl Job for CleanRelances {
    fn code(&self) -> BatchCode {
        BatchCode::CleanRelance
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let retention = ctx.settings.relances_days;
            let today = ctx.now().await?.to_zoned_datetime(ctx.settings.time_zone.clone()).date();
            let due_before = today
                .checked_sub(Span::new().days(i64::from(retention)))
                .map_err(|e| JobError::Failed(format!("retention.relances_days ({retention}) hors limites : {e}")))?;
            ctx.checkpoint()?;
            let cleanup = ctx.store.delete_relances_due_before(due_before).await?;
            ctx.log.info(format!(
                "{} relance(s) échue(s) avant le {} (plus de {retention} jours) supprimée(s), avec {} courrier(s) de \
                 relance et {} courrier(s) de rappel",
                cleanup.relances,
                due_before.strftime("%d/%m/%Y"),
                cleanup.relance_letters,
                cleanup.rappel_letters
            ));
            let mut files_removed = 0_i64;
            for (path, _) in &cleanup.orphaned_files {
                match std::fs::remove_file(path) {
                    Ok(()) => files_removed += 1,
                    // Already gone (CLEAN may have purged it): nothing left to do.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => files_removed += 1,
                    Err(error) => ctx.log.warn(format!("Fichier de courriers {path} non supprimé : {error}")),
                }
            }
            ctx.log.info(format!("{files_removed} fichier(s) de courriers supprimé(s)"));
            Ok(JobSummary::default()
                .count("relances supprimées", cleanup.relances as i64)
                .count("courriers de relance supprimés", cleanup.relance_letters as i64)
                .count("courriers de rappel supprimés", cleanup.rappel_letters as i64)
                .count("fichiers de courriers supprimés", files_removed))
        })
    }
}

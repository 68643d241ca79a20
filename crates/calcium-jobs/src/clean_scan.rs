//! CLEAN_SCAN — the cleaning of the scan basket (SPEC §6): the basket copies of documents
//! already filed into a student record go, and so do the basket documents never filed that
//! were scanned more than `retention.scan_days` ago. Rows and stored bytes go together, in one
//! transaction; a student record's own copy of a filed document is never touched.

use calcium_core::BatchCode;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};

use crate::{days, local_time};

#[derive(Debug, Clone, Copy)]
pub struct CleanScanBasket;

impl Job for CleanScanBasket {
    fn code(&self) -> BatchCode {
        BatchCode::CleanScan
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let retention = ctx.settings.scan_days;
            let stale_before = ctx.now().await? - days(retention);
            ctx.checkpoint()?;
            let cleanup = ctx.store.clean_scan_basket(stale_before).await?;
            ctx.log.info(format!(
                "{} copie(s) du panier de documents déjà classés dans un dossier supprimée(s)",
                cleanup.filed_copies
            ));
            ctx.log.info(format!(
                "{} document(s) jamais classé(s), scanné(s) avant le {} (plus de {retention} jours), supprimé(s)",
                cleanup.stale_documents,
                local_time(stale_before, ctx)
            ));
            ctx.log.info(format!("{} octet(s) libéré(s)", cleanup.bytes_freed));
            Ok(JobSummary::default()
                .count("copies classées supprimées", cleanup.filed_copies as i64)
                .count("documents périmés supprimés", cleanup.stale_documents as i64)
                .count("octets libérés", cleanup.bytes_freed))
        })
    }
}

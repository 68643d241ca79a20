//! FER_CON — the nightly closing of consultations (SPEC §6): every consultation still open
//! that was opened before the run started is closed, in one statement, stamped closed
//! automatically by the batch, at the run's time, by this execution. A consultation opened
//! while the run goes (or at its very first millisecond) is someone's live visit: left open.

use calcium_core::BatchCode;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};

use crate::local_time;

/// Who closed a consultation FER_CON closed (`consultation.closed_by`).
pub(crate) const CLOSED_BY: &str = "FER_CON";

#[derive(Debug, Clone, Copy)]
pub struct CloseConsultations;

impl Job for CloseConsultations {
    fn code(&self) -> BatchCode {
        BatchCode::FerCon
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let run_start = ctx.store.get_execution(ctx.execution).await?.started_at;
            ctx.checkpoint()?;
            let now = ctx.now().await?;
            let closed = ctx.store.close_open_consultations(run_start, now, CLOSED_BY, ctx.execution.0).await?;
            ctx.log.info(format!(
                "{closed} consultation(s) ouverte(s) avant le {} fermée(s) automatiquement",
                local_time(run_start, ctx)
            ));
            Ok(JobSummary::default().count("consultations fermées", closed as i64))
        })
    }
}

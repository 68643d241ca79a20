//! One run: the job, its lease renewals, its time limit, and the fenced write of its end.

use std::sync::Arc;
use std::time::Duration;

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::{DbError, ExecutionId};

use super::{Inner, Scheduler};
use crate::cancel::Cancellation;
use crate::job::{ExecutionLog, JobContext, JobError, JobSummary};

/// How a run ended, as this instance saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Its end was written with this status.
    Finished(ExecutionStatus),
    /// It lost its lease: another instance decided its fate (INTERRUPTED) and this one could
    /// not overwrite it.
    LostLease,
}

impl Scheduler {
    /// Starts the job of an execution this instance just claimed, in a task of its own.
    pub(super) async fn spawn_run(&self, id: ExecutionId, code: BatchCode) -> Result<(), DbError> {
        let batch = self.inner.store.get_batch(code).await?;
        let cancellation = Cancellation::default();
        self.inner.runs.lock().unwrap_or_else(|p| p.into_inner()).insert(id, cancellation.clone());
        let ctx = JobContext {
            store: self.inner.store.clone(),
            settings: self.inner.settings.clone(),
            execution: id,
            cancellation,
            log: ExecutionLog::default(),
            time: self.inner.time.clone(),
        };
        let time_limit = batch.time_limit_seconds.and_then(|s| u64::try_from(s).ok()).map(Duration::from_secs);
        let inner = self.inner.clone();
        tracing::info!(batch = %code, execution = id.0, "début d'exécution");
        tokio::spawn(async move {
            let outcome = execute(&inner, &ctx, code, time_limit).await;
            match outcome {
                Ok(outcome) => tracing::info!(batch = %code, execution = id.0, ?outcome, "fin d'exécution"),
                Err(error) => {
                    tracing::error!(batch = %code, execution = id.0, "fin d'exécution non enregistrée : {error}");
                }
            }
            inner.runs.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            inner.run_ended.notify_waiters();
            inner.wake.notify_one();
        });
        Ok(())
    }
}

async fn execute(
    inner: &Arc<Inner>,
    ctx: &JobContext,
    code: BatchCode,
    time_limit: Option<Duration>,
) -> Result<RunOutcome, DbError> {
    let lease = inner.config.lease;
    let heartbeat = {
        let inner = inner.clone();
        let ctx = ctx.clone();
        // A quarter of the lease between renewals: three can fail before the run is reaped.
        let period = inner.time.real_wait(lease / 4).max(Duration::from_millis(50));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let renewed = async {
                    flush_log(&ctx).await?;
                    let now = inner.time.now(&inner.store).await?;
                    inner.store.renew_lease(ctx.execution, now, lease).await
                };
                match renewed.await {
                    Ok(true) => {}
                    Ok(false) => {
                        ctx.cancellation.cancel("bail perdu : une autre instance a interrompu l'exécution");
                        break;
                    }
                    Err(error) => tracing::warn!("renouvellement du bail impossible : {error}"),
                }
            }
        })
    };

    let delay = inner.config.run_delay;
    if !delay.is_zero() {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = ctx.cancellation.cancelled() => {}
        }
    }
    let result = match inner.registry.get(code) {
        None => Err(JobError::Failed(format!(
            "Le traitement {code} n'est pas encore disponible dans cette version de Calcium : rien n'a été fait"
        ))),
        Some(job) => {
            let work = job.run(ctx);
            match time_limit {
                None => work.await,
                Some(limit) => match tokio::time::timeout(limit, work).await {
                    Ok(result) => result,
                    // Dropping the job's future rolls its open transaction back.
                    Err(_) => Err(JobError::Failed(format!(
                        "Durée maximale dépassée ({} s) : le traitement a été arrêté",
                        limit.as_secs()
                    ))),
                },
            }
        }
    };
    heartbeat.abort();

    let (status, summary, message) = verdict(result, ctx);
    match &message {
        Some(message) if status != ExecutionStatus::Finish => ctx.log.error(message),
        Some(message) => ctx.log.info(format!("Terminé : {message}")),
        None => ctx.log.info("Terminé"),
    }
    flush_log(ctx).await?;
    let now = inner.time.now(&inner.store).await?;
    let written = inner
        .store
        .finish_run(
            ctx.execution,
            status,
            now,
            lease,
            summary.as_ref().map(|s| s.to_json()).as_ref(),
            message.as_deref(),
            None,
        )
        .await?;
    Ok(if written { RunOutcome::Finished(status) } else { RunOutcome::LostLease })
}

fn verdict(
    result: Result<JobSummary, JobError>,
    ctx: &JobContext,
) -> (ExecutionStatus, Option<JobSummary>, Option<String>) {
    match result {
        Ok(summary) => {
            let message = Some(summary.message()).filter(|m| !m.is_empty());
            (ExecutionStatus::Finish, Some(summary), message)
        }
        Err(JobError::Cancelled) => {
            let reason = ctx.cancellation.reason().unwrap_or_else(|| "annulation demandée".to_owned());
            (ExecutionStatus::Cancelled, None, Some(format!("Exécution annulée : {reason}")))
        }
        Err(JobError::Failed(message)) => (ExecutionStatus::Error, None, Some(message)),
    }
}

async fn flush_log(ctx: &JobContext) -> Result<(), DbError> {
    let text = ctx.log.take();
    if text.is_empty() { Ok(()) } else { ctx.store.append_execution_log(ctx.execution, &text).await }
}

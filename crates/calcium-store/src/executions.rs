//! Executions of batches (SPEC §3). The uniqueness rules live in the schema: one execution per
//! (batch, occurrence) and at most one RUNNING execution per batch, so two instances racing
//! for the same work get a [`DbError::Conflict`] instead of a double run.

use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use jiff::Timestamp;

use crate::error::NotFound;
use crate::types::{from_millis, opt_from_millis, to_millis};
use crate::{DbError, Result, Store, on_backend};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExecutionId(pub i64);

/// An execution about to start (RUNNING) or an occurrence recorded without running
/// (MISSED, SKIPPED).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExecution {
    pub batch: BatchCode,
    pub status: ExecutionStatus,
    pub trigger: Trigger,
    /// The scheduled instant this execution decides; `None` for a manual launch.
    pub occurrence: Option<Timestamp>,
    pub triggered_by: Option<String>,
    pub instance_id: Option<String>,
    pub started_at: Timestamp,
    pub message: Option<String>,
}

/// An execution as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRow {
    pub id: ExecutionId,
    pub batch: BatchCode,
    pub status: ExecutionStatus,
    pub trigger: Trigger,
    pub occurrence: Option<Timestamp>,
    pub triggered_by: Option<String>,
    pub instance_id: Option<String>,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub heartbeat_at: Option<Timestamp>,
    pub cancel_requested: bool,
    pub progress_done: Option<i64>,
    pub progress_total: Option<i64>,
    pub summary: Option<serde_json::Value>,
    pub message: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RawExecution {
    id: i64,
    batch_code: String,
    status: String,
    trigger: String,
    occurrence: Option<i64>,
    triggered_by: Option<String>,
    instance_id: Option<String>,
    started_at: i64,
    finished_at: Option<i64>,
    heartbeat_at: Option<i64>,
    cancel_requested: bool,
    progress_done: Option<i64>,
    progress_total: Option<i64>,
    summary: Option<String>,
    message: Option<String>,
}

const SELECT_EXECUTION: &str = "SELECT id, batch_code, status, trigger, occurrence, triggered_by, instance_id, \
     started_at, finished_at, heartbeat_at, cancel_requested, progress_done, progress_total, summary, message \
     FROM execution";

impl TryFrom<RawExecution> for ExecutionRow {
    type Error = DbError;

    fn try_from(raw: RawExecution) -> Result<ExecutionRow> {
        let corrupt = |what: &str| DbError::Corrupt(format!("exécution {}: {what}", raw.id));
        Ok(ExecutionRow {
            id: ExecutionId(raw.id),
            batch: BatchCode::parse(&raw.batch_code).map_err(|_| corrupt("batch"))?,
            status: ExecutionStatus::parse(&raw.status).ok_or_else(|| corrupt("statut"))?,
            trigger: Trigger::parse(&raw.trigger).ok_or_else(|| corrupt("déclencheur"))?,
            occurrence: opt_from_millis(raw.occurrence)?,
            triggered_by: raw.triggered_by,
            instance_id: raw.instance_id,
            started_at: from_millis(raw.started_at)?,
            finished_at: opt_from_millis(raw.finished_at)?,
            heartbeat_at: opt_from_millis(raw.heartbeat_at)?,
            cancel_requested: raw.cancel_requested,
            progress_done: raw.progress_done,
            progress_total: raw.progress_total,
            summary: raw.summary.as_deref().map(serde_json::from_str).transpose().map_err(|_| corrupt("résumé"))?,
            message: raw.message,
        })
    }
}

impl Store {
    /// Records a new execution. A second RUNNING execution of the same batch, or a second
    /// execution of the same occurrence, is refused with [`DbError::Conflict`].
    pub async fn insert_execution(&self, new: &NewExecution) -> Result<ExecutionId> {
        let finished_at = (new.status != ExecutionStatus::Running).then_some(to_millis(new.started_at));
        let heartbeat_at = (new.status == ExecutionStatus::Running).then_some(to_millis(new.started_at));
        let id: i64 = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO execution (batch_code, status, trigger, occurrence, triggered_by, instance_id, \
                 started_at, finished_at, heartbeat_at, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 RETURNING id",
            )
            .bind(new.batch.as_str())
            .bind(new.status.as_str())
            .bind(new.trigger.as_str())
            .bind(new.occurrence.map(to_millis))
            .bind(new.triggered_by.as_deref())
            .bind(new.instance_id.as_deref())
            .bind(to_millis(new.started_at))
            .bind(finished_at)
            .bind(heartbeat_at)
            .bind(new.message.as_deref())
            .fetch_one(pool)
            .await?
        });
        Ok(ExecutionId(id))
    }

    /// Appends text to the execution's own log.
    pub async fn append_execution_log(&self, id: ExecutionId, text: &str) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("UPDATE execution SET log = log || $2 WHERE id = $1")
                .bind(id.0)
                .bind(text)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn execution_log(&self, id: ExecutionId) -> Result<String> {
        let log: Option<String> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT log FROM execution WHERE id = $1").bind(id.0).fetch_optional(pool).await?
        });
        log.ok_or(DbError::NotFound(NotFound::Execution(id.0)))
    }

    pub async fn get_execution(&self, id: ExecutionId) -> Result<ExecutionRow> {
        let raw: Option<RawExecution> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_EXECUTION} WHERE id = $1")))
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        let mut execution: ExecutionRow = raw.ok_or(DbError::NotFound(NotFound::Execution(id.0)))?.try_into()?;
        self.add_live_progress(std::slice::from_mut(&mut execution));
        Ok(execution)
    }

    /// On SQLite, the running executions' progress comes from beside the base
    /// ([`crate::live_progress`]): a few bytes on the local disk for each running one.
    fn add_live_progress(&self, executions: &mut [ExecutionRow]) {
        let Some(live) = self.live_progress() else { return };
        for execution in executions.iter_mut().filter(|e| e.status == ExecutionStatus::Running) {
            if let Some((done, total)) = live.read(execution.id) {
                (execution.progress_done, execution.progress_total) = (Some(done), Some(total));
            }
        }
    }

    /// The executions of a batch, newest first.
    pub async fn execution_history(&self, batch: BatchCode, limit: u32, offset: u32) -> Result<Vec<ExecutionRow>> {
        let raws: Vec<RawExecution> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT_EXECUTION} WHERE batch_code = $1 ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3"
            )))
            .bind(batch.as_str())
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(pool)
            .await?
        });
        let mut executions = raws.into_iter().map(ExecutionRow::try_from).collect::<Result<Vec<_>>>()?;
        self.add_live_progress(&mut executions);
        Ok(executions)
    }

    /// The latest execution of each batch that actually ran ("Dernière exécution": MISSED and
    /// SKIPPED rows only appear in the history).
    pub async fn last_ran_executions(&self) -> Result<Vec<ExecutionRow>> {
        let raws: Vec<RawExecution> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT_EXECUTION} WHERE id IN (SELECT MAX(id) FROM execution \
                 WHERE status NOT IN ('MISSED', 'SKIPPED') GROUP BY batch_code)"
            )))
            .fetch_all(pool)
            .await?
        });
        let mut executions = raws.into_iter().map(ExecutionRow::try_from).collect::<Result<Vec<_>>>()?;
        self.add_live_progress(&mut executions);
        Ok(executions)
    }

    /// How many executions a batch has (for the pages of its history).
    pub async fn count_executions(&self, batch: BatchCode) -> Result<i64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM execution WHERE batch_code = $1")
                .bind(batch.as_str())
                .fetch_one(pool)
                .await?
        }))
    }

    /// How many executions each batch has in each status (for the metrics).
    pub async fn execution_counts(&self) -> Result<Vec<(BatchCode, ExecutionStatus, i64)>> {
        let rows: Vec<(String, String, i64)> = on_backend!(self, |pool| {
            sqlx::query_as("SELECT batch_code, status, COUNT(*) FROM execution GROUP BY batch_code, status")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(batch, status, count)| {
                let corrupt = || DbError::Corrupt(format!("exécution de {batch} en {status}"));
                let code = BatchCode::parse(&batch).map_err(|_| corrupt())?;
                Ok((code, ExecutionStatus::parse(&status).ok_or_else(corrupt)?, count))
            })
            .collect()
    }

    /// The result summaries of a batch's finished executions (for the import metrics).
    pub async fn execution_summaries(&self, batch: BatchCode) -> Result<Vec<serde_json::Value>> {
        let texts: Vec<String> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT summary FROM execution WHERE batch_code = $1 AND summary IS NOT NULL")
                .bind(batch.as_str())
                .fetch_all(pool)
                .await?
        });
        texts
            .iter()
            .map(|text| serde_json::from_str(text).map_err(|_| DbError::Corrupt(format!("résumé de {batch}"))))
            .collect()
    }
}

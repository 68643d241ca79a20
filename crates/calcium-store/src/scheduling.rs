//! What the scheduler asks of the base: the database clock, the instance registry, claims of
//! occurrences and launch requests, heartbeats and leases, and the reaping of runs whose lease
//! expired. Every claim is a single statement guarded by the schema's uniqueness rules, so
//! instances racing for the same work cannot both win, on SQLite or on PostgreSQL.

use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use jiff::Timestamp;

use crate::error::NotFound;
use crate::executions::ExecutionId;
use crate::types::{from_millis, opt_from_millis, to_millis};
use crate::{Backend, DbError, Result, Store, on_backend};

/// An instance of `calcium serve` as registered in the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRow {
    pub id: String,
    pub host: String,
    pub pid: i32,
    pub version: String,
    pub started_at: Timestamp,
    pub heartbeat_at: Timestamp,
    pub stopped_at: Option<Timestamp>,
}

/// What became of an attempt to claim a scheduled occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccurrenceClaim {
    /// This caller runs it.
    Claimed(ExecutionId),
    /// Another instance already decided it (ran, skipped or missed it).
    AlreadyDecided,
    /// The batch is running: the occurrence falls during a run.
    BatchBusy,
}

/// The answer to a "lancement immédiat" request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchRequest {
    /// The flag is raised; an instance will start the run.
    Accepted,
    /// The batch is not "en service".
    Disabled,
    /// A launch is already asked for and not finished.
    AlreadyRequested,
    /// The batch is running right now.
    AlreadyRunning,
}

/// A run that lost its lease and was marked INTERRUPTED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReapedExecution {
    pub id: ExecutionId,
    pub batch: BatchCode,
    pub instance_id: Option<String>,
}

impl Store {
    /// The base's own clock: every instance measures leases and due occurrences on it, so
    /// their own clocks may drift without a run being taken twice or reaped too early.
    pub async fn database_now(&self) -> Result<Timestamp> {
        let millis: i64 = match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query_scalar("SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER)").fetch_one(pool).await?
            }
            Backend::Postgres(pool) => {
                sqlx::query_scalar("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT")
                    .fetch_one(pool)
                    .await?
            }
        };
        from_millis(millis)
    }

    pub async fn register_instance(&self, instance: &InstanceRow) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query(
                "INSERT INTO instance (id, host, pid, version, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(instance.id.as_str())
            .bind(instance.host.as_str())
            .bind(instance.pid)
            .bind(instance.version.as_str())
            .bind(to_millis(instance.started_at))
            .bind(to_millis(instance.heartbeat_at))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn instance_heartbeat(&self, id: &str, now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("UPDATE instance SET heartbeat_at = $2 WHERE id = $1")
                .bind(id)
                .bind(to_millis(now))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn stop_instance(&self, id: &str, now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("UPDATE instance SET stopped_at = $2 WHERE id = $1")
                .bind(id)
                .bind(to_millis(now))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The instances that are not stopped and whose heartbeat is younger than `lease`.
    pub async fn live_instances(&self, now: Timestamp, lease: jiff::SignedDuration) -> Result<Vec<InstanceRow>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            id: String,
            host: String,
            pid: i32,
            version: String,
            started_at: i64,
            heartbeat_at: i64,
            stopped_at: Option<i64>,
        }
        let since = to_millis(now) - lease.as_millis() as i64;
        let raws: Vec<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT id, host, pid, version, started_at, heartbeat_at, stopped_at FROM instance \
                 WHERE stopped_at IS NULL AND heartbeat_at >= $1 ORDER BY started_at",
            )
            .bind(since)
            .fetch_all(pool)
            .await?
        });
        raws.into_iter()
            .map(|raw| {
                Ok(InstanceRow {
                    id: raw.id,
                    host: raw.host,
                    pid: raw.pid,
                    version: raw.version,
                    started_at: from_millis(raw.started_at)?,
                    heartbeat_at: from_millis(raw.heartbeat_at)?,
                    stopped_at: opt_from_millis(raw.stopped_at)?,
                })
            })
            .collect()
    }

    /// The RUNNING executions held by instances of `host`, with the pid of their instance: a
    /// process known to be gone lets its runs be reaped at once.
    pub async fn running_on_host(&self, host: &str) -> Result<Vec<(ExecutionId, String, i32)>> {
        let rows: Vec<(i64, String, i32)> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT e.id, i.id, i.pid FROM execution e JOIN instance i ON i.id = e.instance_id \
                 WHERE e.status = 'RUNNING' AND i.host = $1",
            )
            .bind(host)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(id, instance, pid)| (ExecutionId(id), instance, pid)).collect())
    }

    /// Claims a scheduled occurrence: starts a RUNNING execution for it unless the occurrence
    /// is already decided or the batch is running. One statement: the unique (batch,
    /// occurrence) key and the one-RUNNING-per-batch index make a double claim impossible.
    pub async fn claim_occurrence(
        &self,
        batch: BatchCode,
        occurrence: Timestamp,
        trigger: Trigger,
        instance_id: &str,
        now: Timestamp,
    ) -> Result<OccurrenceClaim> {
        let claimed: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO execution (batch_code, status, trigger, occurrence, instance_id, started_at, heartbeat_at) \
                 SELECT $1, 'RUNNING', $2, $3, $4, $5, $5 \
                 WHERE NOT EXISTS (SELECT 1 FROM execution WHERE batch_code = $1 AND status = 'RUNNING') \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(batch.as_str())
            .bind(trigger.as_str())
            .bind(to_millis(occurrence))
            .bind(instance_id)
            .bind(to_millis(now))
            .fetch_optional(pool)
            .await?
        });
        if let Some(id) = claimed {
            return Ok(OccurrenceClaim::Claimed(ExecutionId(id)));
        }
        if self.occurrence_decided(batch, occurrence).await? {
            Ok(OccurrenceClaim::AlreadyDecided)
        } else {
            Ok(OccurrenceClaim::BatchBusy)
        }
    }

    async fn occurrence_decided(&self, batch: BatchCode, occurrence: Timestamp) -> Result<bool> {
        let found: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM execution WHERE batch_code = $1 AND occurrence = $2")
                .bind(batch.as_str())
                .bind(to_millis(occurrence))
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    /// Records an occurrence that does not run (MISSED or SKIPPED). Returns `false` when the
    /// occurrence was already decided by someone else.
    pub async fn record_unrun_occurrence(
        &self,
        batch: BatchCode,
        occurrence: Timestamp,
        status: ExecutionStatus,
        message: &str,
        instance_id: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        debug_assert!(matches!(status, ExecutionStatus::Missed | ExecutionStatus::Skipped));
        let inserted = on_backend!(self, |pool| {
            sqlx::query(
                "INSERT INTO execution (batch_code, status, trigger, occurrence, instance_id, started_at, finished_at, \
                 message) VALUES ($1, $2, 'SCHEDULE', $3, $4, $5, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(batch.as_str())
            .bind(status.as_str())
            .bind(to_millis(occurrence))
            .bind(instance_id)
            .bind(to_millis(now))
            .bind(message)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// Moves the batch's "decided until" mark forward to `occurrence` (never backward).
    pub async fn mark_decided(&self, batch: BatchCode, occurrence: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE batch SET decided_until = $2 WHERE code = $1 AND (decided_until IS NULL OR decided_until < $2)",
            )
            .bind(batch.as_str())
            .bind(to_millis(occurrence))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Raises the "lancement immédiat" flag, or says why it cannot be raised.
    pub async fn request_launch(&self, batch: BatchCode, user: &str, now: Timestamp) -> Result<LaunchRequest> {
        let updated = on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE batch SET launch_now = TRUE, launch_requested_by = $2, launch_requested_at = $3, \
                 launch_request = COALESCE(launch_request, 0) + 1 \
                 WHERE code = $1 AND enabled AND NOT launch_now \
                 AND NOT EXISTS (SELECT 1 FROM execution WHERE batch_code = $1 AND status = 'RUNNING')",
            )
            .bind(batch.as_str())
            .bind(user)
            .bind(to_millis(now))
            .execute(pool)
            .await?
            .rows_affected()
        });
        if updated == 1 {
            return Ok(LaunchRequest::Accepted);
        }
        let row = self.get_batch(batch).await?;
        Ok(if !row.enabled {
            LaunchRequest::Disabled
        } else if row.launch_now {
            LaunchRequest::AlreadyRequested
        } else {
            LaunchRequest::AlreadyRunning
        })
    }

    /// The batches whose launch flag is raised.
    pub async fn pending_launches(&self) -> Result<Vec<BatchCode>> {
        let codes: Vec<String> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT code FROM batch WHERE launch_now ORDER BY launch_requested_at, code")
                .fetch_all(pool)
                .await?
        });
        codes.iter().map(|code| BatchCode::parse(code).map_err(|_| DbError::Corrupt(format!("batch {code}")))).collect()
    }

    /// Starts the run that answers the batch's current launch request, unless another
    /// instance already did or the batch is running.
    pub async fn claim_launch(
        &self,
        batch: BatchCode,
        instance_id: &str,
        now: Timestamp,
    ) -> Result<Option<ExecutionId>> {
        let id: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO execution (batch_code, status, trigger, launch_request, triggered_by, instance_id, \
                 started_at, heartbeat_at) \
                 SELECT code, 'RUNNING', 'MANUAL', launch_request, launch_requested_by, $2, $3, $3 FROM batch \
                 WHERE code = $1 AND launch_now \
                 AND NOT EXISTS (SELECT 1 FROM execution WHERE batch_code = $1 AND status = 'RUNNING') \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(batch.as_str())
            .bind(instance_id)
            .bind(to_millis(now))
            .fetch_optional(pool)
            .await?
        });
        Ok(id.map(ExecutionId))
    }

    /// Starts a run that answers no request and no schedule: an import by hand, recorded
    /// under IMP_QUO (SPEC §4.7). `None` when the batch is running.
    pub async fn start_unscheduled_run(
        &self,
        batch: BatchCode,
        trigger: Trigger,
        triggered_by: Option<&str>,
        instance_id: &str,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<ExecutionId>> {
        let id: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO execution (batch_code, status, trigger, triggered_by, instance_id, started_at, \
                 heartbeat_at, message) SELECT $1, 'RUNNING', $2, $3, $4, $5, $5, $6 \
                 WHERE NOT EXISTS (SELECT 1 FROM execution WHERE batch_code = $1 AND status = 'RUNNING') \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(batch.as_str())
            .bind(trigger.as_str())
            .bind(triggered_by)
            .bind(instance_id)
            .bind(to_millis(now))
            .bind(message)
            .fetch_optional(pool)
            .await?
        });
        Ok(id.map(ExecutionId))
    }

    /// Renews the lease of a run. Returns `false` when the run no longer holds it (it expired
    /// or the run was reaped or finished): the run must stop.
    pub async fn renew_lease(&self, id: ExecutionId, now: Timestamp, lease: jiff::SignedDuration) -> Result<bool> {
        let updated = on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE execution SET heartbeat_at = $2 WHERE id = $1 AND status = 'RUNNING' AND heartbeat_at >= $3",
            )
            .bind(id.0)
            .bind(to_millis(now))
            .bind(to_millis(now) - lease.as_millis() as i64)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Writes the end of a run, only if it still holds its lease (fencing: a paused process
    /// that wakes up after being reaped cannot overwrite the verdict), and lowers the launch
    /// flag of the request it answered, in the same transaction. Returns whether it was written.
    #[allow(clippy::too_many_arguments, reason = "one statement's columns, named at the call site")]
    pub async fn finish_run(
        &self,
        id: ExecutionId,
        status: ExecutionStatus,
        now: Timestamp,
        lease: jiff::SignedDuration,
        summary: Option<&serde_json::Value>,
        message: Option<&str>,
        progress: Option<(i64, i64)>,
    ) -> Result<bool> {
        let summary = summary.map(serde_json::Value::to_string);
        let written = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE execution SET status = $2, finished_at = $3, summary = $4, message = $5, \
                 progress_done = COALESCE($7, progress_done), progress_total = COALESCE($8, progress_total) \
                 WHERE id = $1 AND status = 'RUNNING' AND heartbeat_at >= $6",
            )
            .bind(id.0)
            .bind(status.as_str())
            .bind(to_millis(now))
            .bind(summary)
            .bind(message)
            .bind(to_millis(now) - lease.as_millis() as i64)
            .bind(progress.map(|p| p.0))
            .bind(progress.map(|p| p.1))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 1 {
                sqlx::query(LOWER_LAUNCH_FLAG).bind(id.0).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            updated == 1
        });
        if written && let Some(live) = self.live_progress() {
            live.forget(id);
        }
        Ok(written)
    }

    /// Marks INTERRUPTED every RUNNING execution whose lease expired at `now` (or, with
    /// `instance`, every one that instance holds), frees their batches and lowers their launch
    /// flags. Any live instance may do it; it is idempotent.
    pub async fn reap_runs(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        only_execution: Option<ExecutionId>,
        message: &str,
    ) -> Result<Vec<ReapedExecution>> {
        let expired_before = to_millis(now) - lease.as_millis() as i64;
        let rows: Vec<(i64, String, Option<String>)> = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "UPDATE execution SET status = 'INTERRUPTED', finished_at = $1, message = $4 \
                 WHERE status = 'RUNNING' AND (($3 IS NULL AND heartbeat_at < $2) OR id = $3) \
                 RETURNING id, batch_code, instance_id",
            )
            .bind(to_millis(now))
            .bind(expired_before)
            .bind(only_execution.map(|id| id.0))
            .bind(message)
            .fetch_all(&mut *tx)
            .await?;
            for (id, _, _) in &rows {
                sqlx::query(LOWER_LAUNCH_FLAG).bind(*id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            rows
        });
        if let Some(live) = self.live_progress() {
            for (id, _, _) in &rows {
                live.forget(ExecutionId(*id));
            }
        }
        rows.into_iter()
            .map(|(id, batch, instance_id)| {
                Ok(ReapedExecution {
                    id: ExecutionId(id),
                    batch: BatchCode::parse(&batch).map_err(|_| DbError::Corrupt(format!("batch {batch}")))?,
                    instance_id,
                })
            })
            .collect()
    }

    /// Asks the running execution of a batch to stop. Returns `false` when nothing runs.
    pub async fn request_cancel(&self, batch: BatchCode) -> Result<bool> {
        let updated = on_backend!(self, |pool| {
            sqlx::query("UPDATE execution SET cancel_requested = TRUE WHERE batch_code = $1 AND status = 'RUNNING'")
                .bind(batch.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(updated > 0)
    }

    /// The runs of `instance_id` whose cancellation was asked for.
    pub async fn cancel_requests(&self, instance_id: &str) -> Result<Vec<ExecutionId>> {
        let ids: Vec<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "SELECT id FROM execution WHERE status = 'RUNNING' AND cancel_requested AND instance_id = $1",
            )
            .bind(instance_id)
            .fetch_all(pool)
            .await?
        });
        Ok(ids.into_iter().map(ExecutionId).collect())
    }

    /// Records the progress of a run (lines done / total), for the page.
    pub async fn set_progress(&self, id: ExecutionId, done: i64, total: i64) -> Result<()> {
        if let Backend::Sqlite(_) = &self.backend {
            // Beside the base: an import holds its only write lock (live_progress).
            if let Some(live) = self.live_progress() {
                let published = tokio::task::spawn_blocking(move || live.publish(id, done, total)).await;
                published
                    .map_err(std::io::Error::other)
                    .and_then(|written| written)
                    .map_err(|error| DbError::Unavailable(format!("progression de l'exécution {} : {error}", id.0)))?;
            }
            return Ok(());
        }
        on_backend!(self, |pool| {
            sqlx::query("UPDATE execution SET progress_done = $2, progress_total = $3 WHERE id = $1")
                .bind(id.0)
                .bind(done)
                .bind(total)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The RUNNING execution of a batch, if any.
    pub async fn running_execution(&self, batch: BatchCode) -> Result<Option<ExecutionId>> {
        let id: Option<i64> = on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM execution WHERE batch_code = $1 AND status = 'RUNNING'")
                .bind(batch.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(ExecutionId))
    }

    /// Deletes the executions that started before `before`, keeping the `keep_last` newest of
    /// each batch and every RUNNING one. Returns how many went.
    pub async fn purge_executions(&self, before: Timestamp, keep_last: u32) -> Result<u64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query(
                "DELETE FROM execution WHERE status <> 'RUNNING' AND started_at < $1 AND id NOT IN ( \
                 SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY batch_code ORDER BY started_at DESC, id DESC) \
                 AS rank FROM execution) ranked WHERE rank <= $2)",
            )
            .bind(to_millis(before))
            .bind(i64::from(keep_last))
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Deletes the record of a produced file (its bytes are the caller's business).
    pub async fn delete_produced_file(&self, id: i64) -> Result<()> {
        let deleted = on_backend!(self, |pool| {
            sqlx::query("DELETE FROM produced_file WHERE id = $1").bind(id).execute(pool).await?.rows_affected()
        });
        if deleted == 0 { Err(DbError::NotFound(NotFound::File(id))) } else { Ok(()) }
    }
}

/// Lowers the launch flag of the batch whose current request execution `$1` answered.
const LOWER_LAUNCH_FLAG: &str = "UPDATE batch SET launch_now = FALSE \
     WHERE code = (SELECT batch_code FROM execution WHERE id = $1) \
     AND launch_request = (SELECT launch_request FROM execution WHERE id = $1)";

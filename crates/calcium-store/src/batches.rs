//! The twelve batches: schedule fields, "en service", the launch-now flag.

use calcium_core::schedule::ScheduleFields;
use calcium_core::{BatchCode, BatchDefinition, CatchUpPolicy, Schedule, WallTime, WeekdaySet};
use jiff::Timestamp;

use crate::error::NotFound;
use crate::types::{opt_from_millis, to_millis};
use crate::{DbError, Result, Store, on_backend};

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub code: BatchCode,
    pub label: String,
    pub enabled: bool,
    pub launch_now: bool,
    pub launch_requested_by: Option<String>,
    pub launch_requested_at: Option<Timestamp>,
    pub schedule: Schedule,
    pub catch_up: CatchUpPolicy,
    pub time_limit_seconds: Option<i32>,
    /// The last occurrence whose fate was decided (ran, skipped or missed).
    pub decided_until: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct RawBatch {
    code: String,
    label: String,
    enabled: bool,
    launch_now: bool,
    launch_requested_by: Option<String>,
    launch_requested_at: Option<i64>,
    time_minutes: i32,
    day_of_month: Option<i32>,
    month: Option<i32>,
    year: Option<i32>,
    weekdays: i32,
    catch_up: String,
    time_limit_seconds: Option<i32>,
    decided_until: Option<i64>,
}

const SELECT_BATCH: &str = "SELECT code, label, enabled, launch_now, launch_requested_by, launch_requested_at, \
     time_minutes, day_of_month, month, year, weekdays, catch_up, time_limit_seconds, decided_until FROM batch";

impl TryFrom<RawBatch> for BatchRow {
    type Error = DbError;

    fn try_from(raw: RawBatch) -> Result<BatchRow> {
        let corrupt = |what: &str| DbError::Corrupt(format!("batch {}: {what}", raw.code));
        let code = BatchCode::parse(&raw.code).map_err(|_| corrupt("code inconnu"))?;
        let time = u16::try_from(raw.time_minutes)
            .ok()
            .and_then(WallTime::from_minutes_of_day)
            .ok_or_else(|| corrupt("heure"))?;
        let small = |value: Option<i32>| value.map(u8::try_from).transpose();
        let fields = ScheduleFields {
            time,
            day_of_month: small(raw.day_of_month).map_err(|_| corrupt("jour"))?,
            month: small(raw.month).map_err(|_| corrupt("mois"))?,
            year: raw.year.map(i16::try_from).transpose().map_err(|_| corrupt("année"))?,
            weekdays: u8::try_from(raw.weekdays)
                .ok()
                .and_then(WeekdaySet::from_mask)
                .ok_or_else(|| corrupt("jours"))?,
        };
        let schedule = Schedule::new(fields).map_err(|e| corrupt(&e.to_string()))?;
        Ok(BatchRow {
            code,
            catch_up: CatchUpPolicy::parse(&raw.catch_up).ok_or_else(|| corrupt("rattrapage"))?,
            label: raw.label,
            enabled: raw.enabled,
            launch_now: raw.launch_now,
            launch_requested_by: raw.launch_requested_by,
            launch_requested_at: opt_from_millis(raw.launch_requested_at)?,
            schedule,
            time_limit_seconds: raw.time_limit_seconds,
            decided_until: opt_from_millis(raw.decided_until)?,
        })
    }
}

impl Store {
    /// Inserts the batches that do not exist yet; existing rows (and an administrator's
    /// changes to them) are left alone. A new batch has decided nothing before `now`: the
    /// occurrences that fell before the base existed are not "missed".
    pub async fn ensure_batches(&self, definitions: &[BatchDefinition], now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for definition in definitions {
                let fields = definition.schedule.fields();
                sqlx::query(
                    "INSERT INTO batch (code, label, enabled, time_minutes, day_of_month, month, year, weekdays, \
                     catch_up, decided_until, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(definition.code.as_str())
                .bind(definition.label)
                .bind(definition.enabled)
                .bind(i32::from(fields.time.minutes_of_day()))
                .bind(fields.day_of_month.map(i32::from))
                .bind(fields.month.map(i32::from))
                .bind(fields.year.map(i32::from))
                .bind(i32::from(fields.weekdays.mask()))
                .bind(definition.catch_up.as_str())
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The batches, in code order.
    pub async fn list_batches(&self) -> Result<Vec<BatchRow>> {
        let raws: Vec<RawBatch> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_BATCH} ORDER BY code"))).fetch_all(pool).await?
        });
        raws.into_iter().map(BatchRow::try_from).collect()
    }

    pub async fn get_batch(&self, code: BatchCode) -> Result<BatchRow> {
        let raw: Option<RawBatch> = on_backend!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_BATCH} WHERE code = $1")))
                .bind(code.as_str())
                .fetch_optional(pool)
                .await?
        });
        raw.ok_or_else(|| DbError::NotFound(NotFound::Batch(code.to_string())))?.try_into()
    }

    /// Saves a new schedule. The occurrences before `now` count as decided, so a saved
    /// schedule never fires at once for a time that already passed (SPEC §3).
    pub async fn update_batch_schedule(&self, code: BatchCode, schedule: &Schedule, now: Timestamp) -> Result<()> {
        let fields = schedule.fields();
        let updated = on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE batch SET time_minutes = $2, day_of_month = $3, month = $4, year = $5, weekdays = $6, \
                 decided_until = $7, updated_at = $7 WHERE code = $1",
            )
            .bind(code.as_str())
            .bind(i32::from(fields.time.minutes_of_day()))
            .bind(fields.day_of_month.map(i32::from))
            .bind(fields.month.map(i32::from))
            .bind(fields.year.map(i32::from))
            .bind(i32::from(fields.weekdays.mask()))
            .bind(to_millis(now))
            .execute(pool)
            .await?
            .rows_affected()
        });
        found(updated, code)
    }

    /// Puts a batch in or out of service. Time out of service is not "missed": switching a
    /// batch back on decides everything before `now`.
    pub async fn set_batch_enabled(&self, code: BatchCode, enabled: bool, now: Timestamp) -> Result<()> {
        let updated = on_backend!(self, |pool| {
            sqlx::query(
                "UPDATE batch SET enabled = $2, updated_at = $3, \
                 decided_until = CASE WHEN $2 AND NOT enabled THEN $3 ELSE decided_until END WHERE code = $1",
            )
            .bind(code.as_str())
            .bind(enabled)
            .bind(to_millis(now))
            .execute(pool)
            .await?
            .rows_affected()
        });
        found(updated, code)
    }

    /// Sets (or removes) the time limit of a batch's runs.
    pub async fn set_batch_time_limit(&self, code: BatchCode, seconds: Option<i32>, now: Timestamp) -> Result<()> {
        let updated = on_backend!(self, |pool| {
            sqlx::query("UPDATE batch SET time_limit_seconds = $2, updated_at = $3 WHERE code = $1")
                .bind(code.as_str())
                .bind(seconds)
                .bind(to_millis(now))
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(updated, code)
    }
}

fn found(rows_affected: u64, code: BatchCode) -> Result<()> {
    if rows_affected == 0 { Err(DbError::NotFound(NotFound::Batch(code.to_string()))) } else { Ok(()) }
}

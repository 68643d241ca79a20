//! Where the engine reads the time.

use std::sync::{Arc, Mutex};

use calcium_store::{DbError, Store};
use jiff::{SignedDuration, Timestamp};

/// The engine's clock. In production, the base's clock: all instances share it, so a machine
/// whose clock drifts neither runs an occurrence early nor reaps a live run.
#[derive(Debug, Clone)]
pub enum TimeSource {
    /// The base's clock.
    Database,
    /// A clock the tests set by hand.
    Manual(Arc<Mutex<Timestamp>>),
    /// The base's clock, sped up: `virtual_origin + (db_now − real_origin) × scale`. Lets a
    /// test run many occurrences of minute-grained schedules with real processes; every
    /// instance of one test gets the same origins.
    Scaled { real_origin: Timestamp, virtual_origin: Timestamp, scale: u32 },
}

impl TimeSource {
    pub fn manual(start: Timestamp) -> TimeSource {
        TimeSource::Manual(Arc::new(Mutex::new(start)))
    }

    /// Moves a manual clock (no effect on the others).
    pub fn set(&self, now: Timestamp) {
        if let TimeSource::Manual(clock) = self {
            *clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
        }
    }

    /// Advances a manual clock (no effect on the others).
    pub fn advance(&self, by: SignedDuration) {
        if let TimeSource::Manual(clock) = self {
            let mut now = clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            *now = now.saturating_add(by).unwrap_or(*now);
        }
    }

    pub async fn now(&self, store: &Store) -> Result<Timestamp, DbError> {
        match self {
            TimeSource::Database => store.database_now().await,
            TimeSource::Manual(clock) => Ok(*clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
            TimeSource::Scaled { real_origin, virtual_origin, scale } => {
                let elapsed = store.database_now().await?.duration_since(*real_origin);
                let scaled =
                    elapsed.checked_mul(i32::try_from(*scale).unwrap_or(i32::MAX)).unwrap_or(SignedDuration::MAX);
                Ok(virtual_origin.saturating_add(scaled).unwrap_or(*virtual_origin))
            }
        }
    }

    /// How long to really wait for `virtual_wait` to pass on this clock.
    pub fn real_wait(&self, virtual_wait: SignedDuration) -> std::time::Duration {
        let wait = match self {
            TimeSource::Scaled { scale, .. } => virtual_wait / i32::try_from(*scale).unwrap_or(i32::MAX).max(1),
            _ => virtual_wait,
        };
        wait.try_into().unwrap_or_default()
    }
}

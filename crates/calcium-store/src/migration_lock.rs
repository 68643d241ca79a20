//! One migrating process at a time on a SQLite base.
//!
//! sqlx locks PostgreSQL's migrations (an advisory lock) but not SQLite's: two processes
//! starting at once on a new or older base (the service and a scheduled `calcium` command, say)
//! both applied the same migration, and the second failed on a table or a column the first
//! had just made. A lock on a file beside the base makes the second wait, then find the base
//! up to date. The file stays (removing it would let a third process lock a file already
//! gone); the operating system lets the lock go with the process, even a killed one.

use std::fs::File;
use std::path::Path;

use crate::error::DbError;

/// Held while the migrations run; released when dropped.
#[derive(Debug)]
pub(crate) struct MigrationLock {
    _file: File,
}

impl MigrationLock {
    /// Waits for the migration lock of the base in `base_file`; `None` for a base in memory,
    /// which no other process can open.
    pub(crate) async fn acquire(base_file: &Path) -> Result<Option<MigrationLock>, DbError> {
        let Some(path) = crate::beside_the_base(base_file, "migration.lock") else {
            return Ok(None);
        };
        let unavailable =
            |error: std::io::Error| DbError::Unavailable(format!("verrou de migration {} : {error}", path.display()));
        let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(unavailable)?;
        // Another process may hold it for the seconds a migration takes: wait off the workers.
        let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .map_err(|join| DbError::Unavailable(format!("verrou de migration : {join}")))?
            .map_err(unavailable)?;
        Ok(Some(MigrationLock { _file: file }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_lock_file_is_beside_the_base_and_none_for_a_base_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MigrationLock::acquire(&dir.path().join("calcium.db")).await.unwrap();
        assert!(lock.is_some() && dir.path().join("calcium.db-migration.lock").exists());
        assert!(MigrationLock::acquire(Path::new(":memory:")).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("calcium.db");
        let first = MigrationLock::acquire(&base).await.unwrap().unwrap();
        let second = tokio::spawn({
            let base = base.clone();
            async move { MigrationLock::acquire(&base).await.unwrap().unwrap() }
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!second.is_finished(), "the second waits while the first holds the lock");
        drop(first);
        let second = tokio::time::timeout(std::time::Duration::from_secs(10), second).await.unwrap().unwrap();
        drop(second);
    }
}

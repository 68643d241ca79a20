//! The progress of a running execution, on SQLite, where the base cannot take it.
//!
//! An import holds SQLite's only write lock until it commits: a progress written to the
//! execution's row would wait for the very end (and hold a pool connection meanwhile). So on
//! SQLite the progress goes to a small file per running execution, in a folder beside the base
//! (`calcium.db-progress/<execution id>`), which every process of the machine reads: a SQLite
//! base is one machine's, and the page served by `calcium serve` shows an import that
//! `calcium import` runs in another process. On PostgreSQL the progress goes to the row.
//!
//! The file is written whole under another name and renamed, so a reader never sees half of
//! it; it goes when the execution ends. A left-over file (a killed process) is never read: only
//! a RUNNING execution's progress is.

use std::path::{Path, PathBuf};

use crate::executions::ExecutionId;

/// The folder of the progress files of one SQLite base.
#[derive(Debug, Clone)]
pub(crate) struct LiveProgress {
    dir: PathBuf,
}

impl LiveProgress {
    /// Beside the base file; `None` for a base in memory (nothing else can read it anyway).
    pub(crate) fn beside(base_file: &Path) -> Option<LiveProgress> {
        Some(LiveProgress { dir: crate::beside_the_base(base_file, "progress")? })
    }

    /// Publishes `done` of `total` for `execution`.
    pub(crate) fn publish(&self, execution: ExecutionId, done: i64, total: i64) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let file = self.file(execution);
        let partial = file.with_extension("partiel");
        std::fs::write(&partial, format!("{done} {total}"))?;
        std::fs::rename(&partial, &file)
    }

    /// What `execution` last published, if anything (and if it reads well).
    pub(crate) fn read(&self, execution: ExecutionId) -> Option<(i64, i64)> {
        let text = std::fs::read_to_string(self.file(execution)).ok()?;
        let (done, total) = text.trim().split_once(' ')?;
        Some((done.parse().ok()?, total.parse().ok()?))
    }

    /// Removes what `execution` published (nothing to remove is fine).
    pub(crate) fn forget(&self, execution: ExecutionId) {
        let _ = std::fs::remove_file(self.file(execution));
    }

    fn file(&self, execution: ExecutionId) -> PathBuf {
        self.dir.join(execution.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_published_is_read_back_until_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveProgress::beside(&dir.path().join("calcium.db")).unwrap();
        let id = ExecutionId(7);
        assert_eq!(live.read(id), None);
        live.publish(id, 1_200, 5_000).unwrap();
        live.publish(id, 2_400, 5_000).unwrap();
        assert_eq!(live.read(id), Some((2_400, 5_000)));
        assert!(dir.path().join("calcium.db-progress").join("7").exists());
        live.forget(id);
        assert_eq!(live.read(id), None);
        live.forget(id);
        assert!(LiveProgress::beside(Path::new(":memory:")).is_none());
    }
}

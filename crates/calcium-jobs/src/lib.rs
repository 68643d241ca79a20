//! The jobs behind the twelve batches (SPEC §6), one module each, each a small struct
//! implementing [`calcium_scheduler::Job`].
//!
//! A job reads and writes through the store only, reports its counts in a
//! [`calcium_scheduler::JobSummary`], says what it did in the execution's log, and checks for
//! cancellation between units of work. Batches whose job is not written yet are absent from
//! [`registry`]: the engine then ends their runs in ERROR with a message saying so.

use calcium_scheduler::Registry;

mod clean;
mod doublons;
mod imp_quo;

pub use clean::Clean;
pub use doublons::Doublons;
pub use imp_quo::{DailyImport, ManualImport, ProgressHook, ReportSlot};

/// Every job this version of Calcium can run.
pub fn registry() -> Registry {
    Registry::new().with(Clean).with(DailyImport).with(Doublons)
}

//! The jobs behind the twelve batches (SPEC §6), one module each, each a small struct
//! implementing [`calcium_scheduler::Job`].
//!
//! A job reads and writes through the store only, reports its counts in a
//! [`calcium_scheduler::JobSummary`], says what it did in the execution's log, and checks for
//! cancellation between units of work. Batches whose job is not written yet are absent from
//! [`registry`]: the engine then ends their runs in ERROR with a message saying so.

use calcium_scheduler::Registry;

mod clean;
mod clean_relance;
mod clean_scan;
mod doublons;
mod fer_con;
mod imp_quo;
mod maj_identite;
mod mes_vaccins;
mod relance_letters;
mod relance_listings;

pub use clean::Clean;
pub use clean_relance::CleanRelances;
pub use clean_scan::CleanScanBasket;
pub use doublons::Doublons;
pub use fer_con::CloseConsultations;
pub use imp_quo::{DailyImport, ManualImport, ProgressHook, ReportSlot};
pub use maj_identite::RebuildIdentityStats;
pub use mes_vaccins::ImportVaccinations;
pub use relance_letters::{MAX_MAIL_ATTEMPTS, RappelLetters, RelanceLetters};
pub use relance_listings::{RappelListing, RelanceListing};

/// Every job this version of Calcium can run.
pub fn registry() -> Registry {
    Registry::new()
        .with(Clean)
        .with(DailyImport)
        .with(CloseConsultations)
        .with(CleanScanBasket)
        .with(CleanRelances)
        .with(RebuildIdentityStats)
        .with(ImportVaccinations)
        .with(RelanceLetters)
        .with(RappelLetters)
        .with(RelanceListing)
        .with(RappelListing)
        .with(Doublons)
}

/// `retention.*` days as a duration (24-hour days: retentions are counted in instants).
pub(crate) fn days(count: u32) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * i64::from(count))
}

/// An instant as the log shows it: local time of the configured zone, `JJ/MM/AAAA HH:MM:SS`.
pub(crate) fn local_time(instant: jiff::Timestamp, ctx: &calcium_scheduler::JobContext) -> String {
    instant.to_zoned_datetime(ctx.settings.time_zone.clone()).strftime("%d/%m/%Y %H:%M:%S").to_string()
}

//! Domain types and rules of Calcium batch.
//!
//! Everything here is pure: no IO, no async, no SQL, no HTTP, no command line. Values that come
//! from outside (a CSV cell, a form field, a CLI flag) become domain types only through the
//! parsers of this crate, so code past the boundary never checks them again.

pub mod batch;
pub mod execution;
pub mod identity;
pub mod normalize;
pub mod postal_address;
pub mod reference;
pub mod relance;
pub mod schedule;
pub mod student;
pub mod user;

pub use batch::{BatchCode, BatchDefinition, CatchUpPolicy, EnableRefused, ServicesConfigured};
pub use execution::{ExecutionStatus, Trigger};
pub use schedule::{Schedule, ScheduleError, WallTime, Weekday, WeekdaySet};

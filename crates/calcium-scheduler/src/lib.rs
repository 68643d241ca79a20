//! The batch engine of Calcium (SPEC §3), run by `calcium serve`.
//!
//! Each tick, an instance reaps the runs whose lease expired, decides the occurrences that
//! fell due since the batch's "decided until" mark (run, catch up, skip or miss), answers the
//! "lancement immédiat" requests and the cancellations, then sleeps until the next occurrence
//! or the next poll. Every decision is a claim in the base under a uniqueness rule, so any
//! number of instances on one PostgreSQL base run each occurrence once; time is read from the
//! base's clock, so their own clocks do not matter.
//!
//! This crate knows nothing of HTTP, files or the command line; jobs are plain structs
//! implementing [`Job`], registered in a [`Registry`] by the caller.

mod cancel;
mod engine;
mod job;
mod plan;
mod time;

pub use cancel::Cancellation;
pub use engine::{RunOutcome, Scheduler, SchedulerConfig};
pub use job::{
    BoxFuture, ExecutionLog, Job, JobContext, JobError, JobSettings, JobSummary, MesVaccinsSettings, Registry,
};
pub use plan::{Action, Decision, plan_occurrences};
pub use time::TimeSource;

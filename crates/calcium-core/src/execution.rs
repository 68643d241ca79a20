//! Executions of a batch (SPEC §3): their statuses and what triggered them.

use std::fmt;

/// The status of one execution. RUNNING is the only non-final status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExecutionStatus {
    Running,
    Finish,
    Error,
    Interrupted,
    Missed,
    Skipped,
    Cancelled,
}

impl ExecutionStatus {
    pub const ALL: [ExecutionStatus; 7] = [
        ExecutionStatus::Running,
        ExecutionStatus::Finish,
        ExecutionStatus::Error,
        ExecutionStatus::Interrupted,
        ExecutionStatus::Missed,
        ExecutionStatus::Skipped,
        ExecutionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Finish => "FINISH",
            ExecutionStatus::Error => "ERROR",
            ExecutionStatus::Interrupted => "INTERRUPTED",
            ExecutionStatus::Missed => "MISSED",
            ExecutionStatus::Skipped => "SKIPPED",
            ExecutionStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<ExecutionStatus> {
        ExecutionStatus::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether the batch actually ran (MISSED and SKIPPED rows only appear in the history).
    pub fn actually_ran(self) -> bool {
        !matches!(self, ExecutionStatus::Missed | ExecutionStatus::Skipped)
    }
}

impl fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What started an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// The batch's schedule, on time or within the grace period.
    Schedule,
    /// A missed occurrence run late under the "run once" catch-up policy.
    CatchUp,
    /// "Lancement immédiat" by a named user (or the CLI).
    Manual,
    /// A student file imported by hand (web page or `calcium import`), recorded under IMP_QUO.
    ManualImport,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "SCHEDULE",
            Trigger::CatchUp => "CATCH_UP",
            Trigger::Manual => "MANUAL",
            Trigger::ManualImport => "MANUAL_IMPORT",
        }
    }

    pub fn parse(text: &str) -> Option<Trigger> {
        [Trigger::Schedule, Trigger::CatchUp, Trigger::Manual, Trigger::ManualImport]
            .into_iter()
            .find(|trigger| trigger.as_str() == text)
    }

    /// The French words of the history dialog.
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Schedule => "programmation",
            Trigger::CatchUp => "rattrapage",
            Trigger::Manual => "lancement immédiat",
            Trigger::ManualImport => "import manuel",
        }
    }
}

//! Executions of a batch (SPEC §3): their statuses and what triggered them.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;

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

/// The "Dernière exécution" text of SPEC §3, in local time without offset:
/// `FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec`.
/// A running execution shows its elapsed time at `now` and no end.
pub fn execution_text(
    status: ExecutionStatus,
    started_at: Timestamp,
    finished_at: Option<Timestamp>,
    now: Timestamp,
    tz: &TimeZone,
) -> String {
    let local = |t: Timestamp| t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let end = finished_at.unwrap_or(now);
    let duration = duration_text(end.as_second() - started_at.as_second());
    match finished_at {
        Some(finished_at) => {
            format!("{status} - Deb : {} - Fin : {} - Durée : {duration}", local(started_at), local(finished_at))
        }
        None => format!("{status} - Deb : {} - Durée : {duration}", local(started_at)),
    }
}

/// Whole minutes and seconds, two digits at least, minutes beyond 59 allowed: `61min 42sec`.
pub fn duration_text(seconds: i64) -> String {
    let seconds = seconds.max(0);
    format!("{:02}min {:02}sec", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_text_follows_the_seed() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let start: Timestamp = "2017-07-21T01:00:24Z".parse().unwrap();
        let end: Timestamp = "2017-07-21T01:02:35Z".parse().unwrap();
        assert_eq!(
            execution_text(ExecutionStatus::Finish, start, Some(end), end, &paris),
            "FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec"
        );
        let now: Timestamp = "2017-07-21T02:01:46Z".parse().unwrap();
        assert_eq!(
            execution_text(ExecutionStatus::Running, start, None, now, &paris),
            "RUNNING - Deb : 2017-07-21T03:00:24 - Durée : 61min 22sec"
        );
        assert_eq!(duration_text(0), "00min 00sec");
    }
}

//! The "Dernière exécution" text of the batch table (SPEC §3):
//! `FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec`.
//!
//! The wording itself is `calcium_core::execution::execution_text`, shared with `calcium batch
//! list --json`, so the page and the command line can never disagree; this module only applies
//! it to a stored execution. No base, no HTML, no choice of which execution to show.

use calcium_core::execution::execution_text;
use calcium_store::ExecutionRow;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The text of `execution` at `now` (a running one shows the time elapsed so far), times on the
/// wall clock of `tz`, without offset.
pub(crate) fn last_run_text(execution: &ExecutionRow, now: Timestamp, tz: &TimeZone) -> String {
    execution_text(execution.status, execution.started_at, execution.finished_at, now, tz)
}

#[cfg(test)]
mod tests {
    use calcium_core::{BatchCode, ExecutionStatus, Trigger};
    use calcium_store::ExecutionId;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// The text of an execution of DOUBLONS, shown at `now` in Paris.
    fn check(status: ExecutionStatus, started_at: &str, finished_at: Option<&str>, now: &str) -> String {
        let execution = ExecutionRow {
            id: ExecutionId(1),
            batch: BatchCode::Doublons,
            status,
            trigger: Trigger::Schedule,
            occurrence: None,
            triggered_by: None,
            instance_id: None,
            started_at: at(started_at),
            finished_at: finished_at.map(at),
            heartbeat_at: None,
            cancel_requested: false,
            progress_done: None,
            progress_total: None,
            summary: None,
            message: None,
        };
        last_run_text(&execution, at(now), &TimeZone::get("Europe/Paris").unwrap())
    }

    #[test]
    fn a_finished_run_shows_local_start_end_and_duration_as_in_the_seed() {
        let text = check(
            ExecutionStatus::Finish,
            "2017-07-21T01:00:24Z",
            Some("2017-07-21T01:02:35Z"),
            "2017-07-22T00:00:00Z",
        );
        assert_eq!(text, "FINISH - Deb : 2017-07-21T03:00:24 - Fin : 2017-07-21T03:02:35 - Durée : 02min 11sec");
    }

    #[test]
    fn a_running_batch_shows_its_elapsed_time_and_minutes_go_beyond_59() {
        let text = check(ExecutionStatus::Running, "2017-05-26T03:00:25Z", None, "2017-05-26T04:02:07Z");
        assert_eq!(text, "RUNNING - Deb : 2017-05-26T05:00:25 - Durée : 61min 42sec");
    }

    #[test]
    fn winter_time_and_sub_second_instants() {
        let text = check(
            ExecutionStatus::Error,
            "2024-01-15T04:00:00.900Z",
            Some("2024-01-15T04:00:01.100Z"),
            "2024-01-15T05:00:00Z",
        );
        assert_eq!(text, "ERROR - Deb : 2024-01-15T05:00:00 - Fin : 2024-01-15T05:00:01 - Durée : 00min 01sec");
    }

    #[test]
    fn a_clock_gone_backwards_never_shows_a_negative_duration() {
        let text = check(ExecutionStatus::Running, "2024-01-15T04:00:10Z", None, "2024-01-15T04:00:00Z");
        assert_eq!(text, "RUNNING - Deb : 2024-01-15T05:00:10 - Durée : 00min 00sec");
    }
}

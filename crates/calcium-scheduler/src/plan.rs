//! Which occurrences fell due and what becomes of each (SPEC §3): pure, no IO.

use calcium_core::{CatchUpPolicy, Schedule, Trigger};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A missed occurrence older than this never runs, whatever the policy (SPEC §3).
const CATCH_UP_LIMIT: SignedDuration = SignedDuration::from_hours(24);

/// At most this many past occurrences are decided in one go: a batch left out of service for
/// years is not worth thousands of MISSED rows, only the latest ones.
const MAX_DUE: usize = 1000;

/// What becomes of a due occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Runs now, on time (trigger "programmation") or late (trigger "rattrapage").
    Run(Trigger),
    /// Recorded as MISSED.
    Miss,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub occurrence: Timestamp,
    pub action: Action,
}

/// The occurrences in `(decided_until, now]`, oldest first, with their fate: the latest runs if
/// it is within the grace period, or, beyond it, once as a catch-up if the policy says so and it
/// is less than 24 hours old; every other one is missed.
pub fn plan_occurrences(
    schedule: &Schedule,
    tz: &TimeZone,
    decided_until: Timestamp,
    now: Timestamp,
    grace: SignedDuration,
    catch_up: CatchUpPolicy,
) -> Vec<Decision> {
    let mut due: Vec<Timestamp> = Vec::new();
    let mut cursor = decided_until;
    while let Some(next) = schedule.next_after(cursor, tz) {
        if next > now {
            break;
        }
        if due.len() == MAX_DUE {
            due.remove(0);
        }
        due.push(next);
        cursor = next;
    }
    let last = due.len().checked_sub(1);
    due.into_iter()
        .enumerate()
        .map(|(index, occurrence)| {
            let late_by = now.duration_since(occurrence);
            let action = if Some(index) != last {
                Action::Miss
            } else if late_by <= grace {
                Action::Run(Trigger::Schedule)
            } else if catch_up == CatchUpPolicy::RunOnce && late_by < CATCH_UP_LIMIT {
                Action::Run(Trigger::CatchUp)
            } else {
                Action::Miss
            };
            Decision { occurrence, action }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use calcium_core::schedule::ScheduleFields;
    use calcium_core::{WallTime, WeekdaySet};

    use super::*;

    fn at_four(days: &str) -> Schedule {
        Schedule::new(ScheduleFields {
            time: WallTime::new(4, 0).unwrap(),
            day_of_month: None,
            month: None,
            year: None,
            weekdays: WeekdaySet::parse_list(days).unwrap(),
        })
        .unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    const DAILY: &str = "lun,mar,mer,jeu,ven,sam,dim";

    fn check(decided: &str, now: &str, policy: CatchUpPolicy, expected: &[(&str, Action)]) {
        check_with(DAILY, decided, now, policy, expected);
    }

    fn check_with(days: &str, decided: &str, now: &str, policy: CatchUpPolicy, expected: &[(&str, Action)]) {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let plan =
            plan_occurrences(&at_four(days), &paris, at(decided), at(now), SignedDuration::from_mins(15), policy);
        let got: Vec<(Timestamp, Action)> = plan.iter().map(|d| (d.occurrence, d.action)).collect();
        let expected: Vec<(Timestamp, Action)> = expected.iter().map(|(t, a)| (at(t), *a)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn nothing_is_due_before_the_time() {
        check("2026-11-27T04:00:00Z", "2026-11-28T02:59:00Z", CatchUpPolicy::RunOnce, &[]);
    }

    #[test]
    fn an_occurrence_within_the_grace_period_runs_on_schedule() {
        let run = Action::Run(Trigger::Schedule);
        check("2026-11-27T04:00:00Z", "2026-11-28T03:00:00Z", CatchUpPolicy::RunOnce, &[("2026-11-28T03:00:00Z", run)]);
        check("2026-11-27T04:00:00Z", "2026-11-28T03:15:00Z", CatchUpPolicy::Skip, &[("2026-11-28T03:00:00Z", run)]);
    }

    #[test]
    fn beyond_the_grace_period_the_policy_decides() {
        let catch_up = Action::Run(Trigger::CatchUp);
        check(
            "2026-11-27T04:00:00Z",
            "2026-11-28T03:16:00Z",
            CatchUpPolicy::RunOnce,
            &[("2026-11-28T03:00:00Z", catch_up)],
        );
        check(
            "2026-11-27T04:00:00Z",
            "2026-11-28T03:16:00Z",
            CatchUpPolicy::Skip,
            &[("2026-11-28T03:00:00Z", Action::Miss)],
        );
    }

    #[test]
    fn after_a_long_downtime_only_the_latest_runs_once_and_the_rest_are_missed() {
        check(
            "2026-11-25T04:00:00Z",
            "2026-11-28T10:00:00Z",
            CatchUpPolicy::RunOnce,
            &[
                ("2026-11-26T03:00:00Z", Action::Miss),
                ("2026-11-27T03:00:00Z", Action::Miss),
                ("2026-11-28T03:00:00Z", Action::Run(Trigger::CatchUp)),
            ],
        );
    }

    #[test]
    fn a_catch_up_older_than_a_day_is_missed() {
        // Mondays only: Monday 23 November 04:00 Paris, found on Tuesday at 03:01 UTC (24 h 1 min).
        let late = [("2026-11-23T03:00:00Z", Action::Miss)];
        check_with("lun", "2026-11-20T00:00:00Z", "2026-11-24T03:01:00Z", CatchUpPolicy::RunOnce, &late);
        let in_time = [("2026-11-23T03:00:00Z", Action::Run(Trigger::CatchUp))];
        check_with("lun", "2026-11-20T00:00:00Z", "2026-11-24T02:59:00Z", CatchUpPolicy::RunOnce, &in_time);
    }

    #[test]
    fn aucun_jour_is_never_due() {
        check_with("", "2026-11-20T00:00:00Z", "2026-11-28T00:00:00Z", CatchUpPolicy::RunOnce, &[]);
    }
}

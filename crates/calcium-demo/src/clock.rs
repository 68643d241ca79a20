//! The demo's sense of time: `today` and `now` as the caller gave them, and instants drawn
//! around them (office hours on working days, never after `now`).

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use rand::Rng;

pub(crate) const MINUTE_MS: i64 = 60_000;
pub(crate) const HOUR_MS: i64 = 60 * MINUTE_MS;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    today: Date,
    now: Timestamp,
    now_ms: i64,
    /// Midnight UTC at the start of `today`, in epoch milliseconds.
    midnight_ms: i64,
    /// Monday = 0.
    weekday: i64,
}

impl Clock {
    pub(crate) fn new(today: Date, now: Timestamp) -> Clock {
        let epoch_days = today.duration_since(jiff::civil::date(1970, 1, 1)).as_secs().div_euclid(86_400);
        Clock {
            today,
            now,
            now_ms: now.as_millisecond(),
            midnight_ms: epoch_days * DAY_MS,
            weekday: i64::from(today.weekday().to_monday_zero_offset()),
        }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.now
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The instant at `ms` epoch milliseconds, moved back to `now` if it is later: nothing
    /// the demo records has happened in the future.
    pub(crate) fn instant(&self, ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms.min(self.now_ms)).unwrap_or(self.now)
    }

    /// A moment of the opening hours of the health service (8 h – 17 h 30, Paris, taken as
    /// 7 h – 16 h 30 UTC), `days_ago` days before today, a weekend moved back to the Friday.
    pub(crate) fn office_hours_ms(&self, days_ago: i64, rng: &mut impl Rng) -> i64 {
        let days_ago = match (self.weekday - days_ago).rem_euclid(7) {
            5 => days_ago + 1,
            6 => days_ago + 2,
            _ => days_ago,
        };
        self.midnight_ms - days_ago * DAY_MS + rng.random_range(7 * HOUR_MS..16 * HOUR_MS + 30 * MINUTE_MS)
    }

    /// Today plus `days` (negative for the past).
    pub(crate) fn date(&self, days: i64) -> Date {
        self.today.saturating_add(Span::new().days(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};
    use jiff::tz::TimeZone;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn office_hours_fall_on_working_days_and_never_after_now() {
        // A Saturday.
        let clock = Clock::new(date(2026, 11, 28), "2026-11-28T10:00:00Z".parse().unwrap());
        let mut rng = StdRng::seed_from_u64(5);
        for days_ago in 0..30 {
            let instant = clock.instant(clock.office_hours_ms(days_ago, &mut rng));
            assert!(instant <= clock.now());
            let local = TimeZone::UTC.to_datetime(instant);
            assert!(!matches!(local.weekday(), Weekday::Saturday | Weekday::Sunday), "{local}");
            assert!((7..17).contains(&local.hour()), "{local}");
        }
    }
}

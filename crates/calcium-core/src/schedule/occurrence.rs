//! When a schedule fires: the firing rule and the next occurrence on the configured wall clock
//! (SPEC §2), DST included.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::{Schedule, ScheduleError, Weekday};

/// How far ahead a search goes: a Gregorian cycle, after which every calendar repeats. A
/// schedule with no occurrence in that span has none at all.
const SEARCH_YEARS: i16 = 400;

impl Schedule {
    /// Whether the schedule fires on local date `date` (the firing rule of SPEC §2).
    pub fn fires_on(&self, date: Date) -> bool {
        let f = &self.fields;
        if self.is_never() {
            return false;
        }
        let day_ok = f.day_of_month.is_none_or(|d| i8::try_from(d).is_ok_and(|d| d == date.day()));
        let month_ok = f.month.is_none_or(|m| i8::try_from(m).is_ok_and(|m| m == date.month()));
        let year_ok = f.year.is_none_or(|y| y == date.year());
        let weekday_ok = f.weekdays.is_empty() || f.weekdays.contains(Weekday::from(date.weekday()));
        day_ok && month_ok && year_ok && weekday_ok
    }

    /// The first instant strictly after `after` at which the schedule fires, in `tz`.
    ///
    /// The wall time is resolved with the "compatible" rule: a time skipped by a spring-forward
    /// gap fires once, shifted forward by the gap; a time repeated by a fall-back fold fires
    /// once, at the first of the two instants.
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        if self.is_never() {
            return None;
        }
        let start = after.to_zoned_datetime(tz.clone()).date();
        self.candidate_dates(start).find_map(|date| {
            let wall = date.to_datetime(jiff::civil::time(self.time().hour() as i8, self.time().minute() as i8, 0, 0));
            let instant = wall.to_zoned_datetime(tz.clone()).ok()?.timestamp();
            (instant > after).then_some(instant)
        })
    }

    /// Refuses a schedule that will never fire again after `now` (SPEC §2): a year already
    /// past, or a combination of fields with no future date. "Aucun jour" is accepted.
    pub fn check_fires_after(&self, now: Timestamp, tz: &TimeZone) -> Result<(), ScheduleError> {
        if self.is_never() {
            return Ok(());
        }
        let this_year = now.to_zoned_datetime(tz.clone()).year();
        if let Some(year) = self.year()
            && year < this_year
        {
            return Err(ScheduleError::YearInPast(year));
        }
        match self.next_after(now, tz) {
            Some(_) => Ok(()),
            None => Err(ScheduleError::NeverFires),
        }
    }

    /// The next `count` occurrences after `after`.
    pub fn occurrences_after(&self, after: Timestamp, tz: &TimeZone, count: usize) -> Vec<Timestamp> {
        std::iter::successors(self.next_after(after, tz), |previous| self.next_after(*previous, tz))
            .take(count)
            .collect()
    }

    /// The dates from `start` on on which the schedule fires, in order. Walks the coarsest
    /// unit the fields allow (years for a fixed day and month, months for a fixed day, days
    /// otherwise), so rare schedules such as 29 February on a Monday stay cheap.
    fn candidate_dates(&self, start: Date) -> impl Iterator<Item = Date> + '_ {
        let f = self.fields;
        let last_year = f.year.unwrap_or(start.year().saturating_add(SEARCH_YEARS));
        let first = match f.year {
            Some(year) if year > start.year() => jiff::civil::date(year, 1, 1),
            _ => start,
        };
        let dates: Box<dyn Iterator<Item = Date>> = match (f.day_of_month, f.month) {
            (Some(day), Some(month)) => {
                Box::new((first.year()..=last_year).filter_map(move |y| Date::new(y, month as i8, day as i8).ok()))
            }
            (Some(day), None) => {
                let first_month = jiff::civil::date(first.year(), first.month(), 1);
                Box::new(
                    std::iter::successors(Some(first_month), |m| m.checked_add(1.month()).ok())
                        .take_while(move |m| m.year() <= last_year)
                        .filter_map(move |m| Date::new(m.year(), m.month(), day as i8).ok()),
                )
            }
            _ => Box::new(
                std::iter::successors(Some(first), |d| d.tomorrow().ok()).take_while(move |d| d.year() <= last_year),
            ),
        };
        dates.filter(move |date| *date >= start && self.fires_on(*date))
    }
}

//! A schedule typed by an administrator (the "Edition de batch" dialog or `PUT /api/batches/…`)
//! turned into a [`Schedule`], or the French refusal of `calcium-core` with the field it belongs
//! to, so the dialog can show it next to that field.

use calcium_core::schedule::ScheduleFields;
use calcium_core::{Schedule, ScheduleError, WallTime, WeekdaySet};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The fields of the edit dialog, as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScheduleInput {
    pub(crate) time: String,
    pub(crate) day_of_month: String,
    pub(crate) month: String,
    pub(crate) year: String,
    pub(crate) weekdays: WeekdaySet,
}

/// Which field a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Time,
    DayOfMonth,
    Month,
    Year,
    Weekdays,
}

/// A refusal and the field it is shown next to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) field: Field,
    pub(crate) message: String,
}

impl ScheduleInput {
    /// The schedule, checked by `Schedule::new` and against the base's `now` (a schedule that
    /// never fires again is refused; "Aucun jour" stays valid).
    pub(crate) fn parse(&self, now: Timestamp, tz: &TimeZone) -> Result<Schedule, FieldError> {
        let time = WallTime::parse(self.time.trim()).map_err(|e| error_of(&e))?;
        let fields = ScheduleFields {
            time,
            day_of_month: number(&self.day_of_month, ScheduleError::BadDayOfMonth)?,
            month: number(&self.month, ScheduleError::BadMonth)?,
            year: number(&self.year, ScheduleError::BadYear)?,
            weekdays: self.weekdays,
        };
        let schedule = Schedule::new(fields).map_err(|e| error_of(&e))?;
        schedule.check_fires_after(now, tz).map_err(|e| error_of(&e))?;
        Ok(schedule)
    }
}

/// An optional number: empty is "not set"; anything that does not fit is refused with the
/// message of `calcium-core` for that field (a text that is no number reads as 0, out of range).
fn number<T: TryFrom<i64>>(text: &str, refusal: fn(i64) -> ScheduleError) -> Result<Option<T>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: i64 = text.parse().map_err(|_| error_of(&refusal(0)))?;
    T::try_from(value).map(Some).map_err(|_| error_of(&refusal(value)))
}

fn error_of(error: &ScheduleError) -> FieldError {
    let field = match error {
        ScheduleError::BadTime(_) => Field::Time,
        ScheduleError::BadDayOfMonth(_) | ScheduleError::DayNeverInMonth { .. } => Field::DayOfMonth,
        ScheduleError::BadMonth(_) => Field::Month,
        ScheduleError::BadYear(_) | ScheduleError::YearInPast(_) => Field::Year,
        ScheduleError::BadWeekday(_) | ScheduleError::NeverFires => Field::Weekdays,
    };
    FieldError { field, message: error.to_string() }
}

#[cfg(test)]
mod tests {
    use calcium_core::Weekday;

    use super::*;

    fn check(time: &str, day: &str, month: &str, year: &str, weekdays: &[Weekday]) -> Result<String, (Field, String)> {
        let input = ScheduleInput {
            time: time.to_owned(),
            day_of_month: day.to_owned(),
            month: month.to_owned(),
            year: year.to_owned(),
            weekdays: weekdays.iter().fold(WeekdaySet::default(), |set, day| set.with(*day)),
        };
        let now: Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        input.parse(now, &TimeZone::get("Europe/Paris").unwrap()).map(|s| s.summary()).map_err(|e| (e.field, e.message))
    }

    #[test]
    fn valid_input_gives_the_schedule_and_its_summary() {
        assert_eq!(
            check("01:00", "", "", "", &[Weekday::Lundi, Weekday::Vendredi]).unwrap(),
            "Tous les lun, ven à 01h00"
        );
        assert_eq!(check(" 05:00 ", "1", "9", "", &[]).unwrap(), "Le 1er septembre de chaque année à 05h00");
        assert_eq!(check("06:10", "", "", "", &[]).unwrap(), "Aucun jour à 06h10");
    }

    #[test]
    fn each_refusal_names_its_field_with_the_message_of_the_core() {
        assert_eq!(check("25:00", "", "", "", &[]).unwrap_err().0, Field::Time);
        let (field, message) = check("01:00", "31", "2", "", &[]).unwrap_err();
        assert_eq!(
            (field, message.as_str()),
            (Field::DayOfMonth, "Le 31 février n'existe pas : ce batch ne s'exécuterait jamais")
        );
        assert_eq!(check("01:00", "abc", "", "", &[]).unwrap_err().0, Field::DayOfMonth);
        assert_eq!(check("01:00", "300", "", "", &[]).unwrap_err().0, Field::DayOfMonth);
        assert_eq!(check("01:00", "", "13", "", &[]).unwrap_err().1, "Mois de l'année invalide : 13 (entre 1 et 12)");
        assert_eq!(check("01:00", "", "", "2020", &[]).unwrap_err().0, Field::Year);
        assert_eq!(check("01:00", "", "", "99999", &[]).unwrap_err().0, Field::Year);
    }
}

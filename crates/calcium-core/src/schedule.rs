//! Batch schedules ("Programmation", SPEC §2): the fields an administrator sets, the checks that
//! refuse a schedule that can never fire, and the French summary shown in the batch table.
//!
//! A [`Schedule`] is built only through [`Schedule::new`], so a stored or displayed schedule is
//! always one the rules accept.

use std::fmt;

use crate::schedule::text::summary;

mod occurrence;
#[cfg(test)]
mod tests;
mod text;

/// Hour and minute of the day a batch starts, on the configured wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallTime {
    hour: u8,
    minute: u8,
}

impl WallTime {
    /// Builds a time from its parts; `None` when the hour or the minute is out of range.
    pub fn new(hour: u8, minute: u8) -> Option<WallTime> {
        (hour < 24 && minute < 60).then_some(WallTime { hour, minute })
    }

    /// Parses `HH:MM` (also `H:MM`), the format of the edit dialog and the CLI.
    pub fn parse(text: &str) -> Result<WallTime, ScheduleError> {
        let bad = || ScheduleError::BadTime(text.to_owned());
        let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
        let is_number =
            |s: &str, max_len: usize| !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
        if !is_number(hours, 2) || minutes.len() != 2 || !is_number(minutes, 2) {
            return Err(bad());
        }
        let hour = hours.parse().map_err(|_| bad())?;
        let minute = minutes.parse().map_err(|_| bad())?;
        WallTime::new(hour, minute).ok_or_else(bad)
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }

    /// Minutes since midnight, the form the base stores.
    pub fn minutes_of_day(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }

    pub fn from_minutes_of_day(minutes: u16) -> Option<WallTime> {
        let hour = u8::try_from(minutes / 60).ok()?;
        WallTime::new(hour, (minutes % 60) as u8)
    }
}

/// `HH:MM`, the format of the CLI and of the JSON `schedule.time` field.
impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A day of the week, Monday first as in the French calendar and the edit dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Lundi,
    Mardi,
    Mercredi,
    Jeudi,
    Vendredi,
    Samedi,
    Dimanche,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Lundi,
        Weekday::Mardi,
        Weekday::Mercredi,
        Weekday::Jeudi,
        Weekday::Vendredi,
        Weekday::Samedi,
        Weekday::Dimanche,
    ];

    /// The three-letter form of the summary text and the CLI (`lun`, `mar`, …).
    pub fn short_name(self) -> &'static str {
        match self {
            Weekday::Lundi => "lun",
            Weekday::Mardi => "mar",
            Weekday::Mercredi => "mer",
            Weekday::Jeudi => "jeu",
            Weekday::Vendredi => "ven",
            Weekday::Samedi => "sam",
            Weekday::Dimanche => "dim",
        }
    }

    /// The label of the edit dialog's check box (`Lundi`, …).
    pub fn label(self) -> &'static str {
        match self {
            Weekday::Lundi => "Lundi",
            Weekday::Mardi => "Mardi",
            Weekday::Mercredi => "Mercredi",
            Weekday::Jeudi => "Jeudi",
            Weekday::Vendredi => "Vendredi",
            Weekday::Samedi => "Samedi",
            Weekday::Dimanche => "Dimanche",
        }
    }

    /// Accepts the short name or the full label, in any case.
    pub fn parse(text: &str) -> Option<Weekday> {
        let wanted = text.trim().to_lowercase();
        Weekday::ALL.into_iter().find(|day| day.short_name() == wanted || day.label().to_lowercase() == wanted)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl From<jiff::civil::Weekday> for Weekday {
    fn from(day: jiff::civil::Weekday) -> Weekday {
        use jiff::civil::Weekday as W;
        match day {
            W::Monday => Weekday::Lundi,
            W::Tuesday => Weekday::Mardi,
            W::Wednesday => Weekday::Mercredi,
            W::Thursday => Weekday::Jeudi,
            W::Friday => Weekday::Vendredi,
            W::Saturday => Weekday::Samedi,
            W::Sunday => Weekday::Dimanche,
        }
    }
}

/// A set of weekdays, stored as a 7-bit mask (bit 0 = lundi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    pub const EMPTY: WeekdaySet = WeekdaySet(0);
    pub const ALL: WeekdaySet = WeekdaySet(0b111_1111);

    pub fn from_mask(mask: u8) -> Option<WeekdaySet> {
        (mask <= WeekdaySet::ALL.0).then_some(WeekdaySet(mask))
    }

    pub fn mask(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & day.bit() != 0
    }

    pub fn with(self, day: Weekday) -> WeekdaySet {
        WeekdaySet(self.0 | day.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn is_all(self) -> bool {
        self == WeekdaySet::ALL
    }

    /// The days in calendar order, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL.into_iter().filter(move |day| self.contains(*day))
    }

    /// Parses `lun,mar,ven` (the CLI form) or `none` / an empty string for no day.
    pub fn parse_list(text: &str) -> Result<WeekdaySet, ScheduleError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(WeekdaySet::EMPTY);
        }
        text.split(',').try_fold(WeekdaySet::EMPTY, |set, item| {
            Weekday::parse(item)
                .map(|day| set.with(day))
                .ok_or_else(|| ScheduleError::BadWeekday(item.trim().to_owned()))
        })
    }
}

impl FromIterator<Weekday> for WeekdaySet {
    fn from_iter<I: IntoIterator<Item = Weekday>>(days: I) -> WeekdaySet {
        days.into_iter().fold(WeekdaySet::EMPTY, WeekdaySet::with)
    }
}

/// Why a schedule is refused. The `Display` text is the French message shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("Heure de lancement invalide : « {0} » (format attendu HH:MM)")]
    BadTime(String),
    #[error("Jour du mois invalide : {0} (entre 1 et 31)")]
    BadDayOfMonth(i64),
    #[error("Mois de l'année invalide : {0} (entre 1 et 12)")]
    BadMonth(i64),
    #[error("Année invalide : {0}")]
    BadYear(i64),
    #[error("Jour de la semaine inconnu : « {0} » (lun, mar, mer, jeu, ven, sam, dim)")]
    BadWeekday(String),
    #[error("Le {day} {month} n'existe pas : ce batch ne s'exécuterait jamais")]
    DayNeverInMonth { day: u8, month: &'static str },
    #[error("L'année {0} est passée : ce batch ne s'exécuterait jamais")]
    YearInPast(i16),
    #[error("Cette programmation ne tombe sur aucune date future : ce batch ne s'exécuterait jamais")]
    NeverFires,
}

/// The French month names of the summary text, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The raw fields of a schedule, as the edit dialog, the CLI or the base hand them over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleFields {
    pub time: WallTime,
    pub day_of_month: Option<u8>,
    pub month: Option<u8>,
    pub year: Option<i16>,
    pub weekdays: WeekdaySet,
}

/// A schedule the rules accept (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    fields: ScheduleFields,
}

impl Schedule {
    /// Checks the fields against what a calendar allows. Whether a schedule still has a future
    /// occurrence depends on the current date, which the caller checks with the scheduler's
    /// clock; this constructor refuses what can never fire on any date.
    pub fn new(fields: ScheduleFields) -> Result<Schedule, ScheduleError> {
        if let Some(day) = fields.day_of_month
            && !(1..=31).contains(&day)
        {
            return Err(ScheduleError::BadDayOfMonth(day.into()));
        }
        if let Some(month) = fields.month
            && !(1..=12).contains(&month)
        {
            return Err(ScheduleError::BadMonth(month.into()));
        }
        if let Some(year) = fields.year
            && !(1900..=9999).contains(&year)
        {
            return Err(ScheduleError::BadYear(year.into()));
        }
        if let (Some(day), Some(month)) = (fields.day_of_month, fields.month)
            && day > max_day_of_month(month)
        {
            return Err(ScheduleError::DayNeverInMonth { day, month: MONTH_NAMES[usize::from(month - 1)] });
        }
        Ok(Schedule { fields })
    }

    pub fn fields(&self) -> ScheduleFields {
        self.fields
    }

    pub fn time(&self) -> WallTime {
        self.fields.time
    }

    pub fn day_of_month(&self) -> Option<u8> {
        self.fields.day_of_month
    }

    pub fn month(&self) -> Option<u8> {
        self.fields.month
    }

    pub fn year(&self) -> Option<i16> {
        self.fields.year
    }

    pub fn weekdays(&self) -> WeekdaySet {
        self.fields.weekdays
    }

    /// "Aucun jour": no weekday and no date field, so the batch only runs when launched by hand.
    pub fn is_never(&self) -> bool {
        let f = &self.fields;
        f.weekdays.is_empty() && f.day_of_month.is_none() && f.month.is_none() && f.year.is_none()
    }

    /// The French summary of the "Programmation" column (SPEC §2).
    pub fn summary(&self) -> String {
        summary(&self.fields)
    }
}

/// The largest day a month ever has (29 for February, leap years included).
fn max_day_of_month(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

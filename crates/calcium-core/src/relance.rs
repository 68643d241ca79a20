//! Relances and their letters (SPEC §6): when a relance is *échue*, when its *rappel* is due,
//! the state an administrator sees, and how dates are written in a French letter.
//!
//! The rules in one place, so that the batches (REL_COU, REL_CRA) and the relances page agree:
//! a relance is *en cours* until its due date, *échue* from its due date on (a relance due
//! today is échue today), and its rappel is due once it has stayed échue and open for
//! `relances.rappel_days` days (due on 1 January with 30 days: rappel due from 31 January on).

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use crate::schedule::MONTH_NAMES;

/// The two letters a relance can get, each at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterKind {
    /// The first letter, once the relance is échue (REL_COU).
    Relance,
    /// The reminder, once the rappel is due (REL_CRA).
    Rappel,
}

impl LetterKind {
    pub const ALL: [LetterKind; 2] = [LetterKind::Relance, LetterKind::Rappel];

    /// The value stored in `relance_letter.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Relance => "RELANCE",
            LetterKind::Rappel => "RAPPEL",
        }
    }

    pub fn parse(text: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// "relance" / "rappel", as the logs and file names say it.
    pub fn word(self) -> &'static str {
        match self {
            LetterKind::Relance => "relance",
            LetterKind::Rappel => "rappel",
        }
    }
}

/// What the relances page shows of a relance's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelanceState {
    /// Not yet due.
    EnCours,
    /// Due, still open, rappel not yet due.
    Echue,
    /// Open `rappel_days` days after its due date or more.
    RappelDu,
    /// Closed by the service: no letter is produced any more.
    Close,
}

impl RelanceState {
    pub fn label(self) -> &'static str {
        match self {
            RelanceState::EnCours => "en cours",
            RelanceState::Echue => "échue",
            RelanceState::RappelDu => "rappel dû",
            RelanceState::Close => "clôturée",
        }
    }
}

/// The calendar of one day: which relances are échue, which rappels are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelanceCalendar {
    today: Date,
    rappel_days: u32,
}

impl RelanceCalendar {
    pub fn new(today: Date, rappel_days: u32) -> RelanceCalendar {
        RelanceCalendar { today, rappel_days }
    }

    pub fn today(&self) -> Date {
        self.today
    }

    pub fn rappel_days(&self) -> u32 {
        self.rappel_days
    }

    /// Relances due on or before this date are échue.
    pub fn echue_if_due_by(&self) -> Date {
        self.today
    }

    /// Relances due on or before this date have their rappel due. Saturates at the earliest
    /// date jiff knows (an absurd delay then means "never").
    pub fn rappel_if_due_by(&self) -> Date {
        self.today.checked_sub(Span::new().days(i64::from(self.rappel_days))).unwrap_or(Date::MIN)
    }

    pub fn state(&self, due_date: Date, closed: bool) -> RelanceState {
        if closed {
            RelanceState::Close
        } else if due_date > self.echue_if_due_by() {
            RelanceState::EnCours
        } else if due_date > self.rappel_if_due_by() {
            RelanceState::Echue
        } else {
            RelanceState::RappelDu
        }
    }

    /// The date from which the rappel of a relance due on `due_date` is due.
    pub fn rappel_due_on(&self, due_date: Date) -> Date {
        due_date.checked_add(i64::from(self.rappel_days).days()).unwrap_or(Date::MAX)
    }
}

/// `29 novembre 2026`, `1er mars 2027`: a date as a French letter writes it.
pub fn long_date(date: Date) -> String {
    let month = MONTH_NAMES[usize::from(date.month().unsigned_abs()) - 1];
    if date.day() == 1 {
        format!("1er {month} {}", date.year())
    } else {
        format!("{} {month} {}", date.day(), date.year())
    }
}

/// `29/11/2026`: a date as a French spreadsheet reads it.
pub fn short_date(date: Date) -> String {
    date.strftime("%d/%m/%Y").to_string()
}

/// The encoding of the CSV listings (`relances.listing_encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListingEncoding {
    /// What Excel in French opens without asking (the default).
    #[default]
    Windows1252,
    /// UTF-8 with a byte order mark, so that Excel recognises it too.
    Utf8Bom,
}

impl ListingEncoding {
    /// Reads the configuration value: `windows-1252` or `utf-8`.
    pub fn parse(text: &str) -> Option<ListingEncoding> {
        match text.trim().to_ascii_lowercase().as_str() {
            "windows-1252" | "cp1252" => Some(ListingEncoding::Windows1252),
            "utf-8" | "utf8" => Some(ListingEncoding::Utf8Bom),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ListingEncoding::Windows1252 => "windows-1252",
            ListingEncoding::Utf8Bom => "utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn a_relance_due_today_is_echue_and_one_due_tomorrow_is_en_cours() {
        let calendar = RelanceCalendar::new(date(2026, 11, 29), 30);
        assert_eq!(calendar.state(date(2026, 11, 29), false), RelanceState::Echue);
        assert_eq!(calendar.state(date(2026, 11, 30), false), RelanceState::EnCours);
        assert_eq!(calendar.state(date(2026, 11, 1), true), RelanceState::Close);
    }

    #[test]
    fn the_rappel_is_due_once_the_delay_has_fully_passed() {
        let calendar = RelanceCalendar::new(date(2026, 1, 31), 30);
        assert_eq!(calendar.state(date(2026, 1, 1), false), RelanceState::RappelDu);
        assert_eq!(calendar.state(date(2026, 1, 2), false), RelanceState::Echue);
        assert_eq!(calendar.rappel_due_on(date(2026, 1, 1)), date(2026, 1, 31));
        assert_eq!(calendar.rappel_if_due_by(), date(2026, 1, 1));
    }

    #[test]
    fn dates_are_written_the_french_way() {
        assert_eq!(long_date(date(2026, 11, 29)), "29 novembre 2026");
        assert_eq!(long_date(date(2027, 3, 1)), "1er mars 2027");
        assert_eq!(long_date(date(2027, 8, 5)), "5 août 2027");
        assert_eq!(short_date(date(2027, 8, 5)), "05/08/2027");
    }

    #[test]
    fn listing_encodings_are_read_from_their_usual_names() {
        assert_eq!(ListingEncoding::parse("Windows-1252"), Some(ListingEncoding::Windows1252));
        assert_eq!(ListingEncoding::parse("utf-8"), Some(ListingEncoding::Utf8Bom));
        assert_eq!(ListingEncoding::parse("latin9"), None);
    }
}

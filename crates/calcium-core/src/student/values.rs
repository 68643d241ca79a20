//! Checked values of the student file: sex, birth date, years and dates of entry.

use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("Genre invalide : « {0} » (M, F ou INCONNU)")]
    Sexe(String),
    #[error("Année ou date invalide : « {0} » (AAAA ou JJ/MM/AAAA)")]
    YearOrDate(String),
}

/// SEXE: `M`, `F` or `INCONNU`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Sexe {
    #[serde(rename = "M")]
    Masculin,
    #[serde(rename = "F")]
    Feminin,
    #[serde(rename = "INCONNU")]
    Inconnu,
}

impl Sexe {
    pub fn parse(text: &str) -> Result<Sexe, ValueError> {
        match text.trim() {
            "M" => Ok(Sexe::Masculin),
            "F" => Ok(Sexe::Feminin),
            "INCONNU" => Ok(Sexe::Inconnu),
            other => Err(ValueError::Sexe(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sexe::Masculin => "M",
            Sexe::Feminin => "F",
            Sexe::Inconnu => "INCONNU",
        }
    }
}

/// Why a birth date is "non lisible" (SPEC §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    #[error("format attendu JJ/MM/AAAA")]
    Format,
    #[error("cette date n'existe pas")]
    NoSuchDate,
    #[error("date dans le futur")]
    InFuture,
    #[error("date antérieure à 1900")]
    BeforeMinimum,
}

/// A birth date: it exists, it is not in the future and not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct BirthDate(Date);

impl BirthDate {
    /// `AAAA-MM-JJ` into `buffer` (`None` for a year that is not of four digits, which a
    /// checked birth date never has).
    pub(super) fn write_iso(self, buffer: &mut [u8; 10]) -> Option<&str> {
        write_iso(self.0.year(), Some((self.0.month(), self.0.day())), buffer)
    }

    /// Parses `JJ/MM/AAAA`, relative to `today` for the "not in the future" rule.
    pub fn parse(text: &str, today: Date) -> Result<BirthDate, BirthDateError> {
        BirthDate::new(parse_french_date(text)?, today)
    }

    pub fn new(date: Date, today: Date) -> Result<BirthDate, BirthDateError> {
        if date.year() < 1900 {
            Err(BirthDateError::BeforeMinimum)
        } else if date > today {
            Err(BirthDateError::InFuture)
        } else {
            Ok(BirthDate(date))
        }
    }

    /// A date read back from the base, which only ever stored checked dates.
    pub fn from_stored(date: Date) -> BirthDate {
        BirthDate(date)
    }

    pub fn date(self) -> Date {
        self.0
    }
}

/// Parses `JJ/MM/AAAA` strictly: two digits, two digits, four digits.
pub(crate) fn parse_french_date(text: &str) -> Result<Date, BirthDateError> {
    let bytes = text.trim().as_bytes();
    let is_digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10
        || bytes[2] != b'/'
        || bytes[5] != b'/'
        || !is_digits(0..2)
        || !is_digits(3..5)
        || !is_digits(6..10)
    {
        return Err(BirthDateError::Format);
    }
    let number =
        |range: std::ops::Range<usize>| -> i16 { bytes[range].iter().fold(0, |acc, b| acc * 10 + i16::from(b - b'0')) };
    let (day, month, year) = (number(0..2), number(3..5), number(6..10));
    let (Ok(day), Ok(month)) = (i8::try_from(day), i8::try_from(month)) else {
        return Err(BirthDateError::NoSuchDate);
    };
    Date::new(year, month, day).map_err(|_| BirthDateError::NoSuchDate)
}

/// DAA_ETB / DAA_ENS_SUP: what Apogée stores, a year `AAAA`, or a full date `JJ/MM/AAAA`. Kept
/// at the precision it came with (stored as ISO 8601 `2019` or `2019-09-15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YearOrDate {
    Year(i16),
    Date(Date),
}

impl YearOrDate {
    /// Parses the file form (`AAAA` or `JJ/MM/AAAA`).
    pub fn parse(text: &str) -> Result<YearOrDate, ValueError> {
        let text = text.trim();
        if let Some(year) = parse_year(text) {
            return Ok(YearOrDate::Year(year));
        }
        parse_french_date(text).map(YearOrDate::Date).map_err(|_| ValueError::YearOrDate(text.to_owned()))
    }

    /// The ISO 8601 form the base stores.
    pub fn to_iso(self) -> String {
        match self {
            YearOrDate::Year(year) => format!("{year:04}"),
            YearOrDate::Date(date) => date.to_string(),
        }
    }

    pub fn from_iso(text: &str) -> Option<YearOrDate> {
        match parse_year(text) {
            Some(year) => Some(YearOrDate::Year(year)),
            None => text.parse().ok().map(YearOrDate::Date),
        }
    }
}

impl serde::Serialize for YearOrDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}

impl YearOrDate {
    /// [`YearOrDate::to_iso`] into `buffer`, for the years of four digits (`None` otherwise):
    /// the fingerprint of every imported line writes its dates without allocating.
    pub(super) fn write_iso(self, buffer: &mut [u8; 10]) -> Option<&str> {
        match self {
            YearOrDate::Year(year) => write_iso(year, None, buffer),
            YearOrDate::Date(date) => write_iso(date.year(), Some((date.month(), date.day())), buffer),
        }
    }
}

/// `AAAA` or `AAAA-MM-JJ` into `buffer`, for the years of four digits (`None` otherwise).
fn write_iso(year: i16, month_day: Option<(i8, i8)>, buffer: &mut [u8; 10]) -> Option<&str> {
    fn digits(out: &mut [u8], mut value: u16) {
        for slot in out.iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    let year = u16::try_from(year).ok().filter(|year| *year <= 9999)?;
    digits(&mut buffer[..4], year);
    let length = match month_day {
        None => 4,
        Some((month, day)) => {
            buffer[4] = b'-';
            digits(&mut buffer[5..7], month.unsigned_abs().into());
            buffer[7] = b'-';
            digits(&mut buffer[8..10], day.unsigned_abs().into());
            10
        }
    };
    std::str::from_utf8(&buffer[..length]).ok()
}

/// A four-digit year between 1900 and 2999.
pub fn parse_year(text: &str) -> Option<i16> {
    let text = text.trim();
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|year| (1900..3000).contains(year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 28);

    #[test]
    fn birth_dates_must_exist_and_be_plausible() {
        assert_eq!(BirthDate::parse("29/02/2004", TODAY).unwrap().date(), date(2004, 2, 29));
        assert_eq!(BirthDate::parse("29/02/2003", TODAY), Err(BirthDateError::NoSuchDate));
        assert_eq!(BirthDate::parse("31/04/2000", TODAY), Err(BirthDateError::NoSuchDate));
        assert_eq!(BirthDate::parse("01/01/1899", TODAY), Err(BirthDateError::BeforeMinimum));
        assert_eq!(BirthDate::parse("29/11/2026", TODAY), Err(BirthDateError::InFuture));
        assert_eq!(BirthDate::parse("28/11/2026", TODAY).unwrap().date(), TODAY);
        for bad in ["1/1/2000", "2000-01-01", "01/01/00", "aa/bb/cccc", "", "01/13/2000x"] {
            assert!(BirthDate::parse(bad, TODAY).is_err(), "{bad}");
        }
    }

    #[test]
    fn sexe_accepts_the_three_codes_only() {
        assert_eq!(Sexe::parse("INCONNU"), Ok(Sexe::Inconnu));
        assert!(Sexe::parse("X").is_err());
        assert!(Sexe::parse("m").is_err());
    }

    #[test]
    fn entry_dates_keep_their_precision() {
        assert_eq!(YearOrDate::parse("2019"), Ok(YearOrDate::Year(2019)));
        assert_eq!(YearOrDate::parse("15/09/2019"), Ok(YearOrDate::Date(date(2019, 9, 15))));
        assert!(YearOrDate::parse("19").is_err());
        for value in [YearOrDate::Year(2019), YearOrDate::Date(date(2019, 9, 15))] {
            assert_eq!(YearOrDate::from_iso(&value.to_iso()), Some(value));
        }
    }

    #[test]
    fn the_iso_text_written_on_the_stack_is_the_iso_text() {
        let values = [
            YearOrDate::Year(1900),
            YearOrDate::Year(2999),
            YearOrDate::Year(7),
            YearOrDate::Date(date(2019, 9, 5)),
            YearOrDate::Date(date(1, 1, 1)),
            YearOrDate::Date(date(9999, 12, 31)),
        ];
        for value in values {
            let mut buffer = [0; 10];
            assert_eq!(value.write_iso(&mut buffer), Some(value.to_iso().as_str()), "{value:?}");
        }
        assert_eq!(YearOrDate::Year(-5).write_iso(&mut [0; 10]), None);
    }
}

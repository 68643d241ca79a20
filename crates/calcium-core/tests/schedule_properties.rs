//! Property tests of the schedules against a brute-force oracle, over years of Paris
//! daylight-saving changes.

use calcium_core::schedule::ScheduleFields;
use calcium_core::{Schedule, WallTime, Weekday, WeekdaySet};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

/// The oracle's firing rule, written from SPEC §2 without the code under test.
fn fires(fields: &ScheduleFields, date: Date) -> bool {
    let no_date = fields.day_of_month.is_none() && fields.month.is_none() && fields.year.is_none();
    if fields.weekdays.is_empty() && no_date {
        return false;
    }
    fields.day_of_month.is_none_or(|d| d as i8 == date.day())
        && fields.month.is_none_or(|m| m as i8 == date.month())
        && fields.year.is_none_or(|y| y == date.year())
        && (fields.weekdays.is_empty() || fields.weekdays.contains(Weekday::from(date.weekday())))
}

/// The instant of wall time `wall` on `date`, from raw UTC offsets only: the earliest instant
/// whose local reading is the wall time (a fold gives two: the first wins); in a gap, the wall
/// time read with the offset in force before the gap (so it lands later by the gap's length).
fn oracle_instant(date: Date, wall: WallTime, tz: &TimeZone) -> Timestamp {
    let local =
        DateTime::new(date.year(), date.month(), date.day(), wall.hour() as i8, wall.minute() as i8, 0, 0).unwrap();
    let naive_utc = local.to_zoned_datetime(TimeZone::UTC).unwrap().timestamp();
    let mut candidates: Vec<Timestamp> = (-14..=14)
        .map(|hours| naive_utc - SignedDuration::from_hours(hours))
        .filter(|t| t.to_zoned_datetime(tz.clone()).datetime() == local)
        .collect();
    candidates.sort();
    match candidates.first() {
        Some(first) => *first,
        None => {
            let before = naive_utc - SignedDuration::from_hours(12);
            let offset = tz.to_offset(before);
            naive_utc - SignedDuration::from_secs(i64::from(offset.seconds()))
        }
    }
}

/// The first `count` occurrences strictly after `after`, by walking every day.
fn oracle(fields: &ScheduleFields, after: Timestamp, count: usize, last_day: Date) -> Vec<Timestamp> {
    let tz = paris();
    let mut day = after.to_zoned_datetime(tz.clone()).date().yesterday().unwrap();
    let mut found = Vec::new();
    while found.len() < count && day <= last_day {
        if fires(fields, day) {
            let instant = oracle_instant(day, fields.time, &tz);
            if instant > after {
                found.push(instant);
            }
        }
        day = day.tomorrow().unwrap();
    }
    found
}

fn fields_strategy() -> impl Strategy<Value = ScheduleFields> {
    (
        // 02:xx and 03:xx fall in the Paris gaps and folds: weigh them heavily.
        prop_oneof![2 => Just(2u8), 1 => Just(3u8), 2 => 0u8..24],
        prop_oneof![Just(0u8), Just(30u8), 0u8..60],
        prop::option::weighted(0.3, 1u8..=31),
        prop::option::weighted(0.3, 1u8..=12),
        prop::option::weighted(0.15, 2026i16..=2029),
        prop_oneof![Just(0u8), Just(0b111_1111u8), 0u8..=0b111_1111],
    )
        .prop_map(|(hour, minute, day_of_month, month, year, mask)| ScheduleFields {
            time: WallTime::new(hour, minute).unwrap(),
            day_of_month,
            month,
            year,
            weekdays: WeekdaySet::from_mask(mask).unwrap(),
        })
        .prop_filter("a calendar-possible schedule", |f| Schedule::new(*f).is_ok())
}

fn instant_strategy() -> impl Strategy<Value = Timestamp> {
    // Paris changes of 2026–2028 (last Sundays of March and October).
    const CHANGES: [&str; 6] = [
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
        "2027-03-28T01:00:00Z",
        "2027-10-31T01:00:00Z",
        "2028-03-26T01:00:00Z",
        "2028-10-29T01:00:00Z",
    ];
    prop_oneof![
        // Anywhere from 2026-01-01 to 2028-12-31…
        (1_767_225_600i64..1_861_920_000).prop_map(|s| Timestamp::from_second(s).unwrap()),
        // …or within three days before a change.
        (0usize..CHANGES.len(), 0i64..3 * 86_400)
            .prop_map(|(i, before)| CHANGES[i].parse::<Timestamp>().unwrap() - SignedDuration::from_secs(before)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn occurrences_match_the_brute_force_oracle(fields in fields_strategy(), after in instant_strategy()) {
        let schedule = Schedule::new(fields).unwrap();
        let got = schedule.occurrences_after(after, &paris(), 6);
        // The oracle walks until the end of 2033: enough for six occurrences of all but the
        // rarest schedules; rarer ones are compared on what the oracle reaches.
        let expected = oracle(&fields, after, 6, jiff::civil::date(2033, 12, 31));
        let reached: Vec<_> = got.iter().copied().take(expected.len()).collect();
        prop_assert_eq!(reached, expected.clone());
        if expected.len() < 6 {
            prop_assert!(got.iter().skip(expected.len()).all(|t| t.to_zoned_datetime(paris()).year() > 2033));
        }
    }

    #[test]
    fn occurrences_strictly_increase_and_match_the_fields(fields in fields_strategy(), after in instant_strategy()) {
        let schedule = Schedule::new(fields).unwrap();
        let got = schedule.occurrences_after(after, &paris(), 8);
        prop_assert!(got.windows(2).all(|pair| pair[0] < pair[1]));
        prop_assert!(got.first().is_none_or(|first| *first > after));
        for occurrence in got {
            let local = occurrence.to_zoned_datetime(paris());
            prop_assert!(fires(&fields, local.date()), "{} does not match the fields", local);
        }
    }
}

#[test]
fn no_daily_occurrence_is_lost_or_doubled_across_years_of_paris_changes() {
    let tz = paris();
    for minute_of_day in [0u16, 90, 120, 150, 179, 180, 181, 600, 1439] {
        let time = WallTime::from_minutes_of_day(minute_of_day).unwrap();
        let daily = Schedule::new(ScheduleFields {
            time,
            day_of_month: None,
            month: None,
            year: None,
            weekdays: WeekdaySet::ALL,
        })
        .unwrap();
        // 23:59 in Paris on 31 December 2025: every occurrence after it falls in 2026 or later.
        let start: Timestamp = "2025-12-31T22:59:00Z".parse().unwrap();
        let days = 365 * 4 + 1; // 2026 to 2029, with 2028's 29 February
        let got = daily.occurrences_after(start, &tz, days);
        let dates: Vec<Date> = got.iter().map(|t| t.to_zoned_datetime(tz.clone()).date()).collect();
        let expected: Vec<Date> =
            std::iter::successors(Some(jiff::civil::date(2026, 1, 1)), |d| d.tomorrow().ok()).take(days).collect();
        let first_difference = dates.iter().zip(&expected).position(|(got, want)| got != want);
        assert_eq!(first_difference, None, "one run per day at {time}");
        assert_eq!(dates.len(), expected.len(), "one run per day at {time}");
    }
}

/// Reads a summary back into fields: written from the table of SPEC §2, independently of the
/// code that writes summaries.
fn parse_summary(text: &str) -> Option<ScheduleFields> {
    const MONTHS: [&str; 12] = [
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
    let (when, time) = text.rsplit_once(" à ")?;
    let (hours, minutes) = time.split_once('h')?;
    let time = WallTime::new(hours.parse().ok()?, minutes.parse().ok()?)?;
    let month_of = |name: &str| MONTHS.iter().position(|m| *m == name).map(|i| i as u8 + 1);
    let day_of = |text: &str| if text == "1er" { Some(1) } else { text.parse().ok() };
    // "13 de chaque mois", "13 septembre de chaque année", "13 de chaque mois de 2027", "13 septembre 2027"
    let day_part = |rest: &str| -> Option<(u8, Option<u8>, Option<i16>)> {
        let (day, rest) = rest.split_once(' ')?;
        let day = day_of(day)?;
        if rest == "de chaque mois" {
            return Some((day, None, None));
        }
        if let Some(year) = rest.strip_prefix("de chaque mois de ") {
            return Some((day, None, Some(year.parse().ok()?)));
        }
        let (month, rest) = rest.split_once(' ')?;
        let month = month_of(month)?;
        if rest == "de chaque année" {
            Some((day, Some(month), None))
        } else {
            Some((day, Some(month), Some(rest.parse().ok()?)))
        }
    };
    // "", " de septembre", " de 2027", " de septembre 2027"
    let period_part = |rest: &str| -> Option<(Option<u8>, Option<i16>)> {
        if rest.is_empty() {
            return Some((None, None));
        }
        let rest = rest.strip_prefix(" de ")?;
        match rest.split_once(' ') {
            Some((month, year)) => Some((Some(month_of(month)?), Some(year.parse().ok()?))),
            None => match month_of(rest) {
                Some(month) => Some((Some(month), None)),
                None => Some((None, Some(rest.parse().ok()?))),
            },
        }
    };
    let fields = |weekdays, day_of_month, month, year| ScheduleFields { time, day_of_month, month, year, weekdays };
    if when == "Aucun jour" {
        return Some(fields(WeekdaySet::EMPTY, None, None, None));
    }
    if let Some(rest) = when.strip_prefix("Le ") {
        let (day, month, year) = day_part(rest)?;
        return Some(fields(WeekdaySet::EMPTY, Some(day), month, year));
    }
    let rest = when.strip_prefix("Tous les ")?;
    if let Some(period) = rest.strip_prefix("jours") {
        let (month, year) = period_part(period)?;
        let weekdays = if month.is_none() && year.is_none() { WeekdaySet::ALL } else { WeekdaySet::EMPTY };
        return Some(fields(weekdays, None, month, year));
    }
    if let Some((days, tail)) = rest.split_once(" tombant le ") {
        let weekdays = WeekdaySet::parse_list(&days.replace(", ", ",")).ok()?;
        let (day, month, year) = day_part(tail)?;
        return Some(fields(weekdays, Some(day), month, year));
    }
    let (days, period) = match rest.split_once(" de ") {
        Some((days, period)) => (days, format!(" de {period}")),
        None => (rest, String::new()),
    };
    let weekdays = WeekdaySet::parse_list(&days.replace(", ", ",")).ok()?;
    let (month, year) = period_part(&period)?;
    Some(fields(weekdays, None, month, year))
}

/// Two field sets that fire on the same days: seven checked days filter nothing once a date
/// field is set.
fn equivalent(a: &ScheduleFields, b: &ScheduleFields) -> bool {
    let normal = |f: &ScheduleFields| {
        let has_date = f.day_of_month.is_some() || f.month.is_some() || f.year.is_some();
        let weekdays = if has_date && f.weekdays.is_all() { WeekdaySet::EMPTY } else { f.weekdays };
        (f.time, f.day_of_month, f.month, f.year, weekdays)
    };
    normal(a) == normal(b)
}

proptest! {
    #[test]
    fn the_summary_text_round_trips_the_fields(fields in fields_strategy()) {
        let text = Schedule::new(fields).unwrap().summary();
        let parsed = parse_summary(&text);
        prop_assert!(parsed.is_some(), "unreadable summary: {}", text);
        prop_assert!(equivalent(&parsed.unwrap(), &fields), "{} read back as {:?}", text, parsed);
    }
}

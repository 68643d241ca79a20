use super::*;

fn fields(time: &str, days: &str, day: Option<u8>, month: Option<u8>, year: Option<i16>) -> ScheduleFields {
    ScheduleFields {
        time: WallTime::parse(time).unwrap(),
        day_of_month: day,
        month,
        year,
        weekdays: WeekdaySet::parse_list(days).unwrap(),
    }
}

fn check_summary(fields: ScheduleFields, expected: &str) {
    let schedule = Schedule::new(fields).unwrap();
    assert_eq!(schedule.summary(), expected, "for {fields:?}");
}

#[test]
fn summary_follows_every_row_of_the_spec_table() {
    check_summary(fields("01:00", "lun,mar,mer,jeu,ven", None, None, None), "Tous les lun, mar, mer, jeu, ven à 01h00");
    check_summary(fields("01:00", "lun,mar,mer,jeu,ven,sam,dim", None, None, None), "Tous les jours à 01h00");
    check_summary(fields("06:10", "none", None, None, None), "Aucun jour à 06h10");
    check_summary(fields("05:00", "", Some(1), None, None), "Le 1er de chaque mois à 05h00");
    check_summary(fields("05:00", "", Some(15), None, None), "Le 15 de chaque mois à 05h00");
    check_summary(fields("05:00", "", None, Some(9), None), "Tous les jours de septembre à 05h00");
    check_summary(fields("05:00", "", None, None, Some(2027)), "Tous les jours de 2027 à 05h00");
    check_summary(fields("05:00", "", Some(1), Some(9), None), "Le 1er septembre de chaque année à 05h00");
    check_summary(fields("05:00", "", Some(15), None, Some(2027)), "Le 15 de chaque mois de 2027 à 05h00");
    check_summary(fields("05:00", "", None, Some(9), Some(2027)), "Tous les jours de septembre 2027 à 05h00");
    check_summary(fields("05:00", "", Some(1), Some(9), Some(2027)), "Le 1er septembre 2027 à 05h00");
    check_summary(fields("03:00", "lun,ven", None, Some(9), None), "Tous les lun, ven de septembre à 03h00");
    check_summary(fields("03:00", "lun,ven", None, None, Some(2027)), "Tous les lun, ven de 2027 à 03h00");
    check_summary(fields("03:00", "lun,ven", None, Some(9), Some(2027)), "Tous les lun, ven de septembre 2027 à 03h00");
    check_summary(fields("03:00", "ven", Some(13), None, None), "Tous les ven tombant le 13 de chaque mois à 03h00");
    check_summary(
        fields("03:00", "ven", Some(13), Some(9), Some(2027)),
        "Tous les ven tombant le 13 septembre 2027 à 03h00",
    );
}

#[test]
fn weekdays_are_listed_in_calendar_order_whatever_the_input_order() {
    check_summary(fields("04:00", "sam,lun,ven", None, None, None), "Tous les lun, ven, sam à 04h00");
}

#[test]
fn seven_days_with_a_date_read_like_the_date_alone() {
    check_summary(
        fields("05:00", "lun,mar,mer,jeu,ven,sam,dim", None, Some(9), None),
        "Tous les jours de septembre à 05h00",
    );
}

#[test]
fn time_parser_accepts_hh_mm_only() {
    assert_eq!(WallTime::parse("01:00").unwrap().to_string(), "01:00");
    assert_eq!(WallTime::parse("7:05").unwrap().to_string(), "07:05");
    for bad in ["24:00", "12:60", "12", "12:5", "ab:cd", "", "1:2:3", "-1:00"] {
        assert!(WallTime::parse(bad).is_err(), "{bad} should be refused");
    }
}

#[test]
fn impossible_dates_are_refused_in_french() {
    let err = Schedule::new(fields("05:00", "", Some(30), Some(2), None)).unwrap_err();
    assert_eq!(err.to_string(), "Le 30 février n'existe pas : ce batch ne s'exécuterait jamais");
    assert!(Schedule::new(fields("05:00", "", Some(31), Some(4), None)).is_err());
    assert!(Schedule::new(fields("05:00", "", Some(29), Some(2), None)).is_ok());
    assert!(Schedule::new(fields("05:00", "", Some(32), None, None)).is_err());
    assert!(Schedule::new(fields("05:00", "", None, Some(13), None)).is_err());
}

#[test]
fn weekday_lists_accept_short_and_long_names() {
    let set = WeekdaySet::parse_list("Lundi, ven").unwrap();
    assert_eq!(set.iter().collect::<Vec<_>>(), [Weekday::Lundi, Weekday::Vendredi]);
    assert!(WeekdaySet::parse_list("lun,xyz").is_err());
    assert!(WeekdaySet::parse_list("none").unwrap().is_empty());
}

mod occurrences {
    use super::*;
    use jiff::tz::TimeZone;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    fn next(schedule: ScheduleFields, after: &str) -> Option<String> {
        let schedule = Schedule::new(schedule).unwrap();
        schedule.next_after(at(after), &paris()).map(|t| t.to_zoned_datetime(paris()).to_string())
    }

    #[test]
    fn weekday_schedule_fires_on_the_next_checked_day() {
        // Saturday 28 November 2026, 10:00 Paris: next weekday run is Monday 30 at 01:00.
        let clean = fields("01:00", "lun,mar,mer,jeu,ven", None, None, None);
        assert_eq!(next(clean, "2026-11-28T09:00:00Z").as_deref(), Some("2026-11-30T01:00:00+01:00[Europe/Paris]"));
    }

    #[test]
    fn aucun_jour_never_fires() {
        assert_eq!(next(fields("06:10", "", None, None, None), "2026-11-28T09:00:00Z"), None);
    }

    #[test]
    fn spring_forward_gap_fires_once_shifted_and_fall_back_fold_fires_once_first() {
        let daily = fields("02:30", "lun,mar,mer,jeu,ven,sam,dim", None, None, None);
        assert_eq!(next(daily, "2027-03-27T12:00:00Z").as_deref(), Some("2027-03-28T03:30:00+02:00[Europe/Paris]"));
        let schedule = Schedule::new(daily).unwrap();
        let fold = schedule.occurrences_after(at("2027-10-30T12:00:00Z"), &paris(), 2);
        assert_eq!(fold[0], at("2027-10-31T00:30:00Z"), "the first 02:30, still UTC+2");
        assert_eq!(fold[1], at("2027-11-01T01:30:00Z"), "no second run at the repeated 02:30");
    }

    #[test]
    fn rare_schedules_are_found_far_ahead() {
        let leap_monday = fields("05:00", "lun", Some(29), Some(2), None);
        assert_eq!(
            next(leap_monday, "2026-11-28T09:00:00Z").as_deref(),
            Some("2044-02-29T05:00:00+01:00[Europe/Paris]")
        );
        let friday_13 = fields("03:00", "ven", Some(13), None, None);
        assert_eq!(next(friday_13, "2026-11-28T09:00:00Z").as_deref(), Some("2027-08-13T03:00:00+02:00[Europe/Paris]"));
        let past = fields("05:00", "", Some(1), Some(9), Some(2020));
        assert_eq!(next(past, "2026-11-28T09:00:00Z"), None);
    }

    #[test]
    fn next_is_strictly_after() {
        let daily = fields("01:00", "lun,mar,mer,jeu,ven,sam,dim", None, None, None);
        assert_eq!(next(daily, "2026-11-29T00:00:00Z").as_deref(), Some("2026-11-30T01:00:00+01:00[Europe/Paris]"));
    }
}

#[test]
fn schedules_with_no_future_occurrence_are_refused() {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let now: jiff::Timestamp = "2026-11-28T09:00:00Z".parse().unwrap();
    let check = |f: ScheduleFields| Schedule::new(f).unwrap().check_fires_after(now, &paris);
    assert_eq!(check(fields("05:00", "", None, None, Some(2025))), Err(ScheduleError::YearInPast(2025)));
    assert_eq!(
        check(fields("05:00", "", Some(1), Some(3), Some(2026))).unwrap_err().to_string(),
        "Cette programmation ne tombe sur aucune date future : ce batch ne s'exécuterait jamais"
    );
    // 13 March 2027 is a Saturday: a Friday the 13th of March 2027 never comes.
    assert_eq!(check(fields("05:00", "ven", Some(13), Some(3), Some(2027))), Err(ScheduleError::NeverFires));
    assert_eq!(check(fields("05:00", "", None, None, None)), Ok(()));
    assert_eq!(check(fields("05:00", "lun", Some(29), Some(2), None)), Ok(()));
    assert_eq!(check(fields("05:00", "", Some(1), Some(12), Some(2026))), Ok(()));
}

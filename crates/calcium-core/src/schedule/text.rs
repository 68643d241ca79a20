//! The French summary of a schedule, column "Programmation" (SPEC §2, the summary table).

use super::{MONTH_NAMES, ScheduleFields};

pub(super) fn summary(fields: &ScheduleFields) -> String {
    let time = format!("{:02}h{:02}", fields.time.hour(), fields.time.minute());
    // Seven checked days filter nothing: the schedule reads as if no day were checked, except
    // that with no date field it means "every day" rather than "never".
    let weekdays = &fields.weekdays;
    let filters_weekdays = !weekdays.is_empty() && !weekdays.is_all();
    let has_date = fields.day_of_month.is_some() || fields.month.is_some() || fields.year.is_some();

    let when = if filters_weekdays {
        let days: Vec<&str> = weekdays.iter().map(|day| day.short_name()).collect();
        format!("Tous les {}{}", days.join(", "), date_tail(fields, " tombant le"))
    } else if has_date {
        match fields.day_of_month {
            Some(_) => date_tail(fields, "Le").trim_start().to_owned(),
            None => format!("Tous les jours{}", date_tail(fields, "")),
        }
    } else if weekdays.is_all() {
        "Tous les jours".to_owned()
    } else {
        "Aucun jour".to_owned()
    };
    format!("{when} à {time}")
}

/// The part that names the date fields, each piece starting with a space. With a day of the
/// month, `day_intro` introduces it ("Le", " tombant le").
fn date_tail(fields: &ScheduleFields, day_intro: &str) -> String {
    let month = fields.month.map(|m| MONTH_NAMES[usize::from(m - 1)]);
    match fields.day_of_month {
        Some(day) => {
            let day = if day == 1 { "1er".to_owned() } else { day.to_string() };
            let rest = match (month, fields.year) {
                (Some(month), Some(year)) => format!(" {month} {year}"),
                (Some(month), None) => format!(" {month} de chaque année"),
                (None, Some(year)) => format!(" de chaque mois de {year}"),
                (None, None) => " de chaque mois".to_owned(),
            };
            format!(" {} {day}{rest}", day_intro.trim_start())
        }
        None => match (month, fields.year) {
            (Some(month), Some(year)) => format!(" de {month} {year}"),
            (Some(month), None) => format!(" de {month}"),
            (None, Some(year)) => format!(" de {year}"),
            (None, None) => String::new(),
        },
    }
}

//! "Modifier": the dialog "Edition de batch" (Code read-only, Heure de lancement, Jour du mois,
//! Mois de l'année, Année, Lundi … Dimanche, En service) and its saving. Invalid input comes
//! back in the dialog (422) with the French refusal next to its field; a saved change closes
//! the dialog and reloads the table, which shows the new Programmation and next run.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::HeaderName;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use calcium_core::{Weekday, WeekdaySet};
use calcium_store::BatchRow;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::batches::{changed_trigger, parse_code};
use crate::error::WebError;
use crate::schedule_input::{Field, FieldError, ScheduleInput};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/batches/{code}/edit", get(show).post(save))
}

#[derive(Template, WebTemplate)]
#[template(path = "dialog_edit.html")]
struct EditDialog {
    code: &'static str,
    label: String,
    csrf: String,
    time: String,
    day_of_month: String,
    month: String,
    year: String,
    /// (form name, label, checked) for Lundi … Dimanche.
    weekdays: Vec<(&'static str, &'static str, bool)>,
    enabled: bool,
    errors: Errors,
}

/// The refusal shown next to each field, if any.
#[derive(Default)]
struct Errors {
    time: Option<String>,
    day_of_month: Option<String>,
    month: Option<String>,
    year: Option<String>,
    weekdays: Option<String>,
    enabled: Option<String>,
}

impl Errors {
    fn from_field(error: FieldError) -> Errors {
        let message = Some(error.message);
        match error.field {
            Field::Time => Errors { time: message, ..Errors::default() },
            Field::DayOfMonth => Errors { day_of_month: message, ..Errors::default() },
            Field::Month => Errors { month: message, ..Errors::default() },
            Field::Year => Errors { year: message, ..Errors::default() },
            Field::Weekdays => Errors { weekdays: message, ..Errors::default() },
        }
    }
}

fn dialog(batch: &BatchRow, csrf: String, input: &ScheduleInput, enabled: bool, errors: Errors) -> EditDialog {
    EditDialog {
        code: batch.code.as_str(),
        label: batch.label.clone(),
        csrf,
        time: input.time.clone(),
        day_of_month: input.day_of_month.clone(),
        month: input.month.clone(),
        year: input.year.clone(),
        weekdays: Weekday::ALL
            .iter()
            .map(|day| (day.short_name(), day.label(), input.weekdays.contains(*day)))
            .collect(),
        enabled,
        errors,
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<EditDialog, WebError> {
    let batch = state.store().get_batch(parse_code(&code)?).await?;
    let schedule = &batch.schedule;
    let show = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let input = ScheduleInput {
        time: schedule.time().to_string(),
        day_of_month: show(schedule.day_of_month().map(i64::from)),
        month: show(schedule.month().map(i64::from)),
        year: show(schedule.year().map(i64::from)),
        weekdays: schedule.weekdays(),
    };
    Ok(dialog(&batch, user.csrf_token, &input, batch.enabled, Errors::default()))
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    user.check_csrf(value("csrf"))?;
    let code = parse_code(&code)?;
    let store = state.store();
    let batch = store.get_batch(code).await?;
    let input = ScheduleInput {
        time: value("time").unwrap_or_default().to_owned(),
        day_of_month: value("day_of_month").unwrap_or_default().to_owned(),
        month: value("month").unwrap_or_default().to_owned(),
        year: value("year").unwrap_or_default().to_owned(),
        weekdays: Weekday::ALL
            .into_iter()
            .filter(|day| value(day.short_name()).is_some())
            .fold(WeekdaySet::default(), WeekdaySet::with),
    };
    let enabled = value("enabled").is_some();
    let now = store.database_now().await?;
    let options = state.options();
    let refused = |errors: Errors| {
        let page = dialog(&batch, user.csrf_token.clone(), &input, enabled, errors);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let schedule = match input.parse(now, &options.time_zone) {
        Ok(schedule) => schedule,
        Err(error) => return refused(Errors::from_field(error)),
    };
    if enabled
        && !batch.enabled
        && let Err(refusal) = code.check_can_enable(options.services())
    {
        return refused(Errors { enabled: Some(refusal.to_string()), ..Errors::default() });
    }
    if schedule != batch.schedule {
        store.update_batch_schedule(code, &schedule, now).await?;
    }
    if enabled != batch.enabled {
        store.set_batch_enabled(code, enabled, now).await?;
    }
    tracing::info!(login = %user.login, %code, summary = schedule.summary(), enabled, "batch edited from the page");
    Ok((StatusCode::NO_CONTENT, [(HeaderName::from_static("hx-trigger"), changed_trigger())]).into_response())
}

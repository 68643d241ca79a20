//! `/api/batches`: list, show, set, run, history, next.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use calcium_core::{BatchCode, Weekday, WeekdaySet};
use calcium_store::LaunchRequest;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AppState;
use crate::api::{ApiError, check_csrf};
use crate::auth::CurrentUser;
use crate::json::{BatchView, ExecutionView, rfc3339};
use crate::schedule_input::ScheduleInput;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/batches", get(list))
        .route("/api/batches/{code}", get(show).put(set))
        .route("/api/batches/{code}/run", post(run))
        .route("/api/batches/{code}/history", get(history))
        .route("/api/batches/{code}/next", get(next))
}

fn parse_code(text: &str) -> Result<BatchCode, ApiError> {
    BatchCode::parse(text).map_err(|error| ApiError::new(StatusCode::NOT_FOUND, error.to_string()))
}

async fn views(state: &AppState) -> Result<Vec<BatchView>, ApiError> {
    let store = state.store();
    let now = store.database_now().await?;
    let last = store.last_ran_executions().await?;
    let tz = &state.options().time_zone;
    Ok(store
        .list_batches()
        .await?
        .into_iter()
        .map(|batch| {
            let last = last.iter().find(|e| e.batch == batch.code);
            BatchView::new(batch, last, tz, now)
        })
        .collect())
}

async fn list(State(state): State<AppState>, _user: CurrentUser) -> Result<Json<Vec<BatchView>>, ApiError> {
    Ok(Json(views(&state).await?))
}

async fn view_of(state: &AppState, code: BatchCode) -> Result<BatchView, ApiError> {
    views(state)
        .await?
        .into_iter()
        .find(|view| view.code == code.as_str())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("batch {code} absent de la base")))
}

async fn show(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(view_of(&state, parse_code(&code)?).await?))
}

/// `PUT /api/batches/{code}`: the fields of `calcium batch set`. An absent field keeps its
/// value; `null` empties an optional one.
async fn set(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> Result<Json<BatchView>, ApiError> {
    check_csrf(&user, &headers)?;
    let code = parse_code(&code)?;
    let store = state.store();
    let batch = store.get_batch(code).await?;
    let current = batch.schedule.fields();
    let refused = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    for key in body.keys() {
        if !["time", "day_of_month", "month", "year", "weekdays", "enabled"].contains(&key.as_str()) {
            return Err(refused(format!("champ inconnu : {key}")));
        }
    }
    // Numbers go through the same parser as the dialog, so the refusals are the same.
    let optional = |key: &str, current: Option<i64>| -> Result<String, ApiError> {
        match body.get(key) {
            None => Ok(current.map(|n| n.to_string()).unwrap_or_default()),
            Some(Value::Null) => Ok(String::new()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(other) => Err(refused(format!("{key} : un nombre ou null est attendu, pas {other}"))),
        }
    };
    let weekdays = match body.get("weekdays") {
        None => current.weekdays,
        Some(Value::Array(days)) => {
            let mut set = WeekdaySet::default();
            for day in days {
                let text = day.as_str().unwrap_or_default();
                let day = Weekday::parse(text).ok_or_else(|| {
                    refused(format!("Jour de la semaine inconnu : « {text} » (lun, mar, mer, jeu, ven, sam, dim)"))
                })?;
                set = set.with(day);
            }
            set
        }
        Some(_) => return Err(refused("weekdays : une liste comme [\"lun\", \"ven\"] est attendue".to_owned())),
    };
    let input = ScheduleInput {
        time: match body.get("time") {
            None => current.time.to_string(),
            Some(Value::String(text)) => text.clone(),
            Some(_) => return Err(refused("time : une heure \"HH:MM\" est attendue".to_owned())),
        },
        day_of_month: optional("day_of_month", current.day_of_month.map(i64::from))?,
        month: optional("month", current.month.map(i64::from))?,
        year: optional("year", current.year.map(i64::from))?,
        weekdays,
    };
    let enabled = match body.get("enabled") {
        None => batch.enabled,
        Some(Value::Bool(enabled)) => *enabled,
        Some(_) => return Err(refused("enabled : true ou false est attendu".to_owned())),
    };
    let now = store.database_now().await?;
    let schedule = input.parse(now, &state.options().time_zone).map_err(|error| refused(error.message))?;
    if enabled && !batch.enabled {
        code.check_can_enable(state.options().services()).map_err(|refusal| refused(refusal.to_string()))?;
    }
    if schedule != batch.schedule {
        store.update_batch_schedule(code, &schedule, now).await?;
    }
    if enabled != batch.enabled {
        store.set_batch_enabled(code, enabled, now).await?;
    }
    tracing::info!(login = %user.login, %code, "batch set through the API");
    Ok(Json(view_of(&state, code).await?))
}

#[derive(Serialize)]
struct RunAnswer {
    code: &'static str,
    /// `accepted`, `already_requested` or `already_running`.
    result: &'static str,
    message: String,
}

async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<(StatusCode, Json<RunAnswer>), ApiError> {
    check_csrf(&user, &headers)?;
    let code = parse_code(&code)?;
    let store = state.store();
    let answer = store.request_launch(code, &user.login, store.database_now().await?).await?;
    let (status, result, message) = match answer {
        LaunchRequest::Accepted => (
            StatusCode::ACCEPTED,
            "accepted",
            format!("Lancement immédiat de {code} demandé : il démarre dans les 2 secondes."),
        ),
        LaunchRequest::AlreadyRequested => (
            StatusCode::OK,
            "already_requested",
            format!("{code} : un lancement immédiat est déjà demandé, rien de plus n'est fait."),
        ),
        LaunchRequest::AlreadyRunning => (
            StatusCode::OK,
            "already_running",
            format!("{code} est déjà en cours d'exécution, rien de plus n'est fait."),
        ),
        LaunchRequest::Disabled => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("{code} n'est pas en service : il ne peut pas être lancé"),
            ));
        }
    };
    Ok((status, Json(RunAnswer { code: code.as_str(), result, message })))
}

#[derive(Deserialize)]
struct HistoryQuery {
    limit: Option<u32>,
    offset: Option<u32>,
}

async fn history(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<Vec<ExecutionView>>, ApiError> {
    let code = parse_code(&code)?;
    let store = state.store();
    let limit = query.limit.unwrap_or(20).min(1000);
    let rows = store.execution_history(code, limit, query.offset.unwrap_or(0)).await?;
    let now = store.database_now().await?;
    let tz = &state.options().time_zone;
    Ok(Json(rows.iter().map(|e| ExecutionView::new(e, tz, now)).collect()))
}

#[derive(Deserialize)]
struct NextQuery {
    from: Option<String>,
    count: Option<usize>,
}

#[derive(Serialize)]
struct NextAnswer {
    code: &'static str,
    occurrences: Vec<String>,
}

async fn next(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Json<NextAnswer>, ApiError> {
    let code = parse_code(&code)?;
    let store = state.store();
    let batch = store.get_batch(code).await?;
    let tz = &state.options().time_zone;
    let after = match query.from {
        None => store.database_now().await?,
        Some(text) => {
            let refused = || {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("from : « {text} » n'est pas une heure locale AAAA-MM-JJTHH:MM"),
                )
            };
            let wall: jiff::civil::DateTime = text.parse().map_err(|_| refused())?;
            wall.to_zoned_datetime(tz.clone()).map_err(|_| refused())?.timestamp()
        }
    };
    let count = query.count.unwrap_or(5).min(100);
    let occurrences = batch.schedule.occurrences_after(after, tz, count).into_iter().map(|t| rfc3339(t, tz)).collect();
    Ok(Json(NextAnswer { code: code.as_str(), occurrences }))
}

//! "Statistiques": the identity statistics MAJ_IDENTITE builds (SPEC §6), read only from
//! the `identity_stat` table: students by composante, the age pyramid by sex, nationality
//! groups and the bursary share, each drawn as an inline SVG chart with its table, and each
//! table offered as a CSV file. The page says when MAJ_IDENTITE last succeeded: the figures
//! are those of that run, not of the students as they are now.

mod charts;
mod csv;
mod tables;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use calcium_core::BatchCode;
use calcium_core::reference::NomenclatureKind;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::error::WebError;
use crate::statistics::charts::{Charts, thousands};
use crate::statistics::tables::{Statistics, TABLES, Table};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/statistics", get(page)).route("/statistics/{file}", get(download))
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    chrome: Chrome,
    /// `04/06/2030 à 04:30:12`, when MAJ_IDENTITE last succeeded.
    last_run: Option<String>,
    students: String,
    charts: Charts,
    /// The four tables, in the order of [`TABLES`].
    tables: Vec<Table>,
}

async fn statistics(state: &AppState) -> Result<Statistics, WebError> {
    let store = state.store();
    let counts = store.identity_counts().await?;
    let establishments = store.nomenclature(NomenclatureKind::Etablissement).await?;
    let composantes = store.nomenclature(NomenclatureKind::Composante).await?;
    Ok(Statistics::new(&counts, &establishments, &composantes))
}

async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<StatisticsPage, WebError> {
    let stats = statistics(&state).await?;
    let tz = state.options().time_zone.clone();
    let last_run = state
        .store()
        .last_successful_start(BatchCode::MajIdentite)
        .await?
        .map(|started| started.to_zoned_datetime(tz).strftime("%d/%m/%Y à %H:%M:%S").to_string());
    let tables = TABLES.iter().filter_map(|name| stats.table(name)).collect();
    Ok(StatisticsPage {
        chrome: Chrome::new(&user, "statistics"),
        last_run,
        students: thousands(stats.students),
        charts: Charts::new(&stats),
        tables,
    })
}

/// `/statistics/composantes.csv` and the like.
async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let name = file.strip_suffix(".csv").ok_or(WebError::NotFound)?;
    if !TABLES.contains(&name) {
        return Err(WebError::NotFound);
    }
    let table = statistics(&state).await?.table(name).ok_or(WebError::NotFound)?;
    tracing::info!(login = %user.login, table = name, "statistics downloaded");
    let disposition = format!("attachment; filename=\"statistiques_{name}.csv\"");
    Ok((
        [(CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, disposition)],
        csv::to_csv(&table),
    )
        .into_response())
}

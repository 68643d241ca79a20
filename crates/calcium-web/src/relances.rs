//! "Relances": what the relance batches produced, for an administrator to check — each
//! relance with its state (en cours, échue, rappel dû, clôturée), its relance and rappel letters
//! (printed when, in which PDF, mailed or not), filtered by state and paged; and the latest PDFs
//! and listings of REL_COU, REL_CRA, LIS_REL and LIS_RAP. Read-only: no form, nothing changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use calcium_core::relance::{RelanceCalendar, RelanceState, short_date};
use calcium_store::{LetterState, RelanceFilter, RelanceOverview};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::downloads::kind_label;
use crate::error::WebError;

/// Relances per page.
const PER_PAGE: u32 = 50;
/// Files listed under the table.
const FILES: u32 = 20;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/relances", get(page))
}

/// `?etat=…&page=…`; anything unknown shows all relances, page 1.
#[derive(Debug, Deserialize)]
struct Params {
    etat: Option<String>,
    page: Option<String>,
}

/// The state filters, as their query value and tab label.
const FILTERS: [(&str, &str); 5] = [
    ("", "Toutes"),
    ("en-cours", "En cours"),
    ("echue", "Échues"),
    ("rappel-du", "Rappel dû"),
    ("cloturee", "Clôturées"),
];

#[derive(Template, WebTemplate)]
#[template(path = "relances.html")]
struct RelancesPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    /// The query value of the active filter, for the pager's links.
    filter: &'static str,
    rows: Vec<Row>,
    page: u32,
    pages: u32,
    total: i64,
    rappel_days: u32,
    files: Vec<FileLine>,
}

struct Tab {
    value: &'static str,
    label: &'static str,
    active: bool,
}

struct Row {
    id: i64,
    nom: String,
    prenom: String,
    ine: String,
    motif: String,
    due: String,
    state: &'static str,
    state_class: &'static str,
    /// The relance letter, then the rappel letter.
    letters: [Option<Letter>; 2],
}

struct Letter {
    printed: String,
    file_id: Option<i64>,
    /// "envoyé par mail le …", "mail en échec …", "mail en attente" or nothing (paper only).
    mail: Option<String>,
    mail_class: &'static str,
    mail_error: Option<String>,
    listed: bool,
}

struct FileLine {
    id: i64,
    name: String,
    kind: &'static str,
    created: String,
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<Params>,
) -> Result<RelancesPage, WebError> {
    let options = state.options();
    let tz = &options.time_zone;
    let today = Timestamp::now().to_zoned_datetime(tz.clone()).date();
    let calendar = RelanceCalendar::new(today, options.rappel_days);
    let filter_value =
        FILTERS.iter().map(|(value, _)| *value).find(|value| params.etat.as_deref() == Some(*value)).unwrap_or("");
    let filter = match filter_value {
        "en-cours" => RelanceFilter::EnCours { today },
        "echue" => RelanceFilter::Echue { today, rappel_by: calendar.rappel_if_due_by() },
        "rappel-du" => RelanceFilter::RappelDu { rappel_by: calendar.rappel_if_due_by() },
        "cloturee" => RelanceFilter::Closed,
        _ => RelanceFilter::All,
    };
    let requested: u32 = params.page.as_deref().and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let (mut overview, mut total) =
        state.store().relance_overview(filter, PER_PAGE, (requested - 1) * PER_PAGE).await?;
    let pages = pages_for(total);
    let page = requested.min(pages);
    if page != requested {
        (overview, total) = state.store().relance_overview(filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    }
    let rows = overview.into_iter().map(|relance| row(relance, &calendar, tz)).collect();
    let files = state
        .store()
        .relance_files(FILES)
        .await?
        .into_iter()
        .map(|file| FileLine {
            id: file.id,
            kind: kind_label(file.kind),
            created: local(file.created_at, tz),
            name: file.file_name,
        })
        .collect();
    let tabs = FILTERS.iter().map(|(value, label)| Tab { value, label, active: *value == filter_value }).collect();
    Ok(RelancesPage {
        chrome: Chrome::new(&user, "relances"),
        tabs,
        filter: filter_value,
        rows,
        page,
        pages,
        total,
        rappel_days: options.rappel_days,
        files,
    })
}

fn pages_for(total: i64) -> u32 {
    u32::try_from(total.max(1)).unwrap_or(u32::MAX).div_ceil(PER_PAGE)
}

fn row(relance: RelanceOverview, calendar: &RelanceCalendar, tz: &TimeZone) -> Row {
    let state = calendar.state(relance.due_date, relance.closed_at.is_some());
    let state_class = match state {
        RelanceState::EnCours => "state-en-cours",
        RelanceState::Echue => "state-echue",
        RelanceState::RappelDu => "state-rappel",
        RelanceState::Close => "state-close",
    };
    Row {
        id: relance.relance_id,
        nom: relance.nom,
        prenom: relance.prenom1,
        ine: relance.cod_nne.unwrap_or_default(),
        motif: relance.motif_label,
        due: short_date(relance.due_date),
        state: state.label(),
        state_class,
        letters: [
            relance.relance_letter.map(|letter| letter_line(letter, tz)),
            relance.rappel_letter.map(|letter| letter_line(letter, tz)),
        ],
    }
}

fn letter_line(letter: LetterState, tz: &TimeZone) -> Letter {
    let (mail, mail_class) = match (&letter.mail_to, letter.mailed_at) {
        (_, Some(mailed_at)) => (Some(format!("envoyé par mail le {}", local(mailed_at, tz))), "mail-sent"),
        (Some(_), None) if letter.mail_error.is_some() => (
            Some(format!(
                "mail en échec ({} essai{})",
                letter.mail_attempts,
                if letter.mail_attempts > 1 { "s" } else { "" }
            )),
            "mail-failed",
        ),
        (Some(_), None) => (Some("mail en attente".to_owned()), "mail-pending"),
        (None, None) => (None, ""),
    };
    Letter {
        printed: local(letter.produced_at, tz),
        file_id: letter.file_id,
        mail,
        mail_class,
        mail_error: letter.mail_error,
        listed: letter.listing_file_id.is_some(),
    }
}

fn local(instant: Timestamp, tz: &TimeZone) -> String {
    instant.to_zoned_datetime(tz.clone()).strftime("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_by_fifty_and_never_zero() {
        assert_eq!((pages_for(0), pages_for(50), pages_for(51), pages_for(120)), (1, 1, 2, 3));
    }
}

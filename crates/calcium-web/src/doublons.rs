//! "Gestion des doublons": the pairs DOUBLONS found, best score first, the two records side by
//! side with the fields that differ highlighted, and the verdict buttons "Même personne" /
//! "Personnes différentes". A pair judged different is never proposed again (the verdict is
//! kept in the base and every run keeps it).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use calcium_core::student::{Student, StudentId};
use calcium_store::{DuplicateFilter, DuplicateStatus};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::error::WebError;

/// Pairs on one page.
const PER_PAGE: i64 = 10;
/// The lowest score the page shows by default: every pair DOUBLONS proposes.
const DEFAULT_MIN: f64 = 0.0;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/doublons", get(list)).route("/doublons/verdict", post(judge))
}

#[derive(Template, WebTemplate)]
#[template(path = "doublons.html")]
struct DoublonsPage {
    chrome: Chrome,
    pairs: Vec<PairView>,
    total: i64,
    /// The filter as typed, for the form and the links.
    min: String,
    max: String,
    page: i64,
    pages: i64,
    notice: Option<String>,
}

struct PairView {
    a: i64,
    b: i64,
    score: String,
    reasons: Vec<String>,
    rows: Vec<FieldRow>,
}

/// One field of the two records, and whether they differ.
struct FieldRow {
    label: &'static str,
    a: String,
    b: String,
    differs: bool,
}

#[derive(Deserialize, Default)]
struct Filter {
    #[serde(default)]
    min: Option<String>,
    #[serde(default)]
    max: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

#[derive(Deserialize)]
struct Verdict {
    #[serde(default)]
    csrf: String,
    a: i64,
    b: i64,
    /// `meme` or `differentes`.
    verdict: String,
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
}

/// A score typed in the filter (`0,9` or `0.9`), within 0–1.
fn score(text: Option<&str>, default: f64) -> f64 {
    text.and_then(|t| t.trim().replace(',', ".").parse::<f64>().ok())
        .filter(|s| (0.0..=1.0).contains(s))
        .unwrap_or(default)
}

fn french(score: f64) -> String {
    format!("{score:.2}").replace('.', ",")
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filter): Query<Filter>,
) -> Result<DoublonsPage, WebError> {
    let store = state.store();
    let (min, max) = (score(filter.min.as_deref(), DEFAULT_MIN), score(filter.max.as_deref(), 1.0));
    let mut query = DuplicateFilter { min_score: min, max_score: max, ..DuplicateFilter::default() };
    let total = store.count_duplicate_reviews(&query).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    query.limit = PER_PAGE;
    query.offset = (page - 1) * PER_PAGE;
    let mut pairs = Vec::new();
    for review in store.duplicate_reviews(&query).await? {
        let a = store.get_student(review.a.id).await?;
        let b = store.get_student(review.b.id).await?;
        pairs.push(PairView {
            a: review.a.id.0,
            b: review.b.id.0,
            score: french(review.score),
            reasons: review.reasons,
            rows: side_by_side(&a, &b),
        });
    }
    let notice = match filter.done.as_deref() {
        Some("meme") => Some("Paire enregistrée comme la même personne.".to_owned()),
        Some("differentes") => {
            Some("Paire enregistrée comme deux personnes différentes : elle ne sera plus proposée.".to_owned())
        }
        _ => None,
    };
    Ok(DoublonsPage {
        chrome: Chrome::new(&user, "doublons"),
        pairs,
        total,
        min: french(min),
        max: french(max),
        page,
        pages,
        notice,
    })
}

async fn judge(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Verdict>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    let status = match form.verdict.as_str() {
        "meme" => DuplicateStatus::SamePerson,
        "differentes" => DuplicateStatus::DifferentPeople,
        _ => return Err(WebError::NotFound),
    };
    let judged = state
        .store()
        .judge_duplicate(StudentId(form.a), StudentId(form.b), status, &user.login, jiff::Timestamp::now())
        .await?;
    if !judged {
        return Err(WebError::NotFound);
    }
    tracing::info!(login = %user.login, a = form.a, b = form.b, verdict = %status.as_str(), "duplicate pair judged");
    let back = format!("/doublons?min={}&max={}&done={}", urlencode(&form.min), urlencode(&form.max), form.verdict);
    Ok(Redirect::to(&back).into_response())
}

/// Only digits and a decimal comma or point go back into the link; anything else is dropped.
fn urlencode(score: &str) -> String {
    score
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .map(|c| if c == ',' { '.' } else { c })
        .collect()
}

/// The fields a reviewer compares, with the ones that differ (after normalisation of case
/// and accents for names) marked.
fn side_by_side(a: &Student, b: &Student) -> Vec<FieldRow> {
    let (x, y) = (&a.record, &b.record);
    let text = |v: Option<&str>| v.unwrap_or("").to_owned();
    let name = |v: &str| calcium_core::normalize::name_key(v);
    let row = |label: &'static str, a: String, b: String, same: bool| FieldRow { label, differs: !same, a, b };
    vec![
        row("Identifiant", a.id.0.to_string(), b.id.0.to_string(), true),
        row(
            "INE",
            text(x.cod_nne.as_ref().map(|i| i.as_str())),
            text(y.cod_nne.as_ref().map(|i| i.as_str())),
            x.cod_nne == y.cod_nne,
        ),
        row("N° étudiant", text(x.cod_etu.as_deref()), text(y.cod_etu.as_deref()), x.cod_etu == y.cod_etu),
        row("Nom", x.nom.clone(), y.nom.clone(), name(&x.nom) == name(&y.nom)),
        row(
            "Nom d'usage",
            text(x.nomusage.as_deref()),
            text(y.nomusage.as_deref()),
            x.nomusage.as_deref().map(name) == y.nomusage.as_deref().map(name),
        ),
        row("Prénom", x.prenom1.clone(), y.prenom1.clone(), name(&x.prenom1) == name(&y.prenom1)),
        row(
            "Autres prénoms",
            [x.prenom2.as_deref(), x.prenom3.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", "),
            [y.prenom2.as_deref(), y.prenom3.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", "),
            (x.prenom2.as_deref().map(name), x.prenom3.as_deref().map(name))
                == (y.prenom2.as_deref().map(name), y.prenom3.as_deref().map(name)),
        ),
        row("Sexe", x.sexe.as_str().to_owned(), y.sexe.as_str().to_owned(), x.sexe == y.sexe),
        row(
            "Date de naissance",
            x.datenai.date().strftime("%d/%m/%Y").to_string(),
            y.datenai.date().strftime("%d/%m/%Y").to_string(),
            x.datenai == y.datenai,
        ),
        row("Nationalité", x.code_natio.clone(), y.code_natio.clone(), x.code_natio == y.code_natio),
        row(
            "N° INSEE",
            text(x.cod_nni.as_ref().map(|n| n.as_str())),
            text(y.cod_nni.as_ref().map(|n| n.as_str())),
            x.cod_nni == y.cod_nni,
        ),
        row("Adresse", text(x.adr1.as_deref()), text(y.adr1.as_deref()), x.adr1 == y.adr1),
        row(
            "Code postal, commune",
            format!("{} {}", text(x.cod_bdi.as_deref()), text(x.commune.as_deref())).trim().to_owned(),
            format!("{} {}", text(y.cod_bdi.as_deref()), text(y.commune.as_deref())).trim().to_owned(),
            (&x.cod_bdi, &x.commune) == (&y.cod_bdi, &y.commune),
        ),
        row("E-mail", text(x.mail.as_deref()), text(y.mail.as_deref()), x.mail == y.mail),
        row(
            "Établissement, composante",
            format!("{} {}", x.etb, x.cmp),
            format!("{} {}", y.etb, y.cmp),
            (&x.etb, &x.cmp) == (&y.etb, &y.cmp),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_scores_are_read_the_french_way_and_kept_within_bounds() {
        assert_eq!(score(Some("0,95"), 0.0), 0.95);
        assert_eq!(score(Some("0.9"), 0.0), 0.9);
        assert_eq!(score(Some("2"), 0.5), 0.5);
        assert_eq!(score(Some("abc"), 0.5), 0.5);
        assert_eq!(urlencode("0,9\r\nX"), "0.9");
    }
}

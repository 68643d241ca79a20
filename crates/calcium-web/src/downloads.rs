//! "Téléchargements": the files the batches produced (import logs, listings, letters), newest
//! first, and their download.
//!
//! A download names a file by its id in the base only: the path comes from the base, never
//! from the request, so no request can reach another file of the server.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use calcium_store::{FileKind, ProducedFile};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::error::WebError;

/// The most files the page lists.
const LISTED: u32 = 500;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/downloads", get(list)).route("/downloads/{id}", get(download))
}

#[derive(Template, WebTemplate)]
#[template(path = "downloads.html")]
struct DownloadsPage {
    chrome: Chrome,
    files: Vec<FileLine>,
}

struct FileLine {
    id: i64,
    name: String,
    kind: &'static str,
    size: String,
    created: String,
    execution: Option<i64>,
}

/// The French name of a kind of file.
pub(crate) fn kind_label(kind: FileKind) -> &'static str {
    match kind {
        FileKind::ImportLog => "Journal d'import",
        FileKind::ImportErrorLog => "Erreurs d'import",
        FileKind::ImportErrorCsv => "Lignes rejetées (CSV)",
        FileKind::RelanceListing => "Listing des relances",
        FileKind::RappelListing => "Listing des rappels",
        FileKind::RelanceLetters => "Courriers des relances",
        FileKind::RappelLetters => "Courriers des rappels",
    }
}

/// `12,4 Ko`, `3,1 Mo`: sizes as a French reader writes them.
fn size_text(bytes: i64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a size shown with one decimal")]
    let bytes = bytes.max(0) as f64;
    let (value, unit) = if bytes < 1024.0 {
        return format!("{bytes} o");
    } else if bytes < 1024.0 * 1024.0 {
        (bytes / 1024.0, "Ko")
    } else {
        (bytes / (1024.0 * 1024.0), "Mo")
    };
    format!("{value:.1} {unit}").replace('.', ",")
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<DownloadsPage, WebError> {
    let tz = &state.options().time_zone;
    let files = state
        .store()
        .list_produced_files(LISTED)
        .await?
        .into_iter()
        .map(|file| FileLine {
            id: file.id,
            kind: kind_label(file.kind),
            size: size_text(file.size_bytes),
            created: file.created_at.to_zoned_datetime(tz.clone()).strftime("%d/%m/%Y %H:%M:%S").to_string(),
            execution: file.execution_id,
            name: file.file_name,
        })
        .collect();
    Ok(DownloadsPage { chrome: Chrome::new(&user, "downloads"), files })
}

async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let file = state.store().get_produced_file(id).await?.ok_or(WebError::NotFound)?;
    let content = match tokio::fs::read(&file.path).await {
        Ok(content) => content,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(id, path = %file.path, "a recorded file is gone from the disk");
            return Err(WebError::NotFound);
        }
        Err(error) => return Err(error.into()),
    };
    tracing::info!(login = %user.login, id, name = %file.file_name, "file downloaded");
    Ok(([(CONTENT_TYPE, content_type(&file)), (CONTENT_DISPOSITION, disposition(&file.file_name))], content)
        .into_response())
}

/// Logs and listings are kept in the encoding they were written in (Windows-1252 for what
/// Excel opens): they are sent as bytes to save, never as a page to render.
fn content_type(file: &ProducedFile) -> HeaderValue {
    let lower = file.file_name.to_ascii_lowercase();
    HeaderValue::from_static(if lower.ends_with(".pdf") {
        "application/pdf"
    } else if lower.ends_with(".csv") {
        "text/csv"
    } else {
        "text/plain"
    })
}

/// `attachment; filename="…"` with a name reduced to safe characters, so a stored name can
/// never break the header.
fn disposition(name: &str) -> HeaderValue {
    let safe = crate::upload::safe_name(name);
    HeaderValue::try_from(format!("attachment; filename=\"{safe}\"")).unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_the_french_way() {
        assert_eq!(size_text(512), "512 o");
        assert_eq!(size_text(12_698), "12,4 Ko");
        assert_eq!(size_text(3_250_586), "3,1 Mo");
    }

    #[test]
    fn a_stored_name_cannot_break_the_header() {
        assert_eq!(disposition("log_1.txt\r\nSet-Cookie: x"), "attachment; filename=\"log_1.txt__Set-Cookie__x\"");
    }
}

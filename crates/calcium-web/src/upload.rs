//! Receiving a student file: the multipart form of the import page and of `POST /api/import`.
//!
//! The whole body is read first (within `web.upload_limit_mb`), then checked: the CSRF token of
//! the page, a `.csv`/`.txt` name, a text content type, no NUL byte (a spreadsheet or an
//! archive is refused before it reaches the import). Only then is the file written, under a
//! name made here: nothing the browser sends chooses a path.

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

/// What the form held.
#[derive(Debug, Default)]
pub(crate) struct UploadForm {
    pub(crate) csrf: Option<String>,
    pub(crate) model: String,
    /// The name of the user's file, as the browser gave it (shown, never used as a path).
    pub(crate) file_name: String,
    pub(crate) content: Vec<u8>,
}

/// Why an upload is refused, in French.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UploadError {
    #[error("Le fichier dépasse la taille maximale autorisée ({0} Mo).")]
    TooLarge(usize),
    #[error("Choisissez un fichier à importer.")]
    NoFile,
    #[error("Le fichier « {0} » est vide.")]
    Empty(String),
    #[error("Le fichier « {0} » n'est pas un fichier CSV : seuls les fichiers .csv ou .txt sont acceptés.")]
    NotCsv(String),
    #[error(
        "Le fichier « {0} » n'est pas un fichier texte (tableur ou fichier compressé ?) : enregistrez-le au format CSV."
    )]
    Binary(String),
    #[error("Le formulaire envoyé est incomplet ou illisible.")]
    BadForm,
}

impl UploadError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            UploadError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::NotCsv(_) | UploadError::Binary(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            UploadError::NoFile | UploadError::Empty(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UploadError::BadForm => StatusCode::BAD_REQUEST,
        }
    }
}

/// Content types browsers give CSV files (Windows says Excel), or none at all.
const TEXT_TYPES: [&str; 6] = [
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "text/comma-separated-values",
    "application/octet-stream",
];

/// Reads the form: fields `csrf`, `model` and `file`, in any order.
pub(crate) async fn read_form(mut multipart: Multipart, limit_bytes: usize) -> Result<UploadForm, UploadError> {
    let too_large = |error: &MultipartError| error.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let limit_mb = limit_bytes / (1024 * 1024);
    let mut form = UploadForm::default();
    let mut has_file = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if too_large(&error) => return Err(UploadError::TooLarge(limit_mb)),
            Err(_) => return Err(UploadError::BadForm),
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                form.file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(str::to_owned);
                if let Some(content_type) = content_type {
                    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
                    if !TEXT_TYPES.contains(&essence.as_str()) {
                        return Err(UploadError::NotCsv(form.file_name));
                    }
                }
                form.content = match field.bytes().await {
                    Ok(bytes) => bytes.to_vec(),
                    Err(error) if too_large(&error) => return Err(UploadError::TooLarge(limit_mb)),
                    Err(_) => return Err(UploadError::BadForm),
                };
                has_file = !form.file_name.is_empty() || !form.content.is_empty();
            }
            "csrf" | "model" => {
                let text = field.text().await.map_err(|_| UploadError::BadForm)?;
                if name == "csrf" {
                    form.csrf = Some(text);
                } else {
                    form.model = text.trim().to_uppercase();
                }
            }
            // Unknown fields are read and ignored.
            _ => {
                field.bytes().await.map_err(|error| {
                    if too_large(&error) { UploadError::TooLarge(limit_mb) } else { UploadError::BadForm }
                })?;
            }
        }
    }
    if form.content.len() > limit_bytes {
        return Err(UploadError::TooLarge(limit_mb));
    }
    if !has_file {
        return Err(UploadError::NoFile);
    }
    Ok(form)
}

impl UploadForm {
    /// The type checks: a `.csv` or `.txt` name, some content, no NUL byte.
    pub(crate) fn check_file(&self) -> Result<(), UploadError> {
        let lower = self.file_name.to_ascii_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".txt")) {
            return Err(UploadError::NotCsv(self.file_name.clone()));
        }
        if self.content.is_empty() {
            return Err(UploadError::Empty(self.file_name.clone()));
        }
        // Text in any of the accepted encodings never holds a NUL byte; xlsx, zip, pdf do.
        if self.content.contains(&0) {
            return Err(UploadError::Binary(self.file_name.clone()));
        }
        Ok(())
    }

    /// Writes the content under `dir` with a name of our own and returns its path.
    pub(crate) async fn save(&self, dir: &Path, now: jiff::Timestamp) -> std::io::Result<PathBuf> {
        tokio::fs::create_dir_all(dir).await?;
        let random = &crate::tokens::random_token()[..8];
        let name = format!("{}_{random}_{}", now.strftime("%Y%m%d_%H%M%S"), safe_name(&self.file_name));
        let path = dir.join(name);
        tokio::fs::write(&path, &self.content).await?;
        Ok(path)
    }
}

/// The user's file name reduced to letters, digits, `.`, `-` and `_` (at most 80), so that the
/// saved name says where it came from without ever being a path.
pub(crate) fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(80)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "fichier.csv".to_owned() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_never_becomes_a_path() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\marie\\étudiants 2026.csv"), "_tudiants_2026.csv");
        assert_eq!(safe_name(".."), "fichier.csv");
        assert_eq!(safe_name(""), "fichier.csv");
    }

    #[test]
    fn spreadsheets_and_empty_files_are_refused() {
        let form = |name: &str, content: &[u8]| UploadForm {
            csrf: None,
            model: "APOGEE".to_owned(),
            file_name: name.to_owned(),
            content: content.to_vec(),
        };
        assert!(form("a.csv", b"COD_ANU;NOM\n").check_file().is_ok());
        assert!(matches!(form("a.xlsx", b"PK\x03\x04").check_file(), Err(UploadError::NotCsv(_))));
        assert!(matches!(form("a.csv", b"PK\x03\x04\x00\x00").check_file(), Err(UploadError::Binary(_))));
        assert!(matches!(form("a.csv", b"").check_file(), Err(UploadError::Empty(_))));
    }
}

//! The report mail of an import (SPEC §4.6): the counts and the first errors in the body, the
//! log files attached.

use std::path::Path;

use calcium_mail::{Mail, MailAttachment, MailError, MailSettings, send};

use super::capitalised;
use super::report::ImportReport;

/// The errors listed in the body; the rest are in the attached erreurLogs.
const ERRORS_IN_BODY: usize = 50;

/// Sends the report of an import of `file` to `to`.
pub async fn send_report(
    settings: &MailSettings,
    to: &str,
    report: &ImportReport,
    file: &Path,
    dry_run: bool,
) -> Result<(), MailError> {
    send(settings, &report_mail(to, report, file, dry_run)).await
}

fn report_mail(to: &str, report: &ImportReport, file: &Path, dry_run: bool) -> Mail {
    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let trial = if dry_run { " (essai, rien n'a été enregistré)" } else { "" };
    let subject = if report.refused_as_a_whole() {
        format!("Calcium — import de {name} refusé{trial}")
    } else {
        format!(
            "Calcium — import de {name} : {} créés, {} mis à jour, {} rejetés{trial}",
            report.created, report.updated, report.rejected
        )
    };
    let mut body =
        format!("Bonjour,\n\nVoici le rapport de l'import du fichier {name} (modèle {}){trial}.\n\n", report.model);
    body.push_str(&format!("Statut : {}\n", report.status));
    for (label, count) in report.counts() {
        body.push_str(&format!("{} : {count}\n", capitalised(label)));
    }
    if !report.errors.is_empty() {
        body.push_str(&format!("\nErreurs ({}) :\n", report.errors.len()));
        for error in report.errors.iter().take(ERRORS_IN_BODY) {
            body.push_str(&format!("- {}\n", error.message));
        }
        if report.errors.len() > ERRORS_IN_BODY {
            body.push_str(&format!(
                "… et {} autres : voir erreurLogs en pièce jointe.\n",
                report.errors.len() - ERRORS_IN_BODY
            ));
        }
    }
    body.push_str("\nLes journaux de l'import sont joints à ce message.\n\n-- \nCalcium — Batch\n");

    let csv_type = match report.encoding {
        Some("windows-1252") => "text/csv; charset=windows-1252",
        _ => "text/csv; charset=utf-8",
    };
    let files = [
        (&report.files.log, "text/plain; charset=utf-8"),
        (&report.files.error_log, "text/plain; charset=utf-8"),
        (&report.files.error_csv, csv_type),
    ];
    let attachments = files
        .into_iter()
        .filter_map(|(path, content_type)| {
            let path = Path::new(path.as_ref()?);
            Some(MailAttachment {
                file_name: path.file_name()?.to_string_lossy().into_owned(),
                content_type,
                bytes: std::fs::read(path).ok()?,
            })
        })
        .collect();
    Mail { to: to.to_owned(), subject, body, attachments }
}

//! LIS_REL and LIS_RAP — the CSV listings of the relance letters and of the rappel letters
//! (SPEC §6): one row per letter not listed yet (student identity, the postal address the
//! letter went to, motif, due date, letter date), written under `output.dir`, recorded, and
//! offered on the downloads page. A second run lists nothing new and writes no file.
//!
//! As for the letters, the file is written first and recorded with its letters marked listed
//! in one transaction; a failure in between removes the file.

use calcium_core::BatchCode;
use calcium_core::postal_address::PostalAddress;
use calcium_core::relance::{LetterKind, short_date};
use calcium_letters::Listing;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use calcium_store::{FileKind, LetterToList, NewProducedFile};

use crate::relance_letters::write_file;

/// LIS_REL: the listing of the relance letters.
#[derive(Debug, Clone, Copy)]
pub struct RelanceListing;

/// LIS_RAP: the listing of the rappel letters.
#[derive(Debug, Clone, Copy)]
pub struct RappelListing;

impl Job for RelanceListing {
    fn code(&self) -> BatchCode {
        BatchCode::LisRel
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(run(ctx, LetterKind::Relance))
    }
}

impl Job for RappelListing {
    fn code(&self) -> BatchCode {
        BatchCode::LisRap
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(run(ctx, LetterKind::Rappel))
    }
}

async fn run(ctx: &JobContext, kind: LetterKind) -> Result<JobSummary, JobError> {
    let letters = ctx.store.letters_to_list(kind).await?;
    ctx.checkpoint()?;
    if letters.is_empty() {
        ctx.log.info(format!("Aucun nouveau courrier de {} à lister : aucun fichier produit", kind.word()));
        return Ok(summary(0, 0));
    }
    let now = ctx.now().await?;
    let encoding = ctx.settings.listing_encoding;
    let mut listing = Listing::new(encoding);
    let mut substituted = 0_i64;
    for (index, letter) in letters.iter().enumerate() {
        let cells = Cells::of(letter, ctx);
        let substitutions = listing.push_row(&cells.as_row());
        if !substitutions.is_empty() {
            substituted += substitutions.len() as i64;
            let replaced: Vec<String> =
                substitutions.iter().map(|(ch, spelled)| format!("« {ch} » → « {spelled} »")).collect();
            ctx.log.warn(format!(
                "Ligne {} ({}) : caractères absents de Windows-1252 remplacés : {}",
                index + 2,
                cells.who(),
                replaced.join(", ")
            ));
        }
    }
    ctx.checkpoint()?;

    let rows = listing.rows();
    let bytes = listing.into_bytes();
    let stamp = now.to_zoned_datetime(ctx.settings.time_zone.clone()).strftime("%Y%m%d_%H%M%S");
    let file_name = format!("listing_{}s_{stamp}_{}.csv", kind.word(), ctx.execution.0);
    let path = write_file(&ctx.settings.output_dir, &file_name, &bytes).map_err(|error| {
        JobError::Failed(format!(
            "Écriture du listing {file_name} dans {} impossible : {error}",
            ctx.settings.output_dir.display()
        ))
    })?;
    let path_text = path.to_string_lossy();
    let file = NewProducedFile {
        kind: match kind {
            LetterKind::Relance => FileKind::RelanceListing,
            LetterKind::Rappel => FileKind::RappelListing,
        },
        path: &path_text,
        file_name: &file_name,
        size_bytes: bytes.len() as i64,
        execution_id: Some(ctx.execution.0),
    };
    let ids: Vec<i64> = letters.iter().map(|letter| letter.letter_id).collect();
    if let Err(error) = ctx.store.record_listing(&file, &ids, now).await {
        if let Err(remove_error) = std::fs::remove_file(&path) {
            ctx.log.error(format!("Listing {} non supprimé après l'échec : {remove_error}", path.display()));
        }
        return Err(error.into());
    }
    ctx.log.info(format!(
        "{rows} courrier(s) de {} listé(s) : {} ({}, {} octets)",
        kind.word(),
        path.display(),
        encoding.name(),
        bytes.len()
    ));
    Ok(summary(rows as i64, substituted))
}

fn summary(listed: i64, substituted: i64) -> JobSummary {
    JobSummary::default().count("courriers listés", listed).count("caractères remplacés", substituted)
}

/// The cells of one row, in the order of [`calcium_letters::HEADER`].
struct Cells {
    values: [String; calcium_letters::HEADER.len()],
}

impl Cells {
    fn of(letter: &LetterToList, ctx: &JobContext) -> Cells {
        let student = &letter.student;
        let address: Option<PostalAddress> = letter.address.as_deref().and_then(|json| serde_json::from_str(json).ok());
        let street = |index: usize| address.as_ref().and_then(|a| a.streets.get(index)).cloned().unwrap_or_default();
        let letter_date = letter.produced_at.to_zoned_datetime(ctx.settings.time_zone.clone()).date();
        Cells {
            values: [
                student.cod_nne.clone().unwrap_or_default(),
                student.nom.clone(),
                student.prenom1.clone(),
                short_date(student.datenai.0),
                street(0),
                street(1),
                street(2),
                address.as_ref().map(|a| a.postcode.clone()).unwrap_or_default(),
                address.as_ref().map(|a| a.commune.clone()).unwrap_or_default(),
                address.as_ref().map_or_else(String::new, |a| a.country.clone().unwrap_or_else(|| "France".to_owned())),
                address.as_ref().map_or("aucune", |a| a.source.label()).to_owned(),
                letter.motif_label.clone(),
                short_date(letter.due_date),
                short_date(letter_date),
            ],
        }
    }

    fn as_row(&self) -> [&str; calcium_letters::HEADER.len()] {
        std::array::from_fn(|index| self.values[index].as_str())
    }

    fn who(&self) -> String {
        let ine = if self.values[0].is_empty() { "sans INE" } else { &self.values[0] };
        format!("{ine}, {} {}", self.values[1], self.values[2])
    }
}

//! MES_VACCINS — the import of vaccinations from MesVaccins.net (SPEC §6). Disabled by
//! default; it needs `mesvaccins.url` (and usually `mesvaccins.token`).
//!
//! A run asks for the records since the start of the last successful run, reads and checks
//! the whole answer, matches every record to a student (INE, else secondary keys), then writes
//! the matched ones in one transaction (a known vaccination is updated only if it changed, so
//! a second run adds nothing). Unmatched and ambiguous records are listed in the log. An HTTP
//! error, a timeout or a malformed answer ends the run in ERROR with the cause, before
//! anything is written.

mod client;
mod feed;
mod matching;

use calcium_core::BatchCode;
use calcium_core::normalize::name_key;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use calcium_store::NewVaccination;

use crate::local_time;
use crate::mes_vaccins::client::{FeedRequest, fetch_records};
use crate::mes_vaccins::feed::FeedRecord;
use crate::mes_vaccins::matching::Decision;

/// The `source` of the vaccinations this job writes.
pub(crate) const SOURCE: &str = "MESVACCINS";

#[derive(Debug, Clone, Copy)]
pub struct ImportVaccinations;

impl Job for ImportVaccinations {
    fn code(&self) -> BatchCode {
        BatchCode::MesVaccins
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let settings = &ctx.settings.mesvaccins;
            let Some(base_url) = settings.url.as_deref() else {
                return Err(JobError::Failed(
                    "MES_VACCINS ne peut pas s'exécuter sans l'adresse du service (clé mesvaccins.url de la configuration)"
                        .to_owned(),
                ));
            };
            let since = ctx.store.last_successful_start(BatchCode::MesVaccins).await?;
            let asked = match since {
                Some(since) => format!("depuis la dernière exécution réussie ({})", local_time(since, ctx)),
                None => "toutes (aucune exécution réussie)".to_owned(),
            };
            ctx.log.info(format!("Demande à {base_url} des vaccinations : {asked}"));
            let request = FeedRequest { base_url, token: settings.token.as_deref(), timeout: settings.timeout, since };
            let records = fetch_records(&request).await.map_err(JobError::failed)?;
            ctx.log.info(format!("{} enregistrement(s) reçu(s)", records.len()));
            ctx.checkpoint()?;

            let mut rows = Vec::with_capacity(records.len());
            let (mut unmatched, mut ambiguous) = (0_i64, 0_i64);
            for record in &records {
                match decide(ctx, record).await? {
                    Decision::Student(student_id) => rows.push(NewVaccination {
                        student_id,
                        vaccine_code: record.vaccine_code.clone(),
                        label: record.label.clone(),
                        injection_date: record.injection_date,
                        lot: record.lot.clone(),
                        rang: record.rang,
                        source: SOURCE.to_owned(),
                        execution_id: Some(ctx.execution.0),
                    }),
                    Decision::Unmatched(why) => {
                        unmatched += 1;
                        ctx.log.warn(format!("Non rapproché : {} — {why}", describe(record)));
                    }
                    Decision::Ambiguous(why) => {
                        ambiguous += 1;
                        ctx.log.warn(format!("Ambigu : {} — {why}", describe(record)));
                    }
                }
            }
            ctx.checkpoint()?;
            let now = ctx.now().await?;
            let written = ctx.store.upsert_vaccinations(&rows, now).await?;
            ctx.log.info(format!(
                "{} vaccination(s) créée(s), {} mise(s) à jour, {} déjà à jour ; {unmatched} enregistrement(s) non \
                 rapproché(s), {ambiguous} ambigu(s)",
                written.created, written.updated, written.unchanged
            ));
            Ok(JobSummary::default()
                .count("enregistrements reçus", records.len() as i64)
                .count("vaccinations créées", written.created as i64)
                .count("vaccinations mises à jour", written.updated as i64)
                .count("déjà à jour", written.unchanged as i64)
                .count("non rapprochés", unmatched)
                .count("ambigus", ambiguous))
        })
    }
}

/// Looks the record's student up: INE first, then the secondary keys.
async fn decide(ctx: &JobContext, record: &FeedRecord) -> Result<Decision, JobError> {
    if let Some(ine) = record.ine.as_deref() {
        let holders = ctx.store.students_with_ine(ine).await?;
        if let Some(decision) = matching::by_ine(&holders) {
            return Ok(decision);
        }
    }
    let candidates = ctx
        .store
        .students_with_name_and_birth(&name_key(&record.nom), &name_key(&record.prenom), record.birth_date)
        .await?;
    Ok(matching::by_keys(record.ine.as_deref(), &candidates))
}

/// `INE 1234567890A, LEFÈVRE Zoé née le 29/02/2004, vaccin DTP du 01/09/2025`
fn describe(record: &FeedRecord) -> String {
    format!(
        "INE {}, {} {} né(e) le {}, vaccin {} du {}",
        record.ine.as_deref().unwrap_or("absent"),
        record.nom,
        record.prenom,
        record.birth_date.strftime("%d/%m/%Y"),
        record.vaccine_code,
        record.injection_date.strftime("%d/%m/%Y")
    )
}

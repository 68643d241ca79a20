//! DOUBLONS — finds the students who are probably the same person and stores the pairs, with
//! their score and reasons, for the "Gestion des doublons" page (SPEC §6).
//!
//! The students are read page by page into the compact form of `calcium_dedup` (the rows are
//! dropped as they are prepared), the pairs are found on a blocking thread (the search is
//! pure CPU work: the runtime keeps answering, the run's heartbeat keeps beating), then stored
//! in one transaction that keeps every verdict: a pair judged "personnes différentes" is
//! never proposed again.

use std::time::{Duration, Instant};

use calcium_core::BatchCode;
use calcium_core::student::StudentId;
use calcium_dedup::{BirthParts, Identity, Prepared, Settings, Sex, find_duplicates};
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use calcium_store::{DuplicateCandidate, DuplicateStatus, DuplicateSubject};

/// Students read per query.
const PAGE: i64 = 50_000;

#[derive(Debug, Clone, Copy)]
pub struct Doublons;

impl Job for Doublons {
    fn code(&self) -> BatchCode {
        BatchCode::Doublons
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let started = Instant::now();
            let total = ctx.store.count_students().await?;
            let mut prepared = Prepared::with_capacity(usize::try_from(total).unwrap_or(0));
            let mut ids: Vec<i64> = Vec::with_capacity(prepared.len());
            let mut after = 0;
            loop {
                ctx.checkpoint()?;
                let page = ctx.store.duplicate_subjects(after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for subject in &page {
                    prepared.push(&identity(subject));
                    ids.push(subject.id);
                }
                ctx.progress(ids.len() as i64, total.max(ids.len() as i64)).await?;
            }
            ctx.log.info(format!("{} étudiants lus en {}", ids.len(), seconds(started.elapsed())));
            ctx.checkpoint()?;

            let outcome = tokio::task::spawn_blocking(move || find_duplicates(&prepared, &Settings::default()))
                .await
                .map_err(JobError::failed)?;
            ctx.checkpoint()?;
            for (key, entries, pairs, windowed) in &outcome.blocking.per_key {
                ctx.log.info(format!(
                    "Clé « {} » : {entries} entrées, {pairs} paires{}",
                    key.label(),
                    if *windowed > 0 {
                        format!(" ({windowed} gros blocs parcourus par voisinage)")
                    } else {
                        String::new()
                    }
                ));
            }
            let timings = outcome.timings;
            ctx.log.info(format!(
                "{} paires candidates comparées ({:.1} par étudiant), {} paires probables, en {} \
                 (blocage {}, modèle {}, score {})",
                outcome.blocking.candidates,
                outcome.blocking.candidates as f64 / ids.len().max(1) as f64,
                outcome.pairs.len(),
                seconds(timings.blocking + timings.estimation + timings.scoring),
                seconds(timings.blocking),
                seconds(timings.estimation),
                seconds(timings.scoring),
            ));

            let pairs: Vec<DuplicateCandidate> = outcome
                .pairs
                .into_iter()
                .map(|pair| DuplicateCandidate {
                    student_a: StudentId(ids[pair.a as usize]),
                    student_b: StudentId(ids[pair.b as usize]),
                    score: pair.score,
                    reasons: pair.reasons,
                    status: DuplicateStatus::Pending,
                })
                .collect();
            let now = ctx.now().await?;
            let storing = Instant::now();
            let refresh = ctx.store.refresh_duplicate_candidates(&pairs, now).await?;
            ctx.log.info(format!(
                "{} nouvelle(s) paire(s), {} mise(s) à jour (les verdicts sont gardés), {} paire(s) à traiter \
                 retirée(s), en {}",
                refresh.added,
                refresh.refreshed,
                refresh.removed,
                seconds(storing.elapsed())
            ));
            Ok(JobSummary::default()
                .count("étudiants", ids.len() as i64)
                .count("paires candidates", outcome.blocking.candidates as i64)
                .count("paires probables", pairs.len() as i64)
                .count("nouvelles paires", refresh.added as i64)
                .count("paires retirées", refresh.removed as i64))
        })
    }
}

/// `1,25 s`, as the run's log says durations.
fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64()).replace('.', ",")
}

/// What the comparison reads of a stored student.
fn identity(subject: &DuplicateSubject) -> Identity {
    let date = subject.datenai.0;
    Identity {
        nom: subject.nom.clone(),
        nomusage: subject.nomusage.clone(),
        prenom1: subject.prenom1.clone(),
        prenom2: subject.prenom2.clone(),
        prenom3: subject.prenom3.clone(),
        birth: Some(BirthParts {
            year: u16::try_from(date.year()).unwrap_or(0),
            month: u8::try_from(date.month()).unwrap_or(0),
            day: u8::try_from(date.day()).unwrap_or(0),
        }),
        sex: calcium_core::student::Sexe::parse(&subject.sexe).ok().and_then(Sex::of),
        nationality: Some(subject.code_natio.clone()),
        ine: subject.cod_nne.clone(),
        nni: subject.cod_nni.clone(),
        address: subject.adr1.clone(),
        postcode: subject.cod_bdi.clone(),
        commune: subject.commune.clone(),
        mail: subject.mail.clone(),
    }
}

//! REL_COU and REL_CRA — the letters of relances and of their rappels (SPEC §6).
//!
//! One run: load the templates (a bad template stops the run before anything is written), find
//! the open relances due for a letter of this kind that have none, lay every letter out into
//! one A4 PDF (one page per letter), write it under `output.dir`, then record the file and its
//! letters in one transaction. The order makes a run all-or-nothing: a run that fails or is
//! cancelled before the record removes its file, and a letter is never recorded without its
//! PDF; `UNIQUE (relance_id, kind)` makes a letter impossible to produce twice.
//!
//! Then the mails: every letter of this kind that has an address to mail and no mail sent yet —
//! this run's and the ones that failed before — is mailed; a failure is logged and tried again
//! by the next run (at most [`MAX_MAIL_ATTEMPTS`] times, then it stays visible as failed on
//! the relances page).

use std::path::{Path, PathBuf};

use calcium_core::BatchCode;
use calcium_core::postal_address::{AddressFields, PostalAddress};
use calcium_core::relance::{LetterKind, RelanceCalendar};
use calcium_core::user::Email;
use calcium_letters::{Fonts, LetterData, LetterPdf, Origin, Templates, compose, compose_mail, lay_out};
use calcium_scheduler::{BoxFuture, Cancellation, Job, JobContext, JobError, JobSummary};
use calcium_store::{FileKind, LetterCandidate, LetterStudent, NewLetter, NewProducedFile};
use jiff::Timestamp;

/// Tries of a mail before it is left as failed.
pub const MAX_MAIL_ATTEMPTS: i32 = 5;

/// Relay failures in a row after which a run leaves the remaining mails to the next run.
const RELAY_FAILURES_BEFORE_GIVING_UP: usize = 3;

/// Letters between two looks at the cancellation signal and two progress reports.
const LETTERS_PER_STEP: usize = 500;

/// REL_COU: one letter for each échue, open relance.
#[derive(Debug, Clone, Copy)]
pub struct RelanceLetters;

/// REL_CRA: one rappel letter for each relance still open `relances.rappel_days` after its due date.
#[derive(Debug, Clone, Copy)]
pub struct RappelLetters;

impl Job for RelanceLetters {
    fn code(&self) -> BatchCode {
        BatchCode::RelCou
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(run(ctx, LetterKind::Relance))
    }
}

impl Job for RappelLetters {
    fn code(&self) -> BatchCode {
        BatchCode::RelCra
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(run(ctx, LetterKind::Rappel))
    }
}

async fn run(ctx: &JobContext, kind: LetterKind) -> Result<JobSummary, JobError> {
    let settings = &ctx.settings;
    let templates = Templates::load(settings.relance_templates_dir.as_deref()).map_err(JobError::failed)?;
    for (name, origin) in &templates.origins {
        match origin {
            Origin::BuiltIn => ctx.log.info(format!("Modèle {name} : modèle intégré")),
            Origin::File(path) => ctx.log.info(format!("Modèle {name} : {}", path.display())),
        }
    }
    let now = ctx.now().await?;
    let calendar = RelanceCalendar::new(now.to_zoned_datetime(settings.time_zone.clone()).date(), settings.rappel_days);
    let due_by = match kind {
        LetterKind::Relance => calendar.echue_if_due_by(),
        LetterKind::Rappel => calendar.rappel_if_due_by(),
    };
    let candidates = ctx.store.letter_candidates(kind, due_by).await?;
    ctx.checkpoint()?;

    let produced = if candidates.is_empty() {
        ctx.log.info(match kind {
            LetterKind::Relance => "Aucune relance échue sans courrier : aucun courrier produit".to_owned(),
            LetterKind::Rappel => format!(
                "Aucune relance ouverte depuis {} jours après son échéance sans rappel : aucun courrier produit",
                calendar.rappel_days()
            ),
        });
        Produced::default()
    } else {
        produce(ctx, kind, &templates, &calendar, candidates, now).await?
    };

    let mails = send_mails(ctx, kind, &templates, &calendar).await?;
    Ok(JobSummary::default()
        .count("courriers produits", produced.letters as i64)
        .count("pages", produced.pages as i64)
        .count("sans adresse postale", produced.without_address as i64)
        .count("courriels envoyés", mails.sent)
        .count("courriels en échec", mails.failed))
}

#[derive(Debug, Default)]
struct Produced {
    letters: usize,
    pages: usize,
    without_address: usize,
}

/// What the PDF builder hands back.
struct Built {
    bytes: Vec<u8>,
    letters: Vec<NewLetter>,
    pages: usize,
    without_address: usize,
    warnings: Vec<String>,
}

async fn produce(
    ctx: &JobContext,
    kind: LetterKind,
    templates: &Templates,
    calendar: &RelanceCalendar,
    candidates: Vec<LetterCandidate>,
    now: Timestamp,
) -> Result<Produced, JobError> {
    let total = candidates.len();
    ctx.log.info(format!("{total} courrier(s) de {} à produire", kind.word()));
    ctx.progress(0, total as i64).await?;
    let mailing = ctx.settings.mail.is_some();
    let (templates, calendar, cancellation) = (templates.clone(), *calendar, ctx.cancellation.clone());
    let (progress_sender, mut progress) = tokio::sync::watch::channel(0_usize);
    // Laying out and drawing tens of thousands of pages is CPU work: off the async threads.
    let builder = tokio::task::spawn_blocking(move || {
        build_pdf(kind, &templates, &calendar, &candidates, mailing, &cancellation, &progress_sender)
    });
    tokio::pin!(builder);
    let built = loop {
        tokio::select! {
            result = &mut builder => break result.map_err(JobError::failed)??,
            Ok(()) = progress.changed() => {
                let done = *progress.borrow_and_update();
                ctx.progress(done as i64, total as i64).await?;
            }
        }
    };
    for warning in &built.warnings {
        ctx.log.warn(warning);
    }
    ctx.checkpoint()?;

    let stamp = now.to_zoned_datetime(ctx.settings.time_zone.clone()).strftime("%Y%m%d_%H%M%S");
    let file_name = format!("courriers_{}s_{stamp}_{}.pdf", kind.word(), ctx.execution.0);
    let path = write_file(&ctx.settings.output_dir, &file_name, &built.bytes).map_err(|error| {
        JobError::Failed(format!(
            "Écriture du PDF {file_name} dans {} impossible : {error}",
            ctx.settings.output_dir.display()
        ))
    })?;
    let path_text = path.to_string_lossy();
    let file = NewProducedFile {
        kind: match kind {
            LetterKind::Relance => FileKind::RelanceLetters,
            LetterKind::Rappel => FileKind::RappelLetters,
        },
        path: &path_text,
        file_name: &file_name,
        size_bytes: built.bytes.len() as i64,
        execution_id: Some(ctx.execution.0),
    };
    let recorded = match ctx.checkpoint() {
        Ok(()) => ctx.store.record_letters(kind, &file, &built.letters, now).await.map_err(JobError::from),
        Err(cancelled) => Err(cancelled),
    };
    if let Err(error) = recorded {
        // Nothing recorded: the file must not stay behind as if it held produced letters.
        if let Err(remove_error) = std::fs::remove_file(&path) {
            ctx.log.error(format!("PDF {} non supprimé après l'échec : {remove_error}", path.display()));
        }
        return Err(error);
    }
    ctx.progress(total as i64, total as i64).await?;
    ctx.log.info(format!(
        "{} courrier(s) de {} produit(s) : {} ({} page(s), {} octets)",
        built.letters.len(),
        kind.word(),
        path.display(),
        built.pages,
        built.bytes.len()
    ));
    Ok(Produced { letters: built.letters.len(), pages: built.pages, without_address: built.without_address })
}

fn build_pdf(
    kind: LetterKind,
    templates: &Templates,
    calendar: &RelanceCalendar,
    candidates: &[LetterCandidate],
    mailing: bool,
    cancellation: &Cancellation,
    progress: &tokio::sync::watch::Sender<usize>,
) -> Result<Built, JobError> {
    let title = match kind {
        LetterKind::Relance => {
            format!("Courriers de relance du {}", calcium_core::relance::long_date(calendar.today()))
        }
        LetterKind::Rappel => format!("Courriers de rappel du {}", calcium_core::relance::long_date(calendar.today())),
    };
    let mut pdf = LetterPdf::new(Fonts::bundled(), &title);
    let mut letters = Vec::with_capacity(candidates.len());
    let mut warnings = Vec::new();
    let mut without_address = 0;
    for (index, candidate) in candidates.iter().enumerate() {
        if index % LETTERS_PER_STEP == 0 {
            if cancellation.is_cancelled() {
                return Err(JobError::Cancelled);
            }
            progress.send_replace(index);
        }
        let student = &candidate.student;
        let who = identify(candidate);
        let address = postal_address(student);
        if address.is_none() {
            without_address += 1;
            warnings
                .push(format!("{who} : aucune adresse postale (ni personnelle ni familiale) ; le courrier l'indique"));
        }
        let data = letter_data(candidate, calendar, address.as_ref());
        let laid_out = lay_out(&compose(templates, kind, &data), pdf.fonts());
        if !laid_out.replaced.is_empty() {
            let replaced: String = laid_out.replaced.iter().collect();
            warnings.push(format!("{who} : caractères absents de la police, écrits sans accent : {replaced}"));
        }
        if laid_out.pages.len() > 1 {
            warnings.push(format!(
                "{who} : texte trop long pour une page, le courrier tient sur {} pages",
                laid_out.pages.len()
            ));
        }
        if laid_out.address_lines_dropped > 0 {
            warnings
                .push(format!("{who} : adresse trop longue pour la fenêtre de l'enveloppe, dernières lignes omises"));
        }
        pdf.add(&laid_out);
        let mail_to = match student.mail.as_deref().map(str::trim).filter(|mail| !mail.is_empty()) {
            Some(mail) if mailing => match Email::parse(mail) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(_) => {
                    warnings.push(format!("{who} : adresse électronique « {mail} » invalide, courriel non envoyé"));
                    None
                }
            },
            _ => None,
        };
        letters.push(NewLetter {
            relance_id: candidate.relance_id,
            mail_to,
            address: address.map(|address| serde_json::to_string(&address).expect("an address serialises")),
        });
    }
    let pages = pdf.pages();
    let bytes = pdf.finish().map_err(JobError::failed)?;
    Ok(Built { bytes, letters, pages, without_address, warnings })
}

/// `Relance n° 12 (INE 1234567890A, Lefèvre Zoé)`: who a log line is about.
fn identify(candidate: &LetterCandidate) -> String {
    let student = &candidate.student;
    let ine = student.cod_nne.as_deref().map_or_else(|| "sans INE".to_owned(), |ine| format!("INE {ine}"));
    format!("Relance n° {} ({ine}, {} {})", candidate.relance_id, student.nom, student.prenom1)
}

fn postal_address(student: &LetterStudent) -> Option<PostalAddress> {
    let personal = AddressFields {
        streets: [student.adr1.as_deref(), student.adr2.as_deref(), student.adr3.as_deref()],
        postcode: student.cod_bdi.as_deref(),
        commune: student.commune.as_deref(),
        country_code: student.pays.as_deref(),
    };
    let family = AddressFields {
        streets: [student.adr1fix.as_deref(), student.adr2fix.as_deref(), student.adr3fix.as_deref()],
        postcode: student.bdifix.as_deref(),
        commune: student.communefix.as_deref(),
        country_code: student.paysfix.as_deref(),
    };
    PostalAddress::choose(&personal, &family)
}

fn letter_data<'a>(
    candidate: &'a LetterCandidate,
    calendar: &RelanceCalendar,
    address: Option<&'a PostalAddress>,
) -> LetterData<'a> {
    let student = &candidate.student;
    LetterData {
        relance_id: candidate.relance_id,
        sexe: &student.sexe,
        prenom: &student.prenom1,
        nom: &student.nom,
        nomusage: student.nomusage.as_deref(),
        ine: student.cod_nne.as_deref(),
        date_naissance: student.datenai.0,
        motif: &candidate.motif_label,
        due_date: candidate.due_date,
        courrier: &candidate.courrier,
        letter_date: calendar.today(),
        rappel_days: calendar.rappel_days(),
        address,
    }
}

/// Writes `bytes` to `dir/name` through a temporary name, so the final name only ever holds a
/// whole file.
pub(crate) fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let partial = dir.join(format!(".{name}.partiel"));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written.map(|()| path)
}

#[derive(Debug, Default)]
struct Mails {
    sent: i64,
    failed: i64,
}

/// Sends the mails still owed for letters of `kind`.
async fn send_mails(
    ctx: &JobContext,
    kind: LetterKind,
    templates: &Templates,
    calendar: &RelanceCalendar,
) -> Result<Mails, JobError> {
    let pending = ctx.store.pending_mails(kind, MAX_MAIL_ATTEMPTS).await?;
    let mut mails = Mails::default();
    if pending.is_empty() {
        return Ok(mails);
    }
    let Some(relay) = &ctx.settings.mail else {
        ctx.log.warn(format!(
            "{} courriel(s) en attente non envoyé(s) : aucun serveur SMTP configuré (smtp.host)",
            pending.len()
        ));
        return Ok(mails);
    };
    let total = pending.len();
    let mut relay_failures_in_a_row = 0;
    for (index, mail) in pending.into_iter().enumerate() {
        ctx.checkpoint()?;
        if relay_failures_in_a_row == RELAY_FAILURES_BEFORE_GIVING_UP {
            // The relay is down: trying each remaining mail would only wait for each timeout.
            ctx.log.warn(format!(
                "Serveur SMTP injoignable : les {} courriel(s) restant(s) seront envoyés au prochain lancement",
                total - index
            ));
            break;
        }
        let candidate = &mail.candidate;
        let letter_date = mail.produced_at.to_zoned_datetime(ctx.settings.time_zone.clone()).date();
        let data = LetterData { letter_date, ..letter_data(candidate, calendar, None) };
        let text = compose_mail(templates, kind, &data);
        let message = calcium_mail::Mail {
            to: mail.mail_to.clone(),
            subject: text.subject,
            body: text.body,
            attachments: Vec::new(),
        };
        match calcium_mail::send(relay, &message).await {
            Ok(()) => {
                ctx.store.mark_mail_sent(mail.letter_id, ctx.now().await?).await?;
                mails.sent += 1;
                relay_failures_in_a_row = 0;
            }
            Err(error) => {
                if matches!(error, calcium_mail::MailError::Send { .. }) {
                    relay_failures_in_a_row += 1;
                }
                let attempt = mail.mail_attempts + 1;
                let next = if attempt < MAX_MAIL_ATTEMPTS {
                    "nouvel essai au prochain lancement".to_owned()
                } else {
                    format!("abandon après {MAX_MAIL_ATTEMPTS} essais, voir la page des relances")
                };
                ctx.log.warn(format!(
                    "{} : courriel à {} non envoyé (essai {attempt}) : {error} ; {next}",
                    identify(candidate),
                    mail.mail_to
                ));
                ctx.store.mark_mail_failed(mail.letter_id, &error.to_string()).await?;
                mails.failed += 1;
            }
        }
    }
    ctx.log.info(format!("Courriels : {} envoyé(s), {} en échec", mails.sent, mails.failed));
    Ok(mails)
}

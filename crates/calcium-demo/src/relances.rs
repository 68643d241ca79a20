//! Relances of the demo students: a motif of `RELANCE_MOTIFS`, a due date from fifteen months
//! ago to two months ahead (so that the lists show relances en cours, échues, due for a
//! rappel, and old enough for CLEAN_RELANCE), the letter text and an internal comment.

use calcium_core::reference::RELANCE_MOTIFS;
use calcium_core::student::StudentId;
use calcium_store::NewRelance;
use jiff::civil::Date;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::clock::{Clock, DAY_MS};

/// Internal comments of the service: never printed nor mailed.
const COMMENTS: &[&str] = &[
    "Relance téléphonique sans réponse.",
    "Message laissé sur le répondeur.",
    "En stage à l'étranger jusqu'en juin, à revoir au retour.",
    "Vu à l'accueil : document promis pour la semaine prochaine.",
    "Courrier revenu « n'habite pas à l'adresse indiquée », adresse à vérifier.",
    "Dossier transmis au médecin.",
    "A demandé un délai (examens en cours).",
    "Mail envoyé sur l'adresse universitaire.",
    "Rendez-vous reporté à la demande de l'étudiant.",
];

/// About 0.05 relance per student, a fifth of them closed.
pub(crate) fn relances(students: &[StudentId], clock: &Clock, rng: &mut impl Rng) -> Vec<NewRelance> {
    let count = students.len() / 20;
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(&student_id) = students.choose(rng) else { break };
        let (motif_code, _) = *RELANCE_MOTIFS.choose(rng).expect("the motif list is not empty");
        // A third not yet due or just due, half échues for a while (rappel due after 30 days),
        // the rest older than a year.
        let due_in_days = match rng.random_range(0..10) {
            0..3 => rng.random_range(-30..=61),
            3..8 => rng.random_range(-365..-30),
            _ => rng.random_range(-456..-365),
        };
        let due_date = clock.date(due_in_days);
        // Written three to eight weeks before the due date, and in any case before now.
        let written_days_ago = (rng.random_range(21..=60) - due_in_days).max(rng.random_range(1..=10));
        let created_ms = clock.office_hours_ms(written_days_ago, rng);
        let closed_at = rng.random_bool(0.2).then(|| {
            let open_for = (clock.now_ms() - created_ms).max(DAY_MS);
            clock.instant(created_ms + rng.random_range(0..open_for))
        });
        rows.push(NewRelance {
            student_id,
            motif_code: motif_code.to_owned(),
            due_date,
            courrier: courrier(motif_code, due_date),
            commentaire: rng.random_bool(0.7).then(|| (*COMMENTS.choose(rng).expect("not empty")).to_owned()),
            created_at: clock.instant(created_ms),
            closed_at,
        });
    }
    rows
}

/// The body of the letter sent to the student, by motif.
fn courrier(motif_code: &str, due_date: Date) -> String {
    let request = match motif_code {
        "VAC" => {
            "Lors de votre visite au service de santé universitaire, il est apparu que certaines de vos \
             vaccinations ne sont pas à jour. Nous vous remercions de nous transmettre une copie de votre \
             carnet de vaccination, ou de prendre rendez-vous pour les mettre à jour,"
        }
        "BIL" => {
            "Votre bilan de santé est incomplet. Nous vous remercions de prendre rendez-vous auprès du \
             secrétariat afin de le compléter"
        }
        "RDV" => {
            "Vous ne vous êtes pas présenté(e) au rendez-vous qui vous avait été fixé. Nous vous remercions \
             de nous contacter afin d'en convenir d'un nouveau"
        }
        "CER" => {
            "Il manque à votre dossier le certificat médical demandé. Nous vous remercions de le déposer au \
             service ou de nous l'adresser par courrier"
        }
        "RES" => {
            "Les résultats des examens qui vous ont été prescrits ne nous sont pas parvenus. Nous vous \
             remercions de nous les rapporter"
        }
        _ => {
            "Votre dossier au service de santé universitaire appelle une réponse de votre part. Merci de nous contacter"
        }
    };
    format!(
        "Madame, Monsieur,\n\n{request} avant le {}.\n\nNous vous prions d'agréer, Madame, Monsieur, nos \
         salutations distinguées.\n\nLe service de santé universitaire",
        due_date.strftime("%d/%m/%Y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_motif_has_its_own_letter() {
        let due = jiff::civil::date(2027, 1, 15);
        let generic = courrier("???", due);
        for &(code, _) in RELANCE_MOTIFS {
            let text = courrier(code, due);
            assert_ne!(text, generic, "{code}");
            assert!(text.contains("avant le 15/01/2027"), "{text}");
        }
    }
}

//! `calcium doublons list|judge` (SPEC §5): the pairs DOUBLONS found, and the reviewers'
//! verdicts.

use calcium_core::student::StudentId;
use calcium_store::{DuplicateFilter, DuplicateReview, DuplicateStatus, Store};
use jiff::Timestamp;

use crate::args::DoublonsCommand;
use crate::commands::print_json;
use crate::failure::Failure;

/// Who a verdict given from the command line is recorded as.
const COMMAND_LINE: &str = "ligne de commande";

pub(crate) async fn run(store: &Store, command: DoublonsCommand) -> Result<(), Failure> {
    match command {
        DoublonsCommand::List { all, json } => {
            let pairs =
                store.duplicate_reviews(&DuplicateFilter { include_judged: all, ..DuplicateFilter::default() }).await?;
            if json {
                let values: Vec<serde_json::Value> = pairs.iter().map(pair_json).collect();
                return print_json(&values);
            }
            for pair in &pairs {
                println!(
                    "{:.2}  {} ↔ {}  [{}]  {}",
                    pair.score,
                    side_text(&pair.a),
                    side_text(&pair.b),
                    status_label(pair.status),
                    pair.reasons.join(", ")
                );
            }
            eprintln!("{} paire(s).", pairs.len());
            Ok(())
        }
        DoublonsCommand::Judge { id_a, id_b, same, different: _ } => {
            if id_a == id_b {
                return Err(Failure::refused("une paire est faite de deux étudiants différents"));
            }
            let status = if same { DuplicateStatus::SamePerson } else { DuplicateStatus::DifferentPeople };
            let judged =
                store.judge_duplicate(StudentId(id_a), StudentId(id_b), status, COMMAND_LINE, Timestamp::now()).await?;
            if !judged {
                return Err(Failure::refused(format!(
                    "la paire {id_a} – {id_b} n'est pas une paire proposée par DOUBLONS (voir calcium doublons list --all)"
                )));
            }
            eprintln!("Paire {id_a} – {id_b} : {}.", status_label(status));
            Ok(())
        }
    }
}

/// The JSON shape of SPEC §5: `{a:{id, cod_nne, cod_etu, nom, prenom1, datenai}, b, score,
/// reasons, status}`.
pub(crate) fn pair_json(pair: &DuplicateReview) -> serde_json::Value {
    serde_json::json!({
        "a": pair.a,
        "b": pair.b,
        "score": pair.score,
        "reasons": pair.reasons,
        "status": pair.status.as_str(),
    })
}

fn side_text(side: &calcium_store::DuplicateSide) -> String {
    format!(
        "{} {} {} ({}, né(e) le {})",
        side.id.0,
        side.nom,
        side.prenom1,
        side.cod_nne.as_deref().unwrap_or("sans INE"),
        side.datenai
    )
}

fn status_label(status: DuplicateStatus) -> &'static str {
    match status {
        DuplicateStatus::Pending => "à traiter",
        DuplicateStatus::SamePerson => "même personne",
        DuplicateStatus::DifferentPeople => "personnes différentes",
    }
}

//! clap's refusals of a command line, said in French like everything else `calcium` prints:
//! clap only speaks English, and the IT staff who script the command read its errors.
//!
//! The refusal is built from what clap knows of the error (its kind and its context: the
//! argument, the value, the suggestions, the usage line), so it names exactly what clap found.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The French text of a refused command line, usage line and pointer to `--help` included.
pub(crate) fn in_french(error: &clap::Error) -> String {
    let arg = context(error, ContextKind::InvalidArg);
    let value = context(error, ContextKind::InvalidValue);
    let mut text = match error.kind() {
        ErrorKind::UnknownArgument => format!("option ou argument inconnu : {arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("commande inconnue : {}", context(error, ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument if arg.contains(", ") => {
            format!("arguments obligatoires manquants : {arg}")
        }
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire manquant : {arg}"),
        ErrorKind::MissingSubcommand => "commande manquante".to_owned(),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} demande une valeur"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!("valeur « {value} » refusée pour {arg}"),
        ErrorKind::ArgumentConflict => {
            format!("{arg} ne peut pas être donné avec {}", context(error, ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues => format!("valeur en trop pour {arg} : « {value} »"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        ErrorKind::NoEquals => format!("{arg} demande sa valeur après « = »"),
        ErrorKind::InvalidUtf8 => "la ligne de commande contient des octets qui ne sont pas de l'UTF-8".to_owned(),
        other => format!("ligne de commande refusée ({other})"),
    };
    let valid = context(error, ContextKind::ValidValue);
    if !valid.is_empty() {
        text.push_str(&format!("\n  valeurs possibles : {valid}"));
    }
    for suggestion in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue] {
        let suggested = context(error, suggestion).replace(", ", " ou ");
        if !suggested.is_empty() {
            text.push_str(&format!("\n  vouliez-vous dire {suggested} ?"));
        }
    }
    let usage = context(error, ContextKind::Usage);
    if let Some(usage) = usage.strip_prefix("Usage:") {
        text.push_str(&format!("\n\nUsage :{usage}"));
    }
    text.push_str("\n\nPour en savoir plus : --help");
    text
}

/// One piece of the error's context as plain text (lists joined by commas), empty when absent.
fn context(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(text)) => text.clone(),
        Some(ContextValue::Strings(texts)) => texts.join(", "),
        Some(ContextValue::StyledStr(text)) => text.to_string(),
        Some(ContextValue::StyledStrs(texts)) => texts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        Some(ContextValue::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::Cli;

    fn refusal(args: &[&str]) -> String {
        let error = Cli::try_parse_from(std::iter::once("calcium").chain(args.iter().copied())).unwrap_err();
        in_french(&error)
    }

    #[test]
    fn an_unknown_option_is_named_with_the_usage_of_its_command() {
        let text = refusal(&["import", "--bogus", "f.csv"]);
        assert!(text.starts_with("option ou argument inconnu : --bogus"), "{text}");
        assert!(text.contains("Usage : calcium import"), "{text}");
        assert!(text.ends_with("Pour en savoir plus : --help"), "{text}");
    }

    #[test]
    fn a_misspelt_command_gets_a_suggestion() {
        let text = refusal(&["batch", "lsit"]);
        assert!(text.starts_with("commande inconnue : lsit"), "{text}");
        assert!(text.contains("vouliez-vous dire set ou list ?"), "{text}");
        assert!(text.contains("Usage : calcium batch [OPTIONS] <COMMANDE>"), "{text}");
    }

    #[test]
    fn a_missing_argument_and_a_bad_value_are_named() {
        assert!(refusal(&["import"]).starts_with("argument obligatoire manquant : <FILE>"));
        let text = refusal(&["batch", "history", "CLEAN", "--limit", "beaucoup"]);
        assert!(text.starts_with("valeur « beaucoup » refusée pour --limit"), "{text}");
    }

    #[test]
    fn conflicting_options_are_both_named() {
        let text = refusal(&["batch", "set", "CLEAN", "--enable", "--disable"]);
        assert!(
            text.contains("--disable") && text.contains("--enable") && text.contains("ne peut pas être donné avec"),
            "{text}"
        );
    }
}

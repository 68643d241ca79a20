//! The twelve batches of SPEC §1: their codes, labels and the defaults a fresh base starts with.

use std::fmt;

use crate::schedule::{Schedule, ScheduleFields, WallTime, Weekday, WeekdaySet};

/// The code of one of the twelve batches. The set is closed: a code outside it is refused at the
/// boundary, so a job, an execution or a schedule always belongs to a known batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BatchCode {
    Clean,
    CleanRelance,
    CleanScan,
    Doublons,
    FerCon,
    ImpQuo,
    LisRap,
    LisRel,
    MajIdentite,
    MesVaccins,
    RelCou,
    RelCra,
}

impl BatchCode {
    /// The twelve codes in the order of the batch table (alphabetical, as in the seed).
    pub const ALL: [BatchCode; 12] = [
        BatchCode::Clean,
        BatchCode::CleanRelance,
        BatchCode::CleanScan,
        BatchCode::Doublons,
        BatchCode::FerCon,
        BatchCode::ImpQuo,
        BatchCode::LisRap,
        BatchCode::LisRel,
        BatchCode::MajIdentite,
        BatchCode::MesVaccins,
        BatchCode::RelCou,
        BatchCode::RelCra,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchCode::Clean => "CLEAN",
            BatchCode::CleanRelance => "CLEAN_RELANCE",
            BatchCode::CleanScan => "CLEAN_SCAN",
            BatchCode::Doublons => "DOUBLONS",
            BatchCode::FerCon => "FER_CON",
            BatchCode::ImpQuo => "IMP_QUO",
            BatchCode::LisRap => "LIS_RAP",
            BatchCode::LisRel => "LIS_REL",
            BatchCode::MajIdentite => "MAJ_IDENTITE",
            BatchCode::MesVaccins => "MES_VACCINS",
            BatchCode::RelCou => "REL_COU",
            BatchCode::RelCra => "REL_CRA",
        }
    }

    /// Accepts the code in any case (`rel_cou` is `REL_COU`).
    pub fn parse(text: &str) -> Result<BatchCode, UnknownBatchCode> {
        let wanted = text.trim().to_ascii_uppercase();
        BatchCode::ALL
            .into_iter()
            .find(|code| code.as_str() == wanted)
            .ok_or_else(|| UnknownBatchCode(text.trim().to_owned()))
    }

    /// The definition a fresh base holds for this batch (SPEC §1).
    pub fn definition(self) -> BatchDefinition {
        use Weekday::*;
        let weekdays = |days: &[Weekday]| days.iter().copied().collect::<WeekdaySet>();
        let (label, hour, minute, days, enabled): (&str, u8, u8, &[Weekday], bool) = match self {
            BatchCode::Clean => ("Nettoyage des batches", 1, 0, &[Lundi, Mardi, Mercredi, Jeudi, Vendredi], true),
            BatchCode::CleanRelance => ("Nettoyage des relances de plus de 1 an", 6, 10, &[], true),
            BatchCode::CleanScan => {
                ("Nettoyage des fichiers du scan", 6, 0, &[Lundi, Mardi, Mercredi, Jeudi, Vendredi, Samedi], true)
            }
            BatchCode::Doublons => ("Gestions des doublons", 3, 0, &[Lundi, Vendredi], true),
            BatchCode::FerCon => {
                ("Fermeture nocturne des consultations", 4, 0, &[Lundi, Mardi, Mercredi, Jeudi, Vendredi, Samedi], true)
            }
            BatchCode::ImpQuo => ("Import quotidien de la base de Scolarité", 5, 0, &[], true),
            BatchCode::LisRap => ("Listing des rappels de relances", 2, 0, &[], true),
            BatchCode::LisRel => ("Listing des relances", 1, 15, &[], true),
            BatchCode::MajIdentite => ("MAJ table identite (utilisee pour statistiques)", 4, 30, &[Lundi], true),
            BatchCode::MesVaccins => ("Import des vaccins issus de mesvaccins.net", 7, 0, &[], false),
            BatchCode::RelCou => ("Courriers des relances", 1, 30, &[], true),
            BatchCode::RelCra => ("Courriers de rappel des relances", 2, 30, &[], true),
        };
        let time = WallTime::new(hour, minute).expect("the default times are valid");
        let schedule = Schedule::new(ScheduleFields {
            time,
            day_of_month: None,
            month: None,
            year: None,
            weekdays: weekdays(days),
        })
        .expect("the default schedules are valid");
        // Closing consultations hours late would close live ones (SPEC §3): FER_CON skips.
        let catch_up = match self {
            BatchCode::FerCon => CatchUpPolicy::Skip,
            _ => CatchUpPolicy::RunOnce,
        };
        BatchDefinition { code: self, label, schedule, enabled, catch_up }
    }
}

impl fmt::Display for BatchCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BatchCode {
    type Err = UnknownBatchCode;

    fn from_str(text: &str) -> Result<BatchCode, UnknownBatchCode> {
        BatchCode::parse(text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Batch inconnu : « {0} » (codes connus : CLEAN, CLEAN_RELANCE, CLEAN_SCAN, DOUBLONS, FER_CON, IMP_QUO, LIS_RAP, LIS_REL, MAJ_IDENTITE, MES_VACCINS, REL_COU, REL_CRA)"
)]
pub struct UnknownBatchCode(pub String);

/// What happens to an occurrence missed by more than the grace period (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatchUpPolicy {
    /// The most recent missed occurrence runs once when an instance comes back (if under 24 h).
    RunOnce,
    /// Missed occurrences are only recorded as MISSED.
    Skip,
}

impl CatchUpPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            CatchUpPolicy::RunOnce => "RUN_ONCE",
            CatchUpPolicy::Skip => "SKIP",
        }
    }

    pub fn parse(text: &str) -> Option<CatchUpPolicy> {
        match text {
            "RUN_ONCE" => Some(CatchUpPolicy::RunOnce),
            "SKIP" => Some(CatchUpPolicy::Skip),
            _ => None,
        }
    }
}

/// A batch as a fresh base holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDefinition {
    pub code: BatchCode,
    pub label: &'static str,
    pub schedule: Schedule,
    pub enabled: bool,
    pub catch_up: CatchUpPolicy,
}

/// What the configuration provides that some batches need before they can be put in service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServicesConfigured {
    /// `mesvaccins.url` is set.
    pub mesvaccins_url: bool,
}

/// Why a batch cannot be put in service ("En service").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnableRefused {
    #[error(
        "MES_VACCINS ne peut pas être mis en service sans l'adresse du service (clé mesvaccins.url de la configuration)"
    )]
    MesVaccinsWithoutUrl,
}

impl BatchCode {
    /// Whether this batch may be put in service with what the configuration provides. The
    /// command line, the edit dialog and the JSON API all ask here, so they refuse alike.
    pub fn check_can_enable(self, configured: ServicesConfigured) -> Result<(), EnableRefused> {
        match self {
            BatchCode::MesVaccins if !configured.mesvaccins_url => Err(EnableRefused::MesVaccinsWithoutUrl),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_summaries_match_the_seed_table() {
        let expected = [
            ("CLEAN", "Tous les lun, mar, mer, jeu, ven à 01h00", true),
            ("CLEAN_RELANCE", "Aucun jour à 06h10", true),
            ("CLEAN_SCAN", "Tous les lun, mar, mer, jeu, ven, sam à 06h00", true),
            ("DOUBLONS", "Tous les lun, ven à 03h00", true),
            ("FER_CON", "Tous les lun, mar, mer, jeu, ven, sam à 04h00", true),
            ("IMP_QUO", "Aucun jour à 05h00", true),
            ("LIS_RAP", "Aucun jour à 02h00", true),
            ("LIS_REL", "Aucun jour à 01h15", true),
            ("MAJ_IDENTITE", "Tous les lun à 04h30", true),
            ("MES_VACCINS", "Aucun jour à 07h00", false),
            ("REL_COU", "Aucun jour à 01h30", true),
            ("REL_CRA", "Aucun jour à 02h30", true),
        ];
        for (code, (text, summary, enabled)) in BatchCode::ALL.into_iter().zip(expected) {
            let definition = code.definition();
            assert_eq!(code.as_str(), text);
            assert_eq!(definition.schedule.summary(), summary, "{code}");
            assert_eq!(definition.enabled, enabled, "{code}");
        }
    }

    #[test]
    fn mes_vaccins_cannot_be_enabled_without_its_url_and_the_others_always_can() {
        let without = ServicesConfigured { mesvaccins_url: false };
        let refusal = BatchCode::MesVaccins.check_can_enable(without).unwrap_err();
        assert!(refusal.to_string().contains("mesvaccins.url"), "{refusal}");
        assert_eq!(BatchCode::MesVaccins.check_can_enable(ServicesConfigured { mesvaccins_url: true }), Ok(()));
        for code in BatchCode::ALL.into_iter().filter(|code| *code != BatchCode::MesVaccins) {
            assert_eq!(code.check_can_enable(without), Ok(()), "{code}");
        }
    }

    #[test]
    fn codes_parse_in_any_case_and_unknown_ones_are_named() {
        assert_eq!(BatchCode::parse("rel_cou"), Ok(BatchCode::RelCou));
        let err = BatchCode::parse("NOPE").unwrap_err();
        assert!(err.to_string().starts_with("Batch inconnu : « NOPE »"));
    }
}

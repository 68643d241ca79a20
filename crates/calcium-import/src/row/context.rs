//! What a line is checked against, built once by the caller: the day of the import, the import
//! model's defaults and the nomenclatures read from the base (SPEC §4.1, §4.7).
//!
//! Plain data: no lookup in the base happens here.

use std::collections::{HashMap, HashSet};

/// Every accepted line asks these sets up to five times: hashed with foldhash, not SipHash.
type Fast = foldhash::fast::RandomState;

use calcium_core::reference::{self, ImportModelDefinition};
use jiff::civil::Date;

/// Everything [`crate::parse_file`] and [`crate::row::parse_row`] need besides the bytes.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The day of the import: a birth date after it is unreadable.
    pub today: Date,
    pub defaults: ModelDefaults,
    pub nomenclatures: Nomenclatures,
}

impl ParseOptions {
    /// Options without defaults nor nomenclature checks.
    pub fn new(today: Date) -> ParseOptions {
        ParseOptions { today, defaults: ModelDefaults::default(), nomenclatures: Nomenclatures::default() }
    }
}

/// The values an import model applies to cells the source leaves empty, before the mandatory
/// check (a CHU file has no ETB/CMP: its model supplies them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelDefaults {
    pub etb: Option<String>,
    pub cmp: Option<String>,
}

impl ModelDefaults {
    pub fn of(model: &ImportModelDefinition) -> ModelDefaults {
        ModelDefaults { etb: model.default_etb.map(str::to_owned), cmp: model.default_cmp.map(str::to_owned) }
    }
}

/// The codes the base knows, for the warnings about unknown codes.
///
/// A nomenclature with no entry at all is taken as "not loaded" and not checked: flooding the
/// log with one warning per line would hide the real problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nomenclatures {
    pays: HashSet<String, Fast>,
    etablissements: HashSet<String, Fast>,
    /// ETB → its composantes. Nested so a lookup borrows the cell's `&str` (no allocation).
    composantes: HashMap<String, HashSet<String, Fast>, Fast>,
}

impl Nomenclatures {
    /// From the PAYS codes, the ETABLISSEMENT codes and the (ETB, CMP) pairs of the sub-level.
    pub fn new<P, E, C>(pays: P, etablissements: E, composantes: C) -> Nomenclatures
    where
        P: IntoIterator,
        P::Item: Into<String>,
        E: IntoIterator,
        E::Item: Into<String>,
        C: IntoIterator<Item = (String, String)>,
    {
        let mut by_etb: HashMap<String, HashSet<String, Fast>, Fast> = HashMap::default();
        for (etb, cmp) in composantes {
            by_etb.entry(etb).or_default().insert(cmp);
        }
        Nomenclatures {
            pays: pays.into_iter().map(Into::into).collect(),
            etablissements: etablissements.into_iter().map(Into::into).collect(),
            composantes: by_etb,
        }
    }

    /// The nomenclatures a fresh base starts with (`calcium_core::reference`).
    pub fn reference() -> Nomenclatures {
        let composantes = reference::ESTABLISHMENTS
            .iter()
            .flat_map(|etb| etb.composantes.iter().map(|&(cmp, _)| (etb.code.to_owned(), cmp.to_owned())));
        Nomenclatures::new(
            reference::COUNTRIES.iter().map(|&(code, _, _)| code),
            reference::ESTABLISHMENTS.iter().map(|etb| etb.code),
            composantes,
        )
    }

    /// `false` only when PAYS is loaded and lacks the code.
    pub(crate) fn pays_known(&self, code: &str) -> bool {
        self.pays.is_empty() || self.pays.contains(code)
    }

    pub(crate) fn etablissement_known(&self, code: &str) -> bool {
        self.etablissements.is_empty() || self.etablissements.contains(code)
    }

    pub(crate) fn composante_known(&self, etb: &str, cmp: &str) -> bool {
        self.composantes.is_empty() || self.composantes.get(etb).is_some_and(|cmps| cmps.contains(cmp))
    }
}

//! What duplicate detection reads of a student, and its compact prepared form.
//!
//! [`Identity`] is the input: the raw values as stored (or as an evaluation set gives them).
//! [`Prepared`] is what the blocking and the comparison work on: every string normalised once
//! and interned, a record a few dozen bytes of `u32` symbols, so that a million students fit
//! in memory with room to spare and comparing two of them starts with integer equality.

use std::collections::HashMap;

use calcium_core::student::{Sexe, StudentRecord};

use crate::identifier::{PackedId, pack};
use crate::names::{NameForms, split_surname};
use crate::phonetic;

/// A birth date as three numbers, not checked: an evaluation set may hold impossible dates
/// (a typo of the registry), which still carry information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthParts {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl BirthParts {
    /// `AAAA-MM-JJ` (how the base stores dates) or `AAAAMMJJ`; `None` for anything else.
    pub fn parse(text: &str) -> Option<BirthParts> {
        let digits: String = text.trim().chars().filter(|c| *c != '-').collect();
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(BirthParts {
            year: digits[..4].parse().ok()?,
            month: digits[4..6].parse().ok()?,
            day: digits[6..].parse().ok()?,
        })
    }

    /// Packed in one number, seven bits for the day and the month (a mistyped date may say 71),
    /// 0 staying free for "unknown".
    pub(crate) fn packed(self) -> u32 {
        (u32::from(self.year) << 14) | (u32::from(self.month) << 7) | u32::from(self.day)
    }

    /// The eight digits `JJMMAAAA`, for "one digit off".
    pub(crate) fn digits(self) -> [u8; 8] {
        let digit = |value: u16, unit: u16| b'0' + ((value / unit) % 10) as u8;
        let (day, month) = (u16::from(self.day), u16::from(self.month));
        [
            digit(day, 10),
            digit(day, 1),
            digit(month, 10),
            digit(month, 1),
            digit(self.year, 1000),
            digit(self.year, 100),
            digit(self.year, 10),
            digit(self.year, 1),
        ]
    }
}

/// Sex as the registry gives it; `INCONNU` is no information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// The values of one student duplicate detection looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub nom: String,
    pub nomusage: Option<String>,
    pub prenom1: String,
    pub prenom2: Option<String>,
    pub prenom3: Option<String>,
    pub birth: Option<BirthParts>,
    pub sex: Option<Sex>,
    pub nationality: Option<String>,
    pub ine: Option<String>,
    pub nni: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<String>,
    pub mail: Option<String>,
}

impl Identity {
    /// The values of a student record (the French evaluation set is made of those).
    pub fn of_record(record: &StudentRecord) -> Identity {
        let date = record.datenai.date();
        Identity {
            nom: record.nom.clone(),
            nomusage: record.nomusage.clone(),
            prenom1: record.prenom1.clone(),
            prenom2: record.prenom2.clone(),
            prenom3: record.prenom3.clone(),
            birth: Some(BirthParts {
                year: u16::try_from(date.year()).unwrap_or(0),
                month: u8::try_from(date.month()).unwrap_or(0),
                day: u8::try_from(date.day()).unwrap_or(0),
            }),
            sex: Sex::of(record.sexe),
            nationality: Some(record.code_natio.clone()),
            ine: record.cod_nne.as_ref().map(|ine| ine.as_str().to_owned()),
            nni: record.cod_nni.as_ref().map(|nni| nni.as_str().to_owned()),
            address: record.adr1.clone(),
            postcode: record.cod_bdi.clone(),
            commune: record.commune.clone(),
            mail: record.mail.clone(),
        }
    }
}

impl Sex {
    pub fn of(sexe: Sexe) -> Option<Sex> {
        match sexe {
            Sexe::Masculin => Some(Sex::Male),
            Sexe::Feminin => Some(Sex::Female),
            Sexe::Inconnu => None,
        }
    }
}

/// An interned string; [`NONE`] for an empty value.
pub(crate) type Sym = u32;
pub(crate) const NONE: Sym = 0;

/// One prepared student: normalised values as symbols.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Record {
    pub(crate) nom: Sym,
    pub(crate) nom_core: Sym,
    pub(crate) nom_code: Sym,
    pub(crate) usage: Sym,
    pub(crate) usage_core: Sym,
    pub(crate) usage_code: Sym,
    pub(crate) prenom: Sym,
    pub(crate) prenom_first: Sym,
    pub(crate) prenom_code: Sym,
    pub(crate) prenom_first_code: Sym,
    pub(crate) prenom2: Sym,
    pub(crate) prenom3: Sym,
    /// [`BirthParts::packed`], 0 when unknown.
    pub(crate) birth: u32,
    /// 0 unknown, 1 male, 2 female.
    pub(crate) sex: u8,
    pub(crate) nationality: Sym,
    pub(crate) ine: PackedId,
    pub(crate) nni: PackedId,
    pub(crate) address: Sym,
    pub(crate) postcode: PackedId,
    pub(crate) commune: Sym,
    pub(crate) mail: PackedId,
}

impl Record {
    pub(crate) fn birth(&self) -> Option<BirthParts> {
        (self.birth != 0).then_some(BirthParts {
            year: (self.birth >> 14) as u16,
            month: ((self.birth >> 7) & 0x7F) as u8,
            day: (self.birth & 0x7F) as u8,
        })
    }
}

/// The interned forms of one name.
#[derive(Debug, Clone, Copy, Default)]
struct NameSyms {
    compact: Sym,
    core: Sym,
    first_word: Sym,
    code: Sym,
    first_word_code: Sym,
}

/// The prepared population: records, the strings they point to, and how often each name is
/// borne (for the term-frequency adjustment: agreeing on MARTIN is worth less than on a rare
/// name).
#[derive(Debug, Default)]
pub struct Prepared {
    pub(crate) records: Vec<Record>,
    strings: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym>,
    /// Per symbol, how many records bear it as NOM or NOMUSAGE.
    pub(crate) surname_counts: Vec<u32>,
    /// Per symbol, how many records bear it as PRENOM1.
    pub(crate) first_name_counts: Vec<u32>,
    /// Raw spellings already prepared.
    surnames: HashMap<Box<str>, (NameSyms, Option<NameSyms>)>,
    first_names: HashMap<Box<str>, NameSyms>,
}

impl Prepared {
    pub fn new(identities: &[Identity]) -> Prepared {
        let mut prepared = Prepared::with_capacity(identities.len());
        for identity in identities {
            prepared.push(identity);
        }
        prepared
    }

    pub fn with_capacity(records: usize) -> Prepared {
        let mut prepared = Prepared {
            records: Vec::with_capacity(records),
            strings: vec![Box::from("")],
            index: HashMap::new(),
            surname_counts: vec![0],
            first_name_counts: vec![0],
            surnames: HashMap::new(),
            first_names: HashMap::new(),
        };
        prepared.index.insert(Box::from(""), NONE);
        prepared
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds one student; records are numbered in the order they are pushed.
    pub fn push(&mut self, identity: &Identity) {
        let (nom, usage_inside) = self.surname(&identity.nom);
        let usage = match identity.nomusage.as_deref().map(|raw| self.surname(raw).0) {
            Some(forms) if forms.compact != NONE && forms.compact != nom.compact => forms,
            _ => usage_inside.unwrap_or_default(),
        };
        let prenom = self.first_name(&identity.prenom1);
        let record = Record {
            nom: nom.compact,
            nom_core: nom.core,
            nom_code: nom.code,
            usage: usage.compact,
            usage_core: usage.core,
            usage_code: usage.code,
            prenom: prenom.compact,
            prenom_first: prenom.first_word,
            prenom_code: prenom.code,
            prenom_first_code: prenom.first_word_code,
            prenom2: identity.prenom2.as_deref().map_or(NONE, |raw| self.first_name(raw).compact),
            prenom3: identity.prenom3.as_deref().map_or(NONE, |raw| self.first_name(raw).compact),
            birth: identity.birth.map_or(0, BirthParts::packed),
            sex: match identity.sex {
                None => 0,
                Some(Sex::Male) => 1,
                Some(Sex::Female) => 2,
            },
            nationality: self.intern_value(identity.nationality.as_deref()),
            ine: pack_value(identity.ine.as_deref()),
            // The key (two last characters) only checks the 13 others.
            nni: pack_value(identity.nni.as_deref().map(|n| n.trim()).map(|n| n.get(..13).unwrap_or(n))),
            address: self.intern_name(identity.address.as_deref()),
            postcode: pack_value(identity.postcode.as_deref()),
            commune: self.intern_name(identity.commune.as_deref()),
            mail: pack_value(identity.mail.as_deref()),
        };
        for sym in [record.nom, record.usage] {
            if sym != NONE {
                self.surname_counts[sym as usize] += 1;
            }
        }
        if record.prenom != NONE {
            self.first_name_counts[record.prenom as usize] += 1;
        }
        self.records.push(record);
    }

    /// The forms of a surname field (and the usage name written inside it), computed once per
    /// distinct spelling: names repeat, and normalising is most of the preparation's cost.
    fn surname(&mut self, raw: &str) -> (NameSyms, Option<NameSyms>) {
        if let Some(&known) = self.surnames.get(raw) {
            return known;
        }
        let (birth, usage) = split_surname(raw);
        let forms = (self.name_syms(&birth), usage.map(|usage| self.name_syms(&usage)));
        self.surnames.insert(Box::from(raw), forms);
        forms
    }

    fn first_name(&mut self, raw: &str) -> NameSyms {
        if let Some(&known) = self.first_names.get(raw) {
            return known;
        }
        let forms = self.name_syms(&NameForms::new(raw));
        self.first_names.insert(Box::from(raw), forms);
        forms
    }

    fn name_syms(&mut self, forms: &NameForms) -> NameSyms {
        NameSyms {
            compact: self.intern(&forms.compact),
            core: self.intern(&forms.core),
            first_word: self.intern(&forms.first_word),
            code: self.intern_code(&forms.compact),
            first_word_code: self.intern_code(&forms.first_word),
        }
    }

    pub(crate) fn text(&self, sym: Sym) -> &str {
        &self.strings[sym as usize]
    }

    fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.index.get(text) {
            return sym;
        }
        let sym = Sym::try_from(self.strings.len()).expect("fewer than 4 billion distinct values");
        self.strings.push(Box::from(text));
        self.index.insert(Box::from(text), sym);
        self.surname_counts.push(0);
        self.first_name_counts.push(0);
        sym
    }

    fn intern_code(&mut self, compact: &str) -> Sym {
        if compact.is_empty() {
            return NONE;
        }
        // Codes and names live in one table; a prefix keeps a code from being read as a name.
        let code = format!("#{}", phonetic::code(compact));
        self.intern(&code)
    }

    fn intern_name(&mut self, raw: Option<&str>) -> Sym {
        match raw {
            Some(raw) => {
                let compact = NameForms::new(raw).compact;
                self.intern(&compact)
            }
            None => NONE,
        }
    }

    fn intern_value(&mut self, raw: Option<&str>) -> Sym {
        match raw.map(str::trim) {
            Some(value) if !value.is_empty() => {
                let upper = value.to_uppercase();
                self.intern(&upper)
            }
            _ => NONE,
        }
    }
}

/// An identifier or e-mail, trimmed and in uppercase (e-mails are not case-sensitive), packed.
fn pack_value(raw: Option<&str>) -> PackedId {
    raw.map_or(crate::identifier::NO_ID, |value| pack(&value.trim().to_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_read_both_layouts_and_refuse_others() {
        let expected = Some(BirthParts { year: 2004, month: 3, day: 7 });
        assert_eq!(BirthParts::parse("2004-03-07"), expected);
        assert_eq!(BirthParts::parse("20040307"), expected);
        assert_eq!(BirthParts::parse("07/03/2004"), None);
        assert_eq!(BirthParts::parse(""), None);
        let parts = BirthParts { year: 1999, month: 12, day: 31 };
        let record = Record { birth: parts.packed(), ..Record::default() };
        assert_eq!(record.birth(), Some(parts));
        assert_eq!(&parts.digits(), b"31121999");
    }

    #[test]
    fn same_values_share_one_symbol() {
        let a = Identity { nom: "Lefèvre".into(), prenom1: "Léa".into(), ..Identity::default() };
        let b = Identity {
            nom: "LEFEVRE".into(),
            prenom1: "Lea".into(),
            nomusage: Some("Martin".into()),
            ..Identity::default()
        };
        let prepared = Prepared::new(&[a, b]);
        let (a, b) = (prepared.records[0], prepared.records[1]);
        assert_eq!((a.nom, a.prenom, a.nom_code), (b.nom, b.prenom, b.nom_code));
        assert_eq!(prepared.text(b.usage), "MARTIN");
        assert_eq!(prepared.surname_counts[a.nom as usize], 2);
        assert_eq!(a.usage, NONE);
    }
}

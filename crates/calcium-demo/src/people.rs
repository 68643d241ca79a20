//! The demo students: a deterministic population of realistic Apogée records for the
//! academic year 2026, planted duplicates included.
//!
//! Everything is drawn from one `StdRng` seeded with the caller's seed, in one pass, so the
//! same seed and `today` always give the same records (with this version of `rand`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use calcium_core::normalize::name_key;
use calcium_core::student::{BirthDate, MandatoryValues, Sexe, StudentRecord, YearOrDate};
use jiff::Span;
use jiff::civil::Date;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::duplicates::{self, Variation};
use crate::identifiers::{BirthPlace, IdentifierSeeds};
use crate::names::{
    ADDRESS_COMPLEMENTS, COMMUNES, Commune, FOREIGN_ORIGINS, FRENCH, ForeignOrigin, NameSet, RESIDENCES, STREETS,
    STREETS_ABROAD, SURNAMES,
};
use crate::studies::{BAC_BEFORE_2021, BAC_SINCE_2021, FOREIGN_DIPLOMA, PCS, PROGRAMS, Program};

/// COD_ANU of every demo student.
pub const COD_ANU: &str = "2026";
const ACADEMIC_YEAR: i16 = 2026;

/// The domain of the students' institutional mail.
const MAIL_DOMAIN: &str = "etu.u-exemple.fr";

/// The French code of CODE_NATIO and PAYS.
const FRANCE: &str = "100";

/// Students are 17 to 35 years old.
const YOUNGEST: i16 = 17;
const OLDEST: i16 = 35;

/// A generated population: the records in registry order, and which of them are planted
/// duplicates of which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    pub records: Vec<StudentRecord>,
    /// `(duplicate, original)` indexes into `records`, by increasing duplicate; the original
    /// always comes first and is never itself a planted duplicate.
    pub duplicate_of: Vec<(usize, usize)>,
}

/// `count` student records, planted duplicates included (see [`generate_population`]).
pub fn generate_students(count: u32, seed: u64, today: Date) -> Vec<StudentRecord> {
    generate_population(count, seed, today).records
}

/// `count` student records, of which about 0.5 % (at least one from 50 students on) are
/// planted duplicates of earlier ones. The same `(count, seed, today)` always gives the same
/// population.
///
/// # Panics
///
/// When `today` is before 1936: a 35-year-old would then be born before 1900, which no birth
/// date may be.
pub fn generate_population(count: u32, seed: u64, today: Date) -> Population {
    let mut rng = StdRng::seed_from_u64(seed);
    let duplicate_of = duplicates::plan(count, &mut rng);
    let mut generator = Generator::new(rng, today, count);
    let mut records: Vec<StudentRecord> = Vec::with_capacity(count as usize);
    let mut planted = duplicate_of.iter().peekable();
    for index in 0..count as usize {
        let record = match planted.next_if(|&&(duplicate, _)| duplicate == index) {
            Some(&(_, original)) => generator.duplicate(&records[original], index),
            None => generator.fresh(index),
        };
        records.push(record);
    }
    Population { records, duplicate_of }
}

/// The state of one generation: the random stream and what must stay unique across records.
struct Generator {
    rng: StdRng,
    today: Date,
    ids: IdentifierSeeds,
    /// For each age from [`YOUNGEST`] to [`OLDEST`] + 1, the latest birth date giving it.
    latest_birth: Vec<Date>,
    /// Mail local parts already given, with how many people got each: homonyms get `2`, `3`…
    mails: HashMap<String, u32>,
    /// Numbers for re-issued INEs, after those of the population so that they stay unique.
    next_reissued_ine: u64,
}

impl Generator {
    fn new(mut rng: StdRng, today: Date, count: u32) -> Generator {
        let ids = IdentifierSeeds::new(&mut rng);
        let latest_birth = (YOUNGEST..=OLDEST + 1).map(|age| today.saturating_sub(Span::new().years(age))).collect();
        Generator {
            rng,
            today,
            ids,
            latest_birth,
            mails: HashMap::with_capacity(count as usize),
            next_reissued_ine: u64::from(count),
        }
    }

    /// A new person.
    fn fresh(&mut self, index: usize) -> StudentRecord {
        let n = index as u64;
        let sexe = match self.rng.random_range(0..1000) {
            0..3 => Sexe::Inconnu,
            3..563 => Sexe::Feminin,
            _ => Sexe::Masculin,
        };
        let female = match sexe {
            Sexe::Feminin => true,
            Sexe::Masculin => false,
            Sexe::Inconnu => self.rng.random_bool(0.5),
        };
        let origin = self.nationality();
        // Some foreign students are binational or of French-speaking families.
        let names: &NameSet = match origin {
            Some(origin) if self.rng.random_bool(0.85) => origin.names,
            _ => &FRENCH,
        };
        let first_names = if female { names.female } else { names.male };
        let program = pick_weighted(&mut self.rng, PROGRAMS, |p| p.weight);
        let annee = self.rng.random_range(program.years.0..=program.years.1);
        let (age, early) = self.age(program.years_before + annee);
        let datenai = self.birth_date(age);

        let mut record = StudentRecord::new(MandatoryValues {
            cod_anu: COD_ANU.to_owned(),
            nom: pick_common(&mut self.rng, names.surnames).to_owned(),
            prenom1: pick_common(&mut self.rng, first_names).to_owned(),
            sexe,
            datenai,
            code_natio: origin.map_or(FRANCE, |o| o.country).to_owned(),
            etb: program.etb.to_owned(),
            cmp: program.cmp.to_owned(),
        });
        self.first_names(&mut record, first_names, origin.is_some());
        if sexe == Sexe::Feminin && self.rng.random_bool(0.08) {
            // A married name, usually from a French family.
            let usage = pick_common(&mut self.rng, SURNAMES);
            record.nomusage = (usage != record.nom).then(|| usage.to_owned());
        }
        let home = self.addresses(&mut record, origin);
        self.identifiers(&mut record, n, female, origin, home);
        self.studies(&mut record, program, annee, early, origin.is_some());
        self.situation(&mut record, origin.is_some());
        let entry_year = match record.daa_etb {
            Some(YearOrDate::Year(year)) => year,
            _ => ACADEMIC_YEAR,
        };
        self.accounts(&mut record, n, entry_year);
        record
    }

    /// A second registration of `original`, with the variations real duplicates show.
    fn duplicate(&mut self, original: &StudentRecord, index: usize) -> StudentRecord {
        let mut copy = original.clone();
        for variation in duplicates::choose(original, self.today, &mut self.rng) {
            duplicates::apply(variation, &mut copy, self.today, &mut self.rng);
            if variation == Variation::IneReissued {
                copy.cod_nne = Some(self.ids.ine(self.next_reissued_ine));
                self.next_reissued_ine += 1;
            }
        }
        // The registry sees a new student: new number, login and mail, this year.
        self.accounts(&mut copy, index as u64, ACADEMIC_YEAR);
        copy
    }

    /// `None` for France (85 %), else the foreign origin, by its share.
    fn nationality(&mut self) -> Option<&'static ForeignOrigin> {
        let mut draw = self.rng.random_range(0..1000);
        if draw < 850 {
            return None;
        }
        draw -= 850;
        for origin in FOREIGN_ORIGINS {
            if draw < origin.per_mille {
                return Some(origin);
            }
            draw -= origin.per_mille;
        }
        None
    }

    /// Age in completed years for a student in their `overall_year` of higher education:
    /// most arrive at 18 right after the bac, some later, a few very late; and whether they
    /// are a year early (bac at 17).
    fn age(&mut self, overall_year: u8) -> (i16, bool) {
        let late: i16 = match self.rng.random_range(0..100) {
            0..50 => 0,
            50..77 => 1,
            77..88 => 2,
            88..96 => self.rng.random_range(3..=5),
            _ => self.rng.random_range(6..=14),
        };
        let early = self.rng.random_bool(0.05);
        let age = (YOUNGEST + i16::from(overall_year) + late - i16::from(early)).clamp(YOUNGEST, OLDEST);
        (age, early)
    }

    /// A birth date giving `age` today, with some 29 February births.
    fn birth_date(&mut self, age: i16) -> BirthDate {
        let slot = usize::try_from(age - YOUNGEST).expect("ages are clamped to the table");
        let (latest, before) = (self.latest_birth[slot], self.latest_birth[slot + 1]);
        let days = (latest - before).get_days();
        let mut date = latest.saturating_sub(Span::new().days(self.rng.random_range(0..days)));
        // Leap-day births are rarer than they should be in a demo that must show them.
        if self.rng.random_bool(0.01) {
            let leap_day = [latest.year(), latest.year() - 1]
                .into_iter()
                .filter_map(|year| Date::new(year, 2, 29).ok())
                .find(|&day| day > before && day <= latest);
            date = leap_day.unwrap_or(date);
        }
        BirthDate::new(date, self.today).expect("17 to 35 years before a date after 1935 is a valid birth date")
    }

    /// PRENOM2 and PRENOM3: the French often have two or three first names.
    fn first_names(&mut self, record: &mut StudentRecord, first_names: &'static [&'static str], foreign: bool) {
        let second = if foreign { 0.15 } else { 0.45 };
        if !self.rng.random_bool(second) {
            return;
        }
        let prenom2 = pick_common(&mut self.rng, first_names);
        if prenom2 == record.prenom1 {
            return;
        }
        record.prenom2 = Some(prenom2.to_owned());
        if self.rng.random_bool(0.25) {
            let prenom3 = pick_common(&mut self.rng, first_names);
            if prenom3 != record.prenom1 && prenom3 != prenom2 {
                record.prenom3 = Some(prenom3.to_owned());
            }
        }
    }

    /// The address of the year and the family address. Returns the family's commune (where a
    /// French student was most likely born), `None` when the family lives abroad or is unknown.
    fn addresses(&mut self, record: &mut StudentRecord, origin: Option<&ForeignOrigin>) -> Option<&'static Commune> {
        let home = pick_weighted(&mut self.rng, COMMUNES, |c| c.home);
        // About one student in twenty has no postal address at all in the registry.
        if self.rng.random_bool(0.05) {
            return origin.is_none().then_some(home);
        }
        let term = pick_weighted(&mut self.rng, COMMUNES, |c| c.term);
        record.adr1 = Some(self.street_line(STREETS));
        if self.rng.random_bool(0.3) {
            record.adr2 = Some(self.address_complement());
        }
        record.cod_bdi = Some(term.postcode.to_owned());
        record.commune = Some(term.name.to_owned());
        record.pays = Some(FRANCE.to_owned());
        if self.rng.random_bool(0.92) {
            let mobile = if self.rng.random_bool(0.7) { 6 } else { 7 };
            record.teleph = Some(format!("0{mobile}{:08}", self.rng.random_range(0..100_000_000)));
        }
        match origin {
            Some(origin) if self.rng.random_bool(0.8) => {
                record.adr1fix = Some(self.street_line(STREETS_ABROAD));
                record.communefix = origin.cities.choose(&mut self.rng).map(|city| (*city).to_owned());
                record.paysfix = Some(origin.country.to_owned());
                None
            }
            Some(_) => None,
            None => {
                if self.rng.random_bool(0.45) {
                    record.adr1fix = Some(self.street_line(STREETS));
                    record.bdifix = Some(home.postcode.to_owned());
                    record.communefix = Some(home.name.to_owned());
                    record.paysfix = Some(FRANCE.to_owned());
                    if self.rng.random_bool(0.5) {
                        record.telephfix = Some(landline(home.department, &mut self.rng));
                    }
                }
                Some(home)
            }
        }
    }

    /// `12 rue de la Liberté`, `3 bis Grande Rue`: small numbers are the most common.
    fn street_line(&mut self, streets: &[&str]) -> String {
        let number = self.rng.random_range(1..=150).min(self.rng.random_range(1..=150));
        let suffix = match self.rng.random_range(0..100) {
            0..3 => " bis",
            3..4 => " ter",
            _ => "",
        };
        let street = streets.choose(&mut self.rng).expect("the street lists are not empty");
        format!("{number}{suffix} {street}")
    }

    fn address_complement(&mut self) -> String {
        match self.rng.random_range(0..4) {
            0 => {
                let residence = RESIDENCES.choose(&mut self.rng).expect("the residence list is not empty");
                format!("{residence}, chambre {}", self.rng.random_range(1..=450))
            }
            1 => format!("Appartement {}", self.rng.random_range(1..=60)),
            2 => format!("Chez M. et Mme {}", pick_common(&mut self.rng, SURNAMES)),
            _ => (*ADDRESS_COMPLEMENTS.choose(&mut self.rng).expect("the complement list is not empty")).to_owned(),
        }
    }

    /// COD_NNE (97 %) and COD_NNI (about 60 %).
    fn identifiers(
        &mut self,
        record: &mut StudentRecord,
        n: u64,
        female: bool,
        origin: Option<&ForeignOrigin>,
        home: Option<&'static Commune>,
    ) {
        if self.rng.random_bool(0.97) {
            record.cod_nne = Some(self.ids.ine(n));
        }
        let has_nir = self.rng.random_bool(if origin.is_some() { 0.4 } else { 0.64 });
        if !has_nir {
            return;
        }
        let place = match (origin, home) {
            (Some(origin), _) if self.rng.random_bool(0.95) => BirthPlace::Abroad(origin.country),
            // French, born abroad.
            (None, _) if self.rng.random_bool(0.03) => {
                let country = FOREIGN_ORIGINS.choose(&mut self.rng).expect("the origin list is not empty").country;
                BirthPlace::Abroad(country)
            }
            (_, Some(home)) => BirthPlace::Department(home.department),
            (_, None) => BirthPlace::Department(pick_weighted(&mut self.rng, COMMUNES, |c| c.home).department),
        };
        let sex_digit = if female { 2 } else { 1 };
        record.cod_nni = Some(self.ids.nir(n, sex_digit, record.datenai.date(), place));
    }

    /// CURSUS, ANNEE, DIPLOME, the bac (in the year of one's 18th birthday, 17th for those a
    /// year early) and the years of first enrolment.
    fn studies(&mut self, record: &mut StudentRecord, program: &Program, annee: u8, early: bool, foreign: bool) {
        record.cursus = Some(program.cursus.to_owned());
        record.annee = Some(annee.to_string());
        record.diplome = Some(program.diplome.to_owned());
        let datebac = (record.datenai.date().year() + 18 - i16::from(early)).min(ACADEMIC_YEAR);
        record.datebac = Some(datebac);
        let schooled_abroad = foreign && self.rng.random_bool(0.8);
        record.bac = Some(if schooled_abroad {
            FOREIGN_DIPLOMA.to_owned()
        } else {
            let series = if datebac >= 2021 { BAC_SINCE_2021 } else { BAC_BEFORE_2021 };
            pick_weighted(&mut self.rng, series, |s| s.1).0.to_owned()
        });
        if !schooled_abroad && self.rng.random_bool(0.7) {
            // A lycée UAI: department, four digits, a letter.
            let department = record.bdifix.as_deref().map_or("21", |postcode| &postcode[..2]);
            let letter = char::from(b'A' + self.rng.random_range(0..26));
            record.etb_bac = Some(format!("0{department}{:04}{letter}", self.rng.random_range(0..10_000)));
        }
        let overall_year = i16::from(program.years_before) + i16::from(annee);
        let mut entry = (ACADEMIC_YEAR + 1 - overall_year).clamp(datebac, ACADEMIC_YEAR);
        if self.rng.random_bool(0.15) {
            // Came from another university.
            entry = self.rng.random_range(entry..=ACADEMIC_YEAR);
        }
        record.daa_ens_sup = Some(YearOrDate::Year(datebac.min(entry)));
        record.daa_etb = Some(YearOrDate::Year(entry));
    }

    /// SITUAFAM, CODEBRS, TEM_AFFL_SSO, PCS. Since 2018 students are affiliated to the general
    /// social-security scheme: CODEFINANC, CENTREPAYEUR and CODEMUT stay empty.
    fn situation(&mut self, record: &mut StudentRecord, foreign: bool) {
        record.situafam = Some(
            match self.rng.random_range(0..100) {
                0..95 => "1",
                95..99 => "2",
                _ => "3",
            }
            .to_owned(),
        );
        // Bursaries (échelons 0 to 7) go to French and European students mostly.
        if self.rng.random_bool(if foreign { 0.15 } else { 0.38 }) {
            record.codebrs = Some(self.rng.random_range(0..=7).to_string());
        }
        record.tem_affl_sso = match self.rng.random_range(0..100) {
            0..90 => Some(true),
            90..97 => Some(false),
            _ => None,
        };
        if self.rng.random_bool(0.85) {
            record.pcs = PCS.choose(&mut self.rng).map(|pcs| (*pcs).to_owned());
        }
    }

    /// COD_ETU, IDENTIFIANT (the CAS login, `lm123456`) and MAIL (`lea.martin@…`).
    fn accounts(&mut self, record: &mut StudentRecord, n: u64, entry_year: i16) {
        let cod_etu = self.ids.cod_etu(n, entry_year);
        let (prenom, nom) = (mail_part(&record.prenom1), mail_part(&record.nom));
        let initial = |part: &str| part.chars().find(char::is_ascii_alphabetic).unwrap_or('x');
        record.identifiant = Some(format!("{}{}{}", initial(&prenom), initial(&nom), &cod_etu[2..]));
        record.cod_etu = Some(cod_etu);
        let local = format!("{prenom}.{nom}");
        record.mail = Some(match self.mails.entry(local) {
            Entry::Occupied(mut homonyms) => {
                *homonyms.get_mut() += 1;
                format!("{}{}@{MAIL_DOMAIN}", homonyms.key(), homonyms.get())
            }
            Entry::Vacant(first) => {
                let mail = format!("{}@{MAIL_DOMAIN}", first.key());
                first.insert(1);
                mail
            }
        });
    }
}

/// A name as a mail address writes it: ASCII, lowercase, words joined by hyphens, no
/// apostrophe (`D'Amico` gives `damico`, `Marie-Ève` gives `marie-eve`).
fn mail_part(name: &str) -> String {
    name_key(name)
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A French landline of the family's region: 03 for the east, 01 for Île-de-France…
fn landline(department: &str, rng: &mut impl Rng) -> String {
    let prefix = match department {
        "75" | "77" | "78" | "91" | "92" | "93" | "94" | "95" => "01",
        "14" | "22" | "29" | "35" | "37" | "44" | "45" | "49" | "50" | "53" | "56" | "72" | "76" | "85" => "02",
        "01" | "06" | "13" | "2A" | "2B" | "34" | "38" | "42" | "63" | "69" | "73" | "74" | "83" | "84" => "04",
        "31" | "33" | "64" | "65" | "66" | "87" => "05",
        "974" => return format!("0262{:06}", rng.random_range(0..1_000_000)),
        _ => "03",
    };
    format!("{prefix}{:08}", rng.random_range(0..100_000_000))
}

/// An entry of a list ordered from the most to the least common: the minimum of two uniform
/// draws favours the front of the list, as name frequencies do.
pub(crate) fn pick_common<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    let index = rng.random_range(0..list.len()).min(rng.random_range(0..list.len()));
    list[index]
}

/// An entry drawn with the given weights (the lists are small: a linear scan is enough).
pub(crate) fn pick_weighted<'a, T>(rng: &mut impl Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut draw = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if draw < w {
            return item;
        }
        draw -= w;
    }
    unreachable!("the draw is below the total of the weights")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use calcium_core::reference::{COUNTRIES, ESTABLISHMENTS};
    use calcium_core::student::{Ine, Nir};
    use jiff::civil::date;

    use super::*;

    const TODAY: Date = date(2026, 11, 28);

    fn share(records: &[StudentRecord], test: impl Fn(&StudentRecord) -> bool) -> f64 {
        records.iter().filter(|r| test(r)).count() as f64 / records.len() as f64
    }

    #[test]
    fn the_same_seed_gives_the_same_records_and_another_seed_others() {
        let first = generate_population(3_000, 42, TODAY);
        assert_eq!(first, generate_population(3_000, 42, TODAY));
        assert_eq!(generate_students(3_000, 42, TODAY), first.records);
        let other = generate_population(3_000, 43, TODAY);
        assert_ne!(other.records, first.records);
        let same_name = first.records.iter().zip(&other.records).filter(|(a, b)| a.nom == b.nom).count();
        assert!(same_name < 300, "{same_name} identical names: the seeds are not independent");
    }

    #[test]
    fn every_identifier_is_valid_and_ines_are_unique() {
        let population = generate_population(20_000, 7, TODAY);
        let mut ines = HashSet::new();
        let mut corsica = 0;
        let planted: HashSet<usize> = population.duplicate_of.iter().map(|p| p.0).collect();
        for (index, record) in population.records.iter().enumerate() {
            if let Some(ine) = &record.cod_nne {
                let parsed = Ine::parse(ine.as_str()).expect("INE shape");
                assert_eq!(parsed.check_character_verifies(), Some(true), "{ine}");
                ines.insert(ine.as_str().to_owned());
            }
            if let Some(nir) = &record.cod_nni {
                let parsed = Nir::parse(nir.as_str()).expect("NIR shape");
                assert!(parsed.key_verifies(), "{nir}");
                let birth = record.datenai.date();
                let expected_sex = if record.sexe == Sexe::Masculin { "1" } else { "2" };
                // A planted duplicate may have its birth date mistyped, not its NIR.
                if record.sexe != Sexe::Inconnu && !planted.contains(&index) {
                    assert_eq!(&nir.as_str()[..1], expected_sex, "{nir}");
                    assert_eq!(&nir.as_str()[1..5], format!("{:02}{:02}", birth.year() % 100, birth.month()), "{nir}");
                }
                corsica += usize::from(matches!(&nir.as_str()[5..7], "2A" | "2B"));
            }
        }
        let with_ine = population.records.iter().filter(|r| r.cod_nne.is_some()).count();
        // Planted duplicates keep their original's INE unless it was dropped or re-issued.
        let kept = population
            .duplicate_of
            .iter()
            .filter(|&&(d, o)| {
                population.records[d].cod_nne.is_some()
                    && population.records[d].cod_nne == population.records[o].cod_nne
            })
            .count();
        assert_eq!(ines.len(), with_ine - kept);
        assert!(corsica > 0, "some NIRs of people born in Corsica");
        let etu: HashSet<_> = population.records.iter().map(|r| r.cod_etu.clone()).collect();
        assert_eq!(etu.len(), population.records.len(), "student numbers are unique");
        let mails: HashSet<_> = population.records.iter().map(|r| r.mail.clone()).collect();
        assert_eq!(mails.len(), population.records.len(), "mails are unique");
    }

    #[test]
    fn planted_duplicates_are_variations_of_earlier_records() {
        let population = generate_population(40_000, 11, TODAY);
        assert_eq!(population.duplicate_of.len(), 200);
        let mut kinds = HashSet::new();
        for &(duplicate, original) in &population.duplicate_of {
            assert!(original < duplicate);
            let (d, o) = (&population.records[duplicate], &population.records[original]);
            assert_eq!((d.sexe, &d.code_natio, &d.etb, &d.cmp), (o.sexe, &o.code_natio, &o.etb, &o.cmp));
            assert_ne!(d.cod_etu, o.cod_etu);
            let identity = |r: &StudentRecord| (r.nom.clone(), r.prenom1.clone(), r.datenai, r.cod_nne);
            assert_ne!(identity(d), identity(o), "a duplicate differs from its original");
            if d.nom != o.nom && name_key(&d.nom) == name_key(&o.nom) {
                kinds.insert("accent");
            }
            if Some(&d.nom) == o.nomusage.as_ref() {
                kinds.insert("nom d'usage");
            }
            if d.nom == o.prenom1 && d.prenom1 == o.nom {
                kinds.insert("nom et prénom inversés");
            }
            let letters = |n: &str| n.chars().count() as i64;
            if name_key(&d.nom) != name_key(&o.nom)
                && d.nom.chars().next() == o.nom.chars().next()
                && (letters(&d.nom) - letters(&o.nom)).abs() <= 1
                && Some(&d.nom) != o.nomusage.as_ref()
            {
                kinds.insert("nom mal tapé");
            }
            let glued = |n: &str| name_key(n).replace([' ', '\''], "");
            if d.nom != o.nom && !d.nom.contains(' ') && o.nom.contains([' ', '\'']) && glued(&d.nom) == glued(&o.nom) {
                kinds.insert("particule collée");
            }
            if d.prenom1 != o.prenom1
                && (o.prenom1.starts_with(&format!("{}-", d.prenom1)) || Some(&d.prenom1) == o.prenom2.as_ref())
            {
                kinds.insert("prénom composé");
            }
            let (dd, od) = (d.datenai.date(), o.datenai.date());
            if dd != od {
                let swapped = (dd.day(), dd.month(), dd.year()) == (od.month(), od.day(), od.year());
                let year_off = (dd.day(), dd.month()) == (od.day(), od.month()) && (dd.year() - od.year()).abs() == 1;
                assert!(swapped || year_off, "{od} became {dd}");
                kinds.insert(if swapped { "jour et mois" } else { "année" });
            }
            if name_key(&d.prenom1) != name_key(&o.prenom1) && d.nom == o.nom {
                kinds.insert("faute de frappe");
            }
            match (&o.cod_nne, &d.cod_nne) {
                (Some(_), None) => kinds.insert("INE absent"),
                (Some(a), Some(b)) if a != b => kinds.insert("INE réattribué"),
                _ => false,
            };
        }
        assert!(kinds.len() >= 10, "{kinds:?}");
    }

    #[test]
    fn small_populations_plant_a_duplicate_from_fifty_students_on() {
        assert!(generate_population(0, 1, TODAY).records.is_empty());
        assert!(generate_population(49, 1, TODAY).duplicate_of.is_empty());
        for count in [50, 120, 399] {
            assert_eq!(generate_population(count, 1, TODAY).duplicate_of.len(), 1, "{count}");
        }
    }

    #[test]
    fn proportions_look_like_a_french_university() {
        let records = generate_students(20_000, 3, TODAY);
        let within =
            |value: f64, low: f64, high: f64| assert!((low..=high).contains(&value), "{value} not in {low}..={high}");
        within(share(&records, |r| r.code_natio == "100"), 0.83, 0.87);
        within(share(&records, |r| r.sexe == Sexe::Feminin), 0.52, 0.60);
        within(share(&records, |r| r.sexe == Sexe::Inconnu), 0.0005, 0.01);
        within(share(&records, |r| r.cod_nne.is_none()), 0.02, 0.045);
        within(share(&records, |r| r.cod_nni.is_some()), 0.55, 0.65);
        within(share(&records, |r| r.codebrs.is_some()), 0.30, 0.40);
        within(share(&records, |r| r.tem_affl_sso == Some(true)), 0.85, 0.95);
        within(share(&records, |r| r.adr1.is_none()), 0.03, 0.07);
        within(share(&records, |r| r.adr1fix.is_some()), 0.3, 0.6);
        let women: Vec<_> = records.iter().filter(|r| r.sexe == Sexe::Feminin).cloned().collect();
        within(share(&women, |r| r.nomusage.is_some()), 0.05, 0.11);
        let age = |r: &StudentRecord| (TODAY - r.datenai.date()).total((jiff::Unit::Year, TODAY)).unwrap_or(0.0);
        within(share(&records, |r| (18.0..26.0).contains(&age(r))), 0.8, 0.97);
        assert!(records.iter().all(|r| (17.0..36.0).contains(&age(r))));
        let leap_day = records.iter().filter(|r| (r.datenai.date().month(), r.datenai.date().day()) == (2, 29)).count();
        assert!(leap_day >= 10, "{leap_day} births on 29 February");
    }

    #[test]
    fn records_hold_reference_codes_and_well_formed_values() {
        let population = generate_population(5_000, 5, TODAY);
        let planted: HashSet<usize> = population.duplicate_of.iter().map(|p| p.0).collect();
        let countries: HashSet<&str> = COUNTRIES.iter().map(|c| c.0).collect();
        let mut accents = 0;
        for (index, r) in population.records.iter().enumerate() {
            assert_eq!(r.cod_anu, "2026");
            assert!(countries.contains(r.code_natio.as_str()), "{}", r.code_natio);
            let establishment = ESTABLISHMENTS.iter().find(|e| e.code == r.etb).expect("known ETB");
            assert!(establishment.composantes.iter().any(|c| c.0 == r.cmp), "{} {}", r.etb, r.cmp);
            let mail = r.mail.as_deref().expect("every student has a mail");
            assert!(mail.ends_with("@etu.u-exemple.fr") && mail.is_ascii() && mail == mail.to_lowercase(), "{mail}");
            assert!(!mail.contains('\'') && !mail.contains(' '), "{mail}");
            if let Some(phone) = &r.teleph {
                assert!(phone.len() == 10 && (phone.starts_with("06") || phone.starts_with("07")), "{phone}");
            }
            let birth_year = r.datenai.date().year();
            let datebac = r.datebac.expect("every student has a bac year");
            // A planted duplicate may have its birth year mistyped, not its bac year.
            let consistent = datebac == (birth_year + 18).min(2026) || datebac == birth_year + 17;
            assert!(consistent || planted.contains(&index), "{birth_year} {datebac}");
            assert!(
                matches!(r.daa_etb, Some(YearOrDate::Year(_))) && matches!(r.daa_ens_sup, Some(YearOrDate::Year(_)))
            );
            let annee: u8 = r.annee.as_deref().unwrap().parse().unwrap();
            assert!((1..=5).contains(&annee));
            if r.adr1.is_some() {
                assert_eq!((r.pays.as_deref(), r.cod_bdi.as_ref().map(String::len)), (Some("100"), Some(5)));
            } else {
                assert!(r.commune.is_none() && r.adr1fix.is_none());
            }
            assert!(r.identifiant.as_deref().is_some_and(|id| id.len() == 8 && id.is_ascii()));
            accents += usize::from(!r.nom.is_ascii() || !r.prenom1.is_ascii());
        }
        assert!(accents > 500, "{accents} names with accents");
    }
}

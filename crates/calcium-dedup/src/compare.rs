//! The comparison of two prepared students, field by field, into levels (Splink's
//! "comparison levels"): each field says how well the two agree, from "equal" down to
//! "different", or nothing when one side is empty. The scoring model gives each level a
//! weight; the reasons shown to the reviewer are read from the same levels.

use crate::identifier::{NO_ID, PackedId, one_slip_apart};
use crate::identity::{NONE, Prepared, Record, Sym};
use crate::similarity::{jaro_winkler, within_one_edit};

/// A level index within its field; [`NULL`] when the field cannot be compared.
pub(crate) type Level = u8;
pub(crate) const NULL: Level = u8::MAX;

/// The compared fields, in the order of [`Comparison::levels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Nom,
    Prenom,
    Birth,
    Sex,
    Nationality,
    Ine,
    Nni,
    Address,
    Postcode,
    Commune,
    Mail,
}

pub(crate) const FIELDS: [Field; 11] = [
    Field::Nom,
    Field::Prenom,
    Field::Birth,
    Field::Sex,
    Field::Nationality,
    Field::Ine,
    Field::Nni,
    Field::Address,
    Field::Postcode,
    Field::Commune,
    Field::Mail,
];

impl Field {
    /// How many levels the field has (NULL aside).
    pub(crate) fn levels(self) -> usize {
        match self {
            Field::Nom | Field::Birth => 6,
            Field::Prenom => 6,
            Field::Ine | Field::Nni | Field::Postcode | Field::Address | Field::Commune => 3,
            Field::Sex | Field::Nationality | Field::Mail => 2,
        }
    }
}

/// Surname levels.
pub(crate) mod nom {
    pub(crate) const EQUAL: u8 = 0;
    /// One's usage name is the other's name (married name).
    pub(crate) const USAGE: u8 = 1;
    /// Equal once particles are dropped, or one compound name holds the other.
    pub(crate) const CORE: u8 = 2;
    pub(crate) const CLOSE: u8 = 3;
    pub(crate) const NEAR: u8 = 4;
    pub(crate) const DIFFERENT: u8 = 5;
}

/// First-name levels.
pub(crate) mod prenom {
    pub(crate) const EQUAL: u8 = 0;
    /// Compound first name typed in part, or one's first name is the other's second.
    pub(crate) const COMPOUND: u8 = 1;
    pub(crate) const CLOSE: u8 = 2;
    pub(crate) const NEAR: u8 = 3;
    pub(crate) const DIFFERENT: u8 = 4;
    /// Different, but the first name of one is (within a slip) the surname of the other: one
    /// name typed into the wrong field, the other lost or replaced.
    pub(crate) const CROSSED: u8 = 5;
}

/// Birth date levels.
pub(crate) mod birth {
    pub(crate) const EQUAL: u8 = 0;
    pub(crate) const DAY_MONTH_SWAPPED: u8 = 1;
    pub(crate) const ONE_DIGIT: u8 = 2;
    pub(crate) const YEAR_OFF_BY_ONE: u8 = 3;
    /// Two of day, month and year equal.
    pub(crate) const PARTIAL: u8 = 4;
    pub(crate) const DIFFERENT: u8 = 5;
}

/// Levels of identifiers (INE, NNI) and postcodes.
pub(crate) mod identifier {
    pub(crate) const EQUAL: u8 = 0;
    pub(crate) const ONE_SLIP: u8 = 1;
    pub(crate) const DIFFERENT: u8 = 2;
}

/// Levels of free text (address, commune).
pub(crate) mod text {
    pub(crate) const EQUAL: u8 = 0;
    pub(crate) const CLOSE: u8 = 1;
    pub(crate) const DIFFERENT: u8 = 2;
}

/// Levels of plain equality (sex, nationality, mail).
pub(crate) mod plain {
    pub(crate) const EQUAL: u8 = 0;
    pub(crate) const DIFFERENT: u8 = 1;
}

/// Jaro-Winkler from which two names are "close" (a slip) and "near" (alike).
const CLOSE_NAMES: f64 = 0.94;
const NEAR_NAMES: f64 = 0.86;

/// Two students compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Comparison {
    pub(crate) levels: [Level; FIELDS.len()],
    /// The best Jaro-Winkler of the surnames and of the first names (for the reasons).
    pub(crate) nom_similarity: f32,
    pub(crate) prenom_similarity: f32,
    /// The surname of each is the first name of the other.
    pub(crate) swapped: bool,
    /// The surname symbol both share exactly, for the term-frequency adjustment.
    pub(crate) shared_nom: Sym,
    pub(crate) shared_prenom: Sym,
}

impl Comparison {
    pub(crate) fn level(&self, field: Field) -> Level {
        self.levels[field as usize]
    }

    /// The levels packed four bits a field: the key of a comparison pattern.
    pub(crate) fn pattern(&self) -> u64 {
        self.levels.iter().enumerate().fold(0, |key, (i, &level)| key | (u64::from(level & 0xF) << (4 * i)))
    }
}

pub(crate) fn compare(data: &Prepared, a: &Record, b: &Record) -> Comparison {
    let (mut nom_level, nom_similarity, shared_nom) = compare_surnames(data, a, b);
    let (mut prenom_level, prenom_similarity) = compare_first_names(data, a, b);
    let mut swapped = false;
    if nom_level >= nom::NEAR && prenom_level >= prenom::NEAR {
        let (nom_is_prenom, prenom_is_nom) = crossed_names(data, a, b);
        if nom_is_prenom && prenom_is_nom {
            swapped = true;
            nom_level = nom::CLOSE;
            prenom_level = prenom::CLOSE;
        } else if (nom_is_prenom || prenom_is_nom) && prenom_level == prenom::DIFFERENT {
            prenom_level = prenom::CROSSED;
        }
    }
    let shared_prenom = if prenom_level == prenom::EQUAL { a.prenom } else { NONE };
    let postcode = compare_identifiers(a.postcode, b.postcode);
    Comparison {
        levels: [
            nom_level,
            prenom_level,
            compare_births(a, b),
            if a.sex == 0 || b.sex == 0 { NULL } else { equality(u32::from(a.sex), u32::from(b.sex)) },
            equality(a.nationality, b.nationality),
            compare_identifiers(a.ine, b.ine),
            compare_identifiers(a.nni, b.nni),
            // Two addresses in different postcodes are not one address mistyped: no need to
            // read them (a string comparison is most of a comparison's cost).
            if postcode == identifier::DIFFERENT && a.address != b.address {
                if a.address == NONE || b.address == NONE { NULL } else { text::DIFFERENT }
            } else {
                compare_texts(data, a.address, b.address)
            },
            postcode,
            compare_texts(data, a.commune, b.commune),
            match (a.mail, b.mail) {
                (NO_ID, _) | (_, NO_ID) => NULL,
                (x, y) if x == y => plain::EQUAL,
                _ => plain::DIFFERENT,
            },
        ],
        nom_similarity: nom_similarity as f32,
        prenom_similarity: prenom_similarity as f32,
        swapped,
        shared_nom: if nom_level == nom::EQUAL { shared_nom } else { NONE },
        shared_prenom,
    }
}

fn equality(a: Sym, b: Sym) -> Level {
    match (a, b) {
        (NONE, _) | (_, NONE) => NULL,
        (a, b) if a == b => plain::EQUAL,
        _ => plain::DIFFERENT,
    }
}

/// The best agreement over NOM×NOM, NOMUSAGE×NOMUSAGE and the cross pairs (a married name
/// typed as the name); the similarity and the shared symbol of the best pair.
fn compare_surnames(data: &Prepared, a: &Record, b: &Record) -> (Level, f64, Sym) {
    if a.nom == NONE || b.nom == NONE {
        return (NULL, 0.0, NONE);
    }
    if a.nom == b.nom {
        return (nom::EQUAL, 1.0, a.nom);
    }
    let mut best = (nom::DIFFERENT, 0.0_f64, NONE);
    if a.usage != NONE && a.usage == b.usage {
        best = (nom::EQUAL, 1.0, a.usage);
    } else if (a.usage != NONE && a.usage == b.nom) || (b.usage != NONE && b.usage == a.nom) {
        best = (nom::USAGE, 1.0, NONE);
    }
    let pairs = [(a.nom, a.nom_core, b.nom, b.nom_core), (a.usage, a.usage_core, b.usage, b.usage_core)];
    for (x, x_core, y, y_core) in pairs {
        if x == NONE || y == NONE {
            continue;
        }
        let (x_text, y_text) = (data.text(x), data.text(y));
        if x_core == y_core || contains_word(x_text, y_text) {
            best = better(best, (nom::CORE, 1.0, NONE));
            continue;
        }
        let similarity = jaro_winkler(x_text, y_text);
        let level = if similarity >= CLOSE_NAMES || within_one_edit(x_text, y_text) {
            nom::CLOSE
        } else if similarity >= NEAR_NAMES {
            nom::NEAR
        } else {
            nom::DIFFERENT
        };
        best = better(best, (level, similarity, NONE));
    }
    if best.0 == nom::DIFFERENT && a.nom_code == b.nom_code {
        best.0 = nom::NEAR;
    }
    best
}

/// The better of two results: the lower level, then the higher similarity.
fn better(x: (Level, f64, Sym), y: (Level, f64, Sym)) -> (Level, f64, Sym) {
    if y.0 < x.0 || (y.0 == x.0 && y.1 > x.1) { y } else { x }
}

/// `DUBOIS` in `DUBOISLEFEVRE`, at the start or the end (compound surnames typed in part).
fn contains_word(x: &str, y: &str) -> bool {
    let (long, short) = if x.len() >= y.len() { (x, y) } else { (y, x) };
    short.len() >= 4 && (long.starts_with(short) || long.ends_with(short))
}

fn compare_first_names(data: &Prepared, a: &Record, b: &Record) -> (Level, f64) {
    if a.prenom == NONE || b.prenom == NONE {
        return (NULL, 0.0);
    }
    if a.prenom == b.prenom {
        return (prenom::EQUAL, 1.0);
    }
    let (x, y) = (data.text(a.prenom), data.text(b.prenom));
    let similarity = jaro_winkler(x, y);
    // "JEAN" for "JEAN PIERRE", or the first name of one is the second of the other. Two
    // compound names sharing only their first word (MARIE-CLAIRE, MARIE-EVE) are not alike.
    let compound = a.prenom_first == b.prenom
        || b.prenom_first == a.prenom
        || [b.prenom2, b.prenom3].contains(&a.prenom)
        || [a.prenom2, a.prenom3].contains(&b.prenom);
    let level = if compound {
        prenom::COMPOUND
    } else if similarity >= CLOSE_NAMES || within_one_edit(x, y) {
        prenom::CLOSE
    } else if similarity >= NEAR_NAMES || a.prenom_code == b.prenom_code {
        prenom::NEAR
    } else {
        prenom::DIFFERENT
    };
    (level, similarity)
}

/// Whether NOM of `a` is (within a slip) PRENOM1 of `b`, and whether PRENOM1 of `a` is NOM of `b`.
fn crossed_names(data: &Prepared, a: &Record, b: &Record) -> (bool, bool) {
    let alike = |x: Sym, y: Sym| {
        x != NONE
            && y != NONE
            && (x == y || {
                let (x, y) = (data.text(x), data.text(y));
                within_one_edit(x, y) || jaro_winkler(x, y) >= CLOSE_NAMES
            })
    };
    (alike(a.nom, b.prenom), alike(a.prenom, b.nom))
}

fn compare_births(a: &Record, b: &Record) -> Level {
    let (Some(x), Some(y)) = (a.birth(), b.birth()) else {
        return NULL;
    };
    if x == y {
        return birth::EQUAL;
    }
    if x.year == y.year && x.day == y.month && x.month == y.day {
        return birth::DAY_MONTH_SWAPPED;
    }
    let (dx, dy) = (x.digits(), y.digits());
    let differing = dx.iter().zip(&dy).filter(|(p, q)| p != q).count();
    let adjacent_swap = differing == 2
        && (0..7).any(|i| dx[i] == dy[i + 1] && dx[i + 1] == dy[i] && dx[i] != dx[i + 1] && dx[..i] == dy[..i]);
    if differing == 1 || adjacent_swap {
        return birth::ONE_DIGIT;
    }
    let same = [x.year == y.year, x.month == y.month, x.day == y.day];
    if same[1] && same[2] && x.year.abs_diff(y.year) == 1 {
        return birth::YEAR_OFF_BY_ONE;
    }
    if same.iter().filter(|s| **s).count() == 2 {
        return birth::PARTIAL;
    }
    birth::DIFFERENT
}

fn compare_identifiers(a: PackedId, b: PackedId) -> Level {
    match (a, b) {
        (NO_ID, _) | (_, NO_ID) => NULL,
        (a, b) if a == b => identifier::EQUAL,
        (a, b) if one_slip_apart(a, b) => identifier::ONE_SLIP,
        _ => identifier::DIFFERENT,
    }
}

fn compare_texts(data: &Prepared, a: Sym, b: Sym) -> Level {
    match (a, b) {
        (NONE, _) | (_, NONE) => NULL,
        (a, b) if a == b => text::EQUAL,
        (a, b) if jaro_winkler(data.text(a), data.text(b)) >= 0.92 => text::CLOSE,
        _ => text::DIFFERENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{BirthParts, Identity};
    use proptest::prelude::*;

    fn person(nom: &str, prenom: &str, birth: &str) -> Identity {
        Identity { nom: nom.into(), prenom1: prenom.into(), birth: BirthParts::parse(birth), ..Identity::default() }
    }

    fn check(a: Identity, b: Identity) -> Comparison {
        let data = Prepared::new(&[a, b]);
        let forward = compare(&data, &data.records[0], &data.records[1]);
        let backward = compare(&data, &data.records[1], &data.records[0]);
        assert_eq!(forward.levels, backward.levels, "the comparison is symmetric");
        forward
    }

    #[test]
    fn names_agree_at_the_level_their_difference_deserves() {
        let level =
            |a: &str, b: &str| check(person(a, "Léa", "2004-03-07"), person(b, "Léa", "2004-03-07")).level(Field::Nom);
        assert_eq!(level("Lefèvre", "LEFEVRE"), nom::EQUAL);
        assert_eq!(level("de la Fontaine", "Lafontaine"), nom::CORE);
        assert_eq!(level("Dubois-Lefèvre", "Dubois"), nom::CORE);
        assert_eq!(level("Martin", "Matrin"), nom::CLOSE);
        assert_eq!(level("Lefebvre", "Lefèvre"), nom::CLOSE);
        assert_eq!(level("Gauthier", "Gautier"), nom::CLOSE);
        assert_eq!(level("Martin", "Bernard"), nom::DIFFERENT);
    }

    #[test]
    fn a_married_name_meets_the_birth_name() {
        let mut a = person("Dupont", "Léa", "2004-03-07");
        a.nomusage = Some("Martin".into());
        let b = person("Martin", "Léa", "2004-03-07");
        assert_eq!(check(a, b).level(Field::Nom), nom::USAGE);
    }

    #[test]
    fn compound_and_second_first_names_are_recognised() {
        let level = |a: Identity, b: Identity| check(a, b).level(Field::Prenom);
        assert_eq!(level(person("X", "Jean-Pierre", ""), person("X", "Jean Pierre", "")), prenom::EQUAL);
        assert_eq!(level(person("X", "Jean-Pierre", ""), person("X", "Jean", "")), prenom::COMPOUND);
        let mut second = person("X", "Marie", "");
        second.prenom2 = Some("Camille".into());
        assert_eq!(level(second, person("X", "Camille", "")), prenom::COMPOUND);
        assert_eq!(level(person("X", "Léa", ""), person("X", "Lea", "")), prenom::EQUAL);
        assert_eq!(level(person("X", "Mathilde", ""), person("X", "Matilde", "")), prenom::CLOSE);
        assert_eq!(level(person("X", "Léa", ""), person("X", "Hugo", "")), prenom::DIFFERENT);
    }

    #[test]
    fn swapped_names_are_seen() {
        let comparison = check(person("Martin", "Lucas", "2004-03-07"), person("Lucas", "Martin", "2004-03-07"));
        assert!(comparison.swapped);
        assert_eq!((comparison.level(Field::Nom), comparison.level(Field::Prenom)), (nom::CLOSE, prenom::CLOSE));
    }

    #[test]
    fn a_name_typed_into_the_other_field_is_seen() {
        let comparison = check(person("Nguyen", "Riley", "1958-09-21"), person("Riley", "Lodge", "1958-09-21"));
        assert!(!comparison.swapped);
        assert_eq!(comparison.level(Field::Prenom), prenom::CROSSED);
        let strangers = check(person("Martin", "Léa", "2004-03-07"), person("Bernard", "Hugo", "2004-03-07"));
        assert_eq!(strangers.level(Field::Prenom), prenom::DIFFERENT);
    }

    #[test]
    fn birth_dates_agree_at_the_level_of_their_mistake() {
        let level = |a: &str, b: &str| check(person("X", "Y", a), person("X", "Y", b)).level(Field::Birth);
        assert_eq!(level("2004-03-07", "2004-03-07"), birth::EQUAL);
        assert_eq!(level("2004-03-07", "2004-07-03"), birth::DAY_MONTH_SWAPPED);
        assert_eq!(level("2004-03-07", "2004-03-08"), birth::ONE_DIGIT);
        assert_eq!(level("2004-03-17", "2004-03-71"), birth::ONE_DIGIT);
        assert_eq!(level("2004-03-07", "2005-03-07"), birth::ONE_DIGIT);
        assert_eq!(level("2009-03-07", "2010-03-07"), birth::YEAR_OFF_BY_ONE);
        assert_eq!(level("2004-03-07", "2004-03-28"), birth::PARTIAL);
        assert_eq!(level("2004-03-07", "1999-11-28"), birth::DIFFERENT);
        assert_eq!(level("2004-03-07", ""), NULL);
    }

    #[test]
    fn a_postcode_typed_one_digit_wrong_is_not_a_move() {
        let level = |a: &str, b: &str| {
            let with = |postcode: &str| Identity { postcode: Some(postcode.into()), ..person("X", "Y", "2004-03-07") };
            check(with(a), with(b)).level(Field::Postcode)
        };
        assert_eq!(level("21000", "21000"), identifier::EQUAL);
        assert_eq!(level("21000", "21001"), identifier::ONE_SLIP);
        assert_eq!(level("21000", "12000"), identifier::ONE_SLIP);
        assert_eq!(level("21000", "75011"), identifier::DIFFERENT);
    }

    proptest! {
        #[test]
        fn a_record_agrees_fully_with_itself(nom in "[A-Za-zéè' -]{1,12}", prenom in "[A-Za-zé-]{1,10}", y in 1950u16..2010, m in 1u8..13, d in 1u8..29) {
            let birth = format!("{y:04}-{m:02}-{d:02}");
            let a = Identity { ine: Some("1234567890A".into()), ..person(&nom, &prenom, &birth) };
            let data = Prepared::new(&[a.clone(), a]);
            let comparison = compare(&data, &data.records[0], &data.records[1]);
            let nom_level = comparison.level(Field::Nom);
            prop_assert!(nom_level == nom::EQUAL || nom_level == NULL);
            prop_assert!(comparison.level(Field::Prenom) == prenom::EQUAL || comparison.level(Field::Prenom) == NULL);
            prop_assert_eq!(comparison.level(Field::Birth), birth::EQUAL);
            prop_assert_eq!(comparison.level(Field::Ine), identifier::EQUAL);
        }

        #[test]
        fn every_level_is_null_or_within_its_field(a in "[A-Z]{1,8}", b in "[A-Z]{1,8}", pa in "[A-Z]{1,8}", pb in "[A-Z]{1,8}", ya in 1990u16..2000, yb in 1990u16..2000) {
            let data = Prepared::new(&[person(&a, &pa, &format!("{ya}0101")), person(&b, &pb, &format!("{yb}0110"))]);
            let comparison = compare(&data, &data.records[0], &data.records[1]);
            for field in FIELDS {
                let level = comparison.level(field);
                prop_assert!(level == NULL || usize::from(level) < field.levels(), "{:?} {}", field, level);
            }
        }
    }
}

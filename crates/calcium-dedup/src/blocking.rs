//! Candidate generation by blocking: never all pairs, only those sharing a key. Several keys,
//! so that one mistake cannot hide a duplicate:
//!
//! | key | what it survives |
//! |---|---|
//! | birth date (day and month unordered) + phonetic code of any name | typo in one name, married name, swapped names, day/month swap |
//! | phonetic codes of nom and prénom (unordered) + birth year | a wrong day or month |
//! | phonetic codes of nom and prénom (unordered) + day and month (unordered) | a wrong year |
//! | INE, NNI, e-mail | anything else, when the identifier was kept |
//! | postcode + phonetic code of nom or prénom | a wrong date and a typo together |
//! | postcode + birth year, postcode + day and month, phonetic codes of both names alone | typos in both names, or a wrong date and a name typo |
//! | birth date alone | typos in both names and a wrong postcode |
//! | postcode + first two letters of nom or prénom | a wrong date and a typo that changes a phonetic code |
//!
//! Keys are multi-valued (NOM and NOMUSAGE both give keys). Each (key, record) entry is a
//! 64-bit hash and a record number; sorting them puts each block together, so blocking is a
//! sort and a scan. A block larger than [`MAX_BLOCK`] (a common name at a common postcode)
//! is not paired exhaustively: its records are sorted by birth date and names and each is
//! paired with its next [`WINDOW`] neighbours (sorted neighbourhood), which bounds the
//! candidates per record whatever the size of the population. The safety-net keys (postcode,
//! names or date alone), whose blocks are only useful when small, drop their large blocks (block
//! purging): neighbours in a town of a thousand homonym-free students are strangers.
//! The sets of new pairs are sorted key by key and merged into the candidates.

use crate::identifier::NO_ID;
use crate::identity::{NONE, Prepared, Record, Sym};

/// Blocks up to this size give all their pairs.
pub const MAX_BLOCK: usize = 40;
/// In a larger block, each record meets this many neighbours.
pub const WINDOW: usize = 10;
/// The safety-net keys (postcode, names without date, date without name) keep only blocks up
/// to this size: where they are small (a population spread over a century of birth dates,
/// a rare name) they catch what the other keys miss, and elsewhere they cost nothing.
pub const MAX_SAFETY_NET_BLOCK: usize = 12;

/// The blocking keys, in the order of [`BlockingStats::per_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    BirthAndName,
    NamesAndYear,
    NamesAndDay,
    Ine,
    Nni,
    Mail,
    PostcodeAndName,
    PostcodeAndYear,
    PostcodeAndDay,
    NamesOnly,
    BirthOnly,
    PostcodeAndStart,
}

pub const KEYS: [Key; 12] = [
    Key::BirthAndName,
    Key::NamesAndYear,
    Key::NamesAndDay,
    Key::Ine,
    Key::Nni,
    Key::Mail,
    Key::PostcodeAndName,
    Key::PostcodeAndYear,
    Key::PostcodeAndDay,
    Key::NamesOnly,
    Key::BirthOnly,
    Key::PostcodeAndStart,
];

impl Key {
    pub fn label(self) -> &'static str {
        match self {
            Key::BirthAndName => "date de naissance + nom phonétique",
            Key::NamesAndYear => "noms phonétiques + année",
            Key::NamesAndDay => "noms phonétiques + jour et mois",
            Key::Ine => "INE",
            Key::Nni => "NNI",
            Key::Mail => "e-mail",
            Key::PostcodeAndName => "code postal + nom phonétique",
            Key::PostcodeAndYear => "code postal + année",
            Key::PostcodeAndDay => "code postal + jour et mois",
            Key::NamesOnly => "noms phonétiques seuls",
            Key::BirthOnly => "date de naissance seule",
            Key::PostcodeAndStart => "code postal + début d'un nom",
        }
    }

    /// Whether a large block of this key is dropped rather than walked by neighbourhood: the
    /// safety nets are worth their cost only in small blocks.
    fn is_safety_net(self) -> bool {
        matches!(
            self,
            Key::PostcodeAndName
                | Key::PostcodeAndYear
                | Key::PostcodeAndDay
                | Key::NamesOnly
                | Key::BirthOnly
                | Key::PostcodeAndStart
        )
    }
}

/// What blocking did, key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockingStats {
    /// Per key: (entries, pairs it gave before removing those of other keys, blocks too large
    /// to pair exhaustively: windowed, or dropped for the postcode key).
    pub per_key: Vec<(Key, u64, u64, u64)>,
    /// Distinct candidate pairs.
    pub candidates: u64,
}

/// The distinct candidate pairs `(a, b)` with `a < b`, sorted, as `a << 32 | b`.
pub(crate) fn candidates(data: &Prepared) -> (Vec<u64>, BlockingStats) {
    let mut pairs: Vec<u64> = Vec::new();
    let mut new_pairs: Vec<u64> = Vec::new();
    let mut merged: Vec<u64> = Vec::new();
    let mut stats = BlockingStats::default();
    let mut entries: Vec<(u64, u32)> = Vec::new();
    for key in KEYS {
        entries.clear();
        for (index, record) in data.records.iter().enumerate() {
            let index = index as u32;
            keys_of(key, data, record, |hash| entries.push((hash, index)));
        }
        entries.sort_unstable();
        entries.dedup();
        new_pairs.clear();
        let windowed = pair_blocks(data, &entries, key.is_safety_net(), &mut new_pairs);
        stats.per_key.push((key, entries.len() as u64, new_pairs.len() as u64, windowed));
        // Keep memory flat: fold duplicates away after each key. Only the new pairs are
        // sorted; the two sorted lists are then merged in one pass.
        new_pairs.sort_unstable();
        new_pairs.dedup();
        merge_sorted(&pairs, &new_pairs, &mut merged);
        std::mem::swap(&mut pairs, &mut merged);
    }
    stats.candidates = pairs.len() as u64;
    (pairs, stats)
}

/// The union of two sorted lists without repeats, into `out`.
fn merge_sorted(x: &[u64], y: &[u64], out: &mut Vec<u64>) {
    out.clear();
    out.reserve(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        let (a, b) = (x[i], y[j]);
        out.push(a.min(b));
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    out.extend_from_slice(&x[i..]);
    out.extend_from_slice(&y[j..]);
}

fn pair_blocks(data: &Prepared, entries: &[(u64, u32)], safety_net: bool, pairs: &mut Vec<u64>) -> u64 {
    let max_block = if safety_net { MAX_SAFETY_NET_BLOCK } else { MAX_BLOCK };
    let mut windowed = 0;
    let mut members: Vec<u32> = Vec::new();
    for block in entries.chunk_by(|x, y| x.0 == y.0) {
        if block.len() < 2 {
            continue;
        }
        members.clear();
        members.extend(block.iter().map(|e| e.1));
        if members.len() <= max_block {
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    pairs.push(pair(a, b));
                }
            }
        } else if !safety_net {
            windowed += 1;
            members.sort_by_key(|&r| {
                let record = &data.records[r as usize];
                (record.birth, record.nom, record.prenom, r)
            });
            for (i, &a) in members.iter().enumerate() {
                for &b in members[i + 1..].iter().take(WINDOW) {
                    pairs.push(pair(a, b));
                }
            }
        }
    }
    windowed
}

fn pair(a: u32, b: u32) -> u64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    (u64::from(low) << 32) | u64::from(high)
}

pub(crate) fn unpair(pair: u64) -> (u32, u32) {
    ((pair >> 32) as u32, pair as u32)
}

/// splitmix64's finaliser: a fast, well-mixed 64-bit hash of a key's parts.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &p| mix(h ^ p).rotate_left(17))
}

/// Day and month in a fixed order, so that a swap gives the same key.
fn unordered_day_month(record: &Record) -> Option<(u64, u64)> {
    record.birth().map(|b| {
        let (x, y) = (u64::from(b.day), u64::from(b.month));
        (x.min(y), x.max(y))
    })
}

fn sorted(x: Sym, y: Sym) -> (u64, u64) {
    (u64::from(x.min(y)), u64::from(x.max(y)))
}

/// The first two letters of a name, as a number (0 for no name).
fn start(data: &Prepared, name: Sym) -> u64 {
    data.text(name).bytes().take(2).fold(0, |n, b| (n << 8) | u64::from(b))
}

fn keys_of(key: Key, data: &Prepared, r: &Record, mut emit: impl FnMut(u64)) {
    let tag = key as u64;
    let surnames = [r.nom_code, r.usage_code];
    match key {
        Key::BirthAndName => {
            let (Some((low, high)), Some(birth)) = (unordered_day_month(r), r.birth()) else { return };
            let codes = [r.nom_code, r.usage_code, r.prenom_code, r.prenom_first_code];
            for (i, &code) in codes.iter().enumerate() {
                if code != NONE && !codes[..i].contains(&code) {
                    emit(hash(&[tag, u64::from(birth.year), low, high, u64::from(code)]));
                }
            }
        }
        Key::NamesAndYear | Key::NamesAndDay => {
            let Some(birth) = r.birth() else { return };
            let Some((low, high)) = unordered_day_month(r) else { return };
            let date = if key == Key::NamesAndYear { (u64::from(birth.year), 0) } else { (low, high) };
            for code in surnames {
                if code != NONE && r.prenom_code != NONE {
                    let (x, y) = sorted(code, r.prenom_code);
                    emit(hash(&[tag, x, y, date.0, date.1]));
                }
            }
        }
        Key::Ine | Key::Nni | Key::Mail => {
            let value = match key {
                Key::Ine => r.ine,
                Key::Nni => r.nni,
                _ => r.mail,
            };
            if value != NO_ID {
                emit(hash(&[tag, value]));
            }
        }
        Key::PostcodeAndYear | Key::PostcodeAndDay => {
            let (Some(birth), Some((low, high))) = (r.birth(), unordered_day_month(r)) else { return };
            if r.postcode != NO_ID {
                let date = if key == Key::PostcodeAndYear { (u64::from(birth.year), 0) } else { (low, high) };
                emit(hash(&[tag, r.postcode, date.0, date.1]));
            }
        }
        Key::NamesOnly => {
            for code in surnames {
                if code != NONE && r.prenom_code != NONE {
                    let (x, y) = sorted(code, r.prenom_code);
                    emit(hash(&[tag, x, y]));
                }
            }
        }
        Key::BirthOnly => {
            let (Some(birth), Some((low, high))) = (r.birth(), unordered_day_month(r)) else { return };
            emit(hash(&[tag, u64::from(birth.year), low, high]));
        }
        Key::PostcodeAndStart => {
            if r.postcode == NO_ID {
                return;
            }
            let starts = [start(data, r.nom), start(data, r.prenom)];
            for (i, &letters) in starts.iter().enumerate() {
                if letters != 0 && !starts[..i].contains(&letters) {
                    emit(hash(&[tag, r.postcode, letters]));
                }
            }
        }
        Key::PostcodeAndName => {
            if r.postcode == NO_ID {
                return;
            }
            for code in [r.nom_code, r.prenom_code] {
                if code != NONE {
                    emit(hash(&[tag, r.postcode, u64::from(code)]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{BirthParts, Identity};

    fn person(nom: &str, prenom: &str, birth: &str) -> Identity {
        Identity { nom: nom.into(), prenom1: prenom.into(), birth: BirthParts::parse(birth), ..Identity::default() }
    }

    fn pairs_of(people: &[Identity]) -> Vec<(u32, u32)> {
        let data = Prepared::new(people);
        candidates(&data).0.into_iter().map(unpair).collect()
    }

    #[test]
    fn one_mistake_never_hides_a_duplicate() {
        let original = person("Lefèvre", "Jean-Pierre", "2004-03-07");
        let mut married = person("Martin", "Jean-Pierre", "2004-03-07");
        married.nomusage = Some("Lefèvre".into());
        let variants = [
            person("Lefebvre", "Jean-Pierre", "2004-03-07"),
            person("Lefèvre", "Jean", "2004-03-07"),
            person("Lefèvre", "Jean-Pierre", "2004-07-03"),
            person("Lefèvre", "Jean-Pierre", "2005-03-07"),
            person("Lefèvre", "Jean-Pierre", "2004-03-18"),
            person("Jean-Pierre", "Lefèvre", "2004-03-07"),
            person("Duval", "Jean-Pierre", "2004-03-07"),
            married,
        ];
        for variant in variants {
            assert_eq!(pairs_of(&[original.clone(), variant.clone()]), vec![(0, 1)], "{variant:?}");
        }
    }

    #[test]
    fn merging_keeps_one_of_each_in_order() {
        let mut out = Vec::new();
        merge_sorted(&[1, 3, 5, 9], &[2, 3, 9, 10], &mut out);
        assert_eq!(out, [1, 2, 3, 5, 9, 10]);
        merge_sorted(&[], &[4], &mut out);
        assert_eq!(out, [4]);
    }

    #[test]
    fn strangers_are_not_paired() {
        let people = [person("Martin", "Léa", "2004-03-07"), person("Bernard", "Hugo", "1999-11-28")];
        assert!(pairs_of(&people).is_empty());
    }

    #[test]
    fn a_huge_block_gives_a_bounded_number_of_pairs() {
        let people: Vec<Identity> = (0..2_000).map(|_| person("Martin", "Léa", "2004-03-07")).collect();
        let pairs = pairs_of(&people);
        assert!(pairs.len() <= 2_000 * WINDOW, "{}", pairs.len());
        assert!(pairs.iter().all(|(a, b)| a < b));
    }
}

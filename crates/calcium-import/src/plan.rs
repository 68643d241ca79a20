//! Which student each accepted line is, and what to do about it (SPEC §4.4): create, update,
//! leave unchanged, or reject. Pure: the caller looks each slice's INEs and secondary keys up in
//! the base in bulk ([`ines_of`]; keys only for the rows whose INE the base lacks), adds the
//! whole records [`records_needed`] names, hands the answers in as [`Existing`], and writes the
//! plan into the import's one transaction.
//!
//! This module must not query anything nor write anything; it decides, deterministically, in
//! line order, so two runs on the same file and base give the same plan.
//!
//! Lines of the same file that would write the same student are settled here too, since the
//! base cannot see them (all lines are applied at once). Decisions where SPEC is silent:
//! - an INE already seen on an earlier *accepted* line (one that passed the line checks, even if
//!   its own matching then rejected it) makes the later line DUPLICATE_IN_FILE;
//! - a line that would update a student an earlier line already updates, or whose secondary
//!   keys equal those of a student an earlier line creates or updates, is ambiguous and rejected
//!   as POTENTIAL_DUPLICATES, except on the INE path: a line whose INE is found in the base is
//!   that student, and another student with the same secondary keys does not make it doubtful.

mod known;
mod merge;

#[cfg(test)]
mod tests;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{Fingerprint, Ine, Student, StudentId, StudentRecord};
use calcium_store::StudentMatch;

pub use self::known::{InBase, KnownInes};
use crate::messages::{self, Subject};
use crate::row::{ParsedRow, RowError, RowErrorKind};

/// A stored student a line may be about, as the bulk look-ups found it. The whole record is
/// only fetched when a line that reaches the student differs from it ([`records_needed`]): a
/// line equal to the stored record is recognised by the fingerprint alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: StudentId,
    pub ine: Option<Ine>,
    pub key: SecondaryKey,
    /// `None` for a student stored before fingerprints existed: compared field by field.
    pub fingerprint: Option<Fingerprint>,
    pub record: Option<StudentRecord>,
}

impl From<Student> for Candidate {
    fn from(student: Student) -> Candidate {
        Candidate {
            id: student.id,
            ine: student.record.cod_nne.clone(),
            key: student.record.secondary_key(),
            fingerprint: Some(Fingerprint::of(&student.record)),
            record: Some(student.record),
        }
    }
}

impl From<StudentMatch> for Candidate {
    fn from(found: StudentMatch) -> Candidate {
        Candidate { id: found.id, ine: found.ine, key: found.key, fingerprint: found.fingerprint, record: None }
    }
}

/// What the caller found in the base for the INEs and secondary keys of the rows being
/// planned. A key absent from a map (or mapped to an empty list) means "no student".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Existing {
    /// INE → the students holding it (more than one is MULTIPLE_INE).
    pub by_ine: HashMap<String, Vec<Candidate>>,
    /// Secondary key → the students having it.
    pub by_secondary_key: HashMap<SecondaryKey, Vec<Candidate>>,
}

impl Existing {
    /// Gives the fetched whole records to the candidates they belong to.
    pub fn add_records(&mut self, students: impl IntoIterator<Item = Student>) {
        let records: HashMap<StudentId, StudentRecord> = students.into_iter().map(|s| (s.id, s.record)).collect();
        let candidates = self.by_ine.values_mut().chain(self.by_secondary_key.values_mut()).flatten();
        for candidate in candidates {
            if let Some(record) = records.get(&candidate.id) {
                candidate.record = Some(record.clone());
            }
        }
    }
}

/// The candidates whose whole record the planner may need for `rows`: those reached by a row
/// (through its INE or its secondary keys) whose fingerprint differs from that row's. A superset
/// of what [`Planner`] reads, whatever earlier rows claimed.
pub fn records_needed(rows: &[ParsedRow], existing: &Existing) -> Vec<StudentId> {
    let mut needed = HashSet::new();
    for row in rows {
        let by_ine = row.record.cod_nne.as_ref().and_then(|ine| existing.by_ine.get(ine.as_str()));
        let by_key = existing.by_secondary_key.get(&row.key);
        for candidate in by_ine.into_iter().chain(by_key).flatten() {
            if candidate.record.is_none() && candidate.fingerprint != Some(row.fingerprint) {
                needed.insert(candidate.id);
            }
        }
    }
    let mut needed: Vec<StudentId> = needed.into_iter().collect();
    needed.sort_unstable();
    needed
}

/// What applying a line does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new student, with the fingerprint its line was parsed with.
    Create {
        record: StudentRecord,
        fingerprint: Fingerprint,
    },
    /// The stored student's record becomes `record` (the line merged over what was stored).
    Update {
        id: StudentId,
        record: StudentRecord,
    },
    /// The line says what is already stored: nothing is written.
    Unchanged(StudentId),
    Rejected(RowError),
}

/// The decision for one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// 1-based line number in the file.
    pub line: usize,
    pub action: Action,
}

/// The distinct INEs of the rows, in line order: what to look up by INE.
pub fn ines_of(rows: &[ParsedRow]) -> Vec<Ine> {
    let mut seen = HashSet::new();
    rows.iter().filter_map(|row| row.record.cod_nne.as_ref()).filter(|ine| seen.insert(*ine)).cloned().collect()
}

/// The distinct INEs of the rows that the known INEs do not settle, in line order: what to ask
/// the base by INE. `statuses` are [`KnownInes::statuses`] of the rows.
pub fn ines_to_look_up<'r>(rows: &'r [ParsedRow], statuses: &[Option<InBase>]) -> Vec<&'r str> {
    let mut seen = HashSet::new();
    rows.iter()
        .zip(statuses)
        .filter(|(_, status)| **status == Some(InBase::ToLookUp))
        .filter_map(|(row, _)| row.record.cod_nne.as_ref().map(Ine::as_str))
        .filter(|ine| seen.insert(*ine))
        .collect()
}

/// The distinct secondary keys to ask the base about, once `existing` holds its answers by
/// INE: those of the rows without INE, or whose INE the base does not hold.
pub fn keys_to_look_up(rows: &[ParsedRow], statuses: &[Option<InBase>], existing: &Existing) -> Vec<SecondaryKey> {
    let mut seen = HashSet::new();
    rows.iter()
        .zip(statuses)
        .filter(|(row, status)| match status {
            None | Some(InBase::Absent) => true,
            Some(InBase::Unchanged(_)) => false,
            Some(InBase::ToLookUp) => {
                !row.record.cod_nne.as_ref().is_some_and(|ine| existing.by_ine.contains_key(ine.as_str()))
            }
        })
        .map(|(row, _)| &row.key)
        .filter(|key| seen.insert(*key))
        .cloned()
        .collect()
}

/// The distinct secondary keys of the rows, in line order: what to look up by secondary keys.
/// Every row's key is given, with or without INE, since whether an INE is found is only known
/// after the lookup.
pub fn secondary_keys_of(rows: &[ParsedRow]) -> Vec<SecondaryKey> {
    let keys: Vec<SecondaryKey> = rows.iter().map(|row| row.key.clone()).collect();
    // Remember which are first seen by reference, so no key is cloned.
    let mut seen = HashSet::with_capacity(keys.len());
    let first: Vec<bool> = keys.iter().map(|key| seen.insert(key)).collect();
    drop(seen);
    keys.into_iter().zip(first).filter_map(|(key, first)| first.then_some(key)).collect()
}

/// Plans every row, in the order given (line order), against one look-up for all of them.
pub fn plan(rows: impl IntoIterator<Item = ParsedRow>, existing: &Existing) -> Vec<Planned> {
    let rows = rows.into_iter();
    let mut planner = Planner::with_capacity(rows.size_hint().0);
    let mut planned = Vec::with_capacity(rows.size_hint().0);
    planned.extend(rows.map(|row| planner.plan_row(row, existing)));
    planned
}

/// The hasher of the planner's sets, filled once per line: seeded per set, several times
/// faster than the standard SipHash on numbers.
type Fast = foldhash::fast::RandomState;

/// Plans rows one at a time, remembering what earlier rows of the same file claimed, so a file
/// can be planned slice by slice (each slice with its own look-up). Rows must come in line
/// order. What it remembers is compact (numbers, not strings): a million lines fit in tens of
/// megabytes.
#[derive(Debug)]
pub struct Planner {
    /// The INEs the base held when the import began.
    known: KnownInes,
    /// INE ([`Ine::packed`]) → first accepted line that gave it.
    first_line_of_ine: HashMap<u64, usize, Fast>,
    /// Students an earlier line of the file updates (or leaves unchanged).
    claimed_ids: HashSet<StudentId, Fast>,
    /// Secondary keys of the students earlier lines create or update, as 128-bit digests: two
    /// different keys collide with odds of about 2⁻¹²⁸ × (lines)².
    claimed_keys: HashSet<u128, Fast>,
    /// Students found unchanged by comparing their whole record, whose stored fingerprint was
    /// missing or stale: to store afresh, so that the next import knows them at once.
    refreshes: Vec<(StudentId, Fingerprint)>,
    key_hashers: (foldhash::quality::RandomState, foldhash::quality::RandomState),
}

impl Default for Planner {
    fn default() -> Planner {
        Planner::with_capacity(0)
    }
}

impl Planner {
    pub fn new() -> Planner {
        Planner::default()
    }

    /// Sized for `rows` rows: on a million lines, rehashing growing sets is a real cost.
    pub fn with_capacity(rows: usize) -> Planner {
        Planner {
            known: KnownInes::default(),
            first_line_of_ine: HashMap::with_capacity_and_hasher(rows, Fast::default()),
            claimed_ids: HashSet::with_capacity_and_hasher(rows, Fast::default()),
            claimed_keys: HashSet::with_capacity_and_hasher(rows, Fast::default()),
            refreshes: Vec::new(),
            key_hashers: Default::default(),
        }
    }

    /// Plans against the INEs the base held when the import began: a line that says what is
    /// stored about one of them needs no look-up ([`KnownInes`]). Without it, every line found
    /// by its INE comes from the look-ups in [`Existing`].
    pub fn knowing(mut self, known: KnownInes) -> Planner {
        self.known = known;
        self
    }

    pub fn known(&self) -> &KnownInes {
        &self.known
    }

    /// The fingerprints to store afresh, found since the last call: students found unchanged
    /// field by field, whose stored fingerprint was missing or stale.
    pub fn take_refreshes(&mut self) -> Vec<(StudentId, Fingerprint)> {
        std::mem::take(&mut self.refreshes)
    }

    fn key_digest(&self, key: &SecondaryKey) -> u128 {
        let high = self.key_hashers.0.hash_one(key);
        let low = self.key_hashers.1.hash_one(key);
        u128::from(high) << 64 | u128::from(low)
    }

    /// The decision for the next row.
    /// `existing` must hold what the look-ups found for this row's INE and secondary keys,
    /// and the whole records [`records_needed`] names.
    pub fn plan_row(&mut self, row: ParsedRow, existing: &Existing) -> Planned {
        Planned { line: row.line, action: self.action(row, existing) }
    }

    fn action(&mut self, row: ParsedRow, existing: &Existing) -> Action {
        let ParsedRow { line, record, fingerprint, key, .. } = row;
        let ine = record.cod_nne.as_ref().map(Ine::as_str);
        let reject = |kind: RowErrorKind, message: String| {
            Action::Rejected(RowError { line, ine: ine.map(str::to_owned), kind, message })
        };
        let subject = Subject::of(ine, line);
        let ambiguous = || reject(RowErrorKind::PotentialDuplicates, messages::potential_duplicates(subject));
        let mismatch = || reject(RowErrorKind::SecondaryKeysMismatch, messages::secondary_keys_mismatch(subject));

        if let Some(ine) = &record.cod_nne {
            match self.first_line_of_ine.entry(ine.packed()) {
                Entry::Occupied(first) => {
                    let message = messages::duplicate_in_file(ine.as_str(), *first.get(), line);
                    return reject(RowErrorKind::DuplicateInFile, message);
                }
                Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
        }
        let key_digest = self.key_digest(&key);

        // 1–2. The INE, when the base has it.
        if let Some(InBase::Unchanged(id)) = record.cod_nne.as_ref().map(|ine| self.known.status(ine, fingerprint)) {
            // The same fingerprint: the same record, so the same secondary keys too.
            if self.claimed_ids.contains(&id) {
                return ambiguous();
            }
            self.claim(id, key_digest);
            return Action::Unchanged(id);
        }
        if let Some(ine) = ine {
            match existing.by_ine.get(ine).map(Vec::as_slice).unwrap_or_default() {
                [] => {}
                [student] if student.key != key => return mismatch(),
                [student] if self.claimed_ids.contains(&student.id) => return ambiguous(),
                [student] => return self.update(student, record, fingerprint, key_digest),
                _ => return reject(RowErrorKind::MultipleIne, messages::multiple_ine(ine)),
            }
        }

        // 3. The secondary keys, when the INE is absent from the base or not given.
        if self.claimed_keys.contains(&key_digest) {
            return ambiguous();
        }
        match existing.by_secondary_key.get(&key).map(Vec::as_slice).unwrap_or_default() {
            [] => {
                self.claimed_keys.insert(key_digest);
                Action::Create { record, fingerprint }
            }
            [student] => {
                let other_ine = matches!((ine, &student.ine), (Some(ine), Some(stored)) if stored.as_str() != ine);
                if other_ine {
                    mismatch()
                } else if self.claimed_ids.contains(&student.id) {
                    ambiguous()
                } else {
                    self.update(student, record, fingerprint, key_digest)
                }
            }
            _ => ambiguous(),
        }
    }

    /// A line of the file is about the student `id`, whose secondary keys digest to `key`.
    fn claim(&mut self, id: StudentId, key: u128) {
        self.claimed_ids.insert(id);
        self.claimed_keys.insert(key);
    }

    /// The line is `student`: merge, and tell whether anything changes.
    fn update(&mut self, student: &Candidate, record: StudentRecord, fingerprint: Fingerprint, key: u128) -> Action {
        self.claim(student.id, key);
        if student.fingerprint == Some(fingerprint) {
            return Action::Unchanged(student.id);
        }
        let stored = student.record.as_ref().expect("records_needed names every record a differing line merges with");
        let merged = merge::merge(stored, record);
        if &merged == stored {
            // The line may leave cells empty: the stored record's own fingerprint is the one
            // to keep.
            let actual = Fingerprint::of(stored);
            if student.fingerprint != Some(actual) {
                self.refreshes.push((student.id, actual));
            }
            Action::Unchanged(student.id)
        } else {
            Action::Update { id: student.id, record: merged }
        }
    }
}

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

use calcium_core::normalize::{KeyDigest, SecondaryKey};
use calcium_core::student::{Fingerprint, Ine, Student, StudentId, StudentRecord};
use calcium_store::StudentMatch;

pub use self::known::{InBase, KnownInes};
use crate::messages::{self, Subject};
use crate::row::{Row, RowError, RowErrorKind, RowKeys};

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
            ine: student.record.cod_nne,
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
    pub by_ine: HashMap<Ine, Vec<Candidate>, Fast>,
    /// Digest of the secondary keys ([`SecondaryKey::digest`]) → the students having them.
    pub by_secondary_key: HashMap<KeyDigest, Vec<Candidate>, Fast>,
}

impl Existing {
    /// Files a student found in the base under its INE.
    pub fn add_by_ine(&mut self, candidate: Candidate) {
        if let Some(ine) = candidate.ine {
            self.by_ine.entry(ine).or_default().push(candidate);
        }
    }

    /// Files a student found in the base under its secondary keys.
    pub fn add_by_secondary_key(&mut self, candidate: Candidate) {
        self.by_secondary_key.entry(candidate.key.digest()).or_default().push(candidate);
    }

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
/// of what [`Planner`] reads, whatever earlier rows claimed. `statuses` are the rows'
/// [`KnownInes::status`]: a row the known INEs settle reads no record.
pub fn records_needed(rows: &[RowKeys], statuses: &[Option<InBase>], existing: &Existing) -> Vec<StudentId> {
    let mut needed = HashSet::new();
    let unsettled = rows.iter().zip(statuses).filter(|(_, status)| !matches!(status, Some(InBase::Unchanged(_))));
    for (row, _) in unsettled {
        let by_ine = row.ine.and_then(|ine| existing.by_ine.get(&ine));
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
    /// A new student: the line's record, with the fingerprint it was parsed with.
    Create,
    /// The stored student's record becomes `record` (the line merged over what was stored;
    /// boxed: updates are few, and every other action is small).
    Update {
        id: StudentId,
        record: Box<StudentRecord>,
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
pub fn ines_of(rows: &[RowKeys]) -> Vec<Ine> {
    let mut seen = HashSet::new();
    rows.iter().filter_map(|row| row.ine).filter(|ine| seen.insert(*ine)).collect()
}

/// The distinct INEs of the rows that the known INEs do not settle, in line order: what to ask
/// the base by INE. `statuses` are [`KnownInes::statuses`] of the rows.
pub fn ines_to_look_up<'r>(rows: &'r [RowKeys], statuses: &[Option<InBase>]) -> Vec<&'r str> {
    let mut seen = HashSet::new();
    rows.iter()
        .zip(statuses)
        .filter(|(_, status)| **status == Some(InBase::ToLookUp))
        .filter_map(|(row, _)| row.ine.as_ref().map(Ine::as_str))
        .filter(|ine| seen.insert(*ine))
        .collect()
}

/// Which rows' secondary keys to ask the base about, once `existing` holds its answers by INE:
/// those of the rows without INE, or whose INE the base does not hold; the first row of each
/// distinct key only. Given as positions in `rows`: the caller reads the keys themselves from
/// the rows' records.
pub fn keys_to_look_up(rows: &[RowKeys], statuses: &[Option<InBase>], existing: &Existing) -> Vec<usize> {
    let mut seen = HashSet::new();
    rows.iter()
        .zip(statuses)
        .enumerate()
        .filter(|(_, (row, status))| match status {
            None | Some(InBase::Absent) => true,
            Some(InBase::Unchanged(_)) => false,
            Some(InBase::ToLookUp) => !row.ine.is_some_and(|ine| existing.by_ine.contains_key(&ine)),
        })
        .filter(|(_, (row, _))| seen.insert(row.key))
        .map(|(index, _)| index)
        .collect()
}

/// The distinct secondary keys of the rows, in line order: what to look up by secondary keys.
/// Every row's key is given, with or without INE, since whether an INE is found is only known
/// after the lookup.
pub fn secondary_keys_of(rows: &[Row<'_>]) -> Vec<SecondaryKey> {
    let mut seen = HashSet::with_capacity(rows.len());
    rows.iter().filter(|row| seen.insert(row.key)).map(Row::secondary_key).collect()
}

/// Plans every row, in the order given (line order), against one look-up for all of them.
pub fn plan<'r>(rows: impl IntoIterator<Item = Row<'r>>, existing: &Existing) -> Vec<Planned> {
    let rows = rows.into_iter();
    let mut planner = Planner::with_capacity(rows.size_hint().0);
    let mut planned = Vec::with_capacity(rows.size_hint().0);
    planned.extend(rows.map(|row| planner.plan_row(&row, existing)));
    planned
}

/// The hasher of the planner's sets and of [`Existing`], used once or twice per line: seeded
/// per set, several times faster than the standard SipHash on numbers.
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
    claimed_keys: HashSet<KeyDigest, Fast>,
    /// Students found unchanged by comparing their whole record, whose stored fingerprint was
    /// missing or stale: to store afresh, so that the next import knows them at once.
    refreshes: Vec<(StudentId, Fingerprint)>,
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

    /// The decision for the next row.
    /// `existing` must hold what the look-ups found for this row's INE and secondary keys,
    /// and the whole records [`records_needed`] names.
    pub fn plan_row(&mut self, row: &Row<'_>, existing: &Existing) -> Planned {
        let keys = row.keys();
        let status = keys.ine.map(|ine| self.known.status(&ine, keys.fingerprint));
        self.plan_row_in(&keys, status, existing, || row.record.clone())
    }

    /// [`Planner::plan_row`] for a row whose [`KnownInes::status`] the caller already has (it
    /// needed it to choose what to look up). `record` gives the line's record; it is asked for
    /// only when the line may change a stored student: most lines of a daily file are settled
    /// without it.
    pub fn plan_row_in<'r>(
        &mut self,
        row: &RowKeys,
        status: Option<InBase>,
        existing: &Existing,
        record: impl FnOnce() -> StudentRecord<&'r str>,
    ) -> Planned {
        Planned { line: row.line, action: self.action(row, status, existing, record) }
    }

    fn action<'r>(
        &mut self,
        row: &RowKeys,
        status: Option<InBase>,
        existing: &Existing,
        record: impl FnOnce() -> StudentRecord<&'r str>,
    ) -> Action {
        let &RowKeys { line, ine: line_ine, fingerprint, key: key_digest } = row;
        let ine = line_ine.as_ref().map(Ine::as_str);
        let reject = |kind: RowErrorKind, message: String| {
            Action::Rejected(RowError { line, ine: ine.map(str::to_owned), kind, message })
        };
        let subject = Subject::of(ine, line);
        let ambiguous = || reject(RowErrorKind::PotentialDuplicates, messages::potential_duplicates(subject));
        let mismatch = || reject(RowErrorKind::SecondaryKeysMismatch, messages::secondary_keys_mismatch(subject));

        if let Some(ine) = line_ine {
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

        // 1–2. The INE, when the base has it.
        if let Some(InBase::Unchanged(id)) = status {
            // The same fingerprint: the same record, so the same secondary keys too.
            if self.claimed_ids.contains(&id) {
                return ambiguous();
            }
            self.claim(id, key_digest);
            return Action::Unchanged(id);
        }
        if let Some(ine) = line_ine {
            match existing.by_ine.get(&ine).map(Vec::as_slice).unwrap_or_default() {
                [] => {}
                [student] if student.key.digest() != key_digest => return mismatch(),
                [student] if self.claimed_ids.contains(&student.id) => return ambiguous(),
                [student] => return self.update(student, record, fingerprint, key_digest),
                _ => return reject(RowErrorKind::MultipleIne, messages::multiple_ine(ine.as_str())),
            }
        }

        // 3. The secondary keys, when the INE is absent from the base or not given.
        if self.claimed_keys.contains(&key_digest) {
            return ambiguous();
        }
        match existing.by_secondary_key.get(&key_digest).map(Vec::as_slice).unwrap_or_default() {
            [] => {
                self.claimed_keys.insert(key_digest);
                Action::Create
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
    fn claim(&mut self, id: StudentId, key: KeyDigest) {
        self.claimed_ids.insert(id);
        self.claimed_keys.insert(key);
    }

    /// The line is `student`: merge, and tell whether anything changes.
    fn update<'r>(
        &mut self,
        student: &Candidate,
        record: impl FnOnce() -> StudentRecord<&'r str>,
        fingerprint: Fingerprint,
        key: KeyDigest,
    ) -> Action {
        self.claim(student.id, key);
        if student.fingerprint == Some(fingerprint) {
            return Action::Unchanged(student.id);
        }
        let stored = student.record.as_ref().expect("records_needed names every record a differing line merges with");
        let merged = merge::merge(stored, &record());
        if &merged == stored {
            // The line may leave cells empty: the stored record's own fingerprint is the one
            // to keep.
            let actual = Fingerprint::of(stored);
            if student.fingerprint != Some(actual) {
                self.refreshes.push((student.id, actual));
            }
            Action::Unchanged(student.id)
        } else {
            Action::Update { id: student.id, record: Box::new(merged) }
        }
    }
}

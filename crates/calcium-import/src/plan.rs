//! Which student each accepted line is, and what to do about it (SPEC §4.4): create, update,
//! leave unchanged, or reject. Pure: the caller looks the file's INEs and secondary keys up in
//! the base in bulk ([`ines_of`], [`secondary_keys_of`]), hands the answers in as [`Existing`],
//! and applies the plan in one transaction.
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

mod merge;

#[cfg(test)]
mod tests;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{Ine, Student, StudentId, StudentRecord};

use crate::messages::{self, Subject};
use crate::row::{ParsedRow, RowError, RowErrorKind};

/// What the caller found in the base for the file's INEs and secondary keys. A key absent from
/// a map (or mapped to an empty list) means "no student".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Existing {
    /// INE → the students holding it (more than one is MULTIPLE_INE).
    pub by_ine: HashMap<String, Vec<Student>>,
    /// Secondary key → the students having it.
    pub by_secondary_key: HashMap<SecondaryKey, Vec<Student>>,
}

/// What applying a line does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new student.
    Create(StudentRecord),
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

/// The distinct secondary keys of the rows, in line order: what to look up by secondary keys.
/// Every row's key is given, with or without INE, since whether an INE is found is only known
/// after the lookup.
pub fn secondary_keys_of(rows: &[ParsedRow]) -> Vec<SecondaryKey> {
    let keys: Vec<SecondaryKey> = rows.iter().map(|row| row.record.secondary_key()).collect();
    // Remember which are first seen by reference, so no key is cloned.
    let mut seen = HashSet::with_capacity(keys.len());
    let first: Vec<bool> = keys.iter().map(|key| seen.insert(key)).collect();
    drop(seen);
    keys.into_iter().zip(first).filter_map(|(key, first)| first.then_some(key)).collect()
}

/// Plans every row, in the order given (line order). For a file too large to hold two copies
/// of its records, drive a [`Planner`] row by row instead and apply each action as it comes.
pub fn plan(rows: impl IntoIterator<Item = ParsedRow>, existing: &Existing) -> Vec<Planned> {
    let rows = rows.into_iter();
    let mut planner = Planner::with_capacity(existing, rows.size_hint().0);
    let mut planned = Vec::with_capacity(rows.size_hint().0);
    planned.extend(rows.map(|row| planner.plan_row(row)));
    planned
}

/// Plans rows one at a time, remembering what earlier rows of the same file claimed. Rows must
/// come in line order.
#[derive(Debug)]
pub struct Planner<'e> {
    existing: &'e Existing,
    /// INE → first accepted line that gave it.
    first_line_of_ine: HashMap<String, usize>,
    /// Students an earlier line of the file updates (or leaves unchanged).
    claimed_ids: HashSet<StudentId>,
    /// Secondary keys of the students earlier lines create or update.
    claimed_keys: HashSet<SecondaryKey>,
}

impl<'e> Planner<'e> {
    pub fn new(existing: &'e Existing) -> Planner<'e> {
        Planner::with_capacity(existing, 0)
    }

    /// Sized for `rows` rows: on a million lines, rehashing growing sets is a real cost.
    pub fn with_capacity(existing: &'e Existing, rows: usize) -> Planner<'e> {
        Planner {
            existing,
            first_line_of_ine: HashMap::with_capacity(rows),
            claimed_ids: HashSet::with_capacity(rows),
            claimed_keys: HashSet::with_capacity(rows),
        }
    }

    /// The decision for the next row.
    pub fn plan_row(&mut self, row: ParsedRow) -> Planned {
        Planned { line: row.line, action: self.action(row) }
    }

    fn action(&mut self, row: ParsedRow) -> Action {
        let ParsedRow { line, record, .. } = row;
        let ine = record.cod_nne.as_ref().map(Ine::as_str);
        let reject = |kind: RowErrorKind, message: String| {
            Action::Rejected(RowError { line, ine: ine.map(str::to_owned), kind, message })
        };
        let subject = Subject::of(ine, line);
        let ambiguous = || reject(RowErrorKind::PotentialDuplicates, messages::potential_duplicates(subject));
        let mismatch = || reject(RowErrorKind::SecondaryKeysMismatch, messages::secondary_keys_mismatch(subject));

        if let Some(ine) = ine {
            match self.first_line_of_ine.entry(ine.to_owned()) {
                Entry::Occupied(first) => {
                    return reject(RowErrorKind::DuplicateInFile, messages::duplicate_in_file(ine, *first.get(), line));
                }
                Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
        }
        let existing = self.existing;
        let key = record.secondary_key();

        // 1–2. The INE, when the base has it.
        if let Some(ine) = ine {
            match existing.by_ine.get(ine).map(Vec::as_slice).unwrap_or_default() {
                [] => {}
                [student] if student.record.secondary_key() != key => return mismatch(),
                [student] if self.claimed_ids.contains(&student.id) => return ambiguous(),
                [student] => return self.update(student, record, key),
                _ => return reject(RowErrorKind::MultipleIne, messages::multiple_ine(ine)),
            }
        }

        // 3. The secondary keys, when the INE is absent from the base or not given.
        if self.claimed_keys.contains(&key) {
            return ambiguous();
        }
        match existing.by_secondary_key.get(&key).map(Vec::as_slice).unwrap_or_default() {
            [] => {
                self.claimed_keys.insert(key);
                Action::Create(record)
            }
            [student] => {
                let other_ine =
                    matches!((ine, &student.record.cod_nne), (Some(ine), Some(stored)) if stored.as_str() != ine);
                if other_ine {
                    mismatch()
                } else if self.claimed_ids.contains(&student.id) {
                    ambiguous()
                } else {
                    self.update(student, record, key)
                }
            }
            _ => ambiguous(),
        }
    }

    /// The line is `student`: merge, and tell whether anything changes.
    fn update(&mut self, student: &Student, record: StudentRecord, key: SecondaryKey) -> Action {
        self.claimed_ids.insert(student.id);
        self.claimed_keys.insert(key);
        let merged = merge::merge(&student.record, record);
        if merged == student.record {
            Action::Unchanged(student.id)
        } else {
            Action::Update { id: student.id, record: merged }
        }
    }
}

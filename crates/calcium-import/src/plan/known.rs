//! The INEs the base held when the import began: what settles the unchanged lines of a daily
//! re-import without looking each one up.

use calcium_core::student::{Fingerprint, Ine, StudentId};
use calcium_store::KnownIne;

use crate::row::RowKeys;

/// Every INE the base held when the import began, with its student's id and fingerprint (about
/// 32 bytes a student, read in one index scan). A line whose INE one student holds, with the
/// same fingerprint, says exactly what is stored: that student, unchanged.
///
/// Students the import itself writes later do not show here, and need not: any INE the import
/// writes comes from an earlier accepted line, and a second line with that INE is
/// DUPLICATE_IN_FILE whatever the base holds.
#[derive(Debug, Default)]
pub struct KnownInes {
    /// Sorted; apart from the students so that a search walks 8-byte steps.
    ines: Vec<u64>,
    /// `students[i]` holds `ines[i]`.
    students: Vec<(StudentId, Option<Fingerprint>)>,
    /// Every [`BLOCK`]th INE: a look-up searches this small table, which stays in the cache,
    /// then one block of neighbours, instead of leaping across megabytes (a million INEs took
    /// a tenth of a re-import's time in cache misses).
    fences: Vec<u64>,
}

const BLOCK: usize = 64;

/// What the known INEs tell of a line's INE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InBase {
    /// No student held it: the line is matched by its secondary keys.
    Absent,
    /// One student holds it, with the line's very fingerprint.
    Unchanged(StudentId),
    /// Held by a student the line changes, or by several: the base must be asked.
    ToLookUp,
}

impl KnownInes {
    pub fn new(mut known: Vec<KnownIne>) -> KnownInes {
        known.sort_unstable_by_key(|known| known.ine);
        let ines: Vec<u64> = known.iter().map(|known| known.ine).collect();
        KnownInes {
            fences: ines.iter().step_by(BLOCK).copied().collect(),
            students: known.iter().map(|known| (known.id, known.fingerprint)).collect(),
            ines,
        }
    }

    pub fn len(&self) -> usize {
        self.ines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ines.is_empty()
    }

    pub fn status(&self, ine: &Ine, fingerprint: Fingerprint) -> InBase {
        let packed = ine.packed();
        // The first holder, if any, lies after the last fence below the INE, and no further
        // than the next fence.
        let block = self.fences.partition_point(|&fence| fence < packed).saturating_sub(1);
        let (low, high) = (block * BLOCK, (block * BLOCK + BLOCK + 1).min(self.ines.len()));
        let start = low + self.ines[low..high].partition_point(|&known| known < packed);
        let holders = self.ines[start..].iter().take(2).take_while(|&&known| known == packed).count();
        match holders {
            0 => InBase::Absent,
            1 if self.students[start].1 == Some(fingerprint) => InBase::Unchanged(self.students[start].0),
            _ => InBase::ToLookUp,
        }
    }

    /// [`KnownInes::status`] of each row's INE (`None` for a row without INE), in row order.
    pub fn statuses(&self, rows: &[RowKeys]) -> Vec<Option<InBase>> {
        rows.iter().map(|row| row.ine.map(|ine| self.status(&ine, row.fingerprint))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ine_is_found_wherever_it_falls_among_the_blocks() {
        let ine = |n: u64| Ine::parse(&format!("{n:011}")).unwrap();
        // Pairs of holders straddle block boundaries; gaps between them are absent INEs.
        let held: Vec<u64> = (0..1000u64).map(|n| 10 + n / 2 * 3).collect();
        let table = KnownInes::new(
            held.iter()
                .zip(0..)
                .map(|(&n, id)| KnownIne { ine: ine(n).packed(), id: StudentId(id), fingerprint: Some(Fingerprint(7)) })
                .collect(),
        );
        for n in 0..1600u64 {
            let expected = if held.contains(&n) { InBase::ToLookUp } else { InBase::Absent };
            assert_eq!(table.status(&ine(n), Fingerprint(7)), expected, "{n}");
        }
    }

    fn known(ine: &str, id: i64, fingerprint: Option<i64>) -> KnownIne {
        KnownIne {
            ine: Ine::parse(ine).unwrap().packed(),
            id: StudentId(id),
            fingerprint: fingerprint.map(Fingerprint),
        }
    }

    #[test]
    fn only_one_holder_with_the_same_fingerprint_settles_a_line() {
        let table = KnownInes::new(vec![
            known("2234567890A", 2, Some(20)),
            known("1234567890V", 1, Some(10)),
            known("3234567890B", 3, Some(30)),
            known("3234567890B", 4, Some(30)),
            known("4234567890C", 5, None),
        ]);
        let status = |ine: &str, fingerprint: i64| table.status(&Ine::parse(ine).unwrap(), Fingerprint(fingerprint));
        assert_eq!(status("1234567890V", 10), InBase::Unchanged(StudentId(1)));
        assert_eq!(status("2234567890A", 20), InBase::Unchanged(StudentId(2)));
        assert_eq!(status("2234567890A", 21), InBase::ToLookUp, "the line changes the student");
        assert_eq!(status("3234567890B", 30), InBase::ToLookUp, "two holders: MULTIPLE_INE is the base's to tell");
        assert_eq!(status("4234567890C", 0), InBase::ToLookUp, "no fingerprint stored: compared field by field");
        assert_eq!(status("5234567890D", 10), InBase::Absent);
        assert_eq!(status("0000000000A", 10), InBase::Absent);
        assert_eq!(status("ZZZZZZZZZZZ", 10), InBase::Absent);
    }
}

//! Which student a MesVaccins record is (SPEC §6, after §4.4): the INE first; else the
//! secondary keys the record carries (NOM, PRENOM and birth date, normalised: it has no
//! nationality). A record that fits no student, or several, is not guessed at: it is listed
//! in the execution's log for someone to look at.

use calcium_core::student::StudentId;
use calcium_store::StudentCandidate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Student(StudentId),
    /// No student fits (the reason, in French).
    Unmatched(&'static str),
    /// Several students fit (the reason, in French).
    Ambiguous(&'static str),
}

/// The decision from the INE alone: `None` when the keys must be looked at.
pub(crate) fn by_ine(by_ine: &[StudentCandidate]) -> Option<Decision> {
    match by_ine {
        [] => None,
        [one] => Some(Decision::Student(one.id)),
        _ => Some(Decision::Ambiguous("plusieurs étudiants portent cet INE")),
    }
}

/// The decision from the secondary keys, for a record whose INE (if any) no student holds.
pub(crate) fn by_keys(record_ine: Option<&str>, by_keys: &[StudentCandidate]) -> Decision {
    match by_keys {
        [] => Decision::Unmatched("aucun étudiant avec cet INE ni ces nom, prénom et date de naissance"),
        [one] => match (record_ine, one.ine.as_deref()) {
            // The record names an INE the base does not hold, and the student with these keys
            // has another one: two people, or a wrong INE; either way, not this student.
            (Some(wanted), Some(held)) if wanted != held => {
                Decision::Unmatched("l'étudiant de ces nom, prénom et date de naissance a un autre INE")
            }
            _ => Decision::Student(one.id),
        },
        _ => Decision::Ambiguous("plusieurs étudiants ont ces nom, prénom et date de naissance"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, ine: Option<&str>) -> StudentCandidate {
        StudentCandidate { id: StudentId(id), ine: ine.map(str::to_owned) }
    }

    #[test]
    fn an_ine_held_once_decides() {
        assert_eq!(by_ine(&[candidate(7, Some("1234567890A"))]), Some(Decision::Student(StudentId(7))));
        assert_eq!(by_ine(&[]), None);
        assert!(matches!(by_ine(&[candidate(1, None), candidate(2, None)]), Some(Decision::Ambiguous(_))));
    }

    #[test]
    fn the_keys_decide_when_the_ine_is_unknown_unless_the_student_has_another_ine() {
        assert_eq!(by_keys(None, &[candidate(3, Some("X"))]), Decision::Student(StudentId(3)));
        assert_eq!(by_keys(Some("A"), &[candidate(3, None)]), Decision::Student(StudentId(3)));
        assert!(matches!(by_keys(Some("A"), &[candidate(3, Some("B"))]), Decision::Unmatched(_)));
        assert!(matches!(by_keys(None, &[]), Decision::Unmatched(_)));
        assert!(matches!(by_keys(None, &[candidate(1, None), candidate(2, None)]), Decision::Ambiguous(_)));
    }
}

//! Tests of the matching: every branch of SPEC §4.4, the merge rules, and lines of one file
//! that would write the same student.

use calcium_core::student::{FormatVersion, Student, StudentId};

use super::*;
use crate::row::{ParsedRow, parse_row};
use crate::test_support::{line, options};

/// The accepted row of a valid line with these cells, at this line number.
fn row(number: usize, overrides: &[(&str, &str)]) -> ParsedRow {
    parse_row(number, &line(overrides), FormatVersion::CURRENT, &options()).expect("a valid test line")
}

/// The rows as the planner reads them.
fn views(rows: &[ParsedRow]) -> Vec<Row<'_>> {
    rows.iter().map(ParsedRow::as_row).collect()
}

/// The rows as the look-ups read them.
fn keys(rows: &[ParsedRow]) -> Vec<RowKeys> {
    rows.iter().map(|row| row.as_row().keys()).collect()
}

/// A stored student whose record is what this line would give.
fn student(id: i64, overrides: &[(&str, &str)]) -> Student {
    Student {
        id: StudentId(id),
        record: row(1, overrides).record,
        import_model: Some("APOGEE".to_owned()),
        last_execution_id: None,
    }
}

/// What the caller's bulk lookups would return for a base holding `students`.
fn base(students: &[Student]) -> Existing {
    let mut existing = Existing::default();
    for student in students {
        existing.add_by_ine(student.clone().into());
        existing.add_by_secondary_key(student.clone().into());
    }
    existing
}

/// A short, comparable form of an action: its kind, the student id, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Create,
    Update(i64),
    Unchanged(i64),
    Rejected(RowErrorKind, String),
}

fn outcome(action: &Action) -> Outcome {
    match action {
        Action::Create => Outcome::Create,
        Action::Update { id, .. } => Outcome::Update(id.0),
        Action::Unchanged(id) => Outcome::Unchanged(id.0),
        Action::Rejected(error) => Outcome::Rejected(error.kind, error.message.clone()),
    }
}

/// Plans `rows` against a base holding `students` and compares (line, outcome) pairs.
fn check(students: &[Student], rows: Vec<ParsedRow>, expected: &[(usize, Outcome)]) {
    let planned = plan(views(&rows), &base(students));
    let actual: Vec<(usize, Outcome)> = planned.iter().map(|p| (p.line, outcome(&p.action))).collect();
    assert_eq!(actual, expected.to_vec());
}

fn rejected(kind: RowErrorKind, message: &str) -> Outcome {
    Outcome::Rejected(kind, message.to_owned())
}

const NO_INE: (&str, &str) = ("COD_NNE", "");
const OTHER_INE: (&str, &str) = ("COD_NNE", "1234567891W");

fn mismatch(subject: &str) -> Outcome {
    rejected(
        RowErrorKind::SecondaryKeysMismatch,
        &format!(
            "Les clés secondaires (Patronyme, Prenom, DateNaiss et Nationalite) ne correspondent pas - dossier non traité {subject}"
        ),
    )
}

fn potential_duplicates(subject: &str) -> Outcome {
    rejected(
        RowErrorKind::PotentialDuplicates,
        &format!(
            "Doublons potentiels car plusieurs réponses selon les clés secondaires - dossier non traité {subject}"
        ),
    )
}

const FOR_INE: &str = "pour l'INE suivant : 1234567890V";

#[test]
fn an_unknown_student_is_created() {
    check(&[], vec![row(2, &[])], &[(2, Outcome::Create)]);
    check(&[], vec![row(2, &[NO_INE])], &[(2, Outcome::Create)]);
    let planned = plan([row(2, &[]).as_row()], &Existing::default());
    assert_eq!(planned[0].action, Action::Create);
}

#[test]
fn an_ine_found_once_with_equal_secondary_keys_is_updated() {
    let stored = student(7, &[("MAIL", "old@example.org")]);
    check(std::slice::from_ref(&stored), vec![row(2, &[])], &[(2, Outcome::Update(7))]);
    let planned = plan([row(2, &[])].iter().map(ParsedRow::as_row), &base(&[stored]));
    assert_eq!(planned[0].action, Action::Update { id: StudentId(7), record: Box::new(row(2, &[]).record) });
}

#[test]
fn secondary_keys_are_compared_after_normalisation() {
    let stored = student(7, &[("NOM", "Martin"), ("PRENOM1", "LEA"), ("MAIL", "old@example.org")]);
    check(&[stored], vec![row(2, &[("NOM", " martin "), ("PRENOM1", "Léa")])], &[(2, Outcome::Update(7))]);
}

#[test]
fn a_line_equal_to_the_stored_student_is_unchanged() {
    check(&[student(7, &[])], vec![row(2, &[])], &[(2, Outcome::Unchanged(7))]);
}

#[test]
fn an_ine_found_once_with_other_secondary_keys_is_a_mismatch() {
    for (column, value) in [("NOM", "DURAND"), ("PRENOM1", "Lucie"), ("DATENAI", "16/03/2004"), ("CODE_NATIO", "109")] {
        check(&[student(7, &[(column, value)])], vec![row(2, &[])], &[(2, mismatch(FOR_INE))]);
    }
}

#[test]
fn an_ine_found_more_than_once_is_multiple_ine() {
    let twins = [student(7, &[]), student(8, &[("NOM", "DURAND")])];
    check(
        &twins,
        vec![row(2, &[])],
        &[(2, rejected(RowErrorKind::MultipleIne, "Multiple code INE présent en base pour 1234567890V"))],
    );
}

#[test]
fn an_ine_absent_from_the_base_falls_back_on_secondary_keys_and_is_received() {
    let stored = student(7, &[NO_INE]);
    check(std::slice::from_ref(&stored), vec![row(2, &[])], &[(2, Outcome::Update(7))]);
    let Action::Update { record, .. } = &plan([row(2, &[])].iter().map(ParsedRow::as_row), &base(&[stored]))[0].action
    else {
        panic!("an update");
    };
    assert_eq!(record.cod_nne.as_ref().map(|ine| ine.as_str()), Some("1234567890V"));
}

#[test]
fn a_secondary_match_holding_another_ine_is_a_mismatch() {
    check(&[student(7, &[OTHER_INE])], vec![row(2, &[])], &[(2, mismatch(FOR_INE))]);
}

#[test]
fn a_line_without_ine_keeps_the_students_ine() {
    let stored = student(7, &[("MAIL", "old@example.org")]);
    let planned = plan([row(2, &[NO_INE])].iter().map(ParsedRow::as_row), &base(&[stored]));
    let Action::Update { id, record } = &planned[0].action else { panic!("an update: {planned:?}") };
    assert_eq!(*id, StudentId(7));
    assert_eq!(record.cod_nne.as_ref().map(|ine| ine.as_str()), Some("1234567890V"));
    check(&[student(7, &[])], vec![row(2, &[NO_INE])], &[(2, Outcome::Unchanged(7))]);
}

#[test]
fn several_secondary_matches_are_potential_duplicates() {
    let two = [student(7, &[NO_INE]), student(8, &[OTHER_INE])];
    check(&two, vec![row(2, &[])], &[(2, potential_duplicates(FOR_INE))]);
    check(&two, vec![row(12, &[NO_INE])], &[(12, potential_duplicates("pour la ligne 12"))]);
}

#[test]
fn an_ine_seen_on_an_earlier_line_is_a_duplicate_in_file() {
    let rows = vec![row(3, &[]), row(5, &[("NOM", "DURAND")]), row(12, &[])];
    let duplicate = |line: usize| {
        rejected(
            RowErrorKind::DuplicateInFile,
            &format!(
                "INE 1234567890V présent plusieurs fois dans le fichier (lignes 3 et {line}) - ligne {line} non traitée"
            ),
        )
    };
    check(&[], rows, &[(3, Outcome::Create), (5, duplicate(5)), (12, duplicate(12))]);
}

#[test]
fn an_ine_whose_first_line_was_rejected_by_matching_still_makes_a_duplicate() {
    let rows = vec![row(3, &[("NOM", "DURAND")]), row(12, &[])];
    let duplicate = "INE 1234567890V présent plusieurs fois dans le fichier (lignes 3 et 12) - ligne 12 non traitée";
    check(
        &[student(7, &[])],
        rows,
        &[(3, mismatch(FOR_INE)), (12, rejected(RowErrorKind::DuplicateInFile, duplicate))],
    );
}

#[test]
fn two_lines_without_ine_and_the_same_keys_make_the_later_one_ambiguous() {
    let rows = vec![row(3, &[NO_INE]), row(12, &[NO_INE, ("MAIL", "other@example.org")])];
    check(&[], rows, &[(3, Outcome::Create), (12, potential_duplicates("pour la ligne 12"))]);
}

#[test]
fn a_line_matching_a_student_another_line_already_writes_is_ambiguous() {
    // Line 3 updates student 7 through its INE; line 12 would update it again by its keys.
    let rows = vec![row(3, &[("MAIL", "new@example.org")]), row(12, &[NO_INE])];
    check(&[student(7, &[])], rows, &[(3, Outcome::Update(7)), (12, potential_duplicates("pour la ligne 12"))]);
    // Line 3 reaches student 7 by its keys; line 12 gives 7's INE.
    let rows = vec![row(3, &[NO_INE]), row(12, &[])];
    check(&[student(7, &[])], rows, &[(3, Outcome::Unchanged(7)), (12, potential_duplicates(FOR_INE))]);
    // Line 3 creates a student with INE A; line 12 has INE B and the same keys.
    let rows = vec![row(3, &[]), row(12, &[OTHER_INE])];
    check(&[], rows, &[(3, Outcome::Create), (12, potential_duplicates("pour l'INE suivant : 1234567891W"))]);
}

#[test]
fn students_found_by_their_own_ine_are_not_ambiguous_even_with_equal_keys() {
    let twins = [student(7, &[]), student(8, &[OTHER_INE])];
    let rows = vec![row(3, &[("MAIL", "a@example.org")]), row(12, &[OTHER_INE, ("MAIL", "b@example.org")])];
    check(&twins, rows, &[(3, Outcome::Update(7)), (12, Outcome::Update(8))]);
}

#[test]
fn an_update_writes_given_values_and_never_erases_with_an_empty_cell() {
    let stored = student(7, &[("MAIL", "old@example.org"), ("NOMUSAGE", "DUPONT"), ("COD_NNI", ""), ("CMP", "LET")]);
    let line = row(2, &[("MAIL", "new@example.org"), ("NOMUSAGE", ""), ("DAA_ETB", ""), ("TEM_AFFL_SSO", "")]);
    let Action::Update { record, .. } = plan([line].iter().map(ParsedRow::as_row), &base(&[stored]))[0].action.clone()
    else {
        panic!("an update");
    };
    assert_eq!(record.mail.as_deref(), Some("new@example.org"), "a given value replaces");
    assert_eq!(record.nomusage.as_deref(), Some("DUPONT"), "an empty cell keeps");
    assert_eq!(record.daa_etb, row(1, &[]).record.daa_etb, "an empty cell keeps");
    assert_eq!(record.tem_affl_sso, Some(true), "an empty cell keeps");
    assert!(record.cod_nni.is_some(), "a value the student lacked is received");
    assert_eq!(record.cmp, "SCI", "mandatory values are written");
}

#[test]
fn a_line_with_fewer_values_than_stored_is_unchanged() {
    let stored = student(7, &[]);
    let sparse = row(2, &[("MAIL", ""), ("ADR1", ""), ("COD_NNI", ""), ("IDENTIFIANT", "")]);
    check(&[stored], vec![sparse], &[(2, Outcome::Unchanged(7))]);
}

#[test]
fn lookups_ask_for_each_ine_and_each_key_once_in_line_order() {
    let rows = vec![row(2, &[OTHER_INE]), row(3, &[]), row(4, &[NO_INE]), row(5, &[OTHER_INE, ("NOM", "DURAND")])];
    let ines: Vec<String> = ines_of(&keys(&rows)).iter().map(|ine| ine.as_str().to_owned()).collect();
    assert_eq!(ines, ["1234567891W", "1234567890V"]);
    let keys: Vec<String> = secondary_keys_of(&views(&rows)).into_iter().map(|key| key.nom).collect();
    assert_eq!(keys, ["MARTIN", "DURAND"]);
}

#[test]
fn a_planner_driven_row_by_row_decides_like_plan() {
    let students = [student(7, &[("MAIL", "old@example.org")]), student(8, &[OTHER_INE, ("NOM", "DURAND")])];
    let rows = || vec![row(2, &[]), row(3, &[NO_INE]), row(4, &[OTHER_INE]), row(5, &[("NOM", "ZOLA"), NO_INE])];
    let existing = base(&students);
    let mut planner = Planner::new();
    let one_by_one: Vec<Planned> = rows().iter().map(|row| planner.plan_row(&row.as_row(), &existing)).collect();
    assert_eq!(one_by_one, plan(views(&rows()), &existing));
}

/// What the store's light look-up gives: no record, only the fingerprint.
fn light(existing: &Existing) -> Existing {
    let strip = |candidates: &Vec<Candidate>| -> Vec<Candidate> {
        candidates.iter().map(|c| Candidate { record: None, ..c.clone() }).collect()
    };
    Existing {
        by_ine: existing.by_ine.iter().map(|(k, v)| (*k, strip(v))).collect(),
        by_secondary_key: existing.by_secondary_key.iter().map(|(k, v)| (*k, strip(v))).collect(),
    }
}

#[test]
fn light_look_ups_plus_the_records_needed_decide_like_whole_records() {
    let students = [
        student(7, &[("MAIL", "old@example.org")]),
        student(8, &[OTHER_INE, ("NOM", "DURAND")]),
        student(9, &[NO_INE, ("NOM", "ZOLA")]),
        student(10, &[NO_INE, ("NOM", "HUGO"), ("ADR2", "Bâtiment B")]),
    ];
    let rows = || {
        vec![
            row(2, &[]),
            row(3, &[OTHER_INE, ("NOM", "DURAND")]),
            row(4, &[NO_INE, ("NOM", "ZOLA"), ("TELEPH", "0102030405")]),
            row(5, &[NO_INE, ("NOM", "HUGO")]),
            row(6, &[NO_INE, ("NOM", "ZOLA")]),
            row(7, &[("NOM", "NOUVEAU"), ("COD_NNE", "1234567892X")]),
        ]
    };
    let whole = base(&students);
    let mut looked_up = light(&whole);
    let needed = records_needed(&keys(&rows()), &[None; 6], &looked_up);
    // Student 8 is equal to its line and student 10's line says nothing new, yet 10 differs
    // from its line (the line lacks the address): only the differing ones are fetched.
    assert_eq!(needed, [StudentId(7), StudentId(9), StudentId(10)]);
    looked_up.add_records(students.iter().filter(|s| needed.contains(&s.id)).cloned());
    assert_eq!(plan(views(&rows()), &looked_up), plan(views(&rows()), &whole));
    let outcomes: Vec<Outcome> = plan(views(&rows()), &looked_up).iter().map(|p| outcome(&p.action)).collect();
    assert_eq!(outcomes[..4], [Outcome::Update(7), Outcome::Unchanged(8), Outcome::Update(9), Outcome::Unchanged(10)]);
}

/// The import skips every look-up when the base held no student at its start
/// (`ImportSession::started_empty`): the only students a look-up could then find are those the
/// earlier slices of the same file wrote, and the planner already settles every line that
/// reaches one of them.
#[test]
fn on_an_empty_base_later_slices_need_no_look_up_of_what_earlier_slices_wrote() {
    let first_slice = || vec![row(2, &[]), row(3, &[OTHER_INE, ("NOM", "DURAND")]), row(4, &[NO_INE, ("NOM", "ZOLA")])];
    let second_slice = || {
        vec![
            row(5, &[]),                                              // INE of line 2
            row(6, &[("COD_NNE", "1234567892X"), ("NOM", "DURAND")]), // keys of line 3, another INE
            row(7, &[NO_INE, ("NOM", "ZOLA")]),                       // keys of line 4, no INE
            row(8, &[NO_INE, ("NOM", "DURAND")]),                     // keys of line 3, no INE
            row(9, &[("NOM", "NOUVEAU"), ("COD_NNE", "1234567893Y")]),
        ]
    };
    let mut without_look_ups = Planner::new();
    let mut with_look_ups = Planner::new();
    let mut written = Vec::new();
    for (id, row) in (1..).zip(first_slice()) {
        let planned = without_look_ups.plan_row(&row.as_row(), &Existing::default());
        assert_eq!(planned, with_look_ups.plan_row(&row.as_row(), &Existing::default()));
        if let Action::Create = planned.action {
            written.push(Student {
                id: StudentId(id),
                record: row.record,
                import_model: None,
                last_execution_id: None,
            });
        }
    }
    assert_eq!(written.len(), 3);
    let found_by_look_ups = base(&written);
    let decided: Vec<Planned> =
        second_slice().iter().map(|row| without_look_ups.plan_row(&row.as_row(), &Existing::default())).collect();
    let expected: Vec<Planned> =
        second_slice().iter().map(|row| with_look_ups.plan_row(&row.as_row(), &found_by_look_ups)).collect();
    assert_eq!(decided, expected);
    let outcomes: Vec<Outcome> = decided.iter().map(|p| outcome(&p.action)).collect();
    assert!(matches!(outcomes[0], Outcome::Rejected(RowErrorKind::DuplicateInFile, _)));
    assert!(matches!(outcomes[1], Outcome::Rejected(RowErrorKind::PotentialDuplicates, _)));
    assert!(matches!(outcomes[2], Outcome::Rejected(RowErrorKind::PotentialDuplicates, _)));
    assert!(matches!(outcomes[3], Outcome::Rejected(RowErrorKind::PotentialDuplicates, _)));
    assert_eq!(outcomes[4], Outcome::Create);
}

/// What the caller's look-ups return for `rows` when the planner knows the base's INEs: only
/// what [`ines_to_look_up`] and [`keys_to_look_up`] ask for, with the records they need.
fn looked_up(students: &[Student], rows: &[ParsedRow], known: &KnownInes) -> Existing {
    let everything = base(students);
    let row_keys = keys(rows);
    let statuses = known.statuses(&row_keys);
    let mut existing = Existing::default();
    for ine in ines_to_look_up(&row_keys, &statuses) {
        let ine = Ine::parse(ine).unwrap();
        if let Some(found) = everything.by_ine.get(&ine) {
            existing.by_ine.insert(ine, found.clone());
        }
    }
    for index in keys_to_look_up(&row_keys, &statuses, &existing) {
        let key = rows[index].record.secondary_key().digest();
        if let Some(found) = everything.by_secondary_key.get(&key) {
            existing.by_secondary_key.insert(key, found.clone());
        }
    }
    existing
}

fn known_ines(students: &[Student]) -> KnownInes {
    KnownInes::new(
        students
            .iter()
            .filter_map(|student| {
                let ine = student.record.cod_nne.as_ref()?;
                let fingerprint = Some(Fingerprint::of(&student.record));
                Some(calcium_store::KnownIne { ine: ine.packed(), id: student.id, fingerprint })
            })
            .collect(),
    )
}

#[test]
fn the_known_ines_settle_unchanged_lines_and_change_no_decision() {
    let twice = ("COD_NNE", "1234567893Y");
    let students = [
        student(1, &[]),                                                 // unchanged below
        student(2, &[OTHER_INE, ("NOM", "DURAND")]),                     // changed below
        student(3, &[twice, ("NOM", "MULTIPLE")]),                       // two holders of one INE
        student(4, &[twice, ("NOM", "MULTIPLE"), ("PRENOM1", "Autre")]), //
        student(5, &[NO_INE, ("NOM", "ZOLA")]),                          // found by its keys
        student(6, &[("COD_NNE", "1234567894Z"), ("NOM", "GARNIER")]),   // unchanged, then claimed
    ];
    let rows = || {
        vec![
            row(2, &[]),
            row(3, &[OTHER_INE, ("NOM", "DURAND"), ("MAIL", "durand@exemple.fr")]),
            row(4, &[twice, ("NOM", "MULTIPLE")]),
            row(5, &[NO_INE, ("NOM", "ZOLA")]),
            row(6, &[NO_INE, ("NOM", "GARNIER")]),
            row(7, &[("COD_NNE", "1234567894Z"), ("NOM", "GARNIER")]),
            row(8, &[]),
            row(9, &[("COD_NNE", "1234567895A"), ("NOM", "NOUVEAU")]),
        ]
    };
    let expected = plan(views(&rows()), &base(&students));
    let known = known_ines(&students);
    assert_eq!(known.len(), 5);
    let settled: Vec<usize> = rows()
        .iter()
        .filter(|row| {
            row.record
                .cod_nne
                .as_ref()
                .is_some_and(|ine| matches!(known.status(ine, row.fingerprint), InBase::Unchanged(_)))
        })
        .map(|row| row.line)
        .collect();
    assert_eq!(settled, [2, 7, 8], "the lines equal to a stored student holding their INE alone");

    let existing = looked_up(&students, &rows(), &known);
    let settled_ine = Ine::parse("1234567890V").unwrap();
    assert!(!existing.by_ine.contains_key(&settled_ine), "no look-up for what the known INEs settle");
    let mut planner = Planner::new().knowing(known);
    let decided: Vec<Planned> = rows().iter().map(|row| planner.plan_row(&row.as_row(), &existing)).collect();
    assert_eq!(decided, expected);
    let outcomes: Vec<Outcome> = decided.iter().map(|p| outcome(&p.action)).collect();
    assert_eq!(outcomes[0], Outcome::Unchanged(1));
    assert_eq!(outcomes[1], Outcome::Update(2));
    assert!(matches!(outcomes[2], Outcome::Rejected(RowErrorKind::MultipleIne, _)));
    assert_eq!(outcomes[3], Outcome::Unchanged(5));
    assert_eq!(outcomes[4], Outcome::Unchanged(6), "GARNIER found by its keys, INE kept");
    assert!(matches!(outcomes[5], Outcome::Rejected(RowErrorKind::PotentialDuplicates, _)), "{:?}", outcomes[5]);
    assert!(matches!(outcomes[6], Outcome::Rejected(RowErrorKind::DuplicateInFile, _)));
    assert_eq!(outcomes[7], Outcome::Create);
}

#[test]
fn a_student_found_unchanged_field_by_field_gets_its_fingerprint_stored_afresh() {
    let stored = student(1, &[("MAIL", "zoe@exemple.fr")]);
    let stale = |fingerprint| {
        let mut existing = base(std::slice::from_ref(&stored));
        for candidate in existing.by_ine.values_mut().chain(existing.by_secondary_key.values_mut()).flatten() {
            candidate.fingerprint = fingerprint;
        }
        existing
    };
    let right = Fingerprint::of(&stored.record);
    for (fingerprint, line) in [
        (None, row(2, &[("MAIL", "zoe@exemple.fr")])),
        (Some(Fingerprint(42)), row(2, &[("MAIL", "zoe@exemple.fr")])),
        // An empty cell erases nothing: the stored record's own fingerprint is the one kept.
        (Some(Fingerprint(42)), row(2, &[("MAIL", "")])),
    ] {
        let mut planner = Planner::new();
        let planned = planner.plan_row(&line.as_row(), &stale(fingerprint));
        assert_eq!(outcome(&planned.action), Outcome::Unchanged(1));
        assert_eq!(planner.take_refreshes(), [(StudentId(1), right)]);
        assert!(planner.take_refreshes().is_empty(), "taken once");
    }
    let mut planner = Planner::new();
    let planned = planner.plan_row(&row(2, &[("MAIL", "")]).as_row(), &stale(Some(right)));
    assert_eq!(outcome(&planned.action), Outcome::Unchanged(1));
    assert!(planner.take_refreshes().is_empty(), "a right fingerprint stays");
}

//! A file of a few thousand generated lines, end to end through the pure pipeline: parsed,
//! planned against an empty base (everything created), then planned again against a base that
//! holds what the first run created — the second run must create nothing and update nothing
//! (SPEC §4.5). Sized like a unit test; `examples/parse_timing.rs` measures the large runs.

use std::collections::HashSet;

use calcium_core::normalize::SecondaryKey;
use calcium_core::student::{FormatVersion, Ine, Student, StudentId};
use calcium_import::{
    Action, Existing, Nomenclatures, ParseOptions, ParsedRow, Row, ines_of, parse_file, plan, secondary_keys_of,
};

const LINES: u64 = 5_000;

/// A Windows-1252 file of `LINES` distinct students; every 7th line has no INE.
fn generated_file() -> Vec<u8> {
    let noms = ["LEFÈVRE", "CŒURDEROY", "N’DIAYE", "GARÇON"];
    let mut text = FormatVersion::CURRENT.header_line() + "\r\n";
    for i in 0..LINES {
        let ine = if i % 7 == 0 { String::new() } else { Ine::bea_from_digits(i).to_string() };
        let nom = format!("{} {i}", noms[(i % 4) as usize]);
        let adr2 = if i % 3 == 0 { "" } else { "Bâtiment B" };
        text += &format!(
            "2026;{ine};;;{nom};;Zoé;;;F;{:02}/03/2001;100;;;;;;;1 rue Réaumur;{adr2};;21000;DIJON;100;;;;;;;;;;;0999001A;SCI;;;;;;;;;;\r\n",
            1 + i % 28
        );
    }
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

/// What the caller's bulk lookups return for a base holding `students`, restricted to the
/// INEs and keys asked for.
fn lookups(students: &[Student], ines: &[Ine], keys: &[SecondaryKey]) -> Existing {
    let ines: HashSet<&Ine> = ines.iter().collect();
    let keys: HashSet<&SecondaryKey> = keys.iter().collect();
    let mut existing = Existing::default();
    for student in students {
        if student.record.cod_nne.as_ref().is_some_and(|ine| ines.contains(ine)) {
            existing.add_by_ine(student.clone().into());
        }
        if keys.contains(&student.record.secondary_key()) {
            existing.add_by_secondary_key(student.clone().into());
        }
    }
    existing
}

#[test]
fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let bytes = generated_file();
    let options = ParseOptions {
        nomenclatures: Nomenclatures::reference(),
        ..ParseOptions::new(jiff::civil::date(2026, 11, 28))
    };
    let parsed = parse_file(&bytes, &options).unwrap();
    assert_eq!((parsed.rows.len(), parsed.rejected.len(), parsed.warnings.len()), (LINES as usize, 0, 0));
    assert_eq!(parsed.rows[1].record.nom, "CŒURDEROY 1");

    let rows: Vec<Row<'_>> = parsed.rows.iter().map(ParsedRow::as_row).collect();
    let first = plan(rows.clone(), &Existing::default());
    let created: Vec<Student> = first
        .into_iter()
        .zip(&parsed.rows)
        .enumerate()
        .map(|(n, (planned, row))| match planned.action {
            Action::Create => Student {
                id: StudentId(n as i64),
                record: row.record.clone(),
                import_model: Some("APOGEE".to_owned()),
                last_execution_id: None,
            },
            other => panic!("line {}: {other:?}", planned.line),
        })
        .collect();

    let ines = ines_of(&rows.iter().map(Row::keys).collect::<Vec<_>>());
    let keys = secondary_keys_of(&rows);
    let existing = lookups(&created, &ines, &keys);
    let second = plan(rows, &existing);
    let changed: Vec<_> = second.iter().filter(|p| !matches!(p.action, Action::Unchanged(_))).collect();
    assert!(changed.is_empty(), "{changed:?}");
}

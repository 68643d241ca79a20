//! Properties of `parse_file` on generated input: it never panics, every data line is either
//! accepted or rejected exactly once, a rejected line's raw bytes are exactly that line's bytes
//! in the input, and the plan of the accepted rows never panics either.

use calcium_core::student::FormatVersion;
use calcium_import::{Existing, Nomenclatures, ParseOptions, parse_file, plan};
use proptest::prelude::*;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn options() -> ParseOptions {
    ParseOptions { nomenclatures: Nomenclatures::reference(), ..ParseOptions::new(jiff::civil::date(2026, 11, 28)) }
}

/// Line `number` (1-based) of the input, cut by hand: LF-separated, one trailing CR removed,
/// the BOM not part of line 1.
fn nth_line(input: &[u8], number: usize) -> &[u8] {
    let body = input.strip_prefix(BOM).unwrap_or(input);
    let line = body.split(|&b| b == b'\n').nth(number - 1).expect("the line exists");
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The checks shared by both properties.
fn check_invariants(input: &[u8]) {
    let Ok(parsed) = parse_file(input, &options()) else { return };
    assert_eq!(parsed.header_raw, nth_line(input, parsed.header_line));
    assert_eq!(parsed.rows.len() + parsed.rejected.len(), parsed.data_lines());
    for rejected in &parsed.rejected {
        assert_eq!(rejected.raw, nth_line(input, rejected.error.line), "line {}", rejected.error.line);
        assert_eq!(parsed.raw_line(rejected.error.line), Some(&rejected.raw[..]));
    }
    let mut numbers: Vec<usize> = parsed.rows.iter().map(|row| row.line).collect();
    numbers.extend(parsed.rejected.iter().map(|r| r.error.line));
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), parsed.data_lines(), "each line is judged once");
    assert!(numbers.iter().all(|&n| n > parsed.header_line));

    let planned = plan(parsed.rows.iter().map(calcium_import::ParsedRow::as_row), &Existing::default());
    assert_eq!(
        planned.iter().map(|p| p.line).collect::<Vec<_>>(),
        parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>()
    );
}

/// A valid line, as bytes, cut into its cells.
fn valid_cells() -> Vec<Vec<u8>> {
    let line = "2026;1234567890V;295109912611193;21901234;MARTIN;;LEA;;;F;15/03/2004;100;1;;;O;601;;12 rue des Lilas;;;21000;DIJON;100;0601020304;lea@example.org;;;;;;;;;0999001A;SCI;L;1;LICENCE;;S;2022;0210012A;2022;2022;lmartin";
    line.split(';').map(|cell| cell.as_bytes().to_vec()).collect()
}

/// Cells that stress the parser: empties, blanks, bad values, non-ASCII bytes, separators and
/// line-ending bytes inside a cell.
fn odd_cell() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"".to_vec()),
        Just(b"  ".to_vec()),
        Just(b"X".to_vec()),
        Just(b"31/02/2004".to_vec()),
        Just(b"1234567890A".to_vec()),
        Just(b"C\x9Cur \xE9t\xE9".to_vec()),
        Just("Cœur".as_bytes().to_vec()),
        Just(b"a;b".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\"q\"".to_vec()),
        Just(BOM.to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ]
}

/// A data line: a valid one with a few odd cells, or arbitrary bytes (no newline).
fn data_line() -> impl Strategy<Value = Vec<u8>> {
    let edited = prop::collection::vec((0usize..46, odd_cell()), 0..4).prop_map(|edits| {
        let mut cells = valid_cells();
        for (index, value) in edits {
            cells[index] = value;
        }
        cells.join(&b';')
    });
    let noise = prop::collection::vec(any::<u8>().prop_filter("no newline", |&b| b != b'\n'), 0..60);
    prop_oneof![4 => edited, 1 => noise, 1 => Just(b"   ".to_vec()), 1 => Just(Vec::new())]
}

/// A whole file: optional BOM, a header of a known version, data lines, mixed line endings,
/// with or without a final newline.
fn structured_file() -> impl Strategy<Value = Vec<u8>> {
    let version = prop_oneof![Just(FormatVersion::Base), Just(FormatVersion::V1_2_0), Just(FormatVersion::V1_2_1)];
    (any::<bool>(), version, prop::collection::vec((data_line(), any::<bool>()), 0..12), any::<bool>()).prop_map(
        |(bom, version, lines, final_newline)| {
            let mut out = if bom { BOM.to_vec() } else { Vec::new() };
            out.extend_from_slice(version.header_line().as_bytes());
            out.extend_from_slice(b"\r\n");
            let count = lines.len();
            for (index, (line, crlf)) in lines.into_iter().enumerate() {
                // Old-version files get the current width cut down, so most lines fit.
                let cells: Vec<&[u8]> = line.split(|&b| b == b';').collect();
                let line = if cells.len() == 46 { cells[..version.column_count()].join(&b';') } else { line };
                out.extend_from_slice(&line);
                if index + 1 < count || final_newline {
                    out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
            }
            out
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..400)) {
        check_invariants(&input);
    }

    #[test]
    fn generated_files_keep_every_rejected_line_byte_for_byte(input in structured_file()) {
        check_invariants(&input);
        prop_assert!(parse_file(&input, &options()).is_ok(), "the header is valid");
    }
}

//! Tests of a whole file: encodings, line endings, blank lines, header errors, and the raw
//! bytes kept for `erreurFile`.

use calcium_core::student::FormatVersion;

use super::*;
use crate::row::RowErrorKind;
use crate::test_support::{line, options};

fn header() -> String {
    FormatVersion::CURRENT.header_line()
}

/// Joins lines with `ending`, with a final newline.
fn file(lines: &[&str], ending: &str) -> Vec<u8> {
    lines.iter().flat_map(|line| [*line, ending]).collect::<String>().into_bytes()
}

/// The text as a Windows-1252 file holds it.
fn latin1(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

/// Parses and summarises: (accepted line numbers, rejected (line, kind)).
fn check(input: &[u8], expected: (Vec<usize>, Vec<(usize, RowErrorKind)>)) {
    let parsed = parse_file(input, &options()).unwrap();
    let accepted: Vec<usize> = parsed.rows.iter().map(|row| row.line).collect();
    let rejected: Vec<(usize, RowErrorKind)> = parsed.rejected.iter().map(|r| (r.error.line, r.error.kind)).collect();
    assert_eq!((accepted, rejected), expected);
}

#[test]
fn lf_and_crlf_files_give_the_same_rows() {
    let (h, ok, bad) = (header(), line(&[]), line(&[("SEXE", "X"), ("COD_NNE", "1234567891W")]));
    for ending in ["\n", "\r\n"] {
        check(&file(&[&h, &ok, &bad], ending), (vec![2], vec![(3, RowErrorKind::InvalidField)]));
    }
    let (lf, crlf) = (file(&[&h, &ok], "\n"), file(&[&h, &ok], "\r\n"));
    let lf = parse_file(&lf, &options()).unwrap();
    let crlf = parse_file(&crlf, &options()).unwrap();
    assert_eq!(lf.rows, crlf.rows);
    assert_eq!((lf.line_ending, crlf.line_ending), (LineEnding::Lf, LineEnding::CrLf));
}

#[test]
fn blank_lines_are_skipped_and_still_numbered() {
    let (h, ok) = (header(), line(&[]));
    let other = line(&[("COD_NNE", "1234567891W")]);
    let input = file(&["", &h, "   ", &ok, "", "\t", &other, ""], "\r\n");
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.header_line, 2);
    assert_eq!(parsed.rows.iter().map(|row| row.line).collect::<Vec<_>>(), [4, 7]);
    assert_eq!(parsed.data_lines(), 2);
}

#[test]
fn a_last_line_without_newline_is_read() {
    let input = format!("{}\n{}", header(), line(&[]));
    check(input.as_bytes(), (vec![2], vec![]));
}

#[test]
fn an_empty_or_blank_file_has_no_header() {
    for input in [&b""[..], b"\n\r\n  \n", b"\xEF\xBB\xBF"] {
        let error = parse_file(input, &options()).unwrap_err();
        assert_eq!(error, FileError::Empty);
        assert_eq!(error.kind(), "HEADER_COLUMN_COUNT");
    }
}

#[test]
fn a_bad_header_refuses_the_whole_file() {
    let input = file(&["COD_ANU;COD_NNE", &line(&[])], "\n");
    assert_eq!(parse_file(&input, &options()).unwrap_err(), FileError::HeaderColumnCount { found: 2 });
    let input = file(&[&header().replace("NOM;", "NAME;"), &line(&[])], "\n");
    assert_eq!(
        parse_file(&input, &options()).unwrap_err().to_string(),
        "Erreur de cohérence dans le fichier d'import : colonne 5 doit être égale à NOM"
    );
}

#[test]
fn windows_1252_bytes_are_decoded_with_oe_and_accents() {
    let mut input = latin1(&header());
    input.extend_from_slice(b"\r\n");
    input.extend(latin1(&line(&[("NOM", "Cœur"), ("PRENOM1", "Léa")])));
    // 0x9C is œ in Windows-1252 (a C1 control in strict ISO-8859-1), 0xE9 is é.
    assert!(input.contains(&0x9C) && input.contains(&0xE9));
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.encoding, Encoding::Windows1252);
    let record = &parsed.rows[0].record;
    assert_eq!((record.nom.as_str(), record.prenom1.as_str()), ("Cœur", "Léa"));
}

#[test]
fn a_utf8_file_is_read_as_utf8_and_says_so() {
    let input = file(&[&header(), &line(&[("NOM", "CŒUR")])], "\n");
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.encoding, Encoding::Utf8);
    assert_eq!(parsed.rows[0].record.prenom1, "Léa");
    assert_eq!(parsed.rows[0].record.nom, "CŒUR");
    assert!(parsed.encoding.warning().is_some());
}

#[test]
fn a_bom_is_read_as_utf8_and_kept_out_of_the_header() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend(file(&[&header(), &line(&[])], "\r\n"));
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.encoding, Encoding::Utf8Bom);
    assert_eq!(parsed.header_raw, header().as_bytes());
    assert_eq!(parsed.rows.len(), 1);
}

#[test]
fn rejected_lines_keep_their_bytes_and_the_error_file_rebuilds_them() {
    let bad1 = b"2026;\xE9;garbage".to_vec();
    let bad2 = latin1(&line(&[("DATENAI", "31/02/2004"), ("NOM", "LÉON ")]));
    let mut input = Vec::new();
    for part in [header().as_bytes(), b"\r\n", &bad1, b"\r\n", &latin1(&line(&[])), b"\r\n", &bad2] {
        input.extend_from_slice(part);
    }
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.rejected.len(), 2);
    assert_eq!(parsed.rejected[0].raw, &bad1[..]);
    assert_eq!(parsed.rejected[1].raw, &bad2[..]);
    assert_eq!(parsed.raw_line(3), Some(&latin1(&line(&[]))[..]));
    assert_eq!(parsed.raw_line(1), None, "the header is not a data line");

    let lines = parsed.rejected.iter().map(|r| r.error.line);
    let mut expected = Vec::new();
    for part in [header().as_bytes(), b"\r\n", &bad1, b"\r\n", &bad2, b"\r\n"] {
        expected.extend_from_slice(part);
    }
    assert_eq!(parsed.error_file(lines), expected);
}

#[test]
fn the_error_file_of_a_bom_file_starts_with_the_bom() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend(file(&[&header(), "x;y"], "\n"));
    let parsed = parse_file(&input, &options()).unwrap();
    let expected = [b"\xEF\xBB\xBF".as_slice(), header().as_bytes(), b"\nx;y\n"].concat();
    assert_eq!(parsed.error_file([2, 2, 99]), expected);
}

#[test]
fn warnings_of_all_rows_are_gathered_in_line_order() {
    let input = file(
        &[&header(), &line(&[("CODE_NATIO", "999")]), &line(&[("COD_NNE", "1234567891W"), ("PAYS", "998")])],
        "\n",
    );
    let parsed = parse_file(&input, &options()).unwrap();
    let lines: Vec<(usize, &str)> = parsed.warnings.iter().map(|w| (w.line, w.column)).collect();
    assert_eq!(lines, [(2, "CODE_NATIO"), (3, "PAYS")]);
}

#[test]
fn older_header_versions_read_lines_of_their_width() {
    use crate::test_support::line_of;
    let input = file(&[&FormatVersion::Base.header_line(), &line_of(FormatVersion::Base, &[]), &line(&[])], "\n");
    let parsed = parse_file(&input, &options()).unwrap();
    assert_eq!(parsed.version, FormatVersion::Base);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rejected[0].error.message, "Nombre de colonnes incorrect à la ligne 3 : 46 au lieu de 43");
}

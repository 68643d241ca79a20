//! From the file's raw bytes to numbered, decoded lines (SPEC §4.1): the encoding is detected
//! once for the whole file, lines end with LF or CRLF, blank lines are skipped but still count
//! in the numbering, and each line keeps its raw bytes so a rejected line can be written back
//! byte for byte.
//!
//! This module must not split fields or judge values: it only cuts lines and decodes them.

use std::borrow::Cow;

use crate::messages;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The expected ISO-8859-1, read as its superset Windows-1252 so that œ, Œ, €, ’ come through.
    Windows1252,
    /// Valid UTF-8 with non-ASCII characters, no BOM.
    Utf8,
    /// Starts with a UTF-8 byte order mark.
    Utf8Bom,
}

impl Encoding {
    /// Detects the encoding of a whole file. A pure-ASCII file is the expected ISO-8859-1: both
    /// readings agree, and saying "UTF-8" would raise a false alarm.
    pub fn detect(bytes: &[u8]) -> Encoding {
        if bytes.starts_with(BOM) {
            Encoding::Utf8Bom
        } else if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            Encoding::Utf8
        } else {
            Encoding::Windows1252
        }
    }

    /// The French label for the log, e.g. `ISO-8859-1 (lu comme Windows-1252)`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Windows1252 => messages::ENCODING_WINDOWS_1252,
            Encoding::Utf8 => messages::ENCODING_UTF8,
            Encoding::Utf8Bom => messages::ENCODING_UTF8_BOM,
        }
    }

    /// A stable machine name, for the JSON report.
    pub fn code(self) -> &'static str {
        match self {
            Encoding::Windows1252 => "windows-1252",
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
        }
    }

    /// The warning the log carries when the file is not in the expected encoding.
    pub fn warning(self) -> Option<String> {
        match self {
            Encoding::Windows1252 => None,
            Encoding::Utf8 | Encoding::Utf8Bom => Some(messages::encoding_not_iso(self.label())),
        }
    }

    /// The bytes a file in this encoding starts with (the BOM), to put back at the head of
    /// `erreurFile` so it reads the same way as the input.
    pub fn preamble(self) -> &'static [u8] {
        match self {
            Encoding::Utf8Bom => BOM,
            Encoding::Windows1252 | Encoding::Utf8 => b"",
        }
    }

    /// Decodes one line. Borrows when the bytes are already the text (ASCII, or valid UTF-8),
    /// which is the common case: no allocation per line.
    pub fn decode(self, raw: &[u8]) -> Cow<'_, str> {
        let encoding = match self {
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
        };
        encoding.decode_without_bom_handling(raw).0
    }
}

/// How a line ended in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
        }
    }
}

/// One non-blank line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number in the file; blank lines count.
    pub number: usize,
    /// The bytes as read, without the line ending (and without the BOM on line 1).
    pub raw: &'a [u8],
    /// How the line ended; `None` for a last line without newline.
    pub ending: Option<LineEnding>,
    /// The decoded text.
    pub text: Cow<'a, str>,
}

/// Detects the encoding and returns the non-blank lines, lazily, in file order.
pub fn lines(bytes: &[u8]) -> (Encoding, Lines<'_>) {
    let encoding = Encoding::detect(bytes);
    let rest = bytes.strip_prefix(encoding.preamble()).unwrap_or(bytes);
    (encoding, Lines { rest, number: 0, encoding })
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a [u8],
    /// Number of the last line cut.
    number: usize,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Cuts the next line, blank or not.
    fn cut(&mut self) -> Option<(&'a [u8], Option<LineEnding>)> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let (line, ending) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(end) => {
                let line = &self.rest[..end];
                self.rest = &self.rest[end + 1..];
                match line.strip_suffix(b"\r") {
                    Some(line) => (line, Some(LineEnding::CrLf)),
                    None => (line, Some(LineEnding::Lf)),
                }
            }
            // A last line without newline: a trailing CR is still a line ending, not data.
            None => {
                let line = std::mem::take(&mut self.rest);
                (line.strip_suffix(b"\r").unwrap_or(line), None)
            }
        };
        Some((line, ending))
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        loop {
            let (raw, ending) = self.cut()?;
            // Cheap test first: most lines are neither empty nor all ASCII blanks.
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = self.encoding.decode(raw);
            if text.trim().is_empty() {
                continue;
            }
            return Some(Line { number: self.number, raw, ending, text });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, raw, text) of each line yielded.
    fn check(input: &[u8], expected_encoding: Encoding, expected: &[(usize, &[u8], &str)]) {
        let (encoding, lines) = lines(input);
        assert_eq!(encoding, expected_encoding);
        let actual: Vec<(usize, Vec<u8>, String)> =
            lines.map(|line| (line.number, line.raw.to_vec(), line.text.into_owned())).collect();
        let expected: Vec<(usize, Vec<u8>, String)> =
            expected.iter().map(|&(n, raw, text)| (n, raw.to_vec(), text.to_owned())).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn lf_and_crlf_lines_are_cut_without_their_ending() {
        check(b"a;b\nc;d\n", Encoding::Windows1252, &[(1, b"a;b", "a;b"), (2, b"c;d", "c;d")]);
        check(b"a;b\r\nc;d\r\n", Encoding::Windows1252, &[(1, b"a;b", "a;b"), (2, b"c;d", "c;d")]);
        check(b"a\r\nb\nc", Encoding::Windows1252, &[(1, b"a", "a"), (2, b"b", "b"), (3, b"c", "c")]);
    }

    #[test]
    fn a_final_line_without_newline_counts() {
        check(b"h\nlast", Encoding::Windows1252, &[(1, b"h", "h"), (2, b"last", "last")]);
        check(b"h\nlast\r", Encoding::Windows1252, &[(1, b"h", "h"), (2, b"last", "last")]);
    }

    #[test]
    fn blank_lines_are_skipped_but_numbered() {
        check(b"h\n\n  \t\r\n\r\nx\n \n", Encoding::Windows1252, &[(1, b"h", "h"), (5, b"x", "x")]);
        check(b"", Encoding::Windows1252, &[]);
        check(b"\n\n", Encoding::Windows1252, &[]);
    }

    #[test]
    fn a_lone_carriage_return_stays_inside_the_line() {
        check(b"a\rb\n", Encoding::Windows1252, &[(1, b"a\rb", "a\rb")]);
    }

    #[test]
    fn a_bom_means_utf8_and_is_not_part_of_the_first_line() {
        check(b"\xEF\xBB\xBFh\nC\xC5\x93ur\n", Encoding::Utf8Bom, &[(1, b"h", "h"), (2, b"C\xC5\x93ur", "Cœur")]);
    }

    #[test]
    fn valid_utf8_with_non_ascii_bytes_is_read_as_utf8() {
        check(b"h\nH\xC3\xA9l\xC3\xA8ne\n", Encoding::Utf8, &[(1, b"h", "h"), (2, b"H\xC3\xA9l\xC3\xA8ne", "Hélène")]);
    }

    #[test]
    fn other_bytes_are_windows_1252() {
        check(
            b"h\nC\x9Cur;\xE9t\xE9;\x80;l\x92a\n",
            Encoding::Windows1252,
            &[(1, b"h", "h"), (2, b"C\x9Cur;\xE9t\xE9;\x80;l\x92a", "Cœur;été;€;l’a")],
        );
        // One invalid UTF-8 sequence anywhere makes the whole file Windows-1252.
        check(b"\xC3\xA9\n\xE9\n", Encoding::Windows1252, &[(1, b"\xC3\xA9", "Ã©"), (2, b"\xE9", "é")]);
    }

    #[test]
    fn a_pure_ascii_file_is_the_expected_encoding() {
        assert_eq!(Encoding::detect(b"COD_ANU;NOM\n2026;MARTIN\n"), Encoding::Windows1252);
    }

    #[test]
    fn labels_and_warnings_speak_french() {
        assert_eq!(Encoding::Windows1252.label(), "ISO-8859-1 (lu comme Windows-1252)");
        assert_eq!(Encoding::Utf8Bom.label(), "UTF-8 (avec BOM)");
        assert_eq!(Encoding::Windows1252.warning(), None);
        assert_eq!(
            Encoding::Utf8.warning().as_deref(),
            Some(
                "Attention : le fichier d'import est encodé en UTF-8 et non en ISO-8859-1 comme attendu ; il a été lu en UTF-8. Vérifiez l'encodage du fichier."
            )
        );
    }

    #[test]
    fn line_endings_are_reported() {
        let (_, lines) = lines(b"a\r\nb\nc");
        let endings: Vec<_> = lines.map(|line| line.ending).collect();
        assert_eq!(endings, [Some(LineEnding::CrLf), Some(LineEnding::Lf), None]);
    }
}

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
        let mut sniffer = EncodingSniffer::default();
        sniffer.feed(bytes);
        sniffer.finish()
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
        self.encoding_rs().decode_without_bom_handling(raw).0
    }

    /// [`Encoding::decode`] into `buffer` when the bytes are not already the text: a reader
    /// decodes every line into the same buffer instead of allocating one per accented line.
    pub fn decode_into<'a>(self, raw: &'a [u8], buffer: &'a mut String) -> &'a str {
        let as_it_is = match self {
            Encoding::Windows1252 => raw.is_ascii(),
            Encoding::Utf8 | Encoding::Utf8Bom => true,
        };
        if as_it_is && let Ok(text) = std::str::from_utf8(raw) {
            return text;
        }
        let mut decoder = self.encoding_rs().new_decoder_without_bom_handling();
        buffer.clear();
        buffer.reserve(decoder.max_utf8_buffer_length(raw.len()).unwrap_or(raw.len() * 3));
        let _ = decoder.decode_to_string(raw, buffer, true);
        buffer
    }

    fn encoding_rs(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
        }
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

/// Detects the encoding of a file read piece by piece, so a large file is never held whole:
/// the same answer as reading it at once, whatever the pieces' sizes.
#[derive(Debug, Clone)]
pub struct EncodingSniffer {
    /// The first bytes, until there are enough to look for the BOM.
    head: Vec<u8>,
    bom: Option<bool>,
    ascii: bool,
    utf8: bool,
    /// The start of a UTF-8 sequence cut by the end of the previous piece.
    pending: Vec<u8>,
}

impl Default for EncodingSniffer {
    fn default() -> EncodingSniffer {
        EncodingSniffer { head: Vec::new(), bom: None, ascii: true, utf8: true, pending: Vec::new() }
    }
}

impl EncodingSniffer {
    pub fn feed(&mut self, mut piece: &[u8]) {
        if self.bom.is_none() {
            let wanted = BOM.len() - self.head.len();
            self.head.extend_from_slice(&piece[..wanted.min(piece.len())]);
            if self.head.len() == BOM.len() || !BOM.starts_with(&self.head) {
                self.bom = Some(self.head == BOM);
            }
        }
        self.ascii &= piece.is_ascii();
        if !self.utf8 || self.ascii {
            return;
        }
        if !self.pending.is_empty() {
            // Complete the cut sequence with the bytes it still needs, then check it alone.
            let width = match self.pending[0] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let needed = (width - self.pending.len()).min(piece.len());
            self.pending.extend_from_slice(&piece[..needed]);
            piece = &piece[needed..];
            if self.pending.len() < width {
                return;
            }
            self.utf8 = std::str::from_utf8(&self.pending).is_ok();
            self.pending.clear();
        }
        match std::str::from_utf8(piece) {
            Ok(_) => {}
            // A sequence cut by the end of the piece: judged with the next one.
            Err(error) if error.error_len().is_none() => self.pending.extend_from_slice(&piece[error.valid_up_to()..]),
            Err(_) => self.utf8 = false,
        }
    }

    /// The encoding of everything fed. A pure-ASCII file is the expected ISO-8859-1: both
    /// readings agree, and saying "UTF-8" would raise a false alarm.
    pub fn finish(self) -> Encoding {
        if self.head.starts_with(BOM) {
            Encoding::Utf8Bom
        } else if !self.ascii && self.utf8 && self.pending.is_empty() {
            Encoding::Utf8
        } else {
            Encoding::Windows1252
        }
    }
}

/// One non-blank line of the file, borrowed from the reader's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number in the file; blank lines count.
    pub number: usize,
    /// The bytes as read, without the line ending (and without the BOM on line 1).
    pub raw: &'a [u8],
    /// How the line ended; `None` for a last line without newline.
    pub ending: Option<LineEnding>,
    /// The decoded text.
    pub text: &'a str,
}

/// Reads the non-blank lines of a file in order, one at a time, into one reused buffer.
#[derive(Debug)]
pub struct LineReader<R> {
    reader: R,
    encoding: Encoding,
    buffer: Vec<u8>,
    /// The decoded text of the last line, when it is not its bytes as they are.
    text: String,
    /// Number of the last line read.
    number: usize,
}

impl<R: std::io::BufRead> LineReader<R> {
    /// `encoding` is the whole file's, detected beforehand ([`EncodingSniffer`]).
    pub fn new(reader: R, encoding: Encoding) -> LineReader<R> {
        LineReader { reader, encoding, buffer: Vec::with_capacity(1024), text: String::with_capacity(1024), number: 0 }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The next non-blank line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line<'_>>> {
        loop {
            let Some((start, end, ending)) = self.read_raw()? else { return Ok(None) };
            if !self.is_blank(&self.buffer[start..end]) {
                let raw = &self.buffer[start..end];
                let text = self.encoding.decode_into(raw, &mut self.text);
                return Ok(Some(Line { number: self.number, raw, ending, text }));
            }
        }
    }

    /// Reads the next line into the buffer: where its bytes are, without BOM nor line ending.
    fn read_raw(&mut self) -> std::io::Result<Option<(usize, usize, Option<LineEnding>)>> {
        self.buffer.clear();
        if self.reader.read_until(b'\n', &mut self.buffer)? == 0 {
            return Ok(None);
        }
        self.number += 1;
        let start = if self.number == 1 && self.buffer.starts_with(self.encoding.preamble()) {
            self.encoding.preamble().len()
        } else {
            0
        };
        let mut end = self.buffer.len();
        let ending = if self.buffer[start..].ends_with(b"\r\n") {
            end -= 2;
            Some(LineEnding::CrLf)
        } else if self.buffer[start..].ends_with(b"\n") {
            end -= 1;
            Some(LineEnding::Lf)
        } else {
            // A last line without newline: a trailing CR is still a line ending, not data.
            if self.buffer[start..].ends_with(b"\r") {
                end -= 1;
            }
            None
        };
        Ok(Some((start, end, ending)))
    }

    /// Blank lines are skipped (they still count in the numbering).
    fn is_blank(&self, raw: &[u8]) -> bool {
        match raw.iter().find(|byte| !byte.is_ascii_whitespace()) {
            None => true,
            // A visible ASCII character: the usual case, told by the first byte of the line.
            Some(byte) if byte.is_ascii() => false,
            // Only what follows a non-ASCII byte (a no-break space…) needs decoding.
            Some(_) => self.encoding.decode(raw).trim().is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, raw, text, ending) of a line, owned.
    type OwnedLine = (usize, Vec<u8>, String, Option<LineEnding>);

    /// Every line of `input`, read the way the import reads a file.
    fn lines(input: &[u8]) -> (Encoding, Vec<OwnedLine>) {
        let encoding = Encoding::detect(input);
        let mut reader = LineReader::new(input, encoding);
        let mut lines = Vec::new();
        while let Some(line) = reader.next_line().unwrap() {
            lines.push((line.number, line.raw.to_vec(), line.text.to_owned(), line.ending));
        }
        (encoding, lines)
    }

    /// (number, raw, text) of each line yielded.
    fn check(input: &[u8], expected_encoding: Encoding, expected: &[(usize, &[u8], &str)]) {
        let (encoding, lines) = lines(input);
        assert_eq!(encoding, expected_encoding);
        let actual: Vec<(usize, Vec<u8>, String)> =
            lines.into_iter().map(|(number, raw, text, _)| (number, raw, text)).collect();
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
        let endings: Vec<_> = lines.into_iter().map(|(_, _, _, ending)| ending).collect();
        assert_eq!(endings, [Some(LineEnding::CrLf), Some(LineEnding::Lf), None]);
    }

    #[test]
    fn the_encoding_read_piece_by_piece_is_the_encoding_of_the_whole() {
        let samples: [&[u8]; 7] = [
            b"\xEF\xBB\xBFh\nC\xC5\x93ur\n",
            b"h\nH\xC3\xA9l\xC3\xA8ne \xF0\x9F\x98\x80\n",
            b"h\nC\x9Cur;\xE9t\xE9\n",
            b"COD_ANU;NOM\n2026;MARTIN\n",
            b"\xEF\xBB",
            b"ok \xC3",
            b"\xC3\xA9\n\xE9\n",
        ];
        for sample in samples {
            let whole = Encoding::detect(sample);
            for size in 1..=sample.len() {
                let mut sniffer = EncodingSniffer::default();
                sample.chunks(size).for_each(|piece| sniffer.feed(piece));
                assert_eq!(sniffer.finish(), whole, "{sample:?} in pieces of {size}");
            }
        }
        assert_eq!(Encoding::detect(b"ok \xC3"), Encoding::Windows1252, "a cut sequence at the end is not UTF-8");
    }
}

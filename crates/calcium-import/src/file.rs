//! A whole file at once: decode, check the header, judge every data line, and keep what the
//! caller needs to write the log files, including each line's raw bytes for `erreurFile`.
//!
//! No matching against the base here (that is `plan`), and no writing: `error_file` only
//! assembles bytes.

#[cfg(test)]
mod tests;

use calcium_core::student::FormatVersion;

use crate::decode::{self, Encoding, LineEnding};
use crate::header::{FileError, check_header};
use crate::row::{ParseOptions, ParsedRow, RowError, RowWarning, parse_row};

/// A line refused by the line checks, with its bytes as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine<'a> {
    pub error: RowError,
    /// The line's bytes in the file, without line ending: written back as is.
    pub raw: &'a [u8],
}

/// The result of [`parse_file`]; borrows the input bytes for the raw lines.
#[derive(Debug, Clone)]
pub struct ParsedFile<'a> {
    pub encoding: Encoding,
    pub version: FormatVersion,
    /// 1-based number of the header line (1 unless blank lines come first).
    pub header_line: usize,
    /// The header's bytes, without the BOM nor the line ending.
    pub header_raw: &'a [u8],
    /// The header's line ending (CRLF when the file is a lone header without newline, as
    /// Windows tools write these files): what `erreurFile` uses between lines.
    pub line_ending: LineEnding,
    /// Lines that passed the line checks, in line order.
    pub rows: Vec<ParsedRow>,
    /// Lines that did not, in line order.
    pub rejected: Vec<RejectedLine<'a>>,
    /// Every warning of the accepted rows, in line order (also kept in each row).
    pub warnings: Vec<RowWarning>,
    /// (number, raw bytes) of every non-blank data line, in line order.
    raw_lines: Vec<(usize, &'a [u8])>,
}

impl<'a> ParsedFile<'a> {
    /// How many data lines were read (non-blank lines after the header).
    pub fn data_lines(&self) -> usize {
        self.raw_lines.len()
    }

    /// The raw bytes of a data line, e.g. for a line the plan rejects.
    pub fn raw_line(&self, line: usize) -> Option<&'a [u8]> {
        let index = self.raw_lines.binary_search_by_key(&line, |&(number, _)| number).ok()?;
        Some(self.raw_lines[index].1)
    }

    /// The content of `erreurFile`: the BOM if the input had one, the header, then the given
    /// lines (in line order, each once), byte for byte, each followed by the file's line ending.
    /// Unknown line numbers are skipped.
    pub fn error_file(&self, lines: impl IntoIterator<Item = usize>) -> Vec<u8> {
        let mut lines: Vec<usize> = lines.into_iter().collect();
        lines.sort_unstable();
        lines.dedup();
        let ending = self.line_ending.as_bytes();
        let mut out = Vec::new();
        out.extend_from_slice(self.encoding.preamble());
        out.extend_from_slice(self.header_raw);
        out.extend_from_slice(ending);
        for raw in lines.into_iter().filter_map(|line| self.raw_line(line)) {
            out.extend_from_slice(raw);
            out.extend_from_slice(ending);
        }
        out
    }
}

/// Decodes `bytes`, checks the header (a bad one refuses the whole file) and judges every data
/// line. Linear in the file size.
pub fn parse_file<'a>(bytes: &'a [u8], options: &ParseOptions) -> Result<ParsedFile<'a>, FileError> {
    let (encoding, mut lines) = decode::lines(bytes);
    let header = lines.next().ok_or(FileError::Empty)?;
    let version = check_header(&header.text)?;

    // One cheap pass sizes the vectors: a million records are never copied by regrowth.
    let capacity = bytes.iter().filter(|&&b| b == b'\n').count();
    let mut file = ParsedFile {
        encoding,
        version,
        header_line: header.number,
        header_raw: header.raw,
        line_ending: header.ending.unwrap_or(LineEnding::CrLf),
        rows: Vec::with_capacity(capacity),
        rejected: Vec::new(),
        warnings: Vec::new(),
        raw_lines: Vec::with_capacity(capacity),
    };
    for line in lines {
        file.raw_lines.push((line.number, line.raw));
        match parse_row(line.number, &line.text, version, options) {
            Ok(row) => {
                file.warnings.extend(row.warnings.iter().cloned());
                file.rows.push(row);
            }
            Err(error) => file.rejected.push(RejectedLine { error, raw: line.raw }),
        }
    }
    Ok(file)
}

//! A file, slice by slice: check the header, judge every data line, and keep what the caller
//! needs to write the log files, including each line's raw bytes for `erreurFile`.
//! [`parse_file`] does the same for a whole file in memory (small inputs and tests).
//!
//! No matching against the base here (that is `plan`), and no writing: `error_file` only
//! assembles bytes.

#[cfg(test)]
mod tests;

use std::io::BufRead;

use calcium_core::student::{FormatVersion, RecordBatch, StudentRecord};

use crate::decode::{Encoding, LineEnding, LineReader};
use crate::header::{FileError, check_header};
use crate::row::{ParseOptions, ParsedRow, Row, RowError, RowKeys, RowWarning, parse_line};

/// A line refused by the line checks, with its bytes as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    pub error: RowError,
    /// The line's bytes in the file, without line ending: written back as is.
    pub raw: Vec<u8>,
}

/// What reading a file's header can end with, besides a header.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file is refused as a whole (SPEC §4.2).
    #[error(transparent)]
    Refused(#[from] FileError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The most rows a slice reserves room for before reading (a whole file read at once grows).
const SLICE_CAPACITY_LIMIT: usize = 16_384;

/// A file being read slice by slice: its header is checked when it is opened, then
/// [`FileReader::next_slice`] judges the data lines a bounded number at a time, so memory does
/// not grow with the file.
#[derive(Debug)]
pub struct FileReader<R> {
    lines: LineReader<R>,
    pub version: FormatVersion,
    /// 1-based number of the header line (1 unless blank lines come first).
    pub header_line: usize,
    /// The header's bytes, without the BOM nor the line ending.
    pub header_raw: Vec<u8>,
    /// The header's line ending (CRLF when the file is a lone header without newline, as
    /// Windows tools write these files): what `erreurFile` uses between lines.
    pub line_ending: LineEnding,
    /// Data lines read so far (non-blank lines after the header).
    data_lines: usize,
    /// Raw bytes and record text of the previous slice: what the next one reserves.
    last_slice_bytes: usize,
    last_slice_text: usize,
}

/// A run of consecutive data lines, judged. The accepted lines' values are held in one
/// [`RecordBatch`], read back as [`Row`]s: a slice costs a few allocations, not a few per value.
#[derive(Debug, Clone, Default)]
pub struct Slice {
    /// The accepted lines, in line order: `keys[i]`, `warnings[i]` and `records.get(i)` are
    /// the same line's.
    keys: Vec<RowKeys>,
    warnings: Vec<Vec<RowWarning>>,
    records: RecordBatch,
    /// Lines that did not pass, in line order (their bytes are in [`Slice::raw_line`]).
    pub rejected: Vec<RowError>,
    /// The bytes of every line of the slice, one after the other.
    bytes: Vec<u8>,
    /// (line number, end of its bytes in `bytes`), in line order.
    ends: Vec<(usize, usize)>,
}

impl Slice {
    /// How many data lines the slice holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// How many of them passed the line checks.
    pub fn accepted(&self) -> usize {
        self.keys.len()
    }

    /// What the look-ups need of each accepted line, in line order.
    pub fn keys(&self) -> &[RowKeys] {
        &self.keys
    }

    /// The `index`th accepted line (in line order), borrowed from the slice.
    pub fn row(&self, index: usize) -> Row<'_> {
        let keys = &self.keys[index];
        Row { line: keys.line, record: self.record(index), fingerprint: keys.fingerprint, key: keys.key }
    }

    /// The record of the `index`th accepted line.
    pub fn record(&self, index: usize) -> StudentRecord<&str> {
        self.records.get(index).0
    }

    /// Bytes of text the accepted lines' records hold.
    pub fn text_len(&self) -> usize {
        self.records.text_len()
    }

    /// Ends the slice's use: hands its records over (for the base to write) and empties it,
    /// keeping `spare`'s memory in their place for the slice's next use.
    pub fn hand_over_records(&mut self, spare: RecordBatch) -> RecordBatch {
        let records = std::mem::replace(&mut self.records, spare);
        self.clear();
        records
    }

    /// Empties the slice, keeping its memory.
    fn clear(&mut self) {
        self.keys.clear();
        self.warnings.clear();
        self.records.clear();
        self.rejected.clear();
        self.bytes.clear();
        self.ends.clear();
    }

    /// The warnings of the `index`th accepted line, taken out of the slice.
    pub fn take_warnings(&mut self, index: usize) -> Vec<RowWarning> {
        std::mem::take(&mut self.warnings[index])
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of a data line of this slice, as read, e.g. for `erreurFile`.
    pub fn raw_line(&self, line: usize) -> Option<&[u8]> {
        let index = self.ends.binary_search_by_key(&line, |&(number, _)| number).ok()?;
        let start = if index == 0 { 0 } else { self.ends[index - 1].1 };
        Some(&self.bytes[start..self.ends[index].1])
    }
}

impl<R: BufRead> FileReader<R> {
    /// Reads and checks the header; a bad one refuses the whole file. `encoding` is the whole
    /// file's ([`crate::decode::EncodingSniffer`]).
    pub fn open(reader: R, encoding: Encoding) -> Result<FileReader<R>, OpenError> {
        let mut lines = LineReader::new(reader, encoding);
        let header = lines.next_line()?.ok_or(FileError::Empty)?;
        let version = check_header(header.text)?;
        let (header_line, header_raw) = (header.number, header.raw.to_vec());
        let line_ending = header.ending.unwrap_or(LineEnding::CrLf);
        Ok(FileReader {
            lines,
            version,
            header_line,
            header_raw,
            line_ending,
            data_lines: 0,
            last_slice_bytes: 0,
            last_slice_text: 0,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.lines.encoding()
    }

    /// Data lines read so far.
    pub fn data_lines(&self) -> usize {
        self.data_lines
    }

    /// Judges up to `max_lines` more data lines; `None` when the file is done.
    pub fn next_slice(&mut self, max_lines: usize, options: &ParseOptions) -> std::io::Result<Option<Slice>> {
        let mut slice = Slice::default();
        Ok(self.next_slice_into(&mut slice, max_lines, options)?.then_some(slice))
    }

    /// [`FileReader::next_slice`] into a slice already used, whose memory is reused; `false`
    /// (and an empty slice) when the file is done.
    pub fn next_slice_into(
        &mut self,
        slice: &mut Slice,
        max_lines: usize,
        options: &ParseOptions,
    ) -> std::io::Result<bool> {
        slice.clear();
        // Sized once: a growing vector of wide rows doubles its memory at the worst moment, and
        // each doubling copies megabytes into freshly zeroed pages.
        let expected = max_lines.min(SLICE_CAPACITY_LIMIT);
        slice.keys.reserve(expected);
        slice.warnings.reserve(expected);
        slice.records.reserve(expected, self.last_slice_text);
        slice.ends.reserve(expected);
        slice.bytes.reserve(self.last_slice_bytes);
        while slice.len() < max_lines {
            let Some(line) = self.lines.next_line()? else { break };
            slice.bytes.extend_from_slice(line.raw);
            slice.ends.push((line.number, slice.bytes.len()));
            match parse_line(line.number, line.text, self.version, options) {
                Ok(parsed) => {
                    slice.keys.push(parsed.row.keys());
                    slice.records.push(&parsed.row.record, parsed.row.fingerprint);
                    slice.warnings.push(parsed.warnings);
                }
                Err(error) => slice.rejected.push(error),
            }
        }
        self.data_lines += slice.len();
        self.last_slice_bytes = slice.bytes.len();
        self.last_slice_text = slice.records.text_len();
        Ok(!slice.is_empty())
    }

    /// The start of `erreurFile`: the BOM if the input had one, the header and its line ending.
    pub fn error_file_head(&self) -> Vec<u8> {
        let mut head = self.encoding().preamble().to_vec();
        head.extend_from_slice(&self.header_raw);
        head.extend_from_slice(self.line_ending.as_bytes());
        head
    }
}

/// A whole file judged at once, for small inputs and tests: [`parse_file`].
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub encoding: Encoding,
    pub version: FormatVersion,
    pub header_line: usize,
    pub header_raw: Vec<u8>,
    pub line_ending: LineEnding,
    /// Lines that passed the line checks, in line order.
    pub rows: Vec<ParsedRow>,
    /// Lines that did not, in line order.
    pub rejected: Vec<RejectedLine>,
    /// Every warning of the accepted rows, in line order (also kept in each row).
    pub warnings: Vec<RowWarning>,
    /// (number, raw bytes) of every non-blank data line, in line order.
    raw_lines: Vec<(usize, Vec<u8>)>,
}

impl ParsedFile {
    /// How many data lines were read (non-blank lines after the header).
    pub fn data_lines(&self) -> usize {
        self.raw_lines.len()
    }

    /// The raw bytes of a data line, e.g. for a line the plan rejects.
    pub fn raw_line(&self, line: usize) -> Option<&[u8]> {
        let index = self.raw_lines.binary_search_by_key(&line, |(number, _)| *number).ok()?;
        Some(&self.raw_lines[index].1)
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
        out.extend_from_slice(&self.header_raw);
        out.extend_from_slice(ending);
        for raw in lines.into_iter().filter_map(|line| self.raw_line(line)) {
            out.extend_from_slice(raw);
            out.extend_from_slice(ending);
        }
        out
    }
}

/// Decodes `bytes`, checks the header (a bad one refuses the whole file) and judges every data
/// line, through the same reader as a streamed import.
pub fn parse_file(bytes: &[u8], options: &ParseOptions) -> Result<ParsedFile, FileError> {
    let encoding = Encoding::detect(bytes);
    let mut reader = match FileReader::open(bytes, encoding) {
        Ok(reader) => reader,
        Err(OpenError::Refused(refusal)) => return Err(refusal),
        Err(OpenError::Io(error)) => unreachable!("reading from memory cannot fail: {error}"),
    };
    let mut file = ParsedFile {
        encoding,
        version: reader.version,
        header_line: reader.header_line,
        header_raw: reader.header_raw.clone(),
        line_ending: reader.line_ending,
        rows: Vec::new(),
        rejected: Vec::new(),
        warnings: Vec::new(),
        raw_lines: Vec::new(),
    };
    while let Some(slice) = reader.next_slice(usize::MAX, options).expect("reading from memory cannot fail") {
        for &(number, _) in &slice.ends {
            let raw = slice.raw_line(number).unwrap_or_default().to_vec();
            file.raw_lines.push((number, raw));
        }
        for index in 0..slice.accepted() {
            let warnings = slice.warnings[index].clone();
            file.warnings.extend(warnings.iter().cloned());
            let row = slice.row(index);
            file.rows.push(ParsedRow {
                line: row.line,
                record: row.record.to_owned_record(),
                warnings,
                fingerprint: row.fingerprint,
                key: row.key,
            });
        }
        for error in slice.rejected {
            let raw = file.raw_line(error.line).unwrap_or_default().to_vec();
            file.rejected.push(RejectedLine { error, raw });
        }
    }
    Ok(file)
}

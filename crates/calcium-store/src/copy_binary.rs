//! Rows in PostgreSQL's binary `COPY … FROM STDIN (FORMAT binary)` format: each row is its
//! number of fields, then each field's length and bytes (-1 for NULL), integers big-endian.
//! [`CopyRow::push_bind`] mirrors `QueryBuilder`'s, so `bind_student!` fills a COPY row
//! exactly as it fills an INSERT: one list of columns for both.
//!
//! Why binary rather than text: the server then parses no integer and no date of the million
//! rows of a first import, and the client escapes nothing; both share two cores with the
//! import's reader. Each value must have its column's exact type: `&str` for `text`, `i32` for
//! `integer`, `i64` for `bigint`, `bool` for `boolean`, [`DbDate`] for `date`.

use crate::types::DbDate;

/// What a binary COPY's data starts with: the signature, no flags, no header extension.
pub(crate) const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// What it ends with: a field count of -1.
pub(crate) const COPY_TRAILER: &[u8] = &(-1i16).to_be_bytes();

/// One row being appended to a COPY buffer.
pub(crate) struct CopyRow<'a> {
    out: &'a mut Vec<u8>,
    /// Where the row's field count goes, written by [`CopyRow::end`].
    count_at: usize,
    fields: i16,
}

impl<'a> CopyRow<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> CopyRow<'a> {
        let count_at = out.len();
        out.extend_from_slice(&0i16.to_be_bytes());
        CopyRow { out, count_at, fields: 0 }
    }

    pub(crate) fn push_bind(&mut self, value: impl CopyValue) -> &mut Self {
        value.write(self.out);
        self.fields += 1;
        self
    }

    pub(crate) fn end(&mut self) {
        self.out[self.count_at..self.count_at + 2].copy_from_slice(&self.fields.to_be_bytes());
    }
}

/// A value as a binary COPY field: its length, then its bytes.
pub(crate) trait CopyValue {
    fn write(&self, out: &mut Vec<u8>);
}

fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    let length = i32::try_from(bytes.len()).expect("a value of less than 2 GiB");
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(bytes);
}

impl CopyValue for &str {
    fn write(&self, out: &mut Vec<u8>) {
        field(out, self.as_bytes());
    }
}

impl CopyValue for String {
    fn write(&self, out: &mut Vec<u8>) {
        field(out, self.as_bytes());
    }
}

impl<T: CopyValue> CopyValue for Option<T> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write(out),
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
}

impl CopyValue for bool {
    fn write(&self, out: &mut Vec<u8>) {
        field(out, &[u8::from(*self)]);
    }
}

impl CopyValue for i32 {
    fn write(&self, out: &mut Vec<u8>) {
        field(out, &self.to_be_bytes());
    }
}

impl CopyValue for i64 {
    fn write(&self, out: &mut Vec<u8>) {
        field(out, &self.to_be_bytes());
    }
}

impl CopyValue for DbDate {
    fn write(&self, out: &mut Vec<u8>) {
        self.pg_days().write(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_carry_their_length_and_nulls_are_minus_one() {
        let mut out = Vec::new();
        let mut row = CopyRow::new(&mut out);
        row.push_bind("Œdipe")
            .push_bind(None::<&str>)
            .push_bind(Some(true))
            .push_bind(42_i64)
            .push_bind(7_i32)
            .push_bind(DbDate(jiff::civil::date(2000, 1, 2)));
        row.end();
        let mut expected = vec![0, 6];
        expected.extend_from_slice(&[0, 0, 0, 6]);
        expected.extend_from_slice("Œdipe".as_bytes());
        expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        expected.extend_from_slice(&[0, 0, 0, 1, 1]);
        expected.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 42]);
        expected.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 7]);
        expected.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 1]);
        assert_eq!(out, expected);
        assert_eq!(COPY_HEADER.len(), 19);
    }
}

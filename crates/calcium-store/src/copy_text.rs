//! Rows in PostgreSQL's `COPY … FROM STDIN` text format: values separated by tabs, rows ended
//! by a newline, `\N` for NULL, and backslash escapes for the characters that would break the
//! format. [`CopyRow::push_bind`] mirrors `QueryBuilder`'s, so `bind_student!` fills a COPY row
//! exactly as it fills an INSERT: one list of columns for both.

use std::io::Write as _;

use crate::types::DbDate;

/// One row being appended to a COPY buffer.
pub(crate) struct CopyRow<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> CopyRow<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> CopyRow<'a> {
        CopyRow { out, first: true }
    }

    pub(crate) fn push_bind(&mut self, value: impl CopyValue) -> &mut Self {
        if !self.first {
            self.out.push(b'\t');
        }
        self.first = false;
        value.write(self.out);
        self
    }

    pub(crate) fn end(&mut self) {
        self.out.push(b'\n');
    }
}

/// A value as COPY's text format spells it.
pub(crate) trait CopyValue {
    fn write(&self, out: &mut Vec<u8>);
}

impl CopyValue for &str {
    fn write(&self, out: &mut Vec<u8>) {
        for &byte in self.as_bytes() {
            match byte {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                other => out.push(other),
            }
        }
    }
}

impl CopyValue for String {
    fn write(&self, out: &mut Vec<u8>) {
        self.as_str().write(out);
    }
}

impl<T: CopyValue> CopyValue for Option<T> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write(out),
            None => out.extend_from_slice(b"\\N"),
        }
    }
}

impl CopyValue for bool {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(if *self { b't' } else { b'f' });
    }
}

impl CopyValue for i32 {
    fn write(&self, out: &mut Vec<u8>) {
        let _ = write!(out, "{self}");
    }
}

impl CopyValue for i64 {
    fn write(&self, out: &mut Vec<u8>) {
        let _ = write!(out, "{self}");
    }
}

impl CopyValue for DbDate {
    fn write(&self, out: &mut Vec<u8>) {
        let _ = write!(out, "{}", self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_nulls_spelt_out() {
        let mut out = Vec::new();
        let mut row = CopyRow::new(&mut out);
        row.push_bind("a\tb\\c\nd\re")
            .push_bind(None::<&str>)
            .push_bind(Some(true))
            .push_bind(42_i64)
            .push_bind(DbDate(jiff::civil::date(2004, 3, 1)))
            .push_bind("Œdipe Müller");
        row.end();
        assert_eq!(String::from_utf8(out).unwrap(), "a\\tb\\\\c\\nd\\re\t\\N\tt\t42\t2004-03-01\tŒdipe Müller\n");
    }
}

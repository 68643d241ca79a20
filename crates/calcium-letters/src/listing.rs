//! The CSV listings of letters (LIS_REL, LIS_RAP): `;`-separated, a header row, CRLF line ends,
//! in Windows-1252 (what Excel in French opens without asking) or UTF-8 with a byte order mark.
//!
//! Two protections, cell by cell:
//! - a cell that a spreadsheet would read as a formula (first character `=`, `+`, `-`, `@`, tab
//!   or carriage return) gets a leading `'`, which spreadsheets show as plain text (OWASP's
//!   advice against CSV injection); cells with `;`, `"` or a line break are quoted;
//! - in Windows-1252, a character the encoding lacks (`ř`, `ő`, `李`) is written in its closest
//!   spelling (deunicode: `r`, `o`, `Li`) and reported, so the file stays valid and the run's log
//!   can say which line changed.

use calcium_core::relance::ListingEncoding;
use encoding_rs::WINDOWS_1252;

/// The columns of a listing, in order.
pub const HEADER: [&str; 14] = [
    "INE",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Adresse 1",
    "Adresse 2",
    "Adresse 3",
    "Code postal",
    "Commune",
    "Pays",
    "Adresse utilisée",
    "Motif",
    "Date d'échéance",
    "Date du courrier",
];

/// A listing being written, in memory (a listing of 50 000 letters is a few megabytes).
#[derive(Debug)]
pub struct Listing {
    encoding: ListingEncoding,
    text: String,
    rows: usize,
}

/// Characters of one row that Windows-1252 could not hold, with what was written instead.
pub type Substitutions = Vec<(char, String)>;

impl Listing {
    /// A listing with its header row.
    pub fn new(encoding: ListingEncoding) -> Listing {
        let mut listing = Listing { encoding, text: String::new(), rows: 0 };
        listing.push_cells(&HEADER);
        listing.rows = 0;
        listing
    }

    /// Adds a row (as many cells as [`HEADER`]); returns the substitutions made in it.
    pub fn push_row(&mut self, cells: &[&str; HEADER.len()]) -> Substitutions {
        self.rows += 1;
        self.push_cells(cells)
    }

    fn push_cells(&mut self, cells: &[&str]) -> Substitutions {
        let mut substitutions = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            if index > 0 {
                self.text.push(';');
            }
            let cell = match self.encoding {
                ListingEncoding::Windows1252 => windows_1252_safe(cell, &mut substitutions),
                ListingEncoding::Utf8Bom => (*cell).to_owned(),
            };
            write_cell(&mut self.text, &neutralise(&cell));
        }
        self.text.push_str("\r\n");
        substitutions
    }

    /// Rows written, header excluded.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The file's bytes in the listing's encoding.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.encoding {
            ListingEncoding::Utf8Bom => {
                let mut bytes = Vec::with_capacity(self.text.len() + 3);
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
                bytes.extend_from_slice(self.text.as_bytes());
                bytes
            }
            // Every character was made encodable by `windows_1252_safe`.
            ListingEncoding::Windows1252 => WINDOWS_1252.encode(&self.text).0.into_owned(),
        }
    }
}

/// A cell a spreadsheet would take for a formula is prefixed with `'`.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn write_cell(out: &mut String, cell: &str) {
    if cell.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// `cell` with every character Windows-1252 lacks replaced by its ASCII spelling.
fn windows_1252_safe(cell: &str, substitutions: &mut Substitutions) -> String {
    // Latin-1 minus the C1 controls, plus ASCII, is most names: no encoder needed for them.
    if cell.chars().all(|ch| (ch as u32) < 0x80 || (0xA0..=0xFF).contains(&(ch as u32))) {
        return cell.to_owned();
    }
    let mut out = String::with_capacity(cell.len());
    for ch in cell.chars() {
        if encodable(ch) {
            out.push(ch);
        } else {
            let spelled = deunicode::deunicode_char(ch).filter(|s| !s.is_empty()).unwrap_or("?");
            substitutions.push((ch, spelled.to_owned()));
            out.push_str(spelled);
        }
    }
    out
}

fn encodable(ch: char) -> bool {
    let mut buffer = [0; 4];
    let (_, _, unmappable) = WINDOWS_1252.encode(ch.encode_utf8(&mut buffer));
    !unmappable
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(nom: &'a str, prenom: &'a str) -> [&'a str; 14] {
        ["1234567890A", nom, prenom, "01/02/2003", "", "", "", "", "", "", "", "", "", ""]
    }

    fn decoded(bytes: &[u8]) -> String {
        WINDOWS_1252.decode(bytes).0.into_owned()
    }

    #[test]
    fn the_listing_is_windows_1252_with_a_header_and_crlf() {
        let mut listing = Listing::new(ListingEncoding::Windows1252);
        assert!(listing.push_row(&row("Lefèvre", "Œdipe")).is_empty());
        let bytes = listing.into_bytes();
        assert!(bytes.contains(&0xE8) && bytes.contains(&0x8C), "è and Œ in Windows-1252");
        let text = decoded(&bytes);
        assert!(text.starts_with("INE;Nom;Prénom;Date de naissance;"), "{text}");
        assert!(text.ends_with("\r\n") && text.contains("\r\n1234567890A;Lefèvre;Œdipe;01/02/2003;"), "{text}");
    }

    #[test]
    fn formula_payloads_are_neutralised() {
        let mut listing = Listing::new(ListingEncoding::Utf8Bom);
        for payload in ["=HYPERLINK(\"http://x\")", "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            listing.push_row(&row(payload, "a;b"));
        }
        let bytes = listing.into_bytes();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert!(text.contains(";\"'=HYPERLINK(\"\"http://x\"\")\";\"a;b\";"), "{text}");
        assert!(text.contains(";'+33 1;") && text.contains(";'-2+3;") && text.contains(";'@SUM(A1);"), "{text}");
        assert!(text.contains(";'\tx;") && text.contains(";\"'\rx\";"), "{text}");
        for line in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
            let nom = line.split(';').nth(1).expect("a second cell");
            assert!(!nom.trim_start_matches('"').starts_with(['=', '+', '-', '@', '\t', '\r']), "{line:?}");
        }
    }

    #[test]
    fn characters_outside_windows_1252_are_substituted_and_reported() {
        let mut listing = Listing::new(ListingEncoding::Windows1252);
        let substitutions = listing.push_row(&row("Dvořák", "Łukasz"));
        assert_eq!(substitutions, [('ř', "r".to_owned()), ('Ł', "L".to_owned())]);
        let text = decoded(&listing.into_bytes());
        assert!(text.contains(";Dvorák;Lukasz;"), "{text}");
    }

    #[test]
    fn a_substitution_cannot_smuggle_a_formula_in() {
        // U+FF1D (fullwidth equals) is spelled "=" by deunicode.
        let mut listing = Listing::new(ListingEncoding::Windows1252);
        listing.push_row(&row("\u{ff1d}1+1", "x"));
        let text = decoded(&listing.into_bytes());
        assert!(text.contains(";'=1+1;"), "{text}");
    }
}

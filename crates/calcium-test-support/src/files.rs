//! Student files for the tests of the command line and the page.

use calcium_core::student::FormatVersion;

/// A student file of the current format with `lines` after the header, in ISO-8859-1
/// (characters outside it become `?`), with Windows line endings as Apogée writes them.
pub fn student_file<S: AsRef<str>>(lines: &[S]) -> Vec<u8> {
    let mut text = FormatVersion::CURRENT.header_line() + "\r\n";
    for line in lines {
        text.push_str(line.as_ref());
        text.push_str("\r\n");
    }
    text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

/// A valid line of the current format: the mandatory values, the INE, the name and the sex.
pub fn student_line(ine: &str, nom: &str, sexe: &str) -> String {
    let mut cells = vec![""; 46];
    cells[0] = "2026";
    cells[1] = ine;
    cells[4] = nom;
    cells[6] = "Zoé";
    cells[9] = sexe;
    cells[10] = "01/02/2003";
    cells[11] = "100";
    cells[34] = "0999001A";
    cells[35] = "SCI";
    cells.join(";")
}

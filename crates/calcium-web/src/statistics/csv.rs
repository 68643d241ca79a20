//! A table as a CSV file Excel in French opens as it is: UTF-8 with a byte-order mark (which
//! tells Excel the encoding), `;` between cells, CRLF line ends. A cell that Excel would take
//! for a formula (starting with `=`, `+`, `-` or `@`) is prefixed with `'`.

use crate::statistics::tables::Table;

pub(crate) fn to_csv(table: &Table) -> Vec<u8> {
    let mut text = String::from("\u{FEFF}");
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<String> = cells.map(cell).collect();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
    };
    line(&mut table.headers.iter().copied());
    for row in &table.rows {
        line(&mut row.iter().map(String::as_str));
    }
    text.into_bytes()
}

/// One cell: no `;`, no line break, no formula. A cell is a label or a number, never quoted.
fn cell(value: &str) -> String {
    let value = value.replace([';', '\r', '\n'], " ");
    if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_becomes_semicolon_separated_lines_with_a_byte_order_mark() {
        let table = Table {
            name: "boursiers",
            headers: vec!["Statut", "Étudiants"],
            rows: vec![
                vec!["Boursiers".to_owned(), "3".to_owned()],
                vec!["=HYPERLINK(\"x\");1".to_owned(), "-2".to_owned()],
            ],
        };
        let text = String::from_utf8(to_csv(&table)).unwrap();
        assert_eq!(text, "\u{FEFF}Statut;Étudiants\r\nBoursiers;3\r\n'=HYPERLINK(\"x\") 1;'-2\r\n");
    }
}

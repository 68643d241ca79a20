//! The demo population written as an Apogée student file (SPEC §4.1, format 1.2.1): what the
//! import tests and benchmarks feed to `calcium import`.

use calcium_core::student::{FormatVersion, StudentRecord, YearOrDate};

/// One data line, `;`-separated, in file column order.
pub fn apogee_line(r: &StudentRecord) -> String {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let date = |d: jiff::civil::Date| d.strftime("%d/%m/%Y").to_string();
    let year_or_date = |value: &Option<YearOrDate>| match value {
        Some(YearOrDate::Year(year)) => year.to_string(),
        Some(YearOrDate::Date(d)) => date(*d),
        None => String::new(),
    };
    let cells: [String; 46] = [
        r.cod_anu.clone(),
        r.cod_nne.as_ref().map(ToString::to_string).unwrap_or_default(),
        r.cod_nni.as_ref().map(ToString::to_string).unwrap_or_default(),
        text(&r.cod_etu),
        r.nom.clone(),
        text(&r.nomusage),
        r.prenom1.clone(),
        text(&r.prenom2),
        text(&r.prenom3),
        r.sexe.as_str().to_owned(),
        date(r.datenai.date()),
        r.code_natio.clone(),
        text(&r.situafam),
        text(&r.codebrs),
        text(&r.codefinanc),
        r.tem_affl_sso.map(|v| if v { "O" } else { "N" }.to_owned()).unwrap_or_default(),
        text(&r.centrepayeur),
        text(&r.codemut),
        text(&r.adr1),
        text(&r.adr2),
        text(&r.adr3),
        text(&r.cod_bdi),
        text(&r.commune),
        text(&r.pays),
        text(&r.teleph),
        text(&r.mail),
        text(&r.pcs),
        text(&r.adr1fix),
        text(&r.adr2fix),
        text(&r.adr3fix),
        text(&r.bdifix),
        text(&r.communefix),
        text(&r.paysfix),
        text(&r.telephfix),
        r.etb.clone(),
        r.cmp.clone(),
        text(&r.cursus),
        text(&r.annee),
        text(&r.diplome),
        text(&r.etablissement),
        text(&r.bac),
        r.datebac.map(|y| y.to_string()).unwrap_or_default(),
        text(&r.etb_bac),
        year_or_date(&r.daa_etb),
        year_or_date(&r.daa_ens_sup),
        text(&r.identifiant),
    ];
    cells.join(";")
}

/// A whole file: the current header and one line per record, CRLF, in Windows-1252 (what
/// ISO-8859-1 files from Windows tools really are).
pub fn apogee_file(records: &[StudentRecord]) -> Vec<u8> {
    let mut text = FormatVersion::CURRENT.header_line();
    text.push_str("\r\n");
    for record in records {
        text.push_str(&apogee_line(record));
        text.push_str("\r\n");
    }
    encoding_rs::WINDOWS_1252.encode(&representable(&text)).0.into_owned()
}

/// Replaces the characters Windows-1252 cannot hold (the ź of Woźniak) by their closest
/// Latin letters, as the registry's own export does; left alone, the encoder would write an
/// HTML reference (`&#378;`) whose `;` would split the cell.
fn representable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let (_, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
        if unmappable {
            out.push_str(deunicode::deunicode_char(c).unwrap_or("?"));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_outside_windows_1252_are_transliterated_not_escaped() {
        assert_eq!(representable("Woźniak Łukasz Cœur Zoé"), "Wozniak Lukasz Cœur Zoé");
    }
}

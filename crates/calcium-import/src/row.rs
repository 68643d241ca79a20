//! One data line of the student file → a typed [`StudentRecord`] with its warnings, or the
//! first reason to reject it (SPEC §4.1, §4.3).
//!
//! Checks run in a fixed order and the first failure rejects the line: FIELD_COUNT,
//! MISSING_FIELD (after the model's defaults), INVALID_FIELD (SEXE, TEM_AFFL_SSO, COD_NNE,
//! COD_NNI, DATEBAC, DAA_ETB, DAA_ENS_SUP), BIRTH_DATE_UNREADABLE. Warnings never reject.
//!
//! This module judges one line alone: no base, no other line of the file (that is `plan`).

mod columns;
mod context;
mod types;

#[cfg(test)]
mod tests;

use calcium_core::student::{BirthDate, Column, FormatVersion, Ine, Nir, Sexe, StudentRecord, YearOrDate, parse_year};

pub use context::{ModelDefaults, Nomenclatures, ParseOptions};
pub use types::{ParsedLine, ParsedRow, Row, RowError, RowErrorKind, RowKeys, RowWarning, RowWarningKind};

use crate::messages::{self, Subject};
use columns::*;

/// Calcium's address fields hold 50 characters; longer values are kept but reported.
pub const ADDRESS_MAX_CHARS: usize = 50;

/// Parses one decoded data line (its text, without line ending) of a file of `version` into a
/// row that owns its values. `line` is its 1-based number in the file, for the messages.
pub fn parse_row(
    line: usize,
    text: &str,
    version: FormatVersion,
    options: &ParseOptions,
) -> Result<ParsedRow, RowError> {
    parse_line(line, text, version, options).map(ParsedRow::from)
}

/// [`parse_row`] without copying a value: the row borrows from the line's text (and from the
/// model's defaults in `options`).
pub fn parse_line<'a>(
    line: usize,
    text: &'a str,
    version: FormatVersion,
    options: &'a ParseOptions,
) -> Result<ParsedLine<'a>, RowError> {
    // Fields borrow from the line: a fixed array on the stack, no allocation per field. The
    // separators are found in one vectorised pass over the line (`split(';')` searched for each
    // one afresh, a tenth of the parsing time).
    let mut cells = [""; COUNT];
    let mut found = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b';', text.as_bytes()).chain([text.len()]) {
        if let Some(cell) = cells.get_mut(found) {
            *cell = text[start..end].trim();
        }
        found += 1;
        start = end + 1;
    }
    let ine_text: &str = cells[COD_NNE];
    let reject = |kind: RowErrorKind, message: String| RowError {
        line,
        ine: (!ine_text.is_empty()).then(|| ine_text.to_owned()),
        kind,
        message,
    };

    let expected = version.column_count();
    if found != expected {
        return Err(reject(RowErrorKind::FieldCount, messages::field_count(line, found, expected)));
    }

    // No registry means a NUL character, and PostgreSQL stores none: the line is refused here
    // rather than the whole import failing at its write. The message shows it as �.
    if text.contains('\0')
        && let Some(index) = cells.iter().position(|cell| cell.contains('\0'))
    {
        let shown = cells[index].replace('\0', "\u{FFFD}");
        return Err(reject(RowErrorKind::InvalidField, messages::invalid_field(name(index), line, &shown)));
    }

    // The model's defaults fill empty cells before the mandatory check.
    let etb = or_default(cells[ETB], options.defaults.etb.as_deref());
    let cmp = or_default(cells[CMP], options.defaults.cmp.as_deref());

    for column in Column::MANDATORY {
        let value = match column {
            Column::ETB => etb,
            Column::CMP => cmp,
            other => cells[other.index()],
        };
        if value.is_empty() {
            let label = column.mandatory_label().unwrap_or(column.name());
            return Err(reject(RowErrorKind::MissingField, messages::missing_field(label, line)));
        }
    }

    let invalid =
        |index: usize| reject(RowErrorKind::InvalidField, messages::invalid_field(name(index), line, cells[index]));
    let sexe = Sexe::parse(cells[SEXE]).map_err(|_| invalid(SEXE))?;
    let tem_affl_sso = match cells[TEM_AFFL_SSO] {
        "" => None,
        "O" => Some(true),
        "N" => Some(false),
        _ => return Err(invalid(TEM_AFFL_SSO)),
    };
    let cod_nne = optional_parsed(cells[COD_NNE], |text| Ine::parse(text).ok()).ok_or_else(|| invalid(COD_NNE))?;
    let cod_nni = optional_parsed(cells[COD_NNI], |text| Nir::parse(text).ok()).ok_or_else(|| invalid(COD_NNI))?;
    let datebac = optional_parsed(cells[DATEBAC], parse_year).ok_or_else(|| invalid(DATEBAC))?;
    let daa_etb =
        optional_parsed(cells[DAA_ETB], |text| YearOrDate::parse(text).ok()).ok_or_else(|| invalid(DAA_ETB))?;
    let daa_ens_sup =
        optional_parsed(cells[DAA_ENS_SUP], |text| YearOrDate::parse(text).ok()).ok_or_else(|| invalid(DAA_ENS_SUP))?;

    let datenai = BirthDate::parse(cells[DATENAI], options.today).map_err(|_| {
        let subject = Subject::of(Some(ine_text), line);
        reject(RowErrorKind::BirthDateUnreadable, messages::birth_date_unreadable(subject))
    })?;

    let warnings = warnings(line, &cells, etb, cmp, cod_nne.as_ref(), cod_nni.as_ref(), options);

    let text_cell = |index: usize| optional(cells[index]);
    let record = StudentRecord {
        cod_anu: cells[COD_ANU],
        cod_nne,
        cod_nni,
        cod_etu: text_cell(COD_ETU),
        nom: cells[NOM],
        nomusage: text_cell(NOMUSAGE),
        prenom1: cells[PRENOM1],
        prenom2: text_cell(PRENOM2),
        prenom3: text_cell(PRENOM3),
        sexe,
        datenai,
        code_natio: cells[CODE_NATIO],
        situafam: text_cell(SITUAFAM),
        codebrs: text_cell(CODEBRS),
        codefinanc: text_cell(CODEFINANC),
        tem_affl_sso,
        centrepayeur: text_cell(CENTREPAYEUR),
        codemut: text_cell(CODEMUT),
        adr1: text_cell(ADR1),
        adr2: text_cell(ADR2),
        adr3: text_cell(ADR3),
        cod_bdi: text_cell(COD_BDI),
        commune: text_cell(COMMUNE),
        pays: text_cell(PAYS),
        teleph: text_cell(TELEPH),
        mail: text_cell(MAIL),
        pcs: text_cell(PCS),
        adr1fix: text_cell(ADR1FIX),
        adr2fix: text_cell(ADR2FIX),
        adr3fix: text_cell(ADR3FIX),
        bdifix: text_cell(BDIFIX),
        communefix: text_cell(COMMUNEFIX),
        paysfix: text_cell(PAYSFIX),
        telephfix: text_cell(TELEPHFIX),
        etb,
        cmp,
        cursus: text_cell(CURSUS),
        annee: text_cell(ANNEE),
        diplome: text_cell(DIPLOME),
        etablissement: text_cell(ETABLISSEMENT),
        bac: text_cell(BAC),
        datebac,
        etb_bac: text_cell(ETB_BAC),
        daa_etb,
        daa_ens_sup,
        identifiant: text_cell(IDENTIFIANT),
    };
    Ok(ParsedLine { row: Row::new(line, record), warnings })
}

/// The warnings of an accepted line, in column order.
fn warnings(
    line: usize,
    cells: &[&str; COUNT],
    etb: &str,
    cmp: &str,
    ine: Option<&Ine>,
    nir: Option<&Nir>,
    options: &ParseOptions,
) -> Vec<RowWarning> {
    let mut warnings = Vec::new();
    let mut warn = |kind: RowWarningKind, index: usize, message: String| {
        warnings.push(RowWarning { line, kind, column: name(index), message });
    };
    if let Some(ine) = ine
        && ine.check_character_verifies() == Some(false)
    {
        warn(RowWarningKind::IneCheckCharacter, COD_NNE, messages::ine_check_character(line, ine.as_str()));
    }
    if let Some(nir) = nir
        && !nir.key_verifies()
    {
        warn(RowWarningKind::NirKey, COD_NNI, messages::nir_key(line, nir.as_str()));
    }
    let nomenclatures = &options.nomenclatures;
    // Written in column order, so the log lists a line's warnings left to right.
    let mut check = |index: usize| {
        let value = cells[index];
        if matches!(index, CODE_NATIO | PAYS | PAYSFIX) && !value.is_empty() && !nomenclatures.pays_known(value) {
            warn(RowWarningKind::UnknownCode, index, messages::unknown_code(line, name(index), value, "PAYS"));
        }
        if matches!(index, ADR1 | ADR2 | ADR3 | ADR1FIX | ADR2FIX | ADR3FIX) {
            let length = value.chars().count();
            if length > ADDRESS_MAX_CHARS {
                warn(RowWarningKind::TooLong, index, messages::too_long(line, name(index), length, ADDRESS_MAX_CHARS));
            }
        }
    };
    for index in [CODE_NATIO, ADR1, ADR2, ADR3, PAYS, ADR1FIX, ADR2FIX, ADR3FIX, PAYSFIX] {
        check(index);
    }
    if !nomenclatures.etablissement_known(etb) {
        warn(RowWarningKind::UnknownCode, ETB, messages::unknown_code(line, "ETB", etb, "ETABLISSEMENT"));
    } else if !nomenclatures.composante_known(etb, cmp) {
        // An unknown ETB already says it all: its composantes cannot be known either.
        warn(RowWarningKind::UnknownCode, CMP, messages::unknown_composante(line, cmp, etb));
    }
    warnings
}

fn or_default<'a>(cell: &'a str, default: Option<&'a str>) -> &'a str {
    match default {
        Some(default) if cell.is_empty() => default.trim(),
        _ => cell,
    }
}

/// An empty cell is `None`: it never erases a stored value.
fn optional(cell: &str) -> Option<&str> {
    (!cell.is_empty()).then_some(cell)
}

/// `Some(None)` for an empty cell, `Some(Some(v))` when it parses, `None` when it does not.
fn optional_parsed<T>(cell: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<Option<T>> {
    if cell.is_empty() { Some(None) } else { parse(cell).map(Some) }
}

//! The letter templates an administrator edits: three plain-text files (UTF-8) in
//! `relances.templates_dir` — `entete.txt` (letterhead, place and date line, footer, shared by
//! both letters), `relance.txt` and `rappel.txt` (subject, body, and the mail's subject and
//! body). A file absent from the folder, or no folder at all, means the built-in default.
//!
//! Syntax: `[section]` lines open a section; `#` lines are comments; `{champ}` is replaced by
//! the letter's value (empty when the student has none); `{{` and `}}` write braces. Everything
//! is checked when the templates are loaded, before any letter is produced: an unknown section
//! or field, an unclosed brace, text outside a section, each is an error naming the file, the
//! line and the culprit.

use std::path::{Path, PathBuf};

use calcium_core::relance::LetterKind;

/// The fields a template may use, with the name written between braces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `Madame`, `Monsieur`, or empty when the sex is not known.
    Civilite,
    Prenom,
    /// The usage name when the student has one, else the birth name.
    Nom,
    NomNaissance,
    Ine,
    /// `JJ/MM/AAAA`.
    DateNaissance,
    /// The motif's label.
    Motif,
    /// `15 janvier 2027`.
    DateEcheance,
    /// The date of the run, `29 novembre 2026`.
    DateCourrier,
    /// The relance's courrier text (never its internal commentaire).
    Courrier,
    NumeroRelance,
    /// `relances.rappel_days`.
    DelaiRappel,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Civilite,
        Field::Prenom,
        Field::Nom,
        Field::NomNaissance,
        Field::Ine,
        Field::DateNaissance,
        Field::Motif,
        Field::DateEcheance,
        Field::DateCourrier,
        Field::Courrier,
        Field::NumeroRelance,
        Field::DelaiRappel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Civilite => "civilite",
            Field::Prenom => "prenom",
            Field::Nom => "nom",
            Field::NomNaissance => "nom_naissance",
            Field::Ine => "ine",
            Field::DateNaissance => "date_naissance",
            Field::Motif => "motif",
            Field::DateEcheance => "date_echeance",
            Field::DateCourrier => "date_courrier",
            Field::Courrier => "courrier",
            Field::NumeroRelance => "numero_relance",
            Field::DelaiRappel => "delai_rappel",
        }
    }

    fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// The values of the fields for one letter. A field without value renders empty.
pub trait FieldValues {
    fn value(&self, field: Field) -> Option<&str>;
}

/// A piece of template text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(Field),
}

/// The text of one section, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pieces: Vec<Piece>,
}

impl Text {
    /// The text with the fields replaced by their values.
    pub fn render(&self, values: &impl FieldValues) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field(field) => out.push_str(values.value(*field).unwrap_or("")),
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    fn parse(source: &str, at: &Location<'_>) -> Result<Text, TemplateError> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((_, ch)) = chars.next() {
            match ch {
                '{' if chars.peek().map(|&(_, next)| next) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|&(_, next)| next) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let closed = loop {
                        match chars.next() {
                            Some((_, '}')) => break true,
                            Some((_, '\n')) | None => break false,
                            Some((_, c)) => name.push(c),
                        }
                    };
                    if !closed {
                        return Err(at.error(TemplateProblem::Unclosed(name)));
                    }
                    let field = Field::parse(name.trim())
                        .ok_or_else(|| at.error(TemplateProblem::UnknownField(name.trim().to_owned())))?;
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Field(field));
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Text { pieces })
    }
}

/// The letterhead shared by both letters (`entete.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// `[entete]`: the establishment's lines, top left; the first one is set in bold.
    pub header: Text,
    /// `[date]`: the place and date line, e.g. `Fait à Villeurbanne, le {date_courrier}`.
    pub date_line: Text,
    /// `[pied]`: the footer lines at the bottom of the page.
    pub footer: Text,
}

/// The wording of one kind of letter (`relance.txt`, `rappel.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// `[objet]`
    pub subject: Text,
    /// `[corps]`
    pub body: Text,
    /// `[mail_objet]`
    pub mail_subject: Text,
    /// `[mail_corps]`
    pub mail_body: Text,
}

/// Where each template came from, for the execution's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

/// The three templates, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    pub letterhead: Letterhead,
    pub relance: Wording,
    pub rappel: Wording,
    /// `(file name, origin)` of each of the three templates.
    pub origins: Vec<(&'static str, Origin)>,
}

impl Templates {
    /// The wording of a kind of letter.
    pub fn wording(&self, kind: LetterKind) -> &Wording {
        match kind {
            LetterKind::Relance => &self.relance,
            LetterKind::Rappel => &self.rappel,
        }
    }

    /// The built-in templates.
    pub fn built_in() -> Templates {
        Templates::load(None).expect("the built-in templates are valid")
    }

    /// Loads the templates of `dir` (each file absent there is the built-in one), or the
    /// built-in ones when `dir` is `None`.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut origins = Vec::new();
        let mut read =
            |name: &'static str, built_in: &'static str| -> Result<(String, Location<'static>), TemplateError> {
                let path = dir.map(|dir| dir.join(name)).filter(|path| path.exists());
                match path {
                    None => {
                        origins.push((name, Origin::BuiltIn));
                        Ok((built_in.to_owned(), Location { file: name, line: 0 }))
                    }
                    Some(path) => {
                        let text = std::fs::read_to_string(&path).map_err(|error| TemplateError {
                            file: path.display().to_string(),
                            line: 0,
                            problem: TemplateProblem::Unreadable(error.to_string()),
                        })?;
                        origins.push((name, Origin::File(path)));
                        Ok((text, Location { file: name, line: 0 }))
                    }
                }
            };
        let (head, head_at) = read(ENTETE, include_str!("../templates/entete.txt"))?;
        let (relance, relance_at) = read(RELANCE, include_str!("../templates/relance.txt"))?;
        let (rappel, rappel_at) = read(RAPPEL, include_str!("../templates/rappel.txt"))?;

        let mut head = Sections::parse(&head, head_at, &["entete", "date", "pied"])?;
        let letterhead =
            Letterhead { header: head.take("entete"), date_line: head.take("date"), footer: head.take("pied") };
        let wording = |text: &str, at: Location<'static>| -> Result<Wording, TemplateError> {
            let mut sections = Sections::parse(text, at, &["objet", "corps", "mail_objet", "mail_corps"])?;
            if sections.get("corps").is_none_or(Text::is_empty) {
                return Err(at.error(TemplateProblem::MissingSection("corps")));
            }
            Ok(Wording {
                subject: sections.take("objet"),
                body: sections.take("corps"),
                mail_subject: sections.take("mail_objet"),
                mail_body: sections.take("mail_corps"),
            })
        };
        Ok(Templates {
            letterhead,
            relance: wording(&relance, relance_at)?,
            rappel: wording(&rappel, rappel_at)?,
            origins,
        })
    }
}

pub const ENTETE: &str = "entete.txt";
pub const RELANCE: &str = "relance.txt";
pub const RAPPEL: &str = "rappel.txt";

/// The sections of one file, in the order of `known`.
struct Sections {
    texts: Vec<(&'static str, Text)>,
}

impl Sections {
    fn parse(source: &str, at: Location<'static>, known: &[&'static str]) -> Result<Sections, TemplateError> {
        // (section, first line number, lines)
        let mut raw: Vec<(&'static str, usize, Vec<&str>)> = Vec::new();
        for (index, line) in source.lines().enumerate() {
            let here = Location { line: index + 1, ..at };
            let trimmed = line.trim();
            if trimmed.starts_with('#') {
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
                let name = name.trim();
                let section = known.iter().find(|known| **known == name).ok_or_else(|| {
                    here.error(TemplateProblem::UnknownSection { name: name.to_owned(), known: known.join("], [") })
                })?;
                if raw.iter().any(|(seen, _, _)| seen == section) {
                    return Err(here.error(TemplateProblem::DuplicateSection(name.to_owned())));
                }
                raw.push((section, index + 2, Vec::new()));
                continue;
            }
            match raw.last_mut() {
                Some((_, _, lines)) => lines.push(line.trim_end()),
                None if trimmed.is_empty() => {}
                None => return Err(here.error(TemplateProblem::OutsideSection)),
            }
        }
        let mut texts = Vec::new();
        for (section, first_line, lines) in raw {
            // Blank lines around a section are layout of the file, not of the letter.
            let start = lines.iter().position(|line| !line.trim().is_empty()).unwrap_or(lines.len());
            let end = lines.iter().rposition(|line| !line.trim().is_empty()).map_or(start, |i| i + 1);
            let mut text = Text::default();
            for (offset, line) in lines[start..end].iter().enumerate() {
                let here = Location { line: first_line + start + offset, ..at };
                let mut parsed = Text::parse(line, &here)?;
                if offset > 0 {
                    text.pieces.push(Piece::Text("\n".to_owned()));
                }
                text.pieces.append(&mut parsed.pieces);
            }
            text.pieces = merge_texts(text.pieces);
            texts.push((section, text));
        }
        Ok(Sections { texts })
    }

    fn get(&self, name: &str) -> Option<&Text> {
        self.texts.iter().find(|(section, _)| *section == name).map(|(_, text)| text)
    }

    fn take(&mut self, name: &str) -> Text {
        self.texts
            .iter_mut()
            .find(|(section, _)| *section == name)
            .map(|(_, text)| std::mem::take(text))
            .unwrap_or_default()
    }
}

/// Joins neighbouring literal pieces (one per line after parsing).
fn merge_texts(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (merged.last_mut(), piece) {
            (Some(Piece::Text(previous)), Piece::Text(next)) => previous.push_str(&next),
            (_, piece) => merged.push(piece),
        }
    }
    merged
}

#[derive(Debug, Clone, Copy)]
struct Location<'a> {
    file: &'a str,
    line: usize,
}

impl Location<'_> {
    fn error(&self, problem: TemplateProblem) -> TemplateError {
        TemplateError { file: self.file.to_owned(), line: self.line, problem }
    }
}

/// A template refused at load time: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Modèle de courrier {file}{} : {problem}", if *.line > 0 { format!(", ligne {}", .line) } else { String::new() })]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub problem: TemplateProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("champ inconnu {{{0}}} (champs possibles : {known})", known = field_names())]
    UnknownField(String),
    #[error("accolade non fermée après « {{{0} »")]
    Unclosed(String),
    #[error("section [{name}] inconnue (sections possibles : [{known}])")]
    UnknownSection { name: String, known: String },
    #[error("section [{0}] présente deux fois")]
    DuplicateSection(String),
    #[error("section [{0}] absente ou vide")]
    MissingSection(&'static str),
    #[error("texte hors de toute section (commencez par une ligne [section])")]
    OutsideSection,
    #[error("fichier illisible : {0}")]
    Unreadable(String),
}

fn field_names() -> String {
    Field::ALL.iter().map(|field| format!("{{{}}}", field.name())).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct Values(HashMap<Field, &'static str>);

    impl FieldValues for Values {
        fn value(&self, field: Field) -> Option<&str> {
            self.0.get(&field).copied()
        }
    }

    fn write_templates(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write template");
        }
        dir
    }

    #[test]
    fn the_built_in_templates_load_and_use_the_courrier() {
        let templates = Templates::built_in();
        let values = Values(HashMap::from([(Field::Courrier, "Texte du courrier."), (Field::Motif, "Bilan")]));
        assert!(templates.relance.body.render(&values).contains("Texte du courrier."));
        assert!(templates.rappel.body.render(&values).contains("Texte du courrier."));
        assert!(templates.origins.iter().all(|(_, origin)| *origin == Origin::BuiltIn));
    }

    #[test]
    fn fields_render_their_values_and_missing_ones_render_empty() {
        let dir = write_templates(&[(
            RELANCE,
            "# commentaire\n[objet]\nObjet : {motif} ({ine})\n[corps]\n\n{{{prenom}}}\n\n",
        )]);
        let templates = Templates::load(Some(dir.path())).expect("valid");
        let values = Values(HashMap::from([(Field::Motif, "Vaccins"), (Field::Prenom, "Zoé")]));
        assert_eq!(templates.relance.subject.render(&values), "Objet : Vaccins ()");
        assert_eq!(templates.relance.body.render(&values), "{Zoé}");
        assert_eq!(templates.origins[1], (RELANCE, Origin::File(dir.path().join(RELANCE))));
        assert_eq!(templates.origins[0], (ENTETE, Origin::BuiltIn));
    }

    #[test]
    fn an_unknown_field_is_refused_at_load_time_with_its_name_and_line() {
        let dir = write_templates(&[(RAPPEL, "[corps]\nBonjour {prénom},\n")]);
        let error = Templates::load(Some(dir.path())).expect_err("unknown field");
        assert_eq!((error.file.as_str(), error.line), (RAPPEL, 2));
        assert_eq!(error.problem, TemplateProblem::UnknownField("prénom".to_owned()));
        let message = error.to_string();
        assert!(message.starts_with("Modèle de courrier rappel.txt, ligne 2 : champ inconnu {prénom}"), "{message}");
        assert!(message.contains("{prenom}"), "{message}");
    }

    #[test]
    fn broken_templates_are_refused_with_a_clear_reason() {
        for (text, expected) in [
            ("[corps]\n{motif\n", TemplateProblem::Unclosed("motif".to_owned())),
            (
                "[corp]\nx\n",
                TemplateProblem::UnknownSection {
                    name: "corp".to_owned(),
                    known: "objet], [corps], [mail_objet], [mail_corps".to_owned(),
                },
            ),
            ("Bonjour\n[corps]\nx\n", TemplateProblem::OutsideSection),
            ("[objet]\nx\n", TemplateProblem::MissingSection("corps")),
            ("[corps]\nx\n[corps]\ny\n", TemplateProblem::DuplicateSection("corps".to_owned())),
        ] {
            let dir = write_templates(&[(RELANCE, text)]);
            let error = Templates::load(Some(dir.path())).expect_err(text);
            assert_eq!(error.problem, expected, "{text}");
        }
    }
}

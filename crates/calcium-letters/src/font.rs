//! The typeface of the letters: Liberation Serif (SIL Open Font License 1.1, `fonts/`), regular
//! and bold, compiled into the program. Letters then look the same on every server and need
//! nothing installed; the PDF embeds only the glyphs it uses (krilla subsets the font).
//!
//! A [`Face`] answers the two questions layout asks — which glyph draws a character, and how
//! wide it is — from tables read once. A character the face lacks is replaced by its closest
//! ASCII spelling ([`Face::printable`]), so a letter never shows an empty box.

use std::collections::HashMap;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");

/// One font: its krilla handle for drawing and its metrics for layout.
#[derive(Debug, Clone)]
pub struct Face {
    pub(crate) font: krilla::text::Font,
    /// char → (glyph id, advance in em).
    glyphs: HashMap<char, (u32, f32)>,
    notdef_advance: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        let font_ref = FontRef::new(data).expect("the bundled font is a valid TrueType font");
        let units_per_em = f32::from(font_ref.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
        let metrics = font_ref.glyph_metrics(Size::unscaled(), LocationRef::default());
        let glyphs = font_ref
            .charmap()
            .mappings()
            .filter_map(|(code_point, glyph)| {
                let ch = char::from_u32(code_point)?;
                let advance = metrics.advance_width(glyph).unwrap_or(0.0) / units_per_em;
                Some((ch, (glyph.to_u32(), advance)))
            })
            .collect();
        let notdef_advance = metrics.advance_width(skrifa::GlyphId::NOTDEF).unwrap_or(0.0) / units_per_em;
        let font = krilla::text::Font::new(data.into(), 0).expect("krilla reads the bundled font");
        Face { font, glyphs, notdef_advance }
    }

    /// The glyph and advance (in em) of `ch`, if the face has it.
    pub(crate) fn glyph(&self, ch: char) -> Option<(u32, f32)> {
        self.glyphs.get(&ch).copied()
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|ch| self.glyph(ch).map_or(self.notdef_advance, |(_, advance)| advance)).sum::<f32>() * size
    }

    /// `text` with every character the face cannot draw replaced by its ASCII spelling
    /// (deunicode), and tabs as spaces; the replaced characters are returned too, for the log.
    pub fn printable(&self, text: &str) -> (String, Vec<char>) {
        if text.chars().all(|ch| ch == '\n' || self.glyphs.contains_key(&ch)) {
            return (text.to_owned(), Vec::new());
        }
        let mut out = String::with_capacity(text.len());
        let mut replaced = Vec::new();
        for ch in text.chars() {
            match ch {
                '\n' => out.push('\n'),
                '\t' => out.push(' '),
                '\r' => {}
                ch if self.glyphs.contains_key(&ch) => out.push(ch),
                ch => {
                    replaced.push(ch);
                    let spelled = deunicode::deunicode_char(ch).unwrap_or("?");
                    out.extend(spelled.chars().filter(|c| self.glyphs.contains_key(c)));
                }
            }
        }
        (out, replaced)
    }
}

/// The regular and bold faces.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    /// Reads the bundled fonts (a few milliseconds; do it once per run).
    pub fn bundled() -> Fonts {
        Fonts { regular: Face::load(REGULAR), bold: Face::load(BOLD) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_face_draws_french_text_and_its_spaces() {
        let fonts = Fonts::bundled();
        for ch in "éèêëàâçîïôœûùüÿÉÈÇŒÀ«»’–—€\u{a0}\u{202f}".chars() {
            assert!(fonts.regular.glyph(ch).is_some(), "regular lacks {ch:?}");
            assert!(fonts.bold.glyph(ch).is_some(), "bold lacks {ch:?}");
        }
        assert!(fonts.regular.width("Mm", 10.0) > fonts.regular.width("il", 10.0));
    }

    #[test]
    fn characters_the_face_lacks_are_spelled_in_ascii() {
        let fonts = Fonts::bundled();
        let (text, replaced) = fonts.regular.printable("Dvořák 李\tx");
        assert!(text.starts_with("Dvořák "), "{text}");
        assert_eq!(replaced, ['李']);
        assert!(text.ends_with(" x") && !text.contains('李'), "{text}");
    }
}

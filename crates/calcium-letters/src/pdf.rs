//! Draws laid-out letters into one PDF (krilla): every placed line becomes a run of glyphs of
//! the bundled font, with its text attached, so the PDF can be searched and its text copied or
//! extracted with its accents.

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use crate::font::{Face, Fonts};
use crate::layout::{LaidOutLetter, PAGE_HEIGHT, PAGE_WIDTH, PlacedText};

/// The PDF could not be finished.
#[derive(Debug, thiserror::Error)]
#[error("PDF des courriers impossible à produire : {0}")]
pub struct PdfError(String);

/// A PDF being filled, letter after letter.
pub struct LetterPdf {
    document: Document,
    fonts: Fonts,
    pages: usize,
}

impl std::fmt::Debug for LetterPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LetterPdf").field("pages", &self.pages).finish_non_exhaustive()
    }
}

impl LetterPdf {
    pub fn new(fonts: Fonts, title: &str) -> LetterPdf {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new().title(title.to_owned()).language("fr-FR".to_owned()).creator("Calcium".to_owned()),
        );
        LetterPdf { document, fonts, pages: 0 }
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Pages added so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Adds the pages of one letter.
    pub fn add(&mut self, letter: &LaidOutLetter) {
        for layout in &letter.pages {
            let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size");
            let mut page = self.document.start_page_with(settings);
            let mut surface = page.surface();
            for rule in &layout.rules {
                let mut path = PathBuilder::new();
                path.move_to(rule.x1, rule.y);
                path.line_to(rule.x2, rule.y);
                if let Some(path) = path.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { width: 0.6, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
            for text in &layout.texts {
                let face = if text.bold { &self.fonts.bold } else { &self.fonts.regular };
                draw(&mut surface, face, text);
            }
            surface.finish();
            page.finish();
            self.pages += 1;
        }
    }

    /// The PDF's bytes.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        self.document.finish().map_err(|error| PdfError(format!("{error:?}")))
    }
}

fn draw(surface: &mut Surface<'_>, face: &Face, placed: &PlacedText) {
    if placed.text.is_empty() {
        return;
    }
    let glyphs: Vec<KrillaGlyph> = placed
        .text
        .char_indices()
        .map(|(start, ch)| {
            // `Face::printable` ran before layout: every character has its glyph here.
            let (glyph, advance) = face.glyph(ch).unwrap_or((0, 0.0));
            KrillaGlyph::new(GlyphId::new(glyph), advance, 0.0, 0.0, 0.0, start..start + ch.len_utf8(), None)
        })
        .collect();
    surface.draw_glyphs(
        Point::from_xy(placed.x, placed.y),
        &glyphs,
        face.font.clone(),
        &placed.text,
        placed.size,
        false,
    );
}

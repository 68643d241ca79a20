//! Page layout of a letter on A4, in points from the top-left corner: where each line goes,
//! in which face and size. Pure arithmetic over the font metrics; [`crate::pdf`] only draws
//! what this module placed.
//!
//! The address block sits in the window of a French DL window envelope (window 100 × 45 mm,
//! 20 mm from the right edge, 15 mm from the bottom) for an A4 sheet folded in three: the
//! block's lines fall between 55 and 90 mm from the top, 110 mm from the left edge. The body is
//! wrapped to the text width; a body too long for one page is set smaller (down to 9 pt) and,
//! past that, continues on a second page (the run's log says so), so no text is ever cut.

use crate::font::{Face, Fonts};

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
pub const PAGE_WIDTH: f32 = 210.0 * MM;
pub const PAGE_HEIGHT: f32 = 297.0 * MM;

const LEFT: f32 = 25.0 * MM;
const RIGHT: f32 = 20.0 * MM;
const TEXT_WIDTH: f32 = PAGE_WIDTH - LEFT - RIGHT;

const HEAD_TOP: f32 = 20.0 * MM;
const HEAD_FIRST_SIZE: f32 = 12.0;
const HEAD_SIZE: f32 = 9.5;

const ADDRESS_LEFT: f32 = 110.0 * MM;
const ADDRESS_FIRST_BASELINE: f32 = 58.0 * MM;
const ADDRESS_SIZE: f32 = 10.5;
const ADDRESS_WIDTH: f32 = PAGE_WIDTH - ADDRESS_LEFT - 15.0 * MM;
/// The window's height holds this many lines; more would be hidden by the envelope.
const ADDRESS_MAX_LINES: usize = 7;

const DATE_BASELINE: f32 = 103.0 * MM;
const SUBJECT_BASELINE: f32 = 118.0 * MM;
const BODY_TOP: f32 = 130.0 * MM;
const CONTINUED_BODY_TOP: f32 = 30.0 * MM;
const FOOTER_FIRST_BASELINE: f32 = 280.0 * MM;
const FOOTER_SIZE: f32 = 7.5;
/// The body stops above the footer.
const BODY_BOTTOM: f32 = 270.0 * MM;

/// Body sizes tried in turn until the body fits on the page.
const BODY_SIZES: [f32; 5] = [11.0, 10.5, 10.0, 9.5, 9.0];
const LEADING: f32 = 1.28;

/// What a letter says, in reading order, before layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterContent {
    /// The establishment's lines; the first is set in bold.
    pub letterhead: Vec<String>,
    /// The addressee: name line, then address lines (or a line saying the address is missing).
    pub recipient: Vec<String>,
    pub date_line: String,
    pub subject: String,
    /// Paragraphs separated by newlines; an empty line is a blank line.
    pub body: String,
    pub footer: Vec<String>,
}

/// A line of text at its place: `x` from the left edge, `y` the baseline from the top edge.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedText {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub text: String,
}

/// A thin horizontal rule from `x1` to `x2` at `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub x2: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageLayout {
    pub texts: Vec<PlacedText>,
    pub rules: Vec<Rule>,
}

/// A letter laid out: one page, or more when its body did not fit.
#[derive(Debug, Clone, PartialEq)]
pub struct LaidOutLetter {
    pub pages: Vec<PageLayout>,
    /// The body size used (11 pt unless the body was long).
    pub body_size: f32,
    /// Characters the font lacks, printed in their ASCII spelling.
    pub replaced: Vec<char>,
    /// Address lines dropped because the window holds no more.
    pub address_lines_dropped: usize,
}

/// Lays `content` out on A4 pages.
pub fn lay_out(content: &LetterContent, fonts: &Fonts) -> LaidOutLetter {
    let mut replaced = Vec::new();
    let mut printable = |face: &Face, text: &str| {
        let (text, mut lacking) = face.printable(text);
        replaced.append(&mut lacking);
        text
    };
    let mut page = PageLayout::default();

    // Letterhead, top left, and a rule under it.
    let mut y = HEAD_TOP;
    for (index, line) in content.letterhead.iter().enumerate() {
        let (face, size, bold) =
            if index == 0 { (&fonts.bold, HEAD_FIRST_SIZE, true) } else { (&fonts.regular, HEAD_SIZE, false) };
        y += size * if index == 0 { 1.0 } else { LEADING };
        page.texts.push(PlacedText { x: LEFT, y, size, bold, text: printable(face, line) });
    }
    if !content.letterhead.is_empty() {
        page.rules.push(Rule { x1: LEFT, x2: LEFT + 60.0 * MM, y: y + 3.0 * MM });
    }

    // The address block, in the envelope's window; a line too wide is set smaller.
    let address_lines_dropped = content.recipient.len().saturating_sub(ADDRESS_MAX_LINES);
    for (index, line) in content.recipient.iter().take(ADDRESS_MAX_LINES).enumerate() {
        let text = printable(&fonts.regular, line);
        let width = fonts.regular.width(&text, ADDRESS_SIZE);
        let size = if width > ADDRESS_WIDTH { ADDRESS_SIZE * ADDRESS_WIDTH / width } else { ADDRESS_SIZE };
        let y = ADDRESS_FIRST_BASELINE + index as f32 * ADDRESS_SIZE * LEADING;
        page.texts.push(PlacedText { x: ADDRESS_LEFT, y, size, bold: false, text });
    }

    page.texts.push(PlacedText {
        x: ADDRESS_LEFT,
        y: DATE_BASELINE,
        size: BODY_SIZES[0],
        bold: false,
        text: printable(&fonts.regular, &content.date_line),
    });

    let subject_lines = wrap(&printable(&fonts.bold, &content.subject), &fonts.bold, BODY_SIZES[0], TEXT_WIDTH);
    let mut y = SUBJECT_BASELINE;
    for line in subject_lines {
        page.texts.push(PlacedText { x: LEFT, y, size: BODY_SIZES[0], bold: true, text: line });
        y += BODY_SIZES[0] * LEADING;
    }
    let body_top = BODY_TOP.max(y + 4.0 * MM);

    let footer: Vec<PlacedText> = content
        .footer
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let text = printable(&fonts.regular, line);
            let x = ((PAGE_WIDTH - fonts.regular.width(&text, FOOTER_SIZE)) / 2.0).max(LEFT);
            PlacedText {
                x,
                y: FOOTER_FIRST_BASELINE + index as f32 * FOOTER_SIZE * LEADING,
                size: FOOTER_SIZE,
                bold: false,
                text,
            }
        })
        .collect();

    // The body: the largest size that fits, else the smallest, continued on further pages.
    let body = printable(&fonts.regular, &content.body);
    let (body_size, lines) = BODY_SIZES
        .iter()
        .map(|&size| (size, wrap_paragraphs(&body, &fonts.regular, size)))
        .find(|(size, lines)| fits(lines.len(), *size, body_top))
        .unwrap_or_else(|| {
            let size = BODY_SIZES[BODY_SIZES.len() - 1];
            (size, wrap_paragraphs(&body, &fonts.regular, size))
        });
    let step = body_size * LEADING;
    let mut pages = Vec::new();
    let mut y = body_top;
    for line in lines {
        if y + step > BODY_BOTTOM {
            page.texts.extend(footer.iter().cloned());
            pages.push(std::mem::take(&mut page));
            y = CONTINUED_BODY_TOP;
        }
        y += step;
        if !line.is_empty() {
            page.texts.push(PlacedText { x: LEFT, y, size: body_size, bold: false, text: line });
        }
    }
    page.texts.extend(footer);
    pages.push(page);
    LaidOutLetter { pages, body_size, replaced, address_lines_dropped }
}

fn fits(line_count: usize, size: f32, top: f32) -> bool {
    top + line_count as f32 * size * LEADING <= BODY_BOTTOM
}

fn wrap_paragraphs(text: &str, face: &Face, size: f32) -> Vec<String> {
    text.split('\n').flat_map(|paragraph| wrap(paragraph, face, size, TEXT_WIDTH)).collect()
}

/// Breaks one paragraph into lines no wider than `width` at `size` points, at plain spaces
/// (no-break spaces hold); a word wider than a line is broken between characters. An empty
/// paragraph is one empty line.
pub fn wrap(paragraph: &str, face: &Face, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    let space = face.width(" ", size);
    for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
        let word_width = face.width(word, size);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line.push_str(word);
            line_width = word_width;
        } else {
            // A word wider than the line (a long link): cut it where it overflows.
            line_width = 0.0;
            for ch in word.chars() {
                let ch_width = face.width(ch.encode_utf8(&mut [0; 4]), size);
                if line_width + ch_width > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(ch);
                line_width += ch_width;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> LetterContent {
        LetterContent {
            letterhead: vec!["Université".to_owned(), "Service de santé".to_owned()],
            recipient: vec!["Madame Zoé Lefèvre".to_owned(), "3 rue de l'Église".to_owned(), "21000 DIJON".to_owned()],
            date_line: "Fait à Dijon, le 29 novembre 2026".to_owned(),
            subject: "Objet : bilan".to_owned(),
            body: body.to_owned(),
            footer: vec!["Pied de page".to_owned()],
        }
    }

    #[test]
    fn lines_never_exceed_the_width_and_keep_every_word() {
        let fonts = Fonts::bundled();
        let text = "Nous vous remercions de bien vouloir prendre rendez-vous auprès du secrétariat afin de compléter votre bilan de santé, dans les meilleurs délais.";
        let lines = wrap(text, &fonts.regular, 11.0, 150.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(fonts.regular.width(line, 11.0) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let fonts = Fonts::bundled();
        let lines = wrap("aaaa bbbb\u{a0}:", &fonts.regular, 11.0, fonts.regular.width("aaaa bbbb", 11.0));
        assert_eq!(lines, ["aaaa", "bbbb\u{a0}:"]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        let fonts = Fonts::bundled();
        let lines = wrap(&"x".repeat(200), &fonts.regular, 11.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "x".repeat(200));
    }

    #[test]
    fn a_usual_letter_fits_one_page_at_eleven_points() {
        let fonts = Fonts::bundled();
        let body =
            "Madame, Monsieur,\n\nVotre bilan de santé est incomplet.\n\nNous vous prions d'agréer nos salutations.";
        let letter = lay_out(&content(body), &fonts);
        assert_eq!((letter.pages.len(), letter.body_size), (1, 11.0));
        let address = letter.pages[0].texts.iter().find(|t| t.text == "21000 DIJON").expect("address line");
        assert!(address.x >= 100.0 * MM && (55.0 * MM..=95.0 * MM).contains(&address.y), "{address:?}");
    }

    #[test]
    fn a_long_body_is_set_smaller_then_continued_but_never_cut() {
        let fonts = Fonts::bundled();
        let paragraph = "Une phrase assez longue pour remplir une bonne partie de la ligne de texte. ";
        let letter = lay_out(&content(&paragraph.repeat(60)), &fonts);
        assert_eq!(letter.body_size, 9.0);
        assert!(letter.pages.len() >= 2);
        let printed: String = letter
            .pages
            .iter()
            .flat_map(|p| &p.texts)
            .filter(|t| t.size == 9.0)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(printed.split_whitespace().count(), paragraph.repeat(60).split_whitespace().count());
    }
}

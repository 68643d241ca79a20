//! French typography for printed letters: the text staff typed on a keyboard becomes what a
//! printed French letter shows — a narrow no-break space before `; ! ?`, a no-break space
//! before `:` and inside `« »`, the typographic apostrophe — so that line wrapping never leaves
//! a `?` or a `»` alone at the start of a line.
//!
//! Only the print gets this: mails and listings keep the text as typed.

/// U+00A0, before `:` and inside guillemets.
pub const NO_BREAK_SPACE: char = '\u{a0}';
/// U+202F, before `;`, `!` and `?`.
pub const NARROW_NO_BREAK_SPACE: char = '\u{202f}';

/// Applies the French spacing and apostrophe rules to `text`.
pub fn french(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => out.push('’'),
            ':' | ';' | '!' | '?' | '»' => {
                let spaced_by_hand = out.ends_with(' ');
                while out.ends_with(' ') {
                    out.pop();
                }
                let before = out.chars().last();
                let glued = matches!(before, None | Some('\n' | NO_BREAK_SPACE | NARROW_NO_BREAK_SPACE));
                // "10:30" and "https://" keep their colon; "?!" keeps its second sign close.
                let time_or_url =
                    ch == ':' && !spaced_by_hand && chars.peek().is_some_and(|n| n.is_ascii_digit() || *n == '/');
                let repeated = !spaced_by_hand && before.is_some_and(|b| matches!(b, ':' | ';' | '!' | '?'));
                if !glued && !time_or_url && !repeated {
                    out.push(if matches!(ch, ':' | '»') { NO_BREAK_SPACE } else { NARROW_NO_BREAK_SPACE });
                }
                out.push(ch);
            }
            '«' => {
                out.push('«');
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                if chars.peek().is_some_and(|n| *n != '\n' && *n != NO_BREAK_SPACE) {
                    out.push(NO_BREAK_SPACE);
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let expected = expected.replace('_', "\u{a0}").replace('^', "\u{202f}");
        assert_eq!(french(input), expected, "{input:?}");
    }

    #[test]
    fn spaces_before_double_signs_become_unbreakable() {
        check("Objet : bilan", "Objet_: bilan");
        check("Objet: bilan", "Objet_: bilan");
        check("Vraiment ? Oui !", "Vraiment^? Oui^!");
        check("Un ; deux", "Un^; deux");
    }

    #[test]
    fn guillemets_hold_their_words() {
        check("« n'habite pas à l'adresse »", "«_n’habite pas à l’adresse_»");
        check("«mot»", "«_mot_»");
    }

    #[test]
    fn times_urls_and_repeated_signs_are_left_alone() {
        check("à 10:30", "à 10:30");
        check("https://u-exemple.fr", "https://u-exemple.fr");
        check("Quoi ?!", "Quoi^?!");
    }

    #[test]
    fn a_sign_at_the_start_of_a_line_gets_no_space() {
        check("?\n: x", "?\n: x");
    }
}

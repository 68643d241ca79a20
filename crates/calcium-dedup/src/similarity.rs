//! String similarity of normalised names (uppercase ASCII, so bytes are letters): Jaro-Winkler
//! and "one typing slip away". Written here rather than taken from a crate: names fit in a
//! 64-bit word, so the bit-parallel Jaro of `rapidfuzz` is a few lines, with no dependency.

/// Names longer than this are compared on their first `MAX_LEN` bytes (no name is that long).
const MAX_LEN: usize = 64;

/// The Jaro-Winkler similarity of `a` and `b`, from 0 (nothing in common) to 1 (equal), with
/// the usual prefix scale 0.1 over at most four letters.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (&a.as_bytes()[..a.len().min(MAX_LEN)], &b.as_bytes()[..b.len().min(MAX_LEN)]);
    let jaro = jaro(a, b);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

/// Jaro similarity, bit-parallel (as rapidfuzz does): for each letter of `a`, the letters of
/// `b` it may match are one AND of bit masks, so a name costs a few operations per letter.
/// Both are at most [`MAX_LEN`] bytes; bytes are read modulo 128 (normalised names are ASCII).
fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() { 1.0 } else { 0.0 };
    }
    if a == b {
        return 1.0;
    }
    // Where each letter occurs in `b`.
    let mut positions = [0_u64; 128];
    for (j, &letter) in b.iter().enumerate() {
        positions[usize::from(letter & 0x7F)] |= 1 << j;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1_u64 << n) - 1 };
    let (mut a_matched, mut b_matched) = (0_u64, 0_u64);
    for (i, &letter) in a.iter().enumerate() {
        let allowed = below((i + window + 1).min(b.len())) & !below(i.saturating_sub(window));
        let free = positions[usize::from(letter & 0x7F)] & allowed & !b_matched;
        if free != 0 {
            b_matched |= free & free.wrapping_neg();
            a_matched |= 1 << i;
        }
    }
    let matches = a_matched.count_ones();
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0;
    let (mut in_a, mut in_b) = (a_matched, b_matched);
    while in_a != 0 {
        let (i, j) = (in_a.trailing_zeros() as usize, in_b.trailing_zeros() as usize);
        transpositions += u32::from(a[i] != b[j]);
        in_a &= in_a - 1;
        in_b &= in_b - 1;
    }
    let m = f64::from(matches);
    (m / a.len() as f64 + m / b.len() as f64 + (m - f64::from(transpositions / 2)) / m) / 3.0
}

/// Whether `a` and `b` differ by at most one slip: one letter changed, added or dropped, or
/// two neighbours swapped.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    within_one_slip(a.as_bytes(), b.as_bytes())
}

/// [`within_one_edit`] on bytes.
pub(crate) fn within_one_slip(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match (a.len(), b.len()) {
        (0, _) | (_, 0) => true,
        (x, y) if x == y => a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..]),
        (x, y) if x > y => a[1..] == *b,
        _ => *a == b[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 0.001
    }

    #[test]
    fn jaro_winkler_gives_the_published_values() {
        // Winkler's examples (1990) and the usual test pairs.
        assert!(close(jaro_winkler("MARTHA", "MARHTA"), 0.961), "{}", jaro_winkler("MARTHA", "MARHTA"));
        assert!(close(jaro_winkler("DWAYNE", "DUANE"), 0.840), "{}", jaro_winkler("DWAYNE", "DUANE"));
        assert!(close(jaro_winkler("DIXON", "DICKSONX"), 0.813), "{}", jaro_winkler("DIXON", "DICKSONX"));
        assert_eq!(jaro_winkler("DUPONT", "DUPONT"), 1.0);
        assert_eq!(jaro_winkler("ABC", "XYZ"), 0.0);
        assert_eq!(jaro_winkler("", "A"), 0.0);
    }

    #[test]
    fn one_slip_is_one_change_addition_removal_or_swap() {
        for (a, b) in [("MARTIN", "MARTIN"), ("MARTIN", "MARTYN"), ("MARTIN", "MARTINE"), ("MARTIN", "MATIN")] {
            assert!(within_one_edit(a, b) && within_one_edit(b, a), "{a} {b}");
        }
        assert!(within_one_edit("MARTIN", "MRATIN") && within_one_edit("LEA", "LAE"));
        for (a, b) in [("MARTIN", "MRATNI"), ("MARTIN", "MARTINEZ"), ("LEA", "ZOE"), ("AB", "BC")] {
            assert!(!within_one_edit(a, b), "{a} {b}");
        }
    }

    proptest! {
        #[test]
        fn jaro_winkler_is_symmetric_bounded_and_one_on_equal_names(a in "[A-Z]{0,20}", b in "[A-Z]{0,20}") {
            let ab = jaro_winkler(&a, &b);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert!((ab - jaro_winkler(&b, &a)).abs() < 1e-9);
            prop_assert_eq!(jaro_winkler(&a, &a), 1.0);
        }

        #[test]
        fn any_single_slip_is_within_one_edit(name in "[A-Z]{2,15}", at in 0usize..15, letter in "[A-Z]") {
            let at = at % name.len();
            let mut changed = name.clone();
            changed.replace_range(at..=at, &letter);
            let mut dropped = name.clone();
            dropped.remove(at);
            let mut added = name.clone();
            added.insert_str(at, &letter);
            for other in [changed, dropped, added] {
                prop_assert!(within_one_edit(&name, &other) && within_one_edit(&other, &name));
            }
        }
    }
}

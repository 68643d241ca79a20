//! Identifiers (INE, NNI, e-mail) packed in one `u64` instead of interned strings.
//!
//! Nearly every student has his own INE, NNI and e-mail: interned, they were three strings a
//! student in the table, and comparing two INEs (equal, one slip, different) read both strings
//! from the heap, most of a candidate pair's cache misses. An identifier of at most
//! [`MAX_PACKED`] digits and uppercase letters (every INE, every NNI) is packed as base-37
//! digits, so that "one slip" is still decided on its characters; anything else (an e-mail, an
//! odd value) is a 64-bit hash, compared for equality only (two different values sharing a
//! hash among a million: about one chance in ten million).

use crate::similarity::within_one_slip;

/// A packed identifier; [`NO_ID`] when empty.
pub(crate) type PackedId = u64;
pub(crate) const NO_ID: PackedId = 0;

/// Characters a packed identifier holds at most: 37^12 < 2^63, the top bit marks a hash.
const MAX_PACKED: usize = 12;
const HASHED: u64 = 1 << 63;

/// The packed form of a trimmed, uppercase value.
pub(crate) fn pack(value: &str) -> PackedId {
    if value.is_empty() {
        return NO_ID;
    }
    let bytes = value.as_bytes();
    if bytes.len() <= MAX_PACKED && bytes.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return bytes.iter().fold(0, |n, &b| n * 37 + digit(b));
    }
    // FNV-1a, then splitmix's finaliser: a well-mixed hash, the same from run to run.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) | HASHED
}

/// 1–10 for digits, 11–36 for letters: 0 never starts a packed value, so lengths are kept.
fn digit(b: u8) -> u64 {
    if b.is_ascii_digit() { u64::from(b - b'0') + 1 } else { u64::from(b - b'A') + 11 }
}

/// The characters of a packed (not hashed) identifier, and how many there are.
fn unpack(mut n: u64) -> ([u8; MAX_PACKED], usize) {
    let mut out = [0; MAX_PACKED];
    let mut len = 0;
    while n != 0 {
        let d = (n % 37) as u8;
        out[len] = if d <= 10 { b'0' + d - 1 } else { b'A' + d - 11 };
        len += 1;
        n /= 37;
    }
    out[..len].reverse();
    (out, len)
}

/// Whether two different identifiers differ by one typing slip (never for hashed values).
pub(crate) fn one_slip_apart(a: PackedId, b: PackedId) -> bool {
    if a & HASHED != 0 || b & HASHED != 0 {
        return false;
    }
    let ((x, x_len), (y, y_len)) = (unpack(a), unpack(b));
    within_one_slip(&x[..x_len], &y[..y_len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers_pack_apart_and_slips_are_seen() {
        assert_eq!(pack(""), NO_ID);
        assert_ne!(pack("0123456789A"), pack("123456789A"));
        assert!(one_slip_apart(pack("0123456789A"), pack("0123456789B")));
        assert!(one_slip_apart(pack("1234567"), pack("1243567")));
        assert!(!one_slip_apart(pack("1234567"), pack("7654321")));
        let mail = pack("LEA.MARTIN@EXAMPLE.FR");
        assert_ne!(mail & HASHED, 0);
        assert_eq!(mail, pack("LEA.MARTIN@EXAMPLE.FR"));
        assert!(!one_slip_apart(mail, pack("LEA.MARTIN@EXAMPLE.FX")));
    }

    proptest! {
        #[test]
        fn packing_keeps_every_character(value in "[0-9A-Z]{1,12}") {
            let packed = pack(&value);
            prop_assert_eq!(packed & HASHED, 0);
            let (chars, len) = unpack(packed);
            prop_assert_eq!(&chars[..len], value.as_bytes());
        }
    }
}

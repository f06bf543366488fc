//! Small text helpers shared by the parsers: what users type is rarely what we store.

/// Whether `c` is one of the many dashes, hyphens and minus signs people paste or type
/// (Unicode Dash_Punctuation, the minus signs, the soft hyphen).
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{00AD}' | '\u{058A}' | '\u{05BE}' | '\u{1400}' | '\u{1806}' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2043}'
                | '\u{207B}'
                | '\u{208B}'
                | '\u{2212}'
                | '\u{2796}'
                | '\u{02D7}'
                | '\u{2E17}'
                | '\u{2E1A}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{2E40}'
                | '\u{301C}'
                | '\u{3030}'
                | '\u{30A0}'
                | '\u{FE31}'
                | '\u{FE32}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
    )
}

/// Removes every kind of white space (including the non-breaking spaces word processors insert),
/// so that `732 829 320 00074` and `73282932000074` read the same.
pub(crate) fn without_spaces(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether every byte of `s` is an ASCII digit (and there is at least one).
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The value of a string of ASCII digits, modulo `m` (works for numbers of any length).
pub(crate) fn digits_mod(s: &str, m: u64) -> u64 {
    s.bytes()
        .fold(0, |acc, b| (acc * 10 + u64::from(b - b'0')) % m)
}

/// The Luhn sum of a string of ASCII digits: valid numbers give a multiple of 10.
pub(crate) fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum()
}

/// The 23 letters used as check characters by UAI and INE numbers (no I, O or Q).
pub(crate) const ALPHABET_23: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// Whether `text` holds a control character other than a tab or a line break: NUL and its
/// kind mean nothing in a name, an address or a title, and some databases refuse them.
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Whether a percent-encoded path or query string names a control character (`%00`, `%0A`,
/// `%7F`…): no id, search word or filter holds one, and PostgreSQL refuses NUL in text.
pub fn escapes_control_character(escaped: &str) -> bool {
    // Two hex digits exactly: `from_str_radix` alone would read `%+2` as byte 2 (found by the
    // query_string fuzz target).
    let hex = |b: u8| char::from(b).to_digit(16);
    escaped.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && hex(w[1])
                .zip(hex(w[2]))
                .is_some_and(|(high, low)| matches!(high * 16 + low, 0..0x20 | 0x7f))
    })
}

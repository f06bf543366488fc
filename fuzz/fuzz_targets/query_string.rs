//! The refusal of control characters in addresses: on any text, the answer is the same as
//! decoding every `%XX` and looking for one.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let decoded_control = text.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && w[1].is_ascii_hexdigit()
            && w[2].is_ascii_hexdigit()
            && std::str::from_utf8(&w[1..])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .is_some_and(|byte| byte < 0x20 || byte == 0x7f)
    });
    assert_eq!(domain::escapes_control_character(text), decoded_control);
});

//! The PDF gate's first pass, the part that runs in the server's own process on every PDF from
//! outside: on any bytes, never a panic and never more than one pass; what it refuses, it names
//! in a line its parent reads back as the same refusal. (The real reader runs in the gate's
//! bounded child process; `tests/api/hostile_pdfs.rs` feeds it what it cannot survive.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pdf::gate::{Limits, Refusal, precheck};

fuzz_target!(|bytes: &[u8]| {
    // Small bounds, so that short inputs reach every refusal.
    let limits = Limits {
        max_bytes: 4096,
        max_depth: 8,
        max_objects: 16,
        max_inflated_bytes: 4096,
    };
    for limits in [limits, Limits::PLATFORM] {
        if let Err(refusal) = precheck(bytes, &limits) {
            assert_eq!(Refusal::from_line(&refusal.to_line()), Some(refusal.clone()));
            assert!(!refusal.message().is_empty());
        }
    }
    // A child's line, whatever it says, reads as a refusal or as nothing: never a panic.
    if let Ok(line) = std::str::from_utf8(bytes) {
        let _ = Refusal::from_line(line);
    }
});

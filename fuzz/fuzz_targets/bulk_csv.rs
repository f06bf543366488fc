//! A bulk invitation's CSV, any bytes: rows or a refusal, never a panic, never past the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(rows) = api_types::bulk_csv::parse(bytes, 50) {
        assert!(rows.len() <= 51);
    }
});

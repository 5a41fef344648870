//! Arbitrary plan links: decoding never panics and never returns more than the
//! input limit; a description always survives a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollplan_core::MAX_INPUT_BYTES;
use rollplan_core::link::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(description) = decode(text) {
        assert!(description.len() <= MAX_INPUT_BYTES);
    }
    assert_eq!(decode(&encode(text)).as_deref(), Ok(text));
});

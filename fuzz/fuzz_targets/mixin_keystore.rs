//! Any text as a Mixin keystore: a precise error or a key, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parley_core::services::mixin::keystore::Keystore::parse(text);
    }
});

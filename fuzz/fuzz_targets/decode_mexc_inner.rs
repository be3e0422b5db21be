//! Any text as the JSON *inside* a MEXC `RECEIVE_MESSAGE` frame's `data` string (the chat
//! message is JSON in a JSON string): random frames rarely get past the outer envelope, so
//! this target wraps the input in a valid one and fuzzes the inner parser and the message
//! building behind it. The codec may refuse it, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static CODEC: RefCell<Box<dyn parley_core::codec::Codec>> = RefCell::new(parley_fuzz::mexc());
}

fuzz_target!(|data: &[u8]| {
    let Ok(inner) = std::str::from_utf8(data) else {
        return;
    };
    let frame = serde_json::json!({"method": "RECEIVE_MESSAGE", "data": inner}).to_string();
    CODEC.with(|c| parley_fuzz::feed(c.borrow_mut().as_mut(), false, frame.as_bytes()));
});

//! The codecs under fuzzing: the same builders as the codec conformance test.

#[path = "../../crates/core/tests/support/codecs.rs"]
mod codecs;

pub use codecs::{mexc, mixin, mockly, realtime};
use parley_core::codec::{Codec, Env, InFrame};

/// Feeds `data` as a text frame when it is UTF-8 (and `binary` is false), else as binary.
pub fn feed(codec: &mut dyn Codec, binary: bool, data: &[u8]) {
    let frame = match (binary, std::str::from_utf8(data)) {
        (false, Ok(text)) => InFrame::Text(text),
        _ => InFrame::Binary(data),
    };
    let _ = codec.decode(frame, &mut Env::fixed(0));
}

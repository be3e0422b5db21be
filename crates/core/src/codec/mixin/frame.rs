//! Blaze frames: one JSON object, gzip-compressed (RFC 1952), in a binary WebSocket frame, both
//! ways (PROTOCOLS.md §1.5). Inflation is bounded so a gzip bomb costs at most the limit.

use crate::codec::CodecError;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};

/// The largest compressed frame read at all (no limit is documented; PROTOCOLS.md §1.5).
pub const MAX_COMPRESSED_BYTES: usize = 4 * 1024 * 1024;
/// The most one frame may inflate to. A frame that would inflate further is refused after
/// reading this much (a gzip bomb), and the connection is reset.
pub const MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;

/// The frame's JSON, inflated (at most [`MAX_INFLATED_BYTES`]).
pub fn inflate(compressed: &[u8]) -> Result<Vec<u8>, CodecError> {
    if compressed.len() > MAX_COMPRESSED_BYTES {
        return Err(CodecError::TooLarge {
            size: compressed.len(),
            limit: MAX_COMPRESSED_BYTES,
        });
    }
    let mut out = Vec::new();
    // Reading one byte past the limit tells "exactly at the limit" from "over it".
    let read = GzDecoder::new(compressed)
        .take(MAX_INFLATED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| CodecError::UnexpectedShape(format!("frame is not valid gzip: {e}")))?;
    if read > MAX_INFLATED_BYTES {
        return Err(CodecError::UnexpectedShape(format!(
            "frame of {} bytes inflates to more than {} MiB (a gzip bomb?); refused",
            compressed.len(),
            MAX_INFLATED_BYTES / (1024 * 1024)
        )));
    }
    Ok(out)
}

/// Compresses one JSON frame (gzip level 3, as the official Go SDK).
pub fn deflate(json: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::new(3));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(json);
    encoder.finish().unwrap_or_default()
}

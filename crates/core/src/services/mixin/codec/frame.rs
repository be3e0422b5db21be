//! Blaze frames: one JSON object, gzip-compressed (RFC 1952), in a binary WebSocket frame, both
//! ways (PROTOCOLS.md §1.5). Inflation is bounded so a gzip bomb costs at most the limit.
//!
//! The (de)compressor of each thread is reused from frame to frame: a fresh one allocates and
//! zeroes its tables (`alloc_zeroed` and its page faults topped the ingest benchmark's profile),
//! which cost more than the (de)compression of a chat-sized frame itself.

use crate::codec::CodecError;
use flate2::{Compress, Compression, Crc, Decompress, FlushCompress, FlushDecompress, Status};
use std::cell::RefCell;

/// The largest compressed frame read at all (no limit is documented; PROTOCOLS.md §1.5).
pub const MAX_COMPRESSED_BYTES: usize = 4 * 1024 * 1024;
/// The most one frame may inflate to. A frame that would inflate further is refused after
/// reading this much (a gzip bomb), and the connection is reset.
pub const MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;

/// A gzip member header without optional fields, as Mixin's servers and SDKs write it
/// (deflate, no flags, no time, OS unknown).
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(false));
    static DEFLATER: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(3), false));
}

fn not_gzip(why: impl std::fmt::Display) -> CodecError {
    CodecError::UnexpectedShape(format!("frame is not valid gzip: {why}"))
}

/// The frame's JSON, inflated (at most [`MAX_INFLATED_BYTES`]).
pub fn inflate(compressed: &[u8]) -> Result<Vec<u8>, CodecError> {
    inflate_at_most(compressed, MAX_INFLATED_BYTES)
}

/// The frame's JSON, inflated to at most `limit` bytes (the frame inspector shows frames with
/// a smaller limit than the codec reads them, so describing one is bounded work).
pub fn inflate_at_most(compressed: &[u8], limit: usize) -> Result<Vec<u8>, CodecError> {
    if compressed.len() > MAX_COMPRESSED_BYTES {
        return Err(CodecError::TooLarge {
            size: compressed.len(),
            limit: MAX_COMPRESSED_BYTES,
        });
    }
    let body = &compressed[header_len(compressed)?..];
    let (out, used) =
        INFLATER.with(|inflater| inflate_raw(&mut inflater.borrow_mut(), body, limit))?;
    let trailer = body
        .get(used..used + 8)
        .ok_or_else(|| not_gzip("the trailer is missing"))?;
    let mut crc = Crc::new();
    crc.update(&out);
    let crc_ok = trailer[..4] == crc.sum().to_le_bytes();
    let size_ok = trailer[4..] == (out.len() as u32).to_le_bytes();
    if !crc_ok || !size_ok {
        return Err(not_gzip("its checksum or size does not match"));
    }
    Ok(out)
}

/// Inflates one raw deflate stream; returns the output and how many input bytes it used.
fn inflate_raw(
    inflater: &mut Decompress,
    body: &[u8],
    limit: usize,
) -> Result<(Vec<u8>, usize), CodecError> {
    inflater.reset(false);
    let mut out = Vec::with_capacity((body.len() * 4).clamp(256, limit + 1));
    loop {
        if out.len() == out.capacity() {
            // Inflating one byte past the limit tells "exactly at the limit" from "over it".
            if out.len() > limit {
                return Err(CodecError::InflatesTooFar {
                    compressed: body.len(),
                    limit_kib: limit / 1024,
                });
            }
            out.reserve_exact(out.len().clamp(1, limit + 1 - out.len()));
        }
        let (used, made) = (inflater.total_in() as usize, out.len());
        let status = inflater
            .decompress_vec(&body[used..], &mut out, FlushDecompress::None)
            .map_err(not_gzip)?;
        if status == Status::StreamEnd {
            return Ok((out, inflater.total_in() as usize));
        }
        if inflater.total_in() as usize == used && out.len() == made {
            return Err(not_gzip("it ends before its last block"));
        }
    }
}

/// Where the deflate data starts: after the fixed header and the optional fields its flags name.
fn header_len(frame: &[u8]) -> Result<usize, CodecError> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if frame.len() < 18 || frame[..3] != HEADER[..3] {
        return Err(not_gzip("no gzip header"));
    }
    let flags = frame[3];
    if flags & 0xe0 != 0 {
        return Err(not_gzip("reserved header flags are set"));
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = frame
            .get(at..at + 2)
            .ok_or_else(|| not_gzip("cut header"))?;
        at += 2 + u16::from_le_bytes([len[0], len[1]]) as usize;
    }
    for field in [FNAME, FCOMMENT] {
        if flags & field != 0 {
            let rest = frame.get(at..).ok_or_else(|| not_gzip("cut header"))?;
            let end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| not_gzip("cut header"))?;
            at += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    if at > frame.len() {
        return Err(not_gzip("cut header"));
    }
    Ok(at)
}

/// Compresses one JSON frame (gzip level 3, as the official Go SDK).
pub fn deflate(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() / 2 + 64);
    out.extend_from_slice(&HEADER);
    DEFLATER.with(|deflater| {
        let mut deflater = deflater.borrow_mut();
        deflater.reset();
        loop {
            let used = deflater.total_in() as usize;
            out.reserve(64 + (json.len() - used) / 2);
            // Compressing into a Vec with room to spare cannot fail.
            match deflater.compress_vec(&json[used..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(json);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out
}

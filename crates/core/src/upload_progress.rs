//! How far an upload has got: bytes handed to the connection so far, counted by the request's
//! body as it is read, and read by whoever shows a progress bar (the connection's upload task).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes of a file handed to the HTTP connection so far (shared; cloning shares the count).
#[derive(Debug, Clone, Default)]
pub struct UploadProgress(Arc<AtomicU64>);

impl UploadProgress {
    pub fn add(&self, bytes: u64) {
        self.0.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn sent(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// A request body that hands `bytes` over in chunks of `chunk` bytes, counting each one
    /// here as it goes (no copy: the chunks are slices of one buffer).
    pub fn counting_body(&self, bytes: Vec<u8>, chunk: usize) -> reqwest::Body {
        let bytes = bytes::Bytes::from(bytes);
        let total = bytes.len();
        let progress = self.clone();
        let chunks = (0..total).step_by(chunk.max(1)).map(move |start| {
            let piece = bytes.slice(start..(start + chunk).min(total));
            progress.add(piece.len() as u64);
            Ok::<_, std::io::Error>(piece)
        });
        reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
    }
}

//! Media the page shows (images, videos, files) is fetched by the backend, never by the page:
//! http(s) only, a size cap per kind, a timeout, the type read from the bytes (not the URL or
//! the header), from the addresses a [`NetworkPolicy`] allows (public ones for real accounts, so
//! a message cannot make Parley probe the user's network), and a content-addressed cache in the
//! profile. The desktop shell serves the cached bytes to the page through its own URI scheme.

mod cache;
mod eviction;
pub mod mp4;
pub mod outgoing;
mod reach;
mod sniff;

pub use cache::{CachedMedia, MediaCache};
pub use eviction::DEFAULT_CAP_BYTES;
pub use reach::NetworkPolicy;
pub use sniff::{sniff, Sniffed};

/// What the media is for: it decides the size cap and which types are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaPurpose {
    /// Shown inline: raster images only (no SVG, which can carry script).
    Image,
    /// Played inline.
    Video,
    /// Played inline (voice messages; Ogg may sniff as either kind).
    Audio,
    /// Saved to disk on request: any type.
    File,
    /// Kept exactly as received for an evidence pack: any type, up to the largest cap.
    Evidence,
}

impl MediaPurpose {
    pub fn max_bytes(self) -> u64 {
        match self {
            MediaPurpose::Image => 20 * 1024 * 1024,
            MediaPurpose::Video => 200 * 1024 * 1024,
            MediaPurpose::Audio => 20 * 1024 * 1024,
            MediaPurpose::File => 100 * 1024 * 1024,
            MediaPurpose::Evidence => 200 * 1024 * 1024,
        }
    }

    fn accepts(self, sniffed: &Sniffed) -> bool {
        match self {
            MediaPurpose::Image => sniffed.mime.starts_with("image/"),
            MediaPurpose::Video => sniffed.mime.starts_with("video/"),
            MediaPurpose::Audio => {
                sniffed.mime.starts_with("audio/") || sniffed.mime.starts_with("video/")
            }
            MediaPurpose::File | MediaPurpose::Evidence => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaError {
    #[error("only http:// and https:// links are fetched")]
    NotWeb,
    #[error("the link is not a valid URL")]
    BadUrl,
    /// The address (or the one a name resolved to, or a redirect led to) is not one the
    /// policy allows: for real accounts, one on the local network or this computer.
    #[error("{}", .0.refusal())]
    AddressRefused(NetworkPolicy),
    #[error("cannot download it: {0}")]
    Unreachable(String),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("it is larger than {} MB", .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error("it is not a {expected} (the file is {found})")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("the media cache cannot be written: {0}")]
    Cache(String),
}

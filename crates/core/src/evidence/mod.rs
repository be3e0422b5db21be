//! Dispute evidence packs: a room's whole history written to a folder that an exchange's
//! appeal desk can read without Parley and check for edits.
//!
//! A pack holds a readable transcript (`transcript.html`, self-contained: no script, no
//! remote load, every text escaped; and `transcript.txt`), every media file as received
//! (`media/`), `messages.json` (each message's ids, direction, sender, server time as sent and
//! as read, delivery state; an order chat's order details at export time), `MANIFEST.sha256`
//! (the SHA-256 of every other file, in `sha256sum` format, so `sha256sum -c` checks it too)
//! and `pack.json` (app version, account, room, export time, the manifest's SHA-256, and a
//! seal over pack.json itself: its fingerprint). [`verify_pack`] re-hashes a pack and names
//! every file changed, missing or added.
//!
//! What goes in is gathered by the engine ([`crate::engine::Engine::export_evidence`]); this
//! module only writes and checks files, and never sees a secret: it is given stored messages,
//! names and order details, nothing of an account's settings.

mod contents;
mod error;
mod facts;
mod html;
mod manifest;
mod names;
mod pack_info;
mod records;
mod text;
mod time;
mod verify;
mod visible;
mod writer;

pub use contents::{MediaFile, PackAccount, PackContents, PackRoom};
pub use error::PackError;
pub use verify::{verify_pack, Problem, Verdict};
pub use writer::{write_pack, WrittenPack};

/// The pack's own files (every other file is listed in the manifest).
pub const MANIFEST: &str = "MANIFEST.sha256";
pub const PACK_INFO: &str = "pack.json";

#[cfg(test)]
mod tests;

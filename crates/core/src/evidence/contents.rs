//! What a pack is made of, as the engine gathers it: who and where, every stored message of
//! the room, where each message's media is (or why it could not be had), and for an order chat
//! the order's details.

use crate::message::StoredMessage;
use crate::orders::OrderDetails;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct PackContents {
    pub app_version: String,
    /// When the pack was made (ms since the epoch, UTC).
    pub exported_at_ms: i64,
    pub account: PackAccount,
    pub room: PackRoom,
    /// Every stored message of the room, in timeline order.
    pub messages: Vec<StoredMessage>,
    /// Per message (local id) that has media: the file to copy, or why there is none.
    pub media: BTreeMap<i64, MediaFile>,
    /// An order chat's order at export time.
    pub order: Option<OrderDetails>,
    /// Why the order's details are missing or older than the export (an order chat only).
    pub order_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PackAccount {
    pub id: String,
    pub name: String,
    /// The service's label ("MEXC P2P order chat").
    pub service: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PackRoom {
    pub id: String,
    pub title: String,
}

/// Where one message's media is.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaFile {
    /// Its bytes, as received, in this file (the media cache's copy); `extension` is the one
    /// its bytes call for ("png"), `mime` their type as read from the bytes.
    Cached {
        path: PathBuf,
        mime: String,
        extension: String,
    },
    /// It could not be had: why.
    Failed(String),
}

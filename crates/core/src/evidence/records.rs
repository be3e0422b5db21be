//! `messages.json`: every message of the room as the store holds it, for programs (and appeal
//! desks that compare ids with the exchange's own records): the service's id and Parley's,
//! direction, sender, the server's time exactly as sent and as Parley read it, the delivery
//! state, the media's address and the file it was saved as (or why not), and an order chat's
//! order details at export time.

use super::contents::{PackAccount, PackContents, PackRoom};
use super::time::utc;
use super::writer::PackedMedia;
use crate::message::{Card, StoredMessage};
use crate::orders::OrderDetails;
use serde::Serialize;
use std::collections::BTreeMap;

const FORMAT: &str = "parley-evidence-messages/1";

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    exported_at: String,
    account: Party<'a>,
    room: Place<'a>,
    /// An order chat's order at export time.
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<&'a OrderDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_note: Option<&'a str>,
    messages: Vec<Record<'a>>,
}

#[derive(Serialize)]
struct Party<'a> {
    id: &'a str,
    name: &'a str,
    service: &'a str,
}

#[derive(Serialize)]
struct Place<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Record<'a> {
    local_id: i64,
    service_id: Option<&'a str>,
    /// `in` (received) or `out` (written on this account).
    direction: &'static str,
    sender_id: &'a str,
    sender_name: Option<&'a str>,
    kind: &'static str,
    text: &'a str,
    /// The server's time exactly as it sent it (empty for a message it has not confirmed).
    server_time_raw: &'a str,
    /// That time as Parley read it: ms since the epoch, and in UTC.
    server_time_ms: i64,
    server_time_utc: String,
    delivery_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media: Option<MediaRecord<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    card: Option<&'a Card>,
}

#[derive(Serialize)]
struct MediaRecord<'a> {
    /// The address the message carried.
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    /// What the message claimed (type, size).
    #[serde(skip_serializing_if = "Option::is_none")]
    claimed_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claimed_size: Option<u64>,
    /// The file in this pack, its SHA-256, size and the type its bytes show.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    type_found: Option<&'a str>,
    /// Why the file is not in the pack.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_saved: Option<&'a str>,
}

fn record<'a>(m: &'a StoredMessage, packed: Option<&'a Result<PackedMedia, String>>) -> Record<'a> {
    let media = m.media.as_ref().map(|media| {
        let saved = packed.and_then(|p| p.as_ref().ok());
        MediaRecord {
            url: &media.url,
            name: media.name.as_deref(),
            claimed_type: media.mime.as_deref(),
            claimed_size: media.size,
            file: saved.map(|s| s.file.as_str()),
            sha256: saved.map(|s| s.sha256.as_str()),
            size: saved.map(|s| s.size),
            type_found: saved.map(|s| s.mime.as_str()),
            not_saved: packed.and_then(|p| p.as_ref().err()).map(String::as_str),
        }
    });
    Record {
        local_id: m.local_id,
        service_id: m.service_id.as_deref(),
        direction: if m.own { "out" } else { "in" },
        sender_id: &m.sender_id,
        sender_name: m.sender_name.as_deref(),
        kind: m.kind.as_str(),
        text: &m.text,
        server_time_raw: &m.ts_raw,
        server_time_ms: m.ts_ms,
        server_time_utc: utc(m.ts_ms),
        delivery_state: m.state.as_str(),
        error: m.error.as_deref(),
        quote_id: m.quote_id.as_deref(),
        media,
        card: m.card.as_ref(),
    }
}

/// The whole document, pretty-printed (people open it too).
pub(super) fn render(
    contents: &PackContents,
    media: &BTreeMap<i64, Result<PackedMedia, String>>,
) -> String {
    let PackContents { account, room, .. } = contents;
    let (PackAccount { id, name, service }, PackRoom { id: room_id, title }) = (account, room);
    let document = Document {
        format: FORMAT,
        exported_at: utc(contents.exported_at_ms),
        account: Party { id, name, service },
        room: Place { id: room_id, title },
        order: contents.order.as_ref(),
        order_note: contents.order_note.as_deref(),
        messages: contents
            .messages
            .iter()
            .map(|m| record(m, media.get(&m.local_id)))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document)
        .unwrap_or_else(|_| unreachable!("strings, numbers and stored cards always serialize"));
    text.push('\n');
    text
}

//! Messages as stored and as shown: one shape for every service.

use crate::account_id::AccountId;
use serde::{Deserialize, Serialize};

/// What a message is, so the UI knows how to render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Text,
    /// A notice from the service itself (welcome, join, leave).
    System,
    Image,
    Video,
    File,
    /// A voice message (Mixin): a player with its duration.
    Audio,
    /// A sticker: a small image without a bubble.
    Sticker,
    /// A contact card: `text` is the user's id (or name).
    Contact,
    /// Markdown text (Mixin posts), rendered safely without raw HTML.
    Post,
    /// A place: `text` is its name and address; the card links to a map.
    Location,
    /// An app card or a group of link buttons (title, description, buttons).
    Card,
    /// Something this version cannot show (an unknown type); kept and shown as a placeholder.
    Unsupported,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::System => "system",
            MessageKind::Image => "image",
            MessageKind::Video => "video",
            MessageKind::File => "file",
            MessageKind::Audio => "audio",
            MessageKind::Sticker => "sticker",
            MessageKind::Contact => "contact",
            MessageKind::Post => "post",
            MessageKind::Location => "location",
            MessageKind::Card => "card",
            MessageKind::Unsupported => "unsupported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "text" => Some(MessageKind::Text),
            "system" => Some(MessageKind::System),
            "image" => Some(MessageKind::Image),
            "video" => Some(MessageKind::Video),
            "file" => Some(MessageKind::File),
            "audio" => Some(MessageKind::Audio),
            "sticker" => Some(MessageKind::Sticker),
            "contact" => Some(MessageKind::Contact),
            "post" => Some(MessageKind::Post),
            "location" => Some(MessageKind::Location),
            "card" => Some(MessageKind::Card),
            "unsupported" => Some(MessageKind::Unsupported),
            _ => None,
        }
    }
}

/// What the user composed: a text, or an image, video or file by URL (with an optional caption).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub kind: MessageKind,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub media: Option<Media>,
    /// The service's id of the message this one replies to, for services that carry replies in
    /// a field of their own (see [`crate::quote`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
}

impl Draft {
    pub fn text(text: &str) -> Self {
        Draft {
            kind: MessageKind::Text,
            text: text.to_owned(),
            media: None,
            quote_id: None,
        }
    }
}

/// Delivery state of a message. Received messages are always `Sent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// In the outbox: written by the user, not yet confirmed by the server.
    Pending,
    /// Confirmed by the server (for received messages: stored).
    Sent,
    /// The recipient's device has it (services with receipts: Mixin).
    Delivered,
    /// The recipient has read it.
    Read,
    /// The server or the client refused it; can be retried.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Read => "read",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(DeliveryState::Pending),
            "sent" => Some(DeliveryState::Sent),
            "delivered" => Some(DeliveryState::Delivered),
            "read" => Some(DeliveryState::Read),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// The remote part of an image, video or file message. URLs are untrusted: the UI never
/// loads them directly (the backend fetches media, issue 6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Media {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
    /// A small preview carried in the message itself (base64, Mixin's `thumbnail`): shown
    /// through the backend like any media, only if its bytes are an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_inline: Option<String>,
    /// What the service says about the media (all optional, shown as given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// The service's id of the uploaded file (Mixin's `attachment_id`), once uploaded: a resend
    /// sends the same file, never uploads it twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// A file the user sends, kept in the profile until it is uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_path: Option<String>,
}

/// An avatar address worth keeping: http(s) only, of a sane length.
pub fn avatar_url(raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    let ok = raw.len() <= 2048
        && url::Url::parse(raw).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    ok.then(|| raw.to_owned())
}

impl Media {
    /// A file of this computer the service has not taken yet: it is uploaded before the
    /// message naming it is sent (and until then its sending can be cancelled).
    pub fn awaits_upload(&self) -> bool {
        self.local_path.is_some() && self.attachment_id.is_none()
    }

    /// Media known only by its address.
    pub fn at(url: impl Into<String>) -> Media {
        Media {
            url: url.into(),
            ..Media::default()
        }
    }
}

/// The body of an app card, a button group or a location: a title, a description and buttons
/// that open http(s) links in the system browser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub buttons: Vec<LinkButton>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkButton {
    pub label: String,
    /// Only http(s) links are kept; anything else is dropped when decoding.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// A message that a codec decoded from the wire, before the store has seen it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingMessage {
    pub room: String,
    /// The service's own id; the store de-duplicates on it. `None` when the service gives none.
    pub service_id: Option<String>,
    pub sender_id: String,
    pub sender_name: Option<String>,
    /// Written by this account (an echo of what we sent, or sent from elsewhere).
    pub own: bool,
    pub kind: MessageKind,
    pub text: String,
    pub media: Option<Media>,
    pub card: Option<Card>,
    /// The sender's picture as the service gives it (an http(s) address; fetched by the backend).
    pub sender_avatar: Option<String>,
    /// Milliseconds since the Unix epoch, UTC, as the codec interpreted the wire time.
    pub ts_ms: i64,
    /// The timestamp exactly as the server sent it.
    pub ts_raw: String,
    /// The service's id of the message this one answers (Mixin's `quote_message_id`).
    pub quote_id: Option<String>,
}

/// A message as the store holds it and the UI renders it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Local row id: stable, increasing in arrival order.
    pub local_id: i64,
    pub account: AccountId,
    pub room: String,
    /// The service's id, once known.
    #[serde(rename = "id")]
    pub service_id: Option<String>,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub own: bool,
    pub kind: MessageKind,
    pub text: String,
    pub media: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// The sender's picture (an http(s) address the backend fetches; the page asks by message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_avatar: Option<String>,
    pub ts_ms: i64,
    pub ts_raw: String,
    pub state: DeliveryState,
    /// Why sending failed, when `state` is `Failed`.
    pub error: Option<String>,
    /// The service's id of the message this one replies to (sent in the service's own field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
}

#[cfg(test)]
impl StoredMessage {
    /// A text "hi" received in room "c" of `account` (tests change what they look at).
    pub(crate) fn received_for_test(account: &str) -> StoredMessage {
        StoredMessage {
            local_id: 1,
            account: crate::account::AccountId(account.into()),
            room: "c".into(),
            service_id: None,
            sender_id: "u".into(),
            sender_name: None,
            own: false,
            kind: MessageKind::Text,
            text: "hi".into(),
            media: None,
            card: None,
            sender_avatar: None,
            ts_ms: 0,
            ts_raw: String::new(),
            state: DeliveryState::Sent,
            error: None,
            quote_id: None,
        }
    }
}

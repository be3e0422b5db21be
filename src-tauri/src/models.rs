//! The values the page sends that are not forms: ids that check themselves when deserialized
//! (so no command starts with checks; only a page that is not Parley's sends a bad one), and
//! the message the composer sends, checked into a `Draft` with typed errors the user can read.
//! Everything here is bounded and free of control characters, as if the page were hostile.

use crate::error::{CommandError, CommandResult};
use parley_core::account::AccountId;
use parley_core::message::{Draft, Media, MessageKind};
use serde::{Deserialize, Deserializer};

/// The longest id the page may send.
const MAX_ID: usize = 256;
/// The longest address of an attachment.
const MAX_URL: usize = 4096;
/// The longest message text.
pub const MAX_TEXT: usize = 1024 * 1024;

/// An id: 1 to 256 bytes, no control characters.
fn checked_id<'de, D: Deserializer<'de>>(what: &str, d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    if value.is_empty() || value.len() > MAX_ID || value.chars().any(char::is_control) {
        return Err(serde::de::Error::custom(format!("invalid {what}")));
    }
    Ok(value)
}

/// An account id the page sent.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountArg(pub AccountId);

impl<'de> Deserialize<'de> for AccountArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_id("account", d).map(|id| AccountArg(AccountId(id)))
    }
}

impl std::ops::Deref for AccountArg {
    type Target = AccountId;
    fn deref(&self) -> &AccountId {
        &self.0
    }
}

/// A room id the page sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomArg(pub String);

impl<'de> Deserialize<'de> for RoomArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_id("room", d).map(RoomArg)
    }
}

impl std::ops::Deref for RoomArg {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// An image, video or file the composer sends by address (the services have no upload API).
/// Checked in [`draft`], so a bad one comes back as a typed `invalid_input` error.
#[derive(Debug, Deserialize)]
pub struct Attachment {
    pub kind: String,
    pub url: String,
    #[serde(default)]
    pub thumb_url: Option<String>,
}

/// An address of an attachment: trimmed, bounded, no control characters.
fn attachment_url(raw: &str) -> CommandResult<String> {
    let url = raw.trim();
    if url.len() > MAX_URL || url.chars().any(char::is_control) {
        return Err(CommandError::invalid("invalid URL"));
    }
    Ok(url.to_owned())
}

/// The message to send: a text, or an attachment with its caption.
pub fn draft(text: String, attachment: Option<Attachment>) -> CommandResult<Draft> {
    if text.len() > MAX_TEXT {
        return Err(CommandError::invalid("the message is too long"));
    }
    let Some(a) = attachment else {
        return Ok(Draft::text(&text));
    };
    let kind = match a.kind.as_str() {
        "image" => MessageKind::Image,
        "video" => MessageKind::Video,
        "file" => MessageKind::File,
        _ => return Err(CommandError::invalid("unknown attachment kind")),
    };
    Ok(Draft {
        kind,
        text,
        media: Some(Media {
            url: attachment_url(&a.url)?,
            thumb_url: a
                .thumb_url
                .as_deref()
                .map(attachment_url)
                .transpose()?
                .filter(|t| !t.is_empty()),
            ..Default::default()
        }),
        quote_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_when_the_page_sends_them() {
        assert!(serde_json::from_str::<AccountArg>(r#""mockly-1a2b""#).is_ok());
        assert!(serde_json::from_str::<AccountArg>(r#""""#).is_err());
        assert!(serde_json::from_str::<RoomArg>(r#""a\u0000b""#).is_err());
        let long = format!("\"{}\"", "x".repeat(MAX_ID + 1));
        assert!(serde_json::from_str::<RoomArg>(&long).is_err());
    }

    #[test]
    fn an_attachment_becomes_a_draft_with_its_media() {
        let a: Attachment =
            serde_json::from_str(r#"{"kind":"image","url":" https://x/p.png ","thumb_url":""}"#)
                .unwrap();
        let d = draft("proof".into(), Some(a)).unwrap();
        assert_eq!(d.kind, MessageKind::Image);
        let media = d.media.unwrap();
        assert_eq!(media.url, "https://x/p.png");
        assert_eq!(media.thumb_url, None);
        let exe: Attachment = serde_json::from_str(r#"{"kind":"exe","url":"x"}"#).unwrap();
        let refused = draft(String::new(), Some(exe)).unwrap_err();
        assert_eq!(refused.kind, parley_core::ErrorKind::InvalidInput);
        assert_eq!(refused.message, "unknown attachment kind");
        let long = draft("x".repeat(MAX_TEXT + 1), None).unwrap_err();
        assert_eq!(long.message, "the message is too long");
    }
}

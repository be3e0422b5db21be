//! The values the page sends that are not forms: ids that check themselves when deserialized
//! (so no command starts with checks), and the attachment the composer sends by address.
//! Everything here is bounded and free of control characters, as if the page were hostile.

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

/// A message text the page sent (at most 1 MB).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageText(pub String);

impl<'de> Deserialize<'de> for MessageText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() > MAX_TEXT {
            return Err(serde::de::Error::custom("the message is too long"));
        }
        Ok(MessageText(text))
    }
}

/// An address of an attachment: trimmed, bounded, no control characters.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentUrl(pub String);

impl<'de> Deserialize<'de> for AttachmentUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let url = raw.trim();
        if url.len() > MAX_URL || url.chars().any(char::is_control) {
            return Err(serde::de::Error::custom("invalid URL"));
        }
        Ok(AttachmentUrl(url.to_owned()))
    }
}

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Image,
    Video,
    File,
}

/// An image, video or file the composer sends by address (the services have no upload API).
#[derive(Debug, Deserialize)]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub url: AttachmentUrl,
    #[serde(default)]
    pub thumb_url: Option<AttachmentUrl>,
}

/// The message to send: a text, or an attachment with its caption.
pub fn draft(text: MessageText, attachment: Option<Attachment>) -> Draft {
    let Some(a) = attachment else {
        return Draft::text(&text.0);
    };
    Draft {
        kind: match a.kind {
            AttachmentKind::Image => MessageKind::Image,
            AttachmentKind::Video => MessageKind::Video,
            AttachmentKind::File => MessageKind::File,
        },
        text: text.0,
        media: Some(Media {
            url: a.url.0,
            thumb_url: a.thumb_url.map(|t| t.0).filter(|t| !t.is_empty()),
            ..Default::default()
        }),
    }
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
        let d = draft(MessageText("proof".into()), Some(a));
        assert_eq!(d.kind, MessageKind::Image);
        let media = d.media.unwrap();
        assert_eq!(media.url, "https://x/p.png");
        assert_eq!(media.thumb_url, None);
        assert!(serde_json::from_str::<Attachment>(r#"{"kind":"exe","url":"x"}"#).is_err());
    }
}

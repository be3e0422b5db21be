//! What a Mixin message category's payload becomes on screen (PROTOCOLS.md §1.10). Payloads are
//! read leniently: a known category with an unreadable payload, an encrypted one or an unknown
//! one becomes a placeholder naming the category, never an error.

use crate::message::{Card, LinkButton, Media, MessageKind};
use serde_json::Value;

/// A decoded payload, ready for an [`crate::message::IncomingMessage`].
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub kind: MessageKind,
    pub text: String,
    pub media: Option<Media>,
    pub card: Option<Card>,
}

impl Rendered {
    fn plain(kind: MessageKind, text: impl Into<String>) -> Rendered {
        Rendered {
            kind,
            text: text.into(),
            media: None,
            card: None,
        }
    }

    fn unsupported(category: &str, why: &str) -> Rendered {
        Rendered::plain(MessageKind::Unsupported, format!("{category} ({why})"))
    }

    /// A message whose `data` is not base64: nothing of it can be shown but what it was.
    pub fn undecodable(category: &str, message_id: &str) -> Rendered {
        let category = if category.is_empty() {
            "message"
        } else {
            category
        };
        Rendered::plain(
            MessageKind::Unsupported,
            format!("{category} (unreadable: its data is not base64; message id {message_id})"),
        )
    }
}

/// The address Parley gives a Mixin attachment: resolved by the backend through
/// `GET /attachments/:id` when the media is shown (view URLs expire).
pub const ATTACHMENT_PREFIX: &str = "mixin-attachment:";
/// The address of a sticker: resolved through `GET /stickers/:id`.
pub const STICKER_PREFIX: &str = "mixin-sticker:";

/// Renders `payload` (already base64-decoded) of `category`.
pub fn render(category: &str, payload: &[u8]) -> Rendered {
    let text = || String::from_utf8_lossy(payload).into_owned();
    let json = || serde_json::from_slice::<Value>(payload).ok();
    let body = match category {
        "PLAIN_TEXT" => return Rendered::plain(MessageKind::Text, text()),
        "PLAIN_POST" => return Rendered::plain(MessageKind::Post, text()),
        c if c.starts_with("ENCRYPTED_") || c.starts_with("SIGNAL_") => {
            return Rendered::unsupported(c, "encrypted message, not supported")
        }
        _ => json(),
    };
    let Some(body) = body else {
        return Rendered::unsupported(category, "unreadable payload");
    };
    match category {
        "PLAIN_IMAGE" | "PLAIN_VIDEO" | "PLAIN_AUDIO" | "PLAIN_DATA" => attachment(category, &body),
        "PLAIN_STICKER" => sticker(&body),
        "PLAIN_CONTACT" => match str_of(&body, "user_id") {
            Some(user) => Rendered::plain(MessageKind::Contact, user),
            None => Rendered::unsupported(category, "unreadable payload"),
        },
        "PLAIN_LOCATION" => location(&body),
        "PLAIN_LIVE" => live(&body),
        "PLAIN_TRANSCRIPT" => transcript(&body),
        "APP_CARD" => app_card(&body),
        "APP_BUTTON_GROUP" => Rendered {
            card: Some(Card {
                buttons: buttons(&body),
                ..Card::default()
            }),
            ..Rendered::plain(MessageKind::Card, "")
        },
        "MESSAGE_RECALL" => Rendered::plain(MessageKind::System, "A message was withdrawn"),
        "MESSAGE_PIN" => {
            let unpin = str_of(&body, "action").is_some_and(|a| a.eq_ignore_ascii_case("UNPIN"));
            Rendered::plain(
                MessageKind::System,
                if unpin {
                    "A message was unpinned"
                } else {
                    "A message was pinned"
                },
            )
        }
        "SYSTEM_CONVERSATION" => system_conversation(&body),
        c if c.starts_with("SYSTEM_") && c.ends_with("SNAPSHOT") => snapshot(&body),
        other => Rendered::unsupported(other, "unsupported category"),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn u64_of(v: &Value, key: &str) -> Option<u64> {
    let field = v.get(key)?;
    field
        .as_u64()
        .or_else(|| field.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
        .or_else(|| field.as_str().and_then(|s| s.parse().ok()))
}

fn attachment(category: &str, body: &Value) -> Rendered {
    let Some(id) = str_of(body, "attachment_id") else {
        return Rendered::unsupported(category, "attachment without an id");
    };
    let kind = match category {
        "PLAIN_IMAGE" => MessageKind::Image,
        "PLAIN_VIDEO" => MessageKind::Video,
        "PLAIN_AUDIO" => MessageKind::Audio,
        _ => MessageKind::File,
    };
    let dimension = |key| u64_of(body, key).and_then(|v| u32::try_from(v).ok());
    let media = Media {
        url: format!("{ATTACHMENT_PREFIX}{id}"),
        thumb_inline: str_of(body, "thumbnail")
            .and_then(crate::services::mixin::keystore::decode_base64_any)
            .map(|bytes| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }),
        mime: str_of(body, "mime_type").map(str::to_owned),
        name: str_of(body, "name").map(str::to_owned),
        size: u64_of(body, "size"),
        duration_ms: u64_of(body, "duration"),
        width: dimension("width"),
        height: dimension("height"),
        ..Media::default()
    };
    let text = match kind {
        MessageKind::File => media.name.clone().unwrap_or_else(|| "file".into()),
        _ => str_of(body, "caption").unwrap_or_default().to_owned(),
    };
    Rendered {
        kind,
        text,
        media: Some(media),
        card: None,
    }
}

fn sticker(body: &Value) -> Rendered {
    let name = str_of(body, "name").unwrap_or("Sticker").to_owned();
    match str_of(body, "sticker_id") {
        Some(id) => Rendered {
            media: Some(Media::at(format!("{STICKER_PREFIX}{id}"))),
            ..Rendered::plain(MessageKind::Sticker, name)
        },
        // Older stickers name an album and a sticker only; there is nothing to fetch by id.
        None => Rendered::plain(MessageKind::Sticker, name),
    }
}

fn location(body: &Value) -> Rendered {
    let lat = body.get("latitude").and_then(Value::as_f64);
    let lon = body.get("longitude").and_then(Value::as_f64);
    let (Some(lat), Some(lon)) = (lat, lon) else {
        return Rendered::unsupported("PLAIN_LOCATION", "no coordinates");
    };
    let name = str_of(body, "name").map(str::to_owned);
    let title = name
        .clone()
        .unwrap_or_else(|| format!("{lat:.5}, {lon:.5}"));
    Rendered {
        card: Some(Card {
            title: title.clone(),
            description: str_of(body, "address").unwrap_or_default().to_owned(),
            buttons: vec![LinkButton {
                label: "Open map".into(),
                url: format!(
                    "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"
                ),
                color: None,
            }],
        }),
        ..Rendered::plain(MessageKind::Location, title)
    }
}

fn live(body: &Value) -> Rendered {
    Rendered {
        card: Some(Card {
            title: "Live stream".into(),
            description: String::new(),
            buttons: str_of(body, "url")
                .filter(|u| is_web(u))
                .map(|u| LinkButton {
                    label: "Watch".into(),
                    url: u.to_owned(),
                    color: None,
                })
                .into_iter()
                .collect(),
        }),
        ..Rendered::plain(MessageKind::Card, "Live stream")
    }
}

fn transcript(body: &Value) -> Rendered {
    let Some(items) = body.as_array() else {
        return Rendered::unsupported("PLAIN_TRANSCRIPT", "unreadable payload");
    };
    let lines: Vec<String> = items
        .iter()
        .map(|item| {
            let who = str_of(item, "user_full_name").unwrap_or("someone");
            let what = match str_of(item, "category") {
                Some(c) if c.ends_with("_TEXT") => str_of(item, "content").unwrap_or(""),
                Some(_) => "[attachment]",
                None => "",
            };
            format!("{who}: {what}")
        })
        .collect();
    Rendered::plain(
        MessageKind::Text,
        format!("Transcript:\n{}", lines.join("\n")),
    )
}

fn app_card(body: &Value) -> Rendered {
    let mut buttons = body.get("actions").map(buttons).unwrap_or_default();
    // The deprecated single `action` link, when there are no buttons.
    if buttons.is_empty() {
        if let Some(url) = str_of(body, "action").filter(|u| is_web(u)) {
            buttons.push(LinkButton {
                label: "Open".into(),
                url: url.to_owned(),
                color: None,
            });
        }
    }
    let title = str_of(body, "title").unwrap_or_default().to_owned();
    Rendered {
        card: Some(Card {
            title: title.clone(),
            description: str_of(body, "description").unwrap_or_default().to_owned(),
            buttons,
        }),
        ..Rendered::plain(MessageKind::Card, title)
    }
}

/// Buttons whose action is an http(s) link; others (`input:` actions, `javascript:`) are dropped.
fn buttons(list: &Value) -> Vec<LinkButton> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| {
            let url = str_of(b, "action").filter(|u| is_web(u))?;
            Some(LinkButton {
                label: str_of(b, "label").unwrap_or(url).chars().take(36).collect(),
                url: url.to_owned(),
                color: str_of(b, "color")
                    .filter(|c| {
                        c.len() == 7
                            && c.starts_with('#')
                            && c[1..].chars().all(|h| h.is_ascii_hexdigit())
                    })
                    .map(str::to_owned),
            })
        })
        .collect()
}

fn is_web(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn system_conversation(body: &Value) -> Rendered {
    let who = str_of(body, "participant_id").unwrap_or("someone");
    let text = match str_of(body, "action").unwrap_or("") {
        "JOIN" => format!("{who} joined"),
        "EXIT" => format!("{who} left"),
        "ADD" => format!("{who} was added"),
        "REMOVE" => format!("{who} was removed"),
        "CREATE" => "The conversation was created".to_owned(),
        "UPDATE" => "The conversation was updated".to_owned(),
        "ROLE" => format!(
            "{who} is now {}",
            str_of(body, "role").unwrap_or("a member")
        ),
        "EXPIRE" => "Disappearing messages were changed".to_owned(),
        other => format!("Conversation event {other}"),
    };
    Rendered::plain(MessageKind::System, text)
}

fn snapshot(body: &Value) -> Rendered {
    let amount = str_of(body, "amount").unwrap_or("?");
    let memo = str_of(body, "memo")
        .map(|m| format!(" ({m})"))
        .unwrap_or_default();
    Rendered::plain(MessageKind::System, format!("Transfer of {amount}{memo}"))
}

/// Whether a file the bot sends carries its text as a `caption` (PLAIN_IMAGE, PLAIN_VIDEO);
/// PLAIN_DATA and PLAIN_AUDIO have none, so the codec sends the text after them.
pub(crate) fn carries_caption(kind: MessageKind) -> bool {
    matches!(kind, MessageKind::Image | MessageKind::Video)
}

/// The category and `data` of a file the bot sends (PROTOCOLS.md §1.9): the uploaded
/// attachment's id with what the message says about it, and the text as the caption.
pub(crate) fn outgoing_attachment(
    kind: MessageKind,
    media: &Media,
    attachment_id: &str,
    caption: &str,
) -> (&'static str, Value) {
    let mut body = serde_json::json!({
        "attachment_id": attachment_id,
        "mime_type": media.mime.as_deref().unwrap_or("application/octet-stream"),
        "size": media.size.unwrap_or(0),
    });
    let category = match kind {
        MessageKind::Image => {
            body["width"] = media.width.unwrap_or(0).into();
            body["height"] = media.height.unwrap_or(0).into();
            body["thumbnail"] = media.thumb_inline.clone().unwrap_or_default().into();
            "PLAIN_IMAGE"
        }
        MessageKind::Video => {
            body["width"] = media.width.unwrap_or(0).into();
            body["height"] = media.height.unwrap_or(0).into();
            body["duration"] = media.duration_ms.unwrap_or(0).into();
            body["thumbnail"] = media.thumb_inline.clone().unwrap_or_default().into();
            "PLAIN_VIDEO"
        }
        MessageKind::Audio => {
            body["duration"] = media.duration_ms.unwrap_or(0).into();
            "PLAIN_AUDIO"
        }
        _ => {
            body["name"] = media.name.clone().unwrap_or_else(|| "file".into()).into();
            "PLAIN_DATA"
        }
    };
    if !caption.trim().is_empty() && carries_caption(kind) {
        body["caption"] = caption.into();
    }
    (category, body)
}

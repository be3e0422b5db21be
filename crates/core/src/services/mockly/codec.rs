//! mockly.me public chat (PROTOCOLS.md §3): one shared room, `{"message": text}` out,
//! `message`/`system`/`error` frames in. The only confirmation of a sent message is the
//! server's broadcast echo, recognised by `sender == client_id`.

use crate::codec::{
    Codec, CodecError, ConnectRequest, Env, Heartbeat, HeartbeatFrame, InFrame, Inbound, OutFrame,
    Outgoing,
};
use crate::message::{IncomingMessage, MessageKind};
use crate::services::mockly::MocklySettings;
use crate::timestamp::parse_iso_ms;
use serde::Deserialize;
use std::time::Duration;

/// mockly has exactly one room; this is its id in the store.
pub const ROOM: &str = "public";

/// mockly documents no size limit; a chat line over this is refused as implausible [I].
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Our own outgoing limit [I]: the server documents none and relays 100 KB messages; 64 KiB
/// of text is far more than a chat line and well under the 1 MiB a Python `websockets` server
/// (what mockly's examples use) reads by default. A refusal (close 1009) fails the message.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

pub struct MocklyCodec {
    settings: MocklySettings,
}

impl MocklyCodec {
    pub fn new(settings: MocklySettings) -> Self {
        MocklyCodec { settings }
    }

    /// The endpoint with the URL-encoded client id in place of `{client_id}`.
    pub fn endpoint_url(settings: &MocklySettings) -> Result<url::Url, CodecError> {
        let client_id = settings.client_id.trim();
        if client_id.is_empty() {
            return Err(CodecError::Settings("the client id is empty".into()));
        }
        let encoded: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
        let raw = if settings.endpoint.contains("{client_id}") {
            settings.endpoint.replace("{client_id}", &encoded)
        } else {
            format!("{}/{}", settings.endpoint.trim_end_matches('/'), encoded)
        };
        Ok(crate::wire::ws_url(&raw)?)
    }
}

/// The store's identity of a mockly message: the server's id plus its time and a digest of
/// sender and text. mockly's ids are counters (`msg_5678`) that a restarted server hands out
/// again from `msg_1`, so the id alone would make a new message (or the echo of our own) look
/// like one already stored; only a frame repeated whole is a duplicate.
fn message_identity(id: &str, ts_raw: &str, sender: &str, text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [sender, text] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hex::encode(&hash.finalize()[..8]);
    format!("{id}@{ts_raw}#{digest}")
}

/// Every field optional: the decoder decides what is required per `type`.
#[derive(Deserialize)]
struct WireFrame {
    #[serde(rename = "type")]
    kind: Option<String>,
    sender: Option<String>,
    sender_name: Option<String>,
    sender_avatar: Option<String>,
    message: Option<String>,
    timestamp: Option<String>,
    id: Option<String>,
    online_users: Option<u32>,
}

impl Codec for MocklyCodec {
    fn connect_request(&mut self, _env: &mut Env) -> Result<ConnectRequest, CodecError> {
        Ok(ConnectRequest {
            url: Self::endpoint_url(&self.settings)?,
            headers: Vec::new(),
            subprotocol: None,
        })
    }

    fn decode(&mut self, frame: InFrame<'_>, env: &mut Env) -> Result<Vec<Inbound>, CodecError> {
        let wire: WireFrame = crate::codec::json_text_frame(frame, MAX_FRAME_BYTES)?;
        let ts_raw = wire.timestamp.unwrap_or_default();
        // A missing or unreadable time is shown as "now" rather than dropping the message.
        let ts_ms = parse_iso_ms(&ts_raw).unwrap_or(env.now_ms());
        match wire.kind.as_deref() {
            Some("message") => {
                let sender = wire.sender.ok_or(CodecError::MissingField("sender"))?;
                let text = wire.message.ok_or(CodecError::MissingField("message"))?;
                Ok(vec![Inbound::Message(IncomingMessage {
                    room: ROOM.into(),
                    service_id: wire
                        .id
                        .map(|id| message_identity(&id, &ts_raw, &sender, &text)),
                    own: sender == self.settings.client_id.trim(),
                    sender_id: sender,
                    sender_name: wire.sender_name,
                    kind: MessageKind::Text,
                    text,
                    media: None,
                    card: None,
                    sender_avatar: crate::message::avatar_url(wire.sender_avatar.as_deref()),
                    ts_ms,
                    ts_raw,
                    quote_id: None,
                })])
            }
            Some("system") => {
                let mut out = Vec::with_capacity(2);
                if let Some(online) = wire.online_users {
                    out.push(Inbound::Presence {
                        room: ROOM.into(),
                        online,
                    });
                }
                if let Some(text) = wire.message {
                    out.push(Inbound::Message(IncomingMessage {
                        room: ROOM.into(),
                        service_id: None,
                        sender_id: "system".into(),
                        sender_name: None,
                        own: false,
                        kind: MessageKind::System,
                        text,
                        media: None,
                        card: None,
                        sender_avatar: None,
                        ts_ms,
                        ts_raw,
                        quote_id: None,
                    }));
                }
                Ok(out)
            }
            Some("error") => Ok(vec![Inbound::ServerError(
                wire.message.unwrap_or_else(|| "unspecified error".into()),
            )]),
            Some(other) => Err(CodecError::UnexpectedShape(format!(
                "unknown frame type `{other}`"
            ))),
            None => Err(CodecError::MissingField("type")),
        }
    }

    fn encode(&mut self, message: &Outgoing, _env: &mut Env) -> Result<Vec<OutFrame>, CodecError> {
        if message.kind != MessageKind::Text {
            return Err(CodecError::Refused("mockly rooms take text only".into()));
        }
        if message.text.trim().is_empty() {
            return Err(CodecError::Refused("the message is empty".into()));
        }
        if message.text.len() > MAX_MESSAGE_BYTES {
            return Err(CodecError::Refused(format!(
                "the message is {} bytes; mockly messages are limited to {} bytes",
                message.text.len(),
                MAX_MESSAGE_BYTES
            )));
        }
        let frame = serde_json::json!({ "message": message.text });
        Ok(vec![OutFrame::Text(frame.to_string())])
    }

    fn heartbeat(&self) -> Heartbeat {
        // mockly defines no application heartbeat (PROTOCOLS.md §3.3.6, §5): WebSocket pings
        // every 20 s, and 60 s of silence means the socket is dead [I].
        Heartbeat {
            every: Duration::from_secs(20),
            frame: HeartbeatFrame::WebSocketPing,
            idle_timeout: Duration::from_secs(60),
        }
    }

    fn max_frame_bytes(&self) -> usize {
        MAX_FRAME_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> MocklyCodec {
        MocklyCodec::new(MocklySettings {
            client_id: "user_1234".into(),
            endpoint: MocklySettings::default_endpoint(),
        })
    }

    fn decode(text: &str) -> Result<Vec<Inbound>, CodecError> {
        codec().decode(InFrame::Text(text), &mut Env::fixed(0))
    }

    // The three frame examples of service-docs/mockly-chat.txt, verbatim (minus the // comments).
    const DOC_CHAT: &str = r#"{
    "type": "message",
    "sender": "user_1234",
    "sender_name": "John Doe",
    "sender_avatar": "https://...",
    "message": "Hello, everyone!",
    "timestamp": "2023-07-25T14:32:15.123456",
    "id": "msg_5678"
    }"#;
    const DOC_SYSTEM: &str = r#"{
    "type": "system",
    "message": "user_5678 has joined the chat",
    "timestamp": "2023-07-25T14:30:05.123456",
    "online_users": 3
    }"#;
    const DOC_ERROR: &str = r#"{
    "type": "error",
    "message": "Invalid JSON format",
    "timestamp": "2023-07-25T14:33:25.123456"
    }"#;

    #[test]
    fn a_frame_without_a_usable_time_takes_the_time_the_caller_gives() {
        let frame = r#"{"type":"message","sender":"bob","message":"hi","timestamp":"yesterday"}"#;
        let mut env = Env::fixed(1_700_000_000_123);
        let items = codec().decode(InFrame::Text(frame), &mut env).unwrap();
        let [Inbound::Message(m)] = items.as_slice() else {
            panic!("expected one message, got {items:?}")
        };
        assert_eq!(
            m.ts_ms, 1_700_000_000_123,
            "the codec reads no clock of its own"
        );
        assert_eq!(m.ts_raw, "yesterday");
    }

    #[test]
    fn documented_chat_message_decodes_with_id_sender_and_utc_time() {
        let out = decode(DOC_CHAT).unwrap();
        let Inbound::Message(m) = &out[0] else {
            panic!("expected a message, got {out:?}")
        };
        let id = m.service_id.as_deref().unwrap();
        assert!(
            id.starts_with("msg_5678@2023-07-25T14:32:15.123456#"),
            "{id}"
        );
        assert_eq!(m.sender_id, "user_1234");
        assert_eq!(m.sender_name.as_deref(), Some("John Doe"));
        assert_eq!(m.text, "Hello, everyone!");
        assert_eq!(m.kind, MessageKind::Text);
        assert_eq!(m.ts_ms, 1_690_295_535_123);
        assert_eq!(m.ts_raw, "2023-07-25T14:32:15.123456");
        assert!(m.own, "sender == our client id means it is our echo");
    }

    #[test]
    fn a_reused_counter_id_with_other_content_or_time_is_another_message() {
        let id = |frame: &str| match decode(frame).unwrap().remove(0) {
            Inbound::Message(m) => m.service_id.unwrap(),
            other => panic!("expected a message, got {other:?}"),
        };
        let first = id(DOC_CHAT);
        assert_eq!(first, id(DOC_CHAT), "the same frame twice is one message");
        assert_ne!(first, id(&DOC_CHAT.replace("Hello, everyone!", "Bye")));
        assert_ne!(first, id(&DOC_CHAT.replace("14:32:15", "09:00:00")));
        assert_ne!(first, id(&DOC_CHAT.replace("\"user_1234\"", "\"user_9\"")));
    }

    #[test]
    fn messages_from_others_are_not_own() {
        let frame = DOC_CHAT.replace("user_1234", "user_9");
        let out = decode(&frame).unwrap();
        assert!(matches!(&out[0], Inbound::Message(m) if !m.own));
    }

    #[test]
    fn documented_system_message_gives_presence_and_a_notice() {
        let out = decode(DOC_SYSTEM).unwrap();
        assert_eq!(
            out[0],
            Inbound::Presence {
                room: ROOM.into(),
                online: 3
            }
        );
        let Inbound::Message(m) = &out[1] else {
            panic!("expected a notice")
        };
        assert_eq!(m.kind, MessageKind::System);
        assert_eq!(m.text, "user_5678 has joined the chat");
        assert_eq!(m.service_id, None);
    }

    #[test]
    fn documented_error_frame_is_a_server_error() {
        assert_eq!(
            decode(DOC_ERROR).unwrap(),
            vec![Inbound::ServerError("Invalid JSON format".into())]
        );
    }

    #[test]
    fn documented_send_shape_is_produced() {
        let frames = codec()
            .encode(
                &Outgoing {
                    local_id: 1,
                    room: ROOM.into(),
                    kind: MessageKind::Text,
                    text: "Hello, everyone!".into(),
                    media: None,
                    client_id: None,
                    quote_id: None,
                },
                &mut Env::fixed(0),
            )
            .unwrap();
        let OutFrame::Text(t) = &frames[0] else {
            panic!("text frame expected")
        };
        let v: serde_json::Value = serde_json::from_str(t).unwrap();
        assert_eq!(v, serde_json::json!({"message": "Hello, everyone!"}));
    }

    #[test]
    fn malformed_frames_are_typed_errors() {
        assert!(matches!(
            decode("not json"),
            Err(CodecError::InvalidJson(_))
        ));
        assert!(matches!(
            decode("{}"),
            Err(CodecError::MissingField("type"))
        ));
        assert!(matches!(
            decode(r#"{"type":"message","message":"x"}"#),
            Err(CodecError::MissingField("sender"))
        ));
        assert!(matches!(
            decode(r#"{"type":"dance"}"#),
            Err(CodecError::UnexpectedShape(_))
        ));
        assert!(matches!(
            decode(r#"{"type":"message","sender":5}"#),
            Err(CodecError::InvalidJson(_))
        ));
        assert!(matches!(
            codec().decode(InFrame::Binary(&[1, 2, 3]), &mut Env::fixed(0)),
            Err(CodecError::UnexpectedBinary(3))
        ));
    }

    #[test]
    fn oversize_frames_are_refused_unparsed() {
        let huge = format!(
            r#"{{"type":"message","sender":"a","message":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert!(matches!(decode(&huge), Err(CodecError::TooLarge { .. })));
    }

    #[test]
    fn client_id_is_url_encoded_into_the_endpoint() {
        let url = MocklyCodec::endpoint_url(&MocklySettings {
            client_id: "ann marie/1".into(),
            endpoint: MocklySettings::default_endpoint(),
        })
        .unwrap();
        assert_eq!(url.as_str(), "wss://mockly.me/ws/chat/ann+marie%2F1");
    }

    #[test]
    fn bad_endpoints_are_settings_errors() {
        for endpoint in [
            "https://mockly.me/ws/chat/{client_id}",
            "not a url {client_id}",
        ] {
            let err = MocklyCodec::endpoint_url(&MocklySettings {
                client_id: "me".into(),
                endpoint: endpoint.into(),
            });
            assert!(matches!(err, Err(CodecError::Settings(_))), "{endpoint}");
        }
        let empty = MocklyCodec::endpoint_url(&MocklySettings {
            client_id: "  ".into(),
            endpoint: MocklySettings::default_endpoint(),
        });
        assert!(matches!(empty, Err(CodecError::Settings(_))));
    }

    #[test]
    fn empty_and_oversize_messages_are_refused_before_sending() {
        let mut c = codec();
        let empty = Outgoing {
            local_id: 1,
            room: ROOM.into(),
            kind: MessageKind::Text,
            text: "  ".into(),
            media: None,
            client_id: None,
            quote_id: None,
        };
        assert!(matches!(
            c.encode(&empty, &mut Env::fixed(0)),
            Err(CodecError::Refused(_))
        ));
        let big = Outgoing {
            text: "x".repeat(MAX_MESSAGE_BYTES + 1),
            ..empty
        };
        assert!(matches!(
            c.encode(&big, &mut Env::fixed(0)),
            Err(CodecError::Refused(_))
        ));
    }
}

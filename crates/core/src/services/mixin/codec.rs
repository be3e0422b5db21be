//! Mixin Messenger bots over Blaze (PROTOCOLS.md §1): a JWT signed by the keystore on every
//! connection, the `Mixin-Blaze-1` subprotocol, gzip JSON in binary frames, the pending list
//! asked for first, every received message acknowledged once stored (the supervisor calls
//! [`Codec::acknowledge`] after the store has it), and own messages sent with a client-made
//! `message_id` so that a resend after a lost reply is de-duplicated by the server.

pub mod category;
pub mod frame;

use crate::codec::{
    Codec, CodecError, ConnectRequest, Env, Heartbeat, HeartbeatFrame, InFrame, Inbound, OutFrame,
    Outgoing, SendRefusal,
};
use crate::message::{DeliveryState, IncomingMessage, MessageKind};
use crate::services::mixin::keystore::Keystore;
use crate::services::mixin::MixinSettings;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

pub const SUBPROTOCOL: &str = "Mixin-Blaze-1";
/// The longest text Parley sends in one message (Mixin documents 128 KB per REST body; a
/// frame has its envelope around the text).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

pub struct MixinCodec {
    settings: MixinSettings,
    keystore: Option<Keystore>,
    /// Request ids of our CREATE_MESSAGE frames awaiting their reply, with the outbox entry.
    sends: HashMap<String, i64>,
    /// Outbox entries sent as two messages (a file, then its text), with what their first
    /// reply said: the entry's result waits for both.
    halves: HashMap<i64, Option<SendRefusal>>,
}

/// The envelope of every Blaze frame.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    error: Option<BlazeError>,
}

#[derive(Deserialize)]
struct BlazeError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    description: Option<String>,
    /// The documented sample spells it so (PROTOCOLS.md §1.7).
    #[serde(default)]
    desciption: Option<String>,
}

impl BlazeError {
    fn describe(&self) -> String {
        let text = self
            .description
            .as_deref()
            .or(self.desciption.as_deref())
            .filter(|d| !d.is_empty())
            .unwrap_or("no description");
        format!("error {}: {text}", self.code)
    }

    /// The session is not (or no longer) accepted: a wrong keystore, or a clock off by more
    /// than 5 minutes (911 = "time inaccurate").
    fn is_auth(&self) -> bool {
        matches!(self.code, 401 | 911)
    }
}

/// An inbound message view (`data` of CREATE_MESSAGE), PROTOCOLS.md §1.8.
#[derive(Deserialize)]
struct View {
    #[serde(default)]
    conversation_id: String,
    #[serde(default)]
    user_id: String,
    message_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    data_base64: Option<String>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    created_at: String,
    #[serde(default)]
    representative_id: Option<String>,
    /// The message this one answers, when it is a reply.
    #[serde(default)]
    quote_message_id: Option<String>,
}

impl MixinCodec {
    /// `keystore` is `None` when the keyring had none: the codec still checks outgoing messages.
    pub fn new(settings: MixinSettings, keystore: Option<Keystore>) -> MixinCodec {
        MixinCodec {
            settings,
            keystore,
            sends: HashMap::new(),
            halves: HashMap::new(),
        }
    }

    fn request(action: &str, params: Option<Value>, env: &mut Env) -> (String, OutFrame) {
        let id = env.fresh_id();
        let mut frame = json!({"id": id, "action": action});
        if let Some(params) = params {
            frame["params"] = params;
        }
        (
            id,
            OutFrame::Binary(frame::deflate(frame.to_string().as_bytes())),
        )
    }

    fn view(&self, data: Value, now_ms: i64) -> Result<Inbound, CodecError> {
        let view: View = serde_json::from_value(data)
            .map_err(|e| CodecError::UnexpectedShape(format!("message view: {e}")))?;
        if view.message_id.is_empty() {
            return Err(CodecError::MissingField("message_id"));
        }
        let own = view.user_id == self.settings.bot_id;
        // The server's status echo of a message the bot sent: no category, the bot as sender.
        if own && view.category.is_empty() {
            return Ok(match status(&view.status) {
                Some(state) => Inbound::Receipt {
                    service_id: view.message_id,
                    state,
                },
                None => Inbound::Ignored(format!("status echo `{}`", view.status)),
            });
        }
        let encoded = view
            .data_base64
            .as_deref()
            .filter(|d| !d.is_empty())
            .or(view.data.as_deref())
            .unwrap_or("");
        // Data that is not base64 is shown as an unreadable message rather than refused: it is
        // stored, so it is acknowledged, and the server stops sending it first on every
        // connection ahead of everything behind it.
        let rendered = match crate::services::mixin::keystore::decode_base64_any(encoded) {
            Some(payload) => category::render(&view.category, &payload),
            None => category::Rendered::undecodable(&view.category, &view.message_id),
        };
        let sender = view
            .representative_id
            .filter(|r| !r.is_empty())
            .unwrap_or(view.user_id);
        let ts_ms = crate::timestamp::parse_iso_ms(&view.created_at).unwrap_or(now_ms);
        Ok(Inbound::Message(IncomingMessage {
            room: view.conversation_id,
            service_id: Some(view.message_id),
            sender_id: sender,
            sender_name: None,
            own,
            kind: rendered.kind,
            text: rendered.text,
            media: rendered.media,
            card: rendered.card,
            sender_avatar: None,
            ts_ms,
            ts_raw: view.created_at,
            quote_id: view
                .quote_message_id
                .filter(|q| !q.is_empty() && q.len() <= 64),
        }))
    }

    fn receipt(data: Value) -> Result<Inbound, CodecError> {
        let message_id = data
            .get("message_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(CodecError::MissingField("message_id"))?;
        let status_text = data.get("status").and_then(Value::as_str).unwrap_or("");
        Ok(match status(status_text) {
            Some(state) => Inbound::Receipt {
                service_id: message_id.to_owned(),
                state,
            },
            None => Inbound::Ignored(format!("receipt with status `{status_text}`")),
        })
    }

    /// The reply to one of our requests (same id).
    fn reply(&mut self, envelope: Envelope) -> Inbound {
        let local_id = self.sends.remove(&envelope.id);
        let (local_id, outcome) = match (envelope.error, local_id) {
            (Some(e), _) if e.is_auth() => return Inbound::SessionRejected(e.describe()),
            (Some(e), None) => {
                return Inbound::ServerError(format!("{} ({})", e.describe(), envelope.action))
            }
            (None, None) => return Inbound::Ignored(format!("reply to {}", envelope.action)),
            (Some(e), Some(local_id)) => (
                local_id,
                Err(SendRefusal {
                    // Rate limits and server trouble pass; the rest is about this message.
                    permanent: !matches!(e.code, 429 | 500 | 7000 | 7001),
                    reason: match e.code {
                        403 => format!(
                            "the recipient does not accept messages from this bot ({})",
                            e.describe()
                        ),
                        _ => e.describe(),
                    },
                }),
            ),
            (None, Some(local_id)) => (local_id, Ok(())),
        };
        // A file sent with its text as a second message: answered once both replies are in,
        // refused if either was (a Retry sends both again under the same ids: no duplicate).
        if let Some(earlier) = self.halves.remove(&local_id) {
            let refusal = earlier.or(outcome.err());
            if self.sends.values().any(|id| *id == local_id) {
                self.halves.insert(local_id, refusal);
                return Inbound::Ignored("the first reply of a file sent with its text".into());
            }
            return Inbound::SendResult {
                local_id,
                outcome: refusal.map_or(Ok(()), Err),
            };
        }
        Inbound::SendResult { local_id, outcome }
    }
}

/// The id of the text sent after a file (a name-based UUID of the file's id: the same on every
/// resend, never another message's).
fn companion_id(file_message_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("parley-text-after:{file_message_id}"));
    let bytes: [u8; 16] = digest[..16].try_into().unwrap_or_default();
    // A UUID of our own making (version 8): Mixin takes any UUID as a message id.
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn status(s: &str) -> Option<DeliveryState> {
    match s {
        "SENT" => Some(DeliveryState::Sent),
        "DELIVERED" => Some(DeliveryState::Delivered),
        "READ" => Some(DeliveryState::Read),
        _ => None,
    }
}

impl Codec for MixinCodec {
    fn connect_request(&mut self, env: &mut Env) -> Result<ConnectRequest, CodecError> {
        let url = crate::wire::ws_url(&self.settings.blaze_url)?;
        let keystore = self.keystore.as_ref().ok_or_else(|| {
            CodecError::Settings(
                "the bot's keystore is not in the keyring; give it again with Edit on this account in Settings".into(),
            )
        })?;
        // A fresh token for every connection: the handshake is signed as `GET /` with no body.
        let request_id = env.fresh_id();
        let now_s = env.now_ms().div_euclid(1000);
        let token =
            crate::services::mixin::auth::sign(keystore, "GET", "/", b"", now_s, request_id);
        Ok(ConnectRequest {
            url,
            headers: vec![(
                "Authorization".into(),
                format!("Bearer {}", token.token.expose()),
            )],
            subprotocol: Some(SUBPROTOCOL.into()),
        })
    }

    fn on_open(&mut self, env: &mut Env) -> Vec<OutFrame> {
        // Replies to sends of an earlier connection will never come: the outbox resends them.
        self.sends.clear();
        self.halves.clear();
        // Without this first, the server pushes nothing (service doc).
        vec![Self::request("LIST_PENDING_MESSAGES", None, env).1]
    }

    fn decode(&mut self, frame: InFrame<'_>, env: &mut Env) -> Result<Vec<Inbound>, CodecError> {
        let compressed = match frame {
            InFrame::Binary(b) => b,
            InFrame::Text(t) => {
                return Err(CodecError::UnexpectedShape(format!(
                    "a text frame ({} bytes); Blaze sends only gzip binary frames",
                    t.len()
                )))
            }
        };
        let json = frame::inflate(compressed)?;
        crate::wire::check_json_depth(&json)?;
        let envelope: Envelope =
            serde_json::from_slice(&json).map_err(|e| CodecError::InvalidJson(e.to_string()))?;
        if !envelope.id.is_empty() && self.sends.contains_key(&envelope.id) {
            return Ok(vec![self.reply(envelope)]);
        }
        let item = match (envelope.action.as_str(), envelope.data, envelope.error) {
            (_, _, Some(e)) if e.is_auth() => Inbound::SessionRejected(e.describe()),
            (_, _, Some(e)) => Inbound::ServerError(e.describe()),
            ("CREATE_MESSAGE", Some(data), None) => self.view(data, env.now_ms())?,
            ("ACKNOWLEDGE_MESSAGE_RECEIPT", Some(data), None) => Self::receipt(data)?,
            (action, _, None) => Inbound::Ignored(format!("{action} frame")),
        };
        Ok(vec![item])
    }

    fn encode(&mut self, message: &Outgoing, env: &mut Env) -> Result<Vec<OutFrame>, CodecError> {
        // PLAIN_DATA and PLAIN_AUDIO carry no caption: their text goes apart, after them.
        let (category, data, text_apart) = match message.kind {
            MessageKind::Text => ("PLAIN_TEXT", message.text.as_bytes().to_vec(), false),
            MessageKind::Image | MessageKind::Video | MessageKind::Audio | MessageKind::File => {
                let media = message
                    .media
                    .as_ref()
                    .ok_or_else(|| CodecError::Refused("the message has no file".into()))?;
                // Uploaded first (the connection's companion does it), then sent by its id.
                let attachment = media
                    .attachment_id
                    .as_deref()
                    .ok_or_else(|| CodecError::NotReady("the file is not uploaded yet".into()))?;
                let (category, body) =
                    category::outgoing_attachment(message.kind, media, attachment, &message.text);
                let apart =
                    !category::carries_caption(message.kind) && !message.text.trim().is_empty();
                (category, body.to_string().into_bytes(), apart)
            }
            _ => {
                return Err(CodecError::Refused(
                    "a Mixin bot sends text, images, videos, voice messages and files".into(),
                ))
            }
        };
        if message.kind == MessageKind::Text && message.text.trim().is_empty() {
            return Err(CodecError::Refused("the message is empty".into()));
        }
        if message.text.len() > MAX_TEXT_BYTES {
            return Err(CodecError::Refused(format!(
                "the message is {} KB; Mixin takes at most {} KB",
                message.text.len() / 1024,
                MAX_TEXT_BYTES / 1024
            )));
        }
        if uuid::Uuid::parse_str(&message.room).is_err() {
            return Err(CodecError::Refused(format!(
                "`{}` is not a Mixin conversation id",
                message.room
            )));
        }
        let message_id = message.client_id.clone().unwrap_or_else(|| env.fresh_id());
        // The text apart goes right after the file, under an id made from the file's, so a
        // resend repeats both and Mixin keeps one of each.
        let text_after = text_apart.then(|| {
            json!({
                "conversation_id": message.room,
                "message_id": companion_id(&message_id),
                "category": "PLAIN_TEXT",
                "data_base64": URL_SAFE_NO_PAD.encode(message.text.as_bytes()),
                "status": "SENT",
            })
        });
        let mut params = json!({
            "conversation_id": message.room,
            "message_id": message_id,
            "category": category,
            "data_base64": URL_SAFE_NO_PAD.encode(&data),
            "status": "SENT",
        });
        if let Some(quoted) = &message.quote_id {
            params["quote_message_id"] = json!(quoted);
        }
        let (id, frame) = Self::request("CREATE_MESSAGE", Some(params), env);
        let mut frames = vec![frame];
        if message.local_id != 0 {
            self.sends.insert(id, message.local_id);
        }
        if let Some(text) = text_after {
            let (id, frame) = Self::request("CREATE_MESSAGE", Some(text), env);
            frames.push(frame);
            if message.local_id != 0 {
                self.sends.insert(id, message.local_id);
                self.halves.insert(message.local_id, None);
            }
        }
        Ok(frames)
    }

    fn acknowledge(&mut self, service_id: &str, env: &mut Env) -> Vec<OutFrame> {
        let params = json!({"message_id": service_id, "status": "READ"});
        vec![Self::request("ACKNOWLEDGE_MESSAGE_RECEIPT", Some(params), env).1]
    }

    fn reset_on_malformed(&self) -> bool {
        // The official SDK drops the connection on any frame it cannot read (§1.15.1).
        true
    }

    fn heartbeat(&self) -> Heartbeat {
        // The Go SDK pings every 9 s with a 10 s read deadline; the server pings too.
        Heartbeat {
            every: Duration::from_secs(10),
            frame: HeartbeatFrame::WebSocketPing,
            idle_timeout: Duration::from_secs(30),
        }
    }

    fn max_frame_bytes(&self) -> usize {
        frame::MAX_COMPRESSED_BYTES
    }

    fn permanent_rejection(&self, status: u16) -> Option<String> {
        match status {
            401 => Some(
                "Mixin refused the bot's session (HTTP 401): the keystore is wrong or revoked, or this computer's clock is off by more than 5 minutes".into(),
            ),
            other => crate::codec::permanent_rejection(other),
        }
    }
}

#[cfg(test)]
mod tests;

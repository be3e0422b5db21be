//! The Realtime live socket (PROTOCOLS.md §4.2–4.4): `auth` first, then one `subscribe` per
//! joined chatroom, the user's notifications and the market symbols; `chat:send` out; every
//! documented event in, plus the inferred ones (typing, offline, error, auth ack, pong). Event
//! names the docs do not define live in [`names`] so they change in one place.

use crate::bounded::BoundedMap;
use crate::codec::{
    Codec, CodecError, ConnectRequest, Env, Heartbeat, HeartbeatFrame, InFrame, Inbound, OutFrame,
    Outgoing, Signal,
};
use crate::live::{Alert, AlertKind, PriceTick};
use crate::message::{IncomingMessage, MessageKind};
use crate::secret::Secret;
use crate::services::realtime::RealtimeSettings;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The documented maximum message size (64 KB), for frames both ways.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Event names: the documented ones and the inferred ones [I], in one table.
pub mod names {
    pub const AUTH: &str = "auth";
    pub const SUBSCRIBE: &str = "subscribe";
    pub const UNSUBSCRIBE: &str = "unsubscribe"; // [I]
    pub const CHAT_SEND: &str = "chat:send";
    pub const PING: &str = "ping";
    pub const CHAT_MESSAGE: &str = "chat:message";
    pub const USER_ONLINE: &str = "user:online";
    pub const USER_OFFLINE: &str = "user:offline"; // [I]
    pub const MARKET_PRICE: &str = "market:price";
    pub const POST_CREATED: &str = "post:created";
    pub const TRADE_CREATED: &str = "trade:created";
    pub const NOTIFICATION_NEW: &str = "notification:new";
    pub const SESSION_STARTED: &str = "session:started";
    pub const SESSION_ENDED: &str = "session:ended"; // [I]
    pub const TYPING_START: &str = "typing:start"; // [I]
    pub const TYPING_STOP: &str = "typing:stop"; // [I]
    pub const CHAT_TYPING: &str = "chat:typing"; // [I] with {isTyping}
    pub const ERROR: &str = "error"; // [I]
    pub const PONG: &str = "pong"; // [I]
    pub const AUTH_OK: [&str; 3] = ["auth:success", "authenticated", "auth:ok"];
    // [I]
}

/// What the socket and the REST catch-up share: which rooms are joined and the senders' names
/// learnt from REST history (the socket's `chat:message` carries only a `userId`).
pub struct Shared {
    rooms: Mutex<BTreeSet<String>>,
    names: Mutex<BoundedMap<String, String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Most sender names remembered per account (a community can be large): past it, the name
/// learnt longest ago is forgotten first.
const MAX_NAMES: usize = 10_000;
/// The longest user id or name remembered. Sender names come from REST pages a server fills;
/// longer ones are no real user's, and with the count cap they bound the cache's size.
const MAX_NAME_BYTES: usize = 256;

impl Shared {
    pub fn new(rooms: impl IntoIterator<Item = String>) -> Arc<Shared> {
        Arc::new(Shared {
            rooms: Mutex::new(rooms.into_iter().collect()),
            names: Mutex::new(BoundedMap::new(MAX_NAMES)),
        })
    }

    pub fn rooms(&self) -> Vec<String> {
        lock(&self.rooms).iter().cloned().collect()
    }

    pub fn is_joined(&self, room: &str) -> bool {
        lock(&self.rooms).contains(room)
    }

    fn set_joined(&self, room: &str, joined: bool) {
        let mut rooms = lock(&self.rooms);
        if joined {
            rooms.insert(room.to_owned());
        } else {
            rooms.remove(room);
        }
    }

    /// Remembers the names a REST page gives its senders.
    pub fn learn_names(&self, page: &[super::rest::RestMessage]) {
        for m in page {
            if let Some(name) = m.user.as_ref().and_then(|u| u.display_name()) {
                self.remember_name(&m.user_id, &name);
            }
        }
    }

    pub fn remember_name(&self, user_id: &str, name: &str) {
        if user_id.len() > MAX_NAME_BYTES || name.len() > MAX_NAME_BYTES {
            return;
        }
        lock(&self.names).insert(user_id.to_owned(), name.to_owned());
    }

    pub fn name_of(&self, user_id: &str) -> Option<String> {
        lock(&self.names).get(user_id).cloned()
    }
}

pub struct RealtimeCodec {
    settings: RealtimeSettings,
    api_key: Secret,
    token: Secret,
    shared: Arc<Shared>,
    symbols: Vec<String>,
}

impl RealtimeCodec {
    pub fn new(
        settings: RealtimeSettings,
        api_key: Secret,
        token: Secret,
        shared: Arc<Shared>,
    ) -> Self {
        let symbols = settings.symbols.clone();
        RealtimeCodec {
            settings,
            api_key,
            token,
            shared,
            symbols,
        }
    }

    fn subscribe_room(room: &str) -> OutFrame {
        text(json!({"type": names::SUBSCRIBE, "channel": "chatroom", "chatroomId": room}))
    }

    fn market(kind: &str, symbols: &[String]) -> OutFrame {
        text(json!({"type": kind, "channel": "market", "symbols": symbols}))
    }
}

fn text(value: Value) -> OutFrame {
    OutFrame::Text(value.to_string())
}

/// `{type, data}` with `data` left unparsed until the type says what it is.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct ChatMessage {
    #[serde(rename = "chatroomId")]
    chatroom_id: String,
    #[serde(rename = "messageId")]
    message_id: String,
    #[serde(rename = "userId")]
    user_id: String,
    message: String,
    #[serde(default)]
    timestamp: String,
}

#[derive(Deserialize)]
struct UserStatus {
    #[serde(rename = "userId")]
    user_id: String,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Typing {
    #[serde(rename = "chatroomId")]
    chatroom_id: String,
    #[serde(rename = "userId")]
    user_id: String,
    #[serde(default, rename = "isTyping")]
    is_typing: Option<bool>,
}

#[derive(Deserialize)]
struct Price<'a> {
    symbol: String,
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow, default)]
    change: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "changePercent")]
    change_percent: Option<&'a RawValue>,
}

/// A number exactly as written (a string holding a number is unquoted); anything else is refused.
fn number_text(raw: &RawValue) -> Result<String, CodecError> {
    let text = raw.get().trim();
    let unquoted = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if unquoted.parse::<f64>().is_ok_and(f64::is_finite) {
        Ok(unquoted.to_owned())
    } else {
        Err(CodecError::UnexpectedShape(format!(
            "`{text}` is not a number"
        )))
    }
}

fn data<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>, event: &str) -> Result<T, CodecError> {
    let raw = raw.ok_or(CodecError::MissingField("data"))?;
    serde_json::from_str(raw.get())
        .map_err(|e| CodecError::UnexpectedShape(format!("`{event}` data: {e}")))
}

/// Loosely typed data for alerts: every field optional, each kept as written.
type Fields<'a> = HashMap<String, &'a RawValue>;

fn fields(raw: Option<&RawValue>) -> Fields<'_> {
    raw.and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default()
}

/// Whether an error frame is a rate-limit refusal ("Rate limit exceeded: 100 messages per
/// minute"; the wording is the only sign the documented protocol gives).
fn is_rate_limit(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("rate limit") || lower.contains("too many")
}

/// A string field, or a number exactly as written (`1.0850` stays `1.0850`).
fn field(v: &Fields<'_>, key: &str) -> Option<String> {
    let raw = v.get(key)?.get();
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw)
            .ok()
            .filter(|s| !s.is_empty())
    } else if raw.parse::<f64>().is_ok() {
        Some(raw.to_owned())
    } else {
        None
    }
}

impl RealtimeCodec {
    fn chat_message(
        &self,
        raw: Option<&RawValue>,
        now_ms: i64,
    ) -> Result<Vec<Inbound>, CodecError> {
        let m: ChatMessage = data(raw, names::CHAT_MESSAGE)?;
        if !self.shared.is_joined(&m.chatroom_id) {
            return Ok(vec![Inbound::Ignored(format!(
                "a message for room {} that is not joined",
                m.chatroom_id
            ))]);
        }
        let own = !self.settings.user_id.is_empty() && m.user_id == self.settings.user_id;
        let ts_ms = crate::timestamp::parse_iso_ms(&m.timestamp).unwrap_or(now_ms);
        Ok(vec![Inbound::Message(IncomingMessage {
            room: m.chatroom_id,
            service_id: Some(m.message_id),
            sender_name: if own {
                None
            } else {
                self.shared.name_of(&m.user_id)
            },
            sender_id: m.user_id,
            own,
            kind: MessageKind::Text,
            text: m.message,
            media: None,
            card: None,
            sender_avatar: None,
            ts_ms,
            ts_raw: m.timestamp,
            quote_id: None,
        })])
    }

    fn typing(&self, raw: Option<&RawValue>, event: &str) -> Result<Vec<Inbound>, CodecError> {
        let t: Typing = data(raw, event)?;
        if t.user_id == self.settings.user_id || !self.shared.is_joined(&t.chatroom_id) {
            return Ok(Vec::new());
        }
        let active = match event {
            names::TYPING_STOP => false,
            names::CHAT_TYPING => t.is_typing.unwrap_or(true),
            _ => true,
        };
        Ok(vec![Inbound::Typing {
            name: self.shared.name_of(&t.user_id),
            room: t.chatroom_id,
            user_id: t.user_id,
            active,
        }])
    }

    fn alert(kind: AlertKind, raw: Option<&RawValue>, now_ms: i64) -> Inbound {
        let v = fields(raw);
        let (id, title, body, priority) = match kind {
            AlertKind::Trade => {
                let direction = field(&v, "direction").unwrap_or_default().to_uppercase();
                let symbol = field(&v, "symbol").unwrap_or_else(|| "?".into());
                let entry = field(&v, "entryPrice")
                    .map(|p| format!("Entry {p}"))
                    .unwrap_or_default();
                (
                    field(&v, "tradeId"),
                    format!("Trade alert: {direction} {symbol}")
                        .trim()
                        .to_owned(),
                    entry,
                    None,
                )
            }
            AlertKind::Post => (
                field(&v, "postId"),
                "New post".to_owned(),
                field(&v, "content").unwrap_or_default(),
                None,
            ),
            AlertKind::Notification => (
                field(&v, "id"),
                field(&v, "title").unwrap_or_else(|| "Notification".into()),
                field(&v, "message").unwrap_or_default(),
                field(&v, "priority"),
            ),
            AlertKind::SessionStarted => (
                field(&v, "sessionId"),
                format!(
                    "Live session started: {}",
                    field(&v, "title").unwrap_or_default()
                )
                .trim_end_matches([':', ' '])
                .to_owned(),
                field(&v, "speakerId")
                    .map(|s| format!("Speaker {s}"))
                    .unwrap_or_default(),
                None,
            ),
            AlertKind::SessionEnded => (
                field(&v, "sessionId"),
                format!(
                    "Live session ended: {}",
                    field(&v, "title").unwrap_or_default()
                )
                .trim_end_matches([':', ' '])
                .to_owned(),
                String::new(),
                None,
            ),
            // Parley's own (a notified message), never on the wire.
            AlertKind::Message => (None, "Message".to_owned(), String::new(), None),
        };
        let ts_ms = ["timestamp", "startedAt", "endedAt", "createdAt"]
            .iter()
            .find_map(|k| field(&v, k).and_then(|t| crate::timestamp::parse_iso_ms(&t)))
            .unwrap_or(now_ms);
        Inbound::Alert(Alert {
            kind,
            id,
            title,
            body,
            priority,
            ts_ms,
            room: None,
            local_id: None,
        })
    }
}

impl Codec for RealtimeCodec {
    fn connect_request(&mut self, _env: &mut Env) -> Result<ConnectRequest, CodecError> {
        if self.token.expose().trim().is_empty() {
            return Err(CodecError::Settings(
                "no token: sign in again in settings".into(),
            ));
        }
        let mut url = crate::services::realtime::rest::live_url(
            &self.settings.base_url,
            self.settings.ws_url.as_deref(),
        )
        .map_err(|e| CodecError::Settings(e.to_string()))?;
        if self.settings.api_key_in_query {
            url.query_pairs_mut()
                .append_pair("apiKey", self.api_key.expose());
        }
        Ok(ConnectRequest {
            url,
            headers: vec![("X-API-Key".into(), self.api_key.expose().to_owned())],
            subprotocol: None,
        })
    }

    fn on_open(&mut self, _env: &mut Env) -> Vec<OutFrame> {
        let mut frames = vec![text(
            json!({"type": names::AUTH, "token": self.token.expose()}),
        )];
        frames.extend(
            self.shared
                .rooms()
                .iter()
                .map(|room| Self::subscribe_room(room)),
        );
        if !self.settings.user_id.is_empty() {
            frames.push(text(json!({"type": names::SUBSCRIBE, "channel": "notifications", "userId": self.settings.user_id})));
        }
        if !self.symbols.is_empty() {
            frames.push(Self::market(names::SUBSCRIBE, &self.symbols));
        }
        frames
    }

    fn decode(&mut self, frame: InFrame<'_>, env: &mut Env) -> Result<Vec<Inbound>, CodecError> {
        let text = match frame {
            InFrame::Text(t) => t,
            InFrame::Binary(b) => return Err(CodecError::UnexpectedBinary(b.len())),
        };
        if text.len() > MAX_FRAME_BYTES {
            return Err(CodecError::TooLarge {
                size: text.len(),
                limit: MAX_FRAME_BYTES,
            });
        }
        crate::wire::check_json_depth(text.as_bytes())?;
        let envelope: Envelope<'_> =
            serde_json::from_str(text).map_err(|e| CodecError::InvalidJson(e.to_string()))?;
        let kind = envelope.kind.ok_or(CodecError::MissingField("type"))?;
        let raw = envelope.data;
        match kind.as_str() {
            names::CHAT_MESSAGE => self.chat_message(raw, env.now_ms()),
            names::USER_ONLINE | names::USER_OFFLINE => {
                let u: UserStatus = data(raw, &kind)?;
                let online = kind == names::USER_ONLINE
                    && u.status
                        .as_deref()
                        .is_none_or(|s| !s.eq_ignore_ascii_case("offline"));
                Ok(vec![Inbound::UserStatus {
                    user_id: u.user_id,
                    online,
                }])
            }
            names::TYPING_START | names::TYPING_STOP | names::CHAT_TYPING => {
                self.typing(raw, &kind)
            }
            names::MARKET_PRICE => {
                let p: Price<'_> = data(raw, &kind)?;
                Ok(vec![Inbound::Price(PriceTick {
                    symbol: p.symbol,
                    price: number_text(p.price)?,
                    change: p.change.map(number_text).transpose()?,
                    change_percent: p.change_percent.map(number_text).transpose()?,
                })])
            }
            names::TRADE_CREATED => Ok(vec![Self::alert(AlertKind::Trade, raw, env.now_ms())]),
            names::POST_CREATED => Ok(vec![Self::alert(AlertKind::Post, raw, env.now_ms())]),
            names::NOTIFICATION_NEW => Ok(vec![Self::alert(
                AlertKind::Notification,
                raw,
                env.now_ms(),
            )]),
            names::SESSION_STARTED => Ok(vec![Self::alert(
                AlertKind::SessionStarted,
                raw,
                env.now_ms(),
            )]),
            names::SESSION_ENDED => Ok(vec![Self::alert(
                AlertKind::SessionEnded,
                raw,
                env.now_ms(),
            )]),
            names::ERROR => {
                let v = fields(raw);
                let message = field(&v, "message")
                    .or_else(|| raw.and_then(|r| serde_json::from_str::<String>(r.get()).ok()))
                    .or(envelope.message)
                    .unwrap_or_else(|| "unspecified error".into());
                // A rate-limit refusal carries no request id: it answers the oldest send.
                if is_rate_limit(&message) {
                    let retry_after = ["retryAfter", "retry_after"]
                        .iter()
                        .find_map(|k| field(&v, k).and_then(|t| t.parse::<f64>().ok()))
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(|s| {
                            std::time::Duration::from_secs_f64(
                                s.min(crate::rest::MAX_RETRY_AFTER.as_secs_f64()),
                            )
                        });
                    return Ok(vec![Inbound::SendDeferred {
                        reason: message,
                        retry_after,
                    }]);
                }
                Ok(vec![Inbound::ServerError(message)])
            }
            names::PONG => Ok(Vec::new()),
            other if names::AUTH_OK.contains(&other) => Ok(Vec::new()),
            other => Ok(vec![Inbound::Ignored(format!(
                "unknown event type `{other}`"
            ))]),
        }
    }

    fn encode(&mut self, message: &Outgoing, _env: &mut Env) -> Result<Vec<OutFrame>, CodecError> {
        if message.kind != MessageKind::Text {
            return Err(CodecError::Refused("Realtime rooms take text only".into()));
        }
        if message.text.trim().is_empty() {
            return Err(CodecError::Refused("the message is empty".into()));
        }
        let frame =
            json!({"type": names::CHAT_SEND, "chatroomId": message.room, "message": message.text})
                .to_string();
        if frame.len() > MAX_FRAME_BYTES {
            return Err(CodecError::Refused(format!(
                "the message is {} KB; the service takes at most 64 KB",
                message.text.len().div_ceil(1024)
            )));
        }
        Ok(vec![OutFrame::Text(frame)])
    }

    fn signal(&mut self, signal: &Signal) -> Vec<OutFrame> {
        match signal {
            Signal::Typing { room, active } if self.shared.is_joined(room) => {
                let kind = if *active {
                    names::TYPING_START
                } else {
                    names::TYPING_STOP
                };
                vec![text(json!({"type": kind, "chatroomId": room}))]
            }
            Signal::Typing { .. } => Vec::new(),
            Signal::Join(room) => {
                self.shared.set_joined(room, true);
                vec![Self::subscribe_room(room)]
            }
            Signal::Leave(room) => {
                self.shared.set_joined(room, false);
                vec![text(
                    json!({"type": names::UNSUBSCRIBE, "channel": "chatroom", "chatroomId": room}),
                )]
            }
            Signal::Symbols(symbols) => {
                let mut frames = Vec::new();
                if !self.symbols.is_empty() {
                    frames.push(Self::market(names::UNSUBSCRIBE, &self.symbols));
                }
                self.symbols = symbols.clone();
                if !self.symbols.is_empty() {
                    frames.push(Self::market(names::SUBSCRIBE, &self.symbols));
                }
                frames
            }
        }
    }

    fn heartbeat(&self) -> Heartbeat {
        // Documented: ping every 30 s; connections idle 60 s are closed. Liveness is any frame [I].
        Heartbeat {
            every: Duration::from_secs(30),
            frame: HeartbeatFrame::App(text(json!({"type": names::PING}))),
            idle_timeout: Duration::from_secs(65),
        }
    }

    fn max_frame_bytes(&self) -> usize {
        MAX_FRAME_BYTES
    }

    fn permanent_close(&self, code: u16, reason: &str) -> Option<String> {
        let lower = reason.to_ascii_lowercase();
        let auth = matches!(code, 4001 | 4003 | 4401 | 4403)
            || (code == 1008 && (lower.contains("token") || lower.contains("auth")));
        auth.then(|| {
            format!(
                "the server refused the token ({}); sign in again in settings",
                if reason.is_empty() {
                    format!("close code {code}")
                } else {
                    reason.to_owned()
                }
            )
        })
    }
}

#[cfg(test)]
mod tests;

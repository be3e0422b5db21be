//! MEXC P2P order chat (PROTOCOLS.md §2, service-docs/mexc-p2p-websocket-chat.txt): one socket
//! per conversation, `?listenKey=…&conversationId=…` in the URL, `{"method":"PING"}` every 5 s,
//! and JSON *inside JSON strings* both ways (`params` of SEND_MESSAGE, `data` of RECEIVE_MESSAGE).
//!
//! Read tolerantly: `data` may also arrive as an object, unknown fields are ignored, unknown
//! message types and methods become "unsupported" placeholders instead of being dropped.

use crate::codec::{
    Codec, CodecError, ConnectRequest, Env, Heartbeat, HeartbeatFrame, InFrame, Inbound, OutFrame,
    Outgoing,
};
use crate::message::{IncomingMessage, Media, MessageKind};
use chrono::{FixedOffset, TimeZone};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::time::Duration;

/// The documented WebSocket endpoint.
pub const DEFAULT_ENDPOINT: &str = "wss://wbs.p2p.mexc.com/ws";
/// Chat frames are small; anything over this is refused unparsed [I].
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// The reused buffer for a frame's chat message is dropped after a message larger than this.
const KEPT_INNER_BYTES: usize = 64 * 1024;
/// Our limit on an outgoing text [I]: the service documents none.
pub const MAX_CONTENT_BYTES: usize = 8 * 1024;

/// One order chat: what the socket URL and the frames need.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub endpoint: String,
    /// The listenKey comes from Parley's keeper (API-key mode), not from the user: refusals
    /// are worded so, and the keeper renews it (the key itself comes with each dial, in [`Env`]).
    pub managed_key: bool,
    pub conversation_id: i64,
    /// `createTime` has no zone on the wire; this is the offset it is read in (default UTC, [I]).
    pub create_time_offset_minutes: i32,
}

pub struct MexcCodec {
    chat: Conversation,
    /// The chat message of the frame being decoded, unescaped; reused from frame to frame.
    inner: String,
}

impl MexcCodec {
    pub fn new(chat: Conversation) -> Self {
        MexcCodec {
            chat,
            inner: String::new(),
        }
    }

    fn room(&self) -> String {
        self.chat.conversation_id.to_string()
    }

    /// Reads `"YYYY-MM-DD HH:MM:SS"` in the configured offset; `None` if it is not that shape.
    fn create_time_ms(&self, raw: &str) -> Option<i64> {
        let naive = match crate::timestamp::naive_prefix(raw, b" ")? {
            (naive, "") => naive,
            _ => return None,
        };
        let offset = FixedOffset::east_opt(self.chat.create_time_offset_minutes * 60)?;
        offset
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.timestamp_millis())
    }

    fn message(&self, body: ChatBody<'_>, now_ms: i64) -> IncomingMessage {
        let kind = match body.kind {
            Some(1) => MessageKind::Text,
            Some(2) => MessageKind::Image,
            Some(3) => MessageKind::Video,
            Some(4) => MessageKind::File,
            other => {
                tracing::warn!(message_type = ?other, "unsupported MEXC message type");
                MessageKind::Unsupported
            }
        };
        let non_empty = |s: Option<Cow<'_, str>>| s.filter(|u| !u.is_empty()).map(Cow::into_owned);
        let media = match kind {
            MessageKind::Image => non_empty(body.image_url).map(|url| Media {
                url,
                thumb_url: non_empty(body.image_thumb_url),
                ..Default::default()
            }),
            MessageKind::Video => non_empty(body.video_url).map(|url| Media {
                url,
                thumb_url: None,
                ..Default::default()
            }),
            MessageKind::File => non_empty(body.file_url).map(|url| Media {
                url,
                thumb_url: None,
                ..Default::default()
            }),
            _ => None,
        };
        let ts_raw = body.create_time.map(Cow::into_owned).unwrap_or_default();
        let text = match (kind, body.content) {
            (MessageKind::Unsupported, content) => format!(
                "Unsupported message (type {}){}",
                body.kind.map_or("missing".into(), |t| t.to_string()),
                content.map(|c| format!(": {c}")).unwrap_or_default()
            ),
            (_, content) => content.map(Cow::into_owned).unwrap_or_default(),
        };
        IncomingMessage {
            room: body
                .conversation_id
                .map_or_else(|| self.room(), |id| id.to_string()),
            service_id: body.id.map(|id| id.to_string()),
            sender_id: body.from_user_id.map(Cow::into_owned).unwrap_or_default(),
            sender_name: body.from_nick_name.map(Cow::into_owned),
            own: body.is_self.unwrap_or(false),
            kind,
            text,
            media,
            card: None,
            sender_avatar: None,
            ts_ms: self.create_time_ms(&ts_raw).unwrap_or(now_ms),
            ts_raw,
            quote_id: None,
        }
    }
}

/// The outer frame, borrowed from the text. `data` is kept raw (a string holding JSON, as
/// documented, or the object itself, tolerated) and read once its shape is known.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    success: Option<bool>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

/// The message body inside `data`, borrowed where it has no escapes. Every field optional:
/// the doc's table is all we know.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatBody<'a> {
    id: Option<i64>,
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    conversation_id: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<i64>,
    #[serde(borrow)]
    image_url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    image_thumb_url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    video_url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    file_url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    create_time: Option<Cow<'a, str>>,
    #[serde(rename = "self")]
    is_self: Option<bool>,
    #[serde(borrow)]
    from_user_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from_nick_name: Option<Cow<'a, str>>,
}

impl Codec for MexcCodec {
    fn connect_request(&mut self, env: &mut Env) -> Result<ConnectRequest, CodecError> {
        let mut url = crate::wire::ws_url(&self.chat.endpoint)?;
        let key = env
            .credential()
            .filter(|k| !k.expose().trim().is_empty())
            .ok_or_else(|| CodecError::Settings("the listenKey is empty".into()))?;
        url.query_pairs_mut()
            .append_pair("listenKey", key.expose().trim())
            .append_pair("conversationId", &self.chat.conversation_id.to_string());
        Ok(ConnectRequest {
            url,
            headers: Vec::new(),
            subprotocol: None,
        })
    }

    fn decode(&mut self, frame: InFrame<'_>, env: &mut Env) -> Result<Vec<Inbound>, CodecError> {
        let text = crate::codec::checked_json_text(frame, MAX_FRAME_BYTES)?;
        let envelope: Envelope =
            serde_json::from_str(text).map_err(|e| CodecError::InvalidJson(e.to_string()))?;
        match envelope.method.as_deref() {
            Some("RECEIVE_MESSAGE") => {
                let raw = envelope.data.map_or("", RawValue::get);
                let mut inner = std::mem::take(&mut self.inner);
                inner.clear();
                let body = match raw.as_bytes().first() {
                    // Documented: a string holding JSON.
                    Some(b'"') => unescape::unescape_into(raw, &mut inner).and_then(|()| {
                        crate::wire::check_json_depth(inner.as_bytes())?;
                        serde_json::from_str::<ChatBody>(&inner).map_err(|e| {
                            CodecError::InvalidJson(format!("RECEIVE_MESSAGE data: {e}"))
                        })
                    }),
                    // Tolerated: the object itself (already checked for depth with the frame).
                    Some(b'{') => serde_json::from_str::<ChatBody>(raw).map_err(|e| {
                        CodecError::UnexpectedShape(format!("RECEIVE_MESSAGE data: {e}"))
                    }),
                    _ => Err(CodecError::MissingField("data")),
                };
                let decoded =
                    body.map(|body| vec![Inbound::Message(self.message(body, env.now_ms()))]);
                // Kept for the next frame, unless one huge message grew it (40 order chats
                // must not each hold a megabyte).
                if inner.capacity() <= KEPT_INNER_BYTES {
                    self.inner = inner;
                }
                decoded
            }
            // The PONG: liveness is any frame, so nothing else to do.
            Some("PING") => Ok(Vec::new()),
            Some("SEND_MESSAGE") => Ok(vec![if envelope.success.unwrap_or(false) {
                Inbound::SendAccepted
            } else {
                Inbound::SendRejected(
                    envelope
                        .msg
                        .map_or_else(|| "the server refused the message".into(), Cow::into_owned),
                )
            }]),
            Some(other) => {
                tracing::warn!(method = other, "unsupported MEXC method");
                Ok(vec![Inbound::Message(IncomingMessage {
                    room: self.room(),
                    service_id: None,
                    sender_id: "mexc".into(),
                    sender_name: None,
                    own: false,
                    kind: MessageKind::Unsupported,
                    text: format!("Unsupported frame from the server (method {other})"),
                    media: None,
                    card: None,
                    sender_avatar: None,
                    ts_ms: env.now_ms(),
                    ts_raw: String::new(),
                    quote_id: None,
                })])
            }
            None => Err(CodecError::MissingField("method")),
        }
    }

    fn encode(&mut self, message: &Outgoing, _env: &mut Env) -> Result<Vec<OutFrame>, CodecError> {
        let refuse = |why: &str| Err(CodecError::Refused(why.to_owned()));
        if message.text.len() > MAX_CONTENT_BYTES {
            return refuse(&format!(
                "the message is {} bytes; the limit is {MAX_CONTENT_BYTES}",
                message.text.len()
            ));
        }
        let url = message
            .media
            .as_ref()
            .map(|m| m.url.trim())
            .unwrap_or_default();
        let (kind, image, thumb, video, file) = match message.kind {
            MessageKind::Text if message.text.trim().is_empty() => {
                return refuse("the message is empty")
            }
            MessageKind::Text => (1, "", "", "", ""),
            _ if url.is_empty() => {
                return refuse("this message needs a URL for its image, video or file")
            }
            MessageKind::Image => {
                let thumb = message
                    .media
                    .as_ref()
                    .and_then(|m| m.thumb_url.as_deref())
                    .unwrap_or("");
                (2, url, thumb, "", "")
            }
            MessageKind::Video => (3, "", "", url, ""),
            MessageKind::File => (4, "", "", "", url),
            _ => return refuse("only text, image, video and file messages can be sent"),
        };
        let web_url = url.starts_with("https://") || url.starts_with("http://");
        if !url.is_empty() && !web_url {
            return refuse("media URLs must start with http:// or https://");
        }
        let params = json!({
            "content": message.text,
            "conversationId": self.chat.conversation_id,
            "type": kind,
            "imageUrl": image,
            "imageThumbUrl": thumb,
            "videoUrl": video,
            "fileUrl": file,
        });
        let frame = json!({"method": "SEND_MESSAGE", "params": params.to_string()});
        Ok(vec![OutFrame::Text(frame.to_string())])
    }

    fn heartbeat(&self) -> Heartbeat {
        Heartbeat {
            every: Duration::from_secs(5),
            frame: HeartbeatFrame::App(OutFrame::Text(r#"{"method":"PING"}"#.into())),
            // A PONG is due every 5 s; four missed in a row means the socket is dead [I].
            idle_timeout: Duration::from_secs(20),
        }
    }

    fn max_frame_bytes(&self) -> usize {
        MAX_FRAME_BYTES
    }

    fn closed_at_once_reason(&self, times: u32) -> String {
        if self.chat.managed_key {
            return format!(
                "MEXC closed the chat as soon as it opened, {times} times in a row; Parley is getting a new listenKey"
            );
        }
        format!(
            "MEXC closed the chat as soon as it opened, {times} times in a row: the listenKey has probably expired; replace it in settings"
        )
    }

    fn permanent_rejection(&self, status: u16) -> Option<String> {
        match status {
            401 if self.chat.managed_key => {
                Some("MEXC refused the listenKey (HTTP 401); Parley is getting a new one".into())
            }
            401 => Some(
                "MEXC refused the listenKey (HTTP 401); replace the listenKey in settings".into(),
            ),
            403 => Some(
                "MEXC refused this order chat (HTTP 403): the order may be closed, or the conversation id is wrong; remove the chat or check it".into(),
            ),
            _ => crate::codec::permanent_rejection(status),
        }
    }

    /// A 401 or a string of closes-at-once mean the key; a 403 means this one order chat.
    fn credential_refused(&self, status: Option<u16>) -> bool {
        matches!(status, None | Some(401))
    }
}

#[cfg(test)]
mod tests;
mod unescape;

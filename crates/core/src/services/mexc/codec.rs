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
use data::Data;
use serde::Deserialize;
use serde_json::json;
use std::borrow::Cow;
use std::time::Duration;

/// The documented WebSocket endpoint.
pub const DEFAULT_ENDPOINT: &str = "wss://wbs.p2p.mexc.com/ws";
/// Chat frames are small; anything over this is refused unparsed [I].
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;
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
}

impl MexcCodec {
    pub fn new(chat: Conversation) -> Self {
        MexcCodec { chat }
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

    fn message(&self, body: ChatBody, now_ms: i64) -> IncomingMessage {
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
        let non_empty = |s: Option<String>| s.filter(|u| !u.is_empty());
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
        let ts_raw = body.create_time.unwrap_or_default();
        let text = match (kind, body.content) {
            (MessageKind::Unsupported, content) => format!(
                "Unsupported message (type {}){}",
                body.kind.map_or("missing".into(), |t| t.to_string()),
                content.map(|c| format!(": {c}")).unwrap_or_default()
            ),
            (_, content) => content.unwrap_or_default(),
        };
        IncomingMessage {
            room: body
                .conversation_id
                .map_or_else(|| self.room(), |id| id.to_string()),
            service_id: body.id.map(|id| id.to_string()),
            sender_id: body.from_user_id.unwrap_or_default(),
            sender_name: body.from_nick_name,
            own: body.is_self.unwrap_or(false),
            kind,
            text,
            media,
            card: None,
            sender_avatar: None,
            ts_ms: self.create_time_ms(&ts_raw).unwrap_or(now_ms),
            ts_raw,
        }
    }
}

/// The outer frame, borrowed from the text.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    success: Option<bool>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Data<'a>,
}

/// The message body inside `data`. Every field optional: the doc's table is all we know.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatBody {
    id: Option<i64>,
    content: Option<String>,
    conversation_id: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<i64>,
    image_url: Option<String>,
    image_thumb_url: Option<String>,
    video_url: Option<String>,
    file_url: Option<String>,
    create_time: Option<String>,
    #[serde(rename = "self")]
    is_self: Option<bool>,
    from_user_id: Option<String>,
    from_nick_name: Option<String>,
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
                let body: ChatBody = match envelope.data {
                    // Documented: a string holding JSON.
                    Data::Text(inner) => {
                        crate::wire::check_json_depth(inner.as_bytes())?;
                        serde_json::from_str(&inner).map_err(|e| {
                            CodecError::InvalidJson(format!("RECEIVE_MESSAGE data: {e}"))
                        })?
                    }
                    // Tolerated: the object itself.
                    Data::Object(object) => serde_json::from_value(object).map_err(|e| {
                        CodecError::UnexpectedShape(format!("RECEIVE_MESSAGE data: {e}"))
                    })?,
                    Data::Unusable => return Err(CodecError::MissingField("data")),
                };
                Ok(vec![Inbound::Message(self.message(body, env.now_ms()))])
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

mod data;
#[cfg(test)]
mod tests;

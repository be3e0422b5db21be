//! The sans-I/O codec interface: one pure state machine per service.
//!
//! A codec turns account settings into a connect request, says what to send right after the
//! socket opens, decodes one inbound frame into [`Inbound`] items, encodes one outgoing message
//! into frames, and states its heartbeat. It never touches sockets, clocks, random numbers or
//! tasks: the [`crate::supervisor`] does all of that, for every service alike, and hands each
//! call an [`Env`] with the time, fresh ids and the credential to dial with (quinn-proto's
//! shape: the caller feeds the state machine the time).

use crate::message::{IncomingMessage, Media, MessageKind};
use crate::secret::Secret;
use crate::wire::{check_json_depth, WireError};
use std::time::Duration;

/// What a codec is handed with every call instead of reading a clock or drawing random
/// numbers itself: the wall-clock time, fresh ids, and the credential to dial with where it
/// changes while the account runs (MEXC's listenKey).
pub struct Env {
    now_ms: i64,
    credential: Option<Secret>,
    fresh_id: Box<dyn FnMut() -> String + Send>,
}

impl Env {
    /// An environment whose ids come from `fresh_id` (the supervisor: random UUIDs).
    pub fn new(fresh_id: impl FnMut() -> String + Send + 'static) -> Env {
        Env {
            now_ms: 0,
            credential: None,
            fresh_id: Box::new(fresh_id),
        }
    }

    /// The time fixed at `now_ms` and ids counting up in UUID form: for checks whose frames
    /// are dropped (is this message sendable?), tests and benchmarks.
    pub fn fixed(now_ms: i64) -> Env {
        let mut n = 0u64;
        let mut env = Env::new(move || {
            n += 1;
            format!("00000000-0000-4000-8000-{n:012x}")
        });
        env.now_ms = now_ms;
        env
    }

    /// Sets the time of the next calls.
    pub fn at(&mut self, now_ms: i64) -> &mut Env {
        self.now_ms = now_ms;
        self
    }

    /// The wall-clock time, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// A fresh, unique id (a request id, a message id).
    pub fn fresh_id(&mut self) -> String {
        (self.fresh_id)()
    }

    /// The credential the connection's source holds now (see `supervisor::Credentials`).
    pub fn credential(&self) -> Option<&Secret> {
        self.credential.as_ref()
    }

    pub fn set_credential(&mut self, credential: Option<Secret>) {
        self.credential = credential;
    }
}

/// What to dial. Its `Debug` shows no query and no header value: the query can carry a
/// listenKey or an API key, and header values a bearer token.
#[derive(Clone, PartialEq)]
pub struct ConnectRequest {
    pub url: url::Url,
    /// Extra HTTP headers on the upgrade request. Values may be secret: never log them.
    pub headers: Vec<(String, String)>,
    pub subprotocol: Option<String>,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.url.clone();
        if url.query().is_some() {
            url.set_query(Some("[redacted]"));
        }
        let _ = url.set_password(None);
        f.debug_struct("ConnectRequest")
            .field("url", &url.as_str())
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| (name.as_str(), "[redacted]"))
                    .collect::<Vec<_>>(),
            )
            .field("subprotocol", &self.subprotocol)
            .finish()
    }
}

/// A frame to write to the socket. Its `Debug` shows only the kind and size: an opening frame
/// carries credentials (Realtime's `auth` has the token).
#[derive(Clone, PartialEq)]
pub enum OutFrame {
    Text(String),
    Binary(Vec<u8>),
}

impl std::fmt::Debug for OutFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutFrame::Text(t) => write!(f, "Text({} bytes)", t.len()),
            OutFrame::Binary(b) => write!(f, "Binary({} bytes)", b.len()),
        }
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn printing_a_request_or_a_frame_shows_no_credential() {
        let request = ConnectRequest {
            url: url::Url::parse("wss://x.example/ws?listenKey=pqia91secret&conversationId=1")
                .unwrap(),
            headers: vec![("Authorization".into(), "Bearer eyJsecret".into())],
            subprotocol: None,
        };
        let printed = format!("{request:?}");
        assert!(
            !printed.contains("pqia91secret") && !printed.contains("eyJsecret"),
            "{printed}"
        );
        assert!(printed.contains("Authorization") && printed.contains("x.example/ws"));
        let auth = OutFrame::Text(r#"{"type":"auth","token":"eyJsecret"}"#.into());
        assert_eq!(format!("{auth:?}"), "Text(35 bytes)");
    }
}

/// A frame read from the socket (control frames are handled by the supervisor).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InFrame<'a> {
    Text(&'a str),
    Binary(&'a [u8]),
}

/// How the connection is kept alive and how long silence may last before it is declared dead.
#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeat {
    pub every: Duration,
    pub frame: HeartbeatFrame,
    /// Nothing received for this long means the socket is half-open: reconnect.
    pub idle_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HeartbeatFrame {
    /// A WebSocket protocol ping (services with no application heartbeat).
    WebSocketPing,
    /// An application frame (e.g. MEXC's `{"method":"PING"}`).
    App(OutFrame),
}

/// What one inbound frame meant.
// Messages are by far the most frequent item: boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    Message(IncomingMessage),
    /// The number of people in a room.
    Presence {
        room: String,
        online: u32,
    },
    /// The server reported an error in-band; the connection stays up.
    ServerError(String),
    /// The server accepted the oldest unanswered send (services whose replies carry no id).
    SendAccepted,
    /// The server refused the oldest unanswered send, with its reason.
    SendRejected(String),
    /// The server will not take the oldest unanswered send yet (a rate limit without a request
    /// id, as Realtime's error frame): it goes again after `retry_after` (or shortly).
    SendDeferred {
        reason: String,
        retry_after: Option<std::time::Duration>,
    },
    /// A user of the service came online or went offline (account-wide).
    UserStatus {
        user_id: String,
        online: bool,
    },
    /// Someone started or stopped typing in a room.
    Typing {
        room: String,
        user_id: String,
        name: Option<String>,
        active: bool,
    },
    /// A market price (coalesced by the supervisor, never stored).
    Price(crate::live::PriceTick),
    /// Something for the notifications panel.
    Alert(crate::live::Alert),
    /// A well-formed frame this client has no use for (an unknown event type): logged, not shown.
    Ignored(String),
    /// The server reports the state of a message the user wrote, by its service id (Mixin's
    /// status echo and delivered/read receipts).
    Receipt {
        service_id: String,
        state: crate::message::DeliveryState,
    },
    /// The reply to one particular send (services whose replies carry the request id).
    SendResult {
        local_id: i64,
        outcome: Result<(), SendRefusal>,
    },
    /// The server says the session is no longer accepted after the socket opened (Mixin's
    /// `ERROR` 401): the companion confirms before the connection gives up.
    SessionRejected(String),
}

/// Why the server refused one message, and whether sending it again can help.
#[derive(Debug, Clone, PartialEq)]
pub struct SendRefusal {
    pub reason: String,
    /// Refused for good (forbidden, invalid); otherwise (rate limit, server trouble) it stays
    /// in the outbox and is sent again.
    pub permanent: bool,
}

/// Something the user does that the socket should say at once, beyond messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// The user is typing in a room (or stopped).
    Typing { room: String, active: bool },
    /// A room was joined: subscribe to it (and remember it for the next connection).
    Join(String),
    /// A room was left: unsubscribe.
    Leave(String),
    /// The market symbols to follow changed.
    Symbols(Vec<String>),
}

/// A message the user wants to send, as the outbox holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub local_id: i64,
    pub room: String,
    pub kind: MessageKind,
    pub text: String,
    pub media: Option<Media>,
    /// The id the client chose for it (services that take one, see
    /// [`crate::services::Service::client_message_id`]).
    pub client_id: Option<String>,
    /// The service's id of the message this one replies to (services with a quote field).
    pub quote_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodecError {
    #[error("frame is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("frame is missing the field `{0}`")]
    MissingField(&'static str),
    #[error("frame has an unexpected shape: {0}")]
    UnexpectedShape(String),
    #[error("binary frames are not part of this protocol ({0} bytes)")]
    UnexpectedBinary(usize),
    #[error("frame of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "frame of {compressed} bytes inflates to more than {limit_kib} KiB (a gzip bomb?); refused"
    )]
    InflatesTooFar { compressed: usize, limit_kib: usize },
    #[error("invalid account settings: {0}")]
    Settings(String),
    #[error("message refused before sending: {0}")]
    Refused(String),
    /// Something the connection needs is on its way (e.g. a listenKey being created): retry.
    #[error("{0}")]
    NotReady(String),
}

impl From<WireError> for CodecError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::TooDeep => CodecError::UnexpectedShape(e.to_string()),
            WireError::NotAUrl { .. } | WireError::NotWebSocket(_) => {
                CodecError::Settings(e.to_string())
            }
        }
    }
}

/// The JSON object in a text frame, for the JSON-over-text services: binary frames, frames
/// over `limit` bytes and frames nested too deep are refused before any parsing.
pub fn json_text_frame<T: serde::de::DeserializeOwned>(
    frame: InFrame<'_>,
    limit: usize,
) -> Result<T, CodecError> {
    let text = checked_json_text(frame, limit)?;
    serde_json::from_str(text).map_err(|e| CodecError::InvalidJson(e.to_string()))
}

/// A text frame's JSON text, checked as [`json_text_frame`] does, for codecs that borrow
/// from it while they parse.
pub fn checked_json_text(frame: InFrame<'_>, limit: usize) -> Result<&str, CodecError> {
    let text = match frame {
        InFrame::Text(t) => t,
        InFrame::Binary(b) => return Err(CodecError::UnexpectedBinary(b.len())),
    };
    if text.len() > limit {
        return Err(CodecError::TooLarge {
            size: text.len(),
            limit,
        });
    }
    check_json_depth(text.as_bytes())?;
    Ok(text)
}

/// One service's wire protocol. See the module docs for what belongs here and what does not.
pub trait Codec: Send {
    /// The URL, headers and subprotocol to dial. Called before every connection attempt.
    fn connect_request(&mut self, env: &mut Env) -> Result<ConnectRequest, CodecError>;

    /// Frames to send as soon as the socket is open (auth, subscribe, list pending…).
    fn on_open(&mut self, _env: &mut Env) -> Vec<OutFrame> {
        Vec::new()
    }

    /// Decodes one inbound frame.
    fn decode(&mut self, frame: InFrame<'_>, env: &mut Env) -> Result<Vec<Inbound>, CodecError>;

    /// Encodes one outgoing message.
    fn encode(&mut self, message: &Outgoing, env: &mut Env) -> Result<Vec<OutFrame>, CodecError>;

    fn heartbeat(&self) -> Heartbeat;

    /// The largest inbound frame this service plausibly sends; bigger ones are refused unread.
    fn max_frame_bytes(&self) -> usize;

    /// What to tell the user when the server accepted and at once closed `times` connections
    /// in a row without a word (retrying stops there).
    fn closed_at_once_reason(&self, times: u32) -> String {
        format!(
            "the server closed the connection as soon as it opened, {times} times in a row; check the account in settings"
        )
    }

    /// Whether an HTTP status on the upgrade means "stop retrying" and, if so, what to tell the user.
    fn permanent_rejection(&self, status: u16) -> Option<String> {
        permanent_rejection(status)
    }

    /// Whether the server refusing this connection (`Some(status)` of a permanent upgrade
    /// rejection, `None` for closes-at-once until the supervisor gave up) means the credential
    /// was refused. The supervisor then tells the connection's credential source, which renews
    /// it where it can (MEXC API-key mode).
    fn credential_refused(&self, _status: Option<u16>) -> bool {
        false
    }

    /// Frames that say `signal` on the wire; a codec that keeps subscriptions also records the
    /// change so the next connection's opening frames include it. Most services say nothing.
    fn signal(&mut self, _signal: &Signal) -> Vec<OutFrame> {
        Vec::new()
    }

    /// Whether a frame that cannot be decoded resets the connection (a binary protocol whose
    /// stream cannot be trusted after one bad frame, like Blaze's gzip) instead of being skipped.
    fn reset_on_malformed(&self) -> bool {
        false
    }

    /// Frames that tell the server a received message is stored, for services that push a
    /// message again until it is acknowledged. Called only after the store has it.
    fn acknowledge(&mut self, _service_id: &str, _env: &mut Env) -> Vec<OutFrame> {
        Vec::new()
    }

    /// Whether the server closing the socket with this code and reason means "stop retrying"
    /// (e.g. a refused token) and, if so, what to tell the user.
    fn permanent_close(&self, _code: u16, _reason: &str) -> Option<String> {
        None
    }
}

/// Which upgrade statuses no retry can fix, and what to tell the user: refused credentials
/// (401, 403) and a wrong address (404, 410). Codecs override only the wording.
pub fn permanent_rejection(status: u16) -> Option<String> {
    match status {
        401 | 403 => Some(format!(
            "the server refused the credentials (HTTP {status}); check the account in settings"
        )),
        404 | 410 => Some(format!(
            "the server has no chat at this address (HTTP {status}); check the endpoint URL in settings"
        )),
        _ => None,
    }
}

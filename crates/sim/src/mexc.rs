//! The MEXC P2P chat socket (PROTOCOLS.md §2.3, §2.5): `/ws?listenKey=…&conversationId=…`,
//! double-encoded frames, the documented PONG, a drop after the idle limit without a PING,
//! SEND_MESSAGE answered with the documented reply and echoed as RECEIVE_MESSAGE with
//! `self: true`, counterparty messages with `self: false`, at most 5 sockets per listenKey.
//!
//! Knobs: refuse the next sends with a message, replay a conversation's history to every new
//! socket (whether the real server does is unknown), push raw frames, drop every socket.
//!
//! The REST side (signed listenKey and conversation endpoints, media files) is in [`rest`].

mod orders;
mod rest;

pub use orders::SimOrder;

use crate::http::query_value;
use crate::listener::{Handler, RestartableListener};
use crate::socket_writer::{write_queued, Written};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Clone)]
pub struct MexcConfig {
    pub addr: SocketAddr,
    /// The server drops a socket that sent no PING for this long (documented: 60 s).
    pub idle_limit: Duration,
    /// Sockets one listenKey may hold at once (spot documents 5; [I] for P2P).
    pub sockets_per_key: usize,
    /// Send every stored message of a conversation to each new socket.
    pub replay_history: bool,
    /// The counterparty answers each trader message after this delay (the Demo's scripted buyer).
    pub counterparty_replies: Option<Duration>,
    /// A listenKey created over REST lives this long unless kept alive (documented: 60 min).
    pub listen_key_ttl: Duration,
    /// listenKeys one API key may hold (spot documents 60).
    pub max_listen_keys: usize,
}

impl Default for MexcConfig {
    fn default() -> Self {
        MexcConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            idle_limit: Duration::from_secs(60),
            sockets_per_key: 5,
            replay_history: false,
            counterparty_replies: None,
            listen_key_ttl: Duration::from_secs(60 * 60),
            max_listen_keys: 60,
        }
    }
}

/// The other side of an order chat.
#[derive(Debug, Clone)]
pub struct Counterparty {
    pub user_id: String,
    pub nick_name: String,
}

/// A message body as the server stores it (`data` of RECEIVE_MESSAGE, before `self`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub id: i64,
    pub conversation_id: i64,
    pub from_user_id: String,
    pub from_nick_name: String,
    pub kind: i64,
    pub content: String,
    pub image_url: String,
    pub image_thumb_url: String,
    pub video_url: String,
    pub file_url: String,
    pub create_time: String,
}

impl ChatMessage {
    fn frame(&self, is_self: bool) -> Message {
        let data = json!({
            "id": self.id, "content": self.content, "conversationId": self.conversation_id,
            "type": self.kind, "imageUrl": self.image_url, "imageThumbUrl": self.image_thumb_url,
            "videoUrl": self.video_url, "fileUrl": self.file_url, "createTime": self.create_time,
            "self": is_self, "fromUserId": self.from_user_id, "fromNickName": self.from_nick_name,
        });
        Message::Text(
            json!({"success": true, "msg": "success", "method": "RECEIVE_MESSAGE", "data": data.to_string()})
                .to_string()
                .into(),
        )
    }
}

const COUNTERPARTY_REPLIES: [&str; 4] = [
    "Thanks! Please release the USDT when you see the payment.",
    "The transfer shows as completed on my side.",
    "Sure, take your time to check your bank account.",
    "Great, thank you for the smooth trade!",
];

/// What the trader (the client) is called on the server.
pub const TRADER_ID: &str = "trader_self";
const TRADER_NICK: &str = "You";

struct Socket {
    listen_key: String,
    conversation: i64,
    outbox: mpsc::UnboundedSender<Message>,
}

/// A listenKey the server knows: pasted ones (added by tests) never expire.
struct ListenKey {
    /// The API key that created it over REST.
    owner: Option<String>,
    expires: Option<tokio::time::Instant>,
}

impl ListenKey {
    fn valid(&self) -> bool {
        self.expires
            .is_none_or(|at| tokio::time::Instant::now() < at)
    }
}

#[derive(Default)]
struct Data {
    listen_keys: HashMap<String, ListenKey>,
    /// Every listenKey created over REST, deleted or not (the newest [`crate::KEPT_RECORDS`]).
    created_listen_keys: VecDeque<String>,
    /// API key → secret.
    api_keys: HashMap<String, String>,
    /// Order number → conversation id.
    orders: HashMap<String, i64>,
    /// Orders' details ("P2P Account Read"), in the order they were added.
    order_details: Vec<SimOrder>,
    /// Refuse the order calls as MEXC does an API key without "P2P Account Read".
    deny_order_reads: bool,
    /// Signed REST requests that passed the checks, as "METHOD path".
    rest_calls: Vec<String>,
    /// Every listenKey a `DELETE` named, known to the server or not, in order.
    delete_requests: Vec<String>,
    /// Extra files under `/media/`: name → (the Content-Type header to claim, bytes).
    media: HashMap<String, (String, Vec<u8>)>,
    media_requests: u64,
    conversations: HashMap<i64, Counterparty>,
    history: Vec<ChatMessage>,
    sockets: HashMap<u64, Socket>,
    refuse_next: Vec<String>,
    pings: u64,
}

struct State {
    config: MexcConfig,
    data: Mutex<Data>,
    next_id: AtomicU64,
    next_socket: AtomicU64,
    drop_all: watch::Sender<u64>,
    /// Accept sockets and close them at once, as MEXC does for an expired listenKey [I].
    close_on_open: std::sync::atomic::AtomicBool,
    clock_skew_ms: std::sync::atomic::AtomicI64,
    /// Added before every REST answer, as a slow API over a real network.
    rest_delay_ms: AtomicU64,
    /// Half-open: sockets stay up but nothing is read, answered or pushed.
    stalled: std::sync::atomic::AtomicBool,
}

fn lock(m: &Mutex<Data>) -> std::sync::MutexGuard<'_, Data> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct MexcSim {
    state: Arc<State>,
    listener: RestartableListener,
    rest: rest::RestServer,
}

impl MexcSim {
    pub async fn start(config: MexcConfig) -> std::io::Result<MexcSim> {
        let state = Arc::new(State {
            config: config.clone(),
            data: Mutex::new(Data::default()),
            next_id: AtomicU64::new(1),
            next_socket: AtomicU64::new(1),
            drop_all: watch::channel(0).0,
            close_on_open: std::sync::atomic::AtomicBool::new(false),
            clock_skew_ms: std::sync::atomic::AtomicI64::new(0),
            rest_delay_ms: AtomicU64::new(0),
            stalled: std::sync::atomic::AtomicBool::new(false),
        });
        let for_handler = state.clone();
        let handler: Handler =
            Arc::new(move |stream, down| Box::pin(serve(for_handler.clone(), stream, down)));
        let listener = RestartableListener::bind(config.addr, handler).await?;
        let rest = rest::RestServer::start(state.clone(), config.addr.ip()).await?;
        Ok(MexcSim {
            state,
            listener,
            rest,
        })
    }

    /// The REST base URL to configure in Parley (API-key mode); it also serves `/media/…`.
    pub fn rest_base(&self) -> String {
        format!("http://{}", self.rest.addr())
    }

    /// An API key (and its secret) the REST side accepts.
    pub fn add_api_key(&self, key: &str, secret: &str) {
        lock(&self.state.data)
            .api_keys
            .insert(key.to_owned(), secret.to_owned());
    }

    /// `retrieveChatConversation?orderNo=order` answers `conversation`.
    pub fn add_order(&self, order: &str, conversation: i64) {
        lock(&self.state.data)
            .orders
            .insert(order.to_owned(), conversation);
    }

    /// An order's details (replacing any with its number); its number also maps to
    /// `conversation` for `retrieveChatConversation`.
    pub fn put_order(&self, order: SimOrder, conversation: i64) {
        let mut data = lock(&self.state.data);
        data.orders.insert(order.order_no.clone(), conversation);
        data.order_details.retain(|o| o.order_no != order.order_no);
        data.order_details.push(order);
    }

    /// Moves an order to MEXC state `state` (e.g. "PAID"), as a party's action would.
    pub fn set_order_state(&self, order_no: &str, state: &str) {
        let mut data = lock(&self.state.data);
        if let Some(order) = data
            .order_details
            .iter_mut()
            .find(|o| o.order_no == order_no)
        {
            order.state = state.to_owned();
            order.updated_ms = chrono::Utc::now().timestamp_millis();
        }
    }

    /// Refuses (or serves again) the order calls, as for an API key without "P2P Account Read".
    pub fn deny_order_reads(&self, deny: bool) {
        lock(&self.state.data).deny_order_reads = deny;
    }

    /// The listenKeys created over REST and still valid, soonest to expire first.
    pub fn live_listen_keys(&self) -> Vec<String> {
        let data = lock(&self.state.data);
        let mut keys: Vec<(&String, &ListenKey)> = data
            .listen_keys
            .iter()
            .filter(|(_, k)| k.owner.is_some() && k.valid())
            .collect();
        keys.sort_by_key(|(_, k)| k.expires);
        keys.into_iter().map(|(key, _)| key.clone()).collect()
    }

    /// Every listenKey created over REST, expired and deleted ones too (the secrets audit
    /// searches for each).
    pub fn created_listen_keys(&self) -> Vec<String> {
        lock(&self.state.data)
            .created_listen_keys
            .iter()
            .cloned()
            .collect()
    }

    /// The listenKeys clients asked to delete, in order (expired and unknown ones too).
    pub fn delete_requests(&self) -> Vec<String> {
        lock(&self.state.data).delete_requests.clone()
    }

    /// Expires a listenKey now: its sockets are closed and it can no longer be kept alive.
    pub fn expire_listen_key(&self, key: &str) {
        if let Some(k) = lock(&self.state.data).listen_keys.get_mut(key) {
            k.expires = Some(tokio::time::Instant::now());
        }
    }

    /// Serves `bytes` at `/media/<name>` with `content_type` as the header (which may lie).
    pub fn host_media(&self, name: &str, content_type: &str, bytes: Vec<u8>) {
        lock(&self.state.data)
            .media
            .insert(name.to_owned(), (content_type.to_owned(), bytes));
    }

    /// How many `/media/` downloads were asked for.
    pub fn media_requests(&self) -> u64 {
        lock(&self.state.data).media_requests
    }

    /// The signed REST requests that passed the checks, as "METHOD path".
    pub fn rest_calls(&self) -> Vec<String> {
        lock(&self.state.data).rest_calls.clone()
    }

    /// Makes the server's clock run `ms` ahead of the client's (to test the timestamp window).
    /// Every REST answer waits this long first (a slow API; 0 = at once).
    pub fn set_rest_delay(&self, delay: Duration) {
        self.state
            .rest_delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn set_clock_skew_ms(&self, ms: i64) {
        self.state.clock_skew_ms.store(ms, Ordering::SeqCst);
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.addr()
    }

    /// The WebSocket endpoint to configure in Parley.
    pub fn ws_endpoint(&self) -> String {
        format!("ws://{}/ws", self.addr())
    }

    /// A listenKey as if the user had made it elsewhere and pasted it: it never expires.
    pub fn add_listen_key(&self, key: &str) {
        lock(&self.state.data).listen_keys.insert(
            key.to_owned(),
            ListenKey {
                owner: None,
                expires: None,
            },
        );
    }

    pub fn revoke_listen_key(&self, key: &str) {
        lock(&self.state.data).listen_keys.remove(key);
    }

    pub fn add_conversation(&self, id: i64, counterparty: Counterparty) {
        lock(&self.state.data)
            .conversations
            .insert(id, counterparty);
    }

    /// The counterparty writes: `kind` 1 text, 2 image, 3 video, 4 file; `url` fills that type's field.
    pub fn counterparty_says(&self, conversation: i64, kind: i64, content: &str, url: &str) {
        let who = lock(&self.state.data)
            .conversations
            .get(&conversation)
            .cloned();
        let Some(who) = who else { return };
        let message = self.state.new_message(
            conversation,
            &who.user_id,
            &who.nick_name,
            kind,
            content,
            url,
            "",
        );
        self.state.deliver(&message);
    }

    /// The next `n` SEND_MESSAGE requests are refused with `msg`.
    pub fn refuse_next_sends(&self, n: usize, msg: &str) {
        lock(&self.state.data)
            .refuse_next
            .extend(std::iter::repeat_n(msg.to_owned(), n));
    }

    /// Sends a raw text frame to every socket.
    pub fn push_raw(&self, text: &str) {
        for socket in lock(&self.state.data).sockets.values() {
            let _ = socket.outbox.send(Message::Text(text.to_owned().into()));
        }
    }

    /// From now on, accept every socket and close it at once without a word.
    pub fn close_on_open(&self, on: bool) {
        self.state.close_on_open.store(on, Ordering::SeqCst);
    }

    /// Plays a half-open link: open sockets stay up but nothing is answered (no PONG, no
    /// replies, no pushes) and nothing closes them, until `stalled(false)`.
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.store(stalled, Ordering::SeqCst);
    }

    pub fn drop_connections(&self) {
        self.state.drop_all.send_modify(|n| *n += 1);
    }

    pub fn go_down(&self) {
        self.listener.stop();
    }

    pub async fn come_back(&self) -> std::io::Result<()> {
        self.listener.start().await
    }

    /// Messages the trader sent, in order.
    pub fn sent_by_trader(&self) -> Vec<ChatMessage> {
        lock(&self.state.data)
            .history
            .iter()
            .filter(|m| m.from_user_id == TRADER_ID)
            .cloned()
            .collect()
    }

    pub fn pings(&self) -> u64 {
        lock(&self.state.data).pings
    }

    pub fn open_sockets(&self) -> usize {
        lock(&self.state.data).sockets.len()
    }
}

impl State {
    #[allow(clippy::too_many_arguments)]
    fn new_message(
        &self,
        conversation: i64,
        from_id: &str,
        from_nick: &str,
        kind: i64,
        content: &str,
        url: &str,
        thumb: &str,
    ) -> ChatMessage {
        let field = |k: i64| {
            if kind == k {
                url.to_owned()
            } else {
                String::new()
            }
        };
        let message = ChatMessage {
            id: self.next_id.fetch_add(1, Ordering::SeqCst) as i64,
            conversation_id: conversation,
            from_user_id: from_id.to_owned(),
            from_nick_name: from_nick.to_owned(),
            kind,
            content: content.to_owned(),
            image_url: field(2),
            image_thumb_url: if kind == 2 {
                thumb.to_owned()
            } else {
                String::new()
            },
            video_url: field(3),
            file_url: field(4),
            create_time: chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        };
        lock(&self.data).history.push(message.clone());
        message
    }

    /// Pushes a message to every socket of its conversation; `self` is true on the trader's.
    fn deliver(&self, message: &ChatMessage) {
        let is_self = message.from_user_id == TRADER_ID;
        for socket in lock(&self.data).sockets.values() {
            if socket.conversation == message.conversation_id {
                let _ = socket.outbox.send(message.frame(is_self));
            }
        }
    }

    /// The counterparty answers the trader with the next canned line.
    fn reply_later(self: &Arc<Self>, conversation: i64, delay: Duration) {
        let state = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let who = lock(&state.data).conversations.get(&conversation).cloned();
            let Some(who) = who else { return };
            // The first answer goes with the trader's first message, and so on.
            let answered = lock(&state.data)
                .history
                .iter()
                .filter(|m| m.conversation_id == conversation && m.from_user_id == TRADER_ID)
                .count();
            let line = COUNTERPARTY_REPLIES[(answered.max(1) - 1) % COUNTERPARTY_REPLIES.len()];
            let message =
                state.new_message(conversation, &who.user_id, &who.nick_name, 1, line, "", "");
            state.deliver(&message);
        });
    }

    /// Handles one frame from a socket; returns whether it was a PING.
    fn on_frame(
        self: &Arc<Self>,
        conversation: i64,
        text: &str,
        reply: &mpsc::UnboundedSender<Message>,
    ) -> bool {
        let send = |v: Value| {
            let _ = reply.send(Message::Text(v.to_string().into()));
        };
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            send(json!({"success": false, "msg": "invalid request"}));
            return false;
        };
        match frame["method"].as_str() {
            Some("PING") => {
                lock(&self.data).pings += 1;
                send(json!({"success": true, "method": "PING", "msg": "success", "data": "PONG"}));
                true
            }
            Some("SEND_MESSAGE") => {
                let refusal =
                    |msg: &str| json!({"success": false, "method": "SEND_MESSAGE", "msg": msg});
                if let Some(msg) = {
                    let mut data = lock(&self.data);
                    (!data.refuse_next.is_empty()).then(|| data.refuse_next.remove(0))
                } {
                    send(refusal(&msg));
                    return false;
                }
                // Documented: params is a string holding JSON; what the real server does with an
                // object is unknown, so the simulator refuses it [I].
                let Some(params) = frame["params"]
                    .as_str()
                    .and_then(|p| serde_json::from_str::<Value>(p).ok())
                else {
                    send(refusal("params must be a JSON string"));
                    return false;
                };
                let kind = params["type"].as_i64().unwrap_or(0);
                let text = |k: &str| params[k].as_str().unwrap_or("").to_owned();
                let required = match kind {
                    1 => None,
                    2 => Some("imageUrl"),
                    3 => Some("videoUrl"),
                    4 => Some("fileUrl"),
                    _ => {
                        send(refusal("unsupported message type"));
                        return false;
                    }
                };
                let url = required.map(text).unwrap_or_default();
                if required.is_some() && url.is_empty() {
                    send(refusal(&format!("{} is required", required.unwrap_or(""))));
                    return false;
                }
                send(json!({"success": true, "method": "SEND_MESSAGE", "msg": "success"}));
                let message = self.new_message(
                    conversation,
                    TRADER_ID,
                    TRADER_NICK,
                    kind,
                    &text("content"),
                    &url,
                    &text("imageThumbUrl"),
                );
                self.deliver(&message);
                if let Some(delay) = self.config.counterparty_replies {
                    self.reply_later(conversation, delay);
                }
                false
            }
            _ => {
                send(json!({"success": false, "msg": "unknown method"}));
                false
            }
        }
    }
}

fn refuse(status: StatusCode, why: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(why.to_owned()));
    *response.status_mut() = status;
    response
}

// tungstenite's handshake callback must return its (large) `ErrorResponse` by value.
#[allow(clippy::result_large_err)]
async fn serve(state: Arc<State>, stream: TcpStream, mut down: watch::Receiver<bool>) {
    let mut accepted = None;
    let handshake = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        if req.uri().path() != "/ws" {
            return Err(refuse(StatusCode::NOT_FOUND, "not found"));
        }
        let query = req.uri().query().unwrap_or("");
        let key = query_value(query, "listenKey").unwrap_or_default();
        let conversation = query_value(query, "conversationId").and_then(|c| c.parse::<i64>().ok());
        let mut data = lock(&state.data);
        if !data.listen_keys.get(&key).is_some_and(ListenKey::valid) {
            return Err(refuse(StatusCode::UNAUTHORIZED, "invalid listenKey"));
        }
        let Some(conversation) = conversation.filter(|c| data.conversations.contains_key(c)) else {
            return Err(refuse(StatusCode::FORBIDDEN, "invalid conversationId"));
        };
        if data
            .sockets
            .values()
            .filter(|s| s.listen_key == key)
            .count()
            >= state.config.sockets_per_key
        {
            return Err(refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "too many connections for this listenKey",
            ));
        }
        // The socket joins its conversation before the upgrade is answered, as a server that
        // has accepted a subscription does: a push made once the client sees the socket open
        // reaches it (registering after the handshake lost such pushes under load).
        let id = state.next_socket.fetch_add(1, Ordering::SeqCst);
        let (outbox, outgoing) = mpsc::unbounded_channel();
        if state.config.replay_history {
            for m in data
                .history
                .iter()
                .filter(|m| m.conversation_id == conversation)
            {
                let _ = outbox.send(m.frame(m.from_user_id == TRADER_ID));
            }
        }
        data.sockets.insert(
            id,
            Socket {
                listen_key: key.clone(),
                conversation,
                outbox: outbox.clone(),
            },
        );
        accepted = Some((id, key, conversation, outbox, outgoing));
        Ok(resp)
    });
    let handshake = handshake.await;
    let Some((id, listen_key, conversation, outbox, mut outgoing)) = accepted else {
        return;
    };
    let socket = match handshake {
        Ok(socket) if !state.close_on_open.load(Ordering::SeqCst) => socket,
        Ok(mut socket) => {
            lock(&state.data).sockets.remove(&id);
            let _ = socket.close(None).await;
            return;
        }
        Err(_) => {
            lock(&state.data).sockets.remove(&id);
            return;
        }
    };
    let (mut sink, mut incoming) = socket.split();
    let mut dropped = state.drop_all.subscribe();
    let idle = state.config.idle_limit;
    let mut last_ping = tokio::time::Instant::now();
    let mut key_check = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = down.changed() => break,
            _ = key_check.tick() => {
                let valid = lock(&state.data).listen_keys.get(&listen_key).is_some_and(ListenKey::valid);
                if !valid {
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
            }
            _ = dropped.changed() => break,
            _ = tokio::time::sleep_until(last_ping + idle) => {
                if state.stalled.load(Ordering::SeqCst) {
                    last_ping = tokio::time::Instant::now();
                    continue;
                }
                let _ = sink.send(Message::Close(None)).await;
                break;
            }
            // While stalled, pushes wait in the queue as in a peer's full TCP buffer.
            out = outgoing.recv(), if !state.stalled.load(Ordering::SeqCst) => {
                let Some(frame) = out else { break };
                if write_queued(&mut sink, frame, &mut outgoing).await != Written::Open { break; }
            }
            frame = incoming.next() => match frame {
                Some(Ok(Message::Text(_))) if state.stalled.load(Ordering::SeqCst) => {}
                Some(Ok(Message::Text(text))) => {
                    if state.on_frame(conversation, text.as_str(), &outbox) {
                        last_ping = tokio::time::Instant::now();
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            }
        }
    }
    lock(&state.data).sockets.remove(&id);
}

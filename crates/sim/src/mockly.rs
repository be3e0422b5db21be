//! The mockly.me chat server (PROTOCOLS.md §3): `/ws/chat/{client_id}`, a welcome to the
//! newcomer and join/leave notices to the others (all with `online_users`), every message
//! broadcast to all clients including the sender with a `msg_<n>` id and a naive ISO time,
//! `error` frames for bad input, and bot replies with a seeded 30 % chance.
//!
//! Knobs for tests: take the server down and bring it back (or restart it, reusing ids), drop
//! every socket, stall (stop
//! reading and writing without closing: a half-open socket), push raw frames.

use crate::bots::BOT_REPLIES;
pub use crate::bots::{Bot, BOTS};
use crate::listener::{Handler, RestartableListener};
use crate::socket_writer::{write_queued, Written};
use crate::wire_time::naive_iso_micros;
use futures_util::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Clone)]
pub struct MocklyConfig {
    /// Address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Seed of the bot-reply dice, so a run is repeatable.
    pub seed: u64,
    /// Chance that a bot answers a user message (the service documents 30 %).
    pub bot_reply_chance: f64,
    pub bot_reply_delay: Duration,
    /// The largest message the server reads. mockly documents none; a Python `websockets`
    /// server (what the service's examples use) takes 1 MiB by default.
    pub max_message_bytes: usize,
    /// What the server does with a bigger one: close with 1009 "message too big" (the
    /// library's way), or drop it without a word (both are plausible).
    pub drop_oversize: bool,
}

impl Default for MocklyConfig {
    fn default() -> Self {
        MocklyConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 42,
            bot_reply_chance: 0.3,
            bot_reply_delay: Duration::from_millis(600),
            max_message_bytes: 1024 * 1024,
            drop_oversize: false,
        }
    }
}

/// What a client sent, as the server received it (for assertions).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub client_id: String,
    pub text: String,
}

struct Client {
    client_id: String,
    outbox: mpsc::UnboundedSender<Message>,
}

struct State {
    config: MocklyConfig,
    clients: Mutex<HashMap<u64, Client>>,
    next_connection: AtomicU64,
    next_message: AtomicU64,
    rng: Mutex<fastrand::Rng>,
    received: Mutex<Vec<Received>>,
    /// Simulated visitors who are "online" without a socket (the Demo script's crowd).
    visitors: AtomicU64,
    stalled: watch::Sender<bool>,
    drop_all: watch::Sender<u64>,
    gone: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct MocklySim {
    state: Arc<State>,
    listener: RestartableListener,
}

impl MocklySim {
    pub async fn start(config: MocklyConfig) -> std::io::Result<MocklySim> {
        let state = Arc::new(State {
            rng: Mutex::new(fastrand::Rng::with_seed(config.seed)),
            config: config.clone(),
            clients: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(1),
            next_message: AtomicU64::new(1),
            received: Mutex::new(Vec::new()),
            visitors: AtomicU64::new(0),
            stalled: watch::channel(false).0,
            drop_all: watch::channel(0).0,
            gone: AtomicBool::new(false),
        });
        let for_handler = state.clone();
        let handler: Handler = Arc::new(move |stream, down| {
            Box::pin(serve_connection(for_handler.clone(), stream, down))
        });
        let listener = RestartableListener::bind(config.addr, handler).await?;
        Ok(MocklySim { state, listener })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.addr()
    }

    /// The endpoint template a Parley account uses to reach this server.
    pub fn endpoint(&self) -> String {
        format!("ws://{}/ws/chat/{{client_id}}", self.addr())
    }

    /// Takes the server down: no new connections, every socket closed abruptly.
    pub fn go_down(&self) {
        self.state.gone.store(true, Ordering::SeqCst);
        self.listener.stop();
    }

    /// Brings the server back on the same port.
    pub async fn come_back(&self) -> std::io::Result<()> {
        self.state.gone.store(false, Ordering::SeqCst);
        self.listener.start().await
    }

    /// A server restart: down, then back with its message counter from `msg_1` again, as a
    /// real process that keeps its counter in memory would (ids are reused).
    pub async fn restart(&self) -> std::io::Result<()> {
        self.go_down();
        self.state.next_message.store(1, Ordering::SeqCst);
        self.come_back().await
    }

    /// Drops every socket (TCP close without a WebSocket close frame) but keeps accepting.
    pub fn drop_connections(&self) {
        self.state.drop_all.send_modify(|n| *n += 1);
    }

    /// While stalled the server neither reads nor writes, and keeps sockets open: half-open.
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.send_replace(stalled);
    }

    /// Sends a raw text frame (garbage, unknown types) to every client.
    pub fn push_raw(&self, text: &str) {
        self.state.broadcast(Message::Text(text.to_owned().into()));
    }

    /// A bot says something to the room.
    pub fn bot_says(&self, bot: Bot, text: &str) {
        self.state.bot_says(bot, text);
    }

    /// A simulated visitor joins or leaves (Demo crowd): notices and `online_users` follow.
    pub fn visitor_joins(&self, name: &str) {
        self.state.visitors.fetch_add(1, Ordering::SeqCst);
        self.state
            .system_to_all(&format!("{name} has joined the chat"), None);
    }

    pub fn visitor_leaves(&self, name: &str) {
        let _ = self
            .state
            .visitors
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1));
        self.state
            .system_to_all(&format!("{name} has left the chat"), None);
    }

    /// Everything clients have sent, in order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.state.received).clone()
    }

    /// Client ids currently connected.
    pub fn connected(&self) -> Vec<String> {
        let mut ids: Vec<String> = lock(&self.state.clients)
            .values()
            .map(|c| c.client_id.clone())
            .collect();
        ids.sort();
        ids
    }
}

impl State {
    fn online(&self) -> u64 {
        lock(&self.clients).len() as u64 + self.visitors.load(Ordering::SeqCst)
    }

    fn broadcast(&self, frame: Message) {
        for client in lock(&self.clients).values() {
            let _ = client.outbox.send(frame.clone());
        }
    }

    /// A system notice to everyone except `except` (a connection id).
    fn system_to_all(&self, text: &str, except: Option<u64>) {
        let frame = system_frame(text, self.online());
        for (id, client) in lock(&self.clients).iter() {
            if Some(*id) != except {
                let _ = client.outbox.send(frame.clone());
            }
        }
    }

    fn next_id(&self) -> String {
        format!("msg_{}", self.next_message.fetch_add(1, Ordering::SeqCst))
    }

    fn bot_says(&self, bot: Bot, text: &str) {
        let frame = json!({
            "type": "message",
            "sender": bot.id,
            "sender_name": bot.name,
            "sender_avatar": bot.avatar,
            "message": text,
            "timestamp": naive_iso_micros(),
            "id": self.next_id(),
        });
        self.broadcast(Message::Text(frame.to_string().into()));
    }

    /// A user message: broadcast to all including the sender, then maybe a bot answers.
    fn on_user_text(self: &Arc<Self>, connection: u64, client_id: &str, raw: &str) {
        let reply_to_sender = |text: &str| {
            if let Some(c) = lock(&self.clients).get(&connection) {
                let _ = c.outbox.send(Message::Text(error_frame(text).into()));
            }
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(raw) else {
            reply_to_sender("Invalid JSON format");
            return;
        };
        // The real service's answer to JSON without `message` is undocumented [I].
        let Some(text) = value.get("message").and_then(|m| m.as_str()) else {
            reply_to_sender("Message field is required");
            return;
        };
        lock(&self.received).push(Received {
            client_id: client_id.to_owned(),
            text: text.to_owned(),
        });
        let frame = json!({
            "type": "message",
            "sender": client_id,
            "message": text,
            "timestamp": naive_iso_micros(),
            "id": self.next_id(),
        });
        self.broadcast(Message::Text(frame.to_string().into()));
        let (roll, pick, reply) = {
            let mut rng = lock(&self.rng);
            (
                rng.f64(),
                rng.usize(..BOTS.len()),
                rng.usize(..BOT_REPLIES.len()),
            )
        };
        if roll < self.config.bot_reply_chance {
            let state = self.clone();
            let delay = self.config.bot_reply_delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                state.bot_says(BOTS[pick], BOT_REPLIES[reply]);
            });
        }
    }
}

fn system_frame(text: &str, online: u64) -> Message {
    let frame = json!({
        "type": "system",
        "message": text,
        "timestamp": naive_iso_micros(),
        "online_users": online,
    });
    Message::Text(frame.to_string().into())
}

fn error_frame(text: &str) -> String {
    json!({"type": "error", "message": text, "timestamp": naive_iso_micros()}).to_string()
}

/// `/ws/chat/{client_id}` → the decoded client id.
fn client_id_from_path(path: &str) -> Option<String> {
    let raw = path.strip_prefix("/ws/chat/")?;
    if raw.is_empty() || raw.contains('/') {
        return None;
    }
    let decoded: String = url_decode(raw)?;
    (!decoded.trim().is_empty()).then_some(decoded)
}

fn url_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

// tungstenite's handshake callback must return its (large) `ErrorResponse` by value.
#[allow(clippy::result_large_err)]
async fn serve_connection(state: Arc<State>, stream: TcpStream, mut down: watch::Receiver<bool>) {
    let mut client_id = None;
    let accept = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        match client_id_from_path(req.uri().path()) {
            Some(id) => {
                client_id = Some(id);
                Ok(resp)
            }
            None => {
                let mut refusal = ErrorResponse::new(Some("Not Found".into()));
                *refusal.status_mut() = StatusCode::NOT_FOUND;
                Err(refusal)
            }
        }
    });
    let Ok(socket) = accept.await else { return };
    let Some(client_id) = client_id else { return };
    let connection = state.next_connection.fetch_add(1, Ordering::SeqCst);
    let (outbox, mut outgoing) = mpsc::unbounded_channel();
    lock(&state.clients).insert(
        connection,
        Client {
            client_id: client_id.clone(),
            outbox: outbox.clone(),
        },
    );
    let _ = outbox.send(system_frame(
        &format!("Welcome to the chat, {client_id}!"),
        state.online(),
    ));
    state.system_to_all(
        &format!("{client_id} has joined the chat"),
        Some(connection),
    );

    let (mut sink, mut incoming) = socket.split();
    let mut stalled = state.stalled.subscribe();
    let mut dropped = state.drop_all.subscribe();
    loop {
        if *stalled.borrow() {
            // Half-open: hold the socket, answer nothing, read nothing.
            tokio::select! {
                _ = stalled.changed() => continue,
                _ = down.changed() => break,
                _ = dropped.changed() => break,
            }
        }
        tokio::select! {
            _ = down.changed() => break,
            _ = dropped.changed() => break,
            _ = stalled.changed() => {}
            out = outgoing.recv() => {
                let Some(frame) = out else { break };
                if write_queued(&mut sink, frame, &mut outgoing).await != Written::Open {
                    break;
                }
            }
            frame = incoming.next() => match frame {
                Some(Ok(Message::Text(text))) if text.len() > state.config.max_message_bytes => {
                    if !state.config.drop_oversize {
                        let close = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                            code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Size,
                            reason: "message too big".into(),
                        };
                        let _ = futures_util::SinkExt::send(&mut sink, Message::Close(Some(close))).await;
                        break;
                    }
                }
                Some(Ok(Message::Text(text))) => state.on_user_text(connection, &client_id, text.as_str()),
                Some(Ok(Message::Binary(_))) => {
                    let _ = outbox.send(Message::Text(error_frame("Invalid JSON format").into()));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {} // pings are answered by tungstenite
            }
        }
    }
    lock(&state.clients).remove(&connection);
    if !state.gone.load(Ordering::SeqCst) {
        state.system_to_all(&format!("{client_id} has left the chat"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_come_from_the_path() {
        assert_eq!(
            client_id_from_path("/ws/chat/user_1"),
            Some("user_1".into())
        );
        assert_eq!(
            client_id_from_path("/ws/chat/ann+marie%2F1"),
            Some("ann marie/1".into())
        );
        assert_eq!(client_id_from_path("/ws/chat/"), None);
        assert_eq!(client_id_from_path("/ws/notify/x"), None);
        assert_eq!(client_id_from_path("/ws/chat/%zz"), None);
    }
}

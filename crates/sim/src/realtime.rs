//! The Realtime (1HOUSE-style) server, PROTOCOLS.md §4.5: REST and the live socket on one port,
//! as a gateway serves them. REST checks `X-API-Key` and the bearer JWT and answers in the
//! `{success, status, data, pagination}` envelope or the error envelope with an `errorId`;
//! chatrooms page, filter by type, and only their creator may edit or delete them. The socket
//! wants `auth` first (else it closes), routes events by subscription, answers `ping`, closes
//! sockets idle for 60 s, and enforces 64 KB frames and 100 sends a minute (answering with an
//! error event or a close, switchable).
//!
//! Knobs: refuse `chat:send`, stall (half-open), drop every socket, go down and come back,
//! break REST bodies, and helpers that play members, ticks, alerts and sessions.

mod live;
mod rest;

use crate::listener::{Handler, RestartableListener};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// What the server does with a frame over 64 KB or a send over the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitAction {
    /// `{"type":"error"}` and the socket stays open.
    ErrorEvent,
    /// The socket is closed (1009 for size, 1008 for rate).
    Close,
}

#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    pub addr: SocketAddr,
    /// The platform key every request must carry.
    pub api_key: String,
    /// Sockets silent this long are closed (documented connection timeout: 60 s).
    pub idle_timeout: Duration,
    /// Sends per user per `rate_window` (documented: 100 a minute).
    pub rate_limit: usize,
    pub rate_window: Duration,
    pub on_limit: LimitAction,
    /// Also require `X-API-Key` on the socket upgrade (unknown whether the real one does).
    pub socket_needs_api_key: bool,
    /// Answer `auth` with `{"type":"auth:success"}` (not documented; off by default).
    pub auth_ack: bool,
    /// Relay typing events (inferred names, PROTOCOLS §4.3).
    pub typing_events: bool,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        RealtimeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: "sim-platform-key".into(),
            idle_timeout: Duration::from_secs(60),
            rate_limit: 100,
            rate_window: Duration::from_secs(60),
            on_limit: LimitAction::ErrorEvent,
            socket_needs_api_key: false,
            auth_ack: false,
            typing_events: true,
        }
    }
}

/// The documented maximum message size.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone)]
struct User {
    id: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    avatar: Option<String>,
}

#[derive(Debug, Clone)]
struct Room {
    id: String,
    name: String,
    description: String,
    kind: String,
    created_by: String,
    created_at: String,
    members: BTreeSet<String>,
    messages: Vec<StoredMessage>,
}

/// A message as the server stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    pub id: String,
    pub room: String,
    pub user_id: String,
    pub text: String,
    pub created_at: String,
}

struct Socket {
    user: Option<String>,
    rooms: BTreeSet<String>,
    notifications: bool,
    symbols: BTreeSet<String>,
    outbox: mpsc::UnboundedSender<Message>,
}

#[derive(Default)]
struct Data {
    users: Vec<User>,
    tokens: HashMap<String, String>,
    rooms: Vec<Room>,
    sockets: HashMap<u64, Socket>,
    /// Sends per user, for the rate limit.
    sends: HashMap<String, VecDeque<Instant>>,
    /// Every frame clients sent, with the socket it came on, in order.
    client_frames: Vec<(u64, Value)>,
    rest_calls: Vec<String>,
    next_id: u64,
    /// Users the server says are online without a socket here (`set_online`: the Demo's people).
    online: BTreeSet<String>,
}

struct State {
    config: RealtimeConfig,
    data: Mutex<Data>,
    next_socket: AtomicU64,
    accept_chat_send: AtomicBool,
    stalled: AtomicBool,
    broken_rest: AtomicBool,
    drop_all: watch::Sender<u64>,
}

fn lock(m: &Mutex<Data>) -> std::sync::MutexGuard<'_, Data> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// ISO time with milliseconds and `Z`, as Realtime prints it.
fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn now_iso() -> String {
    iso(chrono::Utc::now())
}

fn event(kind: &str, data: Value) -> Message {
    Message::Text(json!({"type": kind, "data": data}).to_string().into())
}

impl Data {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{}", 1000 + self.next_id)
    }

    fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn room_mut(&mut self, id: &str) -> Option<&mut Room> {
        self.rooms.iter_mut().find(|r| r.id == id)
    }

    /// Sends `message` to every authenticated socket `to` accepts.
    fn broadcast(&self, message: &Message, to: impl Fn(&Socket) -> bool) {
        for socket in self.sockets.values().filter(|s| s.user.is_some() && to(s)) {
            let _ = socket.outbox.send(message.clone());
        }
    }

    /// Stores a message and sends `chat:message` to the room's subscribers.
    fn post(
        &mut self,
        room: &str,
        user: &str,
        text: &str,
        created_at: String,
    ) -> Option<StoredMessage> {
        let id = self.id("msg");
        let stored = StoredMessage {
            id,
            room: room.to_owned(),
            user_id: user.to_owned(),
            text: text.to_owned(),
            created_at,
        };
        self.room_mut(room)?.messages.push(stored.clone());
        let frame = event(
            "chat:message",
            json!({"chatroomId": room, "messageId": stored.id, "userId": user, "message": text, "timestamp": stored.created_at}),
        );
        self.broadcast(&frame, |s| s.rooms.contains(room));
        Some(stored)
    }

    /// Counts a send against the user's rate; `false` when over it.
    fn within_rate(&mut self, user: &str, config: &RealtimeConfig) -> bool {
        let now = Instant::now();
        let sends = self.sends.entry(user.to_owned()).or_default();
        while sends
            .front()
            .is_some_and(|t| now.duration_since(*t) >= config.rate_window)
        {
            sends.pop_front();
        }
        if sends.len() >= config.rate_limit {
            return false;
        }
        sends.push_back(now);
        true
    }

    /// Whole seconds until the user's oldest counted send leaves the window (at least 1): the
    /// `Retry-After` of a 429.
    fn rate_retry_after(&self, user: &str, config: &RealtimeConfig) -> u64 {
        let waited = self
            .sends
            .get(user)
            .and_then(|s| s.front())
            .map_or(Duration::ZERO, |t| t.elapsed());
        config
            .rate_window
            .saturating_sub(waited)
            .as_secs_f64()
            .ceil()
            .max(1.0) as u64
    }

    fn message_json(&self, m: &StoredMessage) -> Value {
        let user = self.user(&m.user_id);
        json!({
            "id": m.id,
            "chatroomId": m.room,
            "userId": m.user_id,
            "user": user.map(|u| json!({"firstName": u.first_name, "lastName": u.last_name, "avatar": u.avatar})),
            "message": m.text,
            "createdAt": m.created_at,
        })
    }

    fn room_json(&self, r: &Room) -> Value {
        // Active now: who has a socket in the room, and its members the server knows are online.
        let mut active: BTreeSet<String> = self
            .sockets
            .values()
            .filter(|s| s.rooms.contains(&r.id))
            .filter_map(|s| s.user.clone())
            .collect();
        active.extend(
            r.members
                .iter()
                .filter(|m| self.online.contains(*m))
                .cloned(),
        );
        let active = active.len();
        json!({
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "type": r.kind,
            "memberCount": r.members.len(),
            "activeNow": active,
            "lastMessageAt": r.messages.last().map(|m| m.created_at.clone()),
            "createdBy": r.created_by,
            "createdAt": r.created_at,
        })
    }
}

pub struct RealtimeSim {
    listener: RestartableListener,
    state: Arc<State>,
}

impl RealtimeSim {
    pub async fn start(config: RealtimeConfig) -> std::io::Result<RealtimeSim> {
        let (drop_all, _) = watch::channel(0);
        let state = Arc::new(State {
            config: config.clone(),
            data: Mutex::new(Data::default()),
            next_socket: AtomicU64::new(1),
            accept_chat_send: AtomicBool::new(true),
            stalled: AtomicBool::new(false),
            broken_rest: AtomicBool::new(false),
            drop_all,
        });
        let router = rest::router(state.clone());
        let handler_state = state.clone();
        let handler: Handler = Arc::new(move |stream, down| {
            let (state, router) = (handler_state.clone(), router.clone());
            Box::pin(live::serve_connection(state, router, stream, down))
        });
        let listener = RestartableListener::bind(config.addr, handler).await?;
        Ok(RealtimeSim { listener, state })
    }

    /// The REST base, e.g. `http://127.0.0.1:4567`; the socket is at `/v1/live` on it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.listener.addr())
    }

    pub fn api_key(&self) -> String {
        self.state.config.api_key.clone()
    }

    /// A member who can sign in with `email` and `password`. Returns the user id.
    pub fn add_user(
        &self,
        email: &str,
        password: &str,
        first_name: &str,
        last_name: &str,
    ) -> String {
        let mut data = lock(&self.state.data);
        let id = data.id("user");
        data.users.push(User {
            id: id.clone(),
            email: email.into(),
            password: password.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            avatar: Some(format!("https://cdn.example.invalid/avatars/{id}.png")),
        });
        id
    }

    /// A fresh JWT for `user` (what signing in would return).
    pub fn token_for(&self, user: &str) -> String {
        issue_token(&mut lock(&self.state.data), user)
    }

    /// An opaque token (not a JWT: it names no user) for `user`, as a server may issue.
    pub fn opaque_token_for(&self, user: &str) -> String {
        let token = format!("opaque-{:016x}", fastrand::u64(..));
        lock(&self.state.data)
            .tokens
            .insert(token.clone(), user.to_owned());
        token
    }

    /// Invalidates every token of `user`: the next request or `auth` is refused.
    pub fn revoke_tokens(&self, user: &str) {
        lock(&self.state.data).tokens.retain(|_, u| u != user);
    }

    /// A room created by `creator`, who is its first member. Returns its id.
    pub fn create_room(&self, name: &str, description: &str, kind: &str, creator: &str) -> String {
        let mut data = lock(&self.state.data);
        create_room(&mut data, name, description, kind, creator)
    }

    pub fn add_member(&self, room: &str, user: &str) {
        if let Some(r) = lock(&self.state.data).room_mut(room) {
            r.members.insert(user.into());
        }
    }

    /// `user` says `text` in `room` now (stored and sent to subscribers).
    pub fn post(&self, room: &str, user: &str, text: &str) -> Option<StoredMessage> {
        lock(&self.state.data).post(room, user, text, now_iso())
    }

    /// Stores history without sending it: `texts` from `users` in turn, a minute apart, ending
    /// `ago` before now.
    pub fn seed_history(&self, room: &str, users: &[String], texts: &[&str], ago: Duration) {
        let mut data = lock(&self.state.data);
        let end = chrono::Utc::now() - chrono::Duration::from_std(ago).unwrap_or_default();
        let count = texts.len() as i64;
        for (i, text) in texts.iter().enumerate() {
            let at = end - chrono::Duration::minutes(count - 1 - i as i64);
            let user = &users[i % users.len().max(1)];
            let id = data.id("msg");
            if let Some(r) = data.room_mut(room) {
                r.messages.push(StoredMessage {
                    id,
                    room: room.into(),
                    user_id: user.clone(),
                    text: (*text).into(),
                    created_at: iso(at),
                });
            }
        }
    }

    /// Every message stored in a room, oldest first.
    pub fn messages(&self, room: &str) -> Vec<StoredMessage> {
        lock(&self.state.data)
            .rooms
            .iter()
            .find(|r| r.id == room)
            .map(|r| r.messages.clone())
            .unwrap_or_default()
    }

    pub fn room_exists(&self, room: &str) -> bool {
        lock(&self.state.data).rooms.iter().any(|r| r.id == room)
    }

    pub fn is_member(&self, room: &str, user: &str) -> bool {
        lock(&self.state.data)
            .rooms
            .iter()
            .any(|r| r.id == room && r.members.contains(user))
    }

    /// `user:online` with status online/offline to everyone connected.
    pub fn set_online(&self, user: &str, online: bool) {
        let status = if online { "online" } else { "offline" };
        let frame = event("user:online", json!({"userId": user, "status": status}));
        let mut data = lock(&self.state.data);
        if online {
            data.online.insert(user.to_owned());
        } else {
            data.online.remove(user);
        }
        data.broadcast(&frame, |_| true);
    }

    /// `typing:start`/`typing:stop` to the room's subscribers.
    pub fn typing(&self, room: &str, user: &str, active: bool) {
        if !self.state.config.typing_events {
            return;
        }
        let kind = if active {
            "typing:start"
        } else {
            "typing:stop"
        };
        let frame = event(kind, json!({"chatroomId": room, "userId": user}));
        lock(&self.state.data).broadcast(&frame, |s| {
            s.rooms.contains(room) && s.user.as_deref() != Some(user)
        });
    }

    /// One `market:price` (numbers as written, e.g. `"1.0875"`) to the symbol's subscribers.
    pub fn price(&self, symbol: &str, price: &str, change: &str, change_percent: &str) {
        let text = format!(
            r#"{{"type":"market:price","data":{{"symbol":{},"price":{price},"change":{change},"changePercent":{change_percent}}}}}"#,
            Value::from(symbol)
        );
        let frame = Message::Text(text.into());
        lock(&self.state.data).broadcast(&frame, |s| s.symbols.contains(symbol));
    }

    /// `n` ticks of `symbol` as fast as the sockets take them; the last price is `1.<n>`.
    pub fn price_burst(&self, symbol: &str, n: u32) {
        for i in 1..=n {
            self.price(symbol, &format!("1.{i:05}"), "0.0001", "0.01");
        }
    }

    pub fn trade_alert(&self, symbol: &str, direction: &str, entry: &str) {
        let text = format!(
            r#"{{"type":"trade:created","data":{{"tradeId":"trade_{}","symbol":{},"direction":{},"entryPrice":{entry}}}}}"#,
            fastrand::u32(1000..9999),
            Value::from(symbol),
            Value::from(direction)
        );
        lock(&self.state.data).broadcast(&Message::Text(text.into()), |_| true);
    }

    pub fn post_created(&self, user: &str, content: &str) {
        let frame = event(
            "post:created",
            json!({"postId": format!("post_{}", fastrand::u32(1000..9999)), "userId": user, "communityId": "community_789", "content": content}),
        );
        lock(&self.state.data).broadcast(&frame, |_| true);
    }

    /// `notification:new` to sockets subscribed to `user`'s notifications.
    pub fn notify(&self, user: &str, title: &str, message: &str, priority: &str) {
        let frame = event(
            "notification:new",
            json!({"id": format!("notif_{}", fastrand::u32(1000..9999)), "title": title, "message": message, "priority": priority}),
        );
        lock(&self.state.data).broadcast(&frame, |s| {
            s.notifications && s.user.as_deref() == Some(user)
        });
    }

    pub fn session_started(&self, session: &str, title: &str, speaker: &str) {
        let frame = event(
            "session:started",
            json!({"sessionId": session, "title": title, "speakerId": speaker, "startedAt": now_iso()}),
        );
        lock(&self.state.data).broadcast(&frame, |_| true);
    }

    pub fn session_ended(&self, session: &str, title: &str) {
        let frame = event(
            "session:ended",
            json!({"sessionId": session, "title": title, "endedAt": now_iso()}),
        );
        lock(&self.state.data).broadcast(&frame, |_| true);
    }

    /// Sends `text` as it is to every authenticated socket.
    pub fn push_raw(&self, text: &str) {
        lock(&self.state.data).broadcast(&Message::Text(text.to_owned().into()), |_| true);
    }

    /// Another device of `user` sent `n` messages just now: they count against the user's
    /// rate budget (100 a minute) as much as the client's own.
    pub fn spend_rate_budget(&self, user: &str, n: usize) {
        let now = Instant::now();
        let mut data = lock(&self.state.data);
        let sends = data.sends.entry(user.to_owned()).or_default();
        sends.extend(std::iter::repeat_n(now, n));
    }

    /// Forgets what `user` sent: a fresh rate window.
    pub fn reset_rate_budget(&self, user: &str) {
        lock(&self.state.data).sends.remove(user);
    }

    /// `chat:send` answered with an error event instead of being stored (REST only).
    pub fn set_accept_chat_send(&self, accept: bool) {
        self.state.accept_chat_send.store(accept, Ordering::SeqCst);
    }

    /// Sockets stop reading and writing without closing (a half-open link).
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.store(stalled, Ordering::SeqCst);
    }

    /// REST answers 200 with a body that is not JSON.
    pub fn set_broken_rest(&self, broken: bool) {
        self.state.broken_rest.store(broken, Ordering::SeqCst);
    }

    /// Closes every socket at once (the server stays up).
    pub fn drop_connections(&self) {
        self.state.drop_all.send_modify(|n| *n += 1);
    }

    /// The server goes down (port closed, every socket closed)…
    pub fn go_down(&self) {
        self.listener.stop();
    }

    /// …and comes back on the same port, with everything it stored.
    pub async fn come_back(&self) -> std::io::Result<()> {
        self.listener.start().await
    }

    /// Every frame clients sent, with the id of the socket it came on.
    pub fn client_frames(&self) -> Vec<(u64, Value)> {
        lock(&self.state.data).client_frames.clone()
    }

    /// `METHOD /path` of every REST call, in order.
    pub fn rest_calls(&self) -> Vec<String> {
        lock(&self.state.data).rest_calls.clone()
    }

    /// Authenticated sockets.
    pub fn open_sockets(&self) -> usize {
        lock(&self.state.data)
            .sockets
            .values()
            .filter(|s| s.user.is_some())
            .count()
    }

    /// Sockets subscribed to a symbol's prices.
    pub fn price_subscribers(&self, symbol: &str) -> usize {
        lock(&self.state.data)
            .sockets
            .values()
            .filter(|s| s.symbols.contains(symbol))
            .count()
    }

    /// Sockets subscribed to a room.
    pub fn subscribers(&self, room: &str) -> usize {
        lock(&self.state.data)
            .sockets
            .values()
            .filter(|s| s.rooms.contains(room))
            .count()
    }
}

fn create_room(
    data: &mut Data,
    name: &str,
    description: &str,
    kind: &str,
    creator: &str,
) -> String {
    let id = data.id("room");
    data.rooms.push(Room {
        id: id.clone(),
        name: name.into(),
        description: description.into(),
        kind: kind.into(),
        created_by: creator.into(),
        created_at: now_iso(),
        members: BTreeSet::from([creator.to_owned()]),
        messages: Vec::new(),
    });
    id
}

/// A JWT-shaped token whose payload names the user (the signature is random: only this server
/// checks it, by looking it up).
fn issue_token(data: &mut Data, user: &str) -> String {
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!(
        "{}.{}.{:016x}{:016x}",
        b64(json!({"alg": "HS256", "typ": "JWT"})),
        b64(json!({"userId": user, "iat": chrono::Utc::now().timestamp()})),
        fastrand::u64(..),
        fastrand::u64(..)
    );
    data.tokens.insert(token.clone(), user.to_owned());
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_member_the_server_says_is_online_counts_as_active_now() {
        let sim = RealtimeSim::start(RealtimeConfig::default()).await.unwrap();
        let maria = sim.add_user("maria@demo", "x", "Maria", "Lopez");
        let kofi = sim.add_user("kofi@demo", "x", "Kofi", "Mensah");
        let room = sim.create_room("EUR/USD", "", "public", &maria);
        let listed = || {
            let data = lock(&sim.state.data);
            let r = data.rooms.iter().find(|r| r.id == room).unwrap();
            let json = data.room_json(r);
            (json["memberCount"].as_u64(), json["activeNow"].as_u64())
        };
        assert_eq!(listed(), (Some(1), Some(0)));
        sim.add_member(&room, &kofi);
        sim.set_online(&maria, true);
        sim.set_online(&kofi, true);
        assert_eq!(listed(), (Some(2), Some(2)));
        sim.set_online(&kofi, false);
        assert_eq!(listed(), (Some(2), Some(1)));
    }
}

//! The Mixin Messenger server for bots, PROTOCOLS.md §1.16: Blaze (gzip JSON in binary frames,
//! the `Mixin-Blaze-1` subprotocol, a JWT checked against the request) on one port and the
//! REST API (HTTP 202 + `error` bodies, `X-Request-Id` echoed, `jti` never reused) on another,
//! as the real service has two hosts.
//!
//! Per bot it keeps a pending queue: nothing is pushed before `LIST_PENDING_MESSAGES`; what is
//! not acknowledged is pushed again on every new listing. CREATE_MESSAGE is idempotent by
//! `message_id`, echoed as a status (SENT) and later receipted (DELIVERED, READ).
//!
//! Knobs: refuse every token (401 on the upgrade, or an `ERROR` 401 frame after it), swallow
//! replies, inject an error per action, push raw bytes (bombs, text frames), drop sockets, go
//! down and come back, stall.

mod blaze;
mod gzip;
mod jwt;
mod rest;
mod uploads;

pub use jwt::PublicKey;

use crate::listener::{Handler, RestartableListener};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// How a refused token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRefusal {
    /// HTTP 401 on the upgrade.
    Upgrade,
    /// The upgrade succeeds, then an `ERROR` frame with code 401 arrives.
    ErrorFrame,
}

#[derive(Debug, Clone)]
pub struct MixinConfig {
    pub blaze_addr: SocketAddr,
    pub api_addr: SocketAddr,
    /// The server pings every socket this often.
    pub ping_every: Duration,
    /// A client silent this long is dropped.
    pub idle_timeout: Duration,
    /// After a bot's CREATE_MESSAGE: DELIVERED after this, READ after twice this.
    pub receipt_delay: Duration,
    /// Unacknowledged messages are also pushed again this often (besides every new listing).
    pub redeliver_every: Option<Duration>,
    pub auth_refusal: AuthRefusal,
}

impl Default for MixinConfig {
    fn default() -> Self {
        MixinConfig {
            blaze_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ping_every: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            receipt_delay: Duration::from_millis(300),
            redeliver_every: None,
            auth_refusal: AuthRefusal::Upgrade,
        }
    }
}

struct Bot {
    session_id: String,
    key: PublicKey,
    name: String,
}

#[derive(Clone)]
struct Conversation {
    category: &'static str,
    name: String,
    participants: Vec<String>,
}

/// A message waiting for a bot, as its message view.
#[derive(Clone)]
struct Pending {
    message_id: String,
    view: Value,
}

/// A message a bot sent.
#[derive(Debug, Clone, PartialEq)]
pub struct BotMessage {
    pub message_id: String,
    pub conversation_id: String,
    pub category: String,
    pub text: String,
}

struct Socket {
    bot: String,
    listed: bool,
    outbox: mpsc::UnboundedSender<Message>,
}

#[derive(Default)]
struct Data {
    bots: HashMap<String, Bot>,
    users: HashMap<String, String>,
    conversations: HashMap<String, Conversation>,
    /// Per bot, oldest first (a deque: acknowledgements mostly take the front).
    pending: HashMap<String, VecDeque<Pending>>,
    acked: Vec<String>,
    sent: HashMap<String, Vec<BotMessage>>,
    sockets: HashMap<u64, Socket>,
    client_frames: Vec<(u64, Value)>,
    rest_calls: Vec<String>,
    seen_jti: HashSet<String>,
    /// Every bearer token presented, to REST and Blaze (the newest [`crate::KEPT_RECORDS`]).
    tokens: VecDeque<String>,
    files: HashMap<String, (&'static str, Vec<u8>)>,
    attachments: HashMap<String, String>,
    /// Attachments created by `POST /attachments` whose bytes have not arrived yet.
    uploads: HashSet<String>,
    /// Uploads to refuse at the storage step (HTTP 500), counted down.
    failing_uploads: u32,
    /// Every upload the storage took, as (attachment id, bytes), in order.
    uploaded: Vec<(String, Vec<u8>)>,
    stickers: HashMap<String, String>,
    /// Errors to answer the next request of an action with.
    inject: HashMap<String, VecDeque<i64>>,
    /// How long to hold the next REST request of an action before answering it.
    delays: HashMap<String, VecDeque<Duration>>,
}

impl Data {
    fn saw_token(&mut self, token: &str) {
        if self.tokens.len() == crate::KEPT_RECORDS {
            self.tokens.pop_front();
        }
        self.tokens.push_back(token.to_owned());
    }
}

struct State {
    config: MixinConfig,
    data: Mutex<Data>,
    next_socket: AtomicU64,
    refuse_tokens: AtomicBool,
    stalled: AtomicBool,
    /// The storage holds every upload it received without answering until this is cleared.
    hold_uploads: AtomicBool,
    /// Bytes a second the storage reads an upload at (0: as fast as it comes).
    upload_rate: AtomicU64,
    /// How far the server's clock is ahead of this machine's, in seconds.
    clock_offset_s: std::sync::atomic::AtomicI64,
    swallow_replies: AtomicU32,
    drop_all: watch::Sender<u64>,
    api_base: Mutex<String>,
}

impl State {
    /// The server's time, Unix seconds (its clock may be set off the machine's).
    fn now_s(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.clock_offset_s.load(Ordering::SeqCst)
    }

    /// The server's time in RFC 3339 with nanoseconds, as Mixin prints `created_at`.
    fn now_rfc3339(&self) -> String {
        let offset = chrono::Duration::seconds(self.clock_offset_s.load(Ordering::SeqCst));
        (chrono::Utc::now() + offset)
            .format("%Y-%m-%dT%H:%M:%S%.9fZ")
            .to_string()
    }

    /// The server's time as an HTTP `Date` header says it.
    fn http_date(&self) -> String {
        chrono::DateTime::from_timestamp(self.now_s(), 0)
            .unwrap_or_default()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string()
    }
}

fn lock(m: &Mutex<Data>) -> std::sync::MutexGuard<'_, Data> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A gzip binary frame of `value`.
pub fn frame(value: &Value) -> Message {
    Message::Binary(gzip::compress(value.to_string().as_bytes()).into())
}

/// The one-to-one conversation id of two users (PROTOCOLS.md §1.13).
pub fn contact_conversation_id(a: &str, b: &str) -> String {
    use md5::{Digest, Md5};
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    let mut sum: [u8; 16] = Md5::digest(format!("{low}{high}").as_bytes()).into();
    sum[6] = (sum[6] & 0x0f) | 0x30;
    sum[8] = (sum[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(sum).hyphenated().to_string()
}

impl Data {
    /// The one-to-one conversation of `bot` and `user`, known from now on; its id.
    fn contact_conversation(&mut self, bot: &str, user: &str) -> String {
        let id = contact_conversation_id(bot, user);
        self.conversations
            .entry(id.clone())
            .or_insert(Conversation {
                category: "CONTACT",
                name: String::new(),
                participants: vec![bot.to_owned(), user.to_owned()],
            });
        id
    }

    /// Pushes `view` to every listed socket of `bot`.
    fn push(&self, bot: &str, view: &Value) {
        let message = frame(
            &json!({"id": uuid::Uuid::new_v4().to_string(), "action": "CREATE_MESSAGE", "data": view}),
        );
        for socket in self.sockets.values().filter(|s| s.bot == bot && s.listed) {
            let _ = socket.outbox.send(message.clone());
        }
    }

    /// Everything `bot` has not acknowledged, oldest first.
    fn unacked(&self, bot: &str) -> Vec<Pending> {
        self.pending
            .get(bot)
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn ack(&mut self, message_id: &str) {
        // Acknowledgements mostly come in order: the match is found at the front.
        for queue in self.pending.values_mut() {
            if let Some(i) = queue.iter().position(|p| p.message_id == message_id) {
                queue.remove(i);
            }
        }
        self.acked.push(message_id.to_owned());
    }
}

/// Pushes every unacknowledged message again to its bot's listed sockets.
fn redeliver(state: &State) {
    let data = lock(&state.data);
    for (bot, queue) in &data.pending {
        for p in queue {
            data.push(bot, &p.view);
        }
    }
}

pub struct MixinSim {
    blaze: RestartableListener,
    api: RestartableListener,
    state: Arc<State>,
}

impl MixinSim {
    pub async fn start(config: MixinConfig) -> std::io::Result<MixinSim> {
        let (drop_all, _) = watch::channel(0);
        let state = Arc::new(State {
            config: config.clone(),
            data: Mutex::new(Data::default()),
            next_socket: AtomicU64::new(1),
            refuse_tokens: AtomicBool::new(false),
            stalled: AtomicBool::new(false),
            hold_uploads: AtomicBool::new(false),
            upload_rate: AtomicU64::new(0),
            clock_offset_s: std::sync::atomic::AtomicI64::new(0),
            swallow_replies: AtomicU32::new(0),
            drop_all,
            api_base: Mutex::new(String::new()),
        });
        let blaze_state = state.clone();
        let blaze_handler: Handler =
            Arc::new(move |stream, down| Box::pin(blaze::serve(blaze_state.clone(), stream, down)));
        let blaze = RestartableListener::bind(config.blaze_addr, blaze_handler).await?;
        let router = rest::router(state.clone());
        let api_handler: Handler = Arc::new(move |stream, down| {
            Box::pin(crate::http::serve_router(router.clone(), stream, down))
        });
        let api = RestartableListener::bind(config.api_addr, api_handler).await?;
        *state.api_base.lock().unwrap_or_else(|p| p.into_inner()) =
            format!("http://{}", api.addr());
        if let Some(every) = config.redeliver_every {
            let weak = Arc::downgrade(&state);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let Some(state) = weak.upgrade() else { return };
                    redeliver(&state);
                }
            });
        }
        Ok(MixinSim { blaze, api, state })
    }

    /// The Blaze endpoint, e.g. `ws://127.0.0.1:4567/`.
    pub fn blaze_url(&self) -> String {
        format!("ws://{}/", self.blaze.addr())
    }

    /// The REST base, e.g. `http://127.0.0.1:4568`.
    pub fn api_base(&self) -> String {
        format!("http://{}", self.api.addr())
    }

    /// A bot with a fresh Ed25519 session; returns its keystore in the current format.
    pub fn add_bot(&self, name: &str) -> String {
        self.add_bot_with_id(name, &uuid::Uuid::new_v4().to_string())
    }

    /// [`Self::add_bot`] under a given bot id (the Demo's bot keeps its id, and so its
    /// conversations, from one run to the next); the session and its key are fresh.
    pub fn add_bot_with_id(&self, name: &str, bot: &str) -> String {
        let seed: [u8; 32] = std::array::from_fn(|_| fastrand::u8(..));
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let session = uuid::Uuid::new_v4().to_string();
        self.register_bot(bot, &session, PublicKey::Ed25519(key.verifying_key()), name);
        json!({"app_id": bot, "session_id": session, "session_private_key": hex::encode(seed),
               "server_public_key": hex::encode([0u8; 32]), "spend_private_key": hex::encode([0u8; 32])})
        .to_string()
    }

    /// A bot whose session key is the RSA key `private_pem` (PKCS#1); returns a legacy keystore.
    pub fn add_rsa_bot(&self, name: &str, private_pem: &str) -> Option<String> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(private_pem).ok()?;
        let (bot, session) = (
            uuid::Uuid::new_v4().to_string(),
            uuid::Uuid::new_v4().to_string(),
        );
        self.register_bot(&bot, &session, PublicKey::Rsa(key.to_public_key()), name);
        Some(
            json!({"client_id": bot, "session_id": session, "pin": "123456", "pin_token": "sim",
                   "private_key": private_pem.replace('\n', "\r\n")})
            .to_string(),
        )
    }

    fn register_bot(&self, bot: &str, session: &str, key: PublicKey, name: &str) {
        let mut data = lock(&self.state.data);
        data.users.insert(bot.to_owned(), name.to_owned());
        data.bots.insert(
            bot.to_owned(),
            Bot {
                session_id: session.to_owned(),
                key,
                name: name.to_owned(),
            },
        );
    }

    /// The bot id in a keystore this simulator made.
    pub fn bot_id_of(keystore: &str) -> String {
        let v: Value = serde_json::from_str(keystore).unwrap_or(Value::Null);
        v["app_id"]
            .as_str()
            .or(v["client_id"].as_str())
            .unwrap_or("")
            .to_owned()
    }

    /// A Messenger user; returns their id.
    pub fn add_user(&self, full_name: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.add_user_with_id(full_name, &id);
        id
    }

    /// The conversation of `bot` and `user` exists (as after they wrote each other before this
    /// simulator started: a Demo run after the first, whose greeting is not played again), so
    /// the bot may write in it.
    pub fn add_contact_conversation(&self, bot: &str, user: &str) -> String {
        lock(&self.state.data).contact_conversation(bot, user)
    }

    /// A Messenger user under a given id.
    pub fn add_user_with_id(&self, full_name: &str, id: &str) {
        lock(&self.state.data)
            .users
            .insert(id.to_owned(), full_name.to_owned());
    }

    /// A group with a name; returns its conversation id.
    pub fn add_group(&self, name: &str, participants: &[&str]) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        lock(&self.state.data).conversations.insert(
            id.clone(),
            Conversation {
                category: "GROUP",
                name: name.to_owned(),
                participants: participants.iter().map(|p| (*p).to_owned()).collect(),
            },
        );
        id
    }

    /// `user` sends `bot` a message of `category` with `payload` (raw bytes, base64-encoded on
    /// the wire in both fields) in their contact conversation, or in `group`. Returns its id.
    pub fn user_sends(
        &self,
        bot: &str,
        user: &str,
        group: Option<&str>,
        category: &str,
        payload: &[u8],
    ) -> String {
        self.user_sends_encoded(
            bot,
            user,
            group,
            category,
            &base64::engine::general_purpose::STANDARD.encode(payload),
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload),
        )
    }

    /// A pending message from `user` whose `data` and `data_base64` are `raw` as given: not
    /// base64 at all when a test wants it so (a corrupt message the server keeps sending first
    /// until it is acknowledged). Returns its id.
    pub fn user_sends_raw_data(&self, bot: &str, user: &str, category: &str, raw: &str) -> String {
        self.user_sends_encoded(bot, user, None, category, raw, raw)
    }

    fn user_sends_encoded(
        &self,
        bot: &str,
        user: &str,
        group: Option<&str>,
        category: &str,
        data_field: &str,
        data_base64: &str,
    ) -> String {
        let message_id = uuid::Uuid::new_v4().to_string();
        let mut data = lock(&self.state.data);
        let conversation_id = match group {
            Some(g) => g.to_owned(),
            None => data.contact_conversation(bot, user),
        };
        let now = self.state.now_rfc3339();
        let view = json!({
            "type": "message",
            "conversation_id": conversation_id,
            "user_id": user,
            "session_id": uuid::Uuid::new_v4().to_string(),
            "message_id": message_id,
            "category": category,
            "data": data_field,
            "data_base64": data_base64,
            "status": "SENT",
            "source": "",
            "created_at": now,
            "updated_at": now,
            "quote_message_id": "",
            "representative_id": "",
        });
        data.pending
            .entry(bot.to_owned())
            .or_default()
            .push_back(Pending {
                message_id: message_id.clone(),
                view: view.clone(),
            });
        data.push(bot, &view);
        message_id
    }

    /// A text from `user` to `bot`.
    pub fn user_says(&self, bot: &str, user: &str, text: &str) -> String {
        self.user_sends(bot, user, None, "PLAIN_TEXT", text.as_bytes())
    }

    /// An image from `user`: stored as an attachment the REST API hands out.
    pub fn user_sends_image(
        &self,
        bot: &str,
        user: &str,
        png: &[u8],
        thumb_jpeg: &[u8],
        caption: &str,
    ) -> String {
        let attachment = self.add_file("image/png", png.to_vec());
        let payload = json!({"attachment_id": attachment, "mime_type": "image/png", "width": 480, "height": 270,
            "size": png.len(), "thumbnail": base64::engine::general_purpose::STANDARD.encode(thumb_jpeg), "caption": caption});
        self.user_sends(
            bot,
            user,
            None,
            "PLAIN_IMAGE",
            payload.to_string().as_bytes(),
        )
    }

    /// A sticker from `user`, served by `GET /stickers/:id`.
    pub fn user_sends_sticker(&self, bot: &str, user: &str, png: &[u8]) -> String {
        let file = self.add_file("image/png", png.to_vec());
        let sticker = uuid::Uuid::new_v4().to_string();
        let url = format!("{}/files/{file}", self.api_base());
        lock(&self.state.data).stickers.insert(sticker.clone(), url);
        let payload = json!({"sticker_id": sticker});
        self.user_sends(
            bot,
            user,
            None,
            "PLAIN_STICKER",
            payload.to_string().as_bytes(),
        )
    }

    /// Stores bytes as an attachment; returns its attachment id.
    pub fn add_file(&self, mime: &'static str, bytes: Vec<u8>) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let mut data = lock(&self.state.data);
        data.files.insert(id.clone(), (mime, bytes));
        data.attachments.insert(id.clone(), id.clone());
        id
    }

    /// The next `n` uploads fail at the storage step (HTTP 500).
    pub fn fail_uploads(&self, n: u32) {
        lock(&self.state.data).failing_uploads = n;
    }

    /// The storage keeps every upload waiting (it has the bytes, the uploader no answer) while
    /// `on`, as a slow storage would: a client's upload can be watched and cancelled.
    pub fn hold_uploads(&self, on: bool) {
        self.state.hold_uploads.store(on, Ordering::SeqCst);
    }

    /// The storage reads uploads at `bytes_per_second` (a slow uplink), or as fast as they
    /// come with `None`.
    pub fn set_upload_rate(&self, bytes_per_second: Option<u64>) {
        self.state
            .upload_rate
            .store(bytes_per_second.unwrap_or(0), Ordering::SeqCst);
    }

    /// Sets the server's clock `seconds` ahead of this machine's (negative: behind). Tokens are
    /// checked against it, and the Blaze upgrade's `Date` header says it.
    pub fn set_clock_offset(&self, seconds: i64) {
        self.state.clock_offset_s.store(seconds, Ordering::SeqCst);
    }

    /// Every upload the storage took, as (attachment id, bytes), in order.
    pub fn uploaded(&self) -> Vec<(String, Vec<u8>)> {
        lock(&self.state.data).uploaded.clone()
    }

    /// Forgets an attachment: `GET /attachments/:id` answers 404 (expired).
    pub fn expire_attachment(&self, id: &str) {
        lock(&self.state.data).attachments.remove(id);
    }

    /// What `bot` sent, in order, once per `message_id`.
    pub fn sent_by(&self, bot: &str) -> Vec<BotMessage> {
        lock(&self.state.data)
            .sent
            .get(bot)
            .cloned()
            .unwrap_or_default()
    }

    /// Message ids acknowledged so far (Blaze or REST), in order, repeats included.
    pub fn acknowledged(&self) -> Vec<String> {
        lock(&self.state.data).acked.clone()
    }

    /// How many messages `bot` has not acknowledged.
    pub fn unacked_count(&self, bot: &str) -> usize {
        lock(&self.state.data)
            .pending
            .get(bot)
            .map_or(0, VecDeque::len)
    }

    /// Every frame clients sent (inflated JSON), with the socket it came on, in order.
    pub fn client_frames(&self) -> Vec<(u64, Value)> {
        lock(&self.state.data).client_frames.clone()
    }

    pub fn rest_calls(&self) -> Vec<String> {
        lock(&self.state.data).rest_calls.clone()
    }

    pub fn open_sockets(&self) -> usize {
        lock(&self.state.data).sockets.len()
    }

    /// Every bearer token presented, to REST and Blaze (the secrets audit searches for each).
    pub fn seen_tokens(&self) -> Vec<String> {
        lock(&self.state.data).tokens.iter().cloned().collect()
    }

    /// Every token is refused from now on (as after the session was revoked), or accepted again.
    pub fn set_refuse_tokens(&self, refuse: bool) {
        self.state.refuse_tokens.store(refuse, Ordering::SeqCst);
    }

    /// The next `n` replies to CREATE_MESSAGE are lost (the message is still stored).
    pub fn swallow_replies(&self, n: u32) {
        self.state.swallow_replies.store(n, Ordering::SeqCst);
    }

    /// The next request of `action` (a Blaze action, or a REST call as `POST /acknowledgements`)
    /// is answered with error `code`.
    pub fn inject_error(&self, action: &str, code: i64) {
        lock(&self.state.data)
            .inject
            .entry(action.to_owned())
            .or_default()
            .push_back(code);
    }

    /// The next REST request of `action` (as `POST /acknowledgements`) is answered only after
    /// `by`, as a slow server would; a client that gives up meanwhile leaves it undone.
    pub fn delay_next(&self, action: &str, by: Duration) {
        lock(&self.state.data)
            .delays
            .entry(action.to_owned())
            .or_default()
            .push_back(by);
    }

    /// Sends `message` as it is to every socket (raw bytes, text frames, bombs).
    pub fn push_raw(&self, message: Message) {
        for socket in lock(&self.state.data).sockets.values() {
            let _ = socket.outbox.send(message.clone());
        }
    }

    /// Half-open: nothing read or written, no pings.
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.store(stalled, Ordering::SeqCst);
    }

    /// Drops every socket at once.
    pub fn drop_connections(&self) {
        self.state.drop_all.send_modify(|n| *n += 1);
    }

    /// The Blaze host goes down (connections refused) until [`MixinSim::come_back`].
    pub fn go_down(&self) {
        self.blaze.stop();
    }

    pub async fn come_back(&self) -> std::io::Result<()> {
        self.blaze.start().await
    }
}

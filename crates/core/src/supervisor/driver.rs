//! The async half of the connection task: the only part that waits. It dials, runs the
//! `select!` loop of a session (socket reads in bursts, heartbeat, idle timeout, commands, and
//! the wake-ups the pure parts ask for through their `poll_timeout`), writes frames, calls the
//! store and the companion, and records every frame for the inspector. What to do is decided
//! by the pure parts beside it: [`super::reconnect`] (whether and when to dial again),
//! [`super::in_flight`] (which send an answer is for, when to resend), [`super::prices`] (when
//! to publish prices) and [`super::inbound`] (what a decoded item means). The codec is called
//! here and nowhere else in the supervisor.

use super::in_flight::InFlight;
use super::inbound::{self, Effect};
use super::prices::Prices;
use super::reconnect::{Decision, Ended, Reconnect, StopReason};
use super::uploads::{ProgressTo, Uploads};
use super::{lock, Command, Connection, Credentials, Tuning};
use crate::account::AccountId;
use crate::batch_ack::{BatchAcks, Failed, Finished};
use crate::codec::{
    Codec, CodecError, ConnectRequest, Env, HeartbeatFrame, InFrame, Inbound, OutFrame, Signal,
};
use crate::companion::{Companion, DeliveryError, Description};
use crate::connection_state::ConnectionState;
use crate::event::Event;
use crate::health::{clock_warning, HealthReport};
use crate::inspector::{Direction, FrameRecord, Inspector};
use crate::message::{DeliveryState, IncomingMessage, Media};
use crate::rate_limit::RateLimit;
use crate::socket::{self, Socket};
use crate::store::messages::UnsentFile;
use crate::store::{messages, outbox, rooms, Ingested, Store};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// One connection's task: everything it holds between and during sessions.
pub(super) struct Supervisor {
    account: AccountId,
    room: Option<String>,
    codec: Box<dyn Codec>,
    /// What every codec call is handed: the time, fresh ids, the credential of this dial.
    env: Env,
    companion: Option<Arc<dyn Companion>>,
    /// Where a changing credential comes from (MEXC's listenKey slot).
    credentials: Option<Arc<dyn Credentials>>,
    /// The credential of the last dial, so a refusal names the key it was about.
    dialed_with: Option<crate::secret::Secret>,
    store: Store,
    events: broadcast::Sender<Event>,
    tuning: Tuning,
    commands: mpsc::UnboundedReceiver<Command>,
    state: Arc<Mutex<ConnectionState>>,
    /// When to dial again, and whether at all.
    reconnect: Reconnect,
    /// Outbox entries written on this connection and not yet answered, and the resend after a
    /// refusal for now.
    in_flight: InFlight,
    /// The service's sending rate, kept across reconnects: sends beyond it wait in the outbox.
    pace: Option<RateLimit>,
    /// Text or binary frames received on the current connection.
    frames_this_session: u64,
    /// Market prices waiting to be published together.
    prices: Prices,
    /// Set when the server closed the socket in a way the codec says no retry can fix.
    refused_close: Option<String>,
    /// Connections in a row whose session the server rejected after it opened (Mixin's
    /// `ERROR` 401), and whether the current one was.
    rejections_in_a_row: u32,
    rejected_this_session: bool,
    /// The batch acknowledgement running while the socket is read on.
    acks: BatchAcks,
    /// Files being uploaded beside the session (kept across reconnects).
    uploads: Uploads,
    /// Where every frame in both directions is recorded (redacted) for the inspector.
    inspector: Inspector,
}

/// What handling one frame asks of the session.
#[derive(Default)]
struct AfterFrame {
    /// Frames to write now: acknowledgements of what was just stored.
    replies: Vec<OutFrame>,
    /// End the session with this reason (the server no longer accepts it).
    end: Option<String>,
}

/// At most this many frames already waiting on the socket are handled together.
const MAX_BURST: usize = 256;
/// A burst takes no further frame once its frames hold this many bytes. Bursts exist to store
/// many chat-sized messages in one write, and 256 frames of up to 16 KiB each still make one
/// burst, so ordinary traffic is not split. What the cap bounds is a server sending big
/// frames: every frame is within the service's limit (the socket refuses bigger ones, see
/// `socket::dial`), so a burst holds less than this plus one frame (at most 8 MiB with Mixin's
/// 4 MiB limit) where 256 frames at the limit would hold 1 GiB.
const MAX_BURST_BYTES: usize = 4 * 1024 * 1024;

/// The frame just read plus every data frame already waiting behind it (up to [`MAX_BURST`]
/// frames and [`MAX_BURST_BYTES`]), so their messages are stored in one write. A frame that is
/// not data (close, ping, the end of the stream, an error) ends the burst and is returned to be
/// handled after it.
#[allow(clippy::type_complexity)]
fn take_burst<S>(
    first: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    stream: &mut S,
    mut inspect: impl FnMut(&WsMessage),
) -> (
    Vec<WsMessage>,
    Option<Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>>,
)
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
{
    let mut burst = Vec::new();
    let mut bytes = 0;
    let mut next = first;
    loop {
        if let Some(Ok(received)) = &next {
            inspect(received);
        }
        match next {
            Some(Ok(frame @ (WsMessage::Text(_) | WsMessage::Binary(_)))) => {
                bytes += frame.len();
                burst.push(frame);
            }
            other => return (burst, Some(other)),
        }
        if burst.len() >= MAX_BURST || bytes >= MAX_BURST_BYTES {
            return (burst, None);
        }
        // `next()` is cancel-safe: a frame not ready yet stays in the stream.
        match futures_util::FutureExt::now_or_never(stream.next()) {
            Some(frame) => next = frame,
            None => return (burst, None),
        }
    }
}

/// At most this many of a burst's messages are being named at once.
const DESCRIBE_CONCURRENCY: usize = 8;
/// How long naming a burst's messages may hold back storing them, however many there are.
/// One lookup already has a limit of its own (Mixin's 5 s); one after another, a burst of
/// messages from new senders held the connection for that long per message.
const DESCRIBE_BUDGET: Duration = Duration::from_secs(5);

/// What the companion says about each message of `burst` (in its order), looked up side by side
/// within [`DESCRIBE_BUDGET`]. A message whose lookup has not finished by then is stored
/// without it (its room is named by a later message, as `rooms::name_if_untitled` allows).
async fn describe_all(companion: &dyn Companion, burst: &[IncomingMessage]) -> Vec<Description> {
    let mut described = vec![Description::default(); burst.len()];
    // Built before they are streamed: a stream of closures over borrowed messages would not be
    // `Send` for every lifetime, which the spawned connection task needs.
    let pending: Vec<futures_util::future::BoxFuture<'_, (usize, Description)>> = burst
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let describing = companion.describe(m);
            Box::pin(async move { (i, describing.await) }) as futures_util::future::BoxFuture<'_, _>
        })
        .collect();
    let mut lookups = futures_util::stream::iter(pending).buffer_unordered(DESCRIBE_CONCURRENCY);
    let deadline = Instant::now() + DESCRIBE_BUDGET;
    loop {
        match tokio::time::timeout_at(deadline, lookups.next()).await {
            Ok(Some((i, description))) => described[i] = description,
            Ok(None) => break,
            Err(_) => {
                tracing::info!(
                    count = burst.len(),
                    "names not found in time; messages stored without them"
                );
                break;
            }
        }
    }
    described
}

/// The wall-clock time (Unix ms) of a moment `at` in the past.
fn ms_at(at: Instant) -> i64 {
    crate::timestamp::now_ms() - at.elapsed().as_millis() as i64
}

/// How long a stopping connection waits for its batch acknowledgement in flight.
const STOP_ACK_GRACE: Duration = Duration::from_secs(2);

/// Why a session ended: stopped on request, or lost (with what the caller needs to know).
enum SessionEnd<L> {
    Stopped,
    Lost(L),
}

/// How a wait between attempts ended.
enum Wake {
    /// The backoff is over.
    Elapsed,
    /// Dial now (the user or the engine asked).
    RetryNow,
    /// Stop the task.
    Exit,
}

type Sink = SplitSink<Socket, WsMessage>;

impl Supervisor {
    /// The task of `connection`, reading `commands`; [`Self::run`] starts it.
    pub(super) fn new(
        account: AccountId,
        connection: Connection,
        store: Store,
        events: broadcast::Sender<Event>,
        tuning: Tuning,
        inspector: Inspector,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Self {
        let Connection {
            room,
            codec,
            companion,
            credentials,
            messages_per_minute,
        } = connection;
        let pending_life = tuning.pending_life;
        let pace = messages_per_minute.map(|max| RateLimit::new(max, tuning.rate_window));
        Supervisor {
            account,
            room,
            codec,
            env: Env::new(|| uuid::Uuid::new_v4().to_string()),
            companion,
            credentials,
            dialed_with: None,
            store,
            events,
            reconnect: Reconnect::new(&tuning),
            prices: Prices::new(tuning.price_coalesce),
            tuning,
            commands,
            state: Arc::new(Mutex::new(ConnectionState::Connecting { attempt: 1 })),
            in_flight: InFlight::new(pending_life),
            pace,
            frames_this_session: 0,
            refused_close: None,
            rejections_in_a_row: 0,
            rejected_this_session: false,
            acks: BatchAcks::default(),
            uploads: Uploads::default(),
            inspector,
        }
    }

    /// The state this task keeps up to date, for the handle's snapshots.
    pub(super) fn shared_state(&self) -> Arc<Mutex<ConnectionState>> {
        self.state.clone()
    }

    /// Dials, runs sessions and waits between them until stopped.
    pub(super) async fn run(mut self) {
        loop {
            let attempt = self.reconnect.dial();
            self.set_state(ConnectionState::Connecting { attempt });
            let ended = match self.connect_once().await {
                SessionEnd::Stopped => return,
                SessionEnd::Lost(ended) => ended,
            };
            let deadline = match self
                .reconnect
                .on_lost(ended, Instant::now(), fastrand::f64())
            {
                Decision::Retry {
                    delay,
                    attempt,
                    reason,
                } => {
                    tracing::info!(%reason, attempt, delay_ms = delay.as_millis() as u64, "reconnecting after backoff");
                    self.set_state(ConnectionState::Backoff {
                        attempt,
                        retry_in_ms: delay.as_millis() as u64,
                        reason,
                    });
                    Some(Instant::now() + delay)
                }
                Decision::Stop { reason } => {
                    let reason = match reason {
                        StopReason::Permanent(reason) => reason,
                        StopReason::ClosedAtOnce { times } => {
                            // A renewal wakes the connection with a retry when the key is there.
                            self.credential_refused(None);
                            self.codec.closed_at_once_reason(times)
                        }
                    };
                    tracing::warn!(%reason, "connection stopped");
                    self.set_state(ConnectionState::Stopped { reason });
                    None
                }
            };
            match self.wait_until(deadline).await {
                Wake::Exit => return,
                Wake::RetryNow => self.reconnect.retry_now(),
                Wake::Elapsed => {}
            }
        }
    }

    /// Waits for the deadline (or forever), a retry, or a stop.
    async fn wait_until(&mut self, mut deadline: Option<Instant>) -> Wake {
        loop {
            tokio::select! {
                _ = wake_at(deadline) => return Wake::Elapsed,
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Stop) => return Wake::Exit,
                    Some(Command::RetryNow) => return Wake::RetryNow,
                    Some(Command::Refuse(reason)) => {
                        tracing::warn!(%reason, "connection stopped");
                        self.set_state(ConnectionState::Stopped { reason });
                        deadline = None;
                    }
                    Some(Command::Flush) => {}
                    Some(Command::CancelUpload(local_id)) => self.cancel_upload(local_id).await,
                    // Not connected: the codec records it for the next connection's opening.
                    Some(Command::Signal(signal)) => drop(self.codec.signal(&signal)),
                },
            }
        }
    }

    /// The codec's request for this dial, with the credential its source holds now.
    fn dial_request(&mut self) -> Result<ConnectRequest, CodecError> {
        let credential = match &self.credentials {
            Some(source) => Some(source.current()?),
            None => None,
        };
        self.dialed_with.clone_from(&credential);
        let env = self.env.at(crate::timestamp::now_ms());
        env.set_credential(credential);
        let request = self.codec.connect_request(env);
        env.set_credential(None);
        request
    }

    /// Tells the credential source when the codec says the refusal was about the credential
    /// (naming the one this connection dialed with); true when the source renews it by itself.
    fn credential_refused(&self, status: Option<u16>) -> bool {
        match (&self.credentials, &self.dialed_with) {
            (Some(source), Some(dialed)) if self.codec.credential_refused(status) => {
                source.refused(dialed)
            }
            _ => false,
        }
    }

    /// One dial and, if it works, one session: how it ended, for the reconnect policy.
    async fn connect_once(&mut self) -> SessionEnd<Ended> {
        let request = match self.dial_request() {
            Ok(request) => request,
            // Something is on its way (a listenKey being created): wait with backoff.
            Err(CodecError::NotReady(reason)) => {
                return SessionEnd::Lost(Ended::not_opened(reason))
            }
            Err(e) => return SessionEnd::Lost(Ended::permanent(e.to_string())),
        };
        tracing::debug!(host = request.url.host_str().unwrap_or(""), "dialing");
        self.note(
            Direction::Out,
            "connect",
            0,
            format!(
                "GET {}{}{}",
                crate::inspector::redact_url(&request.url),
                request
                    .subprotocol
                    .as_deref()
                    .map(|p| format!(" (subprotocol {p})"))
                    .unwrap_or_default(),
                // Header values can be secrets (a bearer token): only their names are shown.
                request
                    .headers
                    .iter()
                    .map(|(name, _)| format!(" {name}: [redacted]"))
                    .collect::<String>()
            ),
        );
        let socket = match socket::dial(
            &request,
            self.tuning.connect_timeout,
            self.codec.max_frame_bytes(),
        )
        .await
        {
            Ok(dialed) => {
                self.note_clock(dialed.server_time_ms);
                dialed.socket
            }
            Err(e) => {
                let skew = self.note_clock(e.server_time_ms);
                if let Some(mut reason) = e.status.and_then(|s| self.codec.permanent_rejection(s)) {
                    // A refused signature is most often a wrong clock: say so when it is.
                    if let Some(warning) = skew.and_then(clock_warning) {
                        reason = format!("{reason}. Note: {warning}");
                    }
                    // A renewed credential (a new listenKey) is dialed as soon as it is there:
                    // the keeper wakes this connection, so no stop.
                    if self.credential_refused(e.status) {
                        return SessionEnd::Lost(Ended::not_opened(reason));
                    }
                    return SessionEnd::Lost(Ended::permanent(reason));
                }
                if e.fatal {
                    return SessionEnd::Lost(Ended::permanent(e.message));
                }
                return SessionEnd::Lost(Ended::not_opened(e.message));
            }
        };
        tracing::info!("connected");
        self.set_state(ConnectionState::Open);
        let opened = Instant::now();
        self.rejected_this_session = false;
        let end = self.session(socket).await;
        if !self.rejected_this_session {
            self.rejections_in_a_row = 0;
        }
        match end {
            SessionEnd::Stopped => SessionEnd::Stopped,
            SessionEnd::Lost(reason) => {
                tracing::info!(%reason, "connection lost");
                SessionEnd::Lost(match self.refused_close.take() {
                    Some(refused) => Ended::permanent(refused),
                    None => Ended::lost(reason, opened, self.frames_this_session),
                })
            }
        }
    }

    async fn session(&mut self, socket: Socket) -> SessionEnd<String> {
        self.frames_this_session = 0;
        let (mut sink, mut stream) = socket.split();
        for frame in self.codec.on_open(self.env.at(crate::timestamp::now_ms())) {
            if let Err(e) = self.send(&mut sink, to_ws(frame)).await {
                return SessionEnd::Lost(format!("connection lost while opening: {e}"));
            }
        }
        self.in_flight.new_session();
        // What the socket missed while it was down lands before any live frame is read.
        self.catch_up(None).await;
        if let Err(reason) = self.flush_outbox(&mut sink).await {
            return SessionEnd::Lost(reason);
        }
        let heartbeat = self.codec.heartbeat();
        let every = self.tuning.heartbeat_every.unwrap_or(heartbeat.every);
        let idle = self.tuning.idle_timeout.unwrap_or(heartbeat.idle_timeout);
        let mut beat = tokio::time::interval_at(Instant::now() + every, every);
        let mut last_heard = Instant::now();
        loop {
            // Read before the branches: one of them holds `uploads` mutably.
            let upload_due = self.uploads.poll_timeout();
            tokio::select! {
                frame = stream.next() => {
                    last_heard = Instant::now();
                    let (burst, other) = take_burst(frame, &mut stream, |received| {
                        self.inspect(Direction::In, received)
                    });
                    if !burst.is_empty() {
                        self.frames_this_session += burst.len() as u64;
                        let after = self.on_frames(&burst).await;
                        if let Err(reason) = self.finish_frame(after, &mut sink).await {
                            return SessionEnd::Lost(reason);
                        }
                    }
                    match other {
                        Some(None) => return SessionEnd::Lost("the server closed the connection".into()),
                        Some(Some(Err(e))) => {
                            if let Some(refused) = socket::oversize(&e) {
                                tracing::warn!(%refused, "frame over the service's limit");
                                self.note(Direction::In, "refused", 0, refused.clone());
                                self.report(refused.clone());
                                return SessionEnd::Lost(refused);
                            }
                            return SessionEnd::Lost(format!("connection lost: {e}"));
                        }
                        Some(Some(Ok(WsMessage::Close(close)))) => {
                            if let Some(c) = &close {
                                self.refused_close = self.codec.permanent_close(u16::from(c.code), &c.reason);
                                // 1009 Message Too Big: the server will refuse the biggest
                                // unanswered message on every connection; it fails instead of
                                // being sent again and again.
                                if u16::from(c.code) == 1009 {
                                    if let Some(local_id) = self.in_flight.largest() {
                                        self.fail(local_id, format!("the server refused it as too big (close 1009{}{})", if c.reason.is_empty() { "" } else { ": " }, c.reason)).await;
                                    }
                                }
                            }
                            let why = close
                                .map(|c| format!(" (code {}{}{})", u16::from(c.code), if c.reason.is_empty() { "" } else { ": " }, c.reason))
                                .unwrap_or_default();
                            return SessionEnd::Lost(format!("the server closed the connection{why}"));
                        }
                        // Ping/pong (tungstenite answers pings itself), or the burst simply ended.
                        Some(Some(Ok(_))) | None => {}
                    }
                }
                _ = beat.tick() => {
                    let frame = match &heartbeat.frame {
                        HeartbeatFrame::WebSocketPing => WsMessage::Ping(Vec::new().into()),
                        HeartbeatFrame::App(f) => to_ws(f.clone()),
                    };
                    if let Err(e) = self.send(&mut sink, frame).await {
                        return SessionEnd::Lost(format!("connection lost: {e}"));
                    }
                }
                _ = sleep_until(last_heard + idle) => {
                    let _ = sink.close().await;
                    return SessionEnd::Lost(format!("nothing heard from the server for {} s", idle.as_secs()));
                }
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Stop) => {
                        self.uploads.cancel_all();
                        self.finish_acknowledging(&mut sink).await;
                        let _ = sink.close().await;
                        return SessionEnd::Stopped;
                    }
                    Some(Command::Flush) => {
                        if let Err(reason) = self.flush_outbox(&mut sink).await {
                            return SessionEnd::Lost(reason);
                        }
                    }
                    Some(Command::RetryNow) => {}
                    Some(Command::CancelUpload(local_id)) => {
                        self.cancel_upload(local_id).await;
                        // What waited behind the file in its room goes now.
                        if let Err(reason) = self.flush_outbox(&mut sink).await {
                            return SessionEnd::Lost(reason);
                        }
                    }
                    Some(Command::Refuse(reason)) => {
                        let _ = sink.close().await;
                        self.refused_close = Some(reason.clone());
                        return SessionEnd::Lost(reason);
                    }
                    Some(Command::Signal(signal)) => {
                        for frame in self.codec.signal(&signal) {
                            if let Err(e) = self.send(&mut sink, to_ws(frame)).await {
                                return SessionEnd::Lost(format!("connection lost: {e}"));
                            }
                        }
                        if let Signal::Join(room) = &signal {
                            self.catch_up(Some(room)).await;
                        }
                    }
                },
                _ = wake_at(self.prices.poll_timeout()) => {
                    if let Some(ticks) = self.prices.take_due(Instant::now()) {
                        self.publish(Event::Prices {
                            account: self.account.clone(),
                            ticks,
                        });
                    }
                }
                Some((local_id, result)) = self.uploads.next_finished(), if self.uploads.busy() => {
                    self.uploaded(local_id, result).await;
                    if let Err(reason) = self.flush_outbox(&mut sink).await {
                        return SessionEnd::Lost(reason);
                    }
                }
                Some(finished) = self.acks.finished(), if self.acks.busy() => {
                    let mut after = AfterFrame::default();
                    self.batch_finished(finished, &mut after);
                    if let Err(reason) = self.finish_frame(after, &mut sink).await {
                        return SessionEnd::Lost(reason);
                    }
                }
                _ = wake_at(upload_due) => {
                    if let Err(reason) = self.flush_outbox(&mut sink).await {
                        return SessionEnd::Lost(reason);
                    }
                }
                _ = wake_at(self.in_flight.poll_timeout()) => {
                    if self.in_flight.take_due(Instant::now()) {
                        if let Err(reason) = self.flush_outbox(&mut sink).await {
                            return SessionEnd::Lost(reason);
                        }
                    }
                }
            }
        }
    }

    /// Stores what the companion fetched of what the socket missed (nothing without one).
    async fn catch_up(&mut self, room: Option<&str>) {
        let Some(companion) = self.companion.clone() else {
            return;
        };
        match companion.catch_up(room).await {
            Ok(missed) => {
                if !missed.is_empty() {
                    tracing::info!(count = missed.len(), "caught up on history");
                }
                self.ingest_burst(missed).await;
            }
            Err(reason) => {
                tracing::warn!(%reason, "catch-up failed");
                self.report(reason);
            }
        }
    }

    /// Sends what the outbox holds that this session has not sent yet. Messages stay in the
    /// outbox until the server confirms them, so a message whose confirmation was lost with
    /// the connection is sent again on the next one (at least once, never silently lost).
    async fn flush_outbox(&mut self, sink: &mut Sink) -> Result<(), String> {
        let (account, room) = (self.account.clone(), self.room.clone());
        let pending = match self
            .store
            .run(move |c| outbox::pending(c, &account, room.as_deref()))
            .await
        {
            Ok(p) => p,
            Err(e) => {
                self.report(format!("cannot read the outbox: {e}"));
                return Ok(());
            }
        };
        // What left the outbox by another path must not wake this connection at its life's end.
        let ids: Vec<i64> = pending.iter().map(|item| item.local_id).collect();
        self.in_flight.keep_only(&ids);
        // Rooms whose file waits for a free upload: their later messages wait with it.
        let mut waiting_rooms: Vec<String> = Vec::new();
        for item in pending {
            // A file on its way up (or waiting to go up again) holds its room's later messages
            // back, so order is kept; its own retries are counted by `uploads`.
            if self
                .uploads
                .holds(item.local_id, &item.room, Instant::now())
                || waiting_rooms.contains(&item.room)
            {
                continue;
            }
            // A message no answer came for within its life fails with the reason (and Retry),
            // rather than staying "Sending…" for ever.
            if let Some(reason) = self.in_flight.expired(item.local_id, Instant::now()) {
                tracing::warn!(%reason, "a message was not confirmed in time");
                self.fail(item.local_id, reason).await;
                continue;
            }
            if self.in_flight.contains(item.local_id) {
                continue;
            }
            // A file is uploaded once, before the message that names it, beside the session;
            // its id is stored with the message when done, so a resend sends the same file.
            let is_file = item.media.as_ref().is_some_and(Media::awaits_upload);
            if is_file && !self.uploads.has_room_for_one() {
                waiting_rooms.push(item.room.clone());
                continue;
            }
            let progress = crate::upload_progress::UploadProgress::default();
            if let Some(upload) = self
                .companion
                .as_ref()
                .and_then(|c| c.upload(&item, progress.clone()))
            {
                let total_bytes = item.media.as_ref().and_then(|m| m.size).unwrap_or(0);
                self.uploads.start(
                    upload,
                    progress,
                    ProgressTo {
                        events: self.events.clone(),
                        account: self.account.clone(),
                        room: item.room.clone(),
                        local_id: item.local_id,
                        total_bytes,
                    },
                );
                continue;
            }
            // Over the service's rate, the rest of the outbox waits (still pending, in order)
            // and goes when the window frees, instead of being refused by the server.
            if let Some(pace) = &mut self.pace {
                if let Err(wait) = pace.try_acquire(Instant::now()) {
                    tracing::info!(
                        wait_ms = wait.as_millis() as u64,
                        "sending rate reached; the rest of the outbox waits"
                    );
                    // A margin, as the server starts its window when a send arrives, a
                    // little after this side counted it.
                    let margin = self.tuning.rate_window / 20;
                    self.in_flight.flush_at(Instant::now() + wait + margin);
                    return Ok(());
                }
            }
            if let Some(delivery) = self
                .companion
                .clone()
                .as_ref()
                .and_then(|c| c.deliver(&item))
            {
                match delivery.await {
                    Ok(stored) => self.confirm_delivered(item.local_id, stored).await,
                    Err(e) if e.permanent => self.fail(item.local_id, e.reason).await,
                    Err(e) => {
                        // Kept in the outbox and tried again after the server's window
                        // (`Retry-After`) or shortly, within the message's life.
                        self.in_flight.deferred(
                            item.local_id,
                            &e.reason,
                            e.retry_after,
                            Instant::now(),
                        );
                        self.report(format!("could not send yet: {}", e.reason));
                        return Ok(());
                    }
                }
                continue;
            }
            match self
                .codec
                .encode(&item, self.env.at(crate::timestamp::now_ms()))
            {
                Ok(frames) => {
                    for frame in frames {
                        let bytes = match &frame {
                            OutFrame::Text(t) => t.len(),
                            OutFrame::Binary(b) => b.len(),
                        };
                        self.in_flight.wrote_bytes(item.local_id, bytes);
                        self.send(sink, to_ws(frame))
                            .await
                            .map_err(|e| format!("connection lost while sending: {e}"))?;
                    }
                    self.in_flight.written(item.local_id, Instant::now());
                }
                Err(e) => self.fail(item.local_id, e.to_string()).await,
            }
        }
        Ok(())
    }

    /// An upload ended: its file's id is stored with the message (which the next flush sends),
    /// or the message waits to be tried again, or fails when no retry can help.
    async fn uploaded(&mut self, local_id: i64, result: Result<Media, DeliveryError>) {
        match result {
            Ok(mut media) => {
                // The service has the file: its id is all a resend needs, so the copy kept for
                // the upload goes (kept, every file a bot ever sent stayed on disk).
                let copy = media.local_path.take();
                match self
                    .store
                    .run(move |c| {
                        messages::set_media(c, local_id, &media)?;
                        messages::get(c, local_id)
                    })
                    .await
                {
                    Ok(updated) => {
                        if let Some(copy) = copy {
                            let _ = tokio::fs::remove_file(copy).await;
                        }
                        // The bubble stops offering Cancel: the file is on its way.
                        if let Some(message) = updated {
                            self.publish(Event::Message(std::sync::Arc::new(message)));
                        }
                    }
                    Err(e) => self.report(format!("cannot store the uploaded file's id: {e}")),
                }
            }
            Err(e) if e.permanent => self.fail(local_id, e.reason).await,
            Err(e) => {
                let wait = e.retry_after.unwrap_or(self.tuning.upload_retry);
                let life = self.tuning.pending_life;
                if self.uploads.retry_at(local_id, Instant::now(), wait, life) {
                    self.report(format!(
                        "could not upload yet, trying again in {} s: {}",
                        wait.as_secs().max(1),
                        e.reason
                    ));
                } else {
                    let secs = life.as_secs().max(1);
                    self.fail(
                        local_id,
                        format!("not uploaded within {secs} s: {}", e.reason),
                    )
                    .await;
                }
            }
        }
    }

    /// The user cancelled sending a file: its upload stops and the message goes, unless it was
    /// uploaded already (then it is on its way and stays).
    async fn cancel_upload(&mut self, local_id: i64) {
        self.uploads.cancel(local_id);
        match crate::media::outgoing::take_back(&self.store, local_id).await {
            Ok(UnsentFile::Deleted(message)) => {
                self.in_flight.answered(local_id);
                tracing::info!("a file's upload was cancelled");
                self.publish(Event::Deleted {
                    account: message.account,
                    room: message.room,
                    local_id,
                });
            }
            Ok(UnsentFile::Uploaded) => self.report(
                "that file is uploaded already and on its way; it can no longer be cancelled"
                    .into(),
            ),
            // Failed, sent or deleted meanwhile (a second click): nothing left to cancel.
            Ok(UnsentFile::Gone) => {}
            Err(e) => self.report(format!("cannot cancel the upload: {e}")),
        }
    }

    /// Handles a burst of data frames in order. Consecutive messages are stored in one write
    /// ([`Self::ingest_burst`]); anything else is handled after the messages before it.
    async fn on_frames(&mut self, frames: &[WsMessage]) -> AfterFrame {
        let mut after = AfterFrame::default();
        let mut messages = Vec::new();
        for frame in frames {
            let input = match frame {
                WsMessage::Text(text) => InFrame::Text(text.as_str()),
                WsMessage::Binary(bytes) => InFrame::Binary(bytes),
                _ => continue,
            };
            let items = match self
                .codec
                .decode(input, self.env.at(crate::timestamp::now_ms()))
            {
                Ok(items) => items,
                Err(e) => {
                    tracing::warn!(error = %e, "malformed frame from the server");
                    // Beside the frame itself (already recorded), the inspector shows why it was refused.
                    self.note(Direction::In, "refused", 0, e.to_string());
                    self.report(format!("malformed frame from the server: {e}"));
                    if self.codec.reset_on_malformed() {
                        self.acknowledge_burst(std::mem::take(&mut messages), &mut after)
                            .await;
                        after.end = Some(format!(
                            "malformed frame from the server ({e}); reconnecting"
                        ));
                        return after;
                    }
                    continue;
                }
            };
            for item in items {
                match item {
                    Inbound::Message(m) => messages.push(m),
                    other => {
                        self.acknowledge_burst(std::mem::take(&mut messages), &mut after)
                            .await;
                        self.on_item(other, &mut after).await;
                        if after.end.is_some() {
                            return after;
                        }
                    }
                }
            }
        }
        self.acknowledge_burst(messages, &mut after).await;
        after
    }

    /// Stores messages, then acknowledges them: a message that could not be stored is not
    /// acknowledged, so services that redeliver (Mixin) push it again.
    /// A burst of several goes in one batch call where the service has one (one HTTP request
    /// per 100 instead of a frame and a reply each); if that fails, frame by frame.
    async fn acknowledge_burst(&mut self, messages: Vec<IncomingMessage>, after: &mut AfterFrame) {
        let stored = self.ingest_burst(messages).await;
        let stored_at = Instant::now();
        let call = match &self.companion {
            Some(companion) if stored.len() > 1 => companion.acknowledge_many(stored.clone()),
            _ => None,
        };
        match call {
            Some(call) => {
                let previous = self.acks.start(call, stored, stored_at).await;
                if let Some(previous) = previous {
                    self.batch_finished(previous, after);
                }
                self.report_health(HealthReport::Unacknowledged {
                    since_ms: Some(ms_at(stored_at)),
                });
            }
            None => self.acknowledge_each(&stored, stored_at, after),
        }
    }

    /// Acknowledges messages stored at `stored_at` frame by frame (the frames go out with the
    /// burst's other replies, at once).
    fn acknowledge_each(
        &mut self,
        service_ids: &[String],
        stored_at: Instant,
        after: &mut AfterFrame,
    ) {
        let before = after.replies.len();
        for id in service_ids {
            after.replies.extend(
                self.codec
                    .acknowledge(id, self.env.at(crate::timestamp::now_ms())),
            );
        }
        // Services that acknowledge nothing have nothing to count.
        if after.replies.len() > before {
            self.report_health(HealthReport::Acknowledged {
                count: service_ids.len() as u32,
                latency_ms: stored_at.elapsed().as_millis() as u64,
            });
        }
    }

    /// A batch acknowledgement ended: counted, or (failed) made frame by frame.
    fn batch_finished(&mut self, finished: Finished, after: &mut AfterFrame) {
        match finished {
            Finished::Acknowledged { count, stored_at } => {
                self.report_health(HealthReport::Acknowledged {
                    count: count as u32,
                    latency_ms: stored_at.elapsed().as_millis() as u64,
                });
            }
            Finished::Failed { failed, stored_at } => {
                self.acknowledge_over_socket(failed, stored_at, after)
            }
        }
        if !self.acks.busy() {
            self.report_health(HealthReport::Unacknowledged { since_ms: None });
        }
    }

    /// Tells the health board how far the server's clock (`server_time_ms`, from its answer to
    /// the dial) is from this machine's; returns the difference.
    fn note_clock(&self, server_time_ms: Option<i64>) -> Option<i64> {
        let skew_ms = server_time_ms? - crate::timestamp::now_ms();
        self.report_health(HealthReport::ClockSkew { skew_ms });
        Some(skew_ms)
    }

    fn report_health(&self, report: HealthReport) {
        self.publish(Event::HealthReport {
            account: self.account.clone(),
            report,
        });
    }

    /// Before a stopping connection closes, its batch acknowledgement in flight may finish (or
    /// go frame by frame if it failed), within [`STOP_ACK_GRACE`]: a user who quits just after
    /// a backlog arrived should not get it again on the next start.
    async fn finish_acknowledging(&mut self, sink: &mut Sink) {
        if !self.acks.busy() {
            return;
        }
        match tokio::time::timeout(STOP_ACK_GRACE, self.acks.finished()).await {
            Ok(Some(finished)) => {
                let mut after = AfterFrame::default();
                self.batch_finished(finished, &mut after);
                let _ = self.finish_frame(after, sink).await;
            }
            Ok(None) => {}
            Err(_) => tracing::warn!(
                "the last acknowledgement did not finish before the connection closed; the server will send those messages again"
            ),
        }
    }

    /// A batch acknowledgement failed: its messages are acknowledged frame by frame.
    fn acknowledge_over_socket(
        &mut self,
        failed: Failed,
        stored_at: Instant,
        after: &mut AfterFrame,
    ) {
        tracing::warn!(reason = %failed.reason, count = failed.service_ids.len(), "batch acknowledgement failed; acknowledging one by one");
        self.acknowledge_each(&failed.service_ids, stored_at, after);
    }

    /// Everything a frame can carry except messages: what it means ([`inbound::on_item`]),
    /// carried out.
    async fn on_item(&mut self, item: Inbound, after: &mut AfterFrame) {
        let effect = inbound::on_item(
            item,
            &self.account,
            &mut self.in_flight,
            &mut self.prices,
            Instant::now(),
        );
        match effect {
            Effect::Nothing => {}
            Effect::Publish(event) => self.publish(event),
            Effect::Report(message) => self.report(message),
            // `on_frames` gathers messages itself; one reaching here is stored alone.
            Effect::Ingest(m) => self.acknowledge_burst(vec![m], after).await,
            Effect::Receipt { service_id, state } => self.advance_state(service_id, state).await,
            Effect::Accept(local_id) => self.accept(local_id).await,
            Effect::Fail { local_id, reason } => self.fail(local_id, reason).await,
            Effect::ConfirmRejection(what) => {
                let confirmed = match &self.companion {
                    Some(c) => c.clone().verify_credentials().await.err(),
                    None => None,
                };
                if !self.rejected_this_session {
                    self.rejected_this_session = true;
                    self.rejections_in_a_row += 1;
                }
                let rejected =
                    inbound::rejected_session(&what, confirmed, self.rejections_in_a_row);
                if let Some(reason) = rejected.refused {
                    self.refused_close = Some(reason);
                }
                after.end = Some(rejected.end);
            }
        }
    }

    /// Writes what handling a frame asked for; `Err` ends the session with the reason.
    async fn finish_frame(&mut self, after: AfterFrame, sink: &mut Sink) -> Result<(), String> {
        for frame in after.replies {
            self.send(sink, to_ws(frame))
                .await
                .map_err(|e| format!("connection lost: {e}"))?;
        }
        match after.end {
            Some(reason) => {
                let _ = sink.close().await;
                Err(reason)
            }
            None => Ok(()),
        }
    }

    /// Sends a frame and records it for the inspector.
    async fn send(
        &mut self,
        sink: &mut Sink,
        frame: WsMessage,
    ) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.inspect(Direction::Out, &frame);
        sink.send(frame).await
    }

    /// Records a frame (redacted) in the inspector's ring for this connection. Received text
    /// and binary frames are described when the inspector is read; sent ones now.
    fn inspect(&self, direction: Direction, frame: &WsMessage) {
        let data = match frame {
            WsMessage::Text(t) => Some(("text", t.as_bytes())),
            WsMessage::Binary(b) => Some(("binary", &b[..])),
            _ => None,
        };
        if let (Direction::In, Some((opcode, bytes))) = (direction, data) {
            let record = self.frame_record(direction, opcode, bytes.len(), String::new());
            self.inspector.record_received(record, bytes);
            return;
        }
        let (opcode, size, body) = match frame {
            WsMessage::Text(t) => ("text", t.len(), crate::inspector::describe(t.as_bytes())),
            WsMessage::Binary(b) => ("binary", b.len(), crate::inspector::describe(b)),
            WsMessage::Ping(p) => ("ping", p.len(), String::new()),
            WsMessage::Pong(p) => ("pong", p.len(), String::new()),
            WsMessage::Close(c) => (
                "close",
                0,
                c.as_ref()
                    .map(|c| format!("{} {}", u16::from(c.code), c.reason))
                    .unwrap_or_default(),
            ),
            WsMessage::Frame(f) => ("frame", f.len(), String::new()),
        };
        self.note(direction, opcode, size, body);
    }

    /// Records one entry of this connection for the inspector (bodies already redacted).
    fn note(&self, direction: Direction, opcode: &'static str, size: usize, body: String) {
        self.inspector
            .record(self.frame_record(direction, opcode, size, body));
    }

    fn frame_record(
        &self,
        direction: Direction,
        opcode: &'static str,
        size: usize,
        body: String,
    ) -> FrameRecord {
        FrameRecord {
            seq: 0,
            at_ms: crate::timestamp::now_ms(),
            account: self.account.clone(),
            room: self.room.clone(),
            direction,
            opcode,
            size,
            body,
        }
    }

    /// The server reports the state of a message the user wrote (a receipt).
    async fn advance_state(&mut self, service_id: String, state: DeliveryState) {
        let account = self.account.clone();
        match self
            .store
            .run(move |c| messages::advance_state(c, &account, &service_id, state))
            .await
        {
            Ok(Some(updated)) => self.publish(Event::Sent(std::sync::Arc::new(updated))),
            Ok(None) => {}
            Err(e) => self.report(format!("cannot update a message's state: {e}")),
        }
    }

    /// The server accepted a pending message: it is sent and leaves the outbox.
    async fn accept(&mut self, local_id: i64) {
        match self
            .store
            .run(move |c| messages::mark_accepted(c, local_id))
            .await
        {
            Ok(Some(sent)) => self.publish(Event::Sent(std::sync::Arc::new(sent))),
            Ok(None) => {}
            Err(e) => self.report(format!("cannot mark a message sent: {e}")),
        }
    }

    /// Stores messages in one write after the companion named what their frames left unnamed,
    /// names rooms the service gave a title, and announces them. Returns the service ids the
    /// store now has (new or already there). When the one write fails, each message is tried
    /// on its own so that one bad message costs only itself.
    async fn ingest_burst(&mut self, mut burst: Vec<IncomingMessage>) -> Vec<String> {
        if burst.is_empty() {
            return Vec::new();
        }
        let mut titles = Vec::new();
        if let Some(companion) = self.companion.clone() {
            let descriptions = describe_all(companion.as_ref(), &burst).await;
            for (m, described) in burst.iter_mut().zip(descriptions) {
                if m.sender_name.is_none() {
                    m.sender_name = described.sender_name;
                }
                if let Some(title) = described.room_title {
                    if !titles.iter().any(|(room, _)| room == &m.room) {
                        titles.push((m.room.clone(), title));
                    }
                }
            }
        }
        let burst = Arc::new(burst);
        let (account, job, to_name) = (self.account.clone(), burst.clone(), titles.clone());
        let written = self
            .store
            .run(move |c| {
                let results = messages::ingest_all(c, &account, &job)?;
                let mut renamed = Vec::new();
                for (room, title) in to_name {
                    if rooms::name_if_untitled(c, &account, &room, &title)? {
                        renamed.push((room, title));
                    }
                }
                Ok((results, renamed))
            })
            .await;
        let (results, renamed) = match written {
            Ok(done) => done,
            Err(e) => {
                tracing::warn!(error = %e, count = burst.len(), "storing a burst failed; one by one");
                let mut stored = Vec::new();
                for m in burst.iter() {
                    if self.ingest(m.clone()).await {
                        stored.extend(m.service_id.clone());
                    }
                }
                for (room, title) in titles {
                    self.name_room(room, title).await;
                }
                return stored;
            }
        };
        for result in results {
            match result {
                Ingested::New(stored) => self.publish(Event::Message(std::sync::Arc::new(stored))),
                Ingested::Confirmed(stored) => {
                    self.in_flight.confirmed(stored.local_id);
                    self.publish(Event::Sent(std::sync::Arc::new(stored)))
                }
                Ingested::Duplicate => tracing::debug!("duplicate message ignored"),
            }
        }
        for (room, title) in renamed {
            self.publish(Event::RoomTitle {
                account: self.account.clone(),
                room,
                title,
            });
        }
        burst.iter().filter_map(|m| m.service_id.clone()).collect()
    }

    /// Names a room that has no title yet and tells the page.
    async fn name_room(&mut self, room: String, title: String) {
        let (account, room_id, name) = (self.account.clone(), room.clone(), title.clone());
        match self
            .store
            .run(move |c| rooms::name_if_untitled(c, &account, &room_id, &name))
            .await
        {
            Ok(true) => self.publish(Event::RoomTitle {
                account: self.account.clone(),
                room,
                title,
            }),
            Ok(false) => {}
            Err(e) => self.report(format!("cannot name a room: {e}")),
        }
    }

    /// Stores a received message (once: duplicates are dropped) and announces it. Whether the
    /// store has it (new or already there).
    async fn ingest(&mut self, m: IncomingMessage) -> bool {
        let account = self.account.clone();
        match self
            .store
            .run(move |c| messages::ingest(c, &account, &m))
            .await
        {
            Ok(Ingested::New(stored)) => self.publish(Event::Message(std::sync::Arc::new(stored))),
            Ok(Ingested::Confirmed(stored)) => {
                self.in_flight.confirmed(stored.local_id);
                self.publish(Event::Sent(std::sync::Arc::new(stored)))
            }
            Ok(Ingested::Duplicate) => tracing::debug!("duplicate message ignored"),
            Err(e) => {
                self.report(format!("cannot store a received message: {e}"));
                return false;
            }
        }
        true
    }

    /// A message the companion delivered: it gets the server's id (unless the socket's echo
    /// already gave it one) and leaves the outbox.
    async fn confirm_delivered(&mut self, local_id: i64, stored: IncomingMessage) {
        self.in_flight.answered(local_id);
        match self
            .store
            .run(move |c| messages::confirm_delivered(c, local_id, &stored))
            .await
        {
            Ok(Some(sent)) => self.publish(Event::Sent(std::sync::Arc::new(sent))),
            Ok(None) => {}
            Err(e) => self.report(format!("cannot mark a message sent: {e}")),
        }
    }

    /// Marks an own message failed (it leaves the outbox) and tells the UI, which offers a retry.
    async fn fail(&mut self, local_id: i64, reason: String) {
        self.in_flight.answered(local_id);
        match self
            .store
            .run(move |c| messages::mark_failed(c, local_id, &reason))
            .await
        {
            Ok(Some(failed)) => self.publish(Event::Failed(std::sync::Arc::new(failed))),
            Ok(None) => {}
            Err(e) => self.report(format!("cannot mark a message failed: {e}")),
        }
    }

    fn set_state(&self, state: ConnectionState) {
        *lock(&self.state) = state.clone();
        self.publish(Event::Status {
            account: self.account.clone(),
            room: self.room.clone(),
            state,
        });
    }

    fn report(&self, message: String) {
        self.publish(Event::Error {
            account: self.account.clone(),
            message,
        });
    }

    fn publish(&self, event: Event) {
        // No subscriber is fine: the store already has everything.
        let _ = self.events.send(event);
    }
}

/// Sleeps until `deadline`, or forever when there is none (a `select!` branch with nothing to
/// wait for).
async fn wake_at(deadline: Option<Instant>) {
    match deadline {
        Some(d) => sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn to_ws(frame: OutFrame) -> WsMessage {
    match frame {
        OutFrame::Text(t) => WsMessage::Text(t.into()),
        OutFrame::Binary(b) => WsMessage::Binary(b.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    type Read = Result<WsMessage, tokio_tungstenite::tungstenite::Error>;

    fn text(t: &str) -> WsMessage {
        WsMessage::Text(t.into())
    }

    /// The frame the stream holds next, if one is ready.
    fn next_waiting(
        rest: &mut (impl futures_util::Stream<Item = Read> + Unpin),
    ) -> Option<WsMessage> {
        futures_util::FutureExt::now_or_never(rest.next())
            .flatten()
            .and_then(Result::ok)
    }

    #[test]
    fn a_burst_takes_the_data_frames_already_waiting_and_stops_at_a_close() {
        let waiting: Vec<Read> = vec![
            Ok(WsMessage::Binary(vec![1u8].into())),
            Ok(WsMessage::Close(None)),
            Ok(text("after the close")),
        ];
        let mut rest = stream::iter(waiting);
        let mut inspected = 0;
        let (burst, other) = take_burst(Some(Ok(text("first"))), &mut rest, |_| inspected += 1);
        assert_eq!(burst, [text("first"), WsMessage::Binary(vec![1u8].into())]);
        assert!(matches!(other, Some(Some(Ok(WsMessage::Close(None))))));
        // Every frame read was shown to the inspector, the close too; what follows stays unread.
        assert_eq!(inspected, 3);
        assert_eq!(next_waiting(&mut rest), Some(text("after the close")));
    }

    #[test]
    fn a_burst_does_not_wait_for_frames_that_have_not_arrived() {
        let mut nothing_yet = stream::pending::<Read>();
        let (burst, other) = take_burst(Some(Ok(text("first"))), &mut nothing_yet, |_| {});
        assert_eq!(burst, [text("first")]);
        assert!(other.is_none());
    }

    #[test]
    fn the_end_of_the_stream_ends_a_burst_and_is_handed_back() {
        let mut ended = stream::iter(Vec::<Read>::new());
        let (burst, other) = take_burst(Some(Ok(text("first"))), &mut ended, |_| {});
        assert_eq!(burst, [text("first")]);
        assert!(matches!(other, Some(None)));
    }

    #[test]
    fn a_burst_holds_at_most_256_frames_and_leaves_the_rest_waiting() {
        let waiting: Vec<Read> = (0..300).map(|n| Ok(text(&n.to_string()))).collect();
        let mut rest = stream::iter(waiting);
        let (burst, other) = take_burst(Some(Ok(text("first"))), &mut rest, |_| {});
        assert_eq!(burst.len(), MAX_BURST);
        assert_eq!(MAX_BURST, 256);
        assert_eq!(burst.last(), Some(&text("254")));
        assert!(other.is_none());
        assert_eq!(next_waiting(&mut rest), Some(text("255")));
    }

    #[test]
    fn a_burst_of_big_frames_stops_at_its_byte_budget_and_leaves_the_rest_waiting() {
        let big = || WsMessage::Binary(vec![0u8; 64 * 1024].into());
        let waiting: Vec<Read> = (0..300).map(|_| Ok(big())).collect();
        let mut rest = stream::iter(waiting);
        let (burst, other) = take_burst(Some(Ok(big())), &mut rest, |_| {});
        let bytes: usize = burst.iter().map(WsMessage::len).sum();
        assert!(bytes >= MAX_BURST_BYTES, "the budget is used: {bytes}");
        assert!(
            bytes < MAX_BURST_BYTES + 64 * 1024,
            "a burst goes past its budget by less than one frame: {bytes}"
        );
        assert!(other.is_none());
        assert!(next_waiting(&mut rest).is_some(), "the rest stays unread");
    }
}

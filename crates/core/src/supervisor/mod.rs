//! The one generic connection task. For any [`Codec`] it dials, sends the codec's opening
//! frames, drains the outbox, keeps the connection alive with the codec's heartbeat, declares a
//! silent socket dead after the idle timeout, and reconnects with backoff and jitter, until it
//! is stopped or the failure is permanent. Every inbound message is stored before it is
//! announced. All I/O and timers of every service live here and nowhere else.
//!
//! This file holds what the rest of the crate uses: [`spawn`], [`SupervisorHandle`],
//! [`Command`], [`Tuning`] and [`Connection`]. The task itself is split so that its rules can
//! be tested without sockets or clocks: the pure parts take the time as an argument and say
//! when they next need to wake (`poll_timeout`), and the driver is the only part that waits.
//! - `reconnect`: whether and when to dial again (attempts, closes at once, backoff);
//! - `in_flight`: which unanswered send an answer is for, and the resend after a refusal for now;
//! - `prices`: the price coalescer (latest tick per symbol, published together);
//! - `inbound`: what each decoded item means, as an effect for the driver to carry out;
//! - `driver`: the async loop (dialing, sessions, bursts, the store, the companion, the
//!   inspector, and every call to the codec).

use crate::account::AccountId;
use crate::backoff::Backoff;
use crate::codec::{Codec, Signal};
use crate::companion::Companion;
use crate::connection_state::ConnectionState;
use crate::event::Event;
use crate::inspector::Inspector;
use crate::store::Store;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tracing::Instrument;

mod driver;
mod in_flight;
mod inbound;
mod prices;
mod reconnect;
mod uploads;

/// Knobs that tests and the simulator-backed Demo turn; users get the defaults.
#[derive(Debug, Clone)]
pub struct Tuning {
    pub backoff: Backoff,
    pub connect_timeout: Duration,
    /// A connection that stayed open this long resets the backoff.
    pub stable_after: Duration,
    /// A connection the server closes within this time, before sending anything, was refused.
    pub instant_close: Duration,
    /// After this many such refusals in a row, stop retrying (e.g. an expired MEXC listenKey,
    /// which the server accepts and closes at once).
    pub give_up_after_instant_closes: u32,
    /// Replaces the codec's heartbeat cadence and idle timeout (fast tests).
    pub heartbeat_every: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    /// How often a MEXC listenKey is kept alive (MEXC: valid 60 min, extend every 30 min).
    pub listen_key_keep_alive: Duration,
    /// Market prices are published at most this often (latest per symbol), however fast
    /// they arrive.
    pub price_coalesce: Duration,
    /// How long a message written (or handed to REST) on one connection may stay unanswered
    /// before it is failed with the reason and offered for retry: longer than a rate window
    /// (Realtime: a minute) plus a resend, so only a server that never answers hits it.
    pub pending_life: Duration,
    /// The window of a service's sending rate ([`Connection::messages_per_minute`]): a
    /// minute, shorter only in tests.
    pub rate_window: Duration,
    /// How often a live P2P order is read again (MEXC API-key accounts); quartered near a
    /// deadline.
    pub order_refresh: Duration,
    /// How long a file whose upload failed for now waits before it is uploaded again (when the
    /// server named no wait of its own).
    pub upload_retry: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(10),
            stable_after: Duration::from_secs(10),
            instant_close: Duration::from_secs(2),
            give_up_after_instant_closes: 5,
            heartbeat_every: None,
            idle_timeout: None,
            listen_key_keep_alive: Duration::from_secs(30 * 60),
            price_coalesce: Duration::from_millis(250),
            pending_life: Duration::from_secs(180),
            rate_window: Duration::from_secs(60),
            order_refresh: Duration::from_secs(60),
            upload_retry: Duration::from_secs(5),
        }
    }
}

/// One connection an account needs: for services with a socket per room, `room` says which.
pub struct Connection {
    pub room: Option<String>,
    pub codec: Box<dyn Codec>,
    /// REST work the socket needs (catch-up after connecting, sending over REST).
    pub companion: Option<Arc<dyn Companion>>,
    /// Where the credential to dial with comes from, for services whose credential changes
    /// while the account runs (MEXC's listenKey); read before every dial and handed to the codec.
    pub credentials: Option<Arc<dyn Credentials>>,
    /// The service's documented sending rate (Realtime: 100 a minute). Sends beyond it wait in
    /// the outbox and go out as the window frees, rather than being refused one by one.
    pub messages_per_minute: Option<usize>,
}

impl Connection {
    /// A connection with only its codec (no REST companion, no changing credential).
    pub fn new(room: Option<String>, codec: Box<dyn Codec>) -> Self {
        Connection {
            room,
            codec,
            companion: None,
            credentials: None,
            messages_per_minute: None,
        }
    }
}

/// A credential that may change while the connection runs. The codec only says whether a
/// refusal was about the credential ([`Codec::credential_refused`]); the supervisor forwards
/// that here, where it can be renewed.
pub trait Credentials: Send + Sync {
    /// The credential to dial with now; `CodecError::NotReady` while one is on its way.
    fn current(&self) -> Result<crate::secret::Secret, crate::codec::CodecError>;

    /// The server refused `credential` (the one this connection dialed with). Returns true when
    /// the source replaces it by itself (then the connection waits for the new one instead of
    /// stopping); a refusal of a credential already replaced changes nothing.
    fn refused(&self, _credential: &crate::secret::Secret) -> bool {
        false
    }
}

/// What the engine asks of a running connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The outbox has something new.
    Flush,
    /// Skip the rest of the backoff (or leave the stopped state) and dial now.
    RetryNow,
    /// Say something on the socket now (typing, join, leave), and remember it for reconnects.
    Signal(Signal),
    /// The service refused the account's credentials on another path (a REST call answered
    /// 401): close and stay stopped with this reason until retried, as a refusal on the
    /// socket would.
    Refuse(String),
    /// The user cancelled sending a file (`local_id`): stop its upload and delete the message,
    /// unless it was uploaded already.
    CancelUpload(i64),
    /// Close and end the task.
    Stop,
}

pub struct SupervisorHandle {
    commands: mpsc::UnboundedSender<Command>,
    state: Arc<Mutex<ConnectionState>>,
    task: tokio::task::JoinHandle<()>,
}

impl SupervisorHandle {
    /// A sender of commands that outlives this handle's borrow (for the MEXC key keeper).
    pub fn remote(&self) -> mpsc::UnboundedSender<Command> {
        self.commands.clone()
    }

    pub fn send(&self, command: Command) {
        // A finished task has nothing left to do with commands.
        let _ = self.commands.send(command);
    }

    /// The latest state, for snapshots (changes are also published as events).
    pub fn state(&self) -> ConnectionState {
        lock(&self.state).clone()
    }

    /// Stops the connection and waits until the socket is closed.
    pub async fn stop(self) {
        self.send(Command::Stop);
        let _ = self.task.await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Spawns the connection of `account`; `connection.room` is set when the service has one socket
/// per room (MEXC: one per conversation), and then only that room's outbox goes through it.
pub fn spawn(
    account: AccountId,
    connection: Connection,
    store: Store,
    events: broadcast::Sender<Event>,
    tuning: Tuning,
    inspector: Inspector,
) -> SupervisorHandle {
    let (commands, rx) = mpsc::unbounded_channel();
    let span = tracing::info_span!("connection", account = %account, room = connection.room.as_deref().unwrap_or(""));
    let supervisor =
        driver::Supervisor::new(account, connection, store, events, tuning, inspector, rx);
    let state = supervisor.shared_state();
    let task = tokio::spawn(supervisor.run().instrument(span));
    SupervisorHandle {
        commands,
        state,
        task,
    }
}

//! The listenKey keeper of a MEXC API-key account: for each [`ListenKeySlot`] it creates a key
//! (`POST`), keeps it alive (`PUT`, every 30 minutes as MEXC recommends: a key lives 60 minutes),
//! replaces it when a socket reports it refused, deletes it when the account stops, and wakes
//! the slot's sockets whenever the key changes. One task per slot.

use crate::secret::Secret;
use crate::services::mexc::listen_key::ListenKeySlot;
use crate::services::mexc::rest::{MexcRest, RestError};
use crate::supervisor::{Command, Tuning};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, sleep_until, Instant};

/// Sockets one listenKey may carry (spot documents 5; the same on the P2P host is [I]).
pub const SOCKETS_PER_KEY: usize = 5;
/// Replacing a refused key more often than this within [`REFUSAL_WINDOW`] means MEXC refuses
/// every key it gives us: stop and say so rather than loop.
const MAX_RENEWALS: usize = 3;
const REFUSAL_WINDOW: Duration = Duration::from_secs(600);
/// After a permanent failure (bad signature, missing permission), try again this much later.
const AFTER_FAILURE: Duration = Duration::from_secs(600);
/// A key deleted on the way out must not hold the app's exit for long.
const DELETE_TIMEOUT: Duration = Duration::from_secs(2);

/// A slot and the sockets that use it.
pub struct SlotUsers {
    pub slot: Arc<ListenKeySlot>,
    pub sockets: Vec<mpsc::UnboundedSender<Command>>,
}

pub struct KeeperHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl KeeperHandle {
    /// Stops keeping the keys and deletes them (best effort, bounded in time).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

pub fn spawn(rest: MexcRest, slots: Vec<SlotUsers>, tuning: &Tuning) -> KeeperHandle {
    let rest = Arc::new(rest);
    let (stop, stopped) = watch::channel(false);
    let tasks = slots
        .into_iter()
        .enumerate()
        .map(|(index, users)| {
            let keeper = SlotKeeper {
                rest: rest.clone(),
                users,
                tuning: tuning.clone(),
                stopped: stopped.clone(),
            };
            let span = tracing::info_span!("listen_key", slot = index);
            tokio::spawn(tracing::Instrument::instrument(keeper.run(), span))
        })
        .collect();
    KeeperHandle { stop, tasks }
}

struct SlotKeeper {
    rest: Arc<MexcRest>,
    users: SlotUsers,
    tuning: Tuning,
    stopped: watch::Receiver<bool>,
}

/// Why the keeper woke up.
enum Wake {
    Stop,
    KeepAlive,
    Refused,
}

impl SlotKeeper {
    async fn run(mut self) {
        let mut attempt = 0;
        let mut renewals: VecDeque<Instant> = VecDeque::new();
        'keys: loop {
            // 1. Get a key.
            if self.users.slot.key().is_none() {
                match self.rest.create_listen_key().await {
                    Ok(key) => {
                        tracing::info!("listenKey created");
                        attempt = 0;
                        self.users.slot.set_ready(key);
                        self.wake_sockets();
                    }
                    Err(e) if e.is_permanent() => {
                        tracing::warn!(error = %e, "cannot create a listenKey");
                        self.users.slot.set_failed(failure_reason(&e));
                        self.wake_sockets();
                        if self.sleep_or_stop(AFTER_FAILURE).await {
                            return;
                        }
                        self.users
                            .slot
                            .set_waiting("getting a listenKey from the MEXC API".into());
                        continue;
                    }
                    Err(e) => {
                        attempt += 1;
                        let delay = self.tuning.backoff.delay(attempt, fastrand::f64());
                        tracing::info!(error = %e, attempt, "retrying listenKey creation");
                        self.users.slot.set_waiting(format!(
                            "{e}; asking again in {} s",
                            delay.as_secs().max(1)
                        ));
                        if self.sleep_or_stop(delay).await {
                            return;
                        }
                        continue;
                    }
                }
            }
            // 2. Keep it alive until it is refused or the account stops.
            let mut next_keep_alive = Instant::now() + self.tuning.listen_key_keep_alive;
            loop {
                match self.wait(next_keep_alive).await {
                    Wake::Stop => {
                        for key in [self.users.slot.take_retired(), self.users.slot.key()]
                            .into_iter()
                            .flatten()
                        {
                            self.delete_key(&key).await;
                        }
                        return;
                    }
                    Wake::KeepAlive => {
                        let Some(key) = self.users.slot.key() else {
                            continue 'keys;
                        };
                        match self.rest.keep_alive(&key).await {
                            Ok(()) => {
                                tracing::debug!("listenKey kept alive");
                                next_keep_alive =
                                    Instant::now() + self.tuning.listen_key_keep_alive;
                            }
                            Err(e) if e.is_permanent() => {
                                tracing::warn!(error = %e, "listenKey lost; creating a new one");
                                self.users
                                    .slot
                                    .set_waiting("replacing an expired listenKey".into());
                                continue 'keys;
                            }
                            Err(e) => {
                                // The key lives 60 min; try again well before that.
                                tracing::info!(error = %e, "keep-alive failed; retrying soon");
                                next_keep_alive = Instant::now()
                                    + self
                                        .tuning
                                        .backoff
                                        .max
                                        .min(self.tuning.listen_key_keep_alive);
                            }
                        }
                    }
                    Wake::Refused => {
                        let now = Instant::now();
                        renewals.retain(|t| now.duration_since(*t) < REFUSAL_WINDOW);
                        renewals.push_back(now);
                        if renewals.len() > MAX_RENEWALS {
                            tracing::warn!("MEXC refuses every new listenKey");
                            self.users.slot.set_failed(
                                "MEXC refuses every new listenKey: check that the API key has the P2P permissions (P2P Deal Order / P2P Deal Ad)".into(),
                            );
                            self.wake_sockets();
                            renewals.clear();
                            if self.sleep_or_stop(AFTER_FAILURE).await {
                                return;
                            }
                        }
                        tracing::info!("a socket was refused; replacing the listenKey");
                        // The slot retired the refused key already: delete that one only.
                        if let Some(old) = self.users.slot.take_retired() {
                            self.delete_key(&old).await;
                        }
                        self.users
                            .slot
                            .set_waiting("getting a new listenKey".into());
                        continue 'keys;
                    }
                }
            }
        }
    }

    async fn wait(&mut self, keep_alive_at: Instant) -> Wake {
        tokio::select! {
            _ = self.stopped.wait_for(|s| *s) => Wake::Stop,
            _ = sleep_until(keep_alive_at) => Wake::KeepAlive,
            _ = self.users.slot.refused.notified() => Wake::Refused,
        }
    }

    /// Sleeps; true if the account stopped meanwhile.
    async fn sleep_or_stop(&mut self, delay: Duration) -> bool {
        tokio::select! {
            _ = self.stopped.wait_for(|s| *s) => true,
            _ = sleep(delay) => false,
        }
    }

    fn wake_sockets(&self) {
        for socket in &self.users.sockets {
            let _ = socket.send(Command::RetryNow);
        }
    }

    async fn delete_key(&self, key: &Secret) {
        match tokio::time::timeout(DELETE_TIMEOUT, self.rest.delete_listen_key(key)).await {
            Ok(Ok(())) => tracing::info!("listenKey deleted"),
            Ok(Err(e)) => tracing::info!(error = %e, "could not delete the listenKey"),
            Err(_) => tracing::info!("deleting the listenKey timed out"),
        }
    }
}

/// What the user reads when MEXC will not give a key.
fn failure_reason(e: &RestError) -> String {
    format!("{e}; check the API key, its secret and its P2P permissions in settings")
}

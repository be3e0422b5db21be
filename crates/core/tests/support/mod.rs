//! Test harness: a mockly simulator and an engine pointed at it, with helpers that wait for
//! the events a user would see, so each test reads as a story.

#![allow(dead_code)]

use parley_core::account::{AccountId, MocklySettings, ServiceSettings};
use parley_core::backoff::Backoff;
use parley_core::config::AppConfig;
use parley_core::connection_state::ConnectionState;
use parley_core::engine::{Engine, NewAccount};
use parley_core::event::Event;
use parley_core::secrets::SessionOnlyStore;
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

pub mod accounts;

pub const WAIT: Duration = Duration::from_secs(10);

pub fn fast_tuning() -> Tuning {
    Tuning {
        backoff: Backoff {
            base: Duration::from_millis(50),
            max: Duration::from_millis(300),
        },
        connect_timeout: Duration::from_secs(2),
        stable_after: Duration::from_secs(10),
        instant_close: Duration::from_millis(500),
        give_up_after_instant_closes: 5,
        heartbeat_every: None,
        idle_timeout: None,
        listen_key_keep_alive: Duration::from_secs(1800),
        price_coalesce: Duration::from_millis(100),
        pending_life: Duration::from_secs(180),
        rate_window: Duration::from_secs(60),
        order_refresh: Duration::from_secs(60),
        upload_retry: Duration::from_millis(300),
    }
}

pub async fn sim(bot_reply_chance: f64) -> MocklySim {
    MocklySim::start(MocklyConfig {
        bot_reply_chance,
        bot_reply_delay: Duration::from_millis(20),
        ..MocklyConfig::default()
    })
    .await
    .expect("simulator starts")
}

pub struct Client {
    pub engine: Arc<Engine>,
    pub events: Events,
    pub account: AccountId,
}

/// An engine over `store` that keeps secrets for the session only (no keyring), with `tuning`.
pub fn engine_with(store: Store, tuning: Tuning) -> Arc<Engine> {
    Engine::new(
        store,
        None,
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        tuning,
    )
}

pub async fn client(sim: &MocklySim, client_id: &str, store: Store, tuning: Tuning) -> Client {
    let engine = engine_with(store, tuning);
    let events = Events(engine.subscribe());
    let account = engine
        .add_account(NewAccount {
            display_name: None,
            settings: ServiceSettings::Mockly(MocklySettings {
                client_id: client_id.into(),
                endpoint: sim.endpoint(),
            }),
            secret: None,
            order_numbers: Vec::new(),
        })
        .await
        .expect("account is added")
        .id;
    Client {
        engine,
        events,
        account,
    }
}

/// The events a test listens to, with waits that read as what the user would see.
pub struct Events(pub broadcast::Receiver<Event>);

impl Events {
    /// Waits for the first event that `pick` maps to `Some`, skipping the others.
    pub async fn expect<T>(&mut self, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.0.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("event bus open");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    }

    pub async fn expect_state(
        &mut self,
        what: &str,
        want: impl Fn(&ConnectionState) -> bool,
    ) -> ConnectionState {
        self.expect(what, |e| match e {
            Event::Status { state, .. } if want(state) => Some(state.clone()),
            _ => None,
        })
        .await
    }

    pub async fn expect_open(&mut self) {
        self.expect_state("the connection to open", |s| *s == ConnectionState::Open)
            .await;
    }
}

/// A client's waits are its events' waits: `client.expect(…)`.
impl std::ops::Deref for Client {
    type Target = Events;
    fn deref(&self) -> &Events {
        &self.events
    }
}

impl std::ops::DerefMut for Client {
    fn deref_mut(&mut self) -> &mut Events {
        &mut self.events
    }
}

impl Client {
    pub async fn history_texts(&self) -> Vec<String> {
        self.engine
            .history(&self.account, "public", None, 500)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.text)
            .collect()
    }
}

/// Polls `check` until it holds or the wait runs out.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A client with an in-memory store and fast timings, already connected.
pub async fn connected(sim: &MocklySim, client_id: &str) -> Client {
    let mut c = client(
        sim,
        client_id,
        Store::open_in_memory().unwrap(),
        fast_tuning(),
    )
    .await;
    c.expect_open().await;
    c
}

/// The titles of the rooms the engine lists, as the sidebar shows them.
pub async fn room_titles(engine: &Engine) -> Vec<String> {
    engine
        .rooms()
        .await
        .expect("rooms are listed")
        .into_iter()
        .map(|r| r.title)
        .collect()
}

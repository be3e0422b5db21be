//! Keeps the health boards (crate::health): a task counts the engine's own events, tells the
//! page what changed (at most once a second per account) and saves the boards every minute and
//! at shutdown.

use super::{lock, Engine};
use crate::account::AccountId;
use crate::event::Event;
use crate::health::{HealthBook, HealthView};
use crate::store::health as saved;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
// Tokio's clock, so the tests can run a minute of events in an instant.
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// An account's board goes to the page at most this often.
const PUBLISH_EVERY: Duration = Duration::from_secs(1);
/// Changed boards are saved this often (and at shutdown).
const SAVE_EVERY: Duration = Duration::from_secs(60);
/// The first save comes sooner: a run killed in its first minute still leaves its boards, and
/// the time it was last seen running.
const FIRST_SAVE_AFTER: Duration = Duration::from_secs(10);

impl Engine {
    /// Loads the saved boards and starts counting; call once, in a runtime.
    pub async fn watch_health(self: &Arc<Self>) {
        let loaded = self
            .store
            .run(|c| Ok((saved::load_all(c)?, saved::alive_at(c)?)))
            .await;
        match loaded {
            Ok((boards, alive_at)) => {
                let mut book = HealthBook::from_saved(boards);
                // The last run ended without quitting (boards not marked closed): it was last
                // seen running at its last save.
                if let Some(at) = alive_at {
                    book.closed(at);
                }
                *lock(&self.health) = book;
            }
            Err(e) => tracing::warn!(error = %e, "the health boards could not be read"),
        }
        let engine = Arc::downgrade(self);
        let mut events = self.subscribe();
        tokio::spawn(async move {
            let mut published: HashMap<AccountId, Instant> = HashMap::new();
            let mut due: HashSet<AccountId> = HashSet::new();
            // When the boards held back go, fixed when the first is held: a stream of events
            // must not push it back (at 1 Hz or more it never came, nor did the minute's save).
            let mut publish_at: Option<Instant> = None;
            let mut save_at = Instant::now() + FIRST_SAVE_AFTER;
            loop {
                // Awake only for events, a board held back, or the next save: an idle app is
                // not woken every second.
                let next = publish_at.map_or(save_at, |at| at.min(save_at));
                tokio::select! {
                    event = events.recv() => {
                        let Some(engine) = engine.upgrade() else { return };
                        match event {
                            Ok(Event::Health(_)) => {}
                            Ok(event) => {
                                let Some(account) = engine.count_for_health(&event) else { continue };
                                let recent = published.get(&account).is_some_and(|at| at.elapsed() < PUBLISH_EVERY);
                                if recent {
                                    due.insert(account);
                                    publish_at.get_or_insert_with(|| Instant::now() + PUBLISH_EVERY);
                                } else {
                                    // Told now: no longer held back.
                                    due.remove(&account);
                                    if due.is_empty() {
                                        publish_at = None;
                                    }
                                    published.insert(account.clone(), Instant::now());
                                    engine.publish(Event::Health(Box::new(engine.health_of(&account))));
                                }
                            }
                            // Missed events are missed counts, not a reason to stop counting.
                            Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "health board missed events"),
                            Err(RecvError::Closed) => return,
                        }
                    }
                    _ = tokio::time::sleep_until(next) => {
                        let Some(engine) = engine.upgrade() else { return };
                        if publish_at.is_some_and(|at| at <= Instant::now()) {
                            publish_at = None;
                            for account in due.drain() {
                                published.insert(account.clone(), Instant::now());
                                engine.publish(Event::Health(Box::new(engine.health_of(&account))));
                            }
                        }
                        if Instant::now() >= save_at {
                            save_at = Instant::now() + SAVE_EVERY;
                            engine.save_health().await;
                        }
                    }
                }
            }
        });
    }

    /// Counts `event` on its account's board; the account, when it changed. A connection's
    /// state counts as the account's (the worst of its connections, as the sidebar shows it):
    /// one MEXC order chat waiting for its listenKey while three are open is not a flapping
    /// account.
    fn count_for_health(&self, event: &Event) -> Option<AccountId> {
        let aggregate;
        let event = match event {
            Event::Status {
                account,
                state,
                room,
            } => {
                // The account's state over all its connections. Its connections start before
                // it is listed as running, and a first "open" read before that (a loaded machine,
                // a server on loopback) was lost: the board said "not connected yet". So while it
                // starts, its one connection's state stands for it (for an account whose rooms
                // each have a connection, only the account-wide ones); an account neither
                // starting nor running (removed meanwhile) gets no board.
                let starting = lock(&self.starting).contains(account);
                let state = match lock(&self.running).get(account) {
                    Some(running) => running.state(),
                    None if starting && room.is_none() => state.clone(),
                    None => return None,
                };
                aggregate = Event::Status {
                    account: account.clone(),
                    room: None,
                    state,
                };
                &aggregate
            }
            other => other,
        };
        let changed = lock(&self.health).record(event, crate::timestamp::now_ms())?;
        lock(&self.health_dirty).insert(changed.clone());
        Some(changed)
    }

    /// One account's board, as the page shows it.
    pub fn health_of(&self, account: &AccountId) -> HealthView {
        lock(&self.health).view(account, crate::timestamp::now_ms())
    }

    /// Every configured account's board.
    pub fn health(&self) -> Vec<HealthView> {
        let now = crate::timestamp::now_ms();
        let book = lock(&self.health);
        self.running_accounts()
            .iter()
            .map(|account| book.view(account, now))
            .collect()
    }

    /// Marks every board closed (Parley quits), to be saved with them.
    pub(super) fn health_closed(&self) {
        let mut book = lock(&self.health);
        book.closed(crate::timestamp::now_ms());
        lock(&self.health_dirty).extend(book.accounts());
    }

    /// Saves the boards that changed since the last save, and that Parley is running now.
    pub async fn save_health(&self) {
        let changed: Vec<AccountId> = lock(&self.health_dirty).drain().collect();
        let boards: Vec<_> = {
            let book = lock(&self.health);
            changed
                .iter()
                .filter_map(|a| book.get(a).map(|h| (a.clone(), h.clone())))
                .collect()
        };
        let now = crate::timestamp::now_ms();
        let saved = self
            .store
            .run(move |c| {
                saved::save(c, &boards)?;
                saved::note_alive(c, now)
            })
            .await;
        if let Err(e) = saved {
            tracing::warn!(error = %e, "the health boards could not be saved");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::message::StoredMessage;
    use crate::secrets::SessionOnlyStore;
    use crate::store::Store;
    use crate::supervisor::Tuning;

    fn engine(path: &std::path::Path) -> Arc<Engine> {
        Engine::new(
            Store::open(path).unwrap(),
            None,
            AppConfig::default(),
            Arc::new(SessionOnlyStore::default()),
            Tuning::default(),
        )
    }

    /// The next board the page is told of.
    async fn next_health(
        page: &mut tokio::sync::broadcast::Receiver<Event>,
    ) -> crate::health::HealthView {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Ok(Event::Health(view)) = page.recv().await {
                    return *view;
                }
            }
        })
        .await
        .expect("a health event for the page")
    }

    fn received(account: &AccountId) -> StoredMessage {
        StoredMessage {
            service_id: Some("m1".into()),
            ..StoredMessage::received_for_test(&account.0)
        }
    }

    #[tokio::test]
    async fn the_board_follows_events_tells_the_page_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parley.db");
        let bot = AccountId("mixin-1".into());
        {
            let engine = engine(&path);
            engine.watch_health().await;
            let mut page = engine.subscribe();
            engine.publish(Event::Message(std::sync::Arc::new(received(&bot))));
            let told = next_health(&mut page).await;
            assert_eq!(told.account, bot);
            assert_eq!(told.received_24h, 1);
            engine.shutdown().await; // saves
        }
        let engine = engine(&path);
        engine.watch_health().await;
        let board = engine.health_of(&bot);
        assert_eq!(board.received_24h, 1, "kept across the restart");
        assert_eq!(
            board.strip.last().map(|m| m.state),
            Some(crate::health::StripState::Closed),
            "the time Parley was closed is a gap, not the last state"
        );
    }

    /// An account's first connection can open before the account is listed as running; the
    /// board still hears of it.
    #[tokio::test]
    async fn a_connection_open_before_its_account_is_listed_counts() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(&dir.path().join("parley.db"));
        engine.watch_health().await;
        let bot = AccountId("mixin-1".into());
        let gone = AccountId("mixin-removed".into());
        lock(&engine.starting).insert(bot.clone());
        let mut page = engine.subscribe();
        for account in [&gone, &bot] {
            engine.publish(Event::Status {
                account: account.clone(),
                room: None,
                state: crate::connection_state::ConnectionState::Open,
            });
        }
        let told = next_health(&mut page).await;
        assert_eq!(
            told.account, bot,
            "no board for an account neither starting nor running"
        );
        assert!(engine.health_of(&bot).last_connected_ms.is_some());
        assert!(engine.health_of(&gone).last_connected_ms.is_none());
    }

    /// A bot whose keystore the keyring lost cannot connect at all: its board says why.
    #[tokio::test]
    async fn an_account_that_cannot_connect_says_why_on_its_board() {
        use crate::account::{Account, MixinSettings, ServiceSettings};
        let bot = AccountId("mixin-1".into());
        let engine = Engine::new(
            Store::open_in_memory().unwrap(),
            None,
            AppConfig {
                accounts: vec![Account {
                    id: bot.clone(),
                    display_name: "Desk bot".into(),
                    settings: ServiceSettings::Mixin(MixinSettings {
                        bot_id: "5e1c4f0a-0d3b-4c6e-9a77-0b7e0d5c0a01".into(),
                        bot_name: "Desk bot".into(),
                        blaze_url: "wss://blaze.mixin.one".into(),
                        api_base: "https://api.mixin.one".into(),
                    }),
                    demo: false,
                }],
                ..AppConfig::default()
            },
            Arc::new(SessionOnlyStore::default()),
            Tuning::default(),
        );
        engine.watch_health().await;
        let mut page = engine.subscribe();
        engine.start_configured().await.unwrap();
        next_health(&mut page).await;
        let board = engine.health_of(&bot);
        let why = board.last_error.map(|e| e.reason).unwrap_or_default();
        assert!(why.contains("keyring"), "{why:?}");
        assert_eq!(
            board.strip.last().map(|m| m.state),
            Some(crate::health::StripState::Stopped)
        );
    }

    /// The first save comes ten seconds in, not a minute: a run killed early keeps its boards.
    #[tokio::test(start_paused = true)]
    async fn the_first_save_comes_within_seconds_of_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(&dir.path().join("parley.db"));
        engine.watch_health().await;
        let bot = AccountId("mixin-1".into());
        engine.publish(Event::Message(std::sync::Arc::new(received(&bot))));
        tokio::time::sleep(FIRST_SAVE_AFTER + Duration::from_secs(1)).await;
        let saved = engine.store.run(saved::load_all).await.unwrap();
        assert!(
            saved.iter().any(|(a, _)| *a == bot),
            "saved in the first seconds"
        );
        assert!(engine.store.run(saved::alive_at).await.unwrap().is_some());
    }

    /// A run that ended without quitting (a crash, a kill) shows as closed from its last save
    /// on, not as connected until the next start.
    #[tokio::test]
    async fn a_run_that_ended_without_quitting_is_closed_from_its_last_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parley.db");
        let bot = AccountId("mixin-1".into());
        {
            let engine = engine(&path);
            engine.watch_health().await;
            // Connected (as a running account's status would be counted).
            lock(&engine.health).record(
                &Event::Status {
                    account: bot.clone(),
                    room: None,
                    state: crate::connection_state::ConnectionState::Open,
                },
                crate::timestamp::now_ms(),
            );
            lock(&engine.health_dirty).insert(bot.clone());
            engine.save_health().await; // the minute's save
                                        // Dropped without shutdown: no closing mark.
        }
        let engine = engine(&path);
        engine.watch_health().await;
        let strip: Vec<_> = engine
            .health_of(&bot)
            .strip
            .iter()
            .map(|m| m.state)
            .collect();
        assert_eq!(
            strip,
            [
                crate::health::StripState::Connected,
                crate::health::StripState::Closed
            ]
        );
    }

    /// A steady stream of events (a busy bot, upload progress, prices) no longer keeps the
    /// boards from being saved: the wait was pushed back by every event, so under events at
    /// 1 Hz or more nothing was saved until shutdown, and a crash lost the day's counts.
    #[tokio::test(start_paused = true)]
    async fn the_boards_are_saved_every_minute_even_while_events_keep_coming() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(&dir.path().join("parley.db"));
        engine.watch_health().await;
        let bot = AccountId("mixin-1".into());
        for n in 0..700 {
            engine.publish(Event::Message(std::sync::Arc::new(StoredMessage {
                service_id: Some(format!("m{n}")),
                ..received(&bot)
            })));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // 70 s of events, ten a second: the minute's save has come meanwhile.
        let saved = engine.store.run(saved::load_all).await.unwrap();
        let board = saved.into_iter().find(|(a, _)| *a == bot).map(|(_, b)| b);
        assert!(board.is_some(), "saved while the events kept coming");
    }
}

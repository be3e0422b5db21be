//! The engine: the one object the desktop shell and parley-cli talk to. It owns the accounts
//! (config), their connections (one supervisor each), the store and the event bus, and turns
//! user intents (add an account, send a message) into store writes and supervisor commands.

mod account_edit;
mod check_steps;
mod desktop_prefs;
mod error;
mod evidence;
mod health_watch;
mod media_source;
mod notifications;
mod stale_rooms;
mod templates;
mod user_text;

pub use account_edit::{AccountEdit, AddressEdit};
pub use check_steps::{CheckReport, CheckStep, StepOutcome, Steps};
pub use error::{EngineError, ErrorKind, Field};
pub use media_source::MediaSource;
pub use templates::ReplyTemplate;
pub use user_text::{user_text, UserText};

use crate::account::{Account, AccountId};
use crate::codec::Outgoing;
use crate::config::{AppConfig, ConfigFile};
use crate::connection_state::ConnectionState;
use crate::event::Event;
use crate::message::{Draft, MessageKind, StoredMessage};
use crate::secret::Secret;
use crate::secrets::{SecretStore, SessionOnlyStore};
use crate::services::{
    self, Background, Capabilities, RoomRemoval, ServiceSettings, StartContext, Started,
};
use crate::store::{messages, rooms, RoomSummary, Store};
use crate::supervisor::{self, Command, SupervisorHandle, Tuning};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// An account as the UI lists it: its settings and its connection state.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub service_label: &'static str,
    /// What the page may offer for this account (directory, ticker, media by address…).
    pub capabilities: Capabilities,
    pub state: ConnectionState,
    /// Media of this account load by themselves (else a click loads each).
    pub auto_media: bool,
}

/// What the settings screen submits.
#[derive(Debug)]
pub struct NewAccount {
    pub display_name: Option<String>,
    pub settings: ServiceSettings,
    pub secret: Option<Secret>,
    /// MEXC API-key mode: order numbers whose chats to add (looked up over REST).
    pub order_numbers: Vec<String>,
}

/// Events buffered for slow subscribers before they are told they lagged.
const EVENT_BUFFER: usize = 8192;

pub struct Engine {
    pub(crate) store: Store,
    events: broadcast::Sender<Event>,
    secrets: Arc<dyn SecretStore>,
    /// Secrets of demo accounts: in memory only, never in the OS keyring.
    demo_secrets: SessionOnlyStore,
    config_file: Option<ConfigFile>,
    config: Mutex<AppConfig>,
    running: Mutex<HashMap<AccountId, Running>>,
    /// Accounts whose connections are being spawned and that are not listed in `running` yet:
    /// a first "open" can come from them before they are (see `health_watch`).
    starting: Mutex<std::collections::HashSet<AccountId>>,
    tuning: Tuning,
    /// The last frames of every connection, redacted (the frame inspector).
    inspector: crate::inspector::Inspector,
    /// The latest details of every order chat's order (MEXC), kept fresh by the order watchers.
    pub(crate) orders: crate::orders::OrderBook,
    /// Every account's health board (health_watch.rs), and the accounts changed since saved.
    health: Mutex<crate::health::HealthBook>,
    health_dirty: Mutex<std::collections::HashSet<AccountId>>,
}

struct Running {
    account: Account,
    /// One per socket: a single one for most services, one per conversation for MEXC.
    connections: Vec<SupervisorHandle>,
    /// Why the account could not start at all (e.g. its secret is missing from the keyring).
    failed: Option<String>,
    /// What runs beside the sockets (MEXC API-key accounts: the listenKey keeper).
    background: Option<Box<dyn Background>>,
}

impl Running {
    /// The account's state as the sidebar shows it: the worst of its connections.
    fn state(&self) -> ConnectionState {
        if let Some(reason) = &self.failed {
            return ConnectionState::Stopped {
                reason: reason.clone(),
            };
        }
        let states: Vec<ConnectionState> = self.connections.iter().map(|c| c.state()).collect();
        let rank = |s: &ConnectionState| match s {
            ConnectionState::Stopped { .. } => 0,
            ConnectionState::Backoff { .. } => 1,
            ConnectionState::Connecting { .. } => 2,
            ConnectionState::Open => 3,
        };
        states
            .into_iter()
            .min_by_key(rank)
            .unwrap_or(ConnectionState::Stopped {
                reason: "nothing to connect: add a chat in settings".into(),
            })
    }

    async fn stop(self) {
        for connection in self.connections {
            connection.stop().await;
        }
        // After the sockets: the MEXC keeper deletes the keys they used.
        if let Some(background) = self.background {
            background.stop().await;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Engine {
    /// `config_file` is `None` for an engine that persists no accounts (parley-cli, tests).
    pub fn new(
        store: Store,
        config_file: Option<ConfigFile>,
        config: AppConfig,
        secrets: Arc<dyn SecretStore>,
        tuning: Tuning,
    ) -> Arc<Engine> {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Arc::new(Engine {
            store,
            events,
            secrets,
            demo_secrets: SessionOnlyStore::default(),
            config_file,
            config: Mutex::new(config),
            running: Mutex::new(HashMap::new()),
            starting: Mutex::new(Default::default()),
            tuning,
            inspector: crate::inspector::Inspector::default(),
            orders: crate::orders::OrderBook::default(),
            health: Mutex::default(),
            health_dirty: Mutex::default(),
        })
    }

    /// The frame inspector: every connection's last frames, redacted.
    pub fn inspector(&self) -> &crate::inspector::Inspector {
        &self.inspector
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub fn config(&self) -> AppConfig {
        lock(&self.config).clone()
    }

    /// Connects every configured account.
    pub async fn start_configured(&self) -> Result<(), EngineError> {
        let accounts = self.config().accounts;
        for account in accounts {
            self.start(account).await?;
        }
        Ok(())
    }

    /// Adds an account: checks its settings, stores its secret in the keyring, saves the
    /// config (without the secret) and connects it.
    pub async fn add_account(&self, mut new: NewAccount) -> Result<Account, EngineError> {
        let prepared = new
            .settings
            .service_mut()
            .prepare(new.secret.as_ref(), &new.order_numbers)
            .await?;
        let service = new.settings.service();
        if let Some(identity) = service.proven_identity() {
            let same = self.config().accounts.into_iter().find(|a| {
                !a.demo
                    && a.settings.kind() == new.settings.kind()
                    && a.settings.service().proven_identity().as_deref() == Some(identity.as_str())
            });
            if let Some(same) = same {
                return Err(EngineError::Invalid(format!(
                    "this {} account is already in Parley as {}; to give it a new {}, use Edit on {} in Settings (its history stays)",
                    service.name(),
                    same.display_name,
                    service.credential_kind(),
                    same.display_name
                )));
            }
        }
        let display_name = new
            .display_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .or(prepared.display_name)
            .unwrap_or_else(|| service.own_sender_id());
        let account = Account {
            id: AccountId(format!("{}-{:08x}", service.id_prefix(), fastrand::u32(..))),
            display_name,
            settings: new.settings,
            demo: false,
        };
        if let Some(secret) = &new.secret {
            self.secrets.put(&account.id, secret)?;
        }
        self.update_config(|c| c.accounts.push(account.clone()))?;
        self.start(account.clone()).await?;
        self.publish(Event::AccountsChanged);
        Ok(account)
    }

    /// Removes one room (a MEXC order chat is forgotten, a Realtime room is left) and its history.
    pub async fn remove_room(&self, id: &AccountId, room: &str) -> Result<(), EngineError> {
        let account = self.running_account(id)?;
        match account.settings.service().room_removal() {
            RoomRemoval::Leave => self.leave_room(id, room).await,
            RoomRemoval::Forget => {
                self.forget_mexc_chat(id, room).await?;
                self.delete_room_history(id, room).await
            }
            RoomRemoval::Never => Err(EngineError::Invalid(
                "this room belongs to the service and cannot be removed".into(),
            )),
        }
    }

    /// Forgets a room's stored history (after its account no longer lists it) and tells the UI.
    pub(crate) async fn delete_room_history(
        &self,
        id: &AccountId,
        room: &str,
    ) -> Result<(), EngineError> {
        let (owner, room) = (id.clone(), room.to_owned());
        self.store
            .run(move |c| messages::delete_room(c, &owner, &room))
            .await?;
        self.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Connects a demo account: like any other, but never written to the config, and its
    /// secret (if any) is kept in memory only.
    pub async fn add_demo_account(
        &self,
        mut account: Account,
        secret: Option<Secret>,
    ) -> Result<(), EngineError> {
        account.demo = true;
        if let Some(secret) = secret {
            self.demo_secrets.put(&account.id, &secret)?;
        }
        self.start(account).await?;
        self.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Disconnects an account and forgets it: config entry, keyring secret, stored history.
    pub async fn remove_account(&self, id: &AccountId) -> Result<(), EngineError> {
        let running = lock(&self.running).remove(id);
        let Some(running) = running else {
            return Err(EngineError::UnknownAccount(id.clone()));
        };
        let demo = running.account.demo;
        running.stop().await;
        self.inspector.forget(id);
        if !demo {
            self.update_config(|c| c.accounts.retain(|a| &a.id != id))?;
            self.secrets.delete(id)?;
        }
        lock(&self.health).forget(id);
        lock(&self.health_dirty).remove(id);
        let owned = id.clone();
        self.store
            .run(move |c| {
                crate::store::health::forget(c, &owned)?;
                messages::delete_account(c, &owned)
            })
            .await?;
        self.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Removes every demo account and remembers that the user does not want the demo.
    pub async fn dismiss_demo(&self) -> Result<(), EngineError> {
        let demo: Vec<AccountId> = lock(&self.running)
            .values()
            .filter(|r| r.account.demo)
            .map(|r| r.account.id.clone())
            .collect();
        for id in demo {
            self.remove_account(&id).await?;
        }
        self.update_config(|c| c.demo_dismissed = true)?;
        Ok(())
    }

    pub fn accounts(&self) -> Vec<AccountView> {
        let auto_media = self.config().auto_media;
        let mut views: Vec<AccountView> = lock(&self.running)
            .values()
            .map(|r| AccountView {
                service_label: r.account.settings.service().label(),
                capabilities: r.account.settings.service().capabilities(),
                auto_media: desktop_prefs::auto_media_of(&auto_media, &r.account),
                account: r.account.clone(),
                state: r.state(),
            })
            .collect();
        // The Demo first, then by name.
        views.sort_by(|a, b| {
            b.account
                .demo
                .cmp(&a.account.demo)
                .then_with(|| a.account.display_name.cmp(&b.account.display_name))
        });
        views
    }

    /// Stores a text as pending and asks the connection to send it.
    pub async fn send_text(
        &self,
        account: &AccountId,
        room: &str,
        text: &str,
    ) -> Result<StoredMessage, EngineError> {
        self.send(account, room, Draft::text(text)).await
    }

    /// Sends `draft` as a reply to the message `quoted` (a local id of the same room), named the
    /// way the service can carry it ([`crate::quote::reply`]).
    pub async fn reply(
        &self,
        account: &AccountId,
        room: &str,
        draft: Draft,
        quoted: i64,
    ) -> Result<StoredMessage, EngineError> {
        let settings = self.running_account(account)?.settings;
        let answered = self
            .store
            .run(move |c| messages::get(c, quoted))
            .await?
            .filter(|m| &m.account == account && m.room == room)
            .ok_or_else(|| {
                EngineError::Invalid(
                    "the message you reply to is no longer in this room".to_owned(),
                )
            })?;
        let draft = crate::quote::reply(draft, &answered, settings.service().quote_field());
        self.send(account, room, draft).await
    }

    /// Stores a message as pending and asks the connection to send it. Refuses, before
    /// storing anything, a message the service would not accept (the codec decides).
    pub async fn send(
        &self,
        account: &AccountId,
        room: &str,
        draft: Draft,
    ) -> Result<StoredMessage, EngineError> {
        let settings = self.running_account(account)?.settings;
        check_sendable(&settings, room, &draft)?;
        let (owner, room_id) = (account.clone(), room.to_owned());
        let sender = settings.service().own_sender_id();
        let client_id = settings.service().client_message_id();
        let now = crate::timestamp::now_ms();
        let stored = self
            .store
            .run(move |c| {
                messages::insert_own_draft(
                    c,
                    &owner,
                    &room_id,
                    &sender,
                    &draft,
                    client_id.as_deref(),
                    now,
                )
            })
            .await?;
        self.publish(Event::Message(std::sync::Arc::new(stored.clone())));
        self.command(account, Command::Flush);
        Ok(stored)
    }

    /// Sends a file from this computer (services that take uploads: Mixin). The file is checked
    /// and described (a photo's size and thumbnail) before anything is stored, copied into
    /// `keep_in` (the profile's outbox folder) so it survives a restart until uploaded, and
    /// then sent as any message: pending, uploaded once by the connection, retried as text is.
    pub async fn send_file(
        &self,
        account: &AccountId,
        room: &str,
        file: crate::media::outgoing::FileToSend,
        keep_in: &std::path::Path,
    ) -> Result<StoredMessage, EngineError> {
        let settings = self.running_account(account)?.settings;
        if !settings.service().capabilities().file_upload {
            return Err(EngineError::Invalid(format!(
                "{} takes no files from this computer",
                settings.service().name()
            )));
        }
        let keep_in = keep_in.to_owned();
        let ((kind, caption), media) = tokio::task::spawn_blocking(move || file.keep(&keep_in))
            .await
            .map_err(|e| EngineError::Invalid(format!("the file could not be prepared: {e}")))?
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        // The text is checked before anything is stored (see `check_sendable`); services whose
        // file messages carry no caption send it after the file (their codec decides).
        let copy = media.local_path.clone();
        let sent = self
            .send(
                account,
                room,
                Draft {
                    kind,
                    text: caption,
                    media: Some(media),
                    quote_id: None,
                },
            )
            .await;
        if sent.is_err() {
            // Refused (the text, the room): no message will ever need the copy.
            if let Some(copy) = copy {
                let _ = tokio::fs::remove_file(copy).await;
            }
        }
        sent
    }

    /// Puts a failed message back in the outbox.
    pub async fn retry(&self, local_id: i64) -> Result<(), EngineError> {
        let Some(message) = self
            .store
            .run(move |c| messages::retry(c, local_id))
            .await?
        else {
            return Err(EngineError::Invalid(
                "that message cannot be retried".into(),
            ));
        };
        let account = message.account.clone();
        self.publish(Event::Message(std::sync::Arc::new(message)));
        self.command(&account, Command::Flush);
        Ok(())
    }

    /// Deletes a failed message of the user's (never sent); any other message is refused.
    pub async fn delete_failed(&self, local_id: i64) -> Result<(), EngineError> {
        let Some(message) = self
            .store
            .run(move |c| messages::delete_failed(c, local_id))
            .await?
        else {
            return Err(EngineError::Invalid(
                "only a message of yours that failed to send can be deleted".into(),
            ));
        };
        self.publish(Event::Deleted {
            account: message.account,
            room: message.room,
            local_id,
        });
        Ok(())
    }

    /// Stops sending a file of the user's that is not uploaded yet; its connection decides
    /// (it alone knows whether the upload just finished), deletes it and says so.
    pub async fn cancel_upload(&self, local_id: i64) -> Result<(), EngineError> {
        let message = self
            .store
            .run(move |c| messages::get(c, local_id))
            .await?
            .filter(|m| {
                m.own
                    && m.state == crate::message::DeliveryState::Pending
                    && m.media
                        .as_ref()
                        .is_some_and(crate::message::Media::awaits_upload)
            })
            .ok_or_else(|| {
                EngineError::Invalid("only a file of yours still uploading can be cancelled".into())
            })?;
        self.running_account(&message.account)?;
        if self.has_connections(&message.account) {
            self.command(&message.account, Command::CancelUpload(local_id));
            return Ok(());
        }
        // An account that could not start (its secret is missing) runs no connection to ask,
        // and none can be uploading the file: it is taken back here.
        match crate::media::outgoing::take_back(&self.store, local_id).await? {
            messages::UnsentFile::Deleted(message) => self.publish(Event::Deleted {
                account: message.account,
                room: message.room,
                local_id,
            }),
            // Only a connection gives a file its attachment id; a double click finds it gone.
            messages::UnsentFile::Uploaded | messages::UnsentFile::Gone => {}
        }
        Ok(())
    }

    pub fn reconnect_now(&self, account: &AccountId) -> Result<(), EngineError> {
        self.running_account(account)?;
        self.command(account, Command::RetryNow);
        Ok(())
    }

    /// The engine's event channel, for work outside a connection that tells the page.
    pub(crate) fn events_sender(&self) -> broadcast::Sender<Event> {
        self.events.clone()
    }

    /// The accounts in use (the store may still hold a removed one's rows for an instant).
    pub(crate) fn running_accounts(&self) -> Vec<AccountId> {
        lock(&self.running).keys().cloned().collect()
    }

    pub async fn rooms(&self) -> Result<Vec<RoomSummary>, EngineError> {
        let live = self.running_accounts();
        let mut all = self.store.run(rooms::list).await?;
        all.retain(|r| live.contains(&r.account));
        Ok(all)
    }

    pub async fn history(
        &self,
        account: &AccountId,
        room: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        Ok(self
            .store
            .run(move |c| messages::history(c, &account, &room, before, limit.min(500)))
            .await?)
    }

    /// Messages of the accounts in use matching what the user typed, newest first, in one
    /// room when `room` is given (see [`crate::store::search`]).
    pub async fn search(
        &self,
        typed: &str,
        room: Option<(AccountId, String)>,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, EngineError> {
        let live = self.running_accounts();
        let typed = typed.to_owned();
        // Messages of removed accounts are gone from the store; the filter covers the instant
        // between a removal and its deletion.
        let mut found = self
            .store
            .run(move |c| {
                let room = room
                    .as_ref()
                    .map(|(account, room)| (account, room.as_str()));
                crate::store::search::search(c, &typed, room, limit.min(200))
            })
            .await?;
        found.retain(|m| live.contains(&m.account));
        Ok(found)
    }

    /// Messages of a room newer than `after`, oldest first (see [`messages::newer`]).
    pub async fn newer(
        &self,
        account: &AccountId,
        room: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        Ok(self
            .store
            .run(move |c| messages::newer(c, &account, &room, after, limit.min(500)))
            .await?)
    }

    /// One stored message, by its local id.
    pub async fn message(&self, local_id: i64) -> Result<Option<StoredMessage>, EngineError> {
        Ok(self.store.run(move |c| messages::get(c, local_id)).await?)
    }

    pub async fn mark_read(&self, account: &AccountId, room: &str) -> Result<(), EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        Ok(self
            .store
            .run(move |c| rooms::mark_read(c, &account, &room))
            .await?)
    }

    /// Marks the room seen up to `local_id` (the newest message the user has had on screen):
    /// unread falls as messages are seen, not all at once on opening.
    pub async fn mark_read_up_to(
        &self,
        account: &AccountId,
        room: &str,
        local_id: i64,
    ) -> Result<(), EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        Ok(self
            .store
            .run(move |c| rooms::mark_read_up_to(c, &account, &room, local_id))
            .await?)
    }

    /// Closes every connection.
    pub async fn shutdown(&self) {
        let all: Vec<Running> = lock(&self.running).drain().map(|(_, r)| r).collect();
        for running in all {
            running.stop().await;
        }
        self.health_closed();
        self.save_health().await;
    }

    async fn start(&self, account: Account) -> Result<(), EngineError> {
        // A room already stored keeps its title: the service may have named it better since
        // (an order chat after its order, a room renamed on the server). One store job for all
        // (a desk's 8 order chats one by one waited for 8 commits at start-up).
        let fixed = account.settings.service().fixed_rooms();
        if !fixed.is_empty() {
            let id = account.id.clone();
            self.store
                .run(move |c| {
                    fixed
                        .iter()
                        .try_for_each(|(room, title)| rooms::ensure(c, &id, room, title))
                })
                .await?;
        }
        lock(&self.starting).insert(account.id.clone());
        let (connections, background, failed) = match self.connect(&account) {
            Ok(started) => (started.connections, started.background, None),
            Err(reason) => (Vec::new(), None, Some(reason)),
        };
        // An account that cannot connect at all (its secret missing from the keyring) has no
        // connection to say so: say it here, for its health board (the page reads the state
        // from the account list too).
        let stopped = failed.clone().map(|reason| Event::Status {
            account: account.id.clone(),
            room: None,
            state: ConnectionState::Stopped { reason },
        });
        let id = account.id.clone();
        let previous = lock(&self.running).insert(
            id.clone(),
            Running {
                account,
                connections,
                failed,
                background,
            },
        );
        lock(&self.starting).remove(&id);
        if let Some(previous) = previous {
            previous.stop().await;
        }
        if let Some(stopped) = stopped {
            self.publish(stopped);
        }
        Ok(())
    }

    /// Spawns an account's connections (and what runs beside them), or says why it cannot
    /// connect at all.
    fn connect(&self, account: &Account) -> Result<Started, String> {
        let pace = account
            .settings
            .service()
            .capabilities()
            .messages_per_minute;
        let spawn = |mut c: supervisor::Connection| {
            c.messages_per_minute = pace;
            supervisor::spawn(
                account.id.clone(),
                c,
                self.store.clone(),
                self.events.clone(),
                self.tuning.clone(),
                self.inspector.clone(),
            )
        };
        let service = account.settings.service();
        let secret = if service.needs_secret() {
            Some(self.secret_of(account).map_err(|e| e.to_string())?)
        } else {
            None
        };
        service.start(StartContext {
            account: &account.id,
            secret,
            store: &self.store,
            tuning: &self.tuning,
            spawn: &spawn,
            events: &self.events,
            orders: &self.orders,
        })
    }

    /// The account's keyring secret (demo accounts: the in-memory one).
    pub(crate) fn secret_of(&self, account: &Account) -> Result<Secret, EngineError> {
        let secret = if account.demo {
            self.demo_secrets.get(&account.id)?
        } else {
            self.secrets.get(&account.id)?
        };
        secret.ok_or_else(|| {
            EngineError::Invalid(
                "its key, token or keystore is not in the keyring (a new computer, or a keyring reset): give it again with Edit on this account in Settings; its history stays".into(),
            )
        })
    }

    /// Changes an account's settings, saves them and reconnects the account.
    pub(crate) async fn change_account(
        &self,
        id: &AccountId,
        change: impl Fn(&mut ServiceSettings),
    ) -> Result<(), EngineError> {
        let account = self.edit_account(id, change)?;
        self.start(account).await?;
        self.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Changes an account's settings and saves them, leaving its connections as they are (the
    /// caller tells them what changed).
    pub(crate) fn edit_account(
        &self,
        id: &AccountId,
        change: impl Fn(&mut ServiceSettings),
    ) -> Result<Account, EngineError> {
        let mut account = self.running_account(id)?;
        change(&mut account.settings);
        if !account.demo {
            self.update_config(|c| {
                for a in c.accounts.iter_mut().filter(|a| &a.id == id) {
                    change(&mut a.settings);
                }
            })?;
        }
        if let Some(running) = lock(&self.running).get_mut(id) {
            running.account = account.clone();
        }
        Ok(account)
    }

    pub(crate) fn running_account(&self, id: &AccountId) -> Result<Account, EngineError> {
        lock(&self.running)
            .get(id)
            .map(|r| r.account.clone())
            .ok_or_else(|| EngineError::UnknownAccount(id.clone()))
    }

    /// Whether the account runs any connection (one that could not start runs none).
    fn has_connections(&self, id: &AccountId) -> bool {
        lock(&self.running)
            .get(id)
            .is_some_and(|r| !r.connections.is_empty())
    }

    pub(crate) fn command(&self, id: &AccountId, command: Command) {
        if let Some(r) = lock(&self.running).get(id) {
            for connection in &r.connections {
                connection.send(command.clone());
            }
        }
    }

    fn update_config(&self, change: impl FnOnce(&mut AppConfig)) -> Result<(), EngineError> {
        let mut config = lock(&self.config);
        let mut next = config.clone();
        change(&mut next);
        if let Some(file) = &self.config_file {
            file.save(&next)?;
        }
        *config = next;
        Ok(())
    }

    pub(crate) fn publish(&self, event: Event) {
        let _ = self.events.send(event);
    }
}

/// Refuses, before anything is stored, a message the service would not accept (its codec
/// decides). A file still to upload cannot be encoded yet; its room and its text are checked
/// as a text message would be, so a caption too long is refused before the upload, not after.
fn check_sendable(
    settings: &ServiceSettings,
    room: &str,
    draft: &Draft,
) -> Result<(), EngineError> {
    let mut codec = services::codec_for_room(settings, room)
        .ok_or_else(|| EngineError::UnknownRoom(room.to_owned()))?;
    let mut encode = |kind, media: Option<&crate::message::Media>| {
        codec.encode(
            &Outgoing {
                local_id: 0,
                room: room.to_owned(),
                kind,
                text: draft.text.clone(),
                media: media.cloned(),
                client_id: None,
                quote_id: draft.quote_id.clone(),
            },
            &mut crate::codec::Env::fixed(crate::timestamp::now_ms()),
        )
    };
    match encode(draft.kind, draft.media.as_ref()) {
        Ok(_) => Ok(()),
        // A file to upload first: the connection uploads it before it sends the message.
        Err(crate::codec::CodecError::NotReady(_))
            if draft
                .media
                .as_ref()
                .is_some_and(crate::message::Media::awaits_upload) =>
        {
            // A blank caption is no caption (it is not sent); only a real one is checked.
            if draft.text.trim().is_empty() {
                return Ok(());
            }
            encode(MessageKind::Text, None)
                .map(drop)
                .map_err(Into::into)
        }
        Err(e) => Err(e.into()),
    }
}

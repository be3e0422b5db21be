//! Bringing the engine up for a profile: config, store, keyring, accounts, Demo. Each thing
//! that can go wrong becomes a notice the page shows; none of them stops the app or touches
//! what is already stored.

use crate::demo::{self, Demo};
use parley_core::account::AccountId;
use parley_core::config::{AppConfig, ConfigFile};
use parley_core::engine::Engine;
use parley_core::event::Event;
use parley_core::media::MediaCache;
use parley_core::profile::Profile;
use parley_core::secrets::{ConsentStore, KeyringStore, PrefetchedSecrets, SecretStore};
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use std::sync::{mpsc, Arc, Mutex};
use tokio::sync::broadcast::Receiver;

pub struct AppState {
    pub engine: Arc<Engine>,
    /// Things the user should know since start (shown as banners).
    pub notices: Vec<String>,
    pub demo: Mutex<Option<Demo>>,
    /// Downloads media for the page; `None` if its folder cannot be created.
    pub media: Option<MediaCache>,
    /// What forwards events to the page (one per page load).
    pub bridge: Mutex<Option<crate::bridge::Bridge>>,
    /// Alerts for the notifications panel (filled by [`crate::alerts::watch`]).
    pub alerts: crate::alerts::AlertLog,
    /// The room on screen and whether the window has the focus (for notifications).
    pub focus: crate::notifier::FocusTracker,
    /// Rung when rooms are read, so the tray recounts its unread badge.
    pub badge_dirty: std::sync::Arc<tokio::sync::Notify>,
    /// The page's event channel, for what the shell itself tells the page (open a room).
    pub page: Mutex<Option<tauri::ipc::Channel<Vec<parley_core::event_batch::EncodedEvent>>>>,
    /// Set when no keyring answered at start: why, and the store that waits for the user's
    /// consent to keep secrets for this session only.
    pub keyring_missing: Option<(String, Arc<ConsentStore>)>,
    /// Whether closing the window hides it to the tray (a tray exists and the user wants it).
    pub has_tray: std::sync::atomic::AtomicBool,
    /// Where files the user sends wait for their upload.
    pub outbox_dir: std::path::PathBuf,
    /// This profile's part of the page's storage (`Profile::page_storage_key`).
    pub page_storage_key: String,
}

/// What start-up can do before the single-instance check, with no effect outside this process:
/// the config read, the history store opened (unless it needs a migration), the keyring asked
/// whether it answers.
pub struct Prepared {
    profile: Profile,
    config_file: ConfigFile,
    config: AppConfig,
    /// The history store, or `None` while it waits for [`start`]: a file from an older Parley
    /// is migrated only by the process that runs, once it holds the profile (a second launch
    /// turned away, or one waiting for the previous Parley to finish closing, must not rewrite
    /// the file under the one still writing to it).
    store: Option<OpenedStore>,
    secrets: Arc<dyn SecretStore>,
    keyring_missing: Option<(String, Arc<ConsentStore>)>,
    notices: Vec<String>,
}

/// The engine started, with the event receivers the shell's watchers take over (subscribed
/// before any account connected, so they miss nothing that happened while the window opened).
pub struct Started {
    pub state: AppState,
    pub alert_events: Receiver<Event>,
    pub notifier_events: Receiver<Event>,
}

/// Start-up on its own thread, beside Tauri, GTK and WebKit opening the window: [`prepare`]
/// at once, then [`start`] once [`Starting::go`] says this is the instance that runs (the
/// single-instance check has passed), so a second launch never connects anything. Starting the
/// engine on the UI thread held the window's page back by ~110 ms.
pub struct Starting {
    go: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<Option<Started>>,
}

impl Starting {
    pub fn spawn(profile: Profile, force_demo: bool) -> Self {
        let (go, ready) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let prepared = prepare(profile);
            // Dropped without a go: this process is leaving (a second instance, a failed build).
            ready.recv().ok()?;
            Some(tauri::async_runtime::block_on(start(prepared, force_demo)))
        });
        Self { go, thread }
    }

    /// Lets the engine start (accounts connect) once the window is being set up.
    pub fn go_signal(&self) -> mpsc::Sender<()> {
        self.go.clone()
    }

    /// Waits for the engine (letting it start if nobody has).
    pub fn join(self) -> Result<Started, &'static str> {
        let _ = self.go.send(());
        self.thread
            .join()
            .ok()
            .flatten()
            .ok_or("start-up failed before the window opened (see the log)")
    }
}

/// The store and the keyring are opened side by side (each waits on I/O: SQLite's files, the
/// Secret Service over D-Bus), and the configured accounts' secrets are read ahead meanwhile.
pub fn prepare(profile: Profile) -> Prepared {
    let mut notices = Vec::new();
    let config_file = ConfigFile::new(profile.config_file.clone());
    let config = match config_file.load() {
        Ok(loaded) => {
            if let Some((aside, why)) = loaded.set_aside {
                tracing::error!(%why, aside = %aside.display(), "config set aside");
                notices.push(format!(
                    "{why}. It was kept as {} and Parley started with no accounts.",
                    aside.display()
                ));
            }
            loaded.config
        }
        Err(e) => {
            tracing::error!(error = %e, "config unreadable");
            notices.push(format!("{e}. Parley started with no accounts."));
            AppConfig::default()
        }
    };
    // The accounts that will ask the keyring for a secret as they start.
    let with_secrets: Vec<AccountId> = config
        .accounts
        .iter()
        .filter(|a| !a.demo && a.settings.service().needs_secret())
        .map(|a| a.id.clone())
        .collect();

    let (store, keyring_probe) = std::thread::scope(|scope| {
        let keyring = KeyringStore::new(profile.keyring_namespace.clone());
        let probing = scope.spawn(move || {
            let probed = keyring.probe();
            let ahead = match probed {
                Ok(()) => with_secrets,
                Err(_) => Vec::new(),
            };
            (PrefetchedSecrets::read_ahead(keyring, &ahead), probed)
        });
        let store = if Store::needs_migration(&profile.store_file) {
            tracing::info!(
                "the history file is from an older Parley: migrated once this launch runs"
            );
            None
        } else {
            Some(open_store(&profile.store_file, &mut notices))
        };
        let probed = probing
            .join()
            .unwrap_or_else(|_| std::panic::resume_unwind(Box::new("keyring probe panicked")));
        (store, probed)
    });

    let mut keyring_missing = None;
    let secrets: Arc<dyn SecretStore> = match keyring_probe {
        (keyring, Ok(())) => Arc::new(keyring),
        (_, Err(e)) => {
            // Never plain text, never deleting anything: the user decides whether secrets may
            // live in memory for this session (see `keep_secrets_for_session`).
            tracing::warn!(error = %e, "no system keyring");
            let consent = Arc::new(ConsentStore::default());
            keyring_missing = Some((e.to_string(), consent.clone()));
            consent
        }
    };
    Prepared {
        profile,
        config_file,
        config,
        store,
        secrets,
        keyring_missing,
        notices,
    }
}

/// A store and whether it is the history file (not the in-memory stand-in of a session without
/// it): only then do its messages say which kept copies are still needed.
struct OpenedStore {
    store: Store,
    on_disk: bool,
}

/// Opens the history file, or, when it cannot be, an in-memory store and a notice saying so.
fn open_store(path: &std::path::Path, notices: &mut Vec<String>) -> OpenedStore {
    match Store::open(path) {
        Ok(store) => OpenedStore {
            store,
            on_disk: true,
        },
        Err(e) => {
            tracing::error!(error = %e, "history store unavailable");
            notices.push(format!(
                "The history database could not be opened ({e}); this session keeps history in memory only and the file is left untouched."
            ));
            OpenedStore {
                store: Store::open_in_memory().expect("an in-memory SQLite database opens"),
                on_disk: false,
            }
        }
    }
}

/// Deletes, beside the start, the copies of files no message waits to upload any more (their
/// room or account was removed, or Parley stopped between the upload and the cleanup).
fn sweep_outbox(store: parley_core::store::Store, dir: std::path::PathBuf) {
    tokio::spawn(async move {
        // Not in start-up's way: the store's one thread serves the first paint first.
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        match parley_core::media::outgoing::sweep_outbox(&store, &dir).await {
            Ok(0) => {}
            Ok(swept) => tracing::info!(swept, "copies of sent or removed files deleted"),
            Err(e) => tracing::warn!(error = %e, "the outbox folder could not be swept"),
        }
    });
}

/// Starts the engine on what [`prepare`] opened: accounts connect, the Demo starts if wanted.
pub async fn start(prepared: Prepared, force_demo: bool) -> Started {
    let Prepared {
        profile,
        config_file,
        config,
        store,
        secrets,
        keyring_missing,
        mut notices,
    } = prepared;
    let OpenedStore {
        store,
        on_disk: store_on_disk,
    } = match store {
        Some(opened) => opened,
        None => open_store(&profile.store_file, &mut notices),
    };
    let wants_demo = force_demo || (config.accounts.is_empty() && !config.demo_dismissed);
    if store_on_disk {
        sweep_outbox(store.clone(), profile.outbox_dir.clone());
    }
    let engine = Engine::new(store, Some(config_file), config, secrets, Tuning::default());
    let alert_events = engine.subscribe();
    let notifier_events = engine.subscribe();
    // Before the accounts start, so their first connection is on the boards.
    engine.watch_health().await;
    if let Err(e) = engine.start_configured().await {
        tracing::error!(error = %e, "accounts could not start");
        notices.push(format!("Some accounts could not start: {e}"));
    }
    let demo = if wants_demo {
        match demo::start(&engine).await {
            Ok(demo) => Some(demo),
            Err(e) => {
                tracing::error!(error = %e, "demo unavailable");
                notices.push(e);
                None
            }
        }
    } else {
        None
    };
    let media = match MediaCache::new(&profile.media_dir) {
        Ok(cache) => Some(cache),
        Err(e) => {
            tracing::error!(error = %e, "media cache unavailable");
            notices.push(format!(
                "Images, videos and files cannot be shown in this session: {e}"
            ));
            None
        }
    };
    let state = AppState {
        engine,
        notices,
        demo: Mutex::new(demo),
        media,
        bridge: Mutex::new(None),
        alerts: crate::alerts::AlertLog::default(),
        focus: crate::notifier::FocusTracker::default(),
        keyring_missing,
        badge_dirty: Default::default(),
        has_tray: Default::default(),
        page: Mutex::new(None),
        outbox_dir: profile.outbox_dir.clone(),
        page_storage_key: profile.page_storage_key(),
    };
    Started {
        state,
        alert_events,
        notifier_events,
    }
}

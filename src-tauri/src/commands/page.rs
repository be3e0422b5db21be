//! The page's own life: its event channel and pacing, start-up milestones, the snapshot it
//! draws from, and the keyring consent.

use crate::bridge;
use crate::error::{CommandError, CommandResult};
use crate::startup::AppState;
use parley_core::engine::AccountView;
use parley_core::event_batch::EncodedEvent;
use parley_core::store::RoomSummary;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

#[derive(Serialize)]
pub struct Snapshot {
    accounts: Vec<AccountView>,
    rooms: Vec<RoomSummary>,
    notices: Vec<String>,
    /// The notifications panel's backlog, newest last.
    alerts: Vec<crate::alerts::AlertEntry>,
    /// Muted accounts and rooms, and whether notifications hide the text.
    notifications: parley_core::notify_policy::NotificationPrefs,
    /// Close to tray, start at login, start hidden.
    desktop: parley_core::config::DesktopPrefs,
    /// What is known of every order chat's order (MEXC API-key accounts).
    orders: Vec<parley_core::orders::OrderView>,
    /// Accounts whose orders cannot be read, and why.
    orders_unavailable: Vec<parley_core::orders::Unavailable>,
    /// Saved replies, in the user's order.
    templates: Vec<parley_core::engine::ReplyTemplate>,
    /// This profile's part of the page's storage: drafts of one profile never show in another.
    storage_key: String,
    /// Every account's health board (then kept fresh by `health` events).
    health: Vec<parley_core::health::HealthView>,
    /// Set when no system keyring answered: why, and whether the user agreed to keep secrets
    /// for this session only.
    #[serde(skip_serializing_if = "Option::is_none")]
    keyring: Option<KeyringStatus>,
}

#[derive(Serialize)]
struct KeyringStatus {
    missing: String,
    session_only: bool,
}

/// The user agrees to keep secrets in memory for this session (no keyring answered).
#[tauri::command]
pub fn keep_secrets_for_session(state: State<'_, AppState>) -> CommandResult<()> {
    match &state.keyring_missing {
        Some((_, consent)) => {
            consent.allow();
            tracing::info!("secrets are kept in memory for this session only");
            Ok(())
        }
        None => Err(CommandError::invalid("the system keyring is available")),
    }
}

#[tauri::command]
pub fn subscribe(state: State<'_, AppState>, on_events: Channel<Vec<EncodedEvent>>) {
    *state.page.lock().unwrap_or_else(|p| p.into_inner()) = Some(on_events.clone());
    let bridge = bridge::forward(state.engine.subscribe(), on_events);
    let previous = state
        .bridge
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(bridge);
    if let Some(previous) = previous {
        previous.stop();
    }
}

/// The page drew the batches it got: the bridge may send the next one.
#[tauri::command]
pub fn events_drawn(state: State<'_, AppState>, batches: u64) {
    if let Some(bridge) = state
        .bridge
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
    {
        bridge.drawn.drew(batches);
    }
}

/// The page painted the rooms for the first time in a visible window (`at_ms`: when, by its
/// clock; `page_started_ms`: when its document started loading): logged with the time since the
/// process started.
#[tauri::command]
pub fn rooms_shown(at_ms: f64, page_started_ms: f64) {
    crate::launch_time::log_rooms_shown(at_ms, page_started_ms);
}

/// The page has drawn its first screen: the window, created hidden, is shown now
/// (`window_reveal.rs`).
#[tauri::command]
pub fn page_ready(app: tauri::AppHandle) {
    crate::launch_time::log_milestone("page drew its first screen");
    crate::window_reveal::reveal(&app);
}

#[tauri::command]
pub async fn snapshot(state: State<'_, AppState>) -> CommandResult<Snapshot> {
    Ok(Snapshot {
        accounts: state.engine.accounts(),
        rooms: state.engine.rooms().await?,
        notices: state.notices.clone(),
        alerts: state.alerts.all(),
        notifications: state.engine.notification_prefs(),
        desktop: state.engine.desktop_prefs(),
        orders: state.engine.order_views(),
        orders_unavailable: state.engine.orders_unavailable(),
        templates: state.engine.templates(),
        storage_key: state.page_storage_key.clone(),
        health: state.engine.health(),
        keyring: state
            .keyring_missing
            .as_ref()
            .map(|(why, consent)| KeyringStatus {
                missing: why.clone(),
                session_only: consent.allowed(),
            }),
    })
}

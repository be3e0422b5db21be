//! The commands the page may call. Each checks its arguments as if the page were hostile,
//! then delegates to the engine in a line or two.

use crate::bridge;
use crate::error::{CommandError, CommandResult};
use crate::startup::AppState;
use parley_core::account::{
    Account, AccountId, MexcAuth, MexcChat, MexcSettings, MocklySettings, ServiceSettings,
};
use parley_core::engine::{AccountView, NewAccount};
use parley_core::event_batch::EncodedEvent;
use parley_core::message::{Draft, Media, MessageKind, StoredMessage};
use parley_core::secret::Secret;
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::store::RoomSummary;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;

const MAX_ID: usize = 256;
const MAX_TEXT: usize = 1024 * 1024;

pub fn check_id(what: &str, value: &str) -> CommandResult<()> {
    if value.is_empty() || value.len() > MAX_ID || value.chars().any(char::is_control) {
        return Err(CommandError(format!("invalid {what}")));
    }
    Ok(())
}

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
        None => Err(CommandError("the system keyring is available".into())),
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
        keyring: state
            .keyring_missing
            .as_ref()
            .map(|(why, consent)| KeyringStatus {
                missing: why.clone(),
                session_only: consent.allowed(),
            }),
    })
}

#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    account: String,
    room: String,
    before: Option<i64>,
    after: Option<i64>,
    limit: u32,
) -> CommandResult<Vec<StoredMessage>> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    let account = AccountId(account);
    Ok(match after {
        Some(after) => state.engine.newer(&account, &room, after, limit).await?,
        None => state.engine.history(&account, &room, before, limit).await?,
    })
}

/// The longest search the page may ask for.
const MAX_SEARCH: usize = 200;

/// Messages matching `query`, newest first; in one room when `account` and `room` are given.
#[tauri::command]
pub async fn search_messages(
    state: State<'_, AppState>,
    query: String,
    account: Option<String>,
    room: Option<String>,
) -> CommandResult<Vec<StoredMessage>> {
    if query.len() > MAX_SEARCH || query.chars().any(char::is_control) {
        return Err(CommandError(format!(
            "a search is at most {MAX_SEARCH} characters of text"
        )));
    }
    let scope = match (account, room) {
        (Some(account), Some(room)) => {
            check_id("account", &account)?;
            check_id("room", &room)?;
            Some((AccountId(account), room))
        }
        _ => None,
    };
    Ok(state.engine.search(&query, scope, 50).await?)
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    account: String,
    room: String,
    text: String,
    attachment: Option<Attachment>,
) -> CommandResult<StoredMessage> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    if text.len() > MAX_TEXT {
        return Err(CommandError("the message is too long".into()));
    }
    let draft = match attachment {
        None => Draft::text(&text),
        Some(a) => {
            let kind = match a.kind.as_str() {
                "image" => MessageKind::Image,
                "video" => MessageKind::Video,
                "file" => MessageKind::File,
                _ => return Err(CommandError("unknown attachment kind".into())),
            };
            let url = |u: &str| -> CommandResult<String> {
                let u = u.trim();
                if u.len() > MAX_URL || u.chars().any(char::is_control) {
                    return Err(CommandError("invalid URL".into()));
                }
                Ok(u.to_owned())
            };
            Draft {
                kind,
                text,
                media: Some(Media {
                    url: url(&a.url)?,
                    thumb_url: a
                        .thumb_url
                        .as_deref()
                        .map(url)
                        .transpose()?
                        .filter(|t| !t.is_empty()),
                    ..Default::default()
                }),
            }
        }
    };
    Ok(state.engine.send(&AccountId(account), &room, draft).await?)
}

/// An image, video or file the composer sends by URL (the services have no upload API).
#[derive(Deserialize)]
pub struct Attachment {
    kind: String,
    url: String,
    thumb_url: Option<String>,
}

const MAX_URL: usize = 4096;

#[tauri::command]
pub async fn retry_message(state: State<'_, AppState>, local_id: i64) -> CommandResult<()> {
    Ok(state.engine.retry(local_id).await?)
}

#[tauri::command]
pub async fn mark_read(
    state: State<'_, AppState>,
    account: String,
    room: String,
) -> CommandResult<()> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    state.engine.mark_read(&AccountId(account), &room).await?;
    state.badge_dirty.notify_one();
    Ok(())
}

/// What the settings screen sends to add an account.
#[derive(Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum AddAccountRequest {
    Mockly {
        client_id: String,
        display_name: Option<String>,
        endpoint: Option<String>,
    },
    Mexc {
        #[serde(default)]
        auth: MexcAuth,
        #[serde(default)]
        listen_key: String,
        #[serde(default)]
        api_key: String,
        #[serde(default)]
        api_secret: String,
        #[serde(default)]
        conversations: Vec<i64>,
        #[serde(default)]
        order_numbers: Vec<String>,
        display_name: Option<String>,
        endpoint: Option<String>,
        rest_base: Option<String>,
    },
    Realtime(crate::commands_realtime::RealtimeRequest),
    Mixin(crate::commands_mixin::MixinRequest),
}

/// A secret typed into settings: trimmed, bounded, no control characters.
fn typed_secret(what: &str, value: &str) -> Result<Secret, CommandError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CommandError(format!("the {what} is required")));
    }
    if value.len() > MAX_ID || value.chars().any(char::is_control) {
        return Err(CommandError(format!("invalid {what}")));
    }
    Ok(Secret::new(value))
}

/// Most order chats one MEXC account may list.
const MAX_CONVERSATIONS: usize = 100;

fn endpoint_or(endpoint: Option<String>, default: fn() -> String) -> String {
    endpoint
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(default)
}

#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    request: AddAccountRequest,
) -> CommandResult<Account> {
    let new = match request {
        AddAccountRequest::Mockly {
            client_id,
            display_name,
            endpoint,
        } => {
            check_id("client id", client_id.trim())?;
            NewAccount {
                display_name: display_name.filter(|n| n.len() <= MAX_ID),
                settings: ServiceSettings::Mockly(MocklySettings {
                    client_id: client_id.trim().to_owned(),
                    endpoint: endpoint_or(endpoint, MocklySettings::default_endpoint),
                }),
                secret: None,
                order_numbers: Vec::new(),
            }
        }
        AddAccountRequest::Mexc {
            auth,
            listen_key,
            api_key,
            api_secret,
            conversations,
            order_numbers,
            display_name,
            endpoint,
            rest_base,
        } => {
            let secret = match auth {
                MexcAuth::ListenKey => typed_secret("listenKey", &listen_key)?,
                MexcAuth::ApiKey => ApiCredentials {
                    api_key: typed_secret("API key", &api_key)?,
                    api_secret: typed_secret("API secret", &api_secret)?,
                }
                .to_secret(),
            };
            if conversations.len() + order_numbers.len() > MAX_CONVERSATIONS
                || conversations.iter().any(|&c| c <= 0)
            {
                return Err(CommandError("invalid conversation ids".into()));
            }
            for order in &order_numbers {
                check_id("order number", order.trim())?;
            }
            NewAccount {
                display_name: display_name.filter(|n| n.len() <= MAX_ID),
                settings: ServiceSettings::Mexc(MexcSettings {
                    auth,
                    rest_base: endpoint_or(rest_base, MexcSettings::default_rest_base),
                    conversations: conversations.into_iter().map(MexcChat::by_id).collect(),
                    ..MexcSettings::with_endpoint(endpoint_or(
                        endpoint,
                        MexcSettings::default_endpoint,
                    ))
                }),
                secret: Some(secret),
                order_numbers,
            }
        }
        AddAccountRequest::Realtime(request) => {
            let (settings, logged) = request.log_in().await?;
            NewAccount {
                display_name: request
                    .display_name
                    .clone()
                    .filter(|n| !n.trim().is_empty() && n.len() <= MAX_ID)
                    .or(logged.name.clone()),
                settings: ServiceSettings::Realtime(settings),
                secret: Some(logged.credentials.to_secret()),
                order_numbers: Vec::new(),
            }
        }
        AddAccountRequest::Mixin(request) => request.into_new_account()?,
    };
    Ok(state.engine.add_account(new).await?)
}

/// Opens another order chat on a MEXC account: a conversation id, or an order number in
/// API-key mode. Returns the room id.
#[tauri::command]
pub async fn add_mexc_chat(
    state: State<'_, AppState>,
    account: String,
    chat: String,
) -> CommandResult<String> {
    check_id("account", &account)?;
    check_id("order number or conversation id", chat.trim())?;
    Ok(state
        .engine
        .add_mexc_chat(&AccountId(account), chat.trim())
        .await?)
}

/// Closes a MEXC order chat or leaves a Realtime room, and forgets its history.
#[tauri::command]
pub async fn remove_room(
    state: State<'_, AppState>,
    account: String,
    room: String,
) -> CommandResult<()> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state.engine.remove_room(&AccountId(account), &room).await?)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, account: String) -> CommandResult<()> {
    check_id("account", &account)?;
    Ok(state.engine.remove_account(&AccountId(account)).await?)
}

#[tauri::command]
pub fn reconnect_now(state: State<'_, AppState>, account: String) -> CommandResult<()> {
    check_id("account", &account)?;
    Ok(state.engine.reconnect_now(&AccountId(account))?)
}

#[tauri::command]
pub async fn dismiss_demo(state: State<'_, AppState>) -> CommandResult<()> {
    state.engine.dismiss_demo().await?;
    state.demo.lock().unwrap_or_else(|p| p.into_inner()).take();
    Ok(())
}

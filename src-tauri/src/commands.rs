//! The commands the page may call. Each checks its arguments as if the page were hostile,
//! then delegates to the engine in a line or two.

use crate::bridge;
use crate::error::{CommandError, CommandResult};
use crate::startup::AppState;
use parley_core::account::{Account, AccountId, MexcSettings, MocklySettings, ServiceSettings};
use parley_core::engine::{AccountView, NewAccount};
use parley_core::message::StoredMessage;
use parley_core::secret::Secret;
use parley_core::store::RoomSummary;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

const MAX_ID: usize = 256;
const MAX_TEXT: usize = 1024 * 1024;

fn check_id(what: &str, value: &str) -> CommandResult<()> {
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
}

#[tauri::command]
pub fn subscribe(state: State<'_, AppState>, on_events: Channel<Vec<Value>>) {
    let task = bridge::forward(state.engine.subscribe(), on_events);
    let previous = state
        .bridge
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(task);
    if let Some(previous) = previous {
        previous.abort();
    }
}

#[tauri::command]
pub async fn snapshot(state: State<'_, AppState>) -> CommandResult<Snapshot> {
    Ok(Snapshot {
        accounts: state.engine.accounts(),
        rooms: state.engine.rooms().await?,
        notices: state.notices.clone(),
    })
}

#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    account: String,
    room: String,
    before: Option<i64>,
    limit: u32,
) -> CommandResult<Vec<StoredMessage>> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state
        .engine
        .history(&AccountId(account), &room, before, limit)
        .await?)
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    account: String,
    room: String,
    text: String,
) -> CommandResult<StoredMessage> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    if text.len() > MAX_TEXT {
        return Err(CommandError("the message is too long".into()));
    }
    Ok(state
        .engine
        .send_text(&AccountId(account), &room, &text)
        .await?)
}

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
    Ok(state.engine.mark_read(&AccountId(account), &room).await?)
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
        listen_key: String,
        conversations: Vec<i64>,
        display_name: Option<String>,
        endpoint: Option<String>,
    },
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
            }
        }
        AddAccountRequest::Mexc {
            listen_key,
            conversations,
            display_name,
            endpoint,
        } => {
            let listen_key = Secret::new(listen_key.trim());
            if listen_key.expose().len() > MAX_ID
                || listen_key.expose().chars().any(char::is_control)
            {
                return Err(CommandError("invalid listenKey".into()));
            }
            if conversations.len() > MAX_CONVERSATIONS || conversations.iter().any(|&c| c <= 0) {
                return Err(CommandError("invalid conversation ids".into()));
            }
            NewAccount {
                display_name: display_name.filter(|n| n.len() <= MAX_ID),
                settings: ServiceSettings::Mexc(MexcSettings {
                    endpoint: endpoint_or(endpoint, MexcSettings::default_endpoint),
                    conversations,
                    create_time_offset_minutes: 0,
                }),
                secret: Some(listen_key),
            }
        }
    };
    Ok(state.engine.add_account(new).await?)
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

//! The commands of Realtime accounts: signing in and testing a connection from settings, the
//! room directory, joining, creating, editing and deleting rooms, typing, the ticker's symbols
//! and older history. Arguments are checked here as if the page were hostile.

use crate::commands::check_id;
use crate::error::{CommandError, CommandResult};
use crate::startup::AppState;
use parley_core::account::{AccountId, RealtimeSendPath, RealtimeSettings};
use parley_core::secret::Secret;
use parley_core::services::realtime::account::{log_in, test_connection, LoggedIn, Login};
use parley_core::services::realtime::catch_up::OlderHistory;
use parley_core::services::realtime::rest::{Page, RoomDraft, RoomInfo};
use serde::Deserialize;
use tauri::State;

const MAX_FIELD: usize = 4096;

/// What the settings screen sends for a Realtime account (to add it or to test it).
#[derive(Deserialize)]
pub struct RealtimeRequest {
    pub base_url: String,
    #[serde(default)]
    pub ws_url: Option<String>,
    pub api_key: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub send_over: RealtimeSendPath,
    #[serde(default)]
    pub display_name: Option<String>,
}

fn bounded(what: &str, value: &str) -> CommandResult<()> {
    if value.len() > MAX_FIELD || value.chars().any(char::is_control) {
        return Err(CommandError(format!("invalid {what}")));
    }
    Ok(())
}

impl RealtimeRequest {
    /// Signs in if the user gave a password; the password is dropped with this request.
    pub async fn log_in(&self) -> CommandResult<(RealtimeSettings, LoggedIn)> {
        for (what, value) in [
            ("server address", &self.base_url),
            ("API key", &self.api_key),
            ("token", &self.token),
            ("email", &self.email),
            ("password", &self.password),
        ] {
            bounded(what, value)?;
        }
        let login = if self.token.trim().is_empty() {
            Login::Password {
                email: self.email.trim().to_owned(),
                password: Secret::new(self.password.clone()),
            }
        } else {
            Login::Token(Secret::new(self.token.trim()))
        };
        let logged = log_in(
            self.base_url.trim(),
            Secret::new(self.api_key.trim()),
            login,
        )
        .await
        .map_err(|e| CommandError(e.to_string()))?;
        let settings = RealtimeSettings {
            ws_url: self
                .ws_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            user_id: logged.user_id.clone(),
            symbols: self
                .symbols
                .iter()
                .map(|s| s.trim().to_uppercase())
                .filter(|s| !s.is_empty())
                .take(20)
                .collect(),
            send_over: self.send_over,
            ..RealtimeSettings::new(self.base_url.trim())
        };
        Ok((settings, logged))
    }
}

/// Settings' "Test connection": REST and the socket's auth, with the exact failure.
#[tauri::command]
pub async fn test_realtime(request: RealtimeRequest) -> CommandResult<String> {
    let (settings, logged) = request.log_in().await?;
    test_connection(&settings, &logged.credentials)
        .await
        .map_err(|e| CommandError(e.to_string()))
}

#[tauri::command]
pub async fn room_directory(
    state: State<'_, AppState>,
    account: String,
    page: u32,
    kind: Option<String>,
) -> CommandResult<Page<RoomInfo>> {
    check_id("account", &account)?;
    Ok(state
        .engine
        .room_directory(
            &AccountId(account),
            page.clamp(1, 10_000),
            20,
            kind.as_deref(),
        )
        .await?)
}

#[tauri::command]
pub async fn join_room(
    state: State<'_, AppState>,
    account: String,
    room: String,
) -> CommandResult<String> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state.engine.join_room(&AccountId(account), &room).await?)
}

#[tauri::command]
pub async fn create_room(
    state: State<'_, AppState>,
    account: String,
    draft: RoomDraft,
) -> CommandResult<RoomInfo> {
    check_id("account", &account)?;
    Ok(state.engine.create_room(&AccountId(account), draft).await?)
}

#[tauri::command]
pub async fn update_room(
    state: State<'_, AppState>,
    account: String,
    room: String,
    draft: RoomDraft,
) -> CommandResult<RoomInfo> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state
        .engine
        .update_room(&AccountId(account), &room, draft)
        .await?)
}

#[tauri::command]
pub async fn delete_room(
    state: State<'_, AppState>,
    account: String,
    room: String,
) -> CommandResult<()> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state
        .engine
        .delete_room_on_server(&AccountId(account), &room)
        .await?)
}

#[tauri::command]
pub fn set_typing(
    state: State<'_, AppState>,
    account: String,
    room: String,
    active: bool,
) -> CommandResult<()> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state
        .engine
        .set_typing(&AccountId(account), &room, active)?)
}

#[tauri::command]
pub fn set_symbols(
    state: State<'_, AppState>,
    account: String,
    symbols: Vec<String>,
) -> CommandResult<Vec<String>> {
    check_id("account", &account)?;
    if symbols.len() > 50 {
        return Err(CommandError("too many symbols".into()));
    }
    Ok(state.engine.set_symbols(&AccountId(account), symbols)?)
}

#[tauri::command]
pub async fn load_older(
    state: State<'_, AppState>,
    account: String,
    room: String,
) -> CommandResult<OlderHistory> {
    check_id("account", &account)?;
    check_id("room", &room)?;
    Ok(state.engine.load_older(&AccountId(account), &room).await?)
}

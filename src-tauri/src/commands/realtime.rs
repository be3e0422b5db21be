//! The commands of Realtime accounts: testing a connection from settings, the room directory,
//! joining, creating, editing and deleting rooms, typing, the ticker's symbols and older history.

use crate::error::{CommandError, CommandResult};
use crate::models::{AccountArg, RoomArg};
use crate::startup::AppState;
use parley_core::services::realtime::catch_up::OlderHistory;
use parley_core::services::realtime::rest::{Page, RoomDraft, RoomInfo};
use parley_core::services::realtime::RealtimeForm;
use tauri::State;

/// Settings' "Test connection": REST and the socket's auth, with the exact failure.
#[tauri::command]
pub async fn test_realtime(
    request: RealtimeForm,
) -> CommandResult<parley_core::engine::CheckReport> {
    Ok(request.test().await?)
}

#[tauri::command]
pub async fn room_directory(
    state: State<'_, AppState>,
    account: AccountArg,
    page: u32,
    kind: Option<String>,
) -> CommandResult<Page<RoomInfo>> {
    let page = page.clamp(1, 10_000);
    Ok(state
        .engine
        .room_directory(&account, page, 20, kind.as_deref())
        .await?)
}

#[tauri::command]
pub async fn join_room(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<String> {
    Ok(state.engine.join_room(&account, &room).await?)
}

#[tauri::command]
pub async fn create_room(
    state: State<'_, AppState>,
    account: AccountArg,
    draft: RoomDraft,
) -> CommandResult<RoomInfo> {
    Ok(state.engine.create_room(&account, draft).await?)
}

#[tauri::command]
pub async fn update_room(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    draft: RoomDraft,
) -> CommandResult<RoomInfo> {
    Ok(state.engine.update_room(&account, &room, draft).await?)
}

#[tauri::command]
pub async fn delete_room(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<()> {
    Ok(state.engine.delete_room_on_server(&account, &room).await?)
}

#[tauri::command]
pub fn set_typing(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    active: bool,
) -> CommandResult<()> {
    Ok(state.engine.set_typing(&account, &room, active)?)
}

#[tauri::command]
pub fn set_symbols(
    state: State<'_, AppState>,
    account: AccountArg,
    symbols: Vec<String>,
) -> CommandResult<Vec<String>> {
    if symbols.len() > 50 {
        return Err(CommandError::invalid("too many symbols"));
    }
    Ok(state.engine.set_symbols(&account, symbols)?)
}

#[tauri::command]
pub async fn load_older(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<OlderHistory> {
    Ok(state.engine.load_older(&account, &room).await?)
}

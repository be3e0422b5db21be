//! Rooms an account opens and closes: a MEXC order chat added by conversation id or order
//! number, and removing a room (a MEXC chat is forgotten, a Realtime room is left).

use crate::error::{CommandError, CommandResult};
use crate::models::{AccountArg, RoomArg};
use crate::startup::AppState;
use tauri::State;

/// Opens another order chat on a MEXC account: a conversation id, or an order number in
/// API-key mode. Returns the room id.
#[tauri::command]
pub async fn add_mexc_chat(
    state: State<'_, AppState>,
    account: AccountArg,
    chat: String,
) -> CommandResult<String> {
    let chat = chat.trim();
    if chat.is_empty() || chat.len() > 256 || chat.chars().any(char::is_control) {
        return Err(CommandError::invalid(
            "invalid order number or conversation id",
        ));
    }
    Ok(state.engine.add_mexc_chat(&account, chat).await?)
}

/// Closes a MEXC order chat or leaves a Realtime room, and forgets its history.
#[tauri::command]
pub async fn remove_room(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<()> {
    Ok(state.engine.remove_room(&account, &room).await?)
}

/// Reads an order chat's order now (the order panel's Refresh).
#[tauri::command]
pub async fn refresh_order(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<parley_core::orders::OrderView> {
    Ok(state.engine.refresh_order(&account, &room).await?)
}

/// The account's live orders as the exchange lists them, to open chats from.
#[tauri::command]
pub async fn open_orders(
    state: State<'_, AppState>,
    account: AccountArg,
) -> CommandResult<Vec<parley_core::orders::OrderDetails>> {
    Ok(state.engine.open_orders(&account).await?)
}

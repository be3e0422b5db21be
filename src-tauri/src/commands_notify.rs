//! Notification settings from the page: mute a room or an account, hide message text, and
//! which room is open (so its messages do not notify while the window has the focus).

use crate::commands::check_id;
use crate::error::CommandResult;
use crate::startup::AppState;
use parley_core::account::AccountId;
use parley_core::notify_policy::{NotificationPrefs, RoomRef};
use tauri::State;

#[tauri::command]
pub fn set_muted(
    state: State<'_, AppState>,
    account: String,
    room: Option<String>,
    muted: bool,
) -> CommandResult<NotificationPrefs> {
    check_id("account", &account)?;
    if let Some(room) = &room {
        check_id("room", room)?;
    }
    Ok(state
        .engine
        .set_muted(&AccountId(account), room.as_deref(), muted)?)
}

#[tauri::command]
pub fn set_hide_text(state: State<'_, AppState>, hide: bool) -> CommandResult<NotificationPrefs> {
    Ok(state.engine.set_hide_text(hide)?)
}

/// The room the page shows (`None` when none is open).
#[tauri::command]
pub fn set_open_room(
    state: State<'_, AppState>,
    account: Option<String>,
    room: Option<String>,
) -> CommandResult<()> {
    let open = match (account, room) {
        (Some(account), Some(room)) => {
            check_id("account", &account)?;
            check_id("room", &room)?;
            Some(RoomRef {
                account: AccountId(account),
                room,
            })
        }
        _ => None,
    };
    state.focus.update(|f| f.open_room = open);
    Ok(())
}

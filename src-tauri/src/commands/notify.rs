//! Notification settings from the page: mute a room or an account, hide message text, and
//! which room is open (so its messages do not notify while the window has the focus).

use crate::error::{CommandError, CommandResult};
use crate::models::{AccountArg, RoomArg};
use crate::startup::AppState;
use parley_core::config::DesktopPrefs;
use parley_core::notify_policy::{NotificationPrefs, RoomRef};
use tauri::State;

#[tauri::command]
pub fn set_muted(
    state: State<'_, AppState>,
    account: AccountArg,
    room: Option<RoomArg>,
    muted: bool,
) -> CommandResult<NotificationPrefs> {
    let prefs = state.engine.set_muted(&account, room.as_deref(), muted)?;
    // A muted room leaves the tray's count.
    state.badge_dirty.notify_one();
    Ok(prefs)
}

/// Close to tray, start at login, start hidden. Start at login is registered with the
/// desktop (an autostart entry) at once.
#[tauri::command]
pub fn set_desktop_prefs(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    prefs: DesktopPrefs,
) -> CommandResult<DesktopPrefs> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let registered = if prefs.start_at_login {
        launcher.enable()
    } else {
        launcher.disable()
    };
    if let Err(e) = registered {
        return Err(CommandError::internal(format!(
            "start at login could not be {}: {e}",
            if prefs.start_at_login {
                "set up"
            } else {
                "removed"
            }
        )));
    }
    Ok(state.engine.set_desktop_prefs(prefs)?)
}

#[tauri::command]
pub fn set_hide_text(state: State<'_, AppState>, hide: bool) -> CommandResult<NotificationPrefs> {
    Ok(state.engine.set_hide_text(hide)?)
}

/// The room the page shows (`None` when none is open).
#[tauri::command]
pub fn set_open_room(
    state: State<'_, AppState>,
    account: Option<AccountArg>,
    room: Option<RoomArg>,
) -> CommandResult<()> {
    let open = account.zip(room).map(|(account, room)| RoomRef {
        account: account.0,
        room: room.0,
    });
    state.focus.update(|f| f.open_room = open);
    Ok(())
}

/// Whether an account's media load by themselves (otherwise each loads on a click).
#[tauri::command]
pub fn set_auto_media(
    state: State<'_, AppState>,
    account: AccountArg,
    auto: bool,
) -> CommandResult<()> {
    Ok(state.engine.set_auto_media(&account, auto)?)
}

/// Empties the notifications panel (*Clear all*).
#[tauri::command]
pub fn clear_alerts(state: State<'_, AppState>) {
    state.alerts.clear();
}

/// Whether a new message in the room plays a sound in the window (order chats do unless
/// silenced).
#[tauri::command]
pub fn set_room_sound(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    on: bool,
) -> CommandResult<NotificationPrefs> {
    Ok(state.engine.set_room_sound(&account, &room, on)?)
}

//! The tray icon: the total unread count (as the icon's label and tooltip), and a menu that
//! shows or hides the window, mutes every notification and quits. Closing the window keeps
//! Parley running here when the user chose "close to tray" in Settings.

use crate::startup::AppState;
use parley_core::event::Event;
use std::time::Duration;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

const ID: &str = "parley";

/// Shows the window if it is hidden or minimized, hides it otherwise.
pub fn toggle_window(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let visible = window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(false);
    if visible {
        crate::window_reveal::settle(app);
        let _ = window.hide();
    } else {
        show_window(app);
    }
}

/// Brings the window to the front and gives it the keyboard (desktops without a window manager,
/// like a bare X session, would otherwise leave it unfocused).
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Creates the tray icon. `None` when the desktop has no tray (the window then quits on close).
pub fn create(app: &AppHandle, paused: bool) -> Option<TrayIcon> {
    let built = (|| -> tauri::Result<TrayIcon> {
        let toggle = MenuItem::with_id(app, "toggle", "Show or hide Parley", true, None::<&str>)?;
        let mute = CheckMenuItem::with_id(
            app,
            "mute",
            "Mute notifications",
            true,
            paused,
            None::<&str>,
        )?;
        let quit = MenuItem::with_id(app, "quit", "Quit Parley", true, None::<&str>)?;
        let separator = PredefinedMenuItem::separator(app)?;
        let menu = Menu::with_items(app, &[&toggle, &mute, &separator, &quit])?;
        let mut builder = TrayIconBuilder::with_id(ID)
            .tooltip("Parley")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(move |app, event| match event.id.as_ref() {
                "toggle" => toggle_window(app),
                "mute" => {
                    if let Some(state) = app.try_state::<AppState>() {
                        let paused = !state.engine.notification_prefs().paused;
                        if let Err(e) = state.engine.set_notifications_paused(paused) {
                            tracing::warn!(error = %e, "cannot save the notification setting");
                        }
                    }
                }
                "quit" => app.exit(0),
                _ => {}
            })
            .on_tray_icon_event(|tray, event| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    toggle_window(tray.app_handle());
                }
            });
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    })();
    match built {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon: closing the window will quit");
            None
        }
    }
}

/// Keeps the unread count of the tray (if there is one) and of the window title in step with
/// the store: recounted after messages arrive or are read (at most every 300 ms).
pub fn follow_unread(app: AppHandle, tray: Option<TrayIcon>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let engine = state.engine.clone();
    let mut events = engine.subscribe();
    let read = state.badge_dirty.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = None;
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(Event::Message(_) | Event::AccountsChanged) | Err(RecvError::Lagged(_)) => {}
                    Ok(_) => continue,
                    Err(RecvError::Closed) => return,
                },
                _ = read.notified() => {}
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            // One recount covers everything that arrived meanwhile.
            while !matches!(
                events.try_recv(),
                Err(TryRecvError::Empty | TryRecvError::Closed)
            ) {}
            let count = engine.badge_count().await.unwrap_or(0);
            if shown == Some(count) {
                continue;
            }
            shown = Some(count);
            let label = (count > 0).then(|| {
                if count > 999 {
                    "999+".to_owned()
                } else {
                    count.to_string()
                }
            });
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_title(&window_title(count));
            }
            let Some(tray) = &tray else { continue };
            let _ = tray.set_title(label.as_deref());
            let tooltip = match count {
                0 => "Parley".to_owned(),
                1 => "Parley — 1 unread message".to_owned(),
                n => format!("Parley — {n} unread messages"),
            };
            let _ = tray.set_tooltip(Some(tooltip));
        }
    });
}

/// The window's title: "Parley", or "(3) Parley" with unread messages, as browsers and chat
/// apps show it in the task switcher.
pub fn window_title(unread: u32) -> String {
    match unread {
        0 => "Parley".to_owned(),
        n if n > 999 => "(999+) Parley".to_owned(),
        n => format!("({n}) Parley"),
    }
}

#[cfg(test)]
mod title_tests {
    use super::window_title;

    #[test]
    fn the_window_title_carries_the_unread_count() {
        assert_eq!(window_title(0), "Parley");
        assert_eq!(window_title(3), "(3) Parley");
        assert_eq!(window_title(1000), "(999+) Parley");
    }
}

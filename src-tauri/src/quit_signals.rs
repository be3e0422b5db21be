//! SIGTERM (a logout, `systemctl stop`, `kill`) and SIGINT (Ctrl-C in the terminal that
//! started Parley) quit the app the ordinary way: the `Exit` event runs the engine's shutdown,
//! which closes the sockets and deletes the MEXC listenKeys Parley created, as the README
//! promises for every exit. Without this the default action killed the process at once.

use tauri::AppHandle;

/// Listens for SIGTERM and SIGINT from now on; the first one asks the app to exit.
#[cfg(unix)]
pub fn quit_on_signal(handle: AppHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    tauri::async_runtime::spawn(async move {
        let (mut terminate, mut interrupt) = match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(t), Ok(i)) => (t, i),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM/SIGINT");
                return;
            }
        };
        let name = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        };
        tracing::info!(
            signal = name,
            "quitting: closing connections and deleting listenKeys"
        );
        handle.exit(0);
    });
}

#[cfg(not(unix))]
pub fn quit_on_signal(_handle: AppHandle) {}

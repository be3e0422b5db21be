//! SIGTERM (a logout, `systemctl stop`, `kill`) and SIGINT (Ctrl-C in the terminal that
//! started Parley) quit the app the ordinary way: the `Exit` event runs the engine's shutdown,
//! which closes the sockets and deletes the MEXC listenKeys Parley created, as the README
//! promises for every exit. Without this the default action killed the process at once.
//!
//! The signals are taken over first thing in `main` ([`listen`]), before the accounts start:
//! the Demo's MEXC chat can create a listenKey before the window exists, and a signal in that
//! moment used to kill the process with the key left behind. One that arrives before the app
//! is ready is kept and acted on as soon as it is ([`Pending::quit_app`]).

use tauri::AppHandle;

/// A quit signal, received or still to come.
pub struct Pending {
    received: Option<tokio::sync::oneshot::Receiver<&'static str>>,
}

/// Takes SIGTERM and SIGINT over from now on.
#[cfg(unix)]
pub fn listen() -> Pending {
    use tokio::signal::unix::{signal, SignalKind};
    // Registered before this returns (in the runtime's context), so no signal slips through.
    let streams = tauri::async_runtime::block_on(async {
        (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        )
    });
    let (mut terminate, mut interrupt) = match streams {
        (Ok(t), Ok(i)) => (t, i),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM/SIGINT");
            return Pending { received: None };
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tauri::async_runtime::spawn(async move {
        let name = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        };
        let _ = tx.send(name);
    });
    Pending { received: Some(rx) }
}

#[cfg(not(unix))]
pub fn listen() -> Pending {
    Pending { received: None }
}

impl Pending {
    /// The app is ready: the signal (already received, or the first to come) asks it to exit.
    pub fn quit_app(self, handle: AppHandle) {
        let Some(received) = self.received else {
            return;
        };
        tauri::async_runtime::spawn(async move {
            if let Ok(name) = received.await {
                tracing::info!(
                    signal = name,
                    "quitting: closing connections and deleting listenKeys"
                );
                handle.exit(0);
            }
        });
    }
}

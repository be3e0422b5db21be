//! The event bridge from core to page. Events are gathered for up to one frame (16 ms) or
//! 512 events, whichever comes first, and sent as one batch through a Tauri channel: under
//! load the page gets about sixty deliveries a second, never one IPC call per message.

use parley_core::event::Event;
use serde_json::{json, Value};
use std::time::Duration;
use tauri::ipc::Channel;
use tokio::sync::broadcast::{error::RecvError, Receiver};
use tokio::time::{timeout_at, Instant};

const FRAME: Duration = Duration::from_millis(16);
const MAX_BATCH: usize = 512;

/// Tells the page to reload its snapshot: it fell so far behind that events were dropped.
fn resync() -> Value {
    json!({"event": "resync"})
}

fn encode(event: &Event) -> Value {
    serde_json::to_value(event).unwrap_or_else(|e| {
        tracing::error!(error = %e, "event could not be encoded");
        resync()
    })
}

pub fn forward(
    mut events: Receiver<Event>,
    channel: Channel<Vec<Value>>,
) -> tauri::async_runtime::JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        loop {
            let first = match events.recv().await {
                Ok(event) => encode(&event),
                Err(RecvError::Lagged(_)) => resync(),
                Err(RecvError::Closed) => return,
            };
            let mut batch = vec![first];
            let deadline = Instant::now() + FRAME;
            while batch.len() < MAX_BATCH {
                match timeout_at(deadline, events.recv()).await {
                    Ok(Ok(event)) => batch.push(encode(&event)),
                    Ok(Err(RecvError::Lagged(_))) => batch.push(resync()),
                    Ok(Err(RecvError::Closed)) | Err(_) => break,
                }
            }
            if let Err(e) = channel.send(batch) {
                tracing::debug!(error = %e, "page gone; bridge stops");
                return;
            }
        }
    })
}

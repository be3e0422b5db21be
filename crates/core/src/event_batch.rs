//! Events for the page, gathered into batches: for up to one frame (16 ms) or 512 events,
//! whichever comes first. Under load the page gets about sixty deliveries a second, never
//! one IPC call per message. The desktop bridge sends each batch over a Tauri channel; the
//! ingest benchmark consumes the same batches.

use crate::event::Event;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::broadcast::{error::RecvError, Receiver};
use tokio::time::{timeout_at, Instant};

pub const FRAME: Duration = Duration::from_millis(16);
pub const MAX_BATCH: usize = 512;

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

/// The next batch, encoded for the page; `None` once the engine is gone.
pub async fn next_batch(events: &mut Receiver<Event>) -> Option<Vec<Value>> {
    let first = match events.recv().await {
        Ok(event) => encode(&event),
        Err(RecvError::Lagged(_)) => resync(),
        Err(RecvError::Closed) => return None,
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
    Some(batch)
}

//! Events for the page, gathered into batches: at most one batch per frame (16 ms) and at most
//! 512 events each. Under load the page gets about sixty deliveries a second, never one IPC call
//! per message; after a quiet moment the first event goes at once (and whatever is already
//! waiting with it), so a single message is not held back a frame. The desktop bridge sends each
//! batch over a Tauri channel; the ingest benchmark consumes the same batches.

use crate::event::Event;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::broadcast::{error::RecvError, error::TryRecvError, Receiver};
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

/// Batches events from one subscription.
pub struct EventBatches {
    events: Receiver<Event>,
    /// When the previous batch went out: the next one is due a frame later.
    last_sent: Option<Instant>,
}

impl EventBatches {
    pub fn new(events: Receiver<Event>) -> EventBatches {
        EventBatches {
            events,
            last_sent: None,
        }
    }

    /// The next batch, encoded for the page; `None` once the engine is gone.
    pub async fn next(&mut self) -> Option<Vec<Value>> {
        let first = match self.events.recv().await {
            Ok(event) => encode(&event),
            Err(RecvError::Lagged(_)) => resync(),
            Err(RecvError::Closed) => return None,
        };
        let mut batch = vec![first];
        let due = self.last_sent.map(|at| at + FRAME);
        match due {
            // Busy: gather until a frame after the previous batch.
            Some(due) if due > Instant::now() => {
                while batch.len() < MAX_BATCH {
                    match timeout_at(due, self.events.recv()).await {
                        Ok(Ok(event)) => batch.push(encode(&event)),
                        Ok(Err(RecvError::Lagged(_))) => batch.push(resync()),
                        Ok(Err(RecvError::Closed)) | Err(_) => break,
                    }
                }
            }
            // Quiet until now: send at once, with what is already waiting.
            _ => {
                while batch.len() < MAX_BATCH {
                    match self.events.try_recv() {
                        Ok(event) => batch.push(encode(&event)),
                        Err(TryRecvError::Lagged(_)) => batch.push(resync()),
                        Err(_) => break,
                    }
                }
            }
        }
        self.last_sent = Some(Instant::now());
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountId;
    use tokio::sync::broadcast;

    fn presence(n: u32) -> Event {
        Event::Presence {
            account: AccountId("a".into()),
            room: "r".into(),
            online: n,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_event_goes_at_once_and_a_stream_goes_once_a_frame() {
        let (tx, rx) = broadcast::channel(4096);
        let mut batches = EventBatches::new(rx);
        tx.send(presence(1)).unwrap();
        let started = Instant::now();
        assert_eq!(batches.next().await.unwrap().len(), 1);
        assert_eq!(started.elapsed(), Duration::ZERO, "not held back a frame");
        // A stream: the next batch waits for the frame and carries everything sent meanwhile.
        for n in 0..100 {
            tx.send(presence(n)).unwrap();
        }
        let batch = batches.next().await.unwrap();
        assert_eq!(batch.len(), 100);
        assert_eq!(started.elapsed(), FRAME);
        // At most MAX_BATCH per delivery.
        for n in 0..(MAX_BATCH as u32 + 10) {
            tx.send(presence(n)).unwrap();
        }
        assert_eq!(batches.next().await.unwrap().len(), MAX_BATCH);
        assert_eq!(batches.next().await.unwrap().len(), 10);
    }
}

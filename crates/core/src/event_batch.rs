//! Events for the page, gathered into batches of at most 512 events, never one IPC call per
//! message. While the page has not yet said it took the previous batch (it says so when the batch
//! arrives if its next frame has little to draw, otherwise once it drew it: batches.js), events gather for at most
//! half a frame (8 ms) after it; once the page has drawn it (or right away after a quiet spell) the
//! next event goes at once, with whatever is already waiting. The page draws every batch that
//! reached it before its next frame in that frame, so a shorter hold only means more, smaller
//! batches between two frames. Measured in `bash scripts/bench-ui.sh load` (A/B in one hour):
//! holding a whole frame (16 ms) put push → painted at p50 32-36 ms; 8 ms, 26-28 ms, with frames
//! as smooth while a backlog lands (p99 30 ms) in half as many frames; 4 ms was no faster and made
//! those frames rougher (p99 35-44 ms). Waiting for the page alone was measured and not kept: each
//! batch then paid the page's draw plus two IPC round trips (push to the batch reaching the page,
//! p50 18 -> 34 ms). The desktop bridge sends each batch over a Tauri channel; the benchmarks
//! consume the same batches.
//!
//! Each event is encoded to its JSON text once, here: sending the batch only joins those texts.
//! (Encoding to a `serde_json::Value` first built and dropped a tree of maps per event, then
//! walked it again to write the text.)

use crate::event::Event;
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{error::RecvError, error::TryRecvError, Receiver};
use tokio::sync::Notify;
use tokio::time::{sleep_until, Instant};

pub const MAX_BATCH: usize = 512;

/// The longest events wait for a page that has not answered yet: half a 60 Hz frame.
pub const HOLD: Duration = Duration::from_millis(8);

/// One event as the page receives it: its JSON text.
pub type EncodedEvent = Box<RawValue>;

/// Tells the page to reload its snapshot: it fell so far behind that events were dropped.
fn resync() -> EncodedEvent {
    RawValue::from_string(r#"{"event":"resync"}"#.to_owned()).expect("constant JSON")
}

fn encode(event: &Event) -> EncodedEvent {
    serde_json::value::to_raw_value(event).unwrap_or_else(|e| {
        tracing::error!(error = %e, "event could not be encoded");
        resync()
    })
}

/// The page's answers: how many batches it has drawn. Cheap to clone.
#[derive(Clone, Default)]
pub struct PageDrawn {
    batches: Arc<AtomicU64>,
    wake: Arc<Notify>,
}

impl PageDrawn {
    /// The page drew `batches` more batches (it may draw several in one frame).
    pub fn drew(&self, batches: u64) {
        self.batches.fetch_add(batches, Ordering::AcqRel);
        self.wake.notify_one();
    }

    fn count(&self) -> u64 {
        self.batches.load(Ordering::Acquire)
    }
}

/// Batches events from one subscription.
pub struct EventBatches {
    events: Receiver<Event>,
    drawn: PageDrawn,
    sent: u64,
    last_sent: Instant,
}

impl EventBatches {
    pub fn new(events: Receiver<Event>) -> EventBatches {
        EventBatches {
            events,
            drawn: PageDrawn::default(),
            sent: 0,
            last_sent: Instant::now(),
        }
    }

    /// Where the page reports the batches it drew.
    pub fn drawn(&self) -> PageDrawn {
        self.drawn.clone()
    }

    /// The next batch, encoded for the page; `None` once the engine is gone.
    pub async fn next(&mut self) -> Option<Vec<EncodedEvent>> {
        let first = loop {
            match self.events.recv().await {
                Ok(event) if !event.is_shown() => continue,
                Ok(event) => break encode(&event),
                Err(RecvError::Lagged(_)) => break resync(),
                Err(RecvError::Closed) => return None,
            }
        };
        // The page is still drawing the previous batch: what arrives meanwhile joins this one.
        let give_up = self.last_sent + HOLD;
        while self.drawn.count() < self.sent {
            tokio::select! {
                _ = self.drawn.wake.notified() => {}
                _ = sleep_until(give_up) => break,
            }
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match self.events.try_recv() {
                Ok(event) if !event.is_shown() => {}
                Ok(event) => batch.push(encode(&event)),
                Err(TryRecvError::Lagged(_)) => batch.push(resync()),
                Err(_) => break,
            }
        }
        self.sent += 1;
        self.last_sent = Instant::now();
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
    async fn events_go_at_once_to_an_idle_page_and_gather_while_it_draws() {
        let (tx, rx) = broadcast::channel(4096);
        let mut batches = EventBatches::new(rx);
        let page = batches.drawn();
        tx.send(presence(1)).unwrap();
        let started = Instant::now();
        assert_eq!(batches.next().await.unwrap().len(), 1);
        assert_eq!(started.elapsed(), Duration::ZERO, "not held back");
        // The page answers after 6 ms (within the hold); everything sent meanwhile goes the
        // moment it has.
        for n in 0..100 {
            tx.send(presence(n)).unwrap();
        }
        let drawing = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(6)).await;
            page.drew(1);
            page
        });
        let batch = batches.next().await.unwrap();
        assert_eq!(batch.len(), 100);
        assert_eq!(started.elapsed(), Duration::from_millis(6));
        let page = drawing.await.unwrap();
        // At most MAX_BATCH per delivery.
        page.drew(1);
        for n in 0..(MAX_BATCH as u32 + 10) {
            tx.send(presence(n)).unwrap();
        }
        assert_eq!(batches.next().await.unwrap().len(), MAX_BATCH);
        page.drew(1);
        assert_eq!(batches.next().await.unwrap().len(), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn a_page_that_has_not_answered_gets_a_batch_every_half_frame() {
        let (tx, rx) = broadcast::channel(4096);
        let mut batches = EventBatches::new(rx);
        tx.send(presence(1)).unwrap();
        batches.next().await.unwrap();
        let sent = Instant::now();
        tx.send(presence(2)).unwrap();
        tx.send(presence(3)).unwrap();
        assert_eq!(batches.next().await.unwrap().len(), 2);
        assert_eq!(sent.elapsed(), HOLD);
        assert!(HOLD < Duration::from_millis(16), "less than a frame");
    }

    #[tokio::test(start_paused = true)]
    async fn a_page_that_fell_behind_the_buffer_is_told_to_reload() {
        let (tx, rx) = broadcast::channel(16);
        let mut batches = EventBatches::new(rx);
        tx.send(presence(0)).unwrap();
        batches.next().await.unwrap();
        for n in 0..40 {
            tx.send(presence(n)).unwrap();
        }
        let batch = batches.next().await.unwrap();
        let first: serde_json::Value = serde_json::from_str(batch[0].get()).unwrap();
        assert_eq!(first["event"], "resync");
    }
}

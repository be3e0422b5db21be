//! The event bridge from core to page: each batch of [`parley_core::event_batch`] goes to the
//! page as one message on a Tauri channel, and the page answers `events_drawn` once it drew it.

use parley_core::event::Event;
use parley_core::event_batch::{EncodedEvent, EventBatches, PageDrawn};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;
use tokio::sync::broadcast::Receiver;

/// One page load's bridge.
pub struct Bridge {
    task: JoinHandle<()>,
    /// Where the page's `events_drawn` answers go.
    pub drawn: PageDrawn,
}

impl Bridge {
    /// Stops forwarding (the page was reloaded and subscribed again).
    pub fn stop(self) {
        self.task.abort();
    }
}

pub fn forward(events: Receiver<Event>, channel: Channel<Vec<EncodedEvent>>) -> Bridge {
    let mut batches = EventBatches::new(events);
    let drawn = batches.drawn();
    let task = tauri::async_runtime::spawn(async move {
        while let Some(batch) = batches.next().await {
            if let Err(e) = channel.send(batch) {
                tracing::debug!(error = %e, "page gone; bridge stops");
                return;
            }
        }
    });
    Bridge { task, drawn }
}

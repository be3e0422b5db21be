//! The event bridge from core to page: each batch of [`parley_core::event_batch`] goes to the
//! page as one message on a Tauri channel.

use parley_core::event::Event;
use parley_core::event_batch::EventBatches;
use serde_json::Value;
use tauri::ipc::Channel;
use tokio::sync::broadcast::Receiver;

pub fn forward(
    events: Receiver<Event>,
    channel: Channel<Vec<Value>>,
) -> tauri::async_runtime::JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        let mut batches = EventBatches::new(events);
        while let Some(batch) = batches.next().await {
            if let Err(e) = channel.send(batch) {
                tracing::debug!(error = %e, "page gone; bridge stops");
                return;
            }
        }
    })
}

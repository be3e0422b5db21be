//! Writing a socket's queued frames as a server under load does: every frame already queued
//! goes out behind the first with one flush (one write system call), not one flush per frame.

use futures_util::{Sink, SinkExt};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_tungstenite::tungstenite::Message;

/// At most this many frames are written per flush.
const MAX_PER_FLUSH: usize = 256;

/// How a write ended.
#[derive(Debug, PartialEq)]
pub enum Written {
    Open,
    /// A close frame went out: the socket is done.
    Closed,
    /// The peer is gone.
    Failed,
}

/// Writes `first` and what is queued behind it (up to a close frame), then flushes.
pub async fn write_queued<S>(
    sink: &mut S,
    first: Message,
    queue: &mut UnboundedReceiver<Message>,
) -> Written
where
    S: Sink<Message> + Unpin,
{
    let mut next = Some(first);
    let mut written = 0;
    while let Some(frame) = next.take() {
        let closing = matches!(frame, Message::Close(_));
        if sink.feed(frame).await.is_err() {
            return Written::Failed;
        }
        if closing {
            let _ = sink.flush().await;
            return Written::Closed;
        }
        written += 1;
        if written < MAX_PER_FLUSH {
            next = queue.try_recv().ok();
        }
    }
    match sink.flush().await {
        Ok(()) => Written::Open,
        Err(_) => Written::Failed,
    }
}

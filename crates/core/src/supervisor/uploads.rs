//! The files a connection is uploading, each in a task of its own: the socket is read, pinged
//! and written on while a big file goes up (awaited inline, a minute-long upload stopped the
//! session's heartbeat). Later messages of the same room wait behind an upload, so a caption
//! typed after a photo never arrives before it; other rooms go on. An upload reports its
//! progress a few times a second and can be cancelled.

use crate::account::AccountId;
use crate::companion::DeliveryError;
use crate::event::Event;
use crate::message::Media;
use crate::upload_progress::UploadProgress;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::task::{AbortHandle, JoinHandle};

/// How often an upload's progress is told.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// An upload's outcome, for the message it belongs to.
pub(super) type Finished = (i64, Result<Media, DeliveryError>);

/// Who is told of an upload's progress, and about which message.
pub(super) struct ProgressTo {
    pub events: broadcast::Sender<Event>,
    pub account: AccountId,
    pub room: String,
    pub local_id: i64,
    pub total_bytes: u64,
}

#[derive(Default)]
pub(super) struct Uploads {
    running: HashMap<i64, (String, AbortHandle)>,
    tasks: FuturesUnordered<BoxFuture<'static, Finished>>,
}

impl Uploads {
    /// Runs `upload` for message `local_id` of `room`, telling its progress as it goes.
    pub(super) fn start(
        &mut self,
        upload: BoxFuture<'static, Result<Media, DeliveryError>>,
        progress: UploadProgress,
        to: ProgressTo,
    ) {
        let local_id = to.local_id;
        let room = to.room.clone();
        let task: JoinHandle<Result<Media, DeliveryError>> =
            tokio::spawn(report_while(upload, progress, to));
        self.running.insert(local_id, (room, task.abort_handle()));
        self.tasks.push(Box::pin(async move {
            let result = match task.await {
                Ok(result) => result,
                Err(e) => Err(DeliveryError {
                    reason: if e.is_cancelled() {
                        "the upload was cancelled".into()
                    } else {
                        format!("the upload task ended: {e}")
                    },
                    permanent: false,
                    retry_after: None,
                }),
            };
            (local_id, result)
        }));
    }

    pub(super) fn busy(&self) -> bool {
        !self.tasks.is_empty()
    }

    pub(super) fn is_uploading(&self, local_id: i64) -> bool {
        self.running.contains_key(&local_id)
    }

    /// Whether a message of `room` is being uploaded (later ones of that room wait for it).
    pub(super) fn holds_room(&self, room: &str) -> bool {
        self.running.values().any(|(r, _)| r == room)
    }

    /// The next upload that ended (never resolves while none runs).
    pub(super) async fn next_finished(&mut self) -> Option<Finished> {
        let (local_id, result) = self.tasks.next().await?;
        // An upload cancelled on purpose was already forgotten: its outcome means nothing.
        self.running.remove(&local_id)?;
        Some((local_id, result))
    }

    /// Stops the upload of `local_id`; whether one was running.
    pub(super) fn cancel(&mut self, local_id: i64) -> bool {
        match self.running.remove(&local_id) {
            Some((_, task)) => {
                task.abort();
                true
            }
            None => false,
        }
    }

    /// Stops every upload (the connection is ending; the messages stay in the outbox and are
    /// uploaded again on the next start, never sent twice as none was sent).
    pub(super) fn cancel_all(&mut self) {
        for (_, (_, task)) in self.running.drain() {
            task.abort();
        }
    }
}

impl Drop for Uploads {
    fn drop(&mut self) {
        self.cancel_all();
    }
}

/// Runs `upload`, publishing its progress every [`PROGRESS_EVERY`] while it runs.
async fn report_while(
    upload: BoxFuture<'static, Result<Media, DeliveryError>>,
    progress: UploadProgress,
    to: ProgressTo,
) -> Result<Media, DeliveryError> {
    let mut upload = upload;
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut told = None;
    loop {
        tokio::select! {
            result = &mut upload => return result,
            _ = tick.tick() => {
                let sent = progress.sent().min(to.total_bytes);
                if told != Some(sent) {
                    told = Some(sent);
                    let _ = to.events.send(Event::UploadProgress {
                        account: to.account.clone(),
                        room: to.room.clone(),
                        local_id: to.local_id,
                        sent_bytes: sent,
                        total_bytes: to.total_bytes,
                    });
                }
            }
        }
    }
}

//! The files a connection is uploading, each in a task of its own: the socket is read, pinged
//! and written on while a big file goes up (awaited inline, a minute-long upload stopped the
//! session's heartbeat). Later messages of the same room wait behind an upload, so a caption
//! typed after a photo never arrives before it; other rooms go on. An upload reports its
//! progress a few times a second and can be cancelled. One that fails for now waits (the
//! server's `Retry-After`, or `Tuning::upload_retry`) before it goes up again, for at most the
//! message's life; at most [`MAX_AT_ONCE`] run together.

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
use tokio::time::Instant;

/// How often an upload's progress is told.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// At most this many files go up at once (each is read whole into memory: up to 100 MB); the
/// others wait their turn, holding their rooms.
pub(super) const MAX_AT_ONCE: usize = 2;

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

/// Where one message's file stands.
enum Stage {
    Running(AbortHandle),
    /// It failed for now; it goes up again at `until`.
    Waiting {
        until: Instant,
    },
}

/// A file being uploaded or waiting to be uploaded again, and since when it has been failing
/// (its retries end after the message's life, counted from the first failure).
struct Held {
    room: String,
    stage: Stage,
    failing_since: Option<Instant>,
}

#[derive(Default)]
pub(super) struct Uploads {
    held: HashMap<i64, Held>,
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
        let failing_since = self.held.get(&local_id).and_then(|h| h.failing_since);
        self.held.insert(
            local_id,
            Held {
                room,
                stage: Stage::Running(task.abort_handle()),
                failing_since,
            },
        );
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

    /// Whether an upload task is still to be collected by [`Self::next_finished`].
    pub(super) fn busy(&self) -> bool {
        !self.tasks.is_empty()
    }

    /// Whether another upload may start now.
    pub(super) fn has_room_for_one(&self) -> bool {
        self.running() < MAX_AT_ONCE
    }

    fn running(&self) -> usize {
        self.held
            .values()
            .filter(|h| matches!(h.stage, Stage::Running(_)))
            .count()
    }

    /// Whether the outbox must pass over message `local_id` of `room` at `now`: its file is
    /// going up or waiting to go up again, or an earlier file of its room is (order kept).
    pub(super) fn holds(&self, local_id: i64, room: &str, now: Instant) -> bool {
        if let Some(own) = self.held.get(&local_id) {
            return match own.stage {
                Stage::Running(_) => true,
                Stage::Waiting { until } => until > now,
            };
        }
        self.held.values().any(|h| h.room == room)
    }

    /// When a file waiting to go up again is due (the outbox is flushed then); none while no
    /// upload could start (the end of a running one flushes the outbox anyway).
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        if !self.has_room_for_one() {
            return None;
        }
        self.held
            .values()
            .filter_map(|h| match h.stage {
                Stage::Waiting { until } => Some(until),
                Stage::Running(_) => None,
            })
            .min()
    }

    /// The next upload that ended (never resolves while none runs). The outcome of one that
    /// was cancelled meanwhile is passed over.
    pub(super) async fn next_finished(&mut self) -> Option<Finished> {
        loop {
            let (local_id, result) = self.tasks.next().await?;
            let running = self
                .held
                .get(&local_id)
                .is_some_and(|h| matches!(h.stage, Stage::Running(_)));
            if !running {
                continue;
            }
            match &result {
                // Failed for now: the caller says when to try again (`retry_at`).
                Err(e) if !e.permanent => {}
                _ => {
                    self.held.remove(&local_id);
                }
            }
            return Some((local_id, result));
        }
    }

    /// The upload of `local_id` failed for now, at `now`: it goes up again after `wait`,
    /// unless it has been failing for `life` already (`false`: give up and fail the message).
    pub(super) fn retry_at(
        &mut self,
        local_id: i64,
        now: Instant,
        wait: Duration,
        life: Duration,
    ) -> bool {
        let Some(held) = self.held.get_mut(&local_id) else {
            return false;
        };
        let since = *held.failing_since.get_or_insert(now);
        if now.duration_since(since) >= life {
            self.held.remove(&local_id);
            return false;
        }
        held.stage = Stage::Waiting { until: now + wait };
        true
    }

    /// Stops (or forgets) the upload of `local_id`.
    pub(super) fn cancel(&mut self, local_id: i64) {
        if let Some(Held {
            stage: Stage::Running(task),
            ..
        }) = self.held.remove(&local_id)
        {
            task.abort();
        }
    }

    /// Stops every upload (the connection is ending; the messages stay in the outbox and are
    /// uploaded again on the next start, never sent twice as none was sent).
    pub(super) fn cancel_all(&mut self) {
        for (_, held) in self.held.drain() {
            if let Stage::Running(task) = held.stage {
                task.abort();
            }
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

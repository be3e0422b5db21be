//! Names for senders the account has not seen in any REST page yet. The socket's `chat:message`
//! carries only a `userId`, and names are learnt from REST history; someone whose first message
//! arrives live was shown as "user_1015" for good, while the same person's messages fetched over
//! REST later said "Member 1". Their message is on the server already, so the room's newest REST
//! page names them: read within [`LOOKUP_TIMEOUT`] (the message waits for it before it is
//! stored), at most every [`AT_MOST_EVERY`] per room, and for a sender the last read covered,
//! not before [`AGAIN_AFTER`].

use super::codec::Shared;
use super::rest::RealtimeRest;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How many of the room's newest messages are read for their senders' names.
const PAGE: u32 = 20;
/// A room is read again for a sender its last read named or showed without a name no sooner
/// than this (a server that gives no names costs one request per room per interval).
const AGAIN_AFTER: Duration = Duration::from_secs(30);
/// A room is read at most this often: a sender its last read did not cover (a second newcomer a
/// moment after the first) waits for the rest of it, then the room is read again.
const AT_MOST_EVERY: Duration = Duration::from_millis(250);
/// A lookup that takes longer stores the message without a name.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);
/// Senders a read covered, remembered per room (a page holds at most [`PAGE`]).
const COVERED_PER_ROOM: usize = 4 * PAGE as usize;

/// A room's last read for names: when, and whose messages it held.
#[derive(Default)]
struct LastRead {
    at: Option<Instant>,
    covered: std::collections::HashSet<String>,
}

impl LastRead {
    /// Whether reading the room again may name `user_id`: not when its last read covered them
    /// (their name is missing from the page) and is recent.
    fn worth_reading_for(&self, user_id: &str) -> bool {
        match self.at {
            Some(at) if self.covered.contains(user_id) => at.elapsed() >= AGAIN_AFTER,
            _ => true,
        }
    }

    /// How long to wait before the room may be read again.
    fn wait(&self) -> Duration {
        self.at.map_or(Duration::ZERO, |at| {
            AT_MOST_EVERY.saturating_sub(at.elapsed())
        })
    }
}

#[derive(Default)]
pub struct SenderNames {
    /// Each room's last read, behind a lock of its own: held during a read, so the other
    /// messages of a burst in that room wait for it and find the names it learnt instead of
    /// reading again, while rooms elsewhere are read meanwhile. One entry per room the account
    /// is in (messages of other rooms never get here).
    rooms: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<LastRead>>>>,
}

impl SenderNames {
    /// `user_id`'s name in `room`: remembered, or learnt from the room's newest page.
    pub async fn name(
        &self,
        rest: &RealtimeRest,
        shared: &Shared,
        room: &str,
        user_id: &str,
    ) -> Option<String> {
        if let Some(name) = shared.name_of(user_id) {
            return Some(name);
        }
        let slot = self
            .rooms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(room.to_owned())
            .or_default()
            .clone();
        let mut last = slot.lock().await;
        if let Some(name) = shared.name_of(user_id) {
            return Some(name);
        }
        if !last.worth_reading_for(user_id) {
            return None;
        }
        tokio::time::sleep(last.wait()).await;
        last.at = Some(Instant::now());
        match tokio::time::timeout(LOOKUP_TIMEOUT, rest.history(room, 1, PAGE)).await {
            Ok(Ok(page)) => {
                shared.learn_names(&page.items);
                if last.covered.len() > COVERED_PER_ROOM {
                    last.covered.clear();
                }
                last.covered
                    .extend(page.items.iter().map(|m| m.user_id.clone()));
            }
            Ok(Err(e)) => tracing::debug!(error = %e, "no names for a room's senders"),
            Err(_) => tracing::debug!("a room's senders were not named in time"),
        }
        shared.name_of(user_id)
    }
}

//! Names for senders the account has not seen in any REST page yet. The socket's `chat:message`
//! carries only a `userId`, and names are learnt from REST history; someone whose first message
//! arrives live was shown as "user_1015" for good, while the same person's messages fetched over
//! REST later said "Member 1". Their message is on the server already, so the room's newest REST
//! page names them: it is read once per room at most every [`AGAIN_AFTER`], within
//! [`LOOKUP_TIMEOUT`] (the message waits for it before it is stored).

use super::codec::Shared;
use super::rest::RealtimeRest;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How many of the room's newest messages are read for their senders' names.
const PAGE: u32 = 20;
/// A room is read again for names no sooner than this (a stream of strangers, or a server
/// that gives no names, costs one request per room per interval).
const AGAIN_AFTER: Duration = Duration::from_secs(30);
/// A lookup that takes longer stores the message without a name.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct SenderNames {
    /// When each room was last read for names, behind a lock of its own: held during a read,
    /// so the other messages of a burst in that room wait for it and find the names it learnt
    /// instead of reading again, while rooms elsewhere are read meanwhile. One entry per room
    /// the account is in (messages of other rooms never get here).
    rooms: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
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
        let mut read_at = slot.lock().await;
        if let Some(name) = shared.name_of(user_id) {
            return Some(name);
        }
        if read_at.is_some_and(|at| at.elapsed() < AGAIN_AFTER) {
            return None;
        }
        *read_at = Some(Instant::now());
        match tokio::time::timeout(LOOKUP_TIMEOUT, rest.history(room, 1, PAGE)).await {
            Ok(Ok(page)) => shared.learn_names(&page.items),
            Ok(Err(e)) => tracing::debug!(error = %e, "no names for a room's senders"),
            Err(_) => tracing::debug!("a room's senders were not named in time"),
        }
        shared.name_of(user_id)
    }
}

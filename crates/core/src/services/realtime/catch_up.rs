//! History over REST for Realtime rooms: what the socket missed (after every connect and
//! after joining a room), older pages when the user scrolls up, and sending over REST when the
//! account is set to. The socket only carries what happens while it is open, so without this a
//! dropped connection would leave a gap in the timeline.

use crate::account_id::AccountId;
use crate::codec::Outgoing;
use crate::companion::{Companion, DeliveryError, Description};
use crate::message::IncomingMessage;
use crate::services::realtime::codec::Shared;
use crate::services::realtime::rest::{RealtimeRest, RestMessage, MAX_PAGE};
use crate::services::realtime::sender_names::SenderNames;
use crate::store::{messages, Store};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::sync::Arc;

/// Pages read per room per catch-up: a longer gap keeps its newest 1,000 messages and the
/// rest loads when the user scrolls up.
const MAX_CATCH_UP_PAGES: u32 = 10;
/// A room with nothing stored opens with this many recent messages.
const FIRST_LOAD: u32 = 50;
/// Pages read looking for older history on one scroll to the top.
const MAX_OLDER_PAGES: u32 = 3;

pub struct RealtimeCompanion {
    pub rest: RealtimeRest,
    pub store: Store,
    pub account: AccountId,
    pub user_id: String,
    pub shared: Arc<Shared>,
    pub send_over_rest: bool,
    pub sender_names: SenderNames,
}

impl RealtimeCompanion {
    /// The room's messages newer than the newest stored one, oldest first.
    async fn catch_up_room(&self, room: &str) -> Result<Vec<IncomingMessage>, String> {
        let (account, id) = (self.account.clone(), room.to_owned());
        let (stored, _) = self
            .store
            .run(move |c| messages::room_service_span(c, &account, &id))
            .await
            .map_err(|e| e.to_string())?;
        let limit = if stored == 0 { FIRST_LOAD } else { MAX_PAGE };
        // Newest page first; reversed at the end. Times can tie (several messages in one
        // millisecond), so the server's order decides, never a sort across pages.
        let mut pages: Vec<Vec<IncomingMessage>> = Vec::new();
        for page in 1..=MAX_CATCH_UP_PAGES {
            let answer = self
                .rest
                .history(room, page, limit)
                .await
                .map_err(|e| format!("cannot load the history of a room: {e}"))?;
            self.shared.learn_names(&answer.items);
            let ids: Vec<String> = answer.items.iter().map(|m| m.id.clone()).collect();
            let account = self.account.clone();
            let known = self
                .store
                .run(move |c| messages::known_service_ids(c, &account, &ids))
                .await
                .map_err(|e| e.to_string())?;
            let reached_stored = !known.is_empty();
            let full = answer.items.len() as u32 >= limit;
            pages.push(oldest_first(&answer.items, &known, room, &self.user_id));
            if reached_stored || stored == 0 || !full || page >= answer.pages {
                break;
            }
        }
        Ok(pages.into_iter().rev().flatten().collect())
    }
}

impl Companion for RealtimeCompanion {
    fn catch_up<'a>(
        &'a self,
        room: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<IncomingMessage>, String>> {
        async move {
            let rooms = match room {
                Some(room) => vec![room.to_owned()],
                None => self.shared.rooms(),
            };
            let mut missed = Vec::new();
            let mut failures = Vec::new();
            for room in rooms {
                match self.catch_up_room(&room).await {
                    Ok(m) => missed.extend(m),
                    Err(e) => failures.push(e),
                }
            }
            if missed.is_empty() {
                if let Some(first) = failures.into_iter().next() {
                    return Err(first);
                }
            }
            Ok(missed)
        }
        .boxed()
    }

    fn describe<'a>(&'a self, message: &'a IncomingMessage) -> BoxFuture<'a, Description> {
        async move {
            if message.own || message.sender_name.is_some() {
                return Description::default();
            }
            Description {
                sender_name: self
                    .sender_names
                    .name(&self.rest, &self.shared, &message.room, &message.sender_id)
                    .await,
                room_title: None,
            }
        }
        .boxed()
    }

    fn deliver<'a>(
        &'a self,
        message: &'a Outgoing,
    ) -> Option<BoxFuture<'a, Result<IncomingMessage, DeliveryError>>> {
        if !self.send_over_rest {
            return None;
        }
        Some(
            async move {
                self.rest
                    .send(&message.room, &message.text)
                    .await
                    .map(|m| m.to_incoming(&message.room, &self.user_id))
                    .map_err(|e| DeliveryError {
                        permanent: e.is_permanent(),
                        retry_after: e.retry_after(),
                        reason: e.to_string(),
                    })
            }
            .boxed(),
        )
    }
}

/// A page's messages not stored yet, oldest first: sorted by time, ties in the server's order
/// (pages read oldest to newest; a server that sends newest first is read right too).
fn oldest_first(
    page: &[RestMessage],
    known: &std::collections::HashSet<String>,
    room: &str,
    own_user_id: &str,
) -> Vec<IncomingMessage> {
    let mut items: Vec<IncomingMessage> = page
        .iter()
        .filter(|m| !known.contains(&m.id))
        .map(|m| m.to_incoming(room, own_user_id))
        .collect();
    let descending = items
        .first()
        .zip(items.last())
        .is_some_and(|(a, b)| a.ts_ms > b.ts_ms);
    if descending {
        items.reverse();
    }
    items.sort_by_key(|m| m.ts_ms);
    items
}

/// What scrolling to the top of a room fetched.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OlderHistory {
    /// Newly stored messages, oldest first.
    pub messages: Vec<crate::message::StoredMessage>,
    /// The server has nothing older.
    pub exhausted: bool,
}

/// Loads messages older than the oldest one stored for `room` and stores them below it.
pub async fn load_older(
    rest: &RealtimeRest,
    store: &Store,
    account: &AccountId,
    room: &str,
    own_user_id: &str,
) -> Result<OlderHistory, String> {
    let (owner, id) = (account.clone(), room.to_owned());
    let (stored, oldest) = store
        .run(move |c| messages::room_service_span(c, &owner, &id))
        .await
        .map_err(|e| e.to_string())?;
    // Page numbers count from the newest message, so the stored count says roughly where the
    // older ones start; messages that arrived since only shift it forward, and what is
    // already stored is skipped.
    let first_page = (stored / u64::from(MAX_PAGE)) as u32 + 1;
    // Newer pages first, each newest first: what `ingest_older` takes.
    let mut older: Vec<IncomingMessage> = Vec::new();
    let mut exhausted = false;
    for page in first_page..first_page + MAX_OLDER_PAGES {
        let answer = rest
            .history(room, page, MAX_PAGE)
            .await
            .map_err(|e| format!("cannot load older messages: {e}"))?;
        let ids: Vec<String> = answer.items.iter().map(|m| m.id.clone()).collect();
        let owner = account.clone();
        let known = store
            .run(move |c| messages::known_service_ids(c, &owner, &ids))
            .await
            .map_err(|e| e.to_string())?;
        let mut page_items = oldest_first(&answer.items, &known, room, own_user_id);
        page_items.retain(|m| oldest.is_none_or(|o| m.ts_ms <= o));
        older.extend(page_items.into_iter().rev());
        if page >= answer.pages || answer.items.is_empty() {
            exhausted = true;
            break;
        }
        if !older.is_empty() {
            break;
        }
    }
    let owner = account.clone();
    let messages = store
        .run(move |c| messages::ingest_older(c, &owner, &older))
        .await
        .map_err(|e| e.to_string())?;
    Ok(OlderHistory {
        messages,
        exhausted,
    })
}

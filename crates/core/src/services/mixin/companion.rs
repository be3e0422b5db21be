//! The REST side of a Mixin bot's connection: names for conversations and senders (Blaze
//! messages carry only ids), and the `GET /me` check that decides whether an `ERROR` 401 after
//! the socket opened is real, as the official app does (PROTOCOLS.md §1.14).

use crate::codec::Outgoing;
use crate::companion::{Companion, DeliveryError, Description};
use crate::message::IncomingMessage;
use crate::services::mixin::rest::MixinRest;
use futures_util::future::BoxFuture;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A name lookup may delay storing a message at most this long.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

pub struct MixinCompanion {
    /// Shared with acknowledgement calls that outlive one burst.
    rest: Arc<MixinRest>,
    bot_id: String,
    /// Names found (or not) per user and per conversation, for this connection's lifetime.
    users: Mutex<HashMap<String, Option<String>>>,
    rooms: Mutex<HashMap<String, Option<String>>>,
}

impl MixinCompanion {
    pub fn new(rest: MixinRest, bot_id: String) -> MixinCompanion {
        MixinCompanion {
            rest: Arc::new(rest),
            bot_id,
            users: Mutex::new(HashMap::new()),
            rooms: Mutex::new(HashMap::new()),
        }
    }

    async fn user_name(&self, user_id: &str) -> Option<String> {
        if let Some(known) = lock(&self.users).get(user_id) {
            return known.clone();
        }
        let found = match tokio::time::timeout(LOOKUP_TIMEOUT, self.rest.user(user_id)).await {
            Ok(Ok(profile)) => Some(profile.full_name).filter(|n| !n.trim().is_empty()),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "no name for a Mixin user");
                None
            }
            Err(_) => None,
        };
        lock(&self.users).insert(user_id.to_owned(), found.clone());
        found
    }

    async fn room_title(&self, conversation_id: &str) -> Option<String> {
        if let Some(known) = lock(&self.rooms).get(conversation_id) {
            return known.clone();
        }
        let info = tokio::time::timeout(LOOKUP_TIMEOUT, self.rest.conversation(conversation_id))
            .await
            .ok()
            .and_then(Result::ok);
        let title = match info {
            Some(c) if c.category == "GROUP" && !c.name.trim().is_empty() => Some(c.name),
            Some(c) => match c.participants.iter().find(|p| p.user_id != self.bot_id) {
                Some(other) => self.user_name(&other.user_id).await,
                None => None,
            },
            None => None,
        };
        lock(&self.rooms).insert(conversation_id.to_owned(), title.clone());
        title
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Companion for MixinCompanion {
    fn catch_up<'a>(
        &'a self,
        _room: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<IncomingMessage>, String>> {
        // What the socket missed arrives over the socket itself: the pending list.
        Box::pin(async { Ok(Vec::new()) })
    }

    fn deliver<'a>(
        &'a self,
        _message: &'a Outgoing,
    ) -> Option<BoxFuture<'a, Result<IncomingMessage, DeliveryError>>> {
        None
    }

    fn describe<'a>(&'a self, message: &'a IncomingMessage) -> BoxFuture<'a, Description> {
        Box::pin(async move {
            let sender_name = if message.own {
                None
            } else {
                self.user_name(&message.sender_id).await
            };
            let room_title = if message.room.is_empty() {
                None
            } else {
                self.room_title(&message.room).await
            };
            Description {
                sender_name,
                room_title,
            }
        })
    }

    fn acknowledge_many(
        &self,
        service_ids: Vec<String>,
    ) -> Option<BoxFuture<'static, Result<(), String>>> {
        let rest = self.rest.clone();
        Some(Box::pin(async move {
            for chunk in service_ids.chunks(100) {
                rest.acknowledge(chunk).await.map_err(|e| e.to_string())?;
            }
            Ok(())
        }))
    }

    fn verify_credentials(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            match self.rest.me().await {
                Err(e) if e.is_auth() => Err(e.to_string()),
                // Anything else (reachable and fine, or unreachable) is worth reconnecting for.
                _ => Ok(()),
            }
        })
    }
}

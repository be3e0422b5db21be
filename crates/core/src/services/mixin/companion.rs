//! The REST side of a Mixin bot's connection: names for conversations and senders (Blaze
//! messages carry only ids), and the `GET /me` check that decides whether an `ERROR` 401 after
//! the socket opened is real, as the official app does (PROTOCOLS.md §1.14).

use crate::bounded::BoundedMap;
use crate::codec::Outgoing;
use crate::companion::{Companion, DeliveryError, Description};
use crate::message::{IncomingMessage, Media};
use crate::services::mixin::rest::MixinRest;
use futures_util::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

/// A name lookup may delay storing a message at most this long.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);
/// Most users and most conversations whose names a connection remembers: the ids come from
/// messages, so a server (or senders) cycling through new ones would otherwise grow the caches
/// for as long as the connection lasts. Past it, the id looked up longest ago is forgotten.
const MAX_KNOWN: usize = 10_000;
/// Mixin's ids are UUIDs (36 characters); anything much longer is not looked up or kept.
const MAX_ID_BYTES: usize = 64;

/// What one id's lookup found (or will find): concurrent asks for the same id share it.
type Lookup = Arc<OnceCell<Option<String>>>;

pub struct MixinCompanion {
    /// Shared with acknowledgement calls that outlive one burst.
    rest: Arc<MixinRest>,
    bot_id: String,
    /// Names found (or not) per user and per conversation, for this connection's lifetime.
    users: Mutex<BoundedMap<String, Lookup>>,
    rooms: Mutex<BoundedMap<String, Lookup>>,
}

impl MixinCompanion {
    pub fn new(rest: MixinRest, bot_id: String) -> MixinCompanion {
        MixinCompanion {
            rest: Arc::new(rest),
            bot_id,
            users: Mutex::new(BoundedMap::new(MAX_KNOWN)),
            rooms: Mutex::new(BoundedMap::new(MAX_KNOWN)),
        }
    }

    async fn user_name(&self, user_id: &str) -> Option<String> {
        let lookup = remembered(&self.users, user_id)?;
        let found = lookup
            .get_or_init(|| async {
                match tokio::time::timeout(LOOKUP_TIMEOUT, self.rest.user(user_id)).await {
                    Ok(Ok(profile)) => Some(profile.full_name).filter(|n| !n.trim().is_empty()),
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "no name for a Mixin user");
                        None
                    }
                    Err(_) => None,
                }
            })
            .await;
        found.clone()
    }

    async fn room_title(&self, conversation_id: &str) -> Option<String> {
        let lookup = remembered(&self.rooms, conversation_id)?;
        let title = lookup
            .get_or_init(|| async {
                let info =
                    tokio::time::timeout(LOOKUP_TIMEOUT, self.rest.conversation(conversation_id))
                        .await
                        .ok()
                        .and_then(Result::ok);
                match info {
                    Some(c) if c.category == "GROUP" && !c.name.trim().is_empty() => Some(c.name),
                    Some(c) => match c.participants.iter().find(|p| p.user_id != self.bot_id) {
                        Some(other) => self.user_name(&other.user_id).await,
                        None => None,
                    },
                    None => None,
                }
            })
            .await;
        title.clone()
    }
}

/// The lookup of `id` in `known`, added (empty) if it is not there yet; `None` for an id too
/// long to be one of Mixin's.
fn remembered(known: &Mutex<BoundedMap<String, Lookup>>, id: &str) -> Option<Lookup> {
    if id.len() > MAX_ID_BYTES {
        return None;
    }
    let mut known = lock(known);
    if let Some(lookup) = known.get(id) {
        return Some(lookup.clone());
    }
    let lookup = Lookup::default();
    known.insert(id.to_owned(), lookup.clone());
    Some(lookup)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Companion for MixinCompanion {
    /// Uploads a file the bot sends: an attachment is created, the bytes go to its storage
    /// address, and the message then names the attachment. Done once per message: the id is
    /// stored with it, so a resend never uploads twice.
    fn upload(
        &self,
        message: &Outgoing,
        progress: crate::upload_progress::UploadProgress,
    ) -> Option<BoxFuture<'static, Result<Media, DeliveryError>>> {
        let media = message.media.clone().filter(Media::awaits_upload)?;
        let path = media.local_path.clone()?;
        let rest = self.rest.clone();
        Some(Box::pin(async move {
            let failed = |reason: String, permanent: bool| DeliveryError {
                reason,
                permanent,
                retry_after: None,
            };
            let bytes = tokio::fs::read(&path).await.map_err(|e| {
                failed(
                    format!("the file to send cannot be read any more: {e}"),
                    true,
                )
            })?;
            let rest_failed = |what: &str, e: crate::rest::RestError| DeliveryError {
                reason: format!("{what}: {e}"),
                permanent: e.is_permanent(),
                retry_after: e.retry_after(),
            };
            let attachment = rest
                .create_attachment()
                .await
                .map_err(|e| rest_failed("Mixin did not create the attachment", e))?;
            rest.upload(&attachment, bytes, &progress)
                .await
                .map_err(|e| rest_failed("the upload failed", e))?;
            Ok(Media {
                url: format!(
                    "{}{}",
                    crate::services::mixin::codec::category::ATTACHMENT_PREFIX,
                    attachment.attachment_id
                ),
                attachment_id: Some(attachment.attachment_id),
                ..media
            })
        }))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_remembered_for_a_bounded_number_of_ids_the_oldest_forgotten() {
        let known = Mutex::new(BoundedMap::new(MAX_KNOWN));
        let id = |n: usize| format!("{n:08}-0000-4000-8000-000000000000");
        for n in 0..MAX_KNOWN + 10 {
            let lookup = remembered(&known, &id(n)).expect("a UUID-sized id");
            let _ = lookup.set(Some(format!("User {n}")));
        }
        let known_now = lock(&known);
        assert_eq!(known_now.len(), MAX_KNOWN);
        assert!(known_now.get(&id(9)).is_none(), "the oldest went");
        let latest = known_now.get(&id(MAX_KNOWN + 9)).expect("the newest stays");
        assert_eq!(latest.get(), Some(&Some(format!("User {}", MAX_KNOWN + 9))));
    }

    #[test]
    fn an_id_no_mixin_id_looks_like_is_neither_looked_up_nor_kept() {
        let known = Mutex::new(BoundedMap::new(MAX_KNOWN));
        assert!(remembered(&known, &"x".repeat(64 * 1024)).is_none());
        assert_eq!(lock(&known).len(), 0);
    }
}

//! Exporting a room as an evidence pack (see [`crate::evidence`]): every stored message of the
//! room, each message's media as received (from the media cache, downloaded now if it is not
//! there; a failure is listed in the pack, never the end of the export), and for an order
//! chat the order's details fetched at export time.

use super::{Engine, EngineError, MediaSource};
use crate::account::AccountId;
use crate::evidence::{write_pack, MediaFile, PackAccount, PackContents, PackRoom, WrittenPack};
use crate::media::{MediaCache, MediaPurpose};
use crate::message::StoredMessage;
use crate::store::{messages, rooms};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::path::Path;

/// Messages read from the store at a time.
const PAGE: u32 = 1000;
/// Media fetched side by side.
const FETCHES_AT_ONCE: usize = 4;

impl Engine {
    /// Writes an evidence pack of `room` into a new folder inside `into`; `media` is where
    /// media are cached and downloaded (without one, each media is listed as not saved).
    pub async fn export_evidence(
        &self,
        account: &AccountId,
        room: &str,
        into: &Path,
        media: Option<&MediaCache>,
    ) -> Result<WrittenPack, EngineError> {
        let settings = self.running_account(account)?;
        let (owner, id) = (account.clone(), room.to_owned());
        let title = self
            .store
            .run(move |c| {
                Ok(rooms::list(c)?
                    .into_iter()
                    .find(|r| r.account == owner && r.room == id)
                    .map(|r| r.title))
            })
            .await?
            .ok_or_else(|| EngineError::UnknownRoom(room.to_owned()))?;
        let all = self.whole_room(account, room).await?;
        let files = self.media_files(&all, media).await;
        let (order, order_note) = self.order_at_export(account, room).await;
        let contents = PackContents {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            exported_at_ms: crate::timestamp::now_ms(),
            account: PackAccount {
                id: account.0.clone(),
                name: settings.display_name.clone(),
                service: settings.settings.service().label().to_owned(),
            },
            room: PackRoom {
                id: room.to_owned(),
                title,
            },
            messages: all,
            media: files,
            order,
            order_note,
        };
        let into = into.to_path_buf();
        let written = tokio::task::spawn_blocking(move || write_pack(&into, &contents))
            .await
            .map_err(|e| EngineError::Invalid(format!("the export stopped: {e}")))??;
        tracing::info!(
            %account, room, messages = written.messages, media_saved = written.media_saved,
            media_failed = written.media_failed.len(), "evidence pack written"
        );
        Ok(written)
    }

    /// Every stored message of a room, oldest first.
    async fn whole_room(
        &self,
        account: &AccountId,
        room: &str,
    ) -> Result<Vec<StoredMessage>, EngineError> {
        let mut all: Vec<StoredMessage> = Vec::new();
        loop {
            let after = all.last().map_or(i64::MIN, |m| m.local_id);
            let (owner, id) = (account.clone(), room.to_owned());
            let page = self
                .store
                .run(move |c| messages::newer(c, &owner, &id, after, PAGE))
                .await?;
            let done = page.len() < PAGE as usize;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }

    /// Each message's media as a file to copy, or why it could not be had.
    async fn media_files(
        &self,
        all: &[StoredMessage],
        cache: Option<&MediaCache>,
    ) -> BTreeMap<i64, MediaFile> {
        // Owned and in a plain Vec: a stream over borrowed, filtered items makes a future the
        // shell's commands cannot hold across threads (its lifetimes are not general enough).
        let with_media: Vec<StoredMessage> = all
            .iter()
            .filter(|m| m.media.as_ref().is_some_and(|media| !media.url.is_empty()))
            .cloned()
            .collect();
        futures_util::stream::iter(with_media)
            .map(|m| async move {
                let file = match cache {
                    None => MediaFile::Failed("this Parley has no media cache".into()),
                    Some(cache) => self
                        .media_file(&m, cache)
                        .await
                        .unwrap_or_else(MediaFile::Failed),
                };
                (m.local_id, file)
            })
            .buffer_unordered(FETCHES_AT_ONCE)
            .collect()
            .await
    }

    async fn media_file(&self, m: &StoredMessage, cache: &MediaCache) -> Result<MediaFile, String> {
        let source = self
            .media_source(m, false)
            .await
            .map_err(|e| e.to_string())?;
        let cached = match source {
            MediaSource::Inline { key, bytes } => {
                cache.put(&key, &bytes, MediaPurpose::Evidence).await
            }
            MediaSource::Web { key, url, policy } => {
                // Media stored by id (Mixin) may be cached under that id already.
                let hit = match key != url {
                    true => cache.cached_as(&key, MediaPurpose::Evidence).await,
                    false => None,
                };
                match hit {
                    Some(hit) => Ok(hit),
                    None => {
                        cache
                            .get_as(&key, &url, MediaPurpose::Evidence, policy)
                            .await
                    }
                }
            }
        }
        .map_err(|e| e.to_string())?;
        Ok(MediaFile::Cached {
            path: cached.path,
            mime: cached.sniffed.mime.to_owned(),
            extension: cached.sniffed.extension.to_owned(),
        })
    }
}

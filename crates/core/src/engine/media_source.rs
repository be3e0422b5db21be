//! Where a message's media comes from. Most services put a link in the message; Mixin puts an
//! attachment or sticker id (resolved to a fresh, expiring download address over REST, signed
//! with the bot's keystore) and a small thumbnail inside the message itself.

use super::{Engine, EngineError};
use crate::media::NetworkPolicy;
use crate::message::StoredMessage;

/// What to fetch for a message's media.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaSource {
    /// Download `url` from where `policy` allows; cache it under `key` (stable even when the
    /// address is not).
    Web {
        key: String,
        url: String,
        policy: NetworkPolicy,
    },
    /// Bytes carried in the message (a thumbnail), cached under `key`.
    Inline { key: String, bytes: Vec<u8> },
}

impl Engine {
    /// The source of a message's sender picture.
    pub fn avatar_source(&self, message: &StoredMessage) -> Result<MediaSource, EngineError> {
        let url = message
            .sender_avatar
            .clone()
            .ok_or_else(|| EngineError::Invalid("this sender has no picture".into()))?;
        let policy = self.keep_demo_local(message, &url)?;
        Ok(MediaSource::Web {
            key: url.clone(),
            url,
            policy,
        })
    }

    /// Where a message's media may come from. The Demo promises that nothing leaves this
    /// computer: its media come from loopback only (a simulated bot's avatar may name the real
    /// service's server), which its policy makes the cache hold to whatever a name resolves to
    /// or a redirect says; a link that is plainly elsewhere is refused here, with a reason.
    /// Real accounts fetch from public addresses only: a link in someone's message must not
    /// make Parley reach into the user's network.
    fn keep_demo_local(
        &self,
        message: &StoredMessage,
        url: &str,
    ) -> Result<NetworkPolicy, EngineError> {
        let demo = self
            .running_account(&message.account)
            .map(|a| a.demo)
            .unwrap_or(false);
        if !demo {
            return Ok(NetworkPolicy::AllowPublicOnly);
        }
        let local = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")));
        if !local {
            return Err(EngineError::Invalid(
                "the Demo fetches nothing from the internet".into(),
            ));
        }
        Ok(NetworkPolicy::LoopbackOnly)
    }

    /// The source of a message's full media or (`thumb`) its preview.
    pub async fn media_source(
        &self,
        message: &StoredMessage,
        thumb: bool,
    ) -> Result<MediaSource, EngineError> {
        let none = || EngineError::Invalid("this message has no media".into());
        let media = message.media.as_ref().ok_or_else(none)?;
        if thumb {
            if let Some(inline) = &media.thumb_inline {
                let bytes = crate::services::mixin::keystore::decode_base64_any(inline)
                    .ok_or_else(|| EngineError::Invalid("the preview is not base64".into()))?;
                return Ok(MediaSource::Inline {
                    key: format!("thumb:{}:{}", message.account, message.local_id),
                    bytes,
                });
            }
            if let Some(url) = &media.thumb_url {
                let policy = self.keep_demo_local(message, url)?;
                return Ok(MediaSource::Web {
                    key: url.clone(),
                    url: url.clone(),
                    policy,
                });
            }
        }
        let url = &media.url;
        if let Ok(account) = &self.running_account(&message.account) {
            let service = account.settings.service();
            // Services that store media by id (Mixin) resolve it to a fresh address each time.
            if service.stores_media_by_id(url) {
                let secret = self.secret_of(account)?;
                let resolved = service.resolve_media(secret, url).await?;
                return Ok(MediaSource::Web {
                    key: format!("{}:{url}", message.account),
                    policy: self.keep_demo_local(message, &resolved)?,
                    url: resolved,
                });
            }
        }
        // Anything else that is not a web address (an id of another service) is no media.
        let web = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !web {
            return Err(none());
        }
        let policy = self.keep_demo_local(message, url)?;
        Ok(MediaSource::Web {
            key: url.clone(),
            url: url.clone(),
            policy,
        })
    }
}

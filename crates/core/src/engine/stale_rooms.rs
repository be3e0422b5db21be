//! Forgetting the rooms an account no longer has. The Demo's Mixin simulator made a new bot and
//! a new conversation each time Parley started (before its bot kept one id), so the conversation
//! stored by an earlier run would stay in the sidebar as a dead duplicate of the live one ("Ava
//! Trader" twice).

use super::{Engine, EngineError};
use crate::account::AccountId;
use crate::event::Event;
use crate::store::{messages, rooms};

impl Engine {
    /// Whether `account` has messages from its service stored in `room`, running or not (the
    /// Demo greets its bot's user in a conversation Parley has not stored yet, and only then).
    pub async fn has_history(&self, account: &AccountId, room: &str) -> Result<bool, EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        let (count, _) = self
            .store
            .run(move |c| messages::room_service_span(c, &account, &room))
            .await?;
        Ok(count > 0)
    }

    /// Forgets every stored room of `account` other than `keep`, with its history; returns how
    /// many went.
    pub async fn forget_rooms_except(
        &self,
        account: &AccountId,
        keep: &[String],
    ) -> Result<usize, EngineError> {
        let (owner, keep) = (account.clone(), keep.to_vec());
        let gone = self
            .store
            .run(move |c| {
                let stale: Vec<String> = rooms::list(c)?
                    .into_iter()
                    .filter(|r| r.account == owner && !keep.contains(&r.room))
                    .map(|r| r.room)
                    .collect();
                for room in &stale {
                    messages::delete_room(c, &owner, room)?;
                }
                Ok(stale.len())
            })
            .await?;
        if gone > 0 {
            self.publish(Event::AccountsChanged);
        }
        Ok(gone)
    }
}

#[cfg(test)]
mod tests {
    use crate::account::AccountId;
    use crate::config::AppConfig;
    use crate::engine::Engine;
    use crate::secrets::SessionOnlyStore;
    use crate::store::{messages, rooms, Store};
    use crate::supervisor::Tuning;
    use std::sync::Arc;

    fn engine() -> Arc<Engine> {
        Engine::new(
            Store::open_in_memory().unwrap(),
            None,
            AppConfig::default(),
            Arc::new(SessionOnlyStore::default()),
            Tuning::default(),
        )
    }

    #[tokio::test]
    async fn only_the_rooms_kept_remain_and_other_accounts_are_untouched() {
        let engine = engine();
        let bot = AccountId("demo-mixin".into());
        let other = AccountId("mixin-1".into());
        let (b, o) = (bot.clone(), other.clone());
        engine
            .store
            .run(move |c| {
                rooms::upsert(c, &b, "old-conversation", "Ava Trader")?;
                rooms::upsert(c, &b, "new-conversation", "Ava Trader")?;
                rooms::upsert(c, &o, "old-conversation", "Someone")
            })
            .await
            .unwrap();
        let gone = engine
            .forget_rooms_except(&bot, &["new-conversation".into()])
            .await
            .unwrap();
        assert_eq!(gone, 1);
        let left: Vec<(String, String)> = engine
            .store
            .run(rooms::list)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.account.0, r.room))
            .collect();
        assert_eq!(left.len(), 2);
        assert!(left.contains(&("demo-mixin".into(), "new-conversation".into())));
        assert!(left.contains(&("mixin-1".into(), "old-conversation".into())));
    }

    #[tokio::test]
    async fn a_room_has_history_once_a_message_from_its_service_is_stored() {
        let engine = engine();
        let bot = AccountId("demo-mixin".into());
        assert!(!engine.has_history(&bot, "conversation").await.unwrap());
        let b = bot.clone();
        engine
            .store
            .run(move |c| {
                let m = crate::message::IncomingMessage {
                    room: "conversation".into(),
                    service_id: Some("m-1".into()),
                    sender_id: "ava".into(),
                    sender_name: None,
                    own: false,
                    kind: crate::message::MessageKind::Text,
                    text: "Hi!".into(),
                    media: None,
                    card: None,
                    sender_avatar: None,
                    ts_ms: 0,
                    ts_raw: String::new(),
                    quote_id: None,
                };
                messages::ingest(c, &b, &m)
            })
            .await
            .unwrap();
        assert!(engine.has_history(&bot, "conversation").await.unwrap());
        assert!(!engine.has_history(&bot, "another").await.unwrap());
        let other = AccountId("mixin-1".into());
        assert!(!engine.has_history(&other, "conversation").await.unwrap());
    }
}

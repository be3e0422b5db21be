//! MEXC P2P order chat: one socket per order chat, keyed by a listenKey the user pasted or one
//! Parley creates and renews with the user's API key (the keeper), and the signed REST calls
//! that look an order's chat up.

pub mod codec;
mod form;
pub mod keeper;
pub mod listen_key;
pub mod order_detail;
mod order_watch;
pub mod orders;
pub mod rest;
mod settings;
pub mod signing;

pub use form::MexcForm;
pub use settings::{MexcAuth, MexcChat, MexcRestPaths, MexcSettings};

use super::{
    check_dialable, Background, Capabilities, Prepared, RoomRemoval, Service, StartContext, Started,
};
use crate::engine::{EngineError, Field};
use crate::rest::RestError;
use crate::secret::Secret;
use crate::supervisor::Connection;
use futures_util::future::BoxFuture;
use keeper::{KeeperHandle, SlotUsers};
use listen_key::{ListenKeySlot, ListenKeySource};
use std::sync::Arc;

/// The socket of one MEXC order chat.
pub fn connection(
    settings: &MexcSettings,
    conversation_id: i64,
    listen_key: ListenKeySource,
) -> Connection {
    let mut connection = Connection::new(
        Some(conversation_id.to_string()),
        Box::new(codec::MexcCodec::new(codec::Conversation {
            endpoint: settings.endpoint.clone(),
            managed_key: listen_key.is_managed(),
            conversation_id,
            create_time_offset_minutes: settings.create_time_offset_minutes,
        })),
    );
    connection.credentials = Some(Arc::new(listen_key));
    connection
}

/// What runs beside an API-key account's sockets: the listenKey keeper and the order watcher.
struct ApiKeyBackground {
    keeper: KeeperHandle,
    orders: Option<order_watch::OrderWatch>,
}

impl Background for ApiKeyBackground {
    fn stop(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if let Some(orders) = self.orders {
                orders.stop().await;
            }
            self.keeper.stop().await;
        })
    }
}

impl Service for MexcSettings {
    fn label(&self) -> &'static str {
        "MEXC P2P order chat"
    }

    fn set_address(&mut self, field: Field, value: &str) -> Result<(), EngineError> {
        use super::form::address;
        match field {
            Field::Endpoint => {
                self.endpoint = address(field, "chat endpoint", value, &["wss", "ws"])?
            }
            Field::RestBase => {
                self.rest_base = address(field, "REST API", value, &["https", "http"])?
            }
            _ => {
                return Err(EngineError::Invalid("MEXC has no such address".into()).in_field(field))
            }
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "MEXC"
    }

    fn id_prefix(&self) -> &'static str {
        "mexc"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            media_by_url: true,
            order_chats: true,
            max_message_bytes: Some(codec::MAX_CONTENT_BYTES),
            ..Capabilities::default()
        }
    }

    fn fixed_rooms(&self) -> Vec<(String, String)> {
        self.conversations
            .iter()
            .map(|chat| (chat.room(), chat.title()))
            .collect()
    }

    fn room_removal(&self) -> RoomRemoval {
        RoomRemoval::Forget
    }

    fn credential_kind(&self) -> &'static str {
        match self.auth {
            MexcAuth::ListenKey => "listenKey",
            MexcAuth::ApiKey => "API key",
        }
    }

    fn own_sender_id(&self) -> String {
        "me".to_owned()
    }

    fn connections(&self, secret: Option<&Secret>) -> Vec<Connection> {
        let key = secret.cloned().unwrap_or_else(|| Secret::new(""));
        self.conversations
            .iter()
            .map(|chat| {
                connection(
                    self,
                    chat.conversation_id,
                    ListenKeySource::Fixed(key.clone()),
                )
            })
            .collect()
    }

    fn start(&self, cx: StartContext<'_>) -> Result<Started, String> {
        if self.auth != MexcAuth::ApiKey {
            let connections = self.connections(cx.secret.as_ref());
            return Ok(Started {
                connections: connections.into_iter().map(cx.spawn).collect(),
                background: None,
            });
        }
        let secret = cx.secret.unwrap_or_else(|| Secret::new(""));
        let rest = orders::rest_client(self, &secret).map_err(|e| e.to_string())?;
        let mut connections = Vec::new();
        let mut slots = Vec::new();
        for chats in self.conversations.chunks(keeper::SOCKETS_PER_KEY) {
            let slot = Arc::new(ListenKeySlot::default());
            let mut sockets = Vec::new();
            for chat in chats {
                let key = ListenKeySource::Managed(slot.clone());
                let handle = (cx.spawn)(connection(self, chat.conversation_id, key));
                sockets.push(handle.remote());
                connections.push(handle);
            }
            slots.push(SlotUsers { slot, sockets });
        }
        let keeper: KeeperHandle = keeper::spawn(rest, slots, cx.tuning);
        let watched: Vec<order_watch::WatchedChat> = self
            .conversations
            .iter()
            .filter_map(|chat| {
                Some(order_watch::WatchedChat {
                    room: chat.room(),
                    order_no: chat.order_no.clone()?,
                })
            })
            .collect();
        let orders = order_watch::spawn(
            orders::rest_client(self, &secret).map_err(|e| e.to_string())?,
            watched,
            order_watch::WatchContext {
                account: cx.account.clone(),
                store: cx.store.clone(),
                events: cx.events.clone(),
                orders: cx.orders.clone(),
                every: cx.tuning.order_refresh,
            },
        );
        Ok(Started {
            connections,
            background: Some(Box::new(ApiKeyBackground { keeper, orders })),
        })
    }

    fn prepare<'a>(
        &'a mut self,
        secret: Option<&'a Secret>,
        order_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Prepared, EngineError>> {
        Box::pin(async move {
            let secret = secret.ok_or_else(|| {
                EngineError::Invalid("a listenKey or an API key is required".into())
                    .in_field(Field::ListenKey)
            })?;
            match self.auth {
                MexcAuth::ListenKey => {
                    if self.conversations.is_empty() {
                        return Err(EngineError::Invalid(
                            "add at least one conversation id".into(),
                        )
                        .in_field(Field::Conversations));
                    }
                    if secret.expose().trim().is_empty() {
                        return Err(EngineError::Invalid("a listenKey is required".into())
                            .in_field(Field::ListenKey));
                    }
                    check_dialable(self, Some(secret))
                        .map_err(|e| EngineError::from(e).in_field(Field::Endpoint))?;
                }
                MexcAuth::ApiKey => {
                    let rest = orders::rest_client(self, secret)?;
                    // Proves the key, the secret and the clock before anything is saved.
                    rest.listen_key_count().await.map_err(|e| {
                        if e.is_auth() {
                            EngineError::from(e).in_field(Field::ApiKey)
                        } else if matches!(e, RestError::Unreachable { .. }) {
                            EngineError::from(e).in_field(Field::RestBase)
                        } else {
                            e.into()
                        }
                    })?;
                    for order in order_numbers {
                        let chat = orders::resolve_order(&rest, order).await?;
                        if !self.conversations.contains(&chat) {
                            self.conversations.push(chat);
                        }
                    }
                }
            }
            Ok(Prepared::default())
        })
    }
}

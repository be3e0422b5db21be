//! Realtime (a self-hosted trading community): REST chatrooms and one live socket per account
//! (auth, subscriptions, chat, presence, typing, notifications, prices, alerts). Beside the
//! codec: the REST client, signing in, catch-up after every connect, and the room directory.

pub mod account;
pub mod catch_up;
pub mod codec;
mod directory;
mod form;
pub mod rest;
mod sender_names;
mod settings;

pub use form::RealtimeForm;
pub use settings::{RealtimeRoom, RealtimeSendPath, RealtimeSettings};

use super::{check_dialable, Capabilities, Prepared, RoomRemoval, Service, StartContext, Started};
use crate::engine::{EngineError, Field};
use crate::secret::Secret;
use crate::supervisor::Connection;
use catch_up::RealtimeCompanion;
use codec::{RealtimeCodec, Shared};
use futures_util::future::BoxFuture;
use rest::{RealtimeCredentials, RealtimeRest};
use std::sync::Arc;

/// Most symbols the ticker follows (the form keeps the first ones; changing them refuses more).
const MAX_SYMBOLS: usize = 20;

/// The documented rate limit of sending (100 messages a minute).
pub const MESSAGES_PER_MINUTE: usize = 100;

/// The longest text the composer lets through: a `chat:send` frame must fit the socket's frame
/// limit ([`codec::MAX_FRAME_BYTES`]) with the JSON around the text.
pub const MAX_MESSAGE_BYTES: usize = codec::MAX_FRAME_BYTES - 128;

/// Reconnect attempts before the page calls it persistent trouble: the gateway is often slow to
/// come back after a deploy.
const TROUBLE_AFTER_ATTEMPTS: u32 = 5;

/// The socket's codec with the credentials in `secret` (empty ones without).
fn codec(
    settings: &RealtimeSettings,
    secret: Option<&Secret>,
    shared: Arc<Shared>,
) -> RealtimeCodec {
    let credentials = secret.and_then(|s| RealtimeCredentials::from_secret(s).ok());
    let (api_key, token) = match credentials {
        Some(c) => (c.api_key, c.token),
        None => (Secret::new(""), Secret::new("")),
    };
    RealtimeCodec::new(settings.clone(), api_key, token, shared)
}

fn joined(settings: &RealtimeSettings) -> Arc<Shared> {
    Shared::new(settings.rooms.iter().map(|r| r.id.clone()))
}

impl Service for RealtimeSettings {
    fn label(&self) -> &'static str {
        "Realtime trading community"
    }

    fn set_address(&mut self, field: Field, value: &str) -> Result<(), EngineError> {
        use super::form::address;
        match field {
            Field::BaseUrl => {
                self.base_url = address(field, "server address", value, &["https", "http"])?
            }
            // Empty: the socket is at the server address + /v1/live again.
            Field::WsUrl if value.trim().is_empty() => self.ws_url = None,
            Field::WsUrl => {
                self.ws_url = Some(address(
                    field,
                    "live socket address",
                    value,
                    &["wss", "ws"],
                )?)
            }
            _ => {
                return Err(
                    EngineError::Invalid("a Realtime community has no such address".into())
                        .in_field(field),
                )
            }
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "Realtime"
    }

    fn id_prefix(&self) -> &'static str {
        "realtime"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            directory: true,
            members: true,
            ticker: true,
            typing: true,
            media_by_url: false,
            file_upload: false,
            order_chats: false,
            server_history: true,
            max_message_bytes: Some(MAX_MESSAGE_BYTES),
            messages_per_minute: Some(MESSAGES_PER_MINUTE),
            trouble_after_attempts: Some(TROUBLE_AFTER_ATTEMPTS),
        }
    }

    fn fixed_rooms(&self) -> Vec<(String, String)> {
        self.rooms
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect()
    }

    fn room_removal(&self) -> RoomRemoval {
        RoomRemoval::Leave
    }

    fn own_sender_id(&self) -> String {
        self.user_id.clone()
    }

    fn connections(&self, secret: Option<&Secret>) -> Vec<Connection> {
        vec![Connection::new(
            None,
            Box::new(codec(self, secret, joined(self))),
        )]
    }

    /// The account's one socket, with its REST companion for catch-up (and sending, if set so).
    fn start(&self, cx: StartContext<'_>) -> Result<Started, String> {
        let secret = cx.secret.unwrap_or_else(|| Secret::new(""));
        let credentials = RealtimeCredentials::from_secret(&secret).map_err(|e| e.to_string())?;
        let shared = joined(self);
        let rest = RealtimeRest::with_credentials(&self.base_url, &credentials)
            .map_err(|e| e.to_string())?;
        let companion = RealtimeCompanion {
            rest,
            store: cx.store.clone(),
            account: cx.account.clone(),
            user_id: self.user_id.clone(),
            shared: shared.clone(),
            send_over_rest: self.send_over == RealtimeSendPath::Rest,
            sender_names: Default::default(),
        };
        let mut connection = Connection::new(None, Box::new(codec(self, Some(&secret), shared)));
        connection.companion = Some(Arc::new(companion));
        Ok(Started {
            connections: vec![(cx.spawn)(connection)],
            background: None,
        })
    }

    /// Proves a new account's key and token with one directory call before anything is saved.
    fn prepare<'a>(
        &'a mut self,
        secret: Option<&'a Secret>,
        _order_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Prepared, EngineError>> {
        Box::pin(async move {
            let secret = secret.ok_or_else(|| {
                EngineError::Invalid("the API key and a token are required".into())
                    .in_field(Field::ApiKey)
            })?;
            let credentials = RealtimeCredentials::from_secret(secret)
                .map_err(|e| EngineError::from(e).in_field(Field::ApiKey))?;
            if self.user_id.trim().is_empty() {
                return Err(EngineError::Invalid(
                    "the token does not say which user it belongs to; sign in with email and password instead".into(),
                )
                .in_field(Field::ApiToken));
            }
            rest::live_url(&self.base_url, self.ws_url.as_deref()).map_err(|e| {
                let at = if self.ws_url.as_deref().is_some_and(|w| !w.trim().is_empty()) {
                    Field::WsUrl
                } else {
                    Field::BaseUrl
                };
                EngineError::from(e).in_field(at)
            })?;
            let rest = RealtimeRest::with_credentials(&self.base_url, &credentials)
                .map_err(|e| EngineError::from(e).in_field(Field::BaseUrl))?;
            rest.list_rooms(1, 1, None)
                .await
                .map_err(form::at_server_or_form)?;
            check_dialable(self, Some(secret))
                .map_err(|e| EngineError::from(e).in_field(Field::WsUrl))?;
            Ok(Prepared::default())
        })
    }
}

//! Mixin Messenger bots (Blaze): a JWT-signed socket of gzip frames with the pending list and
//! acknowledgements, the bot's keystore (three generations), signed REST (names, attachments,
//! batch acknowledgements) and the companion that names senders and rooms.

pub mod account;
pub mod auth;
pub mod codec;
pub mod companion;
mod form;
pub mod ids;
pub mod keystore;
pub mod rest;
mod settings;

pub use form::MixinForm;
pub use settings::MixinSettings;

use super::{check_dialable, Capabilities, Prepared, Service};
use crate::engine::{EngineError, Field};
use crate::secret::Secret;
use crate::supervisor::Connection;
use codec::category::{ATTACHMENT_PREFIX, STICKER_PREFIX};
use futures_util::future::BoxFuture;
use keystore::Keystore;
use rest::MixinRest;
use std::sync::Arc;

impl Service for MixinSettings {
    fn label(&self) -> &'static str {
        "Mixin Messenger bot"
    }

    fn set_address(&mut self, field: Field, value: &str) -> Result<(), EngineError> {
        use super::form::address;
        match field {
            Field::BlazeUrl => {
                self.blaze_url = address(field, "Blaze address", value, &["wss", "ws"])?
            }
            Field::ApiBase => {
                self.api_base = address(field, "API address", value, &["https", "http"])?
            }
            _ => {
                return Err(EngineError::Invalid("Mixin has no such address".into()).in_field(field))
            }
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "Mixin"
    }

    fn id_prefix(&self) -> &'static str {
        "mixin"
    }

    /// CREATE_MESSAGE takes `quote_message_id`; Mixin's apps show the quoted message.
    fn quote_field(&self) -> bool {
        true
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_message_bytes: Some(codec::MAX_TEXT_BYTES),
            file_upload: true,
            ..Capabilities::default()
        }
    }

    /// A bot's conversations come and go with its users: any conversation id will do.
    fn knows_room(&self, room: &str) -> bool {
        uuid::Uuid::parse_str(room).is_ok()
    }

    fn own_sender_id(&self) -> String {
        self.bot_id.clone()
    }

    fn credential_kind(&self) -> &'static str {
        "keystore"
    }

    fn proven_identity(&self) -> Option<String> {
        Some(self.bot_id.clone()).filter(|id| !id.is_empty())
    }

    fn client_message_id(&self) -> Option<String> {
        Some(uuid::Uuid::new_v4().to_string())
    }

    /// The bot's socket. Without a readable keystore it cannot connect (the codec says so) and
    /// has no REST companion.
    fn connections(&self, secret: Option<&Secret>) -> Vec<Connection> {
        let keystore = secret.and_then(|s| Keystore::parse(s.expose()).ok());
        let companion = keystore
            .clone()
            .and_then(|k| MixinRest::new(self, k).ok())
            .map(|rest| {
                Arc::new(companion::MixinCompanion::new(rest, self.bot_id.clone()))
                    as Arc<dyn crate::companion::Companion>
            });
        let mut connection = Connection::new(
            None,
            Box::new(codec::MixinCodec::new(self.clone(), keystore)),
        );
        connection.companion = companion;
        vec![connection]
    }

    fn prepare<'a>(
        &'a mut self,
        secret: Option<&'a Secret>,
        _order_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Prepared, EngineError>> {
        Box::pin(async move {
            let keystore = secret.ok_or_else(|| {
                EngineError::Invalid("the bot's keystore is required".into())
                    .in_field(Field::Keystore)
            })?;
            account::check_keystore(self, keystore).await?;
            check_dialable(self, Some(keystore))
                .map_err(|e| EngineError::from(e).in_field(Field::BlazeUrl))?;
            Ok(Prepared {
                display_name: Some(self.bot_name.clone()).filter(|n| !n.is_empty()),
            })
        })
    }

    /// Attachments and stickers are stored by id; each showing asks for a fresh address.
    fn stores_media_by_id(&self, address: &str) -> bool {
        address.starts_with(ATTACHMENT_PREFIX) || address.starts_with(STICKER_PREFIX)
    }

    fn resolve_media<'a>(
        &'a self,
        secret: Secret,
        address: &'a str,
    ) -> BoxFuture<'a, Result<String, EngineError>> {
        Box::pin(async move {
            let rest = MixinRest::new(self, Keystore::parse(secret.expose())?)?;
            match address.strip_prefix(ATTACHMENT_PREFIX) {
                Some(id) => rest.attachment_url(id).await,
                None => {
                    rest.sticker_url(address.trim_start_matches(STICKER_PREFIX))
                        .await
                }
            }
            .map_err(EngineError::MediaUnavailable)
        })
    }
}

//! mockly.me chat: one shared public room, no secret. The codec is all there is.

pub mod codec;
mod form;
mod settings;

pub use form::MocklyForm;
pub use settings::MocklySettings;

use super::{check_dialable, Capabilities, Prepared, Service};
use crate::engine::{EngineError, Field};
use crate::secret::Secret;
use crate::supervisor::Connection;
use futures_util::future::BoxFuture;

impl Service for MocklySettings {
    fn label(&self) -> &'static str {
        "mockly.me chat"
    }

    fn set_address(&mut self, field: Field, value: &str) -> Result<(), EngineError> {
        match field {
            Field::Endpoint => {
                self.endpoint = super::form::address(field, "endpoint", value, &["wss", "ws"])?;
                Ok(())
            }
            _ => {
                Err(EngineError::Invalid("mockly.me has only its endpoint".into()).in_field(field))
            }
        }
    }

    fn name(&self) -> &'static str {
        "mockly.me"
    }

    fn id_prefix(&self) -> &'static str {
        "mockly"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_message_bytes: Some(codec::MAX_MESSAGE_BYTES),
            ..Capabilities::default()
        }
    }

    fn needs_secret(&self) -> bool {
        false
    }

    fn fixed_rooms(&self) -> Vec<(String, String)> {
        vec![(codec::ROOM.to_owned(), "Public room".to_owned())]
    }

    fn own_sender_id(&self) -> String {
        self.client_id.trim().to_owned()
    }

    fn connections(&self, _secret: Option<&Secret>) -> Vec<Connection> {
        vec![Connection::new(
            None,
            Box::new(codec::MocklyCodec::new(self.clone())),
        )]
    }

    fn prepare<'a>(
        &'a mut self,
        secret: Option<&'a Secret>,
        _order_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Prepared, EngineError>> {
        Box::pin(async move {
            check_dialable(self, secret).map_err(|e| {
                let at = if self.client_id.trim().is_empty() {
                    Field::ClientId
                } else {
                    Field::Endpoint
                };
                EngineError::from(e).in_field(at)
            })?;
            Ok(Prepared::default())
        })
    }
}

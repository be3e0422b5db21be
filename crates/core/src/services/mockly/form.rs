//! The settings form of a mockly.me account: a client id and, optionally, another endpoint,
//! and the check made before adding it (the endpoint answers the WebSocket handshake).

use super::MocklySettings;
use crate::engine::{EngineError, Field, NewAccount};
use crate::services::form;
use crate::services::ServiceSettings;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct MocklyForm {
    pub client_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
}

/// How long the check before adding waits for the handshake.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl MocklyForm {
    /// Settings' check before adding (as the other services check theirs): dials the endpoint
    /// with the client id and closes. A failure is the endpoint's, in the user's words.
    pub async fn test(self) -> Result<String, EngineError> {
        use crate::codec::{Codec, Env};
        let new = self.into_new_account()?;
        let ServiceSettings::Mockly(settings) = new.settings else {
            unreachable!("a mockly form makes mockly settings")
        };
        let mut codec = super::codec::MocklyCodec::new(settings);
        let mut env = Env::new(String::new);
        let request = codec
            .connect_request(&mut env)
            .map_err(|e| EngineError::from(e).in_field(Field::Endpoint))?;
        let mut socket = crate::socket::dial(&request, CHECK_TIMEOUT, codec.max_frame_bytes())
            .await
            .map_err(|e| {
                EngineError::from(crate::rest::RestError::Unreachable {
                    api: "the chat server",
                    reason: e.message,
                })
                .in_field(Field::Endpoint)
            })?
            .socket;
        let _ = futures_util::SinkExt::close(&mut socket).await;
        Ok("Connected: the chat server accepted the client id.".into())
    }

    pub fn into_new_account(self) -> Result<NewAccount, EngineError> {
        Ok(NewAccount {
            display_name: form::display_name(self.display_name),
            settings: ServiceSettings::Mockly(MocklySettings {
                client_id: form::id(Field::ClientId, "client id", &self.client_id)?,
                endpoint: form::address_or(
                    Field::Endpoint,
                    self.endpoint.as_deref(),
                    MocklySettings::DEFAULT_ENDPOINT,
                )?,
            }),
            secret: None,
            order_numbers: Vec::new(),
        })
    }
}

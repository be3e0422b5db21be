//! The settings form of a MEXC account: a listenKey and conversation ids, or an API key and
//! secret with order numbers (looked up when the account is added).

use super::rest::ApiCredentials;
use super::{MexcAuth, MexcChat, MexcSettings};
use crate::engine::{EngineError, Field, NewAccount};
use crate::services::form;
use crate::services::ServiceSettings;
use serde::Deserialize;

/// Most order chats one MEXC account may list.
const MAX_CONVERSATIONS: usize = 100;

#[derive(Deserialize)]
pub struct MexcForm {
    #[serde(default)]
    pub auth: MexcAuth,
    #[serde(default)]
    pub listen_key: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default)]
    pub api_secret: String,
    #[serde(default)]
    pub conversations: Vec<i64>,
    #[serde(default)]
    pub order_numbers: Vec<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub rest_base: Option<String>,
    /// The user confirmed that a plain `http://` / `ws://` address may carry the credentials.
    #[serde(default)]
    pub allow_unencrypted: bool,
}

impl MexcForm {
    pub fn into_new_account(self) -> Result<NewAccount, EngineError> {
        let secret = match self.auth {
            MexcAuth::ListenKey => form::secret(Field::ListenKey, "listenKey", &self.listen_key)?,
            MexcAuth::ApiKey => ApiCredentials {
                api_key: form::secret(Field::ApiKey, "API key", &self.api_key)?,
                api_secret: form::secret(Field::ApiSecret, "API secret", &self.api_secret)?,
            }
            .to_secret(),
        };
        if self.conversations.len() + self.order_numbers.len() > MAX_CONVERSATIONS
            || self.conversations.iter().any(|&c| c <= 0)
        {
            return Err(EngineError::Invalid("invalid conversation ids".into())
                .in_field(Field::Conversations));
        }
        let order_numbers = self
            .order_numbers
            .iter()
            .map(|order| form::id(Field::Orders, "order number", order))
            .collect::<Result<Vec<_>, _>>()?;
        let (credential, rest_credential) = match self.auth {
            MexcAuth::ListenKey => ("listenKey", None),
            MexcAuth::ApiKey => ("listenKey", Some("API key")),
        };
        if let Some(endpoint) = &self.endpoint {
            form::encrypted_or_confirmed(
                Field::Endpoint,
                endpoint,
                credential,
                self.allow_unencrypted,
            )?;
        }
        if let (Some(rest_base), Some(credential)) = (&self.rest_base, rest_credential) {
            form::encrypted_or_confirmed(
                Field::RestBase,
                rest_base,
                credential,
                self.allow_unencrypted,
            )?;
        }
        Ok(NewAccount {
            display_name: form::display_name(self.display_name),
            settings: ServiceSettings::Mexc(MexcSettings {
                auth: self.auth,
                rest_base: form::address_or(
                    Field::RestBase,
                    self.rest_base.as_deref(),
                    MexcSettings::DEFAULT_REST_BASE,
                )?,
                conversations: self
                    .conversations
                    .into_iter()
                    .map(MexcChat::by_id)
                    .collect(),
                ..MexcSettings::with_endpoint(form::address_or(
                    Field::Endpoint,
                    self.endpoint.as_deref(),
                    &MexcSettings::default_endpoint(),
                )?)
            }),
            secret: Some(secret),
            order_numbers,
        })
    }
}

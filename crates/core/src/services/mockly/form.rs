//! The settings form of a mockly.me account: a client id and, optionally, another endpoint.

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

impl MocklyForm {
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

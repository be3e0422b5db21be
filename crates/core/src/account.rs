//! Accounts as the user configures them. Nothing here is secret: secrets live in the keyring
//! under the account's id (see [`crate::secrets`]).

use serde::{Deserialize, Serialize};

pub use crate::account_id::AccountId;

// An account's settings are its service's, each defined in its folder under `services/`.
pub use crate::services::{
    MexcAuth, MexcChat, MexcRestPaths, MexcSettings, MixinSettings, MocklySettings, RealtimeRoom,
    RealtimeSendPath, RealtimeSettings, ServiceKind, ServiceSettings,
};

/// One configured account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    /// What the sidebar shows; defaults to something derived from the settings.
    pub display_name: String,
    pub settings: ServiceSettings,
    /// Demo accounts point at the in-process simulator and are never written to the config.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl Account {
    pub fn service(&self) -> ServiceKind {
        self.settings.kind()
    }
}

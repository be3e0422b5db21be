//! Accounts as the user configures them. Nothing here is secret: secrets live in the keyring
//! under the account's id (see [`crate::secrets`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable local id of an account, chosen by Parley when the account is added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub String);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The chat services Parley speaks. A new service is a new variant plus one codec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Mockly,
    Mexc,
}

impl ServiceKind {
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Mockly => "mockly.me chat",
            ServiceKind::Mexc => "MEXC P2P order chat",
        }
    }
}

/// Settings of a mockly.me account: the public room needs no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MocklySettings {
    /// Shown to everyone in the room; goes into the URL path.
    pub client_id: String,
    /// The endpoint template; `{client_id}` is replaced by the URL-encoded client id.
    #[serde(default = "MocklySettings::default_endpoint")]
    pub endpoint: String,
}

impl MocklySettings {
    pub const DEFAULT_ENDPOINT: &'static str = "wss://mockly.me/ws/chat/{client_id}";

    pub fn default_endpoint() -> String {
        Self::DEFAULT_ENDPOINT.to_owned()
    }
}

/// Settings of a MEXC P2P account in listenKey mode: the listenKey is the account's keyring
/// secret; each order chat (conversation) is a room with its own socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MexcSettings {
    #[serde(default = "MexcSettings::default_endpoint")]
    pub endpoint: String,
    #[serde(default)]
    pub conversations: Vec<i64>,
    /// The offset `createTime` is read in (PROTOCOLS notes: default UTC).
    #[serde(default)]
    pub create_time_offset_minutes: i32,
}

impl MexcSettings {
    pub fn default_endpoint() -> String {
        crate::codec::mexc::DEFAULT_ENDPOINT.to_owned()
    }
}

/// Per-service settings, tagged by service so the config file reads naturally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum ServiceSettings {
    Mockly(MocklySettings),
    Mexc(MexcSettings),
}

impl ServiceSettings {
    pub fn kind(&self) -> ServiceKind {
        match self {
            ServiceSettings::Mockly(_) => ServiceKind::Mockly,
            ServiceSettings::Mexc(_) => ServiceKind::Mexc,
        }
    }
}

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

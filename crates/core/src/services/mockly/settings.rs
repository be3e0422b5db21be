//! What a mockly.me account is configured with (nothing secret: the public room needs none).

use serde::{Deserialize, Serialize};

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

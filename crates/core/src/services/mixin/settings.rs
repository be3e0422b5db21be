//! What a Mixin bot account is configured with: who the bot is and where the service is. The
//! keystore is in the keyring.

use serde::{Deserialize, Serialize};

/// Settings of a Mixin bot. The keystore (which holds the session key) is the keyring secret;
/// the config keeps only who the bot is and where to reach the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixinSettings {
    /// The bot's user id (the keystore's `app_id` / `client_id`).
    pub bot_id: String,
    /// The bot's name as `GET /me` gave it when the keystore was imported.
    #[serde(default)]
    pub bot_name: String,
    /// The Blaze WebSocket.
    #[serde(default = "MixinSettings::default_blaze_url")]
    pub blaze_url: String,
    /// The REST API base.
    #[serde(default = "MixinSettings::default_api_base")]
    pub api_base: String,
}

impl MixinSettings {
    pub const DEFAULT_BLAZE_URL: &'static str = "wss://blaze.mixin.one/";
    pub const DEFAULT_API_BASE: &'static str = "https://api.mixin.one";

    pub fn default_blaze_url() -> String {
        Self::DEFAULT_BLAZE_URL.to_owned()
    }

    pub fn default_api_base() -> String {
        Self::DEFAULT_API_BASE.to_owned()
    }
}

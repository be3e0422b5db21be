//! What a Realtime account is configured with: the base URL, the signed-in user, joined rooms,
//! ticker symbols and how messages go out. The API key and JWT are in the keyring.

use serde::{Deserialize, Serialize};

/// Settings of a Realtime (1HOUSE-style trading community) account. The keyring secret is the
/// platform API key and the user's JWT ([`crate::services::realtime::rest::RealtimeCredentials`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealtimeSettings {
    /// The REST base the user typed, e.g. `https://api-gateway.prod.example.com`.
    pub base_url: String,
    /// The WebSocket, when it is not `<base>/v1/live` with the base's scheme as ws(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_url: Option<String>,
    /// The signed-in user (from the sign-in answer or the JWT): marks own messages and names
    /// the notifications channel.
    #[serde(default)]
    pub user_id: String,
    /// Joined rooms: each is a room in the sidebar and a chatroom subscription.
    #[serde(default)]
    pub rooms: Vec<RealtimeRoom>,
    /// Market symbols the ticker subscribes to.
    #[serde(default)]
    pub symbols: Vec<String>,
    /// How messages go out: `chat:send` on the socket, or REST `POST …/messages`.
    #[serde(default)]
    pub send_over: RealtimeSendPath,
    /// Also put the API key in the socket URL's query (`?apiKey=`), for gateways that cannot
    /// read headers on the upgrade [I]. Off by default: the header is always sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub api_key_in_query: bool,
}

impl RealtimeSettings {
    pub fn new(base_url: impl Into<String>) -> Self {
        RealtimeSettings {
            base_url: base_url.into(),
            ws_url: None,
            user_id: String::new(),
            rooms: Vec::new(),
            symbols: Vec::new(),
            send_over: RealtimeSendPath::default(),
            api_key_in_query: false,
        }
    }
}

/// One joined Realtime chatroom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealtimeRoom {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RealtimeSendPath {
    /// `{"type":"chat:send"}` on the socket; the server's `chat:message` echo confirms it.
    #[default]
    WebSocket,
    /// REST `POST /v1/chatrooms/:id/messages`; the 201 answer carries the stored message.
    Rest,
}

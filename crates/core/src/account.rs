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
    Realtime,
    Mixin,
}

impl ServiceKind {
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Mockly => "mockly.me chat",
            ServiceKind::Mexc => "MEXC P2P order chat",
            ServiceKind::Realtime => "Realtime trading community",
            ServiceKind::Mixin => "Mixin Messenger bot",
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

/// Settings of a MEXC P2P account. Each order chat (conversation) is a room with its own
/// socket. The keyring secret is the listenKey ([`MexcAuth::ListenKey`]) or the API key and
/// secret ([`MexcAuth::ApiKey`], see [`crate::mexc_rest::ApiCredentials`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MexcSettings {
    /// The chat WebSocket.
    #[serde(default = "MexcSettings::default_endpoint")]
    pub endpoint: String,
    #[serde(default)]
    pub auth: MexcAuth,
    /// The REST API (API-key mode only).
    #[serde(default = "MexcSettings::default_rest_base")]
    pub rest_base: String,
    #[serde(default)]
    pub rest_paths: MexcRestPaths,
    #[serde(default)]
    pub conversations: Vec<MexcChat>,
    /// The offset `createTime` is read in (PROTOCOLS notes: default UTC).
    #[serde(default)]
    pub create_time_offset_minutes: i32,
}

impl MexcSettings {
    pub const DEFAULT_REST_BASE: &'static str = "https://api.mexc.com";

    /// Settings with every default but the WebSocket endpoint.
    pub fn with_endpoint(endpoint: String) -> Self {
        MexcSettings {
            endpoint,
            auth: MexcAuth::default(),
            rest_base: Self::default_rest_base(),
            rest_paths: MexcRestPaths::default(),
            conversations: Vec::new(),
            create_time_offset_minutes: 0,
        }
    }

    pub fn default_endpoint() -> String {
        crate::codec::mexc::DEFAULT_ENDPOINT.to_owned()
    }

    pub fn default_rest_base() -> String {
        Self::DEFAULT_REST_BASE.to_owned()
    }
}

/// How a MEXC account gets its listenKeys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MexcAuth {
    /// The user pasted one listenKey and keeps it valid themselves.
    #[default]
    ListenKey,
    /// Parley signs REST calls with the user's API key: it creates listenKeys, keeps them alive
    /// and looks conversations up by order number.
    ApiKey,
}

/// REST paths, editable because the P2P "generate listenKey" path is inferred (PROTOCOLS §2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MexcRestPaths {
    pub listen_key: String,
    pub conversation: String,
}

impl Default for MexcRestPaths {
    fn default() -> Self {
        MexcRestPaths {
            listen_key: "/api/v3/userDataStream".into(),
            conversation: "/api/v3/fiat/retrieveChatConversation".into(),
        }
    }
}

/// One order chat. Older configs list bare conversation ids; both shapes are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "MexcChatOnDisk")]
pub struct MexcChat {
    pub conversation_id: i64,
    /// The order number the user typed (API-key mode), which labels the room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
}

impl MexcChat {
    pub fn by_id(conversation_id: i64) -> Self {
        MexcChat {
            conversation_id,
            order_no: None,
        }
    }

    /// The room id: the conversation id, as the socket URL carries it.
    pub fn room(&self) -> String {
        self.conversation_id.to_string()
    }

    /// What the sidebar calls the room.
    pub fn title(&self) -> String {
        match &self.order_no {
            Some(order) => format!("Order {order}"),
            None => format!("Order chat {}", self.conversation_id),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MexcChatOnDisk {
    Id(i64),
    Full {
        conversation_id: i64,
        #[serde(default)]
        order_no: Option<String>,
    },
}

impl From<MexcChatOnDisk> for MexcChat {
    fn from(raw: MexcChatOnDisk) -> Self {
        match raw {
            MexcChatOnDisk::Id(id) => MexcChat::by_id(id),
            MexcChatOnDisk::Full {
                conversation_id,
                order_no,
            } => MexcChat {
                conversation_id,
                order_no,
            },
        }
    }
}

/// Settings of a Realtime (1HOUSE-style trading community) account. The keyring secret is the
/// platform API key and the user's JWT ([`crate::realtime_rest::RealtimeCredentials`]).
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

/// Per-service settings, tagged by service so the config file reads naturally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum ServiceSettings {
    Mockly(MocklySettings),
    Mexc(MexcSettings),
    Realtime(RealtimeSettings),
    Mixin(MixinSettings),
}

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

impl ServiceSettings {
    pub fn kind(&self) -> ServiceKind {
        match self {
            ServiceSettings::Mockly(_) => ServiceKind::Mockly,
            ServiceSettings::Mexc(_) => ServiceKind::Mexc,
            ServiceSettings::Realtime(_) => ServiceKind::Realtime,
            ServiceSettings::Mixin(_) => ServiceKind::Mixin,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_configs_with_bare_conversation_ids_still_load() {
        let settings: ServiceSettings = serde_json::from_str(
            r#"{"service":"mexc","conversations":[50012,{"conversation_id":7,"order_no":"A1"}]}"#,
        )
        .unwrap();
        let ServiceSettings::Mexc(mexc) = settings else {
            panic!("not mexc")
        };
        assert_eq!(mexc.auth, MexcAuth::ListenKey);
        assert_eq!(mexc.rest_base, "https://api.mexc.com");
        assert_eq!(mexc.conversations[0], MexcChat::by_id(50012));
        assert_eq!(mexc.conversations[1].title(), "Order A1");
        assert_eq!(mexc.conversations[0].title(), "Order chat 50012");
    }
}

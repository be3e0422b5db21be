//! What a MEXC P2P account is configured with: the chat socket, how it gets listenKeys, the
//! REST API (API-key mode) and its order chats. The secret (listenKey or API key) is in the keyring.

use serde::{Deserialize, Serialize};

/// Settings of a MEXC P2P account. Each order chat (conversation) is a room with its own
/// socket. The keyring secret is the listenKey ([`MexcAuth::ListenKey`]) or the API key and
/// secret ([`MexcAuth::ApiKey`], see [`crate::services::mexc::rest::ApiCredentials`]).
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
        crate::services::mexc::codec::DEFAULT_ENDPOINT.to_owned()
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
    /// One order's details ("P2P Account Read").
    #[serde(default = "MexcRestPaths::default_order_detail")]
    pub order_detail: String,
    /// The account's orders ("P2P Account Read").
    #[serde(default = "MexcRestPaths::default_order_list")]
    pub order_list: String,
}

impl MexcRestPaths {
    fn default_order_detail() -> String {
        "/api/v3/fiat/order/detail".into()
    }

    fn default_order_list() -> String {
        "/api/v3/fiat/market/order/paginationV2".into()
    }
}

impl Default for MexcRestPaths {
    fn default() -> Self {
        MexcRestPaths {
            listen_key: "/api/v3/userDataStream".into(),
            conversation: "/api/v3/fiat/retrieveChatConversation".into(),
            order_detail: Self::default_order_detail(),
            order_list: Self::default_order_list(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_configs_with_bare_conversation_ids_still_load() {
        let settings: crate::services::ServiceSettings = serde_json::from_str(
            r#"{"service":"mexc","conversations":[50012,{"conversation_id":7,"order_no":"A1"}]}"#,
        )
        .unwrap();
        let crate::services::ServiceSettings::Mexc(mexc) = settings else {
            panic!("not mexc")
        };
        assert_eq!(mexc.auth, MexcAuth::ListenKey);
        assert_eq!(mexc.rest_base, "https://api.mexc.com");
        assert_eq!(mexc.conversations[0], MexcChat::by_id(50012));
        assert_eq!(mexc.conversations[1].title(), "Order A1");
        assert_eq!(mexc.conversations[0].title(), "Order chat 50012");
    }
}

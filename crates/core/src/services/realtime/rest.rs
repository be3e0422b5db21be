//! The Realtime REST API (PROTOCOLS.md §4.1–4.2): sign-in, the chatroom directory (list, get,
//! create, update, delete, join, leave) and room history and sending. Every call carries the
//! platform key as `X-API-Key` and, once signed in, the user's JWT as a bearer token. Answers
//! are read from the `{success, status, data, pagination}` envelope; refusals from the error
//! envelope (`message`, `error`, `errorId`), so the user sees exactly what the server said.

use crate::message::{IncomingMessage, MessageKind};
use crate::secret::Secret;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// Answers are small JSON documents (a page holds at most 100 messages of at most 64 KB).
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The documented page size limit of history (`limit` max 100).
pub const MAX_PAGE: u32 = 100;

/// The platform API key and the user's JWT, kept together as one keyring entry.
#[derive(Clone)]
pub struct RealtimeCredentials {
    pub api_key: Secret,
    pub token: Secret,
}

impl RealtimeCredentials {
    /// The keyring form: a small JSON object.
    pub fn to_secret(&self) -> Secret {
        Secret::new(
            serde_json::json!({"api_key": self.api_key.expose(), "token": self.token.expose()})
                .to_string(),
        )
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, RestError> {
        let value: Value = serde_json::from_str(secret.expose()).map_err(|_| {
            RestError::Settings(
                "the stored API key and token are unreadable; sign in again with Edit on this account in Settings".into(),
            )
        })?;
        let field = |name: &str, what: &str| {
            value[name]
                .as_str()
                .filter(|v| !v.trim().is_empty())
                .map(|v| Secret::new(v.trim()))
                .ok_or_else(|| {
                    RestError::Settings(format!(
                        "the stored {what} is missing; sign in again with Edit on this account in Settings"
                    ))
                })
        };
        Ok(RealtimeCredentials {
            api_key: field("api_key", "API key")?,
            token: field("token", "token")?,
        })
    }
}

pub use crate::rest::RestError;
use crate::rest::{ApiName, Refusal, RestCore};

/// How the server is named in errors.
pub(crate) const API: ApiName = ApiName {
    api: "the server",
    refuser: "the server",
};

/// A chatroom as the directory lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomInfo {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// public, private or group.
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, rename = "memberCount")]
    pub member_count: Option<u64>,
    #[serde(default, rename = "activeNow")]
    pub active_now: Option<u64>,
    #[serde(default, rename = "lastMessageAt")]
    pub last_message_at: Option<String>,
    #[serde(default, rename = "createdBy")]
    pub created_by: Option<String>,
    #[serde(default, rename = "createdAt")]
    pub created_at: Option<String>,
}

/// What creating or editing a room sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomDraft {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// One page of a paged answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub limit: u32,
    pub total: u64,
    pub pages: u32,
}

/// A sender as the history payload describes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    #[serde(default, rename = "firstName")]
    pub first_name: Option<String>,
    #[serde(default, rename = "lastName")]
    pub last_name: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
}

impl UserInfo {
    /// "First Last", or `None` when the payload names nobody.
    pub fn display_name(&self) -> Option<String> {
        let name = [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!name.is_empty()).then_some(name)
    }
}

/// A message as REST returns it (`id`, `createdAt`, `user{…}`); the socket's `chat:message`
/// uses `messageId`/`timestamp` instead and is normalized by the codec.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RestMessage {
    pub id: String,
    #[serde(default, rename = "chatroomId")]
    pub chatroom_id: Option<String>,
    #[serde(rename = "userId")]
    pub user_id: String,
    #[serde(default)]
    pub user: Option<UserInfo>,
    pub message: String,
    #[serde(default, rename = "createdAt")]
    pub created_at: String,
}

impl RestMessage {
    /// The message as the store takes it; `room` wins over a missing `chatroomId`.
    pub fn to_incoming(&self, room: &str, own_user_id: &str) -> IncomingMessage {
        let own = !own_user_id.is_empty() && self.user_id == own_user_id;
        IncomingMessage {
            room: room.to_owned(),
            service_id: Some(self.id.clone()),
            sender_id: self.user_id.clone(),
            sender_name: self.user.as_ref().and_then(UserInfo::display_name),
            own,
            kind: MessageKind::Text,
            text: self.message.clone(),
            media: None,
            card: None,
            sender_avatar: crate::message::avatar_url(
                self.user.as_ref().and_then(|u| u.avatar.as_deref()),
            ),
            ts_ms: crate::timestamp::parse_iso_ms(&self.created_at)
                .unwrap_or_else(crate::timestamp::now_ms),
            ts_raw: self.created_at.clone(),
            quote_id: None,
        }
    }
}

/// What signing in gives: the JWT and who it belongs to.
pub struct SignedIn {
    pub token: Secret,
    pub user_id: String,
    pub name: Option<String>,
}

/// The REST base the user typed, checked: http(s) only, no query or fragment.
pub fn base_url(raw: &str) -> Result<url::Url, RestError> {
    crate::rest::http_base(raw, "the server address")
}

/// The WebSocket URL: the override when given (ws or wss), else `<base>/v1/live` with the
/// base's scheme turned into ws/wss.
pub fn live_url(base: &str, override_url: Option<&str>) -> Result<url::Url, RestError> {
    if let Some(raw) = override_url.map(str::trim).filter(|s| !s.is_empty()) {
        return crate::wire::ws_url(raw).map_err(|e| RestError::Settings(e.to_string()));
    }
    let mut url = base_url(base)?;
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme)
        .map_err(|_| RestError::Settings("cannot derive the WebSocket address".into()))?;
    let path = format!("{}/v1/live", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url)
}

/// The user id inside a JWT's payload (`userId`, `sub`, `id`, `_id` or `user_id`, whichever
/// is there [I]), without checking the signature: only the server can, and it does.
pub fn jwt_user_id(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    ["userId", "sub", "id", "_id", "user_id"]
        .iter()
        .find_map(|k| match &claims[*k] {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

pub struct RealtimeRest {
    core: RestCore,
    api_key: Secret,
    token: Option<Secret>,
}

impl RealtimeRest {
    pub fn new(base: &str, api_key: Secret, token: Option<Secret>) -> Result<Self, RestError> {
        Ok(RealtimeRest {
            core: RestCore::new(
                base_url(base)?,
                API,
                Duration::from_secs(20),
                MAX_BODY_BYTES,
            )?,
            api_key,
            token,
        })
    }

    pub fn with_credentials(
        base: &str,
        credentials: &RealtimeCredentials,
    ) -> Result<Self, RestError> {
        Self::new(
            base,
            credentials.api_key.clone(),
            Some(credentials.token.clone()),
        )
    }

    /// `POST /v1/auth/signin`. The password goes into this one request and nowhere else.
    pub async fn sign_in(&self, email: &str, password: &Secret) -> Result<SignedIn, RestError> {
        let body = serde_json::json!({
            "email": email.trim(),
            "password": password.expose(),
            "platform": "web",
            "device": "Parley desktop",
        });
        let answer = self
            .call(reqwest::Method::POST, "/v1/auth/signin", &[], Some(body))
            .await?;
        let data = &answer["data"];
        let token = ["token", "accessToken", "access_token", "jwt"]
            .iter()
            .find_map(|k| data[*k].as_str().or_else(|| answer[*k].as_str()))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.core.malformed("the sign-in answer has no token"))?;
        let user = &data["user"];
        let user_id = ["id", "_id", "userId"]
            .iter()
            .find_map(|k| match &user[*k] {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .or_else(|| jwt_user_id(token))
            .unwrap_or_default();
        let name = serde_json::from_value::<UserInfo>(user.clone())
            .ok()
            .and_then(|u| u.display_name());
        Ok(SignedIn {
            token: Secret::new(token),
            user_id,
            name,
        })
    }

    /// `GET /v1/chatrooms?page&limit&type`.
    pub async fn list_rooms(
        &self,
        page: u32,
        limit: u32,
        kind: Option<&str>,
    ) -> Result<Page<RoomInfo>, RestError> {
        let (page, limit) = (
            page.max(1).to_string(),
            limit.clamp(1, MAX_PAGE).to_string(),
        );
        let mut query = vec![("page", page.as_str()), ("limit", limit.as_str())];
        if let Some(kind) = kind.filter(|k| !k.is_empty()) {
            query.push(("type", kind));
        }
        let answer = self
            .call(reqwest::Method::GET, "/v1/chatrooms", &query, None)
            .await?;
        paged(&answer)
    }

    /// `GET /v1/chatrooms/:id`.
    pub async fn room(&self, id: &str) -> Result<RoomInfo, RestError> {
        let answer = self
            .call(reqwest::Method::GET, &room_path(id, "")?, &[], None)
            .await?;
        data_as(&answer)
    }

    /// `POST /v1/chatrooms`.
    pub async fn create_room(&self, draft: &RoomDraft) -> Result<RoomInfo, RestError> {
        let body = serde_json::to_value(draft).map_err(|e| RestError::Settings(e.to_string()))?;
        let answer = self
            .call(reqwest::Method::POST, "/v1/chatrooms", &[], Some(body))
            .await?;
        data_as(&answer)
    }

    /// `PUT /v1/chatrooms/:id`.
    pub async fn update_room(&self, id: &str, draft: &RoomDraft) -> Result<RoomInfo, RestError> {
        let body = serde_json::to_value(draft).map_err(|e| RestError::Settings(e.to_string()))?;
        let answer = self
            .call(reqwest::Method::PUT, &room_path(id, "")?, &[], Some(body))
            .await?;
        data_as(&answer)
    }

    /// `DELETE /v1/chatrooms/:id` (creator or admin only: others get a 403).
    pub async fn delete_room(&self, id: &str) -> Result<(), RestError> {
        self.call(reqwest::Method::DELETE, &room_path(id, "")?, &[], None)
            .await
            .map(drop)
    }

    /// `POST /v1/chatrooms/:id/join`.
    pub async fn join(&self, id: &str) -> Result<(), RestError> {
        self.call(reqwest::Method::POST, &room_path(id, "/join")?, &[], None)
            .await
            .map(drop)
    }

    /// `POST /v1/chatrooms/:id/leave`.
    pub async fn leave(&self, id: &str) -> Result<(), RestError> {
        self.call(reqwest::Method::POST, &room_path(id, "/leave")?, &[], None)
            .await
            .map(drop)
    }

    /// `GET /v1/chatrooms/:id/messages?page&limit` (limit at most 100; page 1 is the newest).
    pub async fn history(
        &self,
        id: &str,
        page: u32,
        limit: u32,
    ) -> Result<Page<RestMessage>, RestError> {
        let (page, limit) = (
            page.max(1).to_string(),
            limit.clamp(1, MAX_PAGE).to_string(),
        );
        let query = [("page", page.as_str()), ("limit", limit.as_str())];
        let answer = self
            .call(
                reqwest::Method::GET,
                &room_path(id, "/messages")?,
                &query,
                None,
            )
            .await?;
        paged(&answer)
    }

    /// `POST /v1/chatrooms/:id/messages` → the stored message (201).
    pub async fn send(&self, id: &str, text: &str) -> Result<RestMessage, RestError> {
        let body = serde_json::json!({ "message": text });
        let answer = self
            .call(
                reqwest::Method::POST,
                &room_path(id, "/messages")?,
                &[],
                Some(body),
            )
            .await?;
        data_as(&answer)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Value, RestError> {
        let mut url = crate::rest::join_path(&self.core.base, path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut request = self
            .core
            .request(method, url)
            .header("X-API-Key", self.api_key.expose());
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let answer = self.core.send(request).await?;
        let status = answer.status;
        let body = answer.json();
        if !answer.is_success() {
            let envelope = body.unwrap_or(Value::Null);
            let message = ["message", "error"]
                .iter()
                .find_map(|k| envelope[*k].as_str().filter(|m| !m.is_empty()))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("HTTP {status} without an explanation"));
            let error_id = envelope["errorId"]
                .as_str()
                .or_else(|| envelope["meta"]["errorId"].as_str())
                .map(str::to_owned);
            return Err(self.core.refused(Refusal {
                status: Some(status),
                message,
                error_id,
                retry_after: answer.retry_after,
                auth: status == 401,
                ..Refusal::default()
            }));
        }
        let body = body.ok_or_else(|| {
            self.core
                .malformed(format!("HTTP {status} with a body that is not JSON"))
        })?;
        if body["success"] == Value::Bool(false) {
            let message = body["message"]
                .as_str()
                .unwrap_or("the request failed")
                .to_owned();
            let status = body["status"].as_u64().map_or(status, |s| s as u16);
            return Err(self.core.refused(Refusal {
                status: Some(status),
                message,
                error_id: body["errorId"].as_str().map(str::to_owned),
                auth: status == 401,
                ..Refusal::default()
            }));
        }
        Ok(body)
    }
}

fn malformed(detail: String) -> RestError {
    RestError::Malformed {
        api: API.api,
        detail,
    }
}

/// `/v1/chatrooms/<id><tail>`, with the id percent-encoded as one path segment.
fn room_path(id: &str, tail: &str) -> Result<String, RestError> {
    let id = id.trim();
    if id.is_empty() || id.len() > 256 || id.chars().any(char::is_control) {
        return Err(RestError::Settings("invalid room id".into()));
    }
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    Ok(format!(
        "/v1/chatrooms/{}{tail}",
        encoded.replace('+', "%20")
    ))
}

fn data_as<T: serde::de::DeserializeOwned>(answer: &Value) -> Result<T, RestError> {
    serde_json::from_value(answer["data"].clone())
        .map_err(|e| malformed(format!("`data` has an unexpected shape: {e}")))
}

/// `data` (an array) and `pagination` of a list answer; items that do not parse are skipped
/// with a log line rather than failing the whole page.
fn paged<T: serde::de::DeserializeOwned>(answer: &Value) -> Result<Page<T>, RestError> {
    let rows = answer["data"]
        .as_array()
        .ok_or_else(|| malformed("`data` is not a list".into()))?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        match serde_json::from_value(row.clone()) {
            Ok(item) => items.push(item),
            Err(e) => tracing::warn!(error = %e, "skipping a list item of an unexpected shape"),
        }
    }
    let p = &answer["pagination"];
    let number = |k: &str, default: u64| p[k].as_u64().unwrap_or(default);
    Ok(Page {
        page: number("page", 1) as u32,
        limit: number("limit", items.len() as u64) as u32,
        total: number("total", items.len() as u64),
        pages: number("pages", 1) as u32,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_address_is_derived_from_the_base() {
        let live = |base, over| live_url(base, over).map(|u| u.to_string());
        assert_eq!(
            live("https://api.example.com", None).unwrap(),
            "wss://api.example.com/v1/live"
        );
        assert_eq!(
            live("http://127.0.0.1:8080/", None).unwrap(),
            "ws://127.0.0.1:8080/v1/live"
        );
        assert_eq!(
            live("https://x.io/gw", None).unwrap(),
            "wss://x.io/gw/v1/live"
        );
        assert_eq!(
            live("https://x.io", Some("wss://live.x.io/socket")).unwrap(),
            "wss://live.x.io/socket"
        );
        assert!(live("ftp://x.io", None).is_err());
        assert!(live("https://x.io", Some("https://not-a-socket")).is_err());
        assert!(live("api.example.com", None).is_err());
    }

    #[test]
    fn the_user_id_is_read_from_the_jwt_payload() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let token = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"HS256"}"#),
            b64(r#"{"userId":"user_456","exp":1}"#)
        );
        assert_eq!(jwt_user_id(&token).as_deref(), Some("user_456"));
        let token = format!("h.{}.s", b64(r#"{"sub":42}"#));
        assert_eq!(jwt_user_id(&token).as_deref(), Some("42"));
        assert_eq!(jwt_user_id("not-a-jwt"), None);
        assert_eq!(jwt_user_id("a.!!!.c"), None);
    }

    #[test]
    fn credentials_round_trip_and_names_are_joined() {
        let creds = RealtimeCredentials {
            api_key: Secret::new("pk_1"),
            token: Secret::new("eyJ"),
        };
        let back = RealtimeCredentials::from_secret(&creds.to_secret()).unwrap();
        assert_eq!(
            (back.api_key.expose(), back.token.expose()),
            ("pk_1", "eyJ")
        );
        assert!(RealtimeCredentials::from_secret(&Secret::new("{}")).is_err());
        let user = UserInfo {
            first_name: Some("John".into()),
            last_name: Some(" Doe ".into()),
            avatar: None,
        };
        assert_eq!(user.display_name().as_deref(), Some("John Doe"));
        assert_eq!(UserInfo::default().display_name(), None);
    }

    #[test]
    fn room_ids_become_one_path_segment() {
        assert_eq!(
            room_path("room_123", "/join").unwrap(),
            "/v1/chatrooms/room_123/join"
        );
        assert_eq!(room_path("a/b c", "").unwrap(), "/v1/chatrooms/a%2Fb%20c");
        assert!(room_path("", "").is_err());
    }
}

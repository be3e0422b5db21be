//! The Mixin REST calls a bot's chat needs (PROTOCOLS.md §1.12): `/me` to check a keystore (and
//! to confirm a Blaze 401), users and conversations to name rooms and senders, attachments and
//! stickers to show media. Every call is signed with a fresh token (§1.3). Mixin answers errors
//! with HTTP 202 and an `error` body, so the body decides, never the status alone (§1.7).

use crate::account::MixinSettings;
use crate::services::mixin::keystore::Keystore;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// Answers are small JSON documents.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MixinError {
    #[error("cannot reach Mixin: {0}")]
    Unreachable(String),
    #[error("Mixin refused the request: error {code}: {description}")]
    Refused { code: i64, description: String },
    #[error("Mixin answered something unexpected: {0}")]
    Malformed(String),
    #[error("{0}")]
    Settings(String),
}

impl MixinError {
    /// The keystore (or the clock) is refused: 401, or 911 "time inaccurate".
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            MixinError::Refused {
                code: 401 | 911,
                ..
            }
        )
    }

    /// What to tell the user, with the likely cause of an authentication refusal.
    pub fn explain(&self) -> String {
        if self.is_auth() {
            format!("{self} — the keystore is wrong or revoked, or this computer's clock is off by more than 5 minutes")
        } else {
            self.to_string()
        }
    }
}

/// A user as `/me` and `/users/:id` describe one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserProfile {
    pub user_id: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub identity_number: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConversationInfo {
    pub conversation_id: String,
    /// CONTACT or GROUP.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Participant {
    pub user_id: String,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    description: String,
}

pub struct MixinRest {
    base: url::Url,
    keystore: Keystore,
    http: reqwest::Client,
}

impl MixinRest {
    pub fn new(settings: &MixinSettings, keystore: Keystore) -> Result<MixinRest, MixinError> {
        let base = url::Url::parse(settings.api_base.trim()).map_err(|e| {
            MixinError::Settings(format!(
                "the API address `{}` is not a URL: {e}",
                settings.api_base
            ))
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(MixinError::Settings(
                "the API address must start with https:// (or http://)".into(),
            ));
        }
        let http = crate::http_client::api().map_err(MixinError::Settings)?;
        Ok(MixinRest {
            base,
            keystore,
            http,
        })
    }

    /// The bot itself: proves the keystore and the clock.
    pub async fn me(&self) -> Result<UserProfile, MixinError> {
        self.call("GET", "/me", None).await
    }

    pub async fn user(&self, user_id: &str) -> Result<UserProfile, MixinError> {
        self.call("GET", &format!("/users/{}", segment(user_id)?), None)
            .await
    }

    pub async fn conversation(&self, id: &str) -> Result<ConversationInfo, MixinError> {
        self.call("GET", &format!("/conversations/{}", segment(id)?), None)
            .await
    }

    /// Creates (or finds) the one-to-one conversation with `user_id`; returns its id.
    pub async fn open_contact_conversation(&self, user_id: &str) -> Result<String, MixinError> {
        let id =
            crate::services::mixin::ids::contact_conversation_id(&self.keystore.user_id, user_id);
        let body = serde_json::json!({
            "category": "CONTACT",
            "conversation_id": id,
            "participants": [{"user_id": user_id}],
        });
        let info: ConversationInfo = self.call("POST", "/conversations", Some(body)).await?;
        Ok(info.conversation_id)
    }

    /// Marks messages read, so the server stops pushing them (at most 100 per call).
    pub async fn acknowledge(&self, message_ids: &[String]) -> Result<(), MixinError> {
        let body: Vec<Value> = message_ids
            .iter()
            .map(|id| serde_json::json!({"message_id": id, "status": "READ"}))
            .collect();
        let _: Value = self
            .call("POST", "/acknowledgements", Some(Value::Array(body)))
            .await?;
        Ok(())
    }

    /// A fresh download address of an attachment (they expire; 404 = gone).
    pub async fn attachment_url(&self, attachment_id: &str) -> Result<String, MixinError> {
        let value: Value = self
            .call(
                "GET",
                &format!("/attachments/{}", segment(attachment_id)?),
                None,
            )
            .await?;
        web_url(&value, "view_url")
    }

    /// The image of a sticker.
    pub async fn sticker_url(&self, sticker_id: &str) -> Result<String, MixinError> {
        let value: Value = self
            .call("GET", &format!("/stickers/{}", segment(sticker_id)?), None)
            .await?;
        web_url(&value, "asset_url")
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, MixinError> {
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        let signed = crate::services::mixin::auth::sign(
            &self.keystore,
            method,
            &crate::services::mixin::auth::uri_of(&url),
            body.as_bytes(),
            now,
        );
        let mut request = self
            .http
            .request(
                method
                    .parse()
                    .map_err(|_| MixinError::Settings(method.into()))?,
                url,
            )
            .timeout(Duration::from_secs(15))
            .bearer_auth(&signed.token)
            .header("X-Request-Id", &signed.request_id)
            .header("Content-Type", "application/json");
        if !body.is_empty() {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| MixinError::Unreachable(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let echoed = response
            .headers()
            .get("X-Request-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = crate::http_body::read_capped(response, MAX_BODY_BYTES)
            .await
            .map_err(|e| match e {
                crate::http_body::BodyError::Transport(t) => MixinError::Unreachable(t),
                crate::http_body::BodyError::TooLarge(l) => {
                    MixinError::Malformed(format!("an answer larger than {l} bytes"))
                }
            })?;
        let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|_| {
            MixinError::Malformed(format!(
                "HTTP {status} with a body that is not Mixin's JSON"
            ))
        })?;
        if let Some(e) = envelope.error {
            return Err(MixinError::Refused {
                code: e.code,
                description: e.description,
            });
        }
        if echoed.is_some_and(|id| id != signed.request_id) {
            return Err(MixinError::Malformed(
                "the answer belongs to another request (X-Request-Id differs)".into(),
            ));
        }
        let data = envelope
            .data
            .ok_or_else(|| MixinError::Malformed(format!("HTTP {status} without `data`")))?;
        serde_json::from_value(data).map_err(|e| MixinError::Malformed(e.to_string()))
    }
}

/// An id that goes into a path: only UUID-like characters, so nothing can change the path.
fn segment(id: &str) -> Result<&str, MixinError> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(id)
    } else {
        Err(MixinError::Settings(format!("`{id}` is not a Mixin id")))
    }
}

fn web_url(value: &Value, field: &str) -> Result<String, MixinError> {
    value
        .get(field)
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_owned)
        .ok_or_else(|| MixinError::Malformed(format!("no http(s) `{field}` in the answer")))
}

//! The Mixin REST calls a bot's chat needs (PROTOCOLS.md §1.12): `/me` to check a keystore (and
//! to confirm a Blaze 401), users and conversations to name rooms and senders, attachments and
//! stickers to show media. Every call is signed with a fresh token (§1.3). Mixin answers errors
//! with HTTP 202 and an `error` body, so the body decides, never the status alone (§1.7).

use super::MixinSettings;
use crate::services::mixin::keystore::Keystore;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// Answers are small JSON documents.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub use crate::rest::RestError;
use crate::rest::{ApiName, Refusal, RestCore};

const API: ApiName = ApiName {
    api: "Mixin",
    refuser: "Mixin",
};

/// The likely cause of an authentication refusal (401, or 911 "time inaccurate").
const AUTH_HINT: &str =
    "the keystore is wrong or revoked, or this computer's clock is off by more than 5 minutes";

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

/// An attachment `POST /attachments` created: where to upload its bytes, and its id to send.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NewAttachment {
    pub attachment_id: String,
    pub upload_url: String,
    #[serde(default)]
    pub view_url: String,
}

/// An upload may take long (a video over a slow line); the answer is still small.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// An upload's body is handed over in pieces of this size, each counted for the progress bar.
const UPLOAD_CHUNK: usize = 64 * 1024;

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
    core: RestCore,
    keystore: Keystore,
}

impl MixinRest {
    pub fn new(settings: &MixinSettings, keystore: Keystore) -> Result<MixinRest, RestError> {
        let base = crate::rest::http_base(&settings.api_base, "the API address")?;
        Ok(MixinRest {
            core: RestCore::new(base, API, Duration::from_secs(15), MAX_BODY_BYTES)?,
            keystore,
        })
    }

    /// The bot itself: proves the keystore and the clock.
    pub async fn me(&self) -> Result<UserProfile, RestError> {
        self.call("GET", "/me", None).await
    }

    pub async fn user(&self, user_id: &str) -> Result<UserProfile, RestError> {
        self.call("GET", &format!("/users/{}", segment(user_id)?), None)
            .await
    }

    pub async fn conversation(&self, id: &str) -> Result<ConversationInfo, RestError> {
        self.call("GET", &format!("/conversations/{}", segment(id)?), None)
            .await
    }

    /// Creates (or finds) the one-to-one conversation with `user_id`; returns its id.
    pub async fn open_contact_conversation(&self, user_id: &str) -> Result<String, RestError> {
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
    pub async fn acknowledge(&self, message_ids: &[String]) -> Result<(), RestError> {
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
    pub async fn attachment_url(&self, attachment_id: &str) -> Result<String, RestError> {
        let value: Value = self
            .call(
                "GET",
                &format!("/attachments/{}", segment(attachment_id)?),
                None,
            )
            .await?;
        web_url(&value, "view_url")
    }

    /// Creates an attachment to upload into (PROTOCOLS.md §1.12); its `upload_url` is signed
    /// by the storage, not by us, and expires.
    pub async fn create_attachment(&self) -> Result<NewAttachment, RestError> {
        let created: NewAttachment = self
            .call("POST", "/attachments", Some(serde_json::json!({})))
            .await?;
        web_url(
            &serde_json::json!({"upload_url": created.upload_url}),
            "upload_url",
        )?;
        segment(&created.attachment_id)?;
        Ok(created)
    }

    /// Puts the bytes at the storage address with the headers Mixin's SDKs send
    /// (`application/octet-stream`, `x-amz-acl: public-read`); no bearer token goes there.
    pub async fn upload(
        &self,
        attachment: &NewAttachment,
        bytes: Vec<u8>,
        progress: &crate::upload_progress::UploadProgress,
    ) -> Result<(), RestError> {
        let url = url::Url::parse(&attachment.upload_url)
            .map_err(|e| self.core.malformed(format!("the upload address: {e}")))?;
        let request = self
            .core
            .request(reqwest::Method::PUT, url)
            .timeout(UPLOAD_TIMEOUT)
            .header("Content-Type", "application/octet-stream")
            .header("x-amz-acl", "public-read")
            .header("Content-Length", bytes.len())
            .body(progress.counting_body(bytes, UPLOAD_CHUNK));
        let answer = self.core.send(request).await?;
        if answer.is_success() {
            return Ok(());
        }
        Err(self.core.refused(Refusal {
            status: Some(answer.status),
            message: format!(
                "the attachment storage refused the upload (HTTP {})",
                answer.status
            ),
            retry_after: answer.retry_after,
            ..Refusal::default()
        }))
    }

    /// The image of a sticker.
    pub async fn sticker_url(&self, sticker_id: &str) -> Result<String, RestError> {
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
    ) -> Result<T, RestError> {
        let url = crate::rest::join_path(&self.core.base, path);
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        let signed = crate::services::mixin::auth::sign(
            &self.keystore,
            method,
            &crate::services::mixin::auth::uri_of(&url),
            body.as_bytes(),
            now,
            uuid::Uuid::new_v4().to_string(),
        );
        let method = method
            .parse()
            .map_err(|_| RestError::Settings(method.into()))?;
        let mut request = self
            .core
            .request(method, url)
            .bearer_auth(signed.token.expose())
            .header("X-Request-Id", &signed.request_id)
            .header("Content-Type", "application/json");
        if !body.is_empty() {
            request = request.body(body);
        }
        let answer = self.core.send(request).await?;
        let status = answer.status;
        let envelope: Envelope = serde_json::from_slice(&answer.body).map_err(|_| {
            self.core.malformed(format!(
                "HTTP {status} with a body that is not Mixin's JSON"
            ))
        })?;
        if let Some(e) = envelope.error {
            return Err(self.core.refused(Refusal {
                code: Some(e.code),
                auth: matches!(e.code, 401 | 911),
                hint: matches!(e.code, 401 | 911).then_some(AUTH_HINT),
                message: e.description,
                retry_after: answer.retry_after,
                ..Refusal::default()
            }));
        }
        if answer
            .header("X-Request-Id")
            .is_some_and(|id| id != signed.request_id)
        {
            return Err(self
                .core
                .malformed("the answer belongs to another request (X-Request-Id differs)"));
        }
        let data = envelope
            .data
            .ok_or_else(|| self.core.malformed(format!("HTTP {status} without `data`")))?;
        serde_json::from_value(data).map_err(|e| self.core.malformed(e.to_string()))
    }
}

/// An id that goes into a path: only UUID-like characters, so nothing can change the path.
fn segment(id: &str) -> Result<&str, RestError> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(id)
    } else {
        Err(RestError::Settings(crate::rest::bounded(format!(
            "`{id}` is not a Mixin id"
        ))))
    }
}

fn web_url(value: &Value, field: &str) -> Result<String, RestError> {
    value
        .get(field)
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_owned)
        .ok_or_else(|| RestError::Malformed {
            api: API.api,
            detail: format!("no http(s) `{field}` in the answer"),
        })
}

//! The MEXC REST calls an API-key account needs (PROTOCOLS.md §2.1–2.2): look a conversation up
//! by order number, read an order's details and the account's orders, and create, keep alive,
//! list and delete listenKeys. Every call is signed
//! (see [`crate::services::mexc::signing`]). URLs are never logged or put into errors: they can carry a
//! listenKey.

use super::order_detail::{read_order, read_order_list};
use super::{MexcRestPaths, MexcSettings};
use crate::orders::OrderDetails;
pub use crate::rest::RestError;
use crate::rest::{ApiName, Refusal, RestCore};
use crate::secret::Secret;
use crate::services::mexc::signing::{signed_query, API_KEY_HEADER};
use serde_json::Value;
use std::time::Duration;

/// How far the server may be behind our clock (MEXC's `recvWindow`; 5000 ms is the usual default).
pub const RECV_WINDOW_MS: u32 = 5000;
/// REST answers are small JSON documents; more than this is not a MEXC answer.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The API key and secret of an account, kept together as one keyring entry.
pub struct ApiCredentials {
    pub api_key: Secret,
    pub api_secret: Secret,
}

impl ApiCredentials {
    /// The keyring form: a small JSON object.
    pub fn to_secret(&self) -> Secret {
        Secret::new(
            serde_json::json!({"api_key": self.api_key.expose(), "api_secret": self.api_secret.expose()})
                .to_string(),
        )
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, RestError> {
        let value: Value = serde_json::from_str(secret.expose()).map_err(|_| {
            RestError::Settings("the stored API key is unreadable; give it again with Edit on this account in Settings".into())
        })?;
        let field = |name: &str| {
            value[name]
                .as_str()
                .filter(|v| !v.trim().is_empty())
                .map(|v| Secret::new(v.trim()))
                .ok_or_else(|| RestError::Settings(format!("the stored {name} is missing")))
        };
        Ok(ApiCredentials {
            api_key: field("api_key")?,
            api_secret: field("api_secret")?,
        })
    }
}

const API: ApiName = ApiName {
    api: "the MEXC API",
    refuser: "MEXC",
};

pub struct MexcRest {
    core: RestCore,
    paths: MexcRestPaths,
    credentials: ApiCredentials,
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl MexcRest {
    pub fn new(settings: &MexcSettings, credentials: ApiCredentials) -> Result<Self, RestError> {
        let base = crate::rest::http_base(&settings.rest_base, "the REST base")?;
        Ok(MexcRest {
            core: RestCore::new(base, API, Duration::from_secs(20), MAX_BODY_BYTES)?,
            paths: settings.rest_paths.clone(),
            credentials,
        })
    }

    /// `GET retrieveChatConversation?orderNo=…` → the order's `conversationId`.
    pub async fn conversation_id(&self, order_no: &str) -> Result<i64, RestError> {
        let order_no = order_no.trim();
        if order_no.is_empty() || order_no.len() > 64 {
            return Err(RestError::Settings("enter an order number".into()));
        }
        let body = self
            .call(
                Method::Get,
                &self.paths.conversation,
                &[("orderNo", order_no)],
            )
            .await?;
        let data = self.p2p_data(body)?;
        let id = &data["conversationId"];
        id.as_i64()
            .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
            .filter(|id| *id > 0)
            .ok_or_else(|| self.core.malformed("no conversationId in the answer"))
    }

    /// P2P answers are `{code, msg, data}` with code 0 for success: the `data`, or the refusal.
    fn p2p_data(&self, mut body: Value) -> Result<Value, RestError> {
        let code = body["code"].as_i64();
        if code.is_some_and(|c| c != 0) {
            return Err(self.core.refused(Refusal {
                status: Some(200),
                code,
                message: body["msg"].as_str().unwrap_or("refused").to_owned(),
                ..Refusal::default()
            }));
        }
        Ok(body["data"].take())
    }

    /// `GET order/detail?advOrderNo=…` ("P2P Account Read") → the order's details.
    pub async fn order_detail(&self, order_no: &str) -> Result<OrderDetails, RestError> {
        let body = self
            .call(
                Method::Get,
                &self.paths.order_detail,
                &[("advOrderNo", order_no.trim())],
            )
            .await?;
        let data = self.p2p_data(body)?;
        read_order(&data, Some(order_no.trim())).ok_or_else(|| {
            self.core
                .malformed("the order detail has no side or is not an object")
        })
    }

    /// `GET market/order/paginationV2` ("P2P Account Read"): the account's orders of the last
    /// month (MEXC's default window), newest first, one page of at most `limit`.
    pub async fn recent_orders(&self, limit: u32) -> Result<Vec<OrderDetails>, RestError> {
        let limit = limit.clamp(1, 100).to_string();
        let body = self
            .call(Method::Get, &self.paths.order_list, &[("limit", &limit)])
            .await?;
        Ok(read_order_list(&self.p2p_data(body)?))
    }

    /// `POST userDataStream` → a new listenKey.
    pub async fn create_listen_key(&self) -> Result<Secret, RestError> {
        let body = self.call(Method::Post, &self.paths.listen_key, &[]).await?;
        body["listenKey"]
            .as_str()
            .filter(|k| !k.is_empty())
            .map(Secret::new)
            .ok_or_else(|| self.core.malformed("no listenKey in the answer"))
    }

    /// `PUT userDataStream?listenKey=…`: valid for another 60 minutes.
    pub async fn keep_alive(&self, key: &Secret) -> Result<(), RestError> {
        self.call(
            Method::Put,
            &self.paths.listen_key,
            &[("listenKey", key.expose())],
        )
        .await
        .map(drop)
    }

    /// `DELETE userDataStream?listenKey=…`.
    pub async fn delete_listen_key(&self, key: &Secret) -> Result<(), RestError> {
        self.call(
            Method::Delete,
            &self.paths.listen_key,
            &[("listenKey", key.expose())],
        )
        .await
        .map(drop)
    }

    /// `GET userDataStream`: how many listenKeys exist. Used to check the credentials.
    pub async fn listen_key_count(&self) -> Result<usize, RestError> {
        let body = self.call(Method::Get, &self.paths.listen_key, &[]).await?;
        Ok(body["listenKey"].as_array().map_or(0, Vec::len))
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, RestError> {
        let mut url =
            self.core.base.join(path).map_err(|e| {
                RestError::Settings(format!("the REST path `{path}` is invalid: {e}"))
            })?;
        let query = signed_query(
            params,
            crate::timestamp::now_ms(),
            Some(RECV_WINDOW_MS),
            "",
            &self.credentials.api_secret,
        );
        url.set_query(Some(&query));
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let request = self
            .core
            .request(method, url)
            .header(API_KEY_HEADER, self.credentials.api_key.expose())
            .header("Content-Type", "application/json");
        let answer = self.core.send(request).await?;
        let body = answer.json();
        if !answer.is_success() {
            let status = answer.status;
            let (code, msg) = body
                .as_ref()
                .map(|b| {
                    (
                        b["code"].as_i64(),
                        b["msg"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .unwrap_or_default();
            return Err(self.core.refused(Refusal {
                status: Some(status),
                code,
                message: if msg.is_empty() {
                    format!("HTTP {status} without an explanation")
                } else {
                    msg
                },
                retry_after: answer.retry_after,
                auth: matches!(status, 401 | 403),
                ..Refusal::default()
            }));
        }
        body.ok_or_else(|| self.core.malformed("the answer is not JSON"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_through_the_keyring_form() {
        let creds = ApiCredentials {
            api_key: Secret::new("mx0vKEY"),
            api_secret: Secret::new("s3cr3t"),
        };
        let back = ApiCredentials::from_secret(&creds.to_secret()).unwrap();
        assert_eq!(back.api_key.expose(), "mx0vKEY");
        assert_eq!(back.api_secret.expose(), "s3cr3t");
        assert!(ApiCredentials::from_secret(&Secret::new("a-bare-listen-key")).is_err());
    }

    #[test]
    fn only_client_side_refusals_are_permanent() {
        let refused = |status| {
            RestError::Refused(Box::new(crate::rest::Refusal {
                refuser: "MEXC",
                status: Some(status),
                ..Default::default()
            }))
        };
        assert!(refused(401).is_permanent());
        assert!(refused(400).is_permanent());
        assert!(!refused(429).is_permanent());
        assert!(!refused(503).is_permanent());
        let unreachable = RestError::Unreachable {
            api: "the MEXC API",
            reason: "refused".into(),
        };
        assert!(!unreachable.is_permanent());
    }

    #[test]
    fn the_base_must_be_a_web_url() {
        let settings = |base: &str| MexcSettings {
            rest_base: base.into(),
            ..MexcSettings::with_endpoint("ws://127.0.0.1:9/ws".into())
        };
        let creds = || ApiCredentials {
            api_key: Secret::new("k"),
            api_secret: Secret::new("s"),
        };
        assert!(MexcRest::new(&settings("ftp://x"), creds()).is_err());
        assert!(MexcRest::new(&settings("not a url"), creds()).is_err());
        assert!(MexcRest::new(&settings("http://127.0.0.1:9"), creds()).is_ok());
    }
}

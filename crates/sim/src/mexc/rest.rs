//! The MEXC REST side (PROTOCOLS.md §2.1, §2.2, §2.5), on its own loopback port as the real
//! API lives on its own host: signed requests only (`X-MEXC-APIKEY`, lowercase hex HMAC-SHA256
//! over query + body, `timestamp` within `recvWindow`), listenKeys created, listed, kept alive
//! and deleted, order numbers mapped to conversation ids, orders' details (see [`super::orders`]),
//! and the media files the chat links to.
//!
//! Error codes follow MEXC spot where known (700002 bad signature, 700003 timestamp outside the
//! window, 10072 unknown API key); the others are the simulator's own [I].

use super::{lock, ListenKey, State};
use crate::http::json_response as answer;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Files the chat can link to, as a real CDN would serve them.
const MEDIA: &[(&str, &str, &[u8])] = &[(
    "payment-proof.png",
    "image/png",
    include_bytes!("../../assets/payment-proof.png"),
)];

pub(super) struct RestServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RestServer {
    pub(super) async fn start(state: Arc<State>, ip: IpAddr) -> std::io::Result<RestServer> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, 0)).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new().fallback(handle).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RestServer { addr, task })
    }

    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

fn error(status: StatusCode, code: i64, msg: &str) -> Response {
    answer(status, json!({"code": code, "msg": msg}))
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    if let Some(name) = path.strip_prefix("/media/") {
        let hosted = {
            let mut data = lock(&state.data);
            data.media_requests += 1;
            data.media.get(name).cloned()
        };
        let built_in = MEDIA.iter().find(|(n, _, _)| *n == name);
        return match (hosted, built_in) {
            _ if method != Method::GET => error(StatusCode::NOT_FOUND, 404, "no such file"),
            (Some((mime, bytes)), _) => ([("content-type", mime)], bytes).into_response(),
            (None, Some((_, mime, bytes))) => ([("content-type", *mime)], *bytes).into_response(),
            (None, None) => error(StatusCode::NOT_FOUND, 404, "no such file"),
        };
    }
    let query = uri.query().unwrap_or("").to_owned();
    let delay = state.rest_delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let api_key = match check_signature(&state, &headers, &query, &body) {
        Ok(key) => key,
        Err((status, code, msg)) => return error(status, code, msg),
    };
    lock(&state.data)
        .rest_calls
        .push(format!("{method} {path}"));
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match (method, path.as_str()) {
        (Method::GET, "/api/v3/fiat/retrieveChatConversation") => {
            let order = param("orderNo").unwrap_or_default();
            match lock(&state.data).orders.get(&order) {
                Some(id) => answer(
                    StatusCode::OK,
                    json!({"msg": "success", "code": 0, "data": {"conversationId": id}}),
                ),
                None => answer(
                    StatusCode::OK,
                    json!({"msg": "order does not exist", "code": 20001, "data": null}),
                ),
            }
        }
        (Method::GET, "/api/v3/fiat/order/detail") => {
            let data = lock(&state.data);
            let order = param("advOrderNo").unwrap_or_default();
            super::orders::detail(&data.order_details, &order, !data.deny_order_reads)
        }
        (Method::GET, "/api/v3/fiat/market/order/paginationV2") => {
            let data = lock(&state.data);
            let limit = param("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
            super::orders::list(&data.order_details, limit, !data.deny_order_reads)
        }
        (Method::POST, "/api/v3/userDataStream") => {
            let mut data = lock(&state.data);
            let owned = data
                .listen_keys
                .values()
                .filter(|k| k.owner.as_deref() == Some(&api_key) && k.valid())
                .count();
            if owned >= state.config.max_listen_keys {
                return error(StatusCode::BAD_REQUEST, 730101, "listenKey limit reached");
            }
            let key: String = (0..64)
                .map(|_| char::from_digit(fastrand::u32(..16), 16).unwrap_or('0'))
                .collect();
            if data.created_listen_keys.len() == crate::KEPT_RECORDS {
                data.created_listen_keys.pop_front();
            }
            data.created_listen_keys.push_back(key.clone());
            data.listen_keys.insert(
                key.clone(),
                ListenKey {
                    owner: Some(api_key),
                    expires: Some(tokio::time::Instant::now() + state.config.listen_key_ttl),
                },
            );
            answer(StatusCode::OK, json!({"listenKey": key}))
        }
        (Method::GET, "/api/v3/userDataStream") => {
            let data = lock(&state.data);
            let keys: Vec<&String> = data
                .listen_keys
                .iter()
                .filter(|(_, k)| k.owner.as_deref() == Some(&api_key) && k.valid())
                .map(|(key, _)| key)
                .collect();
            answer(
                StatusCode::OK,
                json!({"total": state.config.max_listen_keys, "listenKey": keys,
                       "available": state.config.max_listen_keys.saturating_sub(keys.len())}),
            )
        }
        (m @ (Method::PUT | Method::DELETE), "/api/v3/userDataStream") => {
            let key = param("listenKey").unwrap_or_default();
            let mut data = lock(&state.data);
            if m == Method::DELETE {
                data.delete_requests.push(key.clone());
            }
            let known = data
                .listen_keys
                .get(&key)
                .is_some_and(|k| k.owner.as_deref() == Some(&api_key) && k.valid());
            if !known {
                return error(StatusCode::BAD_REQUEST, 730102, "listenKey does not exist");
            }
            if m == Method::PUT {
                if let Some(k) = data.listen_keys.get_mut(&key) {
                    k.expires = Some(tokio::time::Instant::now() + state.config.listen_key_ttl);
                }
            } else {
                data.listen_keys.remove(&key);
            }
            answer(StatusCode::OK, json!({"listenKey": key}))
        }
        _ => error(StatusCode::NOT_FOUND, 404, "not found"),
    }
}

/// The MEXC signature rules; the API key that signed, or the refusal to send.
fn check_signature(
    state: &State,
    headers: &HeaderMap,
    query: &str,
    body: &[u8],
) -> Result<String, (StatusCode, i64, &'static str)> {
    let api_key = headers
        .get("x-mexc-apikey")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let Some(secret) = lock(&state.data).api_keys.get(&api_key).cloned() else {
        return Err((StatusCode::UNAUTHORIZED, 10072, "Api key info invalid"));
    };
    // The signed text is the query without its `signature` pair, then the body.
    let mut signature = None;
    let unsigned: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("signature=") {
            Some(s) => {
                signature = Some(s.to_owned());
                false
            }
            None => true,
        })
        .collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(unsigned.join("&").as_bytes());
    mac.update(body);
    let expected = hex::encode(mac.finalize().into_bytes());
    if signature.as_deref() != Some(expected.as_str()) {
        return Err((
            StatusCode::BAD_REQUEST,
            700002,
            "Signature for this request is not valid.",
        ));
    }
    let number = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse::<i64>().ok())
    };
    let now = chrono::Utc::now().timestamp_millis() + state.clock_skew_ms.load(Ordering::SeqCst);
    let window = number("recvWindow").unwrap_or(5000).min(60_000);
    match number("timestamp") {
        Some(ts) if ts < now + 1000 && now - ts <= window => Ok(api_key),
        _ => Err((
            StatusCode::BAD_REQUEST,
            700003,
            "Timestamp for this request is outside of the recvWindow.",
        )),
    }
}

//! The REST API a bot's chat uses: `/me`, `/users/:id`, `/conversations` (get, create),
//! `/acknowledgements`, `/attachments` (create) and `/attachments/:id`, `/uploads/:id` the upload target, `/stickers/:id`, and `/files/:id` standing in for
//! the attachment storage. Every call but `/files` needs a valid token for exactly this request;
//! errors come back as HTTP 202 with an `error` body, and `X-Request-Id` is echoed.

use super::{jwt, lock, Conversation, State};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The biggest body taken (an upload: Parley sends files up to 100 MiB; axum's default is 2 MiB).
const MAX_BODY_BYTES: usize = 128 * 1024 * 1024;

pub(super) fn router(state: Arc<State>) -> axum::Router {
    axum::Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Reads a request's body at `rate` bytes a second, as a slow uplink sends it (at most
/// [`MAX_BODY_BYTES`]).
async fn read_slowly(body: axum::body::Body, rate: u64) -> Option<Bytes> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut all = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.ok()?;
        all.extend_from_slice(&chunk);
        if all.len() > MAX_BODY_BYTES {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_secs_f64(
            chunk.len() as f64 / rate as f64,
        ))
        .await;
    }
    Some(Bytes::from(all))
}

fn answer(request_id: &str, body: Value) -> Response {
    let mut response = crate::http::json_response(StatusCode::ACCEPTED, body);
    if let Ok(value) = request_id.parse() {
        response.headers_mut().insert("X-Request-Id", value);
    }
    response
}

fn error(request_id: &str, code: i64, description: &str) -> Response {
    answer(
        request_id,
        json!({"error": {"status": 202, "code": code, "description": description}}),
    )
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let path = uri.path().to_owned();
    let rate = state.upload_rate.load(Ordering::SeqCst);
    let body = if rate > 0 && path.starts_with("/uploads/") {
        read_slowly(body, rate).await
    } else {
        axum::body::to_bytes(body, MAX_BODY_BYTES).await.ok()
    };
    let Some(body) = body else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    lock(&state.data)
        .rest_calls
        .push(format!("{method} {path}"));
    if let Some(file) = path.strip_prefix("/files/") {
        return match lock(&state.data).files.get(file) {
            Some((mime, bytes)) => ([("content-type", *mime)], bytes.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    if let Some(upload) = path.strip_prefix("/uploads/") {
        while state.hold_uploads.load(Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        return super::uploads::receive(&state, &method, upload, &headers, body);
    }
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let uri_signed = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let bot = {
        let mut data = lock(&state.data);
        data.saw_token(token);
        let verified = jwt::verify(
            token,
            method.as_str(),
            uri_signed,
            &body,
            state.now_s(),
            |uid, sid| {
                data.bots
                    .get(uid)
                    .filter(|b| b.session_id == sid)
                    .map(|b| b.key.clone())
            },
        );
        match verified {
            Ok(v)
                if !state.refuse_tokens.load(Ordering::SeqCst)
                    && data.seen_jti.insert(v.jti.clone()) =>
            {
                v.uid
            }
            _ => return error(&request_id, 401, "Unauthorized, maybe invalid token."),
        }
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let call = format!("{method} {path}");
    let delay = lock(&state.data)
        .delays
        .get_mut(&call)
        .and_then(|q| q.pop_front());
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut data = lock(&state.data);
    if let Some(code) = data.inject.get_mut(&call).and_then(|q| q.pop_front()) {
        return error(&request_id, code, "Injected error.");
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let api_base = state
        .api_base
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let user_json = |id: &str, name: &str| json!({"type": "user", "user_id": id, "full_name": name, "identity_number": "7000"});
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["me"]) => {
            let name = data
                .bots
                .get(&bot)
                .map(|b| b.name.clone())
                .unwrap_or_default();
            answer(&request_id, json!({"data": user_json(&bot, &name)}))
        }
        ("GET", ["users", id]) => match data.users.get(*id) {
            Some(name) => answer(&request_id, json!({"data": user_json(id, name)})),
            None => error(&request_id, 404, "The user was not found."),
        },
        ("GET", ["conversations", id]) => match data.conversations.get(*id) {
            Some(c) => answer(&request_id, json!({"data": conversation_json(id, c)})),
            None => error(&request_id, 404, "The conversation was not found."),
        },
        ("POST", ["conversations"]) => {
            let user = body["participants"][0]["user_id"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            if !data.users.contains_key(&user) {
                return error(&request_id, 10002, "The request data has invalid field.");
            }
            let id = super::contact_conversation_id(&bot, &user);
            let c = data
                .conversations
                .entry(id.clone())
                .or_insert(Conversation {
                    category: "CONTACT",
                    name: String::new(),
                    participants: vec![bot.clone(), user],
                });
            answer(&request_id, json!({"data": conversation_json(&id, c)}))
        }
        ("POST", ["acknowledgements"]) => {
            for item in body.as_array().into_iter().flatten().take(100) {
                if let Some(id) = item["message_id"].as_str() {
                    data.ack(id);
                }
            }
            answer(&request_id, json!({"data": {}}))
        }
        ("GET", ["attachments", id]) => match data.attachments.get(*id) {
            Some(file) => answer(
                &request_id,
                json!({"data": {"type": "attachment", "attachment_id": id,
                "view_url": format!("{api_base}/files/{file}")}}),
            ),
            None => error(&request_id, 404, "The attachment was not found."),
        },
        ("POST", ["attachments"]) => {
            let id = uuid::Uuid::new_v4().to_string();
            data.uploads.insert(id.clone());
            answer(
                &request_id,
                json!({"data": {"type": "attachment", "attachment_id": id,
                "upload_url": format!("{api_base}/uploads/{id}"),
                "view_url": format!("{api_base}/files/{id}")}}),
            )
        }
        ("GET", ["stickers", id]) => match data.stickers.get(*id) {
            Some(url) => answer(
                &request_id,
                json!({"data": {"type": "sticker", "sticker_id": id, "asset_url": url}}),
            ),
            None => error(&request_id, 404, "The sticker was not found."),
        },
        _ => error(&request_id, 404, "Not found."),
    }
}

fn conversation_json(id: &str, c: &Conversation) -> Value {
    json!({"type": "conversation", "conversation_id": id, "category": c.category, "name": c.name,
        "participants": c.participants.iter().map(|p| json!({"user_id": p, "role": ""})).collect::<Vec<_>>()})
}

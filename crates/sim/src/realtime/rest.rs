//! The Realtime REST side: sign-in and the chatroom endpoints of PROTOCOLS.md §4.2, with both
//! auth layers checked and errors in the documented envelope.

use super::{create_room, issue_token, lock, now_iso, State, MAX_MESSAGE_BYTES};
use crate::http::{json_response as answer, query_value};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub(super) fn router(state: Arc<State>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(state)
}

fn ok(status: StatusCode, data: Value) -> Response {
    answer(
        status,
        json!({"success": true, "status": status.as_u16(), "data": data}),
    )
}

/// The documented error envelope.
fn error(status: StatusCode, message: &str) -> Response {
    let error_id = format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..0x1000),
        fastrand::u16(..0x1000),
        fastrand::u64(..0x1_0000_0000_0000)
    );
    answer(
        status,
        json!({
            "success": false,
            "status": status.as_u16(),
            "message": message,
            "error": status.canonical_reason().unwrap_or("Error"),
            "errorId": error_id,
            "meta": {"timestamp": now_iso(), "version": "v1", "errorId": error_id},
        }),
    )
}

fn query_number(query: &str, name: &str, default: u64) -> Result<u64, String> {
    match query_value(query, name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("`{name}` must be a number")),
    }
}

/// Paging as the docs show it: page 1 first; `pages` rounds up.
fn page_of<T: Clone>(items: &[T], page: u64, limit: u64) -> (Vec<T>, Value) {
    let total = items.len() as u64;
    let start = ((page - 1) * limit).min(total) as usize;
    let end = (start as u64 + limit).min(total) as usize;
    let pagination = json!({"page": page, "limit": limit, "total": total, "pages": total.div_ceil(limit).max(1)});
    (items[start..end].to_vec(), pagination)
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or("").to_owned();
    lock(&state.data)
        .rest_calls
        .push(format!("{method} {path}"));
    if state.broken_rest.load(Ordering::SeqCst) {
        return (StatusCode::OK, "<html>502 Bad Gateway</html>").into_response();
    }
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(state.config.api_key.as_str())
    {
        return error(StatusCode::UNAUTHORIZED, "Invalid or missing API key");
    }
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "The request body is not valid JSON",
                )
            }
        }
    };
    if method == Method::POST && path == "/v1/auth/signin" {
        return sign_in(&state, &body);
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let Some(user) = lock(&state.data).tokens.get(token).cloned() else {
        return error(StatusCode::UNAUTHORIZED, "Invalid or expired token");
    };
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.clone(), segments.as_slice()) {
        (Method::GET, ["v1", "chatrooms"]) => list_rooms(&state, &query),
        (Method::POST, ["v1", "chatrooms"]) => {
            let (name, description, kind) = match room_fields(&body) {
                Ok(f) => f,
                Err(why) => return error(StatusCode::BAD_REQUEST, &why),
            };
            let mut data = lock(&state.data);
            let id = create_room(&mut data, &name, &description, &kind, &user);
            let room = data
                .rooms
                .iter()
                .find(|r| r.id == id)
                .map(|r| data.room_json(r))
                .unwrap_or_default();
            ok(StatusCode::CREATED, room)
        }
        (method, ["v1", "chatrooms", id, rest @ ..]) => {
            let id = percent_decode(id);
            room_route(&state, method, &id, rest, &user, &query, &body)
        }
        _ => error(StatusCode::NOT_FOUND, &format!("Cannot {method} {path}")),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn sign_in(state: &State, body: &Value) -> Response {
    let (email, password) = (
        body["email"].as_str().unwrap_or(""),
        body["password"].as_str().unwrap_or(""),
    );
    let platform = body["platform"].as_str().unwrap_or("");
    if !["app", "livestream", "scanners", "web", "backoffice"].contains(&platform) {
        return error(
            StatusCode::BAD_REQUEST,
            "platform must be one of app, livestream, scanners, web, backoffice",
        );
    }
    let mut data = lock(&state.data);
    let Some(user) = data
        .users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(email) && u.password == password)
        .cloned()
    else {
        return error(StatusCode::UNAUTHORIZED, "Invalid email or password");
    };
    let token = issue_token(&mut data, &user.id);
    ok(
        StatusCode::OK,
        json!({"token": token, "user": {"id": user.id, "email": user.email, "firstName": user.first_name, "lastName": user.last_name, "avatar": user.avatar}}),
    )
}

fn room_fields(body: &Value) -> Result<(String, String, String), String> {
    let name = body["name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or("name is required")?;
    let kind = body["type"].as_str().unwrap_or("public");
    if !["public", "private", "group"].contains(&kind) {
        return Err("type must be public, private or group".into());
    }
    Ok((
        name.to_owned(),
        body["description"].as_str().unwrap_or("").to_owned(),
        kind.to_owned(),
    ))
}

fn list_rooms(state: &State, query: &str) -> Response {
    let (page, limit) = match (
        query_number(query, "page", 1),
        query_number(query, "limit", 20),
    ) {
        (Ok(p), Ok(l)) if p >= 1 && (1..=100).contains(&l) => (p, l),
        (Err(why), _) | (_, Err(why)) => return error(StatusCode::BAD_REQUEST, &why),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "page must be at least 1 and limit between 1 and 100",
            )
        }
    };
    let kind = query_value(query, "type");
    let data = lock(&state.data);
    let rooms: Vec<Value> = data
        .rooms
        .iter()
        .filter(|r| kind.as_deref().is_none_or(|k| r.kind == k))
        .map(|r| data.room_json(r))
        .collect();
    let (items, pagination) = page_of(&rooms, page, limit);
    answer(
        StatusCode::OK,
        json!({"success": true, "status": 200, "data": items, "pagination": pagination}),
    )
}

fn room_route(
    state: &State,
    method: Method,
    id: &str,
    rest: &[&str],
    user: &str,
    query: &str,
    body: &Value,
) -> Response {
    let mut data = lock(&state.data);
    let Some(index) = data.rooms.iter().position(|r| r.id == id) else {
        return error(StatusCode::NOT_FOUND, "Chatroom not found");
    };
    match (method, rest) {
        (Method::GET, []) => ok(StatusCode::OK, data.room_json(&data.rooms[index])),
        (Method::PUT, []) => {
            if data.rooms[index].created_by != user {
                return error(
                    StatusCode::FORBIDDEN,
                    "Only the creator or an admin can edit this chatroom",
                );
            }
            let (name, description, kind) = match room_fields(body) {
                Ok(f) => f,
                Err(why) => return error(StatusCode::BAD_REQUEST, &why),
            };
            let room = &mut data.rooms[index];
            (room.name, room.description, room.kind) = (name, description, kind);
            ok(StatusCode::OK, data.room_json(&data.rooms[index]))
        }
        (Method::DELETE, []) => {
            if data.rooms[index].created_by != user {
                return error(
                    StatusCode::FORBIDDEN,
                    "Only the creator or an admin can delete this chatroom",
                );
            }
            data.rooms.remove(index);
            for socket in data.sockets.values_mut() {
                socket.rooms.remove(id);
            }
            ok(StatusCode::OK, json!({"id": id, "deleted": true}))
        }
        (Method::POST, ["join"]) => {
            data.rooms[index].members.insert(user.to_owned());
            ok(StatusCode::OK, data.room_json(&data.rooms[index]))
        }
        (Method::POST, ["leave"]) => {
            data.rooms[index].members.remove(user);
            ok(StatusCode::OK, json!({"id": id, "left": true}))
        }
        (Method::GET, ["messages"]) => {
            let (page, limit) = match (
                query_number(query, "page", 1),
                query_number(query, "limit", 50),
            ) {
                (Ok(p), Ok(l)) if p >= 1 && (1..=100).contains(&l) => (p, l),
                (Err(why), _) | (_, Err(why)) => return error(StatusCode::BAD_REQUEST, &why),
                _ => return error(StatusCode::BAD_REQUEST, "limit must be between 1 and 100"),
            };
            let room = &data.rooms[index];
            if room.kind != "public" && !room.members.contains(user) {
                return error(
                    StatusCode::FORBIDDEN,
                    "You are not a member of this chatroom",
                );
            }
            // Page 1 holds the newest messages; each page reads oldest to newest.
            let newest_first: Vec<_> = room.messages.iter().rev().cloned().collect();
            let (mut items, pagination) = page_of(&newest_first, page, limit);
            items.reverse();
            let items: Vec<Value> = items.iter().map(|m| data.message_json(m)).collect();
            answer(
                StatusCode::OK,
                json!({"success": true, "status": 200, "data": items, "pagination": pagination}),
            )
        }
        (Method::POST, ["messages"]) => {
            let Some(text) = body["message"].as_str().filter(|t| !t.trim().is_empty()) else {
                return error(StatusCode::BAD_REQUEST, "message is required");
            };
            if text.len() > MAX_MESSAGE_BYTES {
                return error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Message exceeds the maximum size of 64KB",
                );
            }
            let room = &data.rooms[index];
            if room.kind != "public" && !room.members.contains(user) {
                return error(
                    StatusCode::FORBIDDEN,
                    "You are not a member of this chatroom",
                );
            }
            if !data.within_rate(user, &state.config) {
                let mut response = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Rate limit exceeded: 100 messages per minute",
                );
                let wait = data.rate_retry_after(user, &state.config);
                response
                    .headers_mut()
                    .insert("retry-after", axum::http::HeaderValue::from(wait));
                return response;
            }
            let Some(stored) = data.post(id, user, text, now_iso()) else {
                return error(StatusCode::NOT_FOUND, "Chatroom not found");
            };
            let mut json = data.message_json(&stored);
            if let Some(map) = json.as_object_mut() {
                map.remove("user");
            }
            ok(StatusCode::CREATED, json)
        }
        (method, _) => error(
            StatusCode::NOT_FOUND,
            &format!("Cannot {method} /v1/chatrooms/{id}/{}", rest.join("/")),
        ),
    }
}

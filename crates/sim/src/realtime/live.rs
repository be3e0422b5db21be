//! One connection to the Realtime port: an upgrade to `/v1/live` becomes the live socket,
//! anything else is served as REST. The socket wants `auth` first, then routes by
//! subscription, answers `ping`, and enforces the size, rate and idle limits.

use super::{event, lock, now_iso, LimitAction, Socket, State, MAX_MESSAGE_BYTES};
use crate::socket_writer::{write_queued, Written};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;

pub(super) async fn serve_connection(
    state: Arc<State>,
    router: axum::Router,
    stream: TcpStream,
    down: watch::Receiver<bool>,
) {
    if wants_live_socket(&stream).await {
        serve_socket(state, stream, down).await;
        return;
    }
    crate::http::serve_router(router, stream, down).await;
}

/// Peeks at the request line (without consuming it) for `GET /v1/live`.
async fn wants_live_socket(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 64];
    for _ in 0..100 {
        match stream.peek(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => {
                let head = &buf[..n];
                if head.starts_with(b"GET /v1/live ") || head.starts_with(b"GET /v1/live?") {
                    return true;
                }
                if n >= 13 || head.contains(&b'\n') {
                    return false;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}

fn error_event(message: &str) -> Message {
    event("error", json!({"message": message}))
}

// tungstenite's handshake callback must return its (large) `ErrorResponse` by value.
#[allow(clippy::result_large_err)]
async fn serve_socket(state: Arc<State>, stream: TcpStream, mut down: watch::Receiver<bool>) {
    let needs_key = state.config.socket_needs_api_key;
    let key = state.config.api_key.clone();
    let check = move |req: &Request, resp: Response| {
        let sent = req.headers().get("x-api-key").and_then(|v| v.to_str().ok());
        if needs_key && sent != Some(key.as_str()) {
            let mut refusal = ErrorResponse::new(Some("Invalid or missing API key".into()));
            *refusal.status_mut() = StatusCode::UNAUTHORIZED;
            return Err(refusal);
        }
        Ok(resp)
    };
    // Frames somewhat over the documented limit reach the code below, which answers as the
    // service does; much larger ones are cut off by tungstenite.
    let config = WebSocketConfig::default()
        .max_message_size(Some(4 * MAX_MESSAGE_BYTES))
        .max_frame_size(Some(4 * MAX_MESSAGE_BYTES));
    let Ok(socket) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(config)).await
    else {
        return;
    };
    let id = state.next_socket.fetch_add(1, Ordering::SeqCst);
    let (outbox, mut outgoing) = mpsc::unbounded_channel();
    lock(&state.data).sockets.insert(
        id,
        Socket {
            user: None,
            rooms: BTreeSet::new(),
            notifications: false,
            symbols: BTreeSet::new(),
            outbox: outbox.clone(),
        },
    );
    let (mut sink, mut incoming) = socket.split();
    let mut dropped = state.drop_all.subscribe();
    let idle = state.config.idle_timeout;
    let mut last_heard = tokio::time::Instant::now();
    loop {
        let stalled = state.stalled.load(Ordering::SeqCst);
        tokio::select! {
            _ = down.changed() => break,
            _ = dropped.changed() => break,
            _ = tokio::time::sleep(Duration::from_millis(50)), if stalled => {
                // Half-open: nothing is read or written, and the idle clock stands still.
                last_heard = tokio::time::Instant::now();
            }
            _ = tokio::time::sleep_until(last_heard + idle), if !stalled => {
                let _ = sink.send(close(CloseCode::Normal, "idle timeout")).await;
                break;
            }
            out = outgoing.recv(), if !stalled => {
                let Some(frame) = out else { break };
                if write_queued(&mut sink, frame, &mut outgoing).await != Written::Open { break; }
            }
            frame = incoming.next(), if !stalled => match frame {
                Some(Ok(Message::Text(text))) => {
                    last_heard = tokio::time::Instant::now();
                    on_frame(&state, id, text.as_str(), &outbox);
                }
                Some(Ok(Message::Binary(_))) => {
                    let _ = outbox.send(error_event("binary frames are not supported"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => last_heard = tokio::time::Instant::now(),
            }
        }
    }
    lock(&state.data).sockets.remove(&id);
}

/// Handles one client frame; replies and closes go through `outbox`.
fn on_frame(state: &State, id: u64, text: &str, outbox: &mpsc::UnboundedSender<Message>) {
    let reply = |m: Message| {
        let _ = outbox.send(m);
    };
    let over_limit =
        |reply: &dyn Fn(Message), message: &str, code: CloseCode| match state.config.on_limit {
            LimitAction::ErrorEvent => reply(error_event(message)),
            LimitAction::Close => reply(close(code, message)),
        };
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let mut data = lock(&state.data);
    data.client_frames.push((id, value.clone()));
    if text.len() > MAX_MESSAGE_BYTES {
        drop(data);
        over_limit(
            &reply,
            "Message exceeds the maximum size of 64KB",
            CloseCode::Size,
        );
        return;
    }
    let kind = value["type"].as_str().unwrap_or("");
    let user = data.sockets.get(&id).and_then(|s| s.user.clone());
    let Some(user) = user else {
        // Before `auth`, nothing else is accepted.
        let token = value["token"].as_str().unwrap_or("");
        match (kind, data.tokens.get(token).cloned()) {
            ("auth", Some(user)) => {
                if let Some(s) = data.sockets.get_mut(&id) {
                    s.user = Some(user.clone());
                }
                if state.config.auth_ack {
                    reply(event("auth:success", json!({"userId": user})));
                }
            }
            ("auth", None) => {
                reply(error_event("Invalid or expired token"));
                reply(close(CloseCode::Policy, "invalid token"));
            }
            _ => {
                reply(error_event("Authentication required"));
                reply(close(CloseCode::Policy, "authentication required"));
            }
        }
        return;
    };
    match kind {
        "ping" => reply(Message::Text(json!({"type": "pong"}).to_string().into())),
        "subscribe" | "unsubscribe" => {
            let on = kind == "subscribe";
            let channel = value["channel"].as_str().unwrap_or("");
            match channel {
                "chatroom" => {
                    let room = value["chatroomId"].as_str().unwrap_or("").to_owned();
                    let allowed = data
                        .rooms
                        .iter()
                        .find(|r| r.id == room)
                        .map(|r| r.kind == "public" || r.members.contains(&user));
                    match allowed {
                        None if on => reply(error_event(&format!("Chatroom {room} not found"))),
                        Some(false) if on => {
                            reply(error_event("You are not a member of this chatroom"))
                        }
                        _ => {
                            if let Some(s) = data.sockets.get_mut(&id) {
                                if on {
                                    s.rooms.insert(room);
                                } else {
                                    s.rooms.remove(&room);
                                }
                            }
                        }
                    }
                }
                "notifications" => {
                    if value["userId"].as_str() != Some(user.as_str()) {
                        reply(error_event(
                            "You can only subscribe to your own notifications",
                        ));
                    } else if let Some(s) = data.sockets.get_mut(&id) {
                        s.notifications = on;
                    }
                }
                "market" => {
                    let symbols = value["symbols"].as_array().cloned().unwrap_or_default();
                    if let Some(s) = data.sockets.get_mut(&id) {
                        for symbol in symbols.iter().filter_map(Value::as_str) {
                            if on {
                                s.symbols.insert(symbol.to_owned());
                            } else {
                                s.symbols.remove(symbol);
                            }
                        }
                    }
                }
                other => reply(error_event(&format!("Unknown channel `{other}`"))),
            }
        }
        "chat:send" => {
            if !state.accept_chat_send.load(Ordering::SeqCst) {
                reply(error_event("Unsupported message type: chat:send"));
                return;
            }
            let room = value["chatroomId"].as_str().unwrap_or("").to_owned();
            let Some(message) = value["message"].as_str().filter(|m| !m.trim().is_empty()) else {
                reply(error_event("message is required"));
                return;
            };
            let allowed = data
                .rooms
                .iter()
                .find(|r| r.id == room)
                .map(|r| r.kind == "public" || r.members.contains(&user));
            if allowed != Some(true) {
                reply(error_event("You cannot send to this chatroom"));
                return;
            }
            if !data.within_rate(&user, &state.config) {
                drop(data);
                over_limit(
                    &reply,
                    "Rate limit exceeded: 100 messages per minute",
                    CloseCode::Policy,
                );
                return;
            }
            let message = message.to_owned();
            data.post(&room, &user, &message, now_iso());
        }
        "typing:start" | "typing:stop" if state.config.typing_events => {
            let room = value["chatroomId"].as_str().unwrap_or("").to_owned();
            let frame = event(kind, json!({"chatroomId": room, "userId": user}));
            data.broadcast(&frame, |s| {
                s.rooms.contains(&room) && s.user.as_deref() != Some(user.as_str())
            });
        }
        "auth" => {}
        other => reply(error_event(&format!("Unknown message type `{other}`"))),
    }
}

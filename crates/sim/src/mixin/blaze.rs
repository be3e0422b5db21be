//! One Blaze socket: the handshake (subprotocol, JWT of `GET /`), then gzip binary frames only.
//! Pushes start after `LIST_PENDING_MESSAGES`; sends are idempotent by `message_id`.

use super::{frame, jwt, lock, BotMessage, Data, Socket, State};
use crate::socket_writer::{write_queued, Written};
use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

const SUBPROTOCOL: &str = "Mixin-Blaze-1";

/// Who the handshake admitted, or why not.
type Admission = Arc<Mutex<Option<Result<String, String>>>>;

/// Checks the upgrade request: the subprotocol and the token of `GET /`.
fn admit(state: &State, req: &Request) -> Result<String, String> {
    let offered = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !offered.split(',').any(|p| p.trim() == SUBPROTOCOL) {
        return Err("subprotocol".into());
    }
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or("no bearer token")?;
    lock(&state.data).saw_token(token);
    if state.refuse_tokens.load(Ordering::SeqCst) {
        return Err("session revoked".into());
    }
    let mut data = lock(&state.data);
    let verified = jwt::verify(token, "GET", "/", b"", state.now_s(), |uid, sid| {
        data.bots
            .get(uid)
            .filter(|b| b.session_id == sid)
            .map(|b| b.key.clone())
    })?;
    if !data.seen_jti.insert(verified.jti) {
        return Err("jti reused".into());
    }
    Ok(verified.uid)
}

// tungstenite's handshake callback must return its (large) `ErrorResponse` by value.
#[allow(clippy::result_large_err)]
pub(super) async fn serve(state: Arc<State>, stream: TcpStream, mut down: watch::Receiver<bool>) {
    let admission: Admission = Arc::new(Mutex::new(None));
    let (check_state, verdict) = (state.clone(), admission.clone());
    let refuse_in_band = state.config.auth_refusal == super::AuthRefusal::ErrorFrame;
    let check = move |req: &Request, mut resp: Response| {
        let outcome = admit(&check_state, req);
        let refusal = match &outcome {
            Err(why) if why == "subprotocol" => Some(StatusCode::BAD_REQUEST),
            Err(_) if !refuse_in_band => Some(StatusCode::UNAUTHORIZED),
            _ => None,
        };
        *verdict.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
        // The server's clock, as an HTTP server says it (a client can see how far off it is).
        let date = HeaderValue::from_str(&check_state.http_date()).ok();
        if let Some(status) = refusal {
            let mut refused = ErrorResponse::new(Some("Unauthorized".into()));
            *refused.status_mut() = status;
            if let Some(date) = date {
                refused.headers_mut().insert("Date", date);
            }
            return Err(refused);
        }
        if let Some(date) = date {
            resp.headers_mut().insert("Date", date);
        }
        resp.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static(SUBPROTOCOL),
        );
        Ok(resp)
    };
    let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
        return;
    };
    let (mut sink, mut incoming) = socket.split();
    let admitted = admission.lock().unwrap_or_else(|p| p.into_inner()).take();
    let bot = match admitted {
        Some(Ok(bot)) => bot,
        _ => {
            let error = json!({"id": uuid::Uuid::new_v4().to_string(), "action": "ERROR",
                "error": {"status": 202, "code": 401, "description": "Unauthorized, maybe invalid token."}});
            let _ = sink.send(frame(&error)).await;
            let _ = sink.close().await;
            return;
        }
    };
    let id = state.next_socket.fetch_add(1, Ordering::SeqCst);
    let (outbox, mut outgoing) = mpsc::unbounded_channel();
    lock(&state.data).sockets.insert(
        id,
        Socket {
            bot: bot.clone(),
            listed: false,
            outbox: outbox.clone(),
        },
    );
    let mut dropped = state.drop_all.subscribe();
    let idle = state.config.idle_timeout;
    let mut ping = tokio::time::interval(state.config.ping_every);
    let mut last_heard = tokio::time::Instant::now();
    loop {
        let stalled = state.stalled.load(Ordering::SeqCst);
        tokio::select! {
            _ = down.changed() => break,
            _ = dropped.changed() => break,
            _ = tokio::time::sleep(Duration::from_millis(50)), if stalled => {
                last_heard = tokio::time::Instant::now();
            }
            _ = ping.tick(), if !stalled => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() { break; }
            }
            _ = tokio::time::sleep_until(last_heard + idle), if !stalled => break,
            out = outgoing.recv(), if !stalled => {
                let Some(message) = out else { break };
                if write_queued(&mut sink, message, &mut outgoing).await != Written::Open { break; }
            }
            message = incoming.next(), if !stalled => match message {
                Some(Ok(Message::Binary(bytes))) => {
                    last_heard = tokio::time::Instant::now();
                    on_frame(&state, id, &bot, &bytes, &outbox);
                }
                Some(Ok(Message::Text(_))) => {
                    // Blaze speaks gzip binary only.
                    let _ = sink.send(Message::Close(Some(CloseFrame {
                        code: CloseCode::Unsupported,
                        reason: "binary frames only".into(),
                    }))).await;
                    break;
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => last_heard = tokio::time::Instant::now(),
            }
        }
    }
    lock(&state.data).sockets.remove(&id);
}

fn inflate(bytes: &[u8]) -> Option<Value> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(16 * 1024 * 1024)
        .read_to_end(&mut json)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

fn error_reply(id: &str, action: &str, code: i64) -> Message {
    let description = match code {
        401 => "Unauthorized, maybe invalid token.",
        403 => "Forbidden.",
        429 => "Too Many Requests.",
        7000 => "Blaze server error.",
        7001 => "The blaze operation timeout.",
        10002 => "The request data has invalid field.",
        20121 => "Authorization code expired.",
        _ => "Error.",
    };
    frame(
        &json!({"id": id, "action": action, "error": {"status": 202, "code": code, "description": description}}),
    )
}

fn on_frame(
    state: &Arc<State>,
    socket: u64,
    bot: &str,
    bytes: &[u8],
    outbox: &mpsc::UnboundedSender<Message>,
) {
    let reply = |m: Message| {
        let _ = outbox.send(m);
    };
    let Some(request) = inflate(bytes) else {
        reply(Message::Close(Some(CloseFrame {
            code: CloseCode::Invalid,
            reason: "frames must be gzip JSON".into(),
        })));
        return;
    };
    let mut data = lock(&state.data);
    data.client_frames.push((socket, request.clone()));
    let id = request["id"].as_str().unwrap_or("").to_owned();
    let action = request["action"].as_str().unwrap_or("").to_owned();
    if let Some(code) = data.inject.get_mut(&action).and_then(|q| q.pop_front()) {
        reply(error_reply(&id, &action, code));
        return;
    }
    let params = &request["params"];
    match action.as_str() {
        "LIST_PENDING_MESSAGES" => {
            reply(frame(&json!({"id": id, "action": action})));
            if let Some(s) = data.sockets.get_mut(&socket) {
                s.listed = true;
            }
            for pending in data.unacked(bot) {
                let mut view = pending.view;
                view["source"] = json!("LIST_PENDING_MESSAGES");
                reply(frame(
                    &json!({"id": uuid::Uuid::new_v4().to_string(), "action": "CREATE_MESSAGE", "data": view}),
                ));
            }
        }
        "ACKNOWLEDGE_MESSAGE_RECEIPT" => {
            if let Some(message_id) = params["message_id"].as_str() {
                data.ack(message_id);
            }
            reply(frame(&json!({"id": id, "action": action})));
        }
        "CREATE_MESSAGE" => create_message(state, &mut data, bot, &id, params, &reply),
        _ => reply(error_reply(&id, &action, 10002)),
    }
}

fn create_message(
    state: &Arc<State>,
    data: &mut Data,
    bot: &str,
    id: &str,
    params: &Value,
    reply: &dyn Fn(Message),
) {
    let field = |name: &str| params[name].as_str().unwrap_or("").to_owned();
    let (conversation_id, message_id) = (field("conversation_id"), field("message_id"));
    let encoded = Some(field("data_base64"))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| field("data"));
    let trimmed = encoded.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed));
    let known = data.conversations.contains_key(&conversation_id);
    let (Ok(bytes), true, true) = (bytes, known, uuid::Uuid::parse_str(&message_id).is_ok()) else {
        reply(error_reply(id, "CREATE_MESSAGE", 10002));
        return;
    };
    let sent = data.sent.entry(bot.to_owned()).or_default();
    // Idempotent: the same message_id again is answered as a success and stored once.
    if !sent.iter().any(|m| m.message_id == message_id) {
        sent.push(BotMessage {
            message_id: message_id.clone(),
            conversation_id: conversation_id.clone(),
            category: field("category"),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    let now = state.now_rfc3339();
    let view = json!({"conversation_id": conversation_id, "user_id": bot, "message_id": message_id,
        "category": field("category"), "status": "SENT", "created_at": now, "updated_at": now});
    let swallowed = state
        .swallow_replies
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if swallowed {
        return;
    }
    reply(frame(
        &json!({"id": id, "action": "CREATE_MESSAGE", "data": view}),
    ));
    // The status echo of an own message: the bot as sender, no category.
    let echo = json!({"conversation_id": conversation_id, "user_id": bot, "message_id": message_id,
        "category": "", "data": "", "data_base64": "", "status": "SENT", "source": "", "created_at": now, "updated_at": now});
    reply(frame(
        &json!({"id": uuid::Uuid::new_v4().to_string(), "action": "CREATE_MESSAGE", "data": echo}),
    ));
    let (weak, bot, delay) = (
        Arc::downgrade(state),
        bot.to_owned(),
        state.config.receipt_delay,
    );
    tokio::spawn(async move {
        for status in ["DELIVERED", "READ"] {
            tokio::time::sleep(delay).await;
            let Some(state) = weak.upgrade() else { return };
            let receipt = frame(
                &json!({"id": uuid::Uuid::new_v4().to_string(), "action": "ACKNOWLEDGE_MESSAGE_RECEIPT",
                "data": {"conversation_id": "", "message_id": message_id, "status": status, "source": "ACKNOWLEDGE_MESSAGE_RECEIPT"}}),
            );
            for s in lock(&state.data).sockets.values().filter(|s| s.bot == bot) {
                let _ = s.outbox.send(receipt.clone());
            }
        }
    });
}

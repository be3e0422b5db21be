//! One small frame of each service's most common kind, as the codec benchmark and the
//! `decode_count` example decode them. Include beside `support/codecs.rs` (as `codecs`).

use parley_core::codec::Codec;
use serde_json::json;

/// A service's name, its codec, one frame it receives, and whether frames are binary.
pub type Case = (&'static str, Box<dyn Codec>, Vec<u8>, bool);

pub fn all() -> Vec<Case> {
    let text = |v: serde_json::Value| v.to_string();
    vec![
        ("mockly", super::codecs::mockly(), text(json!({"type": "message", "sender": "user_1234", "sender_name": "John Doe",
            "message": "Hello, everyone!", "timestamp": "2023-07-25T14:32:15.123456", "id": "msg_5678"})).into_bytes(), false),
        ("mexc", super::codecs::mexc(), text(json!({"success": true, "msg": "success", "method": "RECEIVE_MESSAGE",
            "data": json!({"id": 1, "content": "hello", "conversationId": 50012, "type": 1, "createTime": "2025-01-26 12:00:00",
            "self": false, "fromUserId": "abc123", "fromNickName": "Counterparty"}).to_string()})).into_bytes(), false),
        ("realtime", super::codecs::realtime(), text(json!({"type": "chat:message", "data": {"chatroomId": "room_1", "messageId": "m1",
            "userId": "u", "message": "EUR/USD breaking resistance!", "timestamp": "2024-01-01T00:00:00.000Z"}})).into_bytes(), false),
        ("realtime_price", super::codecs::realtime(), text(json!({"type": "market:price", "data": {"symbol": "EUR/USD", "price": 1.0875,
            "change": 0.0025, "changePercent": 0.23}})).into_bytes(), false),
        ("mixin_gzip", super::codecs::mixin(), parley_core::services::mixin::codec::frame::deflate(text(json!({"id": "x", "action": "CREATE_MESSAGE",
            "data": {"conversation_id": "89576cee-9216-3d39-9483-e828a5a95fd3", "user_id": "e8e5b807-fa8b-455a-8dfa-b189d28310ff",
            "message_id": "7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11", "category": "PLAIN_TEXT", "data_base64": "aGVsbG8gYm90",
            "created_at": "2024-05-10T08:15:34.859542588Z"}})).as_bytes()), true),
    ]
}

//! Codec throughput per service (issue 7, benchmark 1): decoding one small frame of each
//! service's most common kind, and encoding one outgoing message. Figures are frames per
//! second (criterion prints time per frame and elements/s).
//!   cargo bench -p parley-core --bench codecs

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley_core::codec::{Codec, InFrame, Outgoing};
use parley_core::message::MessageKind;
use serde_json::json;

#[path = "../tests/support/codecs.rs"]
mod codecs;

/// A service's name, its codec, one frame it receives, and whether frames are binary.
type Case = (&'static str, Box<dyn Codec>, Vec<u8>, bool);

fn decode(c: &mut Criterion) {
    let text = |v: serde_json::Value| v.to_string();
    let frames: Vec<Case> = vec![
        ("mockly", codecs::mockly(), text(json!({"type": "message", "sender": "user_1234", "sender_name": "John Doe",
            "message": "Hello, everyone!", "timestamp": "2023-07-25T14:32:15.123456", "id": "msg_5678"})).into_bytes(), false),
        ("mexc", codecs::mexc(), text(json!({"success": true, "msg": "success", "method": "RECEIVE_MESSAGE",
            "data": json!({"id": 1, "content": "hello", "conversationId": 50012, "type": 1, "createTime": "2025-01-26 12:00:00",
            "self": false, "fromUserId": "abc123", "fromNickName": "Counterparty"}).to_string()})).into_bytes(), false),
        ("realtime", codecs::realtime(), text(json!({"type": "chat:message", "data": {"chatroomId": "room_1", "messageId": "m1",
            "userId": "u", "message": "EUR/USD breaking resistance!", "timestamp": "2024-01-01T00:00:00.000Z"}})).into_bytes(), false),
        ("realtime_price", codecs::realtime(), text(json!({"type": "market:price", "data": {"symbol": "EUR/USD", "price": 1.0875,
            "change": 0.0025, "changePercent": 0.23}})).into_bytes(), false),
        ("mixin_gzip", codecs::mixin(), parley_core::codec::mixin::frame::deflate(text(json!({"id": "x", "action": "CREATE_MESSAGE",
            "data": {"conversation_id": "89576cee-9216-3d39-9483-e828a5a95fd3", "user_id": "e8e5b807-fa8b-455a-8dfa-b189d28310ff",
            "message_id": "7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11", "category": "PLAIN_TEXT", "data_base64": "aGVsbG8gYm90",
            "created_at": "2024-05-10T08:15:34.859542588Z"}})).as_bytes()), true),
    ];
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for (name, mut codec, frame, binary) in frames {
        let text = String::from_utf8(frame.clone()).unwrap_or_default();
        group.bench_function(name, |b| {
            b.iter(|| {
                let input = if binary {
                    InFrame::Binary(&frame)
                } else {
                    InFrame::Text(&text)
                };
                codec.decode(input).expect("decodes")
            })
        });
    }
    group.finish();
}

fn encode(c: &mut Criterion) {
    let out = |room: &str| Outgoing {
        local_id: 1,
        room: room.into(),
        kind: MessageKind::Text,
        text: "Desk is open: 5,000 USDT at 1.002.".into(),
        media: None,
        client_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into()),
    };
    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(1));
    for (name, mut codec, room) in [
        ("mockly", codecs::mockly(), "public"),
        ("mexc", codecs::mexc(), "50012"),
        ("realtime", codecs::realtime(), "room_1"),
        (
            "mixin_gzip",
            codecs::mixin(),
            "89576cee-9216-3d39-9483-e828a5a95fd3",
        ),
    ] {
        let message = out(room);
        group.bench_function(name, |b| {
            b.iter(|| codec.encode(&message).expect("encodes"))
        });
    }
    group.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);

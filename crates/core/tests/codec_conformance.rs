//! What every codec must withstand, whatever the server sends: random bytes, truncated frames,
//! deep nesting, wrong types, huge strings, invalid UTF-8 — never a panic; malformed input is a
//! typed `CodecError`. A new codec joins by being added to `every_codec`; proptest then throws
//! arbitrary bytes and arbitrary JSON at all of them in the normal test run.

#[path = "support/codecs.rs"]
mod codecs;

use parley_core::codec::{self, Codec, Env, InFrame, Inbound};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A codec under test: its service, the codec, frames its server really sends (the seeds for
/// truncation and type-swapping), and whether its frames are binary.
type Subject = (&'static str, Box<dyn Codec>, Vec<Vec<u8>>, bool);

/// One codec per service, built the way the engine builds them (`support/codecs.rs`, shared
/// with the fuzz targets), with real frames of each.
fn every_codec() -> Vec<Subject> {
    let (mockly, mexc, realtime, mixin) = (
        codecs::mockly(),
        codecs::mexc(),
        codecs::realtime(),
        codecs::mixin(),
    );
    let text = |v: Value| v.to_string().into_bytes();
    let gz =
        |v: Value| parley_core::services::mixin::codec::frame::deflate(v.to_string().as_bytes());
    vec![
        (
            "mockly",
            mockly,
            vec![
                text(
                    json!({"type": "message", "sender": "user_1234", "sender_name": "John Doe", "message": "Hello, everyone!",
                "timestamp": "2023-07-25T14:32:15.123456", "id": "msg_5678"}),
                ),
                text(
                    json!({"type": "system", "message": "user_1234 has joined the chat", "online_users": 2}),
                ),
            ],
            false,
        ),
        (
            "mexc",
            mexc,
            vec![text(
                json!({"success": true, "msg": "success", "method": "RECEIVE_MESSAGE", "data": json!({"id": 1, "content": "hello",
                "conversationId": 50012, "type": 1, "createTime": "2025-01-26 12:00:00", "self": false, "fromUserId": "abc123",
                "fromNickName": "Counterparty"}).to_string()}),
            )],
            false,
        ),
        (
            "realtime",
            realtime,
            vec![
                text(
                    json!({"type": "chat:message", "data": {"chatroomId": "room_1", "messageId": "m1", "userId": "u", "message": "hi", "timestamp": "2024-01-01T00:00:00.000Z"}}),
                ),
                text(
                    json!({"type": "market:price", "data": {"symbol": "EUR/USD", "price": 1.0875, "change": 0.1, "changePercent": 0.2}}),
                ),
            ],
            false,
        ),
        (
            "mixin",
            mixin,
            vec![gz(
                json!({"id": "x", "action": "CREATE_MESSAGE", "data": {"conversation_id": "c", "user_id": "u", "message_id": "m", "category": "PLAIN_TEXT", "data_base64": "aGk", "created_at": "2024-01-01T00:00:00Z"}}),
            )],
            true,
        ),
    ]
}

/// Decodes `bytes` as the codec's kind of frame (binary for Mixin, text where it is UTF-8).
fn feed(codec: &mut dyn Codec, binary: bool, bytes: &[u8]) -> Result<(), codec::CodecError> {
    let frame = match (binary, std::str::from_utf8(bytes)) {
        (false, Ok(text)) => InFrame::Text(text),
        _ => InFrame::Binary(bytes),
    };
    codec.decode(frame, &mut Env::fixed(0)).map(|_| ())
}

/// Wraps a JSON document in the codec's framing.
fn framed(binary: bool, value: &str) -> Vec<u8> {
    if binary {
        parley_core::services::mixin::codec::frame::deflate(value.as_bytes())
    } else {
        value.as_bytes().to_vec()
    }
}

/// What a list of decoded items says, in words a failing assertion can show.
fn summary(decoded: &[Inbound]) -> Vec<String> {
    decoded
        .iter()
        .map(|item| match item {
            Inbound::Message(m) => format!(
                "{:?} in {} from {} ({}) id {} at {}: {}",
                m.kind,
                m.room,
                m.sender_id,
                m.sender_name.as_deref().unwrap_or("-"),
                m.service_id.as_deref().unwrap_or("-"),
                m.ts_ms,
                m.text
            ),
            Inbound::Presence { room, online } => format!("presence in {room}: {online}"),
            Inbound::Price(t) => format!(
                "price {} {} ({:?}, {:?})",
                t.symbol, t.price, t.change, t.change_percent
            ),
            other => format!("{other:?}"),
        })
        .collect()
}

/// What each real frame decodes to, by service, in the order `every_codec` lists them.
fn expected(name: &str) -> Vec<Vec<&'static str>> {
    match name {
        "mockly" => vec![
            // The store's identity of a mockly message: its counter id, time and a digest of
            // sender and text (a restarted server reuses counter ids).
            vec!["Text in public from user_1234 (John Doe) id msg_5678@2023-07-25T14:32:15.123456#0b2d80af1ff3708a at 1690295535123: Hello, everyone!"],
            vec![
                "presence in public: 2",
                "System in public from system (-) id - at 0: user_1234 has joined the chat",
            ],
        ],
        "mexc" => vec![vec![
            "Text in 50012 from abc123 (Counterparty) id 1 at 1737892800000: hello",
        ]],
        "realtime" => vec![
            vec!["Text in room_1 from u (-) id m1 at 1704067200000: hi"],
            vec![r#"price EUR/USD 1.0875 (Some("0.1"), Some("0.2"))"#],
        ],
        "mixin" => vec![vec!["Text in c from u (-) id m at 1704067200000: hi"]],
        _ => unreachable!("a codec without expectations: {name}"),
    }
}

#[test]
fn the_sample_frames_decode_to_what_they_say() {
    for (name, mut codec, samples, binary) in every_codec() {
        let want = expected(name);
        assert_eq!(
            want.len(),
            samples.len(),
            "{name}: one expectation per frame"
        );
        for (sample, want) in samples.iter().zip(want) {
            let frame = match (binary, std::str::from_utf8(sample)) {
                (false, Ok(text)) => InFrame::Text(text),
                _ => InFrame::Binary(sample),
            };
            let decoded = codec
                .decode(frame, &mut Env::fixed(0))
                .unwrap_or_else(|e| panic!("{name}: a real frame decodes: {e}"));
            assert_eq!(summary(&decoded), want, "{name}");
        }
    }
}

#[test]
fn truncated_frames_are_errors() {
    for (name, mut codec, samples, binary) in every_codec() {
        for sample in samples {
            for cut in [1, sample.len() / 3, sample.len() / 2, sample.len() - 1] {
                let result = feed(codec.as_mut(), binary, &sample[..cut]);
                assert!(
                    result.is_err(),
                    "{name}: a frame cut at {cut} bytes is refused"
                );
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    for (name, mut codec, _, binary) in every_codec() {
        assert!(
            feed(codec.as_mut(), binary, &framed(binary, &deep)).is_err(),
            "{name}: deep array"
        );
        assert!(
            feed(codec.as_mut(), binary, &framed(binary, &deep_object)).is_err(),
            "{name}: deep object"
        );
    }
}

#[test]
fn invalid_utf8_and_random_bytes_are_errors() {
    let garbage: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0xfd],
        b"{\"type\":\"message\",\"message\":\"\xff\xfe\"}".to_vec(),
        vec![0x1f, 0x8b, 0x08, 0x00, 0x00],
        vec![0u8; 64],
    ];
    for (name, mut codec, _, binary) in every_codec() {
        for g in &garbage {
            assert!(
                codec
                    .decode(InFrame::Binary(g), &mut Env::fixed(0))
                    .is_err(),
                "{name}: binary garbage"
            );
            // A text frame is valid UTF-8 by the time it arrives (tungstenite checks); what is
            // not JSON after that must still be refused.
            let lossy = String::from_utf8_lossy(g);
            if !binary && serde_json::from_str::<Value>(&lossy).is_err() {
                assert!(
                    codec
                        .decode(InFrame::Text(&lossy), &mut Env::fixed(0))
                        .is_err(),
                    "{name}: text garbage"
                );
            }
        }
    }
}

/// Every string in a real frame swapped for a number, an array, null or an object, one at a time.
fn type_swaps(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Value::Object(map) = value {
        for key in map.keys() {
            for replacement in [
                json!(12345),
                json!([1, 2]),
                Value::Null,
                json!({"x": true}),
                json!(-1.5e300),
            ] {
                let mut changed = map.clone();
                changed.insert(key.clone(), replacement);
                out.push(Value::Object(changed));
            }
            for inner in type_swaps(&map[key]) {
                let mut changed = map.clone();
                changed.insert(key.clone(), inner);
                out.push(Value::Object(changed));
            }
        }
    }
    out
}

#[test]
fn wrong_types_and_huge_strings_never_panic() {
    for (_, mut codec, samples, binary) in every_codec() {
        for sample in &samples {
            let json: Vec<u8> = if binary {
                let mut out = Vec::new();
                use std::io::Read;
                flate2::read::GzDecoder::new(&sample[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            } else {
                sample.clone()
            };
            let value: Value = serde_json::from_slice(&json).unwrap();
            for swapped in type_swaps(&value) {
                // Either a typed error or a tolerant reading: the point is no panic.
                let _ = feed(
                    codec.as_mut(),
                    binary,
                    &framed(binary, &swapped.to_string()),
                );
            }
            // Every string field 2 MB long: refused as too large or read, never a crash.
            let huge = "€".repeat(2 * 1024 * 1024 / 3);
            let mut big = value.clone();
            if let Value::Object(map) = &mut big {
                for v in map.values_mut() {
                    if v.is_string() {
                        *v = json!(huge);
                    }
                }
            }
            let _ = feed(codec.as_mut(), binary, &framed(binary, &big.to_string()));
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-zA-Z0-9 :_-]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "message",
            "system",
            "chat:message",
            "CREATE_MESSAGE",
            "ACKNOWLEDGE_MESSAGE_RECEIPT",
            "ERROR",
            "PLAIN_TEXT",
            "PLAIN_IMAGE",
            "data",
            "type",
            "action",
            "aGk",
            "2024-01-01T00:00:00Z"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "type",
                    "action",
                    "data",
                    "id",
                    "message",
                    "client_id",
                    "category",
                    "message_id",
                    "conversation_id",
                    "user_id",
                    "data_base64",
                    "status",
                    "error",
                    "code",
                    "chatroomId",
                    "content",
                    "conversationId",
                    "online_count",
                    "timestamp",
                    "created_at"
                ])
                .prop_map(String::from),
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The codecs for the property tests, built once: building one (a Mixin REST client) costs far
/// more than decoding, and decoding arbitrary input must not depend on a fresh codec anyway.
fn with_codecs(f: impl Fn(&mut dyn Codec, bool)) {
    type Shared = std::sync::Mutex<Vec<(Box<dyn Codec>, bool)>>;
    static CODECS: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    let codecs = CODECS.get_or_init(|| {
        std::sync::Mutex::new(
            every_codec()
                .into_iter()
                .map(|(_, c, _, binary)| (c, binary))
                .collect(),
        )
    });
    let mut codecs = codecs.lock().unwrap_or_else(|p| p.into_inner());
    for (codec, binary) in codecs.iter_mut() {
        f(codec.as_mut(), *binary);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        with_codecs(|codec, binary| {
            let _ = feed(codec, binary, &bytes);
        });
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        with_codecs(|codec, binary| {
            let _ = feed(codec, binary, &framed(binary, &value.to_string()));
        });
    }
}

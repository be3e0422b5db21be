//! Test vectors: every frame in service-docs/mexc-p2p-websocket-chat.txt, verbatim, plus the
//! tolerant readings PROTOCOLS.md §2.4 asks for.

use super::*;
use crate::secret::Secret;
use serde_json::Value;

fn codec() -> MexcCodec {
    MexcCodec::new(Conversation {
        endpoint: DEFAULT_ENDPOINT.into(),
        managed_key: false,
        conversation_id: 50012,
        create_time_offset_minutes: 0,
    })
}

/// The time fixed at 0, and the listenKey the supervisor would hand over.
fn env() -> Env {
    let mut env = Env::fixed(0);
    env.set_credential(Some(Secret::new("pqia91ma19a5s61cv6a81va65sd099v8a65a1")));
    env
}

fn decode(text: &str) -> Result<Vec<Inbound>, CodecError> {
    codec().decode(InFrame::Text(text), &mut env())
}

fn one_message(text: &str) -> IncomingMessage {
    match decode(text).unwrap().as_slice() {
        [Inbound::Message(m)] => m.clone(),
        other => panic!("expected one message, got {other:?}"),
    }
}

const DOC_SEND: &str = r#"{
"method": "SEND_MESSAGE",
"params": "{\"content\":\"This is a design screenshot\",\"conversationId\":50012,\"type\":2,\"imageUrl\":\"https://cdn.example.com/images/design_v3.png\",\"imageThumbUrl\":\"https://cdn.example.com/images/design_v3_thumb.jpg\",\"videoUrl\":\"\",\"fileUrl\":\"\"}"
}"#;
const DOC_SEND_REPLY: &str = r#"{
"success": true,
"method": "SEND_MESSAGE",
"msg": "success"
}"#;
const DOC_RECEIVE: &str = r#"{
"success": true,
"msg": "success",
"method": "RECEIVE_MESSAGE",
"data": "{\"id\":1,\"content\":\"hello\",\"conversationId\":50012,\"type\":1,\"createTime\":\"2025-01-26 12:00:00\",\"self\":false,\"fromUserId\":\"abc123\",\"fromNickName\":\"Counterparty\"}"
}"#;
const DOC_PING: &str = r#"{"method":"PING"}"#;
const DOC_PONG: &str = r#"{
"success": true,
"method": "PING",
"msg": "success",
"data": "PONG"
}"#;

#[test]
fn the_socket_url_carries_the_listen_key_and_conversation() {
    let request = codec().connect_request(&mut env()).unwrap();
    assert_eq!(
        request.url.as_str(),
        "wss://wbs.p2p.mexc.com/ws?listenKey=pqia91ma19a5s61cv6a81va65sd099v8a65a1&conversationId=50012"
    );
}

#[test]
fn documented_receive_decodes_the_double_encoded_body() {
    let m = one_message(DOC_RECEIVE);
    assert_eq!(m.service_id.as_deref(), Some("1"));
    assert_eq!(m.room, "50012");
    assert_eq!(m.text, "hello");
    assert_eq!(m.kind, MessageKind::Text);
    assert_eq!(m.sender_id, "abc123");
    assert_eq!(m.sender_name.as_deref(), Some("Counterparty"));
    assert!(!m.own);
    assert_eq!(m.ts_raw, "2025-01-26 12:00:00");
    assert_eq!(m.ts_ms, 1_737_892_800_000, "read as UTC by default");
}

#[test]
fn create_time_follows_the_configured_offset() {
    let mut c = codec();
    c.chat.create_time_offset_minutes = 8 * 60;
    let Inbound::Message(m) = &c.decode(InFrame::Text(DOC_RECEIVE), &mut env()).unwrap()[0] else {
        panic!()
    };
    assert_eq!(m.ts_ms, 1_737_892_800_000 - 8 * 3_600_000);
}

#[test]
fn documented_send_is_produced_from_an_image_message() {
    let frames = codec()
        .encode(
            &Outgoing {
                local_id: 9,
                room: "50012".into(),
                kind: MessageKind::Image,
                text: "This is a design screenshot".into(),
                media: Some(Media {
                    url: "https://cdn.example.com/images/design_v3.png".into(),
                    thumb_url: Some("https://cdn.example.com/images/design_v3_thumb.jpg".into()),
                    ..Default::default()
                }),
                client_id: None,
                quote_id: None,
            },
            &mut env(),
        )
        .unwrap();
    let OutFrame::Text(ours) = &frames[0] else {
        panic!()
    };
    let ours: Value = serde_json::from_str(ours).unwrap();
    let doc: Value = serde_json::from_str(DOC_SEND).unwrap();
    assert_eq!(ours["method"], doc["method"]);
    assert!(
        ours["params"].is_string(),
        "params is a JSON string, not an object"
    );
    let inner = |v: &Value| serde_json::from_str::<Value>(v["params"].as_str().unwrap()).unwrap();
    assert_eq!(inner(&ours), inner(&doc));
}

#[test]
fn documented_send_reply_accepts_the_oldest_send() {
    assert_eq!(decode(DOC_SEND_REPLY).unwrap(), vec![Inbound::SendAccepted]);
    let refused = r#"{"success":false,"method":"SEND_MESSAGE","msg":"conversation closed"}"#;
    assert_eq!(
        decode(refused).unwrap(),
        vec![Inbound::SendRejected("conversation closed".into())]
    );
}

#[test]
fn documented_ping_and_pong() {
    assert_eq!(
        codec().heartbeat().frame,
        HeartbeatFrame::App(OutFrame::Text(DOC_PING.into()))
    );
    assert_eq!(codec().heartbeat().every, Duration::from_secs(5));
    assert_eq!(decode(DOC_PONG).unwrap(), Vec::<Inbound>::new());
}

#[test]
fn every_media_type_is_read_with_its_url() {
    let frame = |kind: i64, field: &str| {
        let body = json!({"id": 7, "content": "proof", "conversationId": 50012, "type": kind,
            "imageUrl": "", "imageThumbUrl": "", "videoUrl": "", "fileUrl": "",
            "createTime": "2025-01-26 12:00:00", "self": true, "fromUserId": "me", "fromNickName": "Me"});
        let mut body = body;
        body[field] = json!("https://cdn.example.com/x");
        json!({"success": true, "msg": "success", "method": "RECEIVE_MESSAGE", "data": body.to_string()}).to_string()
    };
    for (kind, field, want) in [
        (2, "imageUrl", MessageKind::Image),
        (3, "videoUrl", MessageKind::Video),
        (4, "fileUrl", MessageKind::File),
    ] {
        let m = one_message(&frame(kind, field));
        assert_eq!(m.kind, want);
        assert_eq!(m.media.unwrap().url, "https://cdn.example.com/x");
        assert!(m.own, "self: true is our own message");
    }
}

#[test]
fn data_sent_as_an_object_is_tolerated() {
    let frame = r#"{"method":"RECEIVE_MESSAGE","data":{"id":2,"content":"object","type":1,"extra":"ignored"}}"#;
    let m = one_message(frame);
    assert_eq!(m.text, "object");
    assert_eq!(m.room, "50012", "falls back to our conversation");
}

#[test]
fn a_message_frame_without_usable_data_is_an_error_not_a_message() {
    for frame in [
        r#"{"method":"RECEIVE_MESSAGE"}"#,
        r#"{"method":"RECEIVE_MESSAGE","data":null}"#,
        r#"{"method":"RECEIVE_MESSAGE","data":42}"#,
        r#"{"method":"RECEIVE_MESSAGE","data":["a"]}"#,
    ] {
        assert!(
            matches!(decode(frame), Err(CodecError::MissingField("data"))),
            "{frame}"
        );
    }
    let bad_inner = r#"{"method":"RECEIVE_MESSAGE","data":"{\"id\":"}"#;
    assert!(matches!(decode(bad_inner), Err(CodecError::InvalidJson(_))));
    let escaped = r#"{"method":"RECEIVE_MESSAGE","data":"{\"id\":7,\"type\":1,\"content\":\"quote \\\" and \\u00e9\"}"}"#;
    assert_eq!(one_message(escaped).text, "quote \" and \u{e9}");
}

#[test]
fn unknown_types_and_methods_become_placeholders() {
    let unknown_type =
        r#"{"method":"RECEIVE_MESSAGE","data":"{\"id\":3,\"type\":9,\"content\":\"sticker?\"}"}"#;
    let m = one_message(unknown_type);
    assert_eq!(m.kind, MessageKind::Unsupported);
    assert_eq!(m.text, "Unsupported message (type 9): sticker?");
    let unknown_method = one_message(r#"{"method":"ORDER_STATUS","data":"{}"}"#);
    assert_eq!(unknown_method.kind, MessageKind::Unsupported);
    assert!(unknown_method.text.contains("ORDER_STATUS"));
}

#[test]
fn malformed_frames_are_typed_errors() {
    assert!(matches!(decode("nope"), Err(CodecError::InvalidJson(_))));
    assert!(matches!(
        decode("{}"),
        Err(CodecError::MissingField("method"))
    ));
    assert!(matches!(
        decode(r#"{"method":"RECEIVE_MESSAGE","data":"{not json"}"#),
        Err(CodecError::InvalidJson(m)) if m.starts_with("RECEIVE_MESSAGE data")
    ));
    assert!(matches!(
        decode(r#"{"method":"RECEIVE_MESSAGE"}"#),
        Err(CodecError::MissingField("data"))
    ));
    assert!(matches!(
        decode(r#"{"method":"RECEIVE_MESSAGE","data":{"id":"not a number"}}"#),
        Err(CodecError::UnexpectedShape(_))
    ));
    assert!(matches!(
        codec().decode(InFrame::Binary(b"x"), &mut env()),
        Err(CodecError::UnexpectedBinary(1))
    ));
}

#[test]
fn a_media_message_without_its_url_is_refused_before_sending() {
    let mut c = codec();
    let image = Outgoing {
        local_id: 1,
        room: "50012".into(),
        kind: MessageKind::Image,
        text: "proof".into(),
        media: None,
        client_id: None,
        quote_id: None,
    };
    assert!(
        matches!(c.encode(&image, &mut env()), Err(CodecError::Refused(m)) if m.contains("needs a URL"))
    );
    let bad_scheme = Outgoing {
        media: Some(Media {
            url: "javascript:alert(1)".into(),
            thumb_url: None,
            ..Default::default()
        }),
        client_id: None,
        ..image
    };
    assert!(
        matches!(c.encode(&bad_scheme, &mut env()), Err(CodecError::Refused(m)) if m.contains("http"))
    );
}

#[test]
fn the_listen_key_is_required_and_never_printed() {
    let mut c = codec();
    let mut blank = Env::fixed(0);
    blank.set_credential(Some(Secret::new(" ")));
    assert!(matches!(
        c.connect_request(&mut blank),
        Err(CodecError::Settings(_))
    ));
    assert!(matches!(
        c.connect_request(&mut Env::fixed(0)),
        Err(CodecError::Settings(_))
    ));
    let request = c.connect_request(&mut env()).unwrap();
    assert!(!format!("{:?}", codec().chat).contains("pqia91"));
    assert!(request.url.as_str().contains("listenKey=pqia91"));
}

#[test]
fn only_a_refused_key_is_the_credentials_fault() {
    let c = codec();
    assert!(
        !c.credential_refused(Some(403)),
        "a refused order chat is not the key's fault"
    );
    assert!(c.credential_refused(Some(401)));
    assert!(
        c.credential_refused(None),
        "closes-at-once until giving up point at the key too"
    );
}

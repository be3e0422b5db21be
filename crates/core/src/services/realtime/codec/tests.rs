use super::*;

fn settings() -> RealtimeSettings {
    RealtimeSettings {
        user_id: "user_456".into(),
        rooms: vec![crate::account::RealtimeRoom {
            id: "room_123".into(),
            name: "EUR/USD Trading Room".into(),
        }],
        symbols: vec!["EUR/USD".into(), "GBP/JPY".into()],
        ..RealtimeSettings::new("https://api.yourdomain.com")
    }
}

fn codec() -> RealtimeCodec {
    let s = settings();
    let shared = Shared::new(s.rooms.iter().map(|r| r.id.clone()));
    RealtimeCodec::new(
        s,
        Secret::new("pk_test"),
        Secret::new("jwt.token.sig"),
        shared,
    )
}

fn decode(frame: &str) -> Vec<Inbound> {
    codec()
        .decode(InFrame::Text(frame), &mut Env::fixed(0))
        .expect("decodes")
}

fn frames_json(frames: Vec<OutFrame>) -> Vec<Value> {
    frames
        .into_iter()
        .map(|f| match f {
            OutFrame::Text(t) => serde_json::from_str(&t).unwrap(),
            OutFrame::Binary(_) => panic!("binary frame"),
        })
        .collect()
}

// Every event example of service-docs/realtime-service.txt, verbatim.
const DOC_CHAT: &str = r#"{
"type": "chat:message",
"data": {
"chatroomId": "room_123",
"messageId": "msg_790",
"userId": "user_456",
"message": "EUR/USD breaking resistance!",
"timestamp": "2025-10-21T12:00:00.000Z"
}
}"#;
const DOC_ONLINE: &str =
    r#"{"type": "user:online", "data": {"userId": "user_789", "status": "online"}}"#;
const DOC_PRICE: &str = r#"{"type": "market:price", "data": {"symbol": "EUR/USD", "price": 1.0875, "change": 0.0025, "changePercent": 0.23}}"#;
const DOC_POST: &str = r#"{"type": "post:created", "data": {"postId": "post_123", "userId": "user_456", "communityId": "community_789", "content": "New trade idea posted!"}}"#;
const DOC_TRADE: &str = r#"{"type": "trade:created", "data": {"tradeId": "trade_456", "symbol": "EUR/USD", "direction": "buy", "entryPrice": 1.0850}}"#;
const DOC_NOTIFICATION: &str = r#"{"type": "notification:new", "data": {"id": "notif_123", "title": "New Comment on Your Post", "message": "John Doe commented on your post", "priority": "medium"}}"#;
const DOC_SESSION: &str = r#"{"type": "session:started", "data": {"sessionId": "session_789", "title": "Live Market Analysis", "speakerId": "user_123", "startedAt": "2025-10-21T14:00:00.000Z"}}"#;

#[test]
fn documented_chat_message_is_normalized_with_its_server_id_and_utc_time() {
    let mut c = codec();
    c.shared.remember_name("user_999", "Jane Roe");
    let out = c
        .decode(
            InFrame::Text(&DOC_CHAT.replace("user_456", "user_999")),
            &mut Env::fixed(0),
        )
        .unwrap();
    let Inbound::Message(m) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(m.room, "room_123");
    assert_eq!(m.service_id.as_deref(), Some("msg_790"));
    assert_eq!(
        m.sender_name.as_deref(),
        Some("Jane Roe"),
        "names come from REST history"
    );
    assert!(!m.own);
    assert_eq!(m.ts_ms, 1_761_048_000_000);
    assert_eq!(m.ts_raw, "2025-10-21T12:00:00.000Z");
}

#[test]
fn the_echo_of_an_own_message_is_own() {
    let out = decode(DOC_CHAT);
    let Inbound::Message(m) = &out[0] else {
        panic!("{out:?}")
    };
    assert!(m.own, "userId equals the signed-in user");
    assert_eq!(m.sender_name, None);
}

#[test]
fn messages_of_rooms_not_joined_are_ignored() {
    let out = decode(&DOC_CHAT.replace("room_123", "room_999"));
    assert!(matches!(&out[..], [Inbound::Ignored(_)]), "{out:?}");
}

#[test]
fn presence_online_and_both_offline_shapes() {
    assert_eq!(
        decode(DOC_ONLINE),
        vec![Inbound::UserStatus {
            user_id: "user_789".into(),
            online: true
        }]
    );
    let offline = DOC_ONLINE.replace("\"online\"}", "\"offline\"}");
    assert_eq!(
        decode(&offline),
        vec![Inbound::UserStatus {
            user_id: "user_789".into(),
            online: false
        }]
    );
    let gone = r#"{"type":"user:offline","data":{"userId":"user_789"}}"#;
    assert_eq!(
        decode(gone),
        vec![Inbound::UserStatus {
            user_id: "user_789".into(),
            online: false
        }]
    );
}

#[test]
fn prices_keep_the_digits_the_server_sent() {
    let out = decode(DOC_PRICE);
    assert_eq!(
        out,
        vec![Inbound::Price(PriceTick {
            symbol: "EUR/USD".into(),
            price: "1.0875".into(),
            change: Some("0.0025".into()),
            change_percent: Some("0.23".into()),
        })]
    );
    let precise = r#"{"type":"market:price","data":{"symbol":"XAU/USD","price":2650.123456789012345,"change":"-1.5"}}"#;
    let Inbound::Price(tick) = &decode(precise)[0] else {
        panic!()
    };
    assert_eq!(
        tick.price, "2650.123456789012345",
        "never rounded through a float"
    );
    assert_eq!(tick.change.as_deref(), Some("-1.5"));
    let bad = r#"{"type":"market:price","data":{"symbol":"X","price":"cheap"}}"#;
    assert!(codec()
        .decode(InFrame::Text(bad), &mut Env::fixed(0))
        .is_err());
}

#[test]
fn alerts_for_trades_posts_notifications_and_sessions() {
    let alert = |frame: &str| match decode(frame).pop() {
        Some(Inbound::Alert(a)) => a,
        other => panic!("{other:?}"),
    };
    let trade = alert(DOC_TRADE);
    assert_eq!(
        (trade.kind, trade.title.as_str(), trade.body.as_str()),
        (AlertKind::Trade, "Trade alert: BUY EUR/USD", "Entry 1.0850")
    );
    assert_eq!(trade.id.as_deref(), Some("trade_456"));
    let post = alert(DOC_POST);
    assert_eq!(
        (post.kind, post.body.as_str()),
        (AlertKind::Post, "New trade idea posted!")
    );
    let note = alert(DOC_NOTIFICATION);
    assert_eq!(note.title, "New Comment on Your Post");
    assert_eq!(note.priority.as_deref(), Some("medium"));
    assert!(!note.is_high_priority());
    assert!(alert(&DOC_NOTIFICATION.replace("medium", "high")).is_high_priority());
    let session = alert(DOC_SESSION);
    assert_eq!(session.title, "Live session started: Live Market Analysis");
    assert_eq!(session.ts_ms, 1_761_055_200_000);
    let ended = alert(
        r#"{"type":"session:ended","data":{"sessionId":"session_789","title":"Live Market Analysis"}}"#,
    );
    assert_eq!(ended.kind, AlertKind::SessionEnded);
}

#[test]
fn typing_in_every_inferred_shape_and_never_our_own() {
    let start = r#"{"type":"typing:start","data":{"chatroomId":"room_123","userId":"user_789"}}"#;
    assert!(matches!(
        &decode(start)[..],
        [Inbound::Typing { active: true, .. }]
    ));
    let stop = r#"{"type":"typing:stop","data":{"chatroomId":"room_123","userId":"user_789"}}"#;
    assert!(matches!(
        &decode(stop)[..],
        [Inbound::Typing { active: false, .. }]
    ));
    let chat = r#"{"type":"chat:typing","data":{"chatroomId":"room_123","userId":"user_789","isTyping":false}}"#;
    assert!(matches!(
        &decode(chat)[..],
        [Inbound::Typing { active: false, .. }]
    ));
    assert!(
        decode(&start.replace("user_789", "user_456")).is_empty(),
        "own typing echo"
    );
}

#[test]
fn errors_pongs_acks_and_unknown_types_never_break_the_connection() {
    // A rate-limit refusal answers the oldest send, with the window when the server gives one.
    assert_eq!(
        decode(r#"{"type":"error","data":{"message":"Rate limit exceeded"}}"#),
        vec![Inbound::SendDeferred {
            reason: "Rate limit exceeded".into(),
            retry_after: None
        }]
    );
    assert_eq!(
        decode(r#"{"type":"error","data":{"message":"Too many messages","retryAfter":12}}"#),
        vec![Inbound::SendDeferred {
            reason: "Too many messages".into(),
            retry_after: Some(std::time::Duration::from_secs(12))
        }]
    );
    assert_eq!(
        decode(r#"{"type":"error","message":"bad"}"#),
        vec![Inbound::ServerError("bad".into())]
    );
    assert!(decode(r#"{"type":"pong"}"#).is_empty());
    assert!(decode(r#"{"type":"auth:success","data":{}}"#).is_empty());
    assert!(matches!(
        &decode(r#"{"type":"community:poll","data":{}}"#)[..],
        [Inbound::Ignored(_)]
    ));
}

#[test]
fn malformed_frames_are_typed_errors() {
    let mut c = codec();
    assert!(matches!(
        c.decode(InFrame::Text("{not json"), &mut Env::fixed(0)),
        Err(CodecError::InvalidJson(_))
    ));
    assert!(matches!(
        c.decode(InFrame::Text(r#"{"data":{}}"#), &mut Env::fixed(0)),
        Err(CodecError::MissingField("type"))
    ));
    assert!(matches!(
        c.decode(
            InFrame::Text(r#"{"type":"chat:message"}"#),
            &mut Env::fixed(0)
        ),
        Err(CodecError::MissingField("data"))
    ));
    assert!(matches!(
        c.decode(
            InFrame::Text(r#"{"type":"chat:message","data":{"chatroomId":5}}"#),
            &mut Env::fixed(0)
        ),
        Err(CodecError::UnexpectedShape(_))
    ));
    assert!(matches!(
        c.decode(InFrame::Binary(&[1, 2]), &mut Env::fixed(0)),
        Err(CodecError::UnexpectedBinary(2))
    ));
    let huge = format!(
        r#"{{"type":"chat:message","data":{{"message":"{}"}}}}"#,
        "x".repeat(MAX_FRAME_BYTES)
    );
    assert!(matches!(
        c.decode(InFrame::Text(&huge), &mut Env::fixed(0)),
        Err(CodecError::TooLarge { .. })
    ));
}

#[test]
fn opening_authenticates_first_then_subscribes_rooms_notifications_and_market() {
    let opened = frames_json(codec().on_open(&mut Env::fixed(0)));
    assert_eq!(opened[0], json!({"type": "auth", "token": "jwt.token.sig"}));
    assert_eq!(
        opened[1],
        json!({"type": "subscribe", "channel": "chatroom", "chatroomId": "room_123"})
    );
    assert_eq!(
        opened[2],
        json!({"type": "subscribe", "channel": "notifications", "userId": "user_456"})
    );
    assert_eq!(
        opened[3],
        json!({"type": "subscribe", "channel": "market", "symbols": ["EUR/USD", "GBP/JPY"]})
    );
    assert_eq!(opened.len(), 4);
}

#[test]
fn the_socket_gets_the_api_key_as_a_header_and_the_derived_address() {
    let request = codec().connect_request(&mut Env::fixed(0)).unwrap();
    assert_eq!(request.url.as_str(), "wss://api.yourdomain.com/v1/live");
    assert_eq!(
        request.headers,
        vec![("X-API-Key".to_owned(), "pk_test".to_owned())]
    );
    let mut in_query = codec();
    in_query.settings.api_key_in_query = true;
    assert_eq!(
        in_query
            .connect_request(&mut Env::fixed(0))
            .unwrap()
            .url
            .query(),
        Some("apiKey=pk_test")
    );
}

#[test]
fn joins_and_leaves_are_said_at_once_and_remembered_for_the_next_connection() {
    let mut c = codec();
    let joined = frames_json(c.signal(&Signal::Join("room_2".into())));
    assert_eq!(
        joined,
        vec![json!({"type": "subscribe", "channel": "chatroom", "chatroomId": "room_2"})]
    );
    let left = frames_json(c.signal(&Signal::Leave("room_123".into())));
    assert_eq!(
        left,
        vec![json!({"type": "unsubscribe", "channel": "chatroom", "chatroomId": "room_123"})]
    );
    let reopened = frames_json(c.on_open(&mut Env::fixed(0)));
    assert_eq!(reopened[1]["chatroomId"], "room_2");
    assert!(!reopened.iter().any(|f| f["chatroomId"] == "room_123"));
    let symbols = frames_json(c.signal(&Signal::Symbols(vec!["XAU/USD".into()])));
    assert_eq!(symbols[0]["type"], "unsubscribe");
    assert_eq!(
        symbols[1],
        json!({"type": "subscribe", "channel": "market", "symbols": ["XAU/USD"]})
    );
    let typing = frames_json(c.signal(&Signal::Typing {
        room: "room_2".into(),
        active: true,
    }));
    assert_eq!(
        typing,
        vec![json!({"type": "typing:start", "chatroomId": "room_2"})]
    );
}

#[test]
fn sending_is_chat_send_and_over_64_kb_is_refused() {
    let mut c = codec();
    let out = |text: &str| Outgoing {
        local_id: 1,
        room: "room_123".into(),
        kind: MessageKind::Text,
        text: text.into(),
        media: None,
        client_id: None,
        quote_id: None,
    };
    let frames = frames_json(
        c.encode(&out("Hello everyone!"), &mut Env::fixed(0))
            .unwrap(),
    );
    assert_eq!(
        frames,
        vec![json!({"type": "chat:send", "chatroomId": "room_123", "message": "Hello everyone!"})]
    );
    let err = c
        .encode(&out(&"x".repeat(MAX_FRAME_BYTES)), &mut Env::fixed(0))
        .unwrap_err();
    assert!(err.to_string().contains("at most 64 KB"), "{err}");
    assert!(c.encode(&out("  "), &mut Env::fixed(0)).is_err());
}

#[test]
fn a_close_that_refuses_the_token_is_permanent() {
    let c = codec();
    assert!(c.permanent_close(1008, "invalid token").is_some());
    assert!(c.permanent_close(4001, "").is_some());
    assert!(c.permanent_close(1001, "going away").is_none());
    assert!(c.permanent_close(1008, "rate limit exceeded").is_none());
}

#[test]
fn sender_names_are_bounded_the_oldest_forgotten_first() {
    let shared = Shared::new(Vec::new());
    let total = MAX_NAMES + 10;
    for n in 0..total {
        shared.remember_name(&format!("user_{n}"), &format!("User {n}"));
    }
    assert_eq!(shared.name_of("user_9"), None, "the oldest went");
    // Every one of the most recent MAX_NAMES is still known.
    for n in 10..total {
        assert_eq!(
            shared.name_of(&format!("user_{n}")).as_deref(),
            Some(format!("User {n}").as_str()),
            "user_{n}"
        );
    }
}

#[test]
fn ids_and_names_no_real_user_has_are_not_remembered() {
    let shared = Shared::new(Vec::new());
    let huge = "x".repeat(MAX_FRAME_BYTES);
    shared.remember_name(&huge, "Jane Roe");
    shared.remember_name("user_1", &huge);
    assert_eq!(shared.name_of(&huge), None);
    assert_eq!(shared.name_of("user_1"), None);
}

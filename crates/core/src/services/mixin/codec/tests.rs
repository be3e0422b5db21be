//! Every frame example of PROTOCOLS.md §1 as a test vector, plus the faults of §1.15.

use super::*;
use crate::codec::Codec;
use base64::engine::general_purpose::STANDARD;

const BOT: &str = "82d20bc7-9a97-4a69-bcd0-4da502374f6c";
const SESSION: &str = "c87ff6c9-c33a-4bc3-98d7-3d449f4adfe8";
const USER: &str = "e8e5b807-fa8b-455a-8dfa-b189d28310ff";
const CONV: &str = "89576cee-9216-3d39-9483-e828a5a95fd3";

fn settings() -> MixinSettings {
    MixinSettings {
        bot_id: BOT.into(),
        bot_name: "Desk bot".into(),
        blaze_url: "ws://127.0.0.1:9/".into(),
        api_base: "http://127.0.0.1:9".into(),
    }
}

fn keystore() -> Keystore {
    Keystore::parse(
        &json!({"app_id": BOT, "session_id": SESSION, "session_private_key": hex::encode([5u8; 32])})
            .to_string(),
    )
    .unwrap()
}

fn codec() -> MixinCodec {
    MixinCodec::new(settings(), Some(keystore()))
}

fn gz(v: &Value) -> Vec<u8> {
    frame::deflate(v.to_string().as_bytes())
}

fn decode(c: &mut MixinCodec, v: Value) -> Vec<Inbound> {
    c.decode(InFrame::Binary(&gz(&v)), &mut Env::fixed(0))
        .unwrap()
}

fn sent_json(frame: &OutFrame) -> Value {
    match frame {
        OutFrame::Binary(b) => serde_json::from_slice(&frame::inflate(b).unwrap()).unwrap(),
        OutFrame::Text(_) => panic!("Blaze frames are binary"),
    }
}

fn message(inbound: &[Inbound]) -> &IncomingMessage {
    match inbound {
        [Inbound::Message(m)] => m,
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn each_connection_is_signed_anew_with_the_subprotocol() {
    let mut c = codec();
    let mut env = Env::fixed(0);
    let first = c.connect_request(&mut env).unwrap();
    let second = c.connect_request(&mut env).unwrap();
    assert_eq!(first.subprotocol.as_deref(), Some("Mixin-Blaze-1"));
    assert_eq!(first.url.as_str(), "ws://127.0.0.1:9/");
    let token = |r: &ConnectRequest| r.headers[0].1.strip_prefix("Bearer ").unwrap().to_owned();
    assert_ne!(token(&first), token(&second), "a token is never reused");
    let claims = token(&first)
        .split('.')
        .nth(1)
        .map(|p| URL_SAFE_NO_PAD.decode(p).unwrap())
        .unwrap();
    let claims: Value = serde_json::from_slice(&claims).unwrap();
    assert_eq!(
        claims["sig"],
        "f837ebeb4c2981ad9c64b70d0b0d18724c76c60781b9e4bf7a582510df7ada39"
    );
    assert_eq!(claims["uid"], BOT);
    let mut without = MixinCodec::new(settings(), None);
    assert!(
        matches!(without.connect_request(&mut Env::fixed(0)), Err(CodecError::Settings(m)) if m.contains("keystore"))
    );
}

#[test]
fn the_pending_list_is_asked_for_first() {
    let frames = codec().on_open(&mut Env::fixed(0));
    assert_eq!(frames.len(), 1);
    let sent = sent_json(&frames[0]);
    assert_eq!(sent["action"], "LIST_PENDING_MESSAGES");
    assert!(uuid::Uuid::parse_str(sent["id"].as_str().unwrap()).is_ok());
}

#[test]
fn the_documented_pending_message_decodes() {
    let mut c = codec();
    let inbound = decode(
        &mut c,
        json!({"id": "UUID", "action": "CREATE_MESSAGE", "data": {
            "conversation_id": CONV, "user_id": USER, "message_id": "7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11",
            "category": "PLAIN_TEXT", "status": "SENT", "data": STANDARD.encode("Base64 decoded data"),
            "created_at": "2020-11-02T12:47:32.472333Z", "updated_at": "2020-11-02T12:47:32.472333Z",
            "source": "LIST_PENDING_MESSAGES", "quote_message_id": "", "representative_id": ""}}),
    );
    let m = message(&inbound);
    assert_eq!(m.text, "Base64 decoded data");
    assert_eq!(m.room, CONV);
    assert_eq!(m.sender_id, USER);
    assert_eq!(
        m.service_id.as_deref(),
        Some("7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11")
    );
    assert_eq!(m.ts_ms, 1_604_321_252_472);
    assert_eq!(m.ts_raw, "2020-11-02T12:47:32.472333Z");
    assert!(!m.own);
    assert_eq!(m.quote_id, None, "an empty quote_message_id is no reply");
}

#[test]
fn a_reply_keeps_the_id_of_the_message_it_answers() {
    let mut c = codec();
    let inbound = decode(
        &mut c,
        json!({"id": "UUID", "action": "CREATE_MESSAGE", "data": {
            "conversation_id": CONV, "user_id": USER, "message_id": "7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e12",
            "category": "PLAIN_TEXT", "status": "SENT", "data": STANDARD.encode("yes, paid"),
            "created_at": "2020-11-02T12:47:32.472333Z",
            "quote_message_id": "7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11"}}),
    );
    assert_eq!(
        message(&inbound).quote_id.as_deref(),
        Some("7b3f0c0e-6f0a-4d7b-9f0e-3a9a2c1d5e11")
    );
}

#[test]
fn data_base64_wins_in_either_alphabet_with_nanoseconds_and_a_representative() {
    let mut c = codec();
    // "??>" encodes to "Pz8+" (standard) and "Pz8-" (URL-safe): both alphabets must work.
    for (field, encoded) in [
        ("data_base64", "Pz8-"),
        ("data", "Pz8+"),
        ("data", "Pz8-"),
        ("data_base64", "Pz8+"),
    ] {
        let inbound = decode(
            &mut c,
            json!({"id": "x", "action": "CREATE_MESSAGE", "data": {
                "conversation_id": CONV, "user_id": USER, "message_id": "m-1", "category": "PLAIN_TEXT",
                field: encoded, "created_at": "2024-05-10T08:15:34.859542588Z",
                "representative_id": "11111111-2222-3333-4444-555555555555"}}),
        );
        let m = message(&inbound);
        assert_eq!(m.text, "??>", "{field}={encoded}");
        assert_eq!(m.ts_ms, 1_715_328_934_859);
        assert_eq!(m.sender_id, "11111111-2222-3333-4444-555555555555");
    }
    // Unpadded text of odd length, and both fields present (data_base64 first).
    let inbound = decode(
        &mut c,
        json!({"action": "CREATE_MESSAGE", "data": {"conversation_id": CONV, "user_id": USER,
            "message_id": "m-2", "category": "PLAIN_TEXT", "data_base64": "aGk", "data": "aWdub3JlZA==",
            "created_at": "2024-05-10T08:15:34Z"}}),
    );
    assert_eq!(message(&inbound).text, "hi");
}

#[test]
fn the_documented_error_reply_shows_its_code_and_description() {
    let mut c = codec();
    let inbound = decode(
        &mut c,
        json!({"id": "0623f846-aa86-4664-bb65-0e5559890a5c", "action": "CREATE_MESSAGE",
               "error": {"code": 20121, "desciption": "Authorization code expired."}}),
    );
    assert_eq!(
        inbound,
        vec![Inbound::ServerError(
            "error 20121: Authorization code expired.".into()
        )]
    );
    let inbound = decode(
        &mut c,
        json!({"action": "ERROR", "error": {"status": 202, "code": 401, "description": "Unauthorized"}}),
    );
    assert_eq!(
        inbound,
        vec![Inbound::SessionRejected("error 401: Unauthorized".into())]
    );
    let inbound = decode(
        &mut c,
        json!({"action": "ERROR", "error": {"code": 911, "description": "time inaccurate"}}),
    );
    assert!(matches!(&inbound[..], [Inbound::SessionRejected(m)] if m.contains("911")));
}

#[test]
fn own_status_echoes_and_receipts_update_state_instead_of_rendering() {
    let mut c = codec();
    let echo = decode(
        &mut c,
        json!({"id": "e", "action": "CREATE_MESSAGE", "data": {"conversation_id": CONV, "user_id": BOT,
            "message_id": "mine-1", "category": "", "status": "SENT", "data": "", "created_at": "2024-01-01T00:00:00.000000Z"}}),
    );
    assert_eq!(
        echo,
        vec![Inbound::Receipt {
            service_id: "mine-1".into(),
            state: DeliveryState::Sent
        }]
    );
    let receipt = decode(
        &mut c,
        json!({"id": "r", "action": "ACKNOWLEDGE_MESSAGE_RECEIPT", "data": {"conversation_id": "",
            "message_id": "mine-1", "status": "READ", "source": "ACKNOWLEDGE_MESSAGE_RECEIPT"}}),
    );
    assert_eq!(
        receipt,
        vec![Inbound::Receipt {
            service_id: "mine-1".into(),
            state: DeliveryState::Read
        }]
    );
    // A message the bot sent from another session renders, as its own.
    let other_session = decode(
        &mut c,
        json!({"action": "CREATE_MESSAGE", "data": {"conversation_id": CONV, "user_id": BOT,
            "message_id": "mine-2", "category": "PLAIN_TEXT", "data_base64": "aGk", "created_at": "2024-01-01T00:00:00Z"}}),
    );
    assert!(message(&other_session).own);
}

fn outgoing(local_id: i64, text: &str) -> Outgoing {
    Outgoing {
        local_id,
        room: CONV.into(),
        kind: MessageKind::Text,
        text: text.into(),
        media: None,
        client_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into()),
        quote_id: None,
    }
}

#[test]
fn a_quote_reply_names_the_quoted_message_and_a_plain_message_names_none() {
    let mut c = codec();
    let mut env = Env::fixed(0);
    let plain = sent_json(&c.encode(&outgoing(7, "hi"), &mut env).unwrap()[0]);
    assert!(plain["params"].get("quote_message_id").is_none());
    let reply = Outgoing {
        quote_id: Some("11111111-2222-4333-8444-555555555555".into()),
        ..outgoing(8, "paid")
    };
    let sent = sent_json(&c.encode(&reply, &mut env).unwrap()[0]);
    assert_eq!(
        sent["params"]["quote_message_id"],
        "11111111-2222-4333-8444-555555555555"
    );
}

#[test]
fn sends_carry_the_client_message_id_and_replies_are_matched_by_request_id() {
    let mut c = codec();
    let mut env = Env::fixed(0);
    let frames = c.encode(&outgoing(7, "héllo"), &mut env).unwrap();
    let sent = sent_json(&frames[0]);
    assert_eq!(sent["action"], "CREATE_MESSAGE");
    assert_eq!(
        sent["params"]["message_id"],
        "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    );
    assert_eq!(sent["params"]["conversation_id"], CONV);
    assert_eq!(sent["params"]["category"], "PLAIN_TEXT");
    let data = URL_SAFE_NO_PAD
        .decode(sent["params"]["data_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(data, "héllo".as_bytes());
    // The same message again (a resend) keeps its message id under a new request id.
    let again = sent_json(&c.encode(&outgoing(7, "héllo"), &mut env).unwrap()[0]);
    assert_eq!(again["params"]["message_id"], sent["params"]["message_id"]);
    assert_ne!(again["id"], sent["id"]);
    // A reply for an unknown id is ignored; the right one settles the send.
    let stray = decode(&mut c, json!({"id": "nobody", "action": "CREATE_MESSAGE"}));
    assert!(matches!(&stray[..], [Inbound::Ignored(_)]));
    let ok = decode(
        &mut c,
        json!({"id": sent["id"], "action": "CREATE_MESSAGE", "data": {}}),
    );
    assert_eq!(
        ok,
        vec![Inbound::SendResult {
            local_id: 7,
            outcome: Ok(())
        }]
    );
    let refused = decode(
        &mut c,
        json!({"id": again["id"], "action": "CREATE_MESSAGE", "error": {"code": 403, "description": "Forbidden"}}),
    );
    assert!(
        matches!(&refused[..], [Inbound::SendResult { local_id: 7, outcome: Err(r) }] if r.permanent && r.reason.contains("403"))
    );
    let busy = sent_json(&c.encode(&outgoing(8, "later"), &mut Env::fixed(0)).unwrap()[0]);
    let limited = decode(
        &mut c,
        json!({"id": busy["id"], "action": "CREATE_MESSAGE", "error": {"code": 429, "description": "Too Many Requests"}}),
    );
    assert!(
        matches!(&limited[..], [Inbound::SendResult { local_id: 8, outcome: Err(r) }] if !r.permanent)
    );
}

#[test]
fn what_cannot_be_sent_is_refused_before_the_wire() {
    let mut c = codec();
    assert!(c.encode(&outgoing(1, "  "), &mut Env::fixed(0)).is_err());
    assert!(c
        .encode(
            &outgoing(1, &"x".repeat(MAX_TEXT_BYTES + 1)),
            &mut Env::fixed(0)
        )
        .is_err());
    let mut image = outgoing(1, "pic");
    image.kind = MessageKind::Image;
    assert!(c.encode(&image, &mut Env::fixed(0)).is_err());
    let mut bad_room = outgoing(1, "hi");
    bad_room.room = "not-a-conversation".into();
    assert!(c.encode(&bad_room, &mut Env::fixed(0)).is_err());
}

#[test]
fn an_acknowledgement_says_read() {
    let frames = codec().acknowledge("m-9", &mut Env::fixed(0));
    let sent = sent_json(&frames[0]);
    assert_eq!(sent["action"], "ACKNOWLEDGE_MESSAGE_RECEIPT");
    assert_eq!(
        sent["params"],
        json!({"message_id": "m-9", "status": "READ"})
    );
}

#[test]
fn malformed_frames_are_typed_errors() {
    let mut c = codec();
    assert!(c.decode(InFrame::Text("{}"), &mut Env::fixed(0)).is_err());
    assert!(
        c.decode(
            InFrame::Binary(b"{\"action\":\"CREATE_MESSAGE\"}"),
            &mut Env::fixed(0)
        )
        .is_err(),
        "not gzip"
    );
    let whole = gz(&json!({"action": "CREATE_MESSAGE", "data": {"message_id": "x"}}));
    assert!(
        c.decode(
            InFrame::Binary(&whole[..whole.len() / 2]),
            &mut Env::fixed(0)
        )
        .is_err(),
        "truncated"
    );
    assert!(matches!(
        c.decode(
            InFrame::Binary(&frame::deflate(b"[1,2]")),
            &mut Env::fixed(0)
        ),
        Err(CodecError::InvalidJson(_))
    ));
    assert!(
        c.decode(
            InFrame::Binary(&frame::deflate(&[0xff, 0xfe])),
            &mut Env::fixed(0)
        )
        .is_err(),
        "invalid UTF-8"
    );
    let no_id = gz(
        &json!({"action": "CREATE_MESSAGE", "data": {"conversation_id": CONV, "category": "PLAIN_TEXT"}}),
    );
    assert!(c
        .decode(InFrame::Binary(&no_id), &mut Env::fixed(0))
        .is_err());
    let not_base64 = gz(
        &json!({"action": "CREATE_MESSAGE", "data": {"message_id": "m", "category": "PLAIN_TEXT", "data": "***"}}),
    );
    // Not base64: an unreadable message that can still be stored and acknowledged (issue 25).
    let items = c
        .decode(InFrame::Binary(&not_base64), &mut Env::fixed(0))
        .unwrap();
    let [Inbound::Message(m)] = items.as_slice() else {
        panic!("expected one message, got {items:?}")
    };
    assert_eq!(m.service_id.as_deref(), Some("m"));
    assert_eq!(m.kind, MessageKind::Unsupported);
    assert!(m.text.starts_with("PLAIN_TEXT (unreadable"), "{}", m.text);
    // Unknown actions are ignored, not errors.
    assert!(matches!(
        &decode(&mut c, json!({"action": "CREATE_CALL", "data": {}}))[..],
        [Inbound::Ignored(_)]
    ));
}

#[test]
fn gzip_from_other_writers_inflates_and_a_damaged_one_is_refused() {
    use std::io::{Read, Write};
    let json = br#"{"action":"CREATE_MESSAGE","data":{"message_id":"m"}}"#;
    // Optional header fields (name, comment, extra) and other levels, as other gzip writers make.
    let mut named = flate2::GzBuilder::new()
        .filename("frame.json")
        .comment("from a test")
        .extra(vec![1, 2, 3])
        .write(Vec::new(), flate2::Compression::best());
    named.write_all(json).unwrap();
    let named = named.finish().unwrap();
    assert_eq!(frame::inflate(&named).unwrap(), json);
    // What Parley writes, any gzip reader reads.
    let mut read = Vec::new();
    flate2::read::GzDecoder::new(&frame::deflate(json)[..])
        .read_to_end(&mut read)
        .unwrap();
    assert_eq!(read, json);
    // A flipped bit in the checksum, or a cut trailer, is an error, not a wrong message.
    let mut damaged = frame::deflate(json);
    let at = damaged.len() - 6;
    damaged[at] ^= 1;
    assert!(frame::inflate(&damaged).is_err());
    let whole = frame::deflate(json);
    assert!(frame::inflate(&whole[..whole.len() - 3]).is_err());
    // The reused inflater starts clean after an error.
    assert_eq!(frame::inflate(&whole).unwrap(), json);
}

#[test]
fn a_gzip_bomb_is_refused_after_the_limit() {
    let bomb = frame::deflate(&vec![b' '; frame::MAX_INFLATED_BYTES + 1024]);
    assert!(
        bomb.len() < 64 * 1024,
        "the bomb is small on the wire: {} bytes",
        bomb.len()
    );
    let err = codec()
        .decode(InFrame::Binary(&bomb), &mut Env::fixed(0))
        .unwrap_err();
    assert!(err.to_string().contains("gzip bomb"), "{err}");
    let huge = vec![0u8; frame::MAX_COMPRESSED_BYTES + 1];
    assert!(matches!(
        codec().decode(InFrame::Binary(&huge), &mut Env::fixed(0)),
        Err(CodecError::TooLarge { .. })
    ));
}

fn render(category: &str, payload: Value) -> category::Rendered {
    category::render(category, payload.to_string().as_bytes())
}

#[test]
fn every_category_renders() {
    let thumb = STANDARD.encode([0x89, b'P', b'N', b'G']);
    let image = render(
        "PLAIN_IMAGE",
        json!({"attachment_id": "att-1", "mime_type": "image/jpeg",
        "width": 1024, "height": 768, "size": 5000, "thumbnail": thumb, "caption": "chart"}),
    );
    assert_eq!(image.kind, MessageKind::Image);
    let media = image.media.unwrap();
    assert_eq!(media.url, "mixin-attachment:att-1");
    assert_eq!(media.thumb_inline.as_deref(), Some(thumb.as_str()));
    assert_eq!(
        (media.width, media.height, media.size),
        (Some(1024), Some(768), Some(5000))
    );
    assert_eq!(image.text, "chart");

    let video = render(
        "PLAIN_VIDEO",
        json!({"attachment_id": "v", "mime_type": "video/mp4", "duration": 12000, "size": 1}),
    );
    assert_eq!(
        (video.kind, video.media.unwrap().duration_ms),
        (MessageKind::Video, Some(12000))
    );
    let audio = render(
        "PLAIN_AUDIO",
        json!({"attachment_id": "a", "mime_type": "audio/ogg", "duration": 3000, "waveform": "AAA"}),
    );
    assert_eq!(audio.kind, MessageKind::Audio);
    let file = render(
        "PLAIN_DATA",
        json!({"attachment_id": "d", "mime_type": "application/pdf", "size": 2048, "name": "statement.pdf"}),
    );
    assert_eq!(
        (file.kind, file.text.as_str()),
        (MessageKind::File, "statement.pdf")
    );
    assert_eq!(file.media.unwrap().mime.as_deref(), Some("application/pdf"));

    let sticker = render("PLAIN_STICKER", json!({"sticker_id": "s-1"}));
    assert_eq!(
        (sticker.kind, sticker.media.unwrap().url),
        (MessageKind::Sticker, "mixin-sticker:s-1".to_owned())
    );
    let old_sticker = render("PLAIN_STICKER", json!({"name": "hi", "album_id": "al"}));
    assert_eq!(
        (old_sticker.kind, old_sticker.text.as_str()),
        (MessageKind::Sticker, "hi")
    );
    assert_eq!(render("PLAIN_CONTACT", json!({"user_id": USER})).text, USER);

    let place = render(
        "PLAIN_LOCATION",
        json!({"longitude": 103.8, "latitude": 1.29, "name": "Marina", "address": "1 Bay Ave"}),
    );
    let card = place.card.unwrap();
    assert_eq!(
        (place.kind, card.title.as_str(), card.description.as_str()),
        (MessageKind::Location, "Marina", "1 Bay Ave")
    );
    assert!(card.buttons[0]
        .url
        .starts_with("https://www.openstreetmap.org/?mlat=1.29&mlon=103.8"));

    let app = render(
        "APP_CARD",
        json!({"app_id": "x", "title": "Deposit", "description": "Top up", "actions": [
        {"label": "Open", "color": "#0A84FF", "action": "https://example.com/deposit"},
        {"label": "Evil", "color": "red", "action": "javascript:alert(1)"},
        {"label": "Input", "action": "input:hello"}]}),
    );
    let card = app.card.unwrap();
    assert_eq!(
        (app.kind, card.title.as_str()),
        (MessageKind::Card, "Deposit")
    );
    assert_eq!(card.buttons.len(), 1, "only http(s) buttons survive");
    assert_eq!(card.buttons[0].color.as_deref(), Some("#0A84FF"));
    let group = render(
        "APP_BUTTON_GROUP",
        json!([{"label": "A", "color": "#000000", "action": "https://a.example"},
        {"label": "B", "color": "#FFFFFF", "action": "file:///etc/passwd"}]),
    );
    assert_eq!(group.card.unwrap().buttons.len(), 1);

    assert_eq!(
        render("MESSAGE_RECALL", json!({"message_id": "m"})).kind,
        MessageKind::System
    );
    let joined = render(
        "SYSTEM_CONVERSATION",
        json!({"action": "JOIN", "participant_id": USER}),
    );
    assert_eq!(
        (joined.kind, joined.text),
        (MessageKind::System, format!("{USER} joined"))
    );
    assert_eq!(
        render(
            "SYSTEM_ACCOUNT_SNAPSHOT",
            json!({"amount": "1.5", "asset_id": "x"})
        )
        .kind,
        MessageKind::System
    );

    let encrypted = category::render("ENCRYPTED_TEXT", &[1, 2, 3]);
    assert_eq!(encrypted.kind, MessageKind::Unsupported);
    assert!(encrypted.text.contains("ENCRYPTED_TEXT"));
    let unknown = render("PLAIN_HOLOGRAM", json!({}));
    assert_eq!(unknown.kind, MessageKind::Unsupported);
    assert!(unknown.text.contains("PLAIN_HOLOGRAM"));
    let broken = category::render("PLAIN_IMAGE", b"{not json");
    assert_eq!(broken.kind, MessageKind::Unsupported);
    assert_eq!(
        category::render("PLAIN_POST", b"# Title\n<b>x</b>").kind,
        MessageKind::Post
    );
}

/// What a file the bot sends says, per kind: a video its size, length and caption; a file its
/// name and no caption (the text then goes on its own: `Service::caption_rides_with`).
#[test]
fn outgoing_files_say_what_their_kind_carries() {
    let media = crate::message::Media {
        mime: Some("video/mp4".into()),
        size: Some(9_000),
        width: Some(1280),
        height: Some(720),
        duration_ms: Some(12_000),
        name: Some("clip.mp4".into()),
        ..crate::message::Media::default()
    };
    let (category, body) =
        category::outgoing_attachment(MessageKind::Video, &media, "att-9", "the trade");
    assert_eq!(category, "PLAIN_VIDEO");
    assert_eq!(
        (
            &body["width"],
            &body["height"],
            &body["duration"],
            &body["caption"]
        ),
        (
            &json!(1280),
            &json!(720),
            &json!(12_000),
            &json!("the trade")
        )
    );
    let (category, body) =
        category::outgoing_attachment(MessageKind::File, &media, "att-9", "the trade");
    assert_eq!(category, "PLAIN_DATA");
    assert_eq!(body["name"], "clip.mp4");
    assert!(body.get("caption").is_none());
}

/// A file whose kind carries no caption goes as two messages, the file then its text, under
/// ids a resend repeats; the outbox entry is answered once both replies are in, and refused if
/// either was.
#[test]
fn a_file_and_its_text_go_as_two_messages_answered_as_one() {
    let mut c = codec();
    let file = |local_id| Outgoing {
        kind: MessageKind::File,
        text: "receipt for order 42".into(),
        media: Some(crate::message::Media {
            attachment_id: Some("att-1".into()),
            name: Some("receipt.pdf".into()),
            ..crate::message::Media::default()
        }),
        ..outgoing(local_id, "")
    };
    let frames = c.encode(&file(7), &mut Env::fixed(0)).unwrap();
    let (first, second) = (sent_json(&frames[0]), sent_json(&frames[1]));
    assert_eq!(frames.len(), 2);
    assert_eq!(first["params"]["category"], "PLAIN_DATA");
    assert_eq!(second["params"]["category"], "PLAIN_TEXT");
    let text = URL_SAFE_NO_PAD
        .decode(second["params"]["data_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(text, b"receipt for order 42");
    assert_ne!(
        second["params"]["message_id"],
        first["params"]["message_id"]
    );
    // A resend names both messages as before: Mixin keeps one of each.
    let again = c.encode(&file(7), &mut Env::fixed(0)).unwrap();
    assert_eq!(
        sent_json(&again[1])["params"]["message_id"],
        second["params"]["message_id"]
    );

    let reply = |c: &mut MixinCodec, frame: &Value, error: Option<Value>| {
        let mut v = json!({"id": frame["id"], "action": "CREATE_MESSAGE", "data": {}});
        if let Some(e) = error {
            v["error"] = e;
        }
        decode(c, v)
    };
    let mut c = codec();
    let frames = c.encode(&file(7), &mut Env::fixed(0)).unwrap();
    let (first, second) = (sent_json(&frames[0]), sent_json(&frames[1]));
    assert!(matches!(
        &reply(&mut c, &first, None)[..],
        [Inbound::Ignored(_)]
    ));
    assert_eq!(
        reply(&mut c, &second, None),
        vec![Inbound::SendResult {
            local_id: 7,
            outcome: Ok(())
        }]
    );
    // The text refused after the file went: the entry is refused (Retry repeats both ids).
    let frames = c.encode(&file(8), &mut Env::fixed(0)).unwrap();
    let (first, second) = (sent_json(&frames[0]), sent_json(&frames[1]));
    let busy = json!({"code": 429, "description": "Too Many Requests"});
    assert!(matches!(
        &reply(&mut c, &first, None)[..],
        [Inbound::Ignored(_)]
    ));
    assert!(matches!(
        &reply(&mut c, &second, Some(busy.clone()))[..],
        [Inbound::SendResult { local_id: 8, outcome: Err(r) }] if !r.permanent
    ));
    // The file refused first: its refusal is what the entry gets, whatever the text's reply.
    let frames = c.encode(&file(9), &mut Env::fixed(0)).unwrap();
    let (first, second) = (sent_json(&frames[0]), sent_json(&frames[1]));
    let forbidden = json!({"code": 403, "description": "Forbidden"});
    assert!(matches!(
        &reply(&mut c, &first, Some(forbidden))[..],
        [Inbound::Ignored(_)]
    ));
    assert!(matches!(
        &reply(&mut c, &second, None)[..],
        [Inbound::SendResult { local_id: 9, outcome: Err(r) }] if r.permanent
    ));
    // A file without text, or with a blank one, is one message.
    let alone = Outgoing {
        text: " \n".into(),
        ..file(10)
    };
    assert_eq!(c.encode(&alone, &mut Env::fixed(0)).unwrap().len(), 1);
}

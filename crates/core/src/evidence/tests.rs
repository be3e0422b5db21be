//! The pack writer and verifier together: what a pack holds, that any changed byte of any
//! file is found, that missing, added and replaced files are named, and that the HTML
//! transcript stays inert whatever the room's messages say.

use super::*;
use crate::account_id::AccountId;
use crate::message::{Card, DeliveryState, LinkButton, Media, MessageKind, StoredMessage};
use crate::orders::{OrderDetails, OrderStatus, Side};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The smallest valid PNG (1×1).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

fn message(local_id: i64, own: bool, kind: MessageKind, text: &str) -> StoredMessage {
    StoredMessage {
        local_id,
        account: AccountId("mexc-1".into()),
        room: "1001".into(),
        service_id: Some(format!("{}", 900 + local_id)),
        sender_id: if own { "me".into() } else { "buyer_1".into() },
        sender_name: if own { None } else { Some("Buyer".into()) },
        own,
        kind,
        text: text.into(),
        media: None,
        card: None,
        sender_avatar: None,
        ts_ms: 1_800_000_000_000 + local_id * 1000,
        ts_raw: format!("2027-01-15 08:00:{local_id:02}"),
        state: DeliveryState::Sent,
        error: None,
        quote_id: None,
    }
}

fn order() -> OrderDetails {
    OrderDetails {
        order_no: "1138745987".into(),
        side: Side::Sell,
        coin: "USDT".into(),
        quantity: "1000".into(),
        price: "0.92".into(),
        fiat_total: "920".into(),
        fiat: "EUR".into(),
        payment_method: Some("SEPA".into()),
        counterparty: Some("Buyer".into()),
        status: OrderStatus::Appeal,
        status_raw: "APPEAL".into(),
        pay_deadline_ms: Some(1_800_000_900_000),
        appeal_from_ms: None,
        created_ms: Some(1_800_000_000_000),
        updated_ms: None,
    }
}

/// A room with text both ways, a received picture, a video that could not be fetched and a
/// card; the picture's "cached" copy is written into `cache`.
fn contents(cache: &Path) -> PackContents {
    let proof = cache.join("blob-proof");
    std::fs::write(&proof, PNG).unwrap();
    let mut picture = message(2, false, MessageKind::Image, "Payment screenshot");
    picture.media = Some(Media {
        name: Some("payment-proof.png".into()),
        ..Media::at("https://cdn.example/media/payment-proof.png")
    });
    let mut video = message(3, false, MessageKind::Video, "");
    video.media = Some(Media::at("https://cdn.example/v.mp4"));
    let mut card = message(4, false, MessageKind::Card, "");
    card.card = Some(Card {
        title: "Bank".into(),
        description: "Transfer details".into(),
        buttons: vec![LinkButton {
            label: "Open".into(),
            url: "https://bank.example/x".into(),
            color: None,
        }],
    });
    let mut pending = message(5, true, MessageKind::Text, "Checking my bank now");
    pending.service_id = None;
    pending.ts_raw = String::new();
    pending.state = DeliveryState::Pending;
    let mut media = BTreeMap::new();
    media.insert(
        2,
        MediaFile::Cached {
            path: proof,
            mime: "image/png".into(),
            extension: "png".into(),
        },
    );
    media.insert(3, MediaFile::Failed("the server answered HTTP 404".into()));
    PackContents {
        app_version: "0.1.0".into(),
        exported_at_ms: 1_800_000_600_000,
        account: PackAccount {
            id: "mexc-1".into(),
            name: "My desk".into(),
            service: "MEXC P2P order chat".into(),
        },
        room: PackRoom {
            id: "1001".into(),
            title: "Sell 1,000 USDT · Buyer".into(),
        },
        messages: vec![
            message(1, false, MessageKind::Text, "Hi! I paid 920 EUR."),
            picture,
            video,
            card,
            pending,
        ],
        media,
        order: Some(order()),
        order_note: None,
    }
}

fn files_of(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(files_of(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files.sort();
    files
}

fn relative(pack: &Path, file: &Path) -> String {
    file.strip_prefix(pack)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn a_pack_holds_transcripts_media_records_and_a_manifest_and_verifies() {
    let (cache, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let written = write_pack(out.path(), &contents(cache.path())).unwrap();
    let pack = &written.dir;
    let names: Vec<String> = files_of(pack).iter().map(|f| relative(pack, f)).collect();
    assert_eq!(
        names,
        [
            "MANIFEST.sha256",
            "media/2-payment-proof.png",
            "messages.json",
            "pack.json",
            "transcript.html",
            "transcript.txt"
        ]
    );
    assert_eq!(
        std::fs::read(pack.join("media/2-payment-proof.png")).unwrap(),
        PNG,
        "the media as received"
    );
    assert_eq!(
        (written.files, written.messages, written.media_saved),
        (4, 5, 1)
    );
    assert_eq!(
        written.media_failed,
        vec![(3, "the server answered HTTP 404".to_owned())]
    );
    assert!(
        !std::fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with('.')),
        "no hidden draft left behind"
    );

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("messages.json")).unwrap()).unwrap();
    let first = &json["messages"][0];
    assert_eq!(first["service_id"], "901");
    assert_eq!(first["local_id"], 1);
    assert_eq!(first["direction"], "in");
    assert_eq!(first["sender_name"], "Buyer");
    assert_eq!(first["server_time_raw"], "2027-01-15 08:00:01");
    assert_eq!(first["server_time_ms"], 1_800_000_001_000_i64);
    assert_eq!(first["server_time_utc"], "2027-01-15T08:00:01.000Z");
    assert_eq!(first["delivery_state"], "sent");
    assert_eq!(
        json["messages"][1]["media"]["file"],
        "media/2-payment-proof.png"
    );
    assert_eq!(json["messages"][1]["media"]["type_found"], "image/png");
    assert_eq!(
        json["messages"][2]["media"]["not_saved"],
        "the server answered HTTP 404"
    );
    assert_eq!(json["messages"][4]["direction"], "out");
    assert_eq!(json["messages"][4]["delivery_state"], "pending");
    assert_eq!(json["order"]["order_no"], "1138745987");
    assert_eq!(json["order"]["status"], "appeal");

    let verdict = verify_pack(pack).unwrap();
    assert!(verdict.intact(), "{:?}", verdict.problems);
    assert_eq!(verdict.files_checked, 4);
    assert_eq!(
        verdict.fingerprint.as_deref(),
        Some(written.fingerprint.as_str())
    );
    assert_eq!(verdict.room.as_deref(), Some("Sell 1,000 USDT · Buyer"));

    let text = std::fs::read_to_string(pack.join("transcript.txt")).unwrap();
    assert!(text.contains("Order number: 1138745987"), "{text}");
    assert!(text.contains(
        "video: NOT SAVED: the server answered HTTP 404; address https://cdn.example/v.mp4"
    ));
    assert!(text.contains("| Hi! I paid 920 EUR."));
    assert!(text.contains("server time as sent \"2027-01-15 08:00:01\""));
}

#[test]
fn changing_any_byte_of_any_file_is_found_and_named() {
    let (cache, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pack = write_pack(out.path(), &contents(cache.path())).unwrap().dir;
    for file in files_of(&pack) {
        let name = relative(&pack, &file);
        let original = std::fs::read(&file).unwrap();
        for at in 0..original.len() {
            let mut tampered = original.clone();
            tampered[at] ^= 0x20;
            std::fs::write(&file, &tampered).unwrap();
            let problems = verify_pack(&pack).unwrap().problems;
            let named = problems.iter().any(|p| match p {
                Problem::Changed(changed) => changed == &name,
                Problem::ManifestChanged | Problem::ManifestUnreadable(_) => name == MANIFEST,
                Problem::PackInfoBroken(_) => name == PACK_INFO,
                _ => false,
            });
            assert!(named, "byte {at} of {name} changed: {problems:?}");
        }
        std::fs::write(&file, &original).unwrap();
    }
    assert!(verify_pack(&pack).unwrap().intact());
}

#[test]
fn missing_added_and_replaced_files_are_named() {
    let (cache, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pack = write_pack(out.path(), &contents(cache.path())).unwrap().dir;
    std::fs::remove_file(pack.join("media/2-payment-proof.png")).unwrap();
    std::fs::write(pack.join("notes.txt"), "mine").unwrap();
    std::fs::write(pack.join("media/extra.png"), PNG).unwrap();
    std::fs::remove_file(pack.join("transcript.txt")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", pack.join("transcript.txt")).unwrap();
    let mut problems = verify_pack(&pack).unwrap().problems;
    problems.sort_by_key(|p| p.to_string());
    let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        said,
        [
            "added: media/extra.png",
            "added: notes.txt",
            "missing: media/2-payment-proof.png",
            "not a plain file: transcript.txt",
        ]
    );

    std::fs::remove_file(pack.join(PACK_INFO)).unwrap();
    let problems = verify_pack(&pack).unwrap().problems;
    assert!(problems.contains(&Problem::Missing(PACK_INFO.into())));
    assert!(
        problems.contains(&Problem::Added("notes.txt".into())),
        "the rest is still checked"
    );
    assert!(verify_pack(&pack.join("nowhere")).is_err());
}

#[test]
fn a_pack_that_cannot_be_written_leaves_nothing_behind() {
    let (cache, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let blocked = out.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    assert!(write_pack(&blocked, &contents(cache.path())).is_err());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
    // A cached copy gone since is that message's failure, not the pack's.
    let mut gone = contents(cache.path());
    std::fs::remove_file(cache.path().join("blob-proof")).unwrap();
    gone.messages.truncate(2);
    let written = write_pack(out.path(), &gone).unwrap();
    assert_eq!(written.media_failed.len(), 2);
    assert!(written.media_failed[0]
        .1
        .starts_with("the downloaded copy cannot be read"));
    assert!(verify_pack(&written.dir).unwrap().intact());
}

/// Markup, script, remote loads and look-alikes a counterparty (or a server) might send.
const HOSTILE: [&str; 12] = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "'><iframe src=https://evil.example/></iframe>",
    "</li></ol><meta http-equiv=refresh content=\"0;url=https://evil.example\">",
    "<base href=https://evil.example/>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<style>body{background:url(https://evil.example/t.png)}</style>",
    "javascript:alert(document.cookie)",
    "<!-- unclosed comment",
    "&lt;already escaped&gt; &amp;",
    "\u{202e}gnp.exe \u{1b}[2J",
];

/// Tags the transcript may contain, and the attributes each may carry.
const ALLOWED: [(&str, &[&str]); 21] = [
    ("!doctype", &["html"]),
    ("html", &["lang"]),
    ("head", &[]),
    ("meta", &["charset", "http-equiv", "content", "name"]),
    ("title", &[]),
    ("style", &[]),
    ("body", &[]),
    ("h1", &[]),
    ("dl", &["class"]),
    ("dt", &[]),
    ("dd", &[]),
    ("p", &["class"]),
    ("code", &[]),
    ("ol", &["class"]),
    ("li", &["class", "id"]),
    ("time", &["datetime"]),
    ("div", &["class"]),
    ("figure", &[]),
    ("img", &["alt", "src"]),
    ("figcaption", &["class"]),
    ("a", &["href"]),
];

/// Every tag of `html` as (name, [(attribute, value)]). Sound because the transcript escapes
/// every `<`, `>` and quote of the room's text: any `<` left is the writer's own.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag closes") + start;
        let inside = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if inside.starts_with('/') {
            continue;
        }
        let (name, mut attrs_text) = inside.split_once(' ').unwrap_or((inside, ""));
        let mut attrs = Vec::new();
        while let Some(eq) = attrs_text.find('=') {
            let attr = attrs_text[..eq].trim().to_owned();
            let after = &attrs_text[eq + 1..];
            assert!(after.starts_with('"'), "unquoted attribute in <{inside}>");
            let close = after[1..].find('"').expect("quoted") + 1;
            attrs.push((attr, after[1..close].to_owned()));
            attrs_text = &after[close + 1..];
        }
        let bare = attrs_text.trim();
        if !bare.is_empty() {
            attrs.push((bare.to_owned(), String::new()));
        }
        found.push((name.to_ascii_lowercase(), attrs));
    }
    found
}

#[test]
fn the_html_transcript_has_no_script_no_remote_load_and_shows_hostile_text_as_text() {
    let (cache, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut hostile = contents(cache.path());
    let payload = HOSTILE.join(" ");
    hostile.room.title = payload.clone();
    hostile.account.name = payload.clone();
    let mut order = order();
    order.counterparty = Some(payload.clone());
    order.payment_method = Some(payload.clone());
    order.status_raw = payload.clone();
    hostile.order = Some(order);
    for m in &mut hostile.messages {
        m.text = payload.clone();
        m.sender_name = Some(payload.clone());
        m.sender_id = payload.clone();
        m.service_id = Some(payload.clone());
        m.ts_raw = payload.clone();
        m.error = Some(payload.clone());
        if let Some(media) = &mut m.media {
            media.url = format!("https://evil.example/{payload}");
            media.name = Some(payload.clone());
        }
        if let Some(card) = &mut m.card {
            card.title = payload.clone();
            card.buttons[0].url = "javascript:alert(1)".into();
            card.buttons[0].label = payload.clone();
        }
    }
    let pack = write_pack(out.path(), &hostile).unwrap().dir;
    let html = std::fs::read_to_string(pack.join("transcript.html")).unwrap();
    for (tag, attrs) in tags(&html) {
        let allowed = ALLOWED
            .iter()
            .find(|(name, _)| *name == tag)
            .unwrap_or_else(|| panic!("<{tag}> in the transcript"));
        for (attr, value) in &attrs {
            assert!(allowed.1.contains(&attr.as_str()), "<{tag} {attr}>");
            match attr.as_str() {
                "src" => assert!(value.starts_with("data:image/png;base64,"), "src={value}"),
                "href" => assert!(
                    value.starts_with("media/") && !value.contains(".."),
                    "href={value}"
                ),
                "http-equiv" => assert_eq!(value, "Content-Security-Policy"),
                _ => {}
            }
        }
    }
    assert!(
        html.contains("content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\"")
    );
    for payload in HOSTILE {
        let shown = html::escape(&visible::visible(payload));
        assert!(html.contains(&shown), "{payload} shown as text");
    }
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}'));
    let text = std::fs::read_to_string(pack.join("transcript.txt")).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "nothing for a terminal to obey"
    );
    assert!(verify_pack(&pack).unwrap().intact());
}

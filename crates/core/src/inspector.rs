//! The frame inspector: per connection, the last frames in both directions (time, direction,
//! opcode, size, and the frame decoded — Mixin's gzip inflated — with secrets redacted), for
//! the UI's inspector panel and for users to attach to a protocol bug report as NDJSON.
//! Bounded: a ring of [`KEEP_PER_CONNECTION`] frames per connection, bodies cut at
//! [`MAX_SHOWN_BYTES`].

use crate::account::AccountId;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const KEEP_PER_CONNECTION: usize = 500;
/// A frame's shown body is cut here (the size field keeps the real size).
pub const MAX_SHOWN_BYTES: usize = 16 * 1024;
const REDACTED: &str = "[redacted]";

/// Keys whose values are secrets wherever they appear (compared without case, `_` or `-`).
const SECRET_KEYS: &[&str] = &[
    "token",
    "accesstoken",
    "listenkey",
    "apikey",
    "apisecret",
    "secret",
    "password",
    "authorization",
    "signature",
    "privatekey",
    "sessionprivatekey",
    "spendprivatekey",
    "pin",
    "pintoken",
    "jwt",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameRecord {
    pub at_ms: i64,
    pub account: AccountId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub direction: Direction,
    /// text, binary, ping, pong, close, or connect (the upgrade request).
    pub opcode: &'static str,
    /// Bytes on the wire.
    pub size: usize,
    /// The frame decoded and redacted (JSON where it is JSON), cut at [`MAX_SHOWN_BYTES`].
    pub body: String,
}

/// A connection: its account and, for services with a socket per room, the room.
type ConnectionKey = (AccountId, Option<String>);

/// A frame in the ring. A received frame is kept as it came (a copy, at most
/// [`MAX_SHOWN_BYTES`]) and described only when someone reads the inspector: decoding,
/// redacting and re-encoding every frame as it arrives cost as much as the codec itself.
struct Kept {
    record: FrameRecord,
    received: Option<Box<[u8]>>,
}

impl Kept {
    fn shown(&self) -> FrameRecord {
        let mut record = self.record.clone();
        if let Some(bytes) = &self.received {
            record.body = describe(bytes);
        }
        record
    }
}

#[derive(Clone, Default)]
pub struct Inspector(Arc<Mutex<HashMap<ConnectionKey, VecDeque<Kept>>>>);

impl std::fmt::Debug for Inspector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Inspector")
    }
}

impl Inspector {
    /// Records a frame whose body is already described and redacted.
    pub fn record(&self, record: FrameRecord) {
        self.keep(Kept {
            record,
            received: None,
        });
    }

    /// Records a received frame with its bytes, described when the inspector is read (bodies
    /// over [`MAX_SHOWN_BYTES`] are described now, so the ring never holds more than that).
    pub fn record_received(&self, mut record: FrameRecord, bytes: &[u8]) {
        let received = if bytes.len() <= MAX_SHOWN_BYTES {
            Some(bytes.into())
        } else {
            record.body = describe(bytes);
            None
        };
        self.keep(Kept { record, received });
    }

    fn keep(&self, kept: Kept) {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let ring = all
            .entry((kept.record.account.clone(), kept.record.room.clone()))
            .or_default();
        if ring.len() == KEEP_PER_CONNECTION {
            ring.pop_front();
        }
        ring.push_back(kept);
    }

    /// Every kept frame (of one account when given), oldest first, described and redacted.
    pub fn frames(&self, account: Option<&AccountId>) -> Vec<FrameRecord> {
        let all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut frames: Vec<FrameRecord> = all
            .iter()
            .filter(|((a, _), _)| account.is_none_or(|want| a == want))
            .flat_map(|(_, ring)| ring.iter().map(Kept::shown))
            .collect();
        frames.sort_by_key(|f| f.at_ms);
        frames
    }

    /// The frames as NDJSON, one record per line (what a bug report attaches).
    pub fn export_ndjson(&self, account: Option<&AccountId>) -> String {
        self.frames(account)
            .iter()
            .filter_map(|f| serde_json::to_string(f).ok())
            .map(|line| line + "\n")
            .collect()
    }

    /// Forgets an account's frames (it was removed).
    pub fn forget(&self, account: &AccountId) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(a, _), _| a != account);
    }
}

fn is_secret_key(key: &str) -> bool {
    let plain: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    SECRET_KEYS.contains(&plain.as_str())
}

/// Replaces the value of every secret-named key, at any depth.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && !v.is_null() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// A URL with the values of secret-named query parameters (e.g. `listenKey`) redacted.
pub fn redact_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_secret_key(&k) {
                    REDACTED.into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

/// How a frame is shown: JSON redacted, gzip inflated first, other bytes as a hex preview.
pub fn describe(bytes: &[u8]) -> String {
    let inflated = if bytes.starts_with(&[0x1f, 0x8b]) {
        crate::services::mixin::codec::frame::inflate(bytes).ok()
    } else {
        None
    };
    let content = inflated.as_deref().unwrap_or(bytes);
    let shown = match serde_json::from_slice::<Value>(content) {
        Ok(mut json) => {
            redact_json(&mut json);
            json.to_string()
        }
        Err(_) => match std::str::from_utf8(content) {
            // Text that is not JSON may still carry a secret; show its size only.
            Ok(_) => format!("(text that is not JSON, {} bytes)", content.len()),
            Err(_) => format!(
                "(binary, {} bytes: {}{})",
                content.len(),
                hex::encode(&content[..content.len().min(32)]),
                if content.len() > 32 { "…" } else { "" }
            ),
        },
    };
    cut(shown)
}

fn cut(mut text: String) -> String {
    if text.len() > MAX_SHOWN_BYTES {
        let mut end = MAX_SHOWN_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_at_any_depth_and_in_urls() {
        let mut v = json!({"type": "auth", "token": "eyJ.abc", "data": {"apiKey": "k", "list": [{"session_private_key": "00"}], "text": "hello"}});
        redact_json(&mut v);
        assert_eq!(v["token"], REDACTED);
        assert_eq!(v["data"]["apiKey"], REDACTED);
        assert_eq!(v["data"]["list"][0]["session_private_key"], REDACTED);
        assert_eq!(v["data"]["text"], "hello");
        let url =
            url::Url::parse("wss://wbs.example/ws?listenKey=SECRETKEY&conversationId=5").unwrap();
        let shown = redact_url(&url);
        assert!(
            !shown.contains("SECRETKEY") && shown.contains("conversationId=5"),
            "{shown}"
        );
    }

    #[test]
    fn gzip_frames_are_shown_inflated_and_other_bytes_as_a_preview() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(br#"{"action":"LIST_PENDING_MESSAGES","token":"x"}"#)
            .unwrap();
        let shown = describe(&e.finish().unwrap());
        assert!(shown.contains("LIST_PENDING_MESSAGES") && shown.contains(REDACTED));
        assert!(describe(&[0xff, 1, 2]).starts_with("(binary, 3 bytes: ff0102"));
        assert!(describe(b"PONG token=abc").starts_with("(text that is not JSON"));
        assert!(
            describe(format!("\"{}\"", "x".repeat(100_000)).as_bytes()).len()
                <= MAX_SHOWN_BYTES + 3
        );
    }

    #[test]
    fn received_frames_are_shown_decoded_and_redacted_whenever_they_are_read() {
        let inspector = Inspector::default();
        let record = FrameRecord {
            at_ms: 1,
            account: AccountId("a".into()),
            room: None,
            direction: Direction::In,
            opcode: "text",
            size: 0,
            body: String::new(),
        };
        inspector.record_received(record.clone(), br#"{"token":"SECRET","text":"hi"}"#);
        let big = format!(
            r#"{{"token":"SECRET","text":"{}"}}"#,
            "x".repeat(MAX_SHOWN_BYTES)
        );
        inspector.record_received(record, big.as_bytes());
        let frames = inspector.frames(None);
        assert_eq!(
            frames[0].body,
            format!(r#"{{"text":"hi","token":"{REDACTED}"}}"#)
        );
        assert!(frames[1].body.len() <= MAX_SHOWN_BYTES + 3 && !frames[1].body.contains("SECRET"));
        assert!(!inspector.export_ndjson(None).contains("SECRET"));
    }

    #[test]
    fn the_ring_is_bounded_per_connection_and_exports_ndjson() {
        let inspector = Inspector::default();
        let record = |n: i64, account: &str| FrameRecord {
            at_ms: n,
            account: AccountId(account.into()),
            room: None,
            direction: Direction::In,
            opcode: "text",
            size: 2,
            body: "{}".into(),
        };
        for n in 0..(KEEP_PER_CONNECTION as i64 + 10) {
            inspector.record(record(n, "a"));
        }
        inspector.record(record(1_000_000, "b"));
        let a = AccountId("a".into());
        assert_eq!(inspector.frames(Some(&a)).len(), KEEP_PER_CONNECTION);
        assert_eq!(
            inspector.frames(Some(&a))[0].at_ms,
            10,
            "the oldest fell off"
        );
        assert_eq!(inspector.frames(None).len(), KEEP_PER_CONNECTION + 1);
        let ndjson = inspector.export_ndjson(Some(&AccountId("b".into())));
        assert_eq!(ndjson.lines().count(), 1);
        assert!(ndjson.contains("\"direction\":\"in\""));
        inspector.forget(&a);
        assert_eq!(inspector.frames(None).len(), 1);
    }
}

//! The frame inspector: per connection, the last frames in both directions (time, direction,
//! opcode, size, and the frame decoded — Mixin's gzip inflated — with secrets redacted), for
//! the UI's inspector panel and for users to attach to a protocol bug report as NDJSON.
//! Bounded: a ring of [`KEEP_PER_CONNECTION`] frames per connection, bodies cut at
//! [`MAX_SHOWN_BYTES`].
//!
//! Recording is cheap because every connection records every frame under one lock: a received
//! frame is kept as bytes and described (inflated, parsed, redacted) only when someone reads
//! the inspector, outside the lock, and only the frames the reader has not seen yet
//! ([`Inspector::frames_after`]). Describing one frame is bounded work: at most
//! [`MAX_DESCRIBED_BYTES`] are inflated or parsed, larger frames are shown by size.

use crate::account::AccountId;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const KEEP_PER_CONNECTION: usize = 500;
/// A frame's shown body is cut here (the size field keeps the real size).
pub const MAX_SHOWN_BYTES: usize = 16 * 1024;
/// The most of one frame that is inflated or parsed to describe it: a larger frame (a 16 KiB
/// gzip frame may inflate to 16 MiB) is shown by its size, so no read of the inspector costs
/// more than this per frame.
pub const MAX_DESCRIBED_BYTES: usize = 1024 * 1024;
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
    /// The order frames were recorded in, across all connections; a reader passes the last
    /// one it has to [`Inspector::frames_after`] to get only newer frames.
    pub seq: u64,
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

/// A frame in the ring. A received frame is kept as it came (shared, so a reader copies it
/// out of the lock for free) and described only when someone reads the inspector: decoding,
/// redacting and re-encoding every frame as it arrives cost as much as the codec itself. A
/// sent frame is described at once: it may carry a secret (Realtime's auth frame), which must
/// not stay in memory in the clear.
#[derive(Clone)]
struct Kept {
    record: FrameRecord,
    received: Option<Arc<[u8]>>,
}

impl Kept {
    fn shown(self) -> FrameRecord {
        let mut record = self.record;
        if let Some(bytes) = &self.received {
            record.body = describe(bytes);
        }
        record
    }
}

#[derive(Default)]
struct Rings {
    by_connection: HashMap<ConnectionKey, VecDeque<Kept>>,
    next_seq: u64,
}

#[derive(Clone, Default)]
pub struct Inspector(Arc<Mutex<Rings>>);

impl std::fmt::Debug for Inspector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Inspector")
    }
}

impl Inspector {
    /// Records a frame whose body is already described and redacted.
    pub fn record(&self, record: FrameRecord) {
        self.keep(record, None);
    }

    /// Records a received frame with its bytes, described when the inspector is read. A frame
    /// over [`MAX_DESCRIBED_BYTES`] is recorded by its size alone, so the ring never holds
    /// more than that per frame and recording costs one copy at most.
    pub fn record_received(&self, mut record: FrameRecord, bytes: &[u8]) {
        if bytes.len() > MAX_DESCRIBED_BYTES {
            record.body = too_large(bytes.len());
            self.keep(record, None);
        } else {
            self.keep(record, Some(bytes.into()));
        }
    }

    fn keep(&self, mut record: FrameRecord, received: Option<Arc<[u8]>>) {
        let mut rings = self.0.lock().unwrap_or_else(|p| p.into_inner());
        record.seq = rings.next_seq;
        rings.next_seq += 1;
        let ring = rings
            .by_connection
            .entry((record.account.clone(), record.room.clone()))
            .or_default();
        if ring.len() == KEEP_PER_CONNECTION {
            ring.pop_front();
        }
        ring.push_back(Kept { record, received });
    }

    /// Every kept frame (of one account when given), oldest first, described and redacted.
    pub fn frames(&self, account: Option<&AccountId>) -> Vec<FrameRecord> {
        self.frames_after(account, None, usize::MAX)
    }

    /// The kept frames recorded after `after` (a [`FrameRecord::seq`]; all when `None`), of one
    /// account when given, oldest first, at most the newest `limit`. Only these are described,
    /// after the lock is released: recording never waits for a reader's decoding.
    pub fn frames_after(
        &self,
        account: Option<&AccountId>,
        after: Option<u64>,
        limit: usize,
    ) -> Vec<FrameRecord> {
        let mut chosen: Vec<Kept> = {
            let rings = self.0.lock().unwrap_or_else(|p| p.into_inner());
            rings
                .by_connection
                .iter()
                .filter(|((a, _), _)| account.is_none_or(|want| a == want))
                .flat_map(|(_, ring)| {
                    let newer = ring.partition_point(|k| after.is_some_and(|s| k.record.seq <= s));
                    ring.range(newer..).cloned()
                })
                .collect()
        };
        chosen.sort_unstable_by_key(|k| k.record.seq);
        let excess = chosen.len().saturating_sub(limit);
        chosen.drain(..excess);
        chosen.into_iter().map(Kept::shown).collect()
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
            .by_connection
            .retain(|(a, _), _| a != account);
    }
}

fn too_large(size: usize) -> String {
    format!(
        "({size} bytes; frames over {} KiB are shown by their size only)",
        MAX_DESCRIBED_BYTES / 1024
    )
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
    if bytes.len() > MAX_DESCRIBED_BYTES {
        return too_large(bytes.len());
    }
    let inflated = if bytes.starts_with(&[0x1f, 0x8b]) {
        match crate::services::mixin::codec::frame::inflate_at_most(bytes, MAX_DESCRIBED_BYTES) {
            Ok(inflated) => Some(inflated),
            Err(crate::codec::CodecError::InflatesTooFar { .. }) => {
                return format!(
                    "(gzip, {} bytes, inflating to over {} KiB: shown by its size only)",
                    bytes.len(),
                    MAX_DESCRIBED_BYTES / 1024
                );
            }
            Err(_) => None,
        }
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
            seq: 0,
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
            seq: 0,
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

    fn received(inspector: &Inspector, account: &str, bytes: &[u8]) {
        let record = FrameRecord {
            seq: 0,
            at_ms: 1,
            account: AccountId(account.into()),
            room: None,
            direction: Direction::In,
            opcode: "binary",
            size: bytes.len(),
            body: String::new(),
        };
        inspector.record_received(record, bytes);
    }

    #[test]
    fn a_reader_gets_only_the_frames_recorded_since_its_last_read_in_order() {
        let inspector = Inspector::default();
        for n in 0..3 {
            received(
                &inspector,
                if n == 1 { "b" } else { "a" },
                format!("{{\"n\":{n}}}").as_bytes(),
            );
        }
        let first = inspector.frames_after(None, None, 1000);
        let bodies: Vec<&str> = first.iter().map(|f| f.body.as_str()).collect();
        assert_eq!(bodies, [r#"{"n":0}"#, r#"{"n":1}"#, r#"{"n":2}"#]);
        received(&inspector, "b", br#"{"n":3}"#);
        let last_seen = first.last().map(|f| f.seq);
        let newer = inspector.frames_after(None, last_seen, 1000);
        assert_eq!(
            newer.len(),
            1,
            "only the frame recorded since the last read"
        );
        assert_eq!(newer[0].body, r#"{"n":3}"#);
        assert!(inspector
            .frames_after(None, Some(newer[0].seq), 1000)
            .is_empty());
        let a = AccountId("a".into());
        assert_eq!(inspector.frames_after(Some(&a), last_seen, 1000).len(), 0);
        let newest = inspector.frames_after(None, None, 2);
        assert_eq!(newest[0].body, r#"{"n":2}"#, "a limit keeps the newest");
    }

    #[test]
    fn describing_a_frame_is_bounded_however_far_it_inflates() {
        // 16 MiB of JSON spaces inflate from about 16 KiB: shown by size, not inflated whole.
        let mut json = vec![b' '; 16 * 1024 * 1024];
        json[0] = b'[';
        *json.last_mut().unwrap() = b']';
        let bomb = crate::services::mixin::codec::frame::deflate(&json);
        assert!(bomb.len() < MAX_SHOWN_BYTES, "{}", bomb.len());
        let shown = describe(&bomb);
        assert!(shown.contains("inflating to over 1024 KiB"), "{shown}");
        let huge = vec![b'x'; MAX_DESCRIBED_BYTES + 1];
        let inspector = Inspector::default();
        received(&inspector, "a", &huge);
        assert!(inspector.frames(None)[0]
            .body
            .contains("shown by their size only"));
    }
}

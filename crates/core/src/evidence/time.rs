//! Times as a pack writes them: ISO 8601 in UTC with milliseconds, readable by people and
//! programs alike.

/// `2026-12-05T03:20:01.123Z`; the bare number when it is not a representable time.
pub(super) fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// `2026-12-05 03:20:01 UTC`, for the transcripts.
pub(super) fn readable(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

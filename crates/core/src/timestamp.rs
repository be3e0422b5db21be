//! Wire timestamps. Services send times in different shapes; each codec says which one it
//! expects, and we always keep the original string beside the parsed value.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Parses an ISO-8601 time with or without a zone. A time without a zone is taken as UTC
/// (mockly's naive `datetime.isoformat()`, PROTOCOLS.md §3.1). `None` if it is not a time.
pub fn parse_iso_ms(raw: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.timestamp_millis());
    }
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_microseconds_are_utc() {
        assert_eq!(
            parse_iso_ms("2023-07-25T14:32:15.123456"),
            Some(1_690_295_535_123)
        );
    }

    #[test]
    fn zoned_times_are_converted() {
        assert_eq!(
            parse_iso_ms("2023-07-25T16:32:15.123+02:00"),
            Some(1_690_295_535_123)
        );
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse_iso_ms("yesterday"), None);
    }
}

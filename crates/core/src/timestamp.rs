//! Wire timestamps. Services send times in different shapes; each codec says which one it
//! expects, and we always keep the original string beside the parsed value.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Parses an ISO-8601 time with or without a zone. A time without a zone is taken as UTC
/// (mockly's naive `datetime.isoformat()`, PROTOCOLS.md §3.1). `None` if it is not a time.
pub(crate) fn parse_iso_ms(raw: &str) -> Option<i64> {
    // The shapes services send (naive, or UTC with `Z`) are read directly: chrono's
    // format-string parsers were a tenth of the time to decode a frame.
    if let Some((naive, zone)) = naive_prefix(raw, b"Tt ") {
        if zone.is_empty() || zone.eq_ignore_ascii_case("z") {
            return Some(naive.and_utc().timestamp_millis());
        }
    }
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Reads `YYYY-MM-DD?HH:MM:SS[.fraction]` at the start of `raw`, `?` being one of `separators`;
/// returns the time and what follows it (a zone, or nothing).
pub(crate) fn naive_prefix<'a>(
    raw: &'a str,
    separators: &[u8],
) -> Option<(NaiveDateTime, &'a str)> {
    let b = raw.as_bytes();
    let layout_ok = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && separators.contains(&b[10])
        && b[13] == b':'
        && b[16] == b':';
    if !layout_ok {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?;
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let mut rest = &raw[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = number(20, 20 + digits)? * 10u32.pow(9 - digits as u32);
        rest = &fraction[digits..];
    }
    Some((date.and_hms_nano_opt(hour, minute, second, nanos)?, rest))
}

/// Now, in milliseconds since the epoch.
pub(crate) fn now_ms() -> i64 {
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
        for raw in [
            "yesterday",
            "2023-07-25",
            "2023-13-25T14:32:15",
            "2023-07-25T25:32:15Z",
            "2023-07-25T14:32:15.",
            "2023-07-25T14:32:15+02",
            "2023-07-25X14:32:15",
            "2023-07-25T14:32:15Zulu",
        ] {
            assert_eq!(parse_iso_ms(raw), None, "{raw}");
        }
    }

    #[test]
    fn every_shape_the_services_send_is_read_to_the_millisecond() {
        let at = 1_690_295_535_123;
        for raw in [
            "2023-07-25T14:32:15.123",
            "2023-07-25T14:32:15.123Z",
            "2023-07-25T14:32:15.123456789Z",
            "2023-07-25 14:32:15.123z",
            "2023-07-25T17:32:15.123+03:00",
            "2023-07-25T14:02:15.123-00:30",
        ] {
            assert_eq!(parse_iso_ms(raw), Some(at), "{raw}");
        }
        assert_eq!(parse_iso_ms("2023-07-25T14:32:15"), Some(at - 123));
    }
}

//! Timestamps as the simulated services print them.

/// mockly's naive ISO time with microseconds and no zone (Python `datetime.isoformat()`).
pub fn naive_iso_micros() -> String {
    chrono::Utc::now()
        .naive_utc()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

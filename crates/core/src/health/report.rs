//! What a connection tells the health board beside the events the page sees: acknowledgements
//! and how long they took, what still waits for one, and how far the server's clock is from
//! this machine's. Counted by [`super::HealthBook`]; never sent to the page as such.

use serde::{Deserialize, Serialize};

/// Beyond this difference between the server's clock and the machine's, the board warns:
/// signed tokens (Mixin's JWT, MEXC's timestamps) are refused when the clocks disagree.
pub const CLOCK_SKEW_WARN_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HealthReport {
    /// `count` stored messages were acknowledged to the service, `latency_ms` after they were
    /// stored.
    Acknowledged { count: u32, latency_ms: u64 },
    /// Stored messages wait for their acknowledgement since `since_ms` (`None`: none waits).
    Unacknowledged { since_ms: Option<i64> },
    /// The server's clock (its HTTP `Date` when the socket was dialed) minus the machine's.
    ClockSkew { skew_ms: i64 },
}

/// The warning for a clock `skew_ms` off the server's, when it is worth one.
pub fn clock_warning(skew_ms: i64) -> Option<String> {
    if skew_ms.abs() <= CLOCK_SKEW_WARN_MS {
        return None;
    }
    let minutes = (skew_ms.abs() + 30_000) / 60_000;
    let way = if skew_ms > 0 { "behind" } else { "ahead of" };
    Some(format!(
        "this computer's clock is {minutes} min {way} the server's; signed requests are refused \
         until it is set right (turn on automatic time)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_a_minute_off_is_fine_more_is_named_with_its_direction() {
        assert_eq!(clock_warning(59_000), None);
        assert_eq!(clock_warning(-60_000), None);
        let behind = clock_warning(7 * 60_000 + 10_000).unwrap();
        assert!(
            behind.starts_with("this computer's clock is 7 min behind"),
            "{behind}"
        );
        let ahead = clock_warning(-3 * 60 * 60_000).unwrap();
        assert!(ahead.contains("180 min ahead of the server's"), "{ahead}");
    }
}

//! Reconnect delays: exponential from `base` up to `max`, with jitter so that many clients
//! dropped at once do not come back at once.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    /// About 1 s up to 30 s (DESIGN.md, connection lifecycle).
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The ceiling for attempt `n` (1-based): `min(base · 2^(n-1), max)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The delay for attempt `n`: uniformly between half the ceiling and the ceiling
    /// ("equal jitter"), so it never collapses to zero yet still spreads clients out.
    /// `unit` is a random number in [0, 1).
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let ceiling = self.ceiling(attempt);
        ceiling / 2 + ceiling.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps_at_thirty_seconds() {
        let b = Backoff::default();
        let secs: Vec<u64> = (1..=7).map(|n| b.ceiling(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(b.ceiling(10_000), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_between_half_and_full_ceiling() {
        let b = Backoff::default();
        assert_eq!(b.delay(3, 0.0), Duration::from_secs(2));
        assert_eq!(b.delay(3, 1.0), Duration::from_secs(4));
        let mid = b.delay(3, 0.5);
        assert!(mid > Duration::from_secs(2) && mid < Duration::from_secs(4));
    }
}

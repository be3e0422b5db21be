//! A sliding-window rate limit on the client side: a connection sends at most the service's
//! documented rate (Realtime: 100 messages a minute) and keeps the rest queued, so the server
//! never has to refuse them.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub(crate) struct RateLimit {
    max: usize,
    window: Duration,
    recent: VecDeque<Instant>,
}

impl RateLimit {
    pub(crate) fn new(max: usize, window: Duration) -> Self {
        RateLimit {
            max: max.max(1),
            window,
            recent: VecDeque::new(),
        }
    }

    /// Counts one event at `now` if the window has room; otherwise says how long until it has.
    pub(crate) fn try_acquire(&mut self, now: Instant) -> Result<(), Duration> {
        while self
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            self.recent.pop_front();
        }
        if self.recent.len() < self.max {
            self.recent.push_back(now);
            return Ok(());
        }
        let oldest = self.recent.front().copied().unwrap_or(now);
        Err(self
            .window
            .saturating_sub(now.saturating_duration_since(oldest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hundred_and_first_waits_for_the_first_to_leave_the_window() {
        let mut limit = RateLimit::new(100, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..100 {
            assert!(limit
                .try_acquire(start + Duration::from_millis(i * 10))
                .is_ok());
        }
        let wait = limit
            .try_acquire(start + Duration::from_secs(12))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(48));
        // Refusals are not counted: the next one is allowed as soon as the window moves.
        assert!(limit.try_acquire(start + Duration::from_secs(60)).is_ok());
        assert!(limit
            .try_acquire(start + Duration::from_millis(60_005))
            .is_err());
        assert!(limit
            .try_acquire(start + Duration::from_millis(60_010))
            .is_ok());
    }
}

//! The price coalescer: market prices can arrive far faster than anyone reads them, so the
//! connection keeps only the latest tick per symbol and publishes them together once
//! `price_coalesce` has passed since the first tick of the batch. Pure: the caller passes the
//! time in and publishes what [`Prices::take_due`] hands back, so the rule is testable without
//! a clock or a socket.

use crate::live::PriceTick;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

/// Most symbols held between two publications. A user follows at most 20 (the settings form's
/// limit) and the server sends the ones followed; a server sending ever new symbols would
/// otherwise fill memory (and the page's ticker) until the next publication.
const MAX_PENDING_SYMBOLS: usize = 256;

/// Prices received since the last publication, latest per symbol, and when they are due.
#[derive(Debug)]
pub(super) struct Prices {
    /// How long the first tick of a batch waits for the others.
    every: Duration,
    latest: BTreeMap<String, PriceTick>,
    /// When the pending prices are published; `None` while nothing is pending.
    due: Option<Instant>,
}

impl Prices {
    pub(super) fn new(every: Duration) -> Self {
        Prices {
            every,
            latest: BTreeMap::new(),
            due: None,
        }
    }

    /// Keeps `tick` in place of any earlier one of its symbol. The first tick after a
    /// publication sets the deadline; later ones do not push it back. A tick of a symbol not
    /// pending yet is dropped while [`MAX_PENDING_SYMBOLS`] are.
    pub(super) fn push(&mut self, tick: PriceTick, now: Instant) {
        if self.latest.len() >= MAX_PENDING_SYMBOLS && !self.latest.contains_key(&tick.symbol) {
            return;
        }
        self.latest.insert(tick.symbol.clone(), tick);
        if self.due.is_none() {
            self.due = Some(now + self.every);
        }
    }

    /// When [`Self::take_due`] next has something to hand out.
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.due
    }

    /// The latest tick of every symbol heard since the last publication (in symbol order), once
    /// the deadline has passed; `None` before it, or when nothing is pending.
    pub(super) fn take_due(&mut self, now: Instant) -> Option<Vec<PriceTick>> {
        if self.due.is_none_or(|due| now < due) {
            return None;
        }
        self.due = None;
        if self.latest.is_empty() {
            return None;
        }
        Some(std::mem::take(&mut self.latest).into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(symbol: &str, price: &str) -> PriceTick {
        PriceTick {
            symbol: symbol.into(),
            price: price.into(),
            change: None,
            change_percent: None,
        }
    }

    fn prices(ticks: &[PriceTick]) -> Vec<(&str, &str)> {
        ticks
            .iter()
            .map(|t| (t.symbol.as_str(), t.price.as_str()))
            .collect()
    }

    const EVERY: Duration = Duration::from_millis(250);

    #[test]
    fn prices_are_published_at_most_every_250_ms_latest_per_symbol() {
        let t0 = Instant::now();
        let mut p = Prices::new(EVERY);
        p.push(tick("BTCUSDT", "1"), t0);
        p.push(tick("ETHUSDT", "10"), t0 + Duration::from_millis(50));
        p.push(tick("BTCUSDT", "2"), t0 + Duration::from_millis(100));
        assert_eq!(p.poll_timeout(), Some(t0 + EVERY));
        assert_eq!(p.take_due(t0 + Duration::from_millis(249)), None);
        let published = p.take_due(t0 + EVERY).expect("due at 250 ms");
        assert_eq!(prices(&published), [("BTCUSDT", "2"), ("ETHUSDT", "10")]);
        assert_eq!(p.poll_timeout(), None);
        assert_eq!(p.take_due(t0 + Duration::from_secs(10)), None);
    }

    #[test]
    fn later_ticks_do_not_push_the_deadline_back() {
        let t0 = Instant::now();
        let mut p = Prices::new(EVERY);
        p.push(tick("BTCUSDT", "1"), t0);
        p.push(tick("BTCUSDT", "2"), t0 + Duration::from_millis(200));
        assert_eq!(p.poll_timeout(), Some(t0 + EVERY));
        let published = p.take_due(t0 + EVERY).expect("due at 250 ms");
        assert_eq!(prices(&published), [("BTCUSDT", "2")]);
    }

    #[test]
    fn the_first_tick_after_a_publication_starts_a_new_wait() {
        let t0 = Instant::now();
        let mut p = Prices::new(EVERY);
        p.push(tick("BTCUSDT", "1"), t0);
        assert!(p.take_due(t0 + EVERY).is_some());
        let t1 = t0 + Duration::from_secs(3);
        p.push(tick("BTCUSDT", "2"), t1);
        assert_eq!(p.poll_timeout(), Some(t1 + EVERY));
        assert_eq!(p.take_due(t1 + Duration::from_millis(100)), None);
        let published = p
            .take_due(t1 + EVERY)
            .expect("due 250 ms after the new tick");
        assert_eq!(prices(&published), [("BTCUSDT", "2")]);
    }

    #[test]
    fn nothing_pending_means_no_wake_up_and_nothing_to_publish() {
        let t0 = Instant::now();
        let mut p = Prices::new(EVERY);
        assert_eq!(p.poll_timeout(), None);
        assert_eq!(p.take_due(t0), None);
    }

    #[test]
    fn a_flood_of_new_symbols_is_held_to_a_bounded_number_per_publication() {
        let t0 = Instant::now();
        let mut p = Prices::new(EVERY);
        for n in 0..MAX_PENDING_SYMBOLS + 50 {
            p.push(tick(&format!("S{n:05}"), "1"), t0);
        }
        // A symbol already pending still gets its latest price.
        p.push(tick("S00000", "2"), t0);
        let published = p.take_due(t0 + EVERY).expect("due");
        assert_eq!(published.len(), MAX_PENDING_SYMBOLS);
        assert_eq!(prices(&published)[0], ("S00000", "2"));
        // The next publication takes new symbols again.
        p.push(tick("LATE", "3"), t0 + EVERY);
        let next = p.take_due(t0 + EVERY * 2).expect("due");
        assert_eq!(prices(&next), [("LATE", "3")]);
    }
}

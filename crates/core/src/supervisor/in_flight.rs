//! The in-flight book: which outbox entries this connection wrote to the socket and the server
//! has not answered yet, oldest first, and when the outbox is tried again after the server
//! refused a send "for now". Services whose send replies carry no id (MEXC) are answered in
//! the order they were written, so the order is the whole point; a flush skips what is in the
//! book so nothing is written twice on one connection. Pure: the caller passes the time in and
//! flushes the outbox when [`InFlight::take_due`] says so.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::time::Instant;

/// How long a send the server refused for now (rate limit, server trouble) waits when the
/// server does not say.
pub(super) const RESEND_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub(super) struct InFlight {
    /// Local ids of the outbox entries written and not yet answered, oldest first.
    written: VecDeque<i64>,
    /// When the outbox is tried again after a refusal for now.
    resend_at: Option<Instant>,
    /// Each unanswered entry tried on this connection: when it was first tried, and the last
    /// reason the server gave for not taking it yet.
    tried: HashMap<i64, (Instant, Option<String>)>,
    /// How long an entry may go unanswered on one connection before it is failed.
    life: Duration,
    /// Bytes written for each unanswered entry, to name the one a "too big" close was about.
    sizes: HashMap<i64, usize>,
}

impl Default for InFlight {
    fn default() -> Self {
        InFlight::new(crate::supervisor::Tuning::default().pending_life)
    }
}

impl InFlight {
    pub(super) fn new(life: Duration) -> InFlight {
        InFlight {
            written: VecDeque::new(),
            resend_at: None,
            tried: HashMap::new(),
            life,
            sizes: HashMap::new(),
        }
    }

    /// A new socket: what the last one wrote is no longer waiting for an answer there (it is
    /// still in the outbox and is written again, with a fresh life). A resend already planned
    /// stays planned.
    pub(super) fn new_session(&mut self) {
        self.written.clear();
        self.tried.clear();
        self.sizes.clear();
    }

    /// `local_id` was written on this connection at `now`.
    pub(super) fn written(&mut self, local_id: i64, now: Instant) {
        self.written.push_back(local_id);
        self.tried_at(local_id, now);
    }

    /// `bytes` went on the wire for `local_id`.
    pub(super) fn wrote_bytes(&mut self, local_id: i64, bytes: usize) {
        *self.sizes.entry(local_id).or_default() += bytes;
    }

    /// The biggest unanswered write: the one a server's "message too big" close (1009) was
    /// about, as it closes on reading it.
    pub(super) fn largest(&self) -> Option<i64> {
        self.written
            .iter()
            .filter(|id| self.sizes.contains_key(id))
            .max_by_key(|id| self.sizes.get(id).copied().unwrap_or(0))
            .copied()
    }

    /// `local_id` was tried at `now` (written, or handed to a REST delivery); its life runs
    /// from its first try on this connection.
    pub(super) fn tried_at(&mut self, local_id: i64, now: Instant) {
        self.tried.entry(local_id).or_insert((now, None));
    }

    /// The server will not take `local_id` yet (`reason`); it goes again after `after` (the
    /// server's window) or [`RESEND_AFTER`].
    pub(super) fn deferred(
        &mut self,
        local_id: i64,
        reason: &str,
        after: Option<Duration>,
        now: Instant,
    ) {
        self.written.retain(|id| *id != local_id);
        self.tried.entry(local_id).or_insert((now, None)).1 = Some(reason.to_owned());
        self.resend_at = Some(now + after.unwrap_or(RESEND_AFTER));
    }

    /// The oldest unanswered write, for a refusal for now that carries no id (a Realtime
    /// rate-limit error frame): it leaves the book and is deferred.
    pub(super) fn defer_oldest(
        &mut self,
        reason: &str,
        after: Option<Duration>,
        now: Instant,
    ) -> Option<i64> {
        // Written and since confirmed by an echo are not it: they no longer wait.
        let oldest = *self.written.iter().find(|id| self.tried.contains_key(id))?;
        self.deferred(oldest, reason, after, now);
        Some(oldest)
    }

    /// Ends the life of the entries the outbox no longer holds (answered or removed by another
    /// path), so it never wakes the connection again. Their place among the writes stays: a
    /// reply without id (MEXC's) may still come for one the echo already confirmed.
    pub(super) fn keep_only(&mut self, in_outbox: &[i64]) {
        self.tried.retain(|id, _| in_outbox.contains(id));
        self.sizes.retain(|id, _| in_outbox.contains(id));
    }

    /// If `local_id` has been unanswered for its whole life at `now`, why it fails (it leaves
    /// the book); `None` while it may still be answered.
    pub(super) fn expired(&mut self, local_id: i64, now: Instant) -> Option<String> {
        let (since, reason) = self.tried.get(&local_id)?;
        if now.duration_since(*since) < self.life {
            return None;
        }
        let secs = self.life.as_secs().max(1);
        let why = match reason {
            Some(reason) => format!("not sent within {secs} s: {reason}"),
            None => format!("the server did not confirm it within {secs} s"),
        };
        self.answered(local_id);
        Some(why)
    }

    /// Whether `local_id` was written on this connection and is still unanswered.
    pub(super) fn contains(&self, local_id: i64) -> bool {
        self.written.contains(&local_id)
    }

    /// An answer with no id (`SendAccepted`, `SendRejected`): it is for the oldest unanswered
    /// send, which leaves the book. `None` when nothing is in flight.
    pub(super) fn answer_oldest(&mut self) -> Option<i64> {
        let oldest = self.written.pop_front()?;
        self.tried.remove(&oldest);
        Some(oldest)
    }

    /// The server's echo confirmed `local_id`: its life no longer runs, but it keeps its place
    /// among the writes, as a reply without id (MEXC's) may still come for it.
    pub(super) fn confirmed(&mut self, local_id: i64) {
        self.tried.remove(&local_id);
        self.sizes.remove(&local_id);
    }

    /// An answer to `local_id` in particular (`SendResult`, a REST reply, a failure): it
    /// leaves the book, wherever it is.
    pub(super) fn answered(&mut self, local_id: i64) {
        self.written.retain(|id| *id != local_id);
        self.tried.remove(&local_id);
        self.sizes.remove(&local_id);
    }

    /// The server refused a send for now: the outbox goes again [`RESEND_AFTER`] from `now`
    /// (a later refusal moves the resend to its own time).
    pub(super) fn refused_for_now(&mut self, now: Instant) {
        self.resend_at = Some(now + RESEND_AFTER);
    }

    /// The outbox is to be flushed again at `at` (the sending rate's window frees then); a
    /// later resend already planned stays.
    pub(super) fn flush_at(&mut self, at: Instant) {
        self.resend_at = Some(self.resend_at.map_or(at, |planned| planned.max(at)));
    }

    /// When [`Self::take_due`] next says "flush": a planned resend, or the end of the
    /// earliest unanswered entry's life.
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        let expiry = self
            .tried
            .values()
            .map(|(since, _)| *since + self.life)
            .min();
        match (self.resend_at, expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a flush is due at `now` (a planned resend, which is then no longer planned, or
    /// an entry whose life is over and is to be failed).
    pub(super) fn take_due(&mut self, now: Instant) -> bool {
        let expired = self
            .tried
            .values()
            .any(|(since, _)| *since + self.life <= now);
        match self.resend_at {
            Some(at) if at <= now => {
                self.resend_at = None;
                true
            }
            _ => expired,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(ids: &[i64]) -> InFlight {
        let mut b = InFlight::default();
        let now = Instant::now();
        for id in ids {
            b.written(*id, now);
        }
        b
    }

    #[test]
    fn an_unanswered_send_fails_at_the_end_of_its_life_with_the_last_reason() {
        let t0 = Instant::now();
        let life = Duration::from_secs(180);
        let mut b = InFlight::new(life);
        b.written(7, t0);
        b.written(8, t0 + Duration::from_secs(10));
        assert_eq!(b.poll_timeout(), Some(t0 + life));
        assert_eq!(
            b.defer_oldest("rate limit", Some(Duration::from_secs(60)), t0),
            Some(7)
        );
        assert!(!b.contains(7), "deferred: written again at the resend");
        assert_eq!(b.poll_timeout(), Some(t0 + Duration::from_secs(60)));
        assert!(b.expired(7, t0 + Duration::from_secs(179)).is_none());
        b.written(7, t0 + Duration::from_secs(60));
        assert!(b.take_due(t0 + life));
        assert_eq!(
            b.expired(7, t0 + life).as_deref(),
            Some("not sent within 180 s: rate limit"),
            "its life runs from the first try"
        );
        assert!(!b.contains(7));
        assert_eq!(
            b.expired(8, t0 + life + Duration::from_secs(10)).as_deref(),
            Some("the server did not confirm it within 180 s")
        );
        assert_eq!(b.poll_timeout(), None);
    }

    #[test]
    fn a_refusal_without_id_skips_writes_an_echo_already_confirmed() {
        let t0 = Instant::now();
        let mut b = book(&[7, 8]);
        b.confirmed(7);
        assert!(b.contains(7), "a reply without id may still come for 7");
        assert_eq!(b.defer_oldest("rate limit", None, t0), Some(8));
        assert_eq!(b.largest(), None);
        assert_eq!(b.answer_oldest(), Some(7));
    }

    #[test]
    fn an_entry_gone_from_the_outbox_no_longer_wakes_the_connection() {
        let t0 = Instant::now();
        let mut b = InFlight::new(Duration::from_secs(1));
        b.written(7, t0);
        b.written(8, t0);
        b.keep_only(&[8]);
        assert_eq!(
            b.poll_timeout(),
            Some(t0 + Duration::from_secs(1)),
            "8 only"
        );
        assert!(b.contains(7), "its reply may still come");
        b.keep_only(&[]);
        assert_eq!(b.poll_timeout(), None);
        assert!(!b.take_due(t0 + Duration::from_secs(5)));
    }

    #[test]
    fn send_accepted_answers_the_oldest_in_flight() {
        let mut b = book(&[7, 8, 9]);
        assert_eq!(b.answer_oldest(), Some(7));
        assert_eq!(b.answer_oldest(), Some(8));
        assert!(!b.contains(7) && !b.contains(8) && b.contains(9));
    }

    #[test]
    fn an_answer_with_nothing_in_flight_answers_nothing() {
        let mut b = InFlight::default();
        assert_eq!(b.answer_oldest(), None);
    }

    #[test]
    fn a_send_result_answers_its_own_id_and_leaves_the_order_of_the_rest() {
        let mut b = book(&[7, 8, 9]);
        b.answered(8);
        assert!(!b.contains(8));
        assert_eq!(b.answer_oldest(), Some(7));
        assert_eq!(b.answer_oldest(), Some(9));
        b.answered(42);
        assert_eq!(b.answer_oldest(), None);
    }

    #[test]
    fn a_new_session_forgets_what_was_in_flight_but_keeps_a_planned_resend() {
        let t0 = Instant::now();
        let mut b = book(&[7, 8]);
        b.refused_for_now(t0);
        b.new_session();
        assert!(!b.contains(7) && !b.contains(8));
        assert_eq!(b.answer_oldest(), None);
        assert_eq!(b.poll_timeout(), Some(t0 + RESEND_AFTER));
    }

    #[test]
    fn a_send_refused_for_now_is_resent_after_five_seconds() {
        let t0 = Instant::now();
        let mut b = InFlight::default();
        assert_eq!(b.poll_timeout(), None);
        b.refused_for_now(t0);
        assert_eq!(b.poll_timeout(), Some(t0 + Duration::from_secs(5)));
        assert!(!b.take_due(t0 + Duration::from_millis(4_999)));
        assert!(b.take_due(t0 + Duration::from_secs(5)));
        assert_eq!(b.poll_timeout(), None);
        assert!(!b.take_due(t0 + Duration::from_secs(60)));
    }

    #[test]
    fn a_second_refusal_for_now_moves_the_resend_to_five_seconds_after_it() {
        let t0 = Instant::now();
        let mut b = InFlight::default();
        b.refused_for_now(t0);
        b.refused_for_now(t0 + Duration::from_secs(3));
        assert_eq!(b.poll_timeout(), Some(t0 + Duration::from_secs(8)));
        assert!(!b.take_due(t0 + Duration::from_secs(5)));
        assert!(b.take_due(t0 + Duration::from_secs(8)));
    }
}

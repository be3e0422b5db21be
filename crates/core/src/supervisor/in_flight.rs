//! The in-flight book: which outbox entries this connection wrote to the socket and the server
//! has not answered yet, oldest first, and when the outbox is tried again after the server
//! refused a send "for now". Services whose send replies carry no id (MEXC) are answered in
//! the order they were written, so the order is the whole point; a flush skips what is in the
//! book so nothing is written twice on one connection. Pure: the caller passes the time in and
//! flushes the outbox when [`InFlight::take_due`] says so.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// How long a send the server refused for now (rate limit, server trouble) waits.
pub(super) const RESEND_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub(super) struct InFlight {
    /// Local ids of the outbox entries written and not yet answered, oldest first.
    written: VecDeque<i64>,
    /// When the outbox is tried again after a refusal for now.
    resend_at: Option<Instant>,
}

impl InFlight {
    /// A new socket: what the last one wrote is no longer waiting for an answer there (it is
    /// still in the outbox and is written again). A resend already planned stays planned.
    pub(super) fn new_session(&mut self) {
        self.written.clear();
    }

    /// `local_id` was written on this connection.
    pub(super) fn written(&mut self, local_id: i64) {
        self.written.push_back(local_id);
    }

    /// Whether `local_id` was written on this connection and is still unanswered.
    pub(super) fn contains(&self, local_id: i64) -> bool {
        self.written.contains(&local_id)
    }

    /// An answer with no id (`SendAccepted`, `SendRejected`): it is for the oldest unanswered
    /// send, which leaves the book. `None` when nothing is in flight.
    pub(super) fn answer_oldest(&mut self) -> Option<i64> {
        self.written.pop_front()
    }

    /// An answer to `local_id` in particular (`SendResult`): it leaves the book, wherever it is.
    pub(super) fn answered(&mut self, local_id: i64) {
        self.written.retain(|id| *id != local_id);
    }

    /// The server refused a send for now: the outbox goes again [`RESEND_AFTER`] from `now`
    /// (a later refusal moves the resend to its own time).
    pub(super) fn refused_for_now(&mut self, now: Instant) {
        self.resend_at = Some(now + RESEND_AFTER);
    }

    /// When [`Self::take_due`] next says "flush".
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.resend_at
    }

    /// Whether the planned resend is due at `now`; if so it is no longer planned.
    pub(super) fn take_due(&mut self, now: Instant) -> bool {
        match self.resend_at {
            Some(at) if at <= now => {
                self.resend_at = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(ids: &[i64]) -> InFlight {
        let mut b = InFlight::default();
        for id in ids {
            b.written(*id);
        }
        b
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

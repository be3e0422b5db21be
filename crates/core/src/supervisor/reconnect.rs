//! The reconnect policy: after each connection attempt ends, whether to dial again (after which
//! backoff, counted as which attempt) or to stop until the user acts. It owns the attempt
//! counter and the count of closes-at-once in a row, and nothing else: no clock, no socket, no
//! random numbers (the jitter is passed in), so every rule below is a unit test.
//!
//! The rules:
//! - each attempt waits [`Backoff::delay`] for its number (1-based);
//! - a failure no retry can fix (refused credentials, a close the codec calls final) stops;
//! - a connection the server closed within `instant_close` of opening, before sending any frame,
//!   counts as a close at once; any other ending resets that count; after
//!   `give_up_after_instant_closes` in a row it stops (the codec words the reason);
//! - a connection that stayed open `stable_after` or longer starts the count over: its wait is
//!   attempt 1's;
//! - leaving the stopped state (a `RetryNow`) starts over at attempt 1 with no closes counted;
//!   a `RetryNow` during a backoff only cuts the wait short.

use super::Tuning;
use crate::backoff::Backoff;
use std::time::Duration;
use tokio::time::Instant;

/// How one connection attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ended {
    /// What went wrong, for the user.
    pub(super) reason: String,
    /// When the socket opened; `None` when it never did (the dial failed, the codec was not
    /// ready to dial).
    pub(super) opened_at: Option<Instant>,
    /// Text or binary frames received on it.
    pub(super) frames: u64,
    /// No retry can fix it (refused credentials, a bad address, a close the codec calls final).
    pub(super) permanent: bool,
}

impl Ended {
    /// An attempt that never opened a socket but may work later.
    pub(super) fn not_opened(reason: String) -> Self {
        Ended {
            reason,
            opened_at: None,
            frames: 0,
            permanent: false,
        }
    }

    /// A failure no retry can fix.
    pub(super) fn permanent(reason: String) -> Self {
        Ended {
            reason,
            opened_at: None,
            frames: 0,
            permanent: true,
        }
    }

    /// A socket opened at `opened_at` that was lost after `frames` frames.
    pub(super) fn lost(reason: String, opened_at: Instant, frames: u64) -> Self {
        Ended {
            reason,
            opened_at: Some(opened_at),
            frames,
            permanent: false,
        }
    }
}

/// What to do after an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Decision {
    /// Wait `delay`, then dial again; `attempt` is the number the wait counts as.
    Retry {
        delay: Duration,
        attempt: u32,
        reason: String,
    },
    /// No more attempts until a `RetryNow`.
    Stop { reason: StopReason },
}

/// Why the connection stops.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StopReason {
    /// A permanent failure, with its reason.
    Permanent(String),
    /// The server closed this many connections in a row at once: the codec says what that
    /// means for its service ([`crate::codec::Codec::closed_at_once_reason`]) and whether the
    /// credential was refused ([`crate::codec::Codec::credential_refused`]).
    ClosedAtOnce { times: u32 },
}

#[derive(Debug)]
pub(super) struct Reconnect {
    backoff: Backoff,
    stable_after: Duration,
    instant_close: Duration,
    give_up_after_instant_closes: u32,
    /// The number of the current attempt (0 before the first dial).
    attempt: u32,
    /// Closes at once in a row.
    closes_at_once: u32,
    /// The last decision was to stop.
    stopped: bool,
}

impl Reconnect {
    pub(super) fn new(tuning: &Tuning) -> Self {
        Reconnect {
            backoff: tuning.backoff,
            stable_after: tuning.stable_after,
            instant_close: tuning.instant_close,
            give_up_after_instant_closes: tuning.give_up_after_instant_closes,
            attempt: 0,
            closes_at_once: 0,
            stopped: false,
        }
    }

    /// A dial begins: its attempt number.
    pub(super) fn dial(&mut self) -> u32 {
        self.attempt += 1;
        self.attempt
    }

    /// The attempt ended at `now`; `jitter` is a random number in [0, 1) for the backoff.
    pub(super) fn on_lost(&mut self, ended: Ended, now: Instant, jitter: f64) -> Decision {
        if ended.permanent {
            return self.stop(StopReason::Permanent(ended.reason));
        }
        let lasted = ended.opened_at.map(|opened| now.duration_since(opened));
        let closed_at_once =
            lasted.is_some_and(|lasted| lasted < self.instant_close) && ended.frames == 0;
        self.closes_at_once = if closed_at_once {
            self.closes_at_once + 1
        } else {
            0
        };
        if self.closes_at_once >= self.give_up_after_instant_closes {
            return self.stop(StopReason::ClosedAtOnce {
                times: self.closes_at_once,
            });
        }
        if lasted.is_some_and(|lasted| lasted >= self.stable_after) {
            self.attempt = 1;
        }
        Decision::Retry {
            delay: self.backoff.delay(self.attempt, jitter),
            attempt: self.attempt,
            reason: ended.reason,
        }
    }

    /// The user or the engine asked to dial now. From the stopped state that starts over;
    /// during a backoff it changes no count (the wait is only cut short).
    pub(super) fn retry_now(&mut self) {
        if self.stopped {
            self.stopped = false;
            self.attempt = 0;
            self.closes_at_once = 0;
        }
    }

    fn stop(&mut self, reason: StopReason) -> Decision {
        self.stopped = true;
        Decision::Stop { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Reconnect {
        Reconnect::new(&Tuning::default())
    }

    /// Dials and ends the attempt with `ended` at `now` (jitter 0: half the ceiling).
    fn attempt(p: &mut Reconnect, ended: Ended, now: Instant) -> (u32, Decision) {
        let dialed = p.dial();
        (dialed, p.on_lost(ended, now, 0.0))
    }

    fn closed_at_once(p: &mut Reconnect, now: Instant) -> Decision {
        attempt(p, Ended::lost("closed".into(), now, 0), now + ms(100)).1
    }

    fn refused_dial(p: &mut Reconnect) -> Decision {
        attempt(p, Ended::not_opened("refused".into()), Instant::now()).1
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn retry_attempt(d: &Decision) -> u32 {
        match d {
            Decision::Retry { attempt, .. } => *attempt,
            Decision::Stop { reason } => panic!("stopped: {reason:?}"),
        }
    }

    #[test]
    fn each_failed_attempt_waits_the_backoff_of_its_number() {
        let mut p = policy();
        let t0 = Instant::now();
        let b = Backoff::default();
        for n in 1..=7 {
            let dialed = p.dial();
            assert_eq!(dialed, n);
            let jitter = 0.25;
            assert_eq!(
                p.on_lost(Ended::not_opened(format!("refused {n}")), t0, jitter),
                Decision::Retry {
                    delay: b.delay(n, jitter),
                    attempt: n,
                    reason: format!("refused {n}"),
                }
            );
        }
    }

    #[test]
    fn the_jitter_passed_in_chooses_the_delay_within_the_ceiling() {
        let t0 = Instant::now();
        let delay = |jitter| {
            let mut p = policy();
            p.dial();
            p.dial();
            p.dial();
            match p.on_lost(Ended::not_opened("refused".into()), t0, jitter) {
                Decision::Retry { delay, .. } => delay,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(delay(0.0), Duration::from_secs(2));
        assert_eq!(delay(0.5), Duration::from_secs(3));
        assert_eq!(delay(1.0), Duration::from_secs(4));
    }

    #[test]
    fn five_closes_at_once_in_a_row_stop_with_the_codecs_reason() {
        let mut p = policy();
        let t0 = Instant::now();
        for n in 1..=4 {
            assert_eq!(retry_attempt(&closed_at_once(&mut p, t0)), n);
        }
        assert_eq!(
            closed_at_once(&mut p, t0),
            Decision::Stop {
                reason: StopReason::ClosedAtOnce { times: 5 }
            }
        );
    }

    #[test]
    fn any_other_ending_starts_the_count_of_closes_at_once_over() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..4 {
            closed_at_once(&mut p, t0);
        }
        refused_dial(&mut p);
        for _ in 0..4 {
            retry_attempt(&closed_at_once(&mut p, t0));
        }
        assert!(matches!(
            closed_at_once(&mut p, t0),
            Decision::Stop {
                reason: StopReason::ClosedAtOnce { times: 5 }
            }
        ));
    }

    #[test]
    fn a_connection_that_sent_a_frame_was_not_closed_at_once() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..4 {
            closed_at_once(&mut p, t0);
        }
        let (_, d) = attempt(&mut p, Ended::lost("closed".into(), t0, 1), t0 + ms(100));
        retry_attempt(&d);
        for _ in 0..4 {
            retry_attempt(&closed_at_once(&mut p, t0));
        }
    }

    #[test]
    fn a_connection_closed_after_the_instant_close_window_was_not_closed_at_once() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..4 {
            closed_at_once(&mut p, t0);
        }
        // The default window is 2 s: a close at 2 s is no longer "at once".
        let (_, d) = attempt(&mut p, Ended::lost("closed".into(), t0, 0), t0 + ms(2_000));
        retry_attempt(&d);
        for _ in 0..4 {
            retry_attempt(&closed_at_once(&mut p, t0));
        }
    }

    #[test]
    fn a_permanent_failure_stops_with_its_own_reason() {
        let mut p = policy();
        let (_, d) = attempt(
            &mut p,
            Ended::permanent("refused credentials".into()),
            Instant::now(),
        );
        assert_eq!(
            d,
            Decision::Stop {
                reason: StopReason::Permanent("refused credentials".into())
            }
        );
    }

    #[test]
    fn a_connection_that_stayed_open_ten_seconds_resets_the_backoff() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..4 {
            refused_dial(&mut p);
        }
        let (dialed, d) = attempt(
            &mut p,
            Ended::lost("lost".into(), t0, 3),
            t0 + Duration::from_secs(10),
        );
        assert_eq!(dialed, 5);
        assert_eq!(
            d,
            Decision::Retry {
                delay: Backoff::default().delay(1, 0.0),
                attempt: 1,
                reason: "lost".into(),
            }
        );
        // The wait counted as attempt 1; the dial after it is the second.
        assert_eq!(p.dial(), 2);
    }

    #[test]
    fn a_connection_lost_before_ten_seconds_keeps_counting_attempts() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..4 {
            refused_dial(&mut p);
        }
        let (_, d) = attempt(&mut p, Ended::lost("lost".into(), t0, 3), t0 + ms(9_999));
        assert_eq!(retry_attempt(&d), 5);
    }

    #[test]
    fn a_failure_from_the_stopped_state_after_retry_now_starts_at_attempt_one() {
        let mut p = policy();
        for _ in 0..3 {
            refused_dial(&mut p);
        }
        let (_, d) = attempt(&mut p, Ended::permanent("no".into()), Instant::now());
        assert!(matches!(d, Decision::Stop { .. }));
        p.retry_now();
        let (dialed, d) = attempt(&mut p, Ended::not_opened("refused".into()), Instant::now());
        assert_eq!(dialed, 1);
        assert_eq!(retry_attempt(&d), 1);
    }

    #[test]
    fn retry_now_from_the_stopped_state_forgets_the_closes_at_once() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..5 {
            closed_at_once(&mut p, t0);
        }
        p.retry_now();
        for n in 1..=4 {
            assert_eq!(retry_attempt(&closed_at_once(&mut p, t0)), n);
        }
    }

    #[test]
    fn retry_now_during_a_backoff_keeps_counting() {
        let mut p = policy();
        let t0 = Instant::now();
        for _ in 0..3 {
            closed_at_once(&mut p, t0);
        }
        p.retry_now();
        assert_eq!(retry_attempt(&closed_at_once(&mut p, t0)), 4);
        assert!(matches!(
            closed_at_once(&mut p, t0),
            Decision::Stop {
                reason: StopReason::ClosedAtOnce { times: 5 }
            }
        ));
    }
}

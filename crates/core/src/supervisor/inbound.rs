//! What each decoded [`Inbound`] item means for the connection, as an [`Effect`] for the driver
//! to carry out: an event to publish, an error to show, a store write (a receipt, a send
//! accepted or failed, a message to ingest), or the end of a rejected session. The bookkeeping
//! an item changes (which send it answers, a resend after a refusal for now, prices held for
//! coalescing) is done here on the pure parts it is handed; nothing here awaits, writes to a
//! socket or touches the store, so each item's meaning is a unit test.

use super::in_flight::InFlight;
use super::prices::Prices;
use crate::account::AccountId;
use crate::codec::Inbound;
use crate::event::Event;
use crate::message::{DeliveryState, IncomingMessage};
use tokio::time::Instant;

/// What handling one item asks of the driver. It lives on the stack for one item, so a received
/// message stays inline (boxing it would cost an allocation per message).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Effect {
    /// Nothing more (the item only changed the books, or is of no use).
    Nothing,
    /// Tell the page; nothing is stored.
    Publish(Event),
    /// Show the user an error for this account.
    Report(String),
    /// Store a received message, announce it and acknowledge it (messages normally arrive in
    /// bursts the driver gathers; this is one on its own).
    Ingest(IncomingMessage),
    /// The server reports the state of a message the user wrote, by its service id.
    Receipt {
        service_id: String,
        state: DeliveryState,
    },
    /// The server accepted this pending message: it is sent and leaves the outbox.
    Accept(i64),
    /// The server refused this pending message for good: it fails and leaves the outbox.
    Fail { local_id: i64, reason: String },
    /// The server says the session is no longer accepted (with what it said): the companion
    /// checks the credentials, then the session ends ([`rejected_session`] says how).
    ConfirmRejection(String),
}

/// The meaning of `item`, received at `now` on a connection of `account`.
pub(super) fn on_item(
    item: Inbound,
    account: &AccountId,
    in_flight: &mut InFlight,
    prices: &mut Prices,
    now: Instant,
) -> Effect {
    match item {
        Inbound::Message(m) => Effect::Ingest(m),
        Inbound::Receipt { service_id, state } => Effect::Receipt { service_id, state },
        Inbound::SendResult { local_id, outcome } => {
            in_flight.answered(local_id);
            match outcome {
                Ok(()) => Effect::Accept(local_id),
                Err(refusal) if refusal.permanent => {
                    tracing::warn!(reason = %refusal.reason, "server refused a message");
                    Effect::Fail {
                        local_id,
                        reason: format!("refused by the server: {}", refusal.reason),
                    }
                }
                Err(refusal) => {
                    // It stays in the outbox and goes again shortly, with the same id.
                    in_flight.refused_for_now(now);
                    Effect::Report(format!("could not send yet: {}", refusal.reason))
                }
            }
        }
        Inbound::SessionRejected(what) => Effect::ConfirmRejection(what),
        Inbound::UserStatus { user_id, online } => Effect::Publish(Event::UserStatus {
            account: account.clone(),
            user: user_id,
            online,
        }),
        Inbound::Typing {
            room,
            user_id,
            name,
            active,
        } => Effect::Publish(Event::Typing {
            account: account.clone(),
            room,
            user: user_id,
            name,
            active,
        }),
        Inbound::Price(tick) => {
            prices.push(tick, now);
            Effect::Nothing
        }
        Inbound::Alert(alert) => Effect::Publish(Event::Alert {
            account: account.clone(),
            alert: Box::new(alert),
        }),
        Inbound::Ignored(what) => {
            tracing::debug!(%what, "frame ignored");
            Effect::Nothing
        }
        Inbound::Presence { room, online } => Effect::Publish(Event::Presence {
            account: account.clone(),
            room,
            online,
        }),
        Inbound::ServerError(message) => {
            tracing::warn!(%message, "server reported an error");
            Effect::Report(format!("the server says: {message}"))
        }
        Inbound::SendAccepted => match in_flight.answer_oldest() {
            Some(id) => Effect::Accept(id),
            None => {
                tracing::debug!("send accepted, but nothing was in flight");
                Effect::Nothing
            }
        },
        Inbound::SendDeferred {
            reason,
            retry_after,
        } => match in_flight.defer_oldest(&reason, retry_after, now) {
            Some(_) => Effect::Report(format!("could not send yet: {reason}")),
            None => Effect::Report(format!("the server says: {reason}")),
        },
        Inbound::SendRejected(reason) => {
            tracing::warn!(%reason, "server refused a message");
            match in_flight.answer_oldest() {
                Some(id) => Effect::Fail {
                    local_id: id,
                    reason: format!("refused by the server: {reason}"),
                },
                None => Effect::Report(format!("the server refused a message: {reason}")),
            }
        }
    }
}

/// How a session the server rejected ends.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rejected {
    /// Why the session ended, for the reconnect policy and the user.
    pub(super) end: String,
    /// Set when no retry can fix it: the connection stops with this reason.
    pub(super) refused: Option<String>,
}

/// Unconfirmed rejections on this many connections in a row stop the connection all the same:
/// a server that refuses every session while its REST API accepts the credentials will not
/// change its mind by being asked for ever (Mixin's docs: on 401, stop).
pub(super) const REJECTIONS_BEFORE_STOP: u32 = 3;

/// The end of a session the server rejected (`what` it said), once the companion has checked
/// the credentials: `confirmed` is its reason when they are no longer accepted (`None` when
/// they still are, or there is no companion to ask); then the connection stops, as it does
/// when this is the [`REJECTIONS_BEFORE_STOP`]th connection in a row (`in_a_row`, this one
/// included) that the server rejected.
pub(super) fn rejected_session(what: &str, confirmed: Option<String>, in_a_row: u32) -> Rejected {
    match confirmed {
        Some(reason) => Rejected {
            end: format!("the server no longer accepts this session ({what})"),
            refused: Some(reason),
        },
        None if in_a_row >= REJECTIONS_BEFORE_STOP => Rejected {
            end: format!("the server no longer accepts this session ({what})"),
            refused: Some(format!(
                "the server rejected {in_a_row} connections in a row ({what}) although it accepts the credentials over REST; check the account in settings (and the computer's clock), then reconnect"
            )),
        },
        None => Rejected {
            end: format!("the server ended the session ({what}); reconnecting"),
            refused: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::SendRefusal;
    use crate::live::{Alert, AlertKind, PriceTick};
    use crate::message::MessageKind;
    use std::time::Duration;

    struct Books {
        account: AccountId,
        in_flight: InFlight,
        prices: Prices,
        now: Instant,
    }

    impl Books {
        fn new() -> Self {
            Books {
                account: AccountId("acc".into()),
                in_flight: InFlight::default(),
                prices: Prices::new(Duration::from_millis(250)),
                now: Instant::now(),
            }
        }

        fn with_in_flight(ids: &[i64]) -> Self {
            let mut b = Books::new();
            for id in ids {
                b.in_flight.written(*id, b.now);
            }
            b
        }

        fn on(&mut self, item: Inbound) -> Effect {
            on_item(
                item,
                &self.account,
                &mut self.in_flight,
                &mut self.prices,
                self.now,
            )
        }
    }

    fn refusal(reason: &str, permanent: bool) -> SendRefusal {
        SendRefusal {
            reason: reason.into(),
            permanent,
        }
    }

    #[test]
    fn send_accepted_accepts_the_oldest_message_in_flight() {
        let mut b = Books::with_in_flight(&[7, 8]);
        assert_eq!(b.on(Inbound::SendAccepted), Effect::Accept(7));
        assert_eq!(b.on(Inbound::SendAccepted), Effect::Accept(8));
        assert_eq!(b.on(Inbound::SendAccepted), Effect::Nothing);
    }

    #[test]
    fn send_rejected_fails_the_oldest_in_flight_with_the_servers_reason() {
        let mut b = Books::with_in_flight(&[7, 8]);
        assert_eq!(
            b.on(Inbound::SendRejected("too long".into())),
            Effect::Fail {
                local_id: 7,
                reason: "refused by the server: too long".into()
            }
        );
        assert!(b.in_flight.contains(8) && !b.in_flight.contains(7));
    }

    #[test]
    fn send_rejected_with_nothing_in_flight_is_shown_to_the_user() {
        let mut b = Books::new();
        assert_eq!(
            b.on(Inbound::SendRejected("too long".into())),
            Effect::Report("the server refused a message: too long".into())
        );
    }

    #[test]
    fn a_send_result_answers_its_own_message_not_the_oldest() {
        let mut b = Books::with_in_flight(&[7, 8]);
        let ok = Inbound::SendResult {
            local_id: 8,
            outcome: Ok(()),
        };
        assert_eq!(b.on(ok), Effect::Accept(8));
        assert!(b.in_flight.contains(7) && !b.in_flight.contains(8));
    }

    #[test]
    fn a_send_refused_for_good_fails_that_message() {
        let mut b = Books::with_in_flight(&[7, 8]);
        let refused = Inbound::SendResult {
            local_id: 8,
            outcome: Err(refusal("forbidden", true)),
        };
        assert_eq!(
            b.on(refused),
            Effect::Fail {
                local_id: 8,
                reason: "refused by the server: forbidden".into()
            }
        );
        assert!(!b.in_flight.contains(8));
        assert_eq!(
            b.in_flight.poll_timeout(),
            Some(b.now + crate::supervisor::Tuning::default().pending_life),
            "no resend planned: only the end of 7's life"
        );
    }

    #[test]
    fn a_rate_limit_without_an_id_defers_the_oldest_send_until_the_window_frees() {
        let mut b = Books::with_in_flight(&[7, 8]);
        let deferred = Inbound::SendDeferred {
            reason: "Rate limit exceeded".into(),
            retry_after: Some(Duration::from_secs(30)),
        };
        assert_eq!(
            b.on(deferred),
            Effect::Report("could not send yet: Rate limit exceeded".into())
        );
        assert!(!b.in_flight.contains(7) && b.in_flight.contains(8));
        assert_eq!(
            b.in_flight.poll_timeout(),
            Some(b.now + Duration::from_secs(30))
        );
    }

    #[test]
    fn a_send_refused_for_now_is_shown_and_resent_after_five_seconds() {
        let mut b = Books::with_in_flight(&[7]);
        let later = Inbound::SendResult {
            local_id: 7,
            outcome: Err(refusal("rate limited", false)),
        };
        assert_eq!(
            b.on(later),
            Effect::Report("could not send yet: rate limited".into())
        );
        // Out of the book, so the resend's flush writes it again.
        assert!(!b.in_flight.contains(7));
        assert_eq!(
            b.in_flight.poll_timeout(),
            Some(b.now + Duration::from_secs(5))
        );
    }

    #[test]
    fn prices_are_held_for_coalescing_not_published_at_once() {
        let mut b = Books::new();
        let tick = PriceTick {
            symbol: "BTCUSDT".into(),
            price: "1".into(),
            change: None,
            change_percent: None,
        };
        assert_eq!(b.on(Inbound::Price(tick.clone())), Effect::Nothing);
        assert_eq!(
            b.prices.take_due(b.now + Duration::from_millis(250)),
            Some(vec![tick])
        );
    }

    #[test]
    fn presence_typing_user_status_and_alerts_are_published_for_the_account() {
        let mut b = Books::new();
        let account = b.account.clone();
        assert_eq!(
            b.on(Inbound::Presence {
                room: "r".into(),
                online: 3
            }),
            Effect::Publish(Event::Presence {
                account: account.clone(),
                room: "r".into(),
                online: 3
            })
        );
        assert_eq!(
            b.on(Inbound::Typing {
                room: "r".into(),
                user_id: "u".into(),
                name: Some("Ann".into()),
                active: true
            }),
            Effect::Publish(Event::Typing {
                account: account.clone(),
                room: "r".into(),
                user: "u".into(),
                name: Some("Ann".into()),
                active: true
            })
        );
        assert_eq!(
            b.on(Inbound::UserStatus {
                user_id: "u".into(),
                online: false
            }),
            Effect::Publish(Event::UserStatus {
                account: account.clone(),
                user: "u".into(),
                online: false
            })
        );
        let alert = Alert {
            kind: AlertKind::Trade,
            id: None,
            title: "t".into(),
            body: "b".into(),
            priority: None,
            ts_ms: 1,
            room: None,
            local_id: None,
        };
        assert_eq!(
            b.on(Inbound::Alert(alert.clone())),
            Effect::Publish(Event::Alert {
                account,
                alert: Box::new(alert),
            })
        );
    }

    #[test]
    fn a_server_error_is_shown_to_the_user_and_an_ignored_frame_is_not() {
        let mut b = Books::new();
        assert_eq!(
            b.on(Inbound::ServerError("busy".into())),
            Effect::Report("the server says: busy".into())
        );
        assert_eq!(b.on(Inbound::Ignored("pong".into())), Effect::Nothing);
    }

    #[test]
    fn receipts_messages_and_session_rejections_go_to_the_driver_unchanged() {
        let mut b = Books::with_in_flight(&[7]);
        assert_eq!(
            b.on(Inbound::Receipt {
                service_id: "s1".into(),
                state: DeliveryState::Read
            }),
            Effect::Receipt {
                service_id: "s1".into(),
                state: DeliveryState::Read
            }
        );
        let m = IncomingMessage {
            room: "r".into(),
            service_id: Some("s2".into()),
            sender_id: "u".into(),
            sender_name: None,
            own: false,
            kind: MessageKind::Text,
            text: "hi".into(),
            media: None,
            card: None,
            sender_avatar: None,
            ts_ms: 1,
            ts_raw: "1".into(),
            quote_id: None,
        };
        assert_eq!(b.on(Inbound::Message(m.clone())), Effect::Ingest(m));
        assert_eq!(
            b.on(Inbound::SessionRejected("401".into())),
            Effect::ConfirmRejection("401".into())
        );
        // None of them answers a send.
        assert!(b.in_flight.contains(7));
    }

    #[test]
    fn a_session_rejection_the_companion_confirms_stops_retrying() {
        assert_eq!(
            rejected_session("401", Some("the token was revoked".into()), 1),
            Rejected {
                end: "the server no longer accepts this session (401)".into(),
                refused: Some("the token was revoked".into()),
            }
        );
    }

    #[test]
    fn a_session_rejection_the_companion_does_not_confirm_reconnects() {
        assert_eq!(
            rejected_session("401", None, REJECTIONS_BEFORE_STOP - 1),
            Rejected {
                end: "the server ended the session (401); reconnecting".into(),
                refused: None,
            }
        );
    }

    #[test]
    fn unconfirmed_rejections_on_three_connections_in_a_row_stop_with_the_reason() {
        let rejected = rejected_session("error 401: Unauthorized", None, 3);
        let reason = rejected.refused.expect("stops");
        assert!(
            reason.contains("3 connections in a row") && reason.contains("error 401"),
            "{reason}"
        );
    }
}

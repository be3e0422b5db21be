//! The counters of every account, fed one event at a time with the time it happened (so a
//! made-up clock tests them), bounded to the last day.

use crate::account::AccountId;
use crate::connection_state::ConnectionState;
use crate::event::Event;
use crate::message::{DeliveryState, MessageKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

const HOUR_MS: i64 = 3_600_000;
/// What the board covers.
pub const WINDOW_MS: i64 = 24 * HOUR_MS;
/// State changes kept per account (a flapping connection cannot grow the store).
const MAX_MARKS: usize = 500;
/// Reconnect reasons kept per account.
const MAX_RECONNECTS: usize = 100;
/// Longest reason or error text kept.
const MAX_TEXT_CHARS: usize = 300;

/// The three colours of the strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StripState {
    Connected,
    Reconnecting,
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMark {
    pub at_ms: i64,
    pub state: StripState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconnect {
    pub at_ms: i64,
    pub reason: String,
}

/// Messages received and sent in the hour starting at `hour_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    pub hour_ms: i64,
    pub received: u32,
    pub sent: u32,
}

/// What is kept of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountHealth {
    #[serde(default)]
    pub marks: VecDeque<StateMark>,
    #[serde(default)]
    pub reconnects: VecDeque<Reconnect>,
    #[serde(default)]
    pub hours: VecDeque<HourCount>,
    #[serde(default)]
    pub last_error: Option<Reconnect>,
    #[serde(default)]
    pub last_connected_ms: Option<i64>,
}

/// What the page shows of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthView {
    pub account: AccountId,
    /// The state changes of the last 24 h, the first one at the window's start.
    pub strip: Vec<StateMark>,
    pub reconnects_24h: usize,
    /// The latest reconnects, newest first.
    pub recent_reconnects: Vec<Reconnect>,
    /// The last 24 hours, oldest first, every hour present.
    pub hours: Vec<HourCount>,
    pub received_24h: u32,
    pub sent_24h: u32,
    pub last_error: Option<Reconnect>,
    pub last_connected_ms: Option<i64>,
    pub window_start_ms: i64,
    pub now_ms: i64,
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT_CHARS {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(MAX_TEXT_CHARS - 1).collect();
    kept.push('…');
    kept
}

impl AccountHealth {
    fn mark(&mut self, at_ms: i64, state: StripState) {
        if self.marks.back().map(|m| m.state) == Some(state) {
            return;
        }
        self.marks.push_back(StateMark { at_ms, state });
        while self.marks.len() > MAX_MARKS {
            self.marks.pop_front();
        }
    }

    fn on_state(&mut self, state: &ConnectionState, now_ms: i64) {
        match state {
            ConnectionState::Open => {
                self.mark(now_ms, StripState::Connected);
                self.last_connected_ms = Some(now_ms);
            }
            ConnectionState::Connecting { attempt } => {
                if *attempt > 1 || !self.marks.is_empty() {
                    self.mark(now_ms, StripState::Reconnecting);
                }
            }
            ConnectionState::Backoff {
                reason, attempt, ..
            } => {
                // A drop after being connected is a reconnect; waiting before the first
                // connection (a listenKey on its way) is not, unless it fails again and again.
                let dropped = self.marks.back().map(|m| m.state) == Some(StripState::Connected);
                self.mark(now_ms, StripState::Reconnecting);
                let reason = cut(reason);
                if dropped {
                    self.reconnects.push_back(Reconnect {
                        at_ms: now_ms,
                        reason: reason.clone(),
                    });
                    while self.reconnects.len() > MAX_RECONNECTS {
                        self.reconnects.pop_front();
                    }
                }
                if dropped || *attempt >= 2 {
                    self.last_error = Some(Reconnect {
                        at_ms: now_ms,
                        reason,
                    });
                }
            }
            ConnectionState::Stopped { reason } => {
                self.mark(now_ms, StripState::Stopped);
                self.last_error = Some(Reconnect {
                    at_ms: now_ms,
                    reason: cut(reason),
                });
            }
        }
    }

    fn count(&mut self, at_ms: i64, received: u32, sent: u32) {
        let hour_ms = at_ms - at_ms.rem_euclid(HOUR_MS);
        match self.hours.back_mut() {
            Some(h) if h.hour_ms == hour_ms => {
                h.received += received;
                h.sent += sent;
            }
            _ => self.hours.push_back(HourCount {
                hour_ms,
                received,
                sent,
            }),
        }
        while self.hours.len() > 25 {
            self.hours.pop_front();
        }
    }

    /// Forgets what is older than the window, keeping the state the window starts in.
    fn prune(&mut self, now_ms: i64) {
        let start = now_ms - WINDOW_MS;
        while self.marks.len() > 1 && self.marks[1].at_ms <= start {
            self.marks.pop_front();
        }
        while self.reconnects.front().is_some_and(|r| r.at_ms < start) {
            self.reconnects.pop_front();
        }
        while self
            .hours
            .front()
            .is_some_and(|h| h.hour_ms + HOUR_MS <= start)
        {
            self.hours.pop_front();
        }
    }

    /// Whether anything is kept at all.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty() && self.hours.is_empty() && self.last_error.is_none()
    }

    pub fn view(&self, account: &AccountId, now_ms: i64) -> HealthView {
        let start = now_ms - WINDOW_MS;
        let mut strip: Vec<StateMark> = Vec::new();
        for m in &self.marks {
            if m.at_ms <= start {
                strip.clear();
                strip.push(StateMark {
                    at_ms: start,
                    state: m.state,
                });
            } else {
                strip.push(m.clone());
            }
        }
        let first_hour = now_ms - now_ms.rem_euclid(HOUR_MS) - 23 * HOUR_MS;
        let hours: Vec<HourCount> = (0..24)
            .map(|i| {
                let hour_ms = first_hour + i * HOUR_MS;
                self.hours
                    .iter()
                    .find(|h| h.hour_ms == hour_ms)
                    .cloned()
                    .unwrap_or(HourCount {
                        hour_ms,
                        received: 0,
                        sent: 0,
                    })
            })
            .collect();
        let recent: Vec<&Reconnect> = self
            .reconnects
            .iter()
            .filter(|r| r.at_ms >= start)
            .collect();
        HealthView {
            account: account.clone(),
            strip,
            reconnects_24h: recent.len(),
            recent_reconnects: recent.iter().rev().take(5).map(|r| (*r).clone()).collect(),
            received_24h: hours.iter().map(|h| h.received).sum(),
            sent_24h: hours.iter().map(|h| h.sent).sum(),
            hours,
            last_error: self.last_error.clone(),
            last_connected_ms: self.last_connected_ms,
            window_start_ms: start,
            now_ms,
        }
    }
}

/// Every account's counters.
#[derive(Debug, Default)]
pub struct HealthBook {
    accounts: HashMap<AccountId, AccountHealth>,
}

impl HealthBook {
    pub fn from_saved(saved: impl IntoIterator<Item = (AccountId, AccountHealth)>) -> HealthBook {
        HealthBook {
            accounts: saved.into_iter().collect(),
        }
    }

    /// Counts `event`, which happened at `now_ms`; the account it changed, if any.
    pub fn record(&mut self, event: &Event, now_ms: i64) -> Option<AccountId> {
        let account = match event {
            Event::Status { account, .. } | Event::Error { account, .. } => account,
            Event::Message(m) if !m.own && m.kind != MessageKind::System => &m.account,
            // Delivered and read receipts come as `Sent` too: only the first one counts.
            Event::Sent(m) if m.state == DeliveryState::Sent => &m.account,
            _ => return None,
        };
        let health = self.accounts.entry(account.clone()).or_default();
        match event {
            Event::Status { state, .. } => health.on_state(state, now_ms),
            Event::Message(_) => health.count(now_ms, 1, 0),
            Event::Sent(_) => health.count(now_ms, 0, 1),
            Event::Error { message, .. } => {
                health.last_error = Some(Reconnect {
                    at_ms: now_ms,
                    reason: cut(message),
                })
            }
            _ => {}
        }
        health.prune(now_ms);
        Some(account.clone())
    }

    pub fn get(&self, account: &AccountId) -> Option<&AccountHealth> {
        self.accounts.get(account)
    }

    pub fn view(&self, account: &AccountId, now_ms: i64) -> HealthView {
        match self.accounts.get(account) {
            Some(health) => health.view(account, now_ms),
            None => AccountHealth::default().view(account, now_ms),
        }
    }

    /// Drops what is kept of an account that was removed.
    pub fn forget(&mut self, account: &AccountId) {
        self.accounts.remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::StoredMessage;

    fn status(state: ConnectionState) -> Event {
        Event::Status {
            account: AccountId("bot".into()),
            room: None,
            state,
        }
    }

    fn message(own: bool, state: DeliveryState) -> StoredMessage {
        StoredMessage {
            local_id: 1,
            account: AccountId("bot".into()),
            room: "c".into(),
            service_id: None,
            sender_id: "u".into(),
            sender_name: None,
            own,
            kind: MessageKind::Text,
            text: "hi".into(),
            media: None,
            card: None,
            sender_avatar: None,
            ts_ms: 0,
            ts_raw: String::new(),
            state,
            error: None,
            quote_id: None,
        }
    }

    #[test]
    fn a_day_of_a_flapping_bot_is_counted_and_bounded() {
        let bot = AccountId("bot".into());
        let mut book = HealthBook::default();
        let t0 = 100 * WINDOW_MS;
        book.record(&status(ConnectionState::Connecting { attempt: 1 }), t0);
        book.record(
            &status(ConnectionState::Backoff {
                attempt: 1,
                retry_in_ms: 100,
                reason: "getting a listenKey".into(),
            }),
            t0 + 10,
        );
        book.record(&status(ConnectionState::Open), t0 + 1_000);
        book.record(
            &Event::Message(message(false, DeliveryState::Sent)),
            t0 + 2_000,
        );
        book.record(&Event::Sent(message(true, DeliveryState::Sent)), t0 + 3_000);
        book.record(
            &Event::Sent(message(true, DeliveryState::Delivered)),
            t0 + 4_000,
        );
        book.record(
            &status(ConnectionState::Backoff {
                attempt: 1,
                retry_in_ms: 1000,
                reason: "the server closed the connection".into(),
            }),
            t0 + HOUR_MS,
        );
        book.record(&status(ConnectionState::Open), t0 + HOUR_MS + 2_000);
        let view = book.view(&bot, t0 + 2 * HOUR_MS);
        let states: Vec<StripState> = view.strip.iter().map(|m| m.state).collect();
        assert_eq!(
            states,
            [
                StripState::Reconnecting,
                StripState::Connected,
                StripState::Reconnecting,
                StripState::Connected
            ]
        );
        assert_eq!(
            view.reconnects_24h, 1,
            "waiting before the first connection is no reconnect"
        );
        assert_eq!(
            view.recent_reconnects[0].reason,
            "the server closed the connection"
        );
        assert_eq!(
            (view.received_24h, view.sent_24h),
            (1, 1),
            "a receipt is no second send"
        );
        assert_eq!(view.hours.len(), 24);
        assert_eq!(view.last_connected_ms, Some(t0 + HOUR_MS + 2_000));
        // A day later the window starts connected, with nothing counted.
        let later = book.view(&bot, t0 + 3 * WINDOW_MS);
        assert_eq!(later.strip.len(), 1);
        assert_eq!(later.strip[0].state, StripState::Connected);
        assert_eq!((later.received_24h, later.reconnects_24h), (0, 0));
        // A thousand reconnects keep at most the bounds.
        for i in 0..1000 {
            book.record(
                &status(ConnectionState::Backoff {
                    attempt: i,
                    retry_in_ms: 1,
                    reason: "x".repeat(10_000),
                }),
                t0 + 3 * HOUR_MS + i as i64 * 2,
            );
            book.record(
                &status(ConnectionState::Open),
                t0 + 3 * HOUR_MS + i as i64 * 2 + 1,
            );
        }
        let kept = book.get(&bot).unwrap();
        assert!(kept.marks.len() <= MAX_MARKS && kept.reconnects.len() <= MAX_RECONNECTS);
        assert!(kept.last_error.as_ref().unwrap().reason.chars().count() <= MAX_TEXT_CHARS);
    }
}

//! The counters of every account, fed one event at a time with the time it happened (so a
//! made-up clock tests them), bounded to the last day.

use crate::account::AccountId;
use crate::connection_state::ConnectionState;
use crate::event::Event;
use crate::health::HealthReport;
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
/// Acknowledgement samples kept per account (one per acknowledgement call or frame burst).
const MAX_ACK_SAMPLES: usize = 2_000;
/// Connects whose backlog is kept per account.
const MAX_BACKLOGS: usize = 20;
/// A message stamped this long before the connection opened was waiting for it (a backlog);
/// closer than that, it is live traffic that crossed the connect.
const BACKLOG_MARGIN_MS: i64 = 5_000;

/// The colours of the strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StripState {
    Connected,
    Reconnecting,
    Stopped,
    /// Parley was closed: nothing is known of the connection until it starts again.
    Closed,
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

/// The messages found waiting when a connection opened (sent before it, delivered on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    pub at_ms: i64,
    pub count: u32,
}

/// One acknowledgement: `count` messages, `latency_ms` after they were stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckSample {
    pub at_ms: i64,
    pub count: u32,
    pub latency_ms: u64,
}

/// How far the server's clock was from the machine's (server minus machine), and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    pub at_ms: i64,
    pub skew_ms: i64,
}

/// Messages received and sent in the hour starting at `hour_ms`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    pub hour_ms: i64,
    pub received: u32,
    pub sent: u32,
    /// Received messages acknowledged to the service (bots).
    #[serde(default)]
    pub acknowledged: u32,
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
    #[serde(default)]
    pub backlogs: VecDeque<Backlog>,
    #[serde(default)]
    pub acks: VecDeque<AckSample>,
    #[serde(default)]
    pub clock: Option<ClockReading>,
    /// Since when stored messages wait for their acknowledgement (this run only).
    #[serde(skip)]
    pub unacked_since_ms: Option<i64>,
    /// When the current connection opened, while its backlog is counted (this run only).
    #[serde(skip)]
    open_since_ms: Option<i64>,
    /// The messages last counted as sent (this run only): MEXC says "sent" twice for one
    /// message, once in its reply and once with its echo.
    #[serde(skip)]
    sent_counted: VecDeque<i64>,
}

/// How many messages counted as sent are remembered, to count each once.
const SENT_REMEMBERED: usize = 256;

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
    /// The backlog found at the latest connects, newest first.
    pub backlogs: Vec<Backlog>,
    /// Messages acknowledged in the last 24 h, and how long after storing them (p50, p99).
    pub acknowledged_24h: u32,
    pub ack_p50_ms: Option<u64>,
    pub ack_p99_ms: Option<u64>,
    /// Since when the oldest stored message waits for its acknowledgement.
    pub unacked_since_ms: Option<i64>,
    /// The server's clock minus the machine's at the last connect, and the warning when it is
    /// far enough off to refuse signed requests.
    pub clock_skew_ms: Option<i64>,
    pub clock_warning: Option<String>,
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

    /// Parley is closing: the time until the next start is not painted as the last state.
    fn closed(&mut self, now_ms: i64) {
        self.open_since_ms = None;
        self.unacked_since_ms = None;
        self.mark(now_ms, StripState::Closed);
    }

    fn on_state(&mut self, state: &ConnectionState, now_ms: i64) {
        match state {
            ConnectionState::Open => {
                if self.marks.back().map(|m| m.state) != Some(StripState::Connected) {
                    self.backlogs.push_back(Backlog {
                        at_ms: now_ms,
                        count: 0,
                    });
                    while self.backlogs.len() > MAX_BACKLOGS {
                        self.backlogs.pop_front();
                    }
                    self.open_since_ms = Some(now_ms);
                }
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
                self.open_since_ms = None;
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
                self.open_since_ms = None;
                // A stopped connection acknowledges nothing more this run.
                self.unacked_since_ms = None;
                self.mark(now_ms, StripState::Stopped);
                self.last_error = Some(Reconnect {
                    at_ms: now_ms,
                    reason: cut(reason),
                });
            }
        }
    }

    /// A received message stamped `sent_ms` by the server: part of the backlog when it was
    /// sent before the connection opened (on the server's clock).
    fn received(&mut self, sent_ms: i64) {
        let Some(opened) = self.open_since_ms else {
            return;
        };
        let skew = self.clock.as_ref().map_or(0, |c| c.skew_ms);
        if sent_ms >= opened + skew - BACKLOG_MARGIN_MS {
            // Live traffic: what waited has arrived (services send it first). A room's history
            // read later (a room joined) is no backlog of this connect.
            self.open_since_ms = None;
        } else if let Some(latest) = self.backlogs.back_mut() {
            latest.count += 1;
        }
    }

    fn on_report(&mut self, report: &HealthReport, now_ms: i64) {
        match report {
            HealthReport::Acknowledged { count, latency_ms } => {
                self.hour(now_ms).acknowledged += count;
                self.acks.push_back(AckSample {
                    at_ms: now_ms,
                    count: *count,
                    latency_ms: *latency_ms,
                });
                while self.acks.len() > MAX_ACK_SAMPLES {
                    self.acks.pop_front();
                }
            }
            HealthReport::Unacknowledged { since_ms } => self.unacked_since_ms = *since_ms,
            HealthReport::ClockSkew { skew_ms } => {
                self.clock = Some(ClockReading {
                    at_ms: now_ms,
                    skew_ms: *skew_ms,
                })
            }
        }
    }

    /// The counts of the hour `at_ms` falls in (added when it is a new hour).
    fn hour(&mut self, at_ms: i64) -> &mut HourCount {
        let hour_ms = at_ms - at_ms.rem_euclid(HOUR_MS);
        if self.hours.back().map(|h| h.hour_ms) != Some(hour_ms) {
            self.hours.push_back(HourCount {
                hour_ms,
                ..HourCount::default()
            });
            while self.hours.len() > 25 {
                self.hours.pop_front();
            }
        }
        self.hours.back_mut().expect("just added")
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
        while self.acks.front().is_some_and(|a| a.at_ms < start) {
            self.acks.pop_front();
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
                        ..HourCount::default()
                    })
            })
            .collect();
        let recent: Vec<&Reconnect> = self
            .reconnects
            .iter()
            .filter(|r| r.at_ms >= start)
            .collect();
        // Latency per message (a batch of 100 counts 100 times), over the samples kept.
        let mut latencies: Vec<(u64, u32)> = self
            .acks
            .iter()
            .filter(|a| a.at_ms >= start)
            .map(|a| (a.latency_ms, a.count))
            .collect();
        latencies.sort_unstable();
        let weight: u64 = latencies.iter().map(|(_, n)| u64::from(*n)).sum();
        let percentile = |p: u64| -> Option<u64> {
            let rank = (weight * p).div_ceil(100).max(1);
            let mut seen = 0;
            latencies.iter().find_map(|(ms, n)| {
                seen += u64::from(*n);
                (seen >= rank).then_some(*ms)
            })
        };
        let clock_skew_ms = self.clock.as_ref().map(|c| c.skew_ms);
        HealthView {
            account: account.clone(),
            backlogs: self.backlogs.iter().rev().take(5).cloned().collect(),
            acknowledged_24h: hours.iter().map(|h| h.acknowledged).sum(),
            ack_p50_ms: percentile(50),
            ack_p99_ms: percentile(99),
            unacked_since_ms: self.unacked_since_ms,
            clock_skew_ms,
            clock_warning: clock_skew_ms.and_then(super::report::clock_warning),
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
    /// Marks every board closed (Parley quits): until the next start, the strip shows a gap
    /// rather than the last state (a night with the app closed was painted connected).
    pub fn closed(&mut self, now_ms: i64) {
        for health in self.accounts.values_mut() {
            health.closed(now_ms);
        }
    }

    /// The accounts with a board.
    pub fn accounts(&self) -> Vec<AccountId> {
        self.accounts.keys().cloned().collect()
    }

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
            Event::HealthReport { account, .. } => account,
            _ => return None,
        };
        let health = self.accounts.entry(account.clone()).or_default();
        match event {
            Event::Status { state, .. } => health.on_state(state, now_ms),
            Event::Message(m) => {
                health.hour(now_ms).received += 1;
                health.received(m.ts_ms);
            }
            Event::HealthReport { report, .. } => health.on_report(report, now_ms),
            Event::Sent(m) => {
                if health.sent_counted.contains(&m.local_id) {
                    return None;
                }
                if health.sent_counted.len() == SENT_REMEMBERED {
                    health.sent_counted.pop_front();
                }
                health.sent_counted.push_back(m.local_id);
                health.hour(now_ms).sent += 1;
            }
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
            own,
            state,
            ..StoredMessage::received_for_test("bot")
        }
    }

    #[test]
    fn a_message_sent_is_counted_once_though_its_reply_and_its_echo_both_say_sent() {
        let bot = AccountId("bot".into());
        let mut book = HealthBook::default();
        let t0 = 100 * WINDOW_MS;
        let accepted = message(true, DeliveryState::Sent);
        let echoed = StoredMessage {
            service_id: Some("77".into()),
            ..accepted.clone()
        };
        let next = StoredMessage {
            local_id: 2,
            ..accepted.clone()
        };
        for m in [accepted, echoed, next] {
            book.record(&Event::Sent(std::sync::Arc::new(m)), t0);
        }
        assert_eq!(book.view(&bot, t0 + 1_000).sent_24h, 2);
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
            &Event::Message(std::sync::Arc::new(message(false, DeliveryState::Sent))),
            t0 + 2_000,
        );
        book.record(
            &Event::Sent(std::sync::Arc::new(message(true, DeliveryState::Sent))),
            t0 + 3_000,
        );
        book.record(
            &Event::Sent(std::sync::Arc::new(message(true, DeliveryState::Delivered))),
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

    fn received_at(sent_ms: i64) -> Event {
        let mut m = message(false, DeliveryState::Sent);
        m.ts_ms = sent_ms;
        Event::Message(std::sync::Arc::new(m))
    }

    fn report(report: HealthReport) -> Event {
        Event::HealthReport {
            account: AccountId("bot".into()),
            report,
        }
    }

    #[test]
    fn the_backlog_of_each_connect_acknowledgement_latency_and_the_servers_clock_are_kept() {
        let bot = AccountId("bot".into());
        let mut book = HealthBook::default();
        let t0 = 100 * WINDOW_MS;
        // The server's clock is 10 min ahead: its stamps are read on its clock.
        book.record(&report(HealthReport::ClockSkew { skew_ms: 600_000 }), t0);
        book.record(&status(ConnectionState::Open), t0);
        for ago in [3_600_000, 60_000, 6_000] {
            book.record(&received_at(t0 + 600_000 - ago), t0 + 10);
        }
        // Live traffic that crossed the connect, and a message after it, are no backlog.
        book.record(&received_at(t0 + 600_000 - 1_000), t0 + 20);
        book.record(&received_at(t0 + 600_000 + 5_000), t0 + 5_000);
        book.record(
            &report(HealthReport::Unacknowledged {
                since_ms: Some(t0 + 10),
            }),
            t0 + 10,
        );
        let view = book.view(&bot, t0 + 30);
        assert_eq!(view.unacked_since_ms, Some(t0 + 10));
        assert_eq!(view.backlogs.len(), 1);
        assert_eq!(view.backlogs[0].count, 3, "{:?}", view.backlogs);
        assert!(view
            .clock_warning
            .as_deref()
            .is_some_and(|w| w.contains("10 min behind")));
        // A hundred acknowledgements, two slow.
        for i in 0..100u64 {
            let latency_ms = if i == 42 || i == 77 {
                5_000
            } else {
                10 + i % 5
            };
            book.record(
                &report(HealthReport::Acknowledged {
                    count: 2,
                    latency_ms,
                }),
                t0 + 100 + i as i64,
            );
        }
        book.record(
            &report(HealthReport::Unacknowledged { since_ms: None }),
            t0 + 300,
        );
        let view = book.view(&bot, t0 + 400);
        assert_eq!(view.acknowledged_24h, 200);
        assert_eq!(view.ack_p50_ms, Some(12));
        assert_eq!(view.ack_p99_ms, Some(5_000));
        assert_eq!(view.unacked_since_ms, None);
        // A reconnect starts a new count; the old one stays, newest first.
        book.record(
            &status(ConnectionState::Backoff {
                attempt: 1,
                retry_in_ms: 10,
                reason: "lost".into(),
            }),
            t0 + 1_000,
        );
        book.record(&received_at(t0), t0 + 1_500);
        book.record(&status(ConnectionState::Open), t0 + 2_000);
        let view = book.view(&bot, t0 + 2_001);
        let counts: Vec<u32> = view.backlogs.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 3], "nothing counted while disconnected");
        // A day later the latency samples are gone; the clock reading stays until the next.
        let later = book.view(&bot, t0 + 2 * WINDOW_MS);
        assert_eq!((later.acknowledged_24h, later.ack_p50_ms), (0, None));
        // Saved and loaded, the counts survive (the waiting mark is this run's only).
        let saved = serde_json::to_string(book.get(&bot).unwrap()).unwrap();
        let loaded: AccountHealth = serde_json::from_str(&saved).unwrap();
        assert_eq!(loaded.backlogs.len(), 2);
        assert_eq!(loaded.acks.len(), 100);
    }

    #[test]
    fn acknowledgements_count_per_message_a_busy_day_in_full_and_the_backlog_ends_at_live_traffic()
    {
        let bot = AccountId("bot".into());
        let mut book = HealthBook::default();
        let t0 = 100 * WINDOW_MS;
        book.record(&status(ConnectionState::Open), t0);
        book.record(&received_at(t0 - 60_000), t0 + 1);
        // Live traffic: the backlog is complete; history read later is not part of it.
        book.record(&received_at(t0 + 100), t0 + 200);
        book.record(&received_at(t0 - 3_600_000), t0 + 300);
        assert_eq!(book.view(&bot, t0 + 400).backlogs[0].count, 1);
        // Ten single messages acknowledged fast, one batch of 100 slowly: per message, the
        // median is the slow batch's.
        for i in 0..10 {
            book.record(
                &report(HealthReport::Acknowledged {
                    count: 1,
                    latency_ms: 10,
                }),
                t0 + 500 + i,
            );
        }
        book.record(
            &report(HealthReport::Acknowledged {
                count: 100,
                latency_ms: 800,
            }),
            t0 + 600,
        );
        let view = book.view(&bot, t0 + 700);
        assert_eq!((view.ack_p50_ms, view.ack_p99_ms), (Some(800), Some(800)));
        // A busy day: more acknowledgements than samples kept, every message still counted.
        for i in 0..3_000 {
            book.record(
                &report(HealthReport::Acknowledged {
                    count: 1,
                    latency_ms: 5,
                }),
                t0 + 1_000 + i,
            );
        }
        assert_eq!(book.view(&bot, t0 + 5_000).acknowledged_24h, 3_110);
        // A stop forgets what was waiting: nothing more is acknowledged this run.
        book.record(
            &report(HealthReport::Unacknowledged {
                since_ms: Some(t0 + 5_000),
            }),
            t0 + 5_000,
        );
        book.record(
            &status(ConnectionState::Stopped {
                reason: "stopped".into(),
            }),
            t0 + 6_000,
        );
        assert_eq!(book.view(&bot, t0 + 7_000).unacked_since_ms, None);
    }
}

//! Whose move an order waits for and how close its deadline is: pure functions of the order,
//! the chat's last messages and a clock the caller passes in, so the rules are tested with a
//! made-up clock and the Orders view, the notifications and the order panel agree.

use super::{OrderDetails, OrderStatus, Side};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A deadline this close is shown amber…
pub const SOON_MS: i64 = 5 * 60 * 1000;
/// …and this close red.
pub const URGENT_MS: i64 = 2 * 60 * 1000;

/// Whose move the order waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Turn {
    /// The user must act: pay, release, or answer the counterparty's last message.
    You,
    /// A dispute is open: the exchange's support decides; both sides may need to answer.
    Dispute,
    /// The counterparty must act.
    Counterparty,
    /// The order is finished (or in a state nobody acts on).
    Nobody,
}

impl Turn {
    /// Rank in the Orders view: waiting for you first.
    fn rank(self) -> u8 {
        match self {
            Turn::You => 0,
            Turn::Dispute => 1,
            Turn::Counterparty => 2,
            Turn::Nobody => 3,
        }
    }
}

/// What a deadline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The buyer must have paid by then, or the order times out.
    Payment,
    /// From then the buyer may open a dispute over a payment not released.
    AppealOpens,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub at_ms: i64,
    pub kind: DeadlineKind,
}

/// How a countdown is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Calm,
    /// Within [`SOON_MS`]: amber.
    Soon,
    /// Within [`URGENT_MS`]: red.
    Urgent,
    /// Past it.
    Overdue,
}

/// When the last messages of the order's chat were written (ms), each side's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChatActivity {
    pub counterparty_last_ms: Option<i64>,
    pub own_last_ms: Option<i64>,
}

/// Whose move it is by the order's status alone: the buyer pays, the seller releases.
pub fn turn_by_status(order: &OrderDetails) -> Turn {
    match (order.status, order.side) {
        (OrderStatus::AwaitingPayment, Side::Buy) | (OrderStatus::Paid, Side::Sell) => Turn::You,
        (OrderStatus::AwaitingPayment, Side::Sell) | (OrderStatus::Paid, Side::Buy) => {
            Turn::Counterparty
        }
        (OrderStatus::Appeal, _) => Turn::Dispute,
        _ => Turn::Nobody,
    }
}

/// Whose move it is, the chat included: on a live order, a message from the counterparty that
/// the user has not answered makes it the user's turn, whatever the status says.
pub fn turn(order: &OrderDetails, chat: ChatActivity) -> Turn {
    let by_status = turn_by_status(order);
    let unanswered = match (chat.counterparty_last_ms, chat.own_last_ms) {
        (Some(theirs), Some(mine)) => theirs > mine,
        (Some(_), None) => true,
        _ => false,
    };
    if order.status.is_live() && by_status == Turn::Counterparty && unanswered {
        Turn::You
    } else {
        by_status
    }
}

/// The deadline that matters now: the payment window while unpaid; once paid, when the buyer
/// may open a dispute (the seller's deadline to release). None for other states.
pub fn deadline(order: &OrderDetails) -> Option<Deadline> {
    match order.status {
        OrderStatus::AwaitingPayment => order.pay_deadline_ms.map(|at_ms| Deadline {
            at_ms,
            kind: DeadlineKind::Payment,
        }),
        OrderStatus::Paid => order.appeal_from_ms.map(|at_ms| Deadline {
            at_ms,
            kind: DeadlineKind::AppealOpens,
        }),
        _ => None,
    }
}

pub fn urgency(at_ms: i64, now_ms: i64) -> Urgency {
    let left = at_ms - now_ms;
    if left <= 0 {
        Urgency::Overdue
    } else if left <= URGENT_MS {
        Urgency::Urgent
    } else if left <= SOON_MS {
        Urgency::Soon
    } else {
        Urgency::Calm
    }
}

/// The Orders view's order: live before finished, waiting for you first, then the nearest
/// deadline, then the most recent message from the counterparty.
pub fn sort_key(order: &OrderDetails, chat: ChatActivity) -> (bool, u8, i64, i64) {
    (
        !order.status.is_live(),
        turn(order, chat).rank(),
        deadline(order).map_or(i64::MAX, |d| d.at_ms),
        -chat.counterparty_last_ms.unwrap_or(0),
    )
}

/// Remembers which deadlines were warned about, so that an order about to time out notifies
/// once per deadline (a new deadline, after a state change, warns again).
#[derive(Debug, Default)]
pub struct DeadlineWarnings {
    warned: HashSet<(String, i64)>,
}

/// Warnings remembered at most; the oldest orders' are forgotten first (orders come from servers).
const WARNINGS_KEPT: usize = 4096;

impl DeadlineWarnings {
    /// Whether the order `key` should warn now: the user must act by the status (the
    /// counterparty waits), its deadline is within [`SOON_MS`] and not past, and this deadline
    /// was not warned about yet.
    pub fn due(&mut self, key: &str, order: &OrderDetails, now_ms: i64) -> bool {
        if turn_by_status(order) != Turn::You {
            return false;
        }
        let Some(deadline) = deadline(order) else {
            return false;
        };
        if !matches!(
            urgency(deadline.at_ms, now_ms),
            Urgency::Soon | Urgency::Urgent
        ) {
            return false;
        }
        if self.warned.len() >= WARNINGS_KEPT {
            self.warned.clear();
        }
        self.warned.insert((key.to_owned(), deadline.at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    /// A made-up clock: noon on some day, in ms.
    const NOW: i64 = 1_800_000_000_000;

    fn order(status: OrderStatus, side: Side) -> OrderDetails {
        OrderDetails {
            order_no: "A1".into(),
            side,
            coin: "USDT".into(),
            quantity: "1000".into(),
            price: "0.92".into(),
            fiat_total: "920".into(),
            fiat: "EUR".into(),
            payment_method: None,
            counterparty: Some("bob".into()),
            status,
            status_raw: String::new(),
            pay_deadline_ms: Some(NOW + 10 * MIN),
            appeal_from_ms: Some(NOW + 30 * MIN),
            created_ms: Some(NOW - 5 * MIN),
            updated_ms: None,
        }
    }

    #[test]
    fn the_buyer_pays_and_the_seller_releases() {
        use OrderStatus::*;
        assert_eq!(
            turn_by_status(&order(AwaitingPayment, Side::Buy)),
            Turn::You
        );
        assert_eq!(
            turn_by_status(&order(AwaitingPayment, Side::Sell)),
            Turn::Counterparty
        );
        assert_eq!(turn_by_status(&order(Paid, Side::Sell)), Turn::You);
        assert_eq!(turn_by_status(&order(Paid, Side::Buy)), Turn::Counterparty);
        assert_eq!(turn_by_status(&order(Appeal, Side::Buy)), Turn::Dispute);
        assert_eq!(turn_by_status(&order(Completed, Side::Sell)), Turn::Nobody);
        assert_eq!(turn_by_status(&order(Other, Side::Sell)), Turn::Nobody);
    }

    #[test]
    fn an_unanswered_message_makes_it_your_turn_on_a_live_order_only() {
        let waiting = order(OrderStatus::AwaitingPayment, Side::Sell);
        let asked = ChatActivity {
            counterparty_last_ms: Some(NOW),
            own_last_ms: Some(NOW - MIN),
        };
        let answered = ChatActivity {
            counterparty_last_ms: Some(NOW - MIN),
            own_last_ms: Some(NOW),
        };
        assert_eq!(turn(&waiting, asked), Turn::You);
        assert_eq!(turn(&waiting, answered), Turn::Counterparty);
        let first_word = ChatActivity {
            counterparty_last_ms: Some(NOW),
            own_last_ms: None,
        };
        assert_eq!(turn(&waiting, first_word), Turn::You);
        assert_eq!(
            turn(&order(OrderStatus::Completed, Side::Sell), asked),
            Turn::Nobody
        );
    }

    #[test]
    fn the_deadline_follows_the_status() {
        let unpaid = order(OrderStatus::AwaitingPayment, Side::Buy);
        assert_eq!(
            deadline(&unpaid),
            Some(Deadline {
                at_ms: NOW + 10 * MIN,
                kind: DeadlineKind::Payment
            })
        );
        let paid = order(OrderStatus::Paid, Side::Sell);
        assert_eq!(
            deadline(&paid).map(|d| d.kind),
            Some(DeadlineKind::AppealOpens)
        );
        assert_eq!(deadline(&order(OrderStatus::Appeal, Side::Sell)), None);
        let mut no_time = unpaid.clone();
        no_time.pay_deadline_ms = None;
        assert_eq!(deadline(&no_time), None);
    }

    #[test]
    fn a_countdown_turns_amber_then_red_then_overdue() {
        let at = NOW + 10 * MIN;
        assert_eq!(urgency(at, NOW), Urgency::Calm);
        assert_eq!(urgency(at, at - SOON_MS - 1), Urgency::Calm);
        assert_eq!(urgency(at, at - SOON_MS), Urgency::Soon);
        assert_eq!(urgency(at, at - URGENT_MS - 1), Urgency::Soon);
        assert_eq!(urgency(at, at - URGENT_MS), Urgency::Urgent);
        assert_eq!(urgency(at, at - 1), Urgency::Urgent);
        assert_eq!(urgency(at, at), Urgency::Overdue);
        assert_eq!(urgency(at, at + MIN), Urgency::Overdue);
    }

    #[test]
    fn orders_waiting_for_you_come_first_then_by_deadline_then_the_archive() {
        let quiet = ChatActivity::default();
        let mut pay_soon = order(OrderStatus::AwaitingPayment, Side::Buy);
        pay_soon.pay_deadline_ms = Some(NOW + 3 * MIN);
        let mut pay_later = order(OrderStatus::AwaitingPayment, Side::Buy);
        pay_later.pay_deadline_ms = Some(NOW + 12 * MIN);
        let their_move = order(OrderStatus::AwaitingPayment, Side::Sell);
        let dispute = order(OrderStatus::Appeal, Side::Sell);
        let done = order(OrderStatus::Completed, Side::Buy);
        let mut all = [&done, &their_move, &pay_later, &dispute, &pay_soon];
        all.sort_by_key(|o| sort_key(o, quiet));
        let statuses: Vec<(OrderStatus, Option<i64>)> =
            all.iter().map(|o| (o.status, o.pay_deadline_ms)).collect();
        assert_eq!(
            statuses,
            vec![
                (OrderStatus::AwaitingPayment, Some(NOW + 3 * MIN)),
                (OrderStatus::AwaitingPayment, Some(NOW + 12 * MIN)),
                (OrderStatus::Appeal, Some(NOW + 10 * MIN)),
                (OrderStatus::AwaitingPayment, Some(NOW + 10 * MIN)),
                (OrderStatus::Completed, Some(NOW + 10 * MIN)),
            ]
        );
    }

    #[test]
    fn an_order_about_to_time_out_warns_once_per_deadline_and_only_when_you_must_act() {
        let mut warnings = DeadlineWarnings::default();
        let mut mine = order(OrderStatus::AwaitingPayment, Side::Buy);
        // Ten minutes left: not yet.
        assert!(!warnings.due("A1", &mine, NOW));
        // Four minutes left: once.
        assert!(warnings.due("A1", &mine, NOW + 6 * MIN));
        assert!(!warnings.due("A1", &mine, NOW + 7 * MIN));
        // Past the deadline: nothing (it timed out; the status will say so).
        assert!(!DeadlineWarnings::default().due("A1", &mine, NOW + 11 * MIN));
        // The counterparty's move: never, however close.
        let theirs = order(OrderStatus::AwaitingPayment, Side::Sell);
        assert!(!warnings.due("B2", &theirs, NOW + 9 * MIN));
        // Paid, the user releases: the appeal window is the deadline; a new one warns again.
        mine.status = OrderStatus::Paid;
        mine.side = Side::Sell;
        assert!(warnings.due("A1", &mine, NOW + 27 * MIN));
        mine.appeal_from_ms = Some(NOW + 40 * MIN);
        assert!(warnings.due("A1", &mine, NOW + 37 * MIN));
    }
}

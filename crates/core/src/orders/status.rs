//! An order's status, reduced to what a trader acts on. Exchanges name their states their own
//! way; the raw name is always kept beside this (see [`super::OrderDetails::status_raw`]).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// The buyer has not paid yet (MEXC `NOT_PAID`).
    AwaitingPayment,
    /// The buyer says they paid; the seller checks and releases the coin (MEXC `PAID`).
    Paid,
    /// A dispute (appeal) is open with the exchange's support.
    Appeal,
    /// Done: the coin was released (MEXC `DONE`).
    Completed,
    /// Cancelled by a party or the exchange (MEXC `CANCEL`).
    Cancelled,
    /// The payment window ran out (MEXC `TIMEOUT`).
    TimedOut,
    /// A state this version does not know: shown by its raw name, treated as live.
    Other,
}

impl OrderStatus {
    /// Reads MEXC's `state` (the documented `OrderDealState` names; anything about an appeal
    /// or complaint is an appeal, as the enum's full list is not published).
    pub fn from_mexc(state: &str) -> OrderStatus {
        let state = state.trim().to_ascii_uppercase();
        match state.as_str() {
            "NOT_PAID" | "NOT_PAY" | "UNPAID" | "CREATED" | "INIT" => OrderStatus::AwaitingPayment,
            "PAID" | "PAYED" => OrderStatus::Paid,
            "DONE" | "COMPLETED" | "FINISHED" | "SUCCESS" => OrderStatus::Completed,
            "CANCEL" | "CANCELED" | "CANCELLED" => OrderStatus::Cancelled,
            "TIMEOUT" | "TIME_OUT" | "EXPIRED" => OrderStatus::TimedOut,
            s if s.contains("APPEAL") || s.contains("COMPLAIN") || s.contains("DISPUTE") => {
                OrderStatus::Appeal
            }
            _ => OrderStatus::Other,
        }
    }

    /// Whether the order can still change (it belongs in the live list, not the archive).
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            OrderStatus::Completed | OrderStatus::Cancelled | OrderStatus::TimedOut
        )
    }

    /// How the status reads in a sentence ("Paid, waiting for release").
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "Waiting for payment",
            OrderStatus::Paid => "Paid, waiting for release",
            OrderStatus::Appeal => "In dispute",
            OrderStatus::Completed => "Completed",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::TimedOut => "Timed out",
            OrderStatus::Other => "Unknown state",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mexc_states_map_to_what_a_trader_acts_on() {
        assert_eq!(
            OrderStatus::from_mexc("NOT_PAID"),
            OrderStatus::AwaitingPayment
        );
        assert_eq!(OrderStatus::from_mexc("PAID"), OrderStatus::Paid);
        assert_eq!(OrderStatus::from_mexc("done"), OrderStatus::Completed);
        assert_eq!(OrderStatus::from_mexc("CANCEL"), OrderStatus::Cancelled);
        assert_eq!(OrderStatus::from_mexc("TIMEOUT"), OrderStatus::TimedOut);
        assert_eq!(OrderStatus::from_mexc("APPEALING"), OrderStatus::Appeal);
        assert_eq!(OrderStatus::from_mexc("IN_COMPLAINT"), OrderStatus::Appeal);
        assert_eq!(OrderStatus::from_mexc("SOMETHING_NEW"), OrderStatus::Other);
        assert!(OrderStatus::Other.is_live() && OrderStatus::Appeal.is_live());
        assert!(!OrderStatus::TimedOut.is_live());
    }
}

//! The details of one P2P order, as the order panel, the Orders view, reply templates and an
//! evidence pack show them. Amounts stay the decimal strings the exchange sent (never a float).

use super::OrderStatus;
use serde::{Deserialize, Serialize};

/// Which way the trade goes for this account: `Sell` means the user sells the coin (and
/// receives the fiat payment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Buy => "Buy",
            Side::Sell => "Sell",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDetails {
    pub order_no: String,
    pub side: Side,
    /// The coin traded ("USDT").
    pub coin: String,
    /// How much of the coin, as sent ("1000", "0.015").
    pub quantity: String,
    /// Price of one coin in the fiat currency, as sent.
    pub price: String,
    /// What the buyer pays, in `fiat`, as sent.
    pub fiat_total: String,
    /// The fiat currency ("EUR").
    pub fiat: String,
    /// The payment method the buyer chose, else the ones the ad offers, as the exchange names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// The other party's nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    pub status: OrderStatus,
    /// The exchange's own name for the status.
    pub status_raw: String,
    /// When the buyer must have paid by (ms since the epoch, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_deadline_ms: Option<i64>,
    /// From when either party may open a dispute (ms since the epoch, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_from_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_ms: Option<i64>,
}

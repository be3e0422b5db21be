//! An order chat's order as the page and `parley-cli` get it: what the order book knows, the
//! chat's title made from it, whose move the status says it is and the deadline that matters.
//! Computed here once so the Orders view, the order panel and the notifications agree; the
//! page adds only what depends on the chat's last message and the clock.

use super::title::room_title;
use super::turn::{deadline, turn_by_status, Deadline, Turn};
use super::OrderEntry;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    #[serde(flatten)]
    pub entry: OrderEntry,
    /// "Sell 1,000 USDT · bob", once the details are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub turn_by_status: Turn,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
}

impl From<OrderEntry> for OrderView {
    fn from(entry: OrderEntry) -> Self {
        let details = entry.details.as_ref();
        OrderView {
            title: details.map(room_title),
            turn_by_status: details.map_or(Turn::Nobody, turn_by_status),
            deadline: details.and_then(deadline),
            entry,
        }
    }
}

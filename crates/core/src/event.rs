//! Events from the core to whoever renders it (the desktop UI through the bridge, or
//! `parley-cli` as NDJSON). Serialized with an `event` tag so both read the same shape.

use crate::account::AccountId;
use crate::connection_state::ConnectionState;
use crate::live::{Alert, PriceTick};
use crate::message::StoredMessage;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The large payloads are behind a pointer: the engine's broadcast channel allocates all its
/// slots up front, each the size of an `Event` (560 bytes with a message inline, 4.6 MB for the
/// 8,192 slots; a test keeps it small). A message is shared (`Arc`): every subscriber (the page's
/// bridge, the tray, notifications, alerts, health, order watches) receives a clone of each event,
/// which for a boxed message was a copy of all its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A connection of an account changed state. `room` is set for services with one
    /// connection per room (MEXC).
    Status {
        account: AccountId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        state: ConnectionState,
    },
    /// A message was stored for the first time (received, or written by the user).
    Message(Arc<StoredMessage>),
    /// The server confirmed a message the user wrote.
    Sent(Arc<StoredMessage>),
    /// A message the user wrote could not be sent.
    Failed(Arc<StoredMessage>),
    /// Part of a file the user sends is uploaded (a few times a second while it goes up).
    UploadProgress {
        account: AccountId,
        room: String,
        local_id: i64,
        sent_bytes: u64,
        total_bytes: u64,
    },
    /// A message of the user's was deleted: a failed one, or a file whose upload was cancelled.
    Deleted {
        account: AccountId,
        room: String,
        local_id: i64,
    },
    /// How many people are in a room, when the service says.
    Presence {
        account: AccountId,
        room: String,
        online: u32,
    },
    /// A user came online or went offline (services with presence per user).
    UserStatus {
        account: AccountId,
        user: String,
        online: bool,
    },
    /// Someone started or stopped typing in a room.
    Typing {
        account: AccountId,
        room: String,
        user: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        active: bool,
    },
    /// The latest market prices (coalesced: at most a few events a second per account).
    Prices {
        account: AccountId,
        ticks: Vec<PriceTick>,
    },
    /// A trade alert, new post, notification or live session for the notifications panel.
    Alert {
        account: AccountId,
        alert: Box<Alert>,
    },
    /// Something the user should see: a server error frame, a malformed frame, a refused send.
    Error { account: AccountId, message: String },
    /// The service named a room (a Mixin conversation's group or contact name).
    RoomTitle {
        account: AccountId,
        room: String,
        title: String,
    },
    /// What is known of an order chat's order changed (MEXC API-key accounts).
    Order(Box<crate::orders::OrderView>),
    /// An account's orders cannot be read (`reason`), or can again (`None`).
    OrdersUnavailable {
        account: AccountId,
        reason: Option<String>,
    },
    /// Accounts were added or removed; reload the account list.
    AccountsChanged,
    /// An account's health board changed (at most about once a second per account).
    Health(Box<crate::health::HealthView>),
    /// What a connection tells the health board (acknowledgements, the server's clock); counted
    /// there, not sent to the page.
    HealthReport {
        account: AccountId,
        report: crate::health::HealthReport,
    },
}

impl Event {
    /// Whether it is for whoever shows events (the page, the CLI's output): the health board's
    /// reports are counted in the backend and shown through its board.
    pub fn is_shown(&self) -> bool {
        !matches!(self, Event::HealthReport { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn an_event_stays_small_for_the_broadcast_slots() {
        assert!(
            std::mem::size_of::<Event>() <= 128,
            "Event is {} bytes: box the variant that grew",
            std::mem::size_of::<Event>()
        );
    }
}

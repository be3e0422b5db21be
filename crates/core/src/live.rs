//! Live updates that are shown but not stored as messages: market price ticks (coalesced by the
//! supervisor, latest per symbol) and alerts for the notifications panel.

use serde::{Deserialize, Serialize};

/// The latest price of one symbol. Numbers are kept exactly as the server wrote them, so a
/// price is never rounded through a float on its way to the screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTick {
    pub symbol: String,
    pub price: String,
    #[serde(default)]
    pub change: Option<String>,
    #[serde(default)]
    pub change_percent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Trade,
    Post,
    Notification,
    SessionStarted,
    SessionEnded,
    /// A message that was shown as a desktop notification: its entry opens the message.
    Message,
}

/// Something for the notifications panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    /// The service's id of the thing (trade, post, notification, session), when it gives one.
    pub id: Option<String>,
    pub title: String,
    pub body: String,
    /// As the service says it (`low`, `medium`, `high`…); `None` when it says nothing.
    pub priority: Option<String>,
    pub ts_ms: i64,
    /// The room (and message) the entry opens, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_id: Option<i64>,
}

impl Alert {
    /// High-priority alerts also become desktop notifications.
    pub fn is_high_priority(&self) -> bool {
        matches!(
            self.priority
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("high" | "urgent" | "critical")
        )
    }
}

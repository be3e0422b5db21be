//! The lifecycle of one connection, as the UI shows it (a dot, a line of text, a banner).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    Connecting {
        attempt: u32,
    },
    Open,
    /// Waiting before the next attempt; `reason` says what went wrong last.
    Backoff {
        attempt: u32,
        retry_in_ms: u64,
        reason: String,
    },
    /// No more attempts until the user acts; `reason` says why and what to fix.
    Stopped {
        reason: String,
    },
}

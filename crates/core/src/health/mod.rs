//! A health board per account (bot operators first): the connection's states over the last
//! 24 hours, reconnects and their reasons, messages in and out per hour, the last error and
//! when it last connected, the backlog found at each connect, acknowledgement latency, the
//! oldest message waiting for its acknowledgement and the server's clock. Counted from the engine's own events ([`book::HealthBook`]), kept in
//! the store (bounded, so they survive a restart) and sent to the page as they change.

pub mod book;
pub mod report;

pub use book::{
    AccountHealth, AckSample, Backlog, ClockReading, HealthBook, HealthView, HourCount, Reconnect,
    StateMark, StripState,
};
pub use report::{clock_warning, HealthReport};

//! A health board per account (bot operators first): the connection's states over the last
//! 24 hours, reconnects and their reasons, messages in and out per hour, the last error and
//! when it last connected. Counted from the engine's own events ([`book::HealthBook`]), kept in
//! the store (bounded, so they survive a restart) and sent to the page as they change.

pub mod book;

pub use book::{
    AccountHealth, HealthBook, HealthView, HourCount, Reconnect, StateMark, StripState,
};

//! Parley's GUI-free core.
//!
//! Everything a chat client needs except pixels lives here so that the desktop shell, the
//! headless `parley-cli` and the tests all run the same code:
//! - [`services`]: one folder per service (settings, codec, REST, credentials, extra tasks)
//!   and the one dispatch on the service;
//! - [`codec`]: the sans-I/O interface every service's codec implements (bytes in, events out);
//! - [`supervisor`]: the one generic connection task that owns sockets, timers, heartbeats,
//!   backoff and the outbox drain for every service;
//! - [`store`]: the SQLite history store, the single source of truth for messages;
//! - [`engine`]: wires accounts, supervisors, store and the event bus together;
//! - [`secrets`]: the OS keyring behind a redacting [`secret::Secret`] type.

pub mod account;
pub mod backoff;
pub mod batch_ack;
pub mod codec;
pub mod companion;
pub mod config;
pub mod connection_state;
pub mod engine;
pub mod event;
pub mod event_batch;

pub mod inspector;
pub mod live;
pub mod logging;
pub mod media;
pub mod message;
pub mod notify_policy;
pub mod profile;
pub mod rate_limit;
pub mod rest;
pub mod secret;
pub mod secrets;
pub mod services;
pub mod socket;
pub mod store;
pub mod supervisor;
pub mod timestamp;
pub mod wire;

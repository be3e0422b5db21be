//! Parley's GUI-free core.
//!
//! Everything a chat client needs except pixels lives here so that the desktop shell, the
//! headless `parley-cli` and the tests all run the same code:
//! - [`codec`]: one pure, sans-I/O state machine per service (bytes in, events out);
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
pub mod http_body;
pub mod http_client;
pub mod inspector;
pub mod live;
pub mod logging;
pub mod media;
pub mod message;
pub mod mexc_keeper;
pub mod mexc_listen_key;
pub mod mexc_rest;
pub mod mexc_signing;
pub mod mixin_account;
pub mod mixin_auth;
pub mod mixin_companion;
pub mod mixin_ids;
pub mod mixin_keystore;
pub mod mixin_rest;
pub mod notify_policy;
pub mod profile;
pub mod rate_limit;
pub mod realtime_account;
pub mod realtime_catch_up;
pub mod realtime_rest;
pub mod secret;
pub mod secrets;
pub mod socket;
pub mod store;
pub mod supervisor;
pub mod timestamp;

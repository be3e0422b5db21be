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
//!
//! The shell and the CLI need little beyond the surface re-exported below: the engine, the
//! account and message model, the events, the forms the settings screen submits. Modules that
//! only the core uses (REST core, socket, clocks, rate limit…) are private.

#![warn(unreachable_pub)]

pub mod account;
mod account_id;
pub mod backoff;
mod batch_ack;
mod bounded;
pub mod codec;
mod companion;
pub mod config;
pub mod connection_state;
pub mod engine;
pub mod event;
pub mod event_batch;
pub mod evidence;
pub mod health;
pub mod inspector;
pub mod live;
pub mod logging;
pub mod media;
pub mod message;
pub mod new_file;
pub mod notify_policy;
pub mod orders;
pub mod profile;
pub mod quote;
mod rate_limit;
mod rest;
pub mod secret;
pub mod secrets;
pub mod services;
mod socket;
pub mod store;
pub mod supervisor;
mod timestamp;
pub mod upload_progress;
mod wire;

pub use account::{Account, AccountId};
pub use config::AppConfig;
pub use engine::{AccountView, Engine, EngineError, ErrorKind, Field, NewAccount};
pub use event::Event;
pub use message::{Draft, StoredMessage};
pub use rest::{Refusal, RestError};
pub use secret::Secret;
pub use services::{AccountForm, Capabilities, ServiceKind, ServiceSettings};
pub use supervisor::Tuning;

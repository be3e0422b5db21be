//! Faithful local simulators of the services Parley speaks, on loopback. They behave as
//! PROTOCOLS.md describes the real services, faults included, and have knobs to misbehave on
//! command. Tests, benchmarks and the Demo workspace all use them.

/// How many of the secrets it saw a simulator remembers for tests to search for (bounded: the
/// Demo runs the simulators for as long as the app is open).
pub const KEPT_RECORDS: usize = 1000;

pub mod bots;
pub mod demo_mixin;
pub mod demo_p2p;
pub mod demo_realtime;
pub mod demo_script;
pub mod fault_proxy;
pub mod http;
pub mod listener;
pub mod mexc;
pub mod mixin;
pub mod mockly;
pub mod realtime;
pub mod scale;
pub mod socket_writer;
pub mod wire_time;

//! Adding accounts to an engine the way settings do, for tests and benchmarks that set up
//! several services (also included by `benches/ingest.rs`).

use parley_core::account::{AccountId, ServiceSettings};
use parley_core::engine::{Engine, NewAccount};
use parley_core::secret::Secret;

/// Adds an account (with MEXC order numbers when given); panics if the engine refuses it.
pub async fn add(
    engine: &Engine,
    settings: ServiceSettings,
    secret: Option<Secret>,
    order_numbers: Vec<String>,
) -> AccountId {
    engine
        .add_account(NewAccount {
            display_name: None,
            settings,
            secret,
            order_numbers,
        })
        .await
        .expect("account added")
        .id
}

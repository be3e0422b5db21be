//! The Demo workspace: the mockly simulator in-process on loopback, a script that keeps its
//! room alive, and one account pointing at it. A new user sees the client work before typing
//! a credential.

use parley_core::account::{Account, AccountId, MocklySettings, ServiceSettings};
use parley_core::engine::Engine;
use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::sync::Arc;

pub struct Demo {
    /// Kept so the simulator lives as long as the app.
    _sim: Arc<MocklySim>,
    script: tokio::task::JoinHandle<()>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.script.abort();
    }
}

pub async fn start(engine: &Engine) -> Result<Demo, String> {
    let seed = fastrand_seed();
    let sim = MocklySim::start(MocklyConfig {
        seed,
        ..MocklyConfig::default()
    })
    .await
    .map(Arc::new)
    .map_err(|e| format!("the demo simulator could not start: {e}"))?;
    let account = Account {
        id: AccountId("demo-mockly".into()),
        display_name: "Demo room".into(),
        settings: ServiceSettings::Mockly(MocklySettings {
            client_id: "you".into(),
            endpoint: sim.endpoint(),
        }),
        demo: true,
    };
    engine
        .add_demo_account(account)
        .await
        .map_err(|e| format!("the demo account could not start: {e}"))?;
    let script = parley_sim::demo_script::spawn(sim.clone(), seed);
    tracing::info!(endpoint = %sim.endpoint(), "demo workspace started");
    Ok(Demo { _sim: sim, script })
}

fn fastrand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(42)
}

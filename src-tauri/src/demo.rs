//! The Demo workspace: the simulators in-process on loopback, scripts that keep their rooms
//! alive, and one account per service pointing at them. A new user sees the client work
//! before typing a credential. Demo secrets stay in memory, never in the keyring.

use parley_core::account::{Account, AccountId, MexcSettings, MocklySettings, ServiceSettings};
use parley_core::engine::Engine;
use parley_core::secret::Secret;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::sync::Arc;
use std::time::Duration;

/// The demo order chat's conversation id.
const DEMO_CONVERSATION: i64 = 1001;
const DEMO_LISTEN_KEY: &str = "demo-listen-key-not-a-secret";

pub struct Demo {
    /// Kept so the simulators live as long as the app.
    _mockly: Arc<MocklySim>,
    _mexc: Arc<MexcSim>,
    scripts: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        for script in &self.scripts {
            script.abort();
        }
    }
}

pub async fn start(engine: &Engine) -> Result<Demo, String> {
    let seed = seed();
    let mockly = MocklySim::start(MocklyConfig {
        seed,
        ..MocklyConfig::default()
    })
    .await
    .map(Arc::new)
    .map_err(|e| format!("the demo chat simulator could not start: {e}"))?;
    let mexc = MexcSim::start(MexcConfig {
        counterparty_replies: Some(Duration::from_millis(900)),
        ..MexcConfig::default()
    })
    .await
    .map(Arc::new)
    .map_err(|e| format!("the demo P2P simulator could not start: {e}"))?;
    mexc.add_listen_key(DEMO_LISTEN_KEY);
    mexc.add_conversation(
        DEMO_CONVERSATION,
        Counterparty {
            user_id: "demo_buyer".into(),
            nick_name: "Buyer (demo)".into(),
        },
    );

    let accounts = [
        (
            Account {
                id: AccountId("demo-mockly".into()),
                display_name: "Demo room".into(),
                settings: ServiceSettings::Mockly(MocklySettings {
                    client_id: "you".into(),
                    endpoint: mockly.endpoint(),
                }),
                demo: true,
            },
            None,
        ),
        (
            Account {
                id: AccountId("demo-mexc".into()),
                display_name: "Demo P2P".into(),
                settings: ServiceSettings::Mexc(MexcSettings {
                    endpoint: mexc.ws_endpoint(),
                    conversations: vec![DEMO_CONVERSATION],
                    create_time_offset_minutes: 0,
                }),
                demo: true,
            },
            Some(Secret::new(DEMO_LISTEN_KEY)),
        ),
    ];
    for (account, secret) in accounts {
        engine
            .add_demo_account(account, secret)
            .await
            .map_err(|e| format!("a demo account could not start: {e}"))?;
    }
    // Not served yet: the media proxy (issue 6) will fetch it; today it shows as a card.
    let screenshot = format!("http://{}/media/payment-proof.png", mexc.addr());
    let scripts = vec![
        parley_sim::demo_script::spawn(mockly.clone(), seed),
        parley_sim::demo_script::spawn_p2p(mexc.clone(), DEMO_CONVERSATION, screenshot),
    ];
    tracing::info!(mockly = %mockly.endpoint(), mexc = %mexc.ws_endpoint(), "demo workspace started");
    Ok(Demo {
        _mockly: mockly,
        _mexc: mexc,
        scripts,
    })
}

fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(42)
}

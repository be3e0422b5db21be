//! The Demo workspace: the simulators in-process on loopback, scripts that keep their rooms
//! alive, and one account per service pointing at them. A new user sees the client work
//! before typing a credential. Demo secrets stay in memory, never in the keyring.

use parley_core::account::{
    Account, AccountId, MexcAuth, MexcChat, MexcSettings, MixinSettings, MocklySettings,
    RealtimeRoom, RealtimeSettings, ServiceSettings,
};
use parley_core::engine::Engine;
use parley_core::secret::Secret;
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::services::realtime::rest::RealtimeCredentials;
use parley_sim::mexc::{MexcConfig, MexcSim};
use parley_sim::mixin::{MixinConfig, MixinSim};
use parley_sim::mockly::{MocklyConfig, MocklySim};
use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
use std::sync::Arc;
use std::time::Duration;

/// The scripted order chat (its buyer paid and sends a screenshot); the other Demo orders are
/// in `parley_sim::demo_p2p`.
const DEMO_CONVERSATION: i64 = parley_sim::demo_p2p::PAID.conversation;
/// The Demo P2P account runs in API-key mode against the simulator: Parley creates, renews and
/// deletes its listenKeys as it would on MEXC.
const DEMO_API_KEY: &str = "demo-api-key-not-a-secret";
const DEMO_API_SECRET: &str = "demo-api-secret-not-a-secret";

pub struct Demo {
    /// Kept so the simulators live as long as the app.
    _mockly: Arc<MocklySim>,
    _mexc: Arc<MexcSim>,
    _realtime: Arc<RealtimeSim>,
    _mixin: Arc<MixinSim>,
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
    let realtime = RealtimeSim::start(RealtimeConfig::default())
        .await
        .map(Arc::new)
        .map_err(|e| format!("the demo community simulator could not start: {e}"))?;
    let community = parley_sim::demo_realtime::seed(&realtime);
    let mixin = MixinSim::start(MixinConfig::default())
        .await
        .map(Arc::new)
        .map_err(|e| format!("the demo Mixin simulator could not start: {e}"))?;
    // The bot and its conversation keep their ids from run to run, so what the user wrote there
    // stays; Ava greets the bot only while Parley has not stored that conversation yet.
    let greeted = engine
        .has_history(
            &AccountId("demo-mixin".into()),
            &parley_sim::demo_mixin::conversation_id(),
        )
        .await
        .unwrap_or(false);
    let bot = parley_sim::demo_mixin::seed(&mixin, !greeted);
    mexc.add_api_key(DEMO_API_KEY, DEMO_API_SECRET);
    let orders = parley_sim::demo_p2p::seed(&mexc, chrono::Utc::now().timestamp_millis());

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
                    auth: MexcAuth::ApiKey,
                    rest_base: mexc.rest_base(),
                    conversations: orders
                        .iter()
                        .map(|o| MexcChat {
                            conversation_id: o.conversation,
                            order_no: Some(o.order_no.into()),
                        })
                        .collect(),
                    ..MexcSettings::with_endpoint(mexc.ws_endpoint())
                }),
                demo: true,
            },
            Some(
                ApiCredentials {
                    api_key: Secret::new(DEMO_API_KEY),
                    api_secret: Secret::new(DEMO_API_SECRET),
                }
                .to_secret(),
            ),
        ),
        (
            Account {
                id: AccountId("demo-realtime".into()),
                display_name: "Demo community".into(),
                settings: ServiceSettings::Realtime(RealtimeSettings {
                    user_id: community.you.clone(),
                    rooms: vec![RealtimeRoom {
                        id: community.trading_room.clone(),
                        name: "EUR/USD Trading Room".into(),
                    }],
                    symbols: vec!["EUR/USD".into(), "GBP/JPY".into(), "XAU/USD".into()],
                    ..RealtimeSettings::new(realtime.base_url())
                }),
                demo: true,
            },
            Some(
                RealtimeCredentials {
                    api_key: Secret::new(realtime.api_key()),
                    token: Secret::new(realtime.token_for(&community.you)),
                }
                .to_secret(),
            ),
        ),
        (
            Account {
                id: AccountId("demo-mixin".into()),
                display_name: "Demo bot".into(),
                settings: ServiceSettings::Mixin(MixinSettings {
                    bot_id: bot.bot.clone(),
                    bot_name: "OTC Desk Bot (demo)".into(),
                    blaze_url: mixin.blaze_url(),
                    api_base: mixin.api_base(),
                }),
                demo: true,
            },
            Some(Secret::new(bot.keystore.clone())),
        ),
    ];
    for (account, secret) in accounts {
        engine
            .add_demo_account(account, secret)
            .await
            .map_err(|e| format!("a demo account could not start: {e}"))?;
    }
    // Profiles from before the bot kept its id hold one conversation per earlier run: each would
    // stay in the sidebar as a dead duplicate of this one.
    let live = parley_sim::demo_mixin::conversation_id();
    match engine
        .forget_rooms_except(&AccountId("demo-mixin".into()), &[live])
        .await
    {
        Ok(0) => {}
        Ok(gone) => tracing::info!(gone, "forgot the Demo bot's conversations of earlier runs"),
        Err(e) => tracing::warn!("the Demo bot's old conversations could not be forgotten: {e}"),
    }
    let screenshot = format!("{}/media/payment-proof.png", mexc.rest_base());
    let scripts = vec![
        parley_sim::demo_script::spawn(mockly.clone(), seed),
        parley_sim::demo_script::spawn_p2p(mexc.clone(), DEMO_CONVERSATION, screenshot),
        parley_sim::demo_p2p::spawn_chatter(mexc.clone()),
        parley_sim::demo_realtime::spawn(realtime.clone(), community, seed),
        parley_sim::demo_mixin::spawn(mixin.clone(), bot),
    ];
    tracing::info!(mockly = %mockly.endpoint(), mexc = %mexc.ws_endpoint(), "demo workspace started");
    Ok(Demo {
        _mockly: mockly,
        _mexc: mexc,
        _realtime: realtime,
        _mixin: mixin,
        scripts,
    })
}

fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(42)
}

//! Exporting rooms as evidence packs against the simulators: a MEXC order chat (API-key mode)
//! with its order details read at export time, the buyer's screenshot saved as received and a
//! picture whose address is gone listed as not saved; the same with an API key that lacks
//! "P2P Account Read"; and any room of any service (a mockly room), the general case.

mod support;

use parley_core::account::{Account, AccountId, MexcAuth, MexcChat, MexcSettings, ServiceSettings};
use parley_core::config::AppConfig;
use parley_core::engine::{Engine, EngineError};
use parley_core::event::Event;
use parley_core::evidence::verify_pack;
use parley_core::media::MediaCache;
use parley_core::secret::Secret;
use parley_core::secrets::SessionOnlyStore;
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::store::Store;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim, SimOrder};
use std::sync::Arc;
use support::{fast_tuning, Events};

const API_KEY: &str = "mx0vglEVIDENCE";
const API_SECRET: &str = "3f1d2c0b9a8e7d6c5b4a39281706f5e4";
const ORDER: &str = "1138745987";
const CONVERSATION: i64 = 7001;

fn sim_order(state: &str) -> SimOrder {
    let now = chrono::Utc::now().timestamp_millis();
    SimOrder {
        order_no: ORDER.into(),
        side: "SELL".into(),
        coin: "USDT".into(),
        quantity: "1000".into(),
        price: "0.92".into(),
        fiat_total: "920.00".into(),
        fiat: "EUR".into(),
        payment_method: "SEPA Instant".into(),
        counterparty: "Buyer (sim)".into(),
        state: state.into(),
        pay_deadline_ms: now + 15 * 60_000,
        appeal_from_ms: now + 30 * 60_000,
        created_ms: now - 60_000,
        updated_ms: now,
    }
}

struct Desk {
    sim: MexcSim,
    engine: Arc<Engine>,
    events: Events,
    account: AccountId,
}

/// A MEXC desk in API-key mode on the simulator, one order chat, the buyer's messages in.
async fn desk() -> Desk {
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    sim.add_api_key(API_KEY, API_SECRET);
    sim.add_conversation(
        CONVERSATION,
        Counterparty {
            user_id: "buyer_1".into(),
            nick_name: "Buyer (sim)".into(),
        },
    );
    sim.put_order(sim_order("APPEAL"), CONVERSATION);
    let engine = Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        fast_tuning(),
    );
    let mut events = Events(engine.subscribe());
    let account = AccountId("demo-evidence".into());
    // A Demo account: its media come from the loopback simulator, as the Demo's do.
    engine
        .add_demo_account(
            Account {
                id: account.clone(),
                display_name: "Evidence desk".into(),
                settings: ServiceSettings::Mexc(MexcSettings {
                    auth: MexcAuth::ApiKey,
                    rest_base: sim.rest_base(),
                    conversations: vec![MexcChat {
                        conversation_id: CONVERSATION,
                        order_no: Some(ORDER.into()),
                    }],
                    ..MexcSettings::with_endpoint(sim.ws_endpoint())
                }),
                demo: true,
            },
            Some(
                ApiCredentials {
                    api_key: Secret::new(API_KEY),
                    api_secret: Secret::new(API_SECRET),
                }
                .to_secret(),
            ),
        )
        .await
        .unwrap();
    events.expect_open().await;
    sim.counterparty_says(CONVERSATION, 1, "I paid 920 EUR <b>by SEPA</b>", "");
    let proof = format!("{}/media/payment-proof.png", sim.rest_base());
    sim.counterparty_says(CONVERSATION, 2, "", &proof);
    let gone = format!("{}/media/deleted-proof.png", sim.rest_base());
    sim.counterparty_says(CONVERSATION, 2, "", &gone);
    engine
        .send_text(&account, &CONVERSATION.to_string(), "Not received yet")
        .await
        .unwrap();
    let mut seen = 0;
    events
        .expect("the three messages and the confirmed reply", |e| {
            match e {
                Event::Message(m) if !m.own => seen += 1,
                Event::Sent(_) => seen += 1,
                _ => {}
            }
            (seen == 4).then_some(())
        })
        .await;
    Desk {
        sim,
        engine,
        events,
        account,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_chat_exports_with_its_order_and_media_and_verifies() {
    let desk = desk().await;
    let (out, cache_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cache = MediaCache::new(cache_dir.path()).unwrap();
    let room = CONVERSATION.to_string();
    let written = desk
        .engine
        .export_evidence(&desk.account, &room, out.path(), Some(&cache))
        .await
        .unwrap();
    assert_eq!(written.messages, 4);
    assert_eq!(
        written.media_saved, 1,
        "the screenshot, downloaded for the pack"
    );
    assert_eq!(written.media_failed.len(), 1);
    assert!(
        written.media_failed[0].1.contains("404"),
        "{:?}",
        written.media_failed
    );
    let verdict = verify_pack(&written.dir).unwrap();
    assert!(verdict.intact(), "{:?}", verdict.problems);
    assert_eq!(
        verdict.fingerprint.as_deref(),
        Some(written.fingerprint.as_str())
    );

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(written.dir.join("messages.json")).unwrap()).unwrap();
    assert_eq!(json["order"]["order_no"], ORDER);
    assert_eq!(json["order"]["status"], "appeal");
    assert_eq!(json["order"]["counterparty"], "Buyer (sim)");
    assert_eq!(json["order"]["payment_method"], "SEPA Instant");
    let messages = json["messages"].as_array().unwrap();
    let find = |pick: &dyn Fn(&serde_json::Value) -> bool| {
        messages
            .iter()
            .find(|m| pick(m))
            .expect("the message is in the pack")
            .clone()
    };
    let paid = find(&|m| m["text"] == "I paid 920 EUR <b>by SEPA</b>");
    assert_eq!(paid["direction"], "in");
    assert_eq!(paid["sender_name"], "Buyer (sim)");
    assert!(paid["service_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(paid["server_time_raw"]
        .as_str()
        .is_some_and(|t| t.len() == 19));
    let reply = find(&|m| m["text"] == "Not received yet");
    assert_eq!(
        (
            reply["direction"].as_str(),
            reply["delivery_state"].as_str()
        ),
        (Some("out"), Some("sent"))
    );
    let screenshot = find(&|m| m["media"]["file"].is_string());
    assert_eq!(
        std::fs::read(
            written
                .dir
                .join(screenshot["media"]["file"].as_str().unwrap())
        )
        .unwrap(),
        include_bytes!("../../sim/assets/payment-proof.png"),
        "the screenshot byte for byte"
    );
    let gone = find(&|m| m["media"]["not_saved"].is_string());
    assert!(gone["media"]["url"]
        .as_str()
        .unwrap()
        .ends_with("deleted-proof.png"));
    let pack: serde_json::Value =
        serde_json::from_slice(&std::fs::read(written.dir.join("pack.json")).unwrap()).unwrap();
    assert_eq!(pack["order_no"], ORDER);
    assert_eq!(pack["account"]["id"], "demo-evidence");
    let html = std::fs::read_to_string(written.dir.join("transcript.html")).unwrap();
    assert!(html.contains("I paid 920 EUR &lt;b&gt;by SEPA&lt;/b&gt;"));
    assert!(
        html.contains("<img alt=\"media/"),
        "the screenshot is embedded"
    );
    desk.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_read_permission_the_pack_says_why_the_order_is_missing() {
    let desk = desk().await;
    desk.sim.deny_order_reads(true);
    let out = tempfile::tempdir().unwrap();
    let written = desk
        .engine
        .export_evidence(&desk.account, &CONVERSATION.to_string(), out.path(), None)
        .await
        .unwrap();
    assert_eq!(
        written.media_failed.len(),
        2,
        "no cache: both listed, none lost silently"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(written.dir.join("messages.json")).unwrap()).unwrap();
    let note = json["order_note"].as_str().unwrap();
    // The order watcher may have read the order before the permission went: then the pack
    // keeps those details and says how old they are.
    assert!(
        json["order"].is_null() || note.contains("as Parley last read them"),
        "{note}"
    );
    assert!(
        note.contains("No permission to access the endpoint"),
        "{note}"
    );
    assert!(verify_pack(&written.dir).unwrap().intact());
    let unknown = desk
        .engine
        .export_evidence(&desk.account, "404404", out.path(), None)
        .await;
    assert!(matches!(unknown, Err(EngineError::UnknownRoom(_))));
    drop(desk.events);
    desk.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn any_room_of_any_service_exports_the_same_way() {
    let sim = support::sim(0.0).await;
    let mut alice = support::connected(&sim, "alice").await;
    alice
        .engine
        .send_text(&alice.account, "public", "hello from alice")
        .await
        .unwrap();
    alice
        .expect("the echo", |e| matches!(e, Event::Sent(_)).then_some(()))
        .await;
    let out = tempfile::tempdir().unwrap();
    let written = alice
        .engine
        .export_evidence(&alice.account, "public", out.path(), None)
        .await
        .unwrap();
    assert!(written.messages >= 2, "the welcome and the message");
    let text = std::fs::read_to_string(written.dir.join("transcript.txt")).unwrap();
    assert!(text.contains("| hello from alice"), "{text}");
    assert!(!text.contains("Order number"));
    assert!(verify_pack(&written.dir).unwrap().intact());
    alice.engine.shutdown().await;
}

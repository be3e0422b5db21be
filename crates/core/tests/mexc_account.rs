//! A MEXC account in listenKey mode through the engine: one socket per order chat, messages
//! routed to their room, sends going out on their own conversation's socket.

mod support;

use parley_core::account::{MexcChat, MexcSettings, ServiceSettings};
use parley_core::config::AppConfig;
use parley_core::connection_state::ConnectionState;
use parley_core::engine::{Engine, NewAccount};
use parley_core::event::Event;
use parley_core::secret::Secret;
use parley_core::secrets::{SecretStore, SessionOnlyStore};
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use std::sync::Arc;
use std::time::Duration;
use support::{eventually, Events};

const KEY: &str = "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";

async fn sim() -> MexcSim {
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    sim.add_listen_key(KEY);
    for (id, who) in [(50012, "Buyer77"), (50013, "Seller9")] {
        sim.add_conversation(
            id,
            Counterparty {
                user_id: who.to_lowercase(),
                nick_name: who.into(),
            },
        );
    }
    sim
}

fn settings(sim: &MexcSim, conversations: Vec<i64>) -> ServiceSettings {
    ServiceSettings::Mexc(MexcSettings {
        endpoint: sim.ws_endpoint(),
        conversations: conversations.into_iter().map(MexcChat::by_id).collect(),
        create_time_offset_minutes: 0,
        ..MexcSettings::with_endpoint(sim.ws_endpoint())
    })
}

fn engine(secrets: Arc<dyn SecretStore>) -> Arc<Engine> {
    Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig::default(),
        secrets,
        Tuning::default(),
    )
}

#[tokio::test]
async fn each_order_chat_has_its_socket_and_its_room() {
    let sim = sim().await;
    let secrets: Arc<dyn SecretStore> = Arc::new(SessionOnlyStore::default());
    let engine = engine(secrets.clone());
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(NewAccount {
            display_name: Some("My P2P".into()),
            settings: settings(&sim, vec![50012, 50013]),
            secret: Some(Secret::new(KEY)),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        secrets.get(&account.id).unwrap().unwrap().expose(),
        KEY,
        "the listenKey went to the secret store"
    );
    eventually("both sockets", || sim.open_sockets() == 2).await;
    eventually("the account to be open", || {
        engine.accounts()[0].state == ConnectionState::Open
    })
    .await;
    let titles = support::room_titles(&engine).await;
    assert_eq!(titles, ["Order chat 50012", "Order chat 50013"]);

    sim.counterparty_says(50013, 1, "sent the USDT", "");
    let room = events
        .expect("the counterparty's message", |e| match e {
            Event::Message(m) => Some(m.room.clone()),
            _ => None,
        })
        .await;
    assert_eq!(room, "50013");

    engine
        .send_text(&account.id, "50012", "payment done")
        .await
        .unwrap();
    eventually("the send to reach the server", || {
        !sim.sent_by_trader().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = sim.sent_by_trader();
    assert_eq!(sent.len(), 1, "sent once, on one socket");
    assert_eq!(sent[0].conversation_id, 50012);
}

#[tokio::test]
async fn an_account_needs_a_listen_key_and_a_conversation() {
    let sim = sim().await;
    let engine = engine(Arc::new(SessionOnlyStore::default()));
    let no_key = engine
        .add_account(NewAccount {
            display_name: None,
            settings: settings(&sim, vec![50012]),
            secret: None,
            order_numbers: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(no_key.to_string().contains("listenKey"), "{no_key}");
    let no_chat = engine
        .add_account(NewAccount {
            display_name: None,
            settings: settings(&sim, vec![]),
            secret: Some(Secret::new(KEY)),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(no_chat.to_string().contains("conversation"), "{no_chat}");
    assert!(engine.accounts().is_empty());
}

#[tokio::test]
async fn a_revoked_listen_key_stops_the_account_with_a_reason() {
    let sim = sim().await;
    let engine = engine(Arc::new(SessionOnlyStore::default()));
    engine
        .add_account(NewAccount {
            display_name: None,
            settings: settings(&sim, vec![50012]),
            secret: Some(Secret::new("expired-key")),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap();
    eventually("the account to stop", || {
        matches!(&engine.accounts()[0].state, ConnectionState::Stopped { reason } if reason.contains("replace the listenKey"))
    })
    .await;
}

//! A MEXC account in API-key mode against the simulator's REST and WebSocket sides: Parley
//! proves the credentials, looks order numbers up, creates as many listenKeys as the chats
//! need, keeps them alive, replaces a key that expired, and deletes its keys when it stops.

mod support;

use parley_core::account::{MexcAuth, MexcSettings, ServiceSettings};
use parley_core::config::AppConfig;
use parley_core::connection_state::ConnectionState;
use parley_core::engine::{Engine, EngineError, NewAccount};
use parley_core::event::Event;
use parley_core::secret::Secret;
use parley_core::secrets::{SecretStore, SessionOnlyStore};
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use std::sync::Arc;
use std::time::Duration;
use support::{eventually, fast_tuning, Events};

const API_KEY: &str = "mx0vglTESTKEY";
const API_SECRET: &str = "45d0b3c26f2644f19bfb98b07741b2f5";

async fn sim_with(config: MexcConfig, orders: usize) -> MexcSim {
    let sim = MexcSim::start(config).await.unwrap();
    sim.add_api_key(API_KEY, API_SECRET);
    for n in 0..orders as i64 {
        sim.add_conversation(
            5000 + n,
            Counterparty {
                user_id: format!("buyer{n}"),
                nick_name: format!("Buyer {n}"),
            },
        );
        sim.add_order(&format!("ORD{n}"), 5000 + n);
    }
    sim
}

fn credentials(secret: &str) -> Secret {
    ApiCredentials {
        api_key: Secret::new(API_KEY),
        api_secret: Secret::new(secret),
    }
    .to_secret()
}

fn new_account(sim: &MexcSim, orders: &[&str], secret: &str) -> NewAccount {
    NewAccount {
        display_name: Some("P2P desk".into()),
        settings: ServiceSettings::Mexc(MexcSettings {
            auth: MexcAuth::ApiKey,
            rest_base: sim.rest_base(),
            ..MexcSettings::with_endpoint(sim.ws_endpoint())
        }),
        secret: Some(credentials(secret)),
        order_numbers: orders.iter().map(|o| o.to_string()).collect(),
    }
}

fn engine(tuning: Tuning) -> (Arc<Engine>, Arc<dyn SecretStore>) {
    let secrets: Arc<dyn SecretStore> = Arc::new(SessionOnlyStore::default());
    let engine = Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig::default(),
        secrets.clone(),
        tuning,
    );
    (engine, secrets)
}

#[tokio::test]
async fn order_numbers_become_labelled_rooms_on_a_created_listen_key() {
    let sim = sim_with(MexcConfig::default(), 2).await;
    let (engine, secrets) = engine(fast_tuning());
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(new_account(&sim, &["ORD0", "ORD1"], API_SECRET))
        .await
        .unwrap();
    eventually("both chats to open", || sim.open_sockets() == 2).await;
    assert_eq!(sim.live_listen_keys().len(), 1, "two chats share one key");
    let titles = support::room_titles(&engine).await;
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Order ORD0".to_string()), "{titles:?}");
    let stored = credentials(API_SECRET);
    assert_eq!(
        secrets.get(&account.id).unwrap().unwrap().expose(),
        stored.expose(),
        "key and secret went to the secret store"
    );
    let calls = sim.rest_calls();
    assert!(calls.contains(&"GET /api/v3/fiat/retrieveChatConversation".to_string()));
    assert!(calls.contains(&"POST /api/v3/userDataStream".to_string()));

    sim.counterparty_says(5001, 1, "paid, see proof", "");
    let message = events
        .expect("the counterparty's message", |e| match e {
            Event::Message(m) if m.text == "paid, see proof" => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(message.room, "5001");
    engine
        .send_text(&account.id, "5000", "released")
        .await
        .unwrap();
    events
        .expect("the send to be confirmed", |e| match e {
            Event::Sent(m) if m.text == "released" => Some(()),
            _ => None,
        })
        .await;

    engine.remove_account(&account.id).await.unwrap();
    assert!(
        sim.live_listen_keys().is_empty(),
        "the listenKey is deleted when the account goes"
    );
}

#[tokio::test]
async fn more_chats_than_one_key_allows_get_more_keys() {
    let sim = sim_with(MexcConfig::default(), 7).await;
    let (engine, _) = engine(fast_tuning());
    let orders: Vec<String> = (0..7).map(|n| format!("ORD{n}")).collect();
    let orders: Vec<&str> = orders.iter().map(String::as_str).collect();
    engine
        .add_account(new_account(&sim, &orders, API_SECRET))
        .await
        .unwrap();
    eventually("all seven chats to open", || sim.open_sockets() == 7).await;
    assert_eq!(
        sim.live_listen_keys().len(),
        2,
        "5 sockets per key: 7 chats need 2"
    );
    eventually("the account to be open", || {
        engine.accounts()[0].state == ConnectionState::Open
    })
    .await;
}

#[tokio::test]
async fn keys_are_kept_alive_and_an_expired_one_is_replaced() {
    let sim = sim_with(
        MexcConfig {
            listen_key_ttl: Duration::from_millis(1500),
            ..MexcConfig::default()
        },
        1,
    )
    .await;
    let (engine, _) = engine(Tuning {
        listen_key_keep_alive: Duration::from_millis(300),
        ..fast_tuning()
    });
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(new_account(&sim, &["ORD0"], API_SECRET))
        .await
        .unwrap();
    eventually("the chat to open", || sim.open_sockets() == 1).await;
    let first = sim.live_listen_keys();
    // Well past the key's 1.5 s lifetime: only the keep-alive PUTs keep it valid.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sim.live_listen_keys(), first, "the same key is still alive");
    assert_eq!(sim.open_sockets(), 1);
    let puts = sim
        .rest_calls()
        .iter()
        .filter(|c| c.as_str() == "PUT /api/v3/userDataStream")
        .count();
    assert!(puts >= 5, "keep-alive every 300 ms, saw {puts} PUTs");

    // MEXC drops the key: the socket closes, reconnecting is refused, Parley gets a new key.
    sim.expire_listen_key(&first[0]);
    eventually("a new key and the chat back on it", || {
        let keys = sim.live_listen_keys();
        keys.len() == 1 && keys != first && sim.open_sockets() == 1
    })
    .await;
    sim.counterparty_says(5000, 1, "still there?", "");
    events
        .expect("messages to flow on the new key", |e| match e {
            Event::Message(m) if m.text == "still there?" => Some(()),
            _ => None,
        })
        .await;
    assert!(!engine.accounts().is_empty());
    engine.remove_account(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_wrong_secret_or_a_skewed_clock_is_refused_and_nothing_is_saved() {
    let sim = sim_with(MexcConfig::default(), 1).await;
    let (engine, _) = engine(fast_tuning());
    let err = engine
        .add_account(new_account(&sim, &["ORD0"], "not-the-secret"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Signature for this request is not valid"),
        "{err}"
    );
    sim.set_clock_skew_ms(60_000);
    let err = engine
        .add_account(new_account(&sim, &["ORD0"], API_SECRET))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("recvWindow"), "{err}");
    sim.set_clock_skew_ms(0);
    let err = engine
        .add_account(new_account(&sim, &["NO-SUCH-ORDER"], API_SECRET))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, EngineError::Order { order, .. } if order == "NO-SUCH-ORDER"),
        "{err}"
    );
    assert!(err.to_string().contains("order does not exist"), "{err}");
    assert_eq!(err.kind(), parley_core::engine::ErrorKind::ServiceRefused);
    assert_eq!(err.field(), Some(parley_core::engine::Field::Orders));
    assert!(engine.accounts().is_empty(), "no account was added");
    assert!(engine.config().accounts.is_empty());
    assert!(sim.live_listen_keys().is_empty());
}

#[tokio::test]
async fn an_order_chat_can_be_added_and_removed_later() {
    let sim = sim_with(MexcConfig::default(), 2).await;
    let (engine, _) = engine(fast_tuning());
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(new_account(&sim, &["ORD0"], API_SECRET))
        .await
        .unwrap();
    eventually("the first chat", || sim.open_sockets() == 1).await;
    sim.counterparty_says(5000, 1, "first order", "");
    events
        .expect("the first chat's message", |e| match e {
            Event::Message(m) if m.text == "first order" => Some(()),
            _ => None,
        })
        .await;

    let room = engine.add_mexc_chat(&account.id, "ORD1").await.unwrap();
    assert_eq!(room, "5001");
    eventually("both chats", || sim.open_sockets() == 2).await;
    let again = engine.add_mexc_chat(&account.id, "ORD1").await.unwrap_err();
    assert!(again.to_string().contains("already open"), "{again}");

    engine.remove_room(&account.id, "5000").await.unwrap();
    eventually("only the second chat left", || sim.open_sockets() == 1).await;
    let rooms = support::room_titles(&engine).await;
    assert_eq!(rooms, vec!["Order ORD1".to_string()]);
    assert!(engine
        .history(&account.id, "5000", None, 50)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_unreachable_api_is_retried_with_the_reason_shown() {
    let sim = sim_with(MexcConfig::default(), 1).await;
    // A configured account whose REST API is down when the app starts.
    let account = parley_core::account::Account {
        id: parley_core::account::AccountId("mexc-down".into()),
        display_name: "P2P desk".into(),
        settings: ServiceSettings::Mexc(MexcSettings {
            auth: MexcAuth::ApiKey,
            rest_base: "http://127.0.0.1:9".into(),
            conversations: vec![parley_core::account::MexcChat::by_id(5000)],
            ..MexcSettings::with_endpoint(sim.ws_endpoint())
        }),
        demo: false,
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(SessionOnlyStore::default());
    secrets.put(&account.id, &credentials(API_SECRET)).unwrap();
    let engine = Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig {
            accounts: vec![account],
            demo_dismissed: true,
            notifications: Default::default(),
            desktop: Default::default(),
            auto_media: Default::default(),
            templates: Vec::new(),
        },
        secrets,
        fast_tuning(),
    );
    let mut events = Events(engine.subscribe());
    engine.start_configured().await.unwrap();
    let state = events
        .expect_state("a retry that says why", |s| {
            matches!(s, ConnectionState::Backoff { reason, .. } if reason.contains("cannot reach the MEXC API"))
        })
        .await;
    assert!(matches!(state, ConnectionState::Backoff { .. }));
    assert_eq!(sim.open_sockets(), 0);
    engine.shutdown().await;
}

/// Issue 25: the key expires while the chats are open (a laptop slept past 60 minutes, long
/// before the next keep-alive): the sockets close and their redial is refused with 401. Parley
/// must get one new key, redial every chat on it, and delete only the old key.
#[tokio::test]
async fn a_key_that_expires_mid_session_is_renewed_and_the_chats_come_back_on_the_new_key() {
    let sim = sim_with(MexcConfig::default(), 2).await;
    let (engine, _) = engine(fast_tuning());
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(new_account(&sim, &["ORD0", "ORD1"], API_SECRET))
        .await
        .unwrap();
    eventually("both chats to open", || sim.open_sockets() == 2).await;
    let old = sim.live_listen_keys();
    assert_eq!(old.len(), 1, "two chats share one key");

    // A real API answers in a fraction of a second: the second chat's redial is refused while
    // the first refusal is still being handled.
    sim.set_rest_delay(Duration::from_millis(300));
    sim.expire_listen_key(&old[0]);
    eventually("a new key and both chats back on it", || {
        let keys = sim.live_listen_keys();
        keys.len() == 1 && keys != old && sim.open_sockets() == 2
    })
    .await;
    for conversation in [5000, 5001] {
        sim.counterparty_says(conversation, 1, &format!("back in {conversation}?"), "");
        let want = format!("back in {conversation}?");
        events
            .expect("messages to flow on the new key", |e| match e {
                Event::Message(m) if m.text == want => Some(()),
                _ => None,
            })
            .await;
    }
    let new = sim.live_listen_keys();
    assert_ne!(new, old);
    assert!(
        sim.delete_requests().iter().all(|k| *k == old[0]),
        "only the expired key may be deleted, asked: {:?}",
        sim.delete_requests()
    );
    engine.remove_account(&account.id).await.unwrap();
    assert_eq!(
        sim.delete_requests().last(),
        Some(&new[0]),
        "the new key goes on stop"
    );
}

/// A simulator order in `state`, the trader buying 250 USDT from "QuickSeller".
fn sim_order(order_no: &str, state: &str, pay_in_ms: i64) -> parley_sim::mexc::SimOrder {
    let now = chrono::Utc::now().timestamp_millis();
    parley_sim::mexc::SimOrder {
        order_no: order_no.into(),
        side: "BUY".into(),
        coin: "USDT".into(),
        quantity: "250".into(),
        price: "0.93".into(),
        fiat_total: "232.50".into(),
        fiat: "EUR".into(),
        payment_method: "SEPA instant".into(),
        counterparty: "QuickSeller".into(),
        state: state.into(),
        pay_deadline_ms: now + pay_in_ms,
        appeal_from_ms: now + 30 * 60_000,
        created_ms: now - 60_000,
        updated_ms: now - 60_000,
    }
}

/// Issue 23: an order chat knows its order. The watcher reads it, names the chat after it,
/// reads it again soon after the counterparty writes (a state change often comes with a
/// message), and a key without "P2P Account Read" is said once while the chat goes on.
#[tokio::test]
async fn an_order_chat_knows_its_order_and_follows_its_state() {
    use parley_core::orders::{OrderStatus, Side};
    let sim = sim_with(MexcConfig::default(), 1).await;
    sim.put_order(sim_order("ORD0", "NOT_PAID", 20 * 60_000), 5000);
    let (engine, _) = engine(fast_tuning());
    let mut events = Events(engine.subscribe());
    let account = engine
        .add_account(new_account(&sim, &["ORD0"], API_SECRET))
        .await
        .expect("account added")
        .id;
    let first = events
        .expect("the order's details", |e| match e {
            Event::Order(view) if view.entry.account == account => Some(view.clone()),
            _ => None,
        })
        .await;
    let details = first.entry.details.clone().expect("details read");
    assert_eq!(details.side, Side::Buy);
    assert_eq!(details.status, OrderStatus::AwaitingPayment);
    assert_eq!(details.counterparty.as_deref(), Some("QuickSeller"));
    assert_eq!(first.title.as_deref(), Some("Buy 250 USDT · QuickSeller"));
    assert!(first.deadline.is_some(), "the payment deadline");
    events
        .expect("the chat named after its order", |e| match e {
            Event::RoomTitle { title, .. } if title == "Buy 250 USDT · QuickSeller" => Some(()),
            _ => None,
        })
        .await;
    let rooms = engine.rooms().await.unwrap();
    assert_eq!(rooms[0].title, "Buy 250 USDT · QuickSeller");
    assert_eq!(engine.order_views().len(), 1, "in the snapshot");

    // The trader paid; the seller writes. The cadence is a minute: the message brings it on.
    sim.set_order_state("ORD0", "PAID");
    sim.counterparty_says(5000, 1, "Got it, checking my bank.", "");
    let paid = events
        .expect("the new state soon after the message", |e| match e {
            Event::Order(view) => view
                .entry
                .details
                .as_ref()
                .filter(|d| d.status == OrderStatus::Paid)
                .map(|_| ()),
            _ => None,
        })
        .await;
    let () = paid;

    sim.deny_order_reads(true);
    let view = engine
        .refresh_order(&account, &first.entry.room)
        .await
        .expect("the refresh answers with what is known");
    assert!(
        view.entry
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("P2P Account Read"),
        "{:?}",
        view.entry.error
    );
    assert_eq!(
        view.entry.details.map(|d| d.status),
        Some(OrderStatus::Paid),
        "the last details are kept"
    );
    events
        .expect("the account's orders said unavailable", |e| match e {
            Event::OrdersUnavailable {
                reason: Some(r), ..
            } if r.contains("P2P Account Read") => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(engine.orders_unavailable().len(), 1);
    let open = engine.open_orders(&account).await.unwrap_err().to_string();
    assert!(open.contains("P2P Account Read"), "{open}");
    sim.deny_order_reads(false);
    let open = engine.open_orders(&account).await.unwrap();
    assert_eq!(open.len(), 1, "the live order is offered");
}

//! The MEXC order chat through the generic supervisor and the store, against the MEXC
//! simulator: heartbeat, send and confirmation, refusal, media, idle drop, bad listenKey,
//! replays without duplicates.

mod support;

use support::{eventually, Events};

use parley_core::account::AccountId;
use parley_core::connection_state::ConnectionState;
use parley_core::event::Event;
use parley_core::message::{DeliveryState, MessageKind};
use parley_core::secret::Secret;
use parley_core::store::{messages, Store};
use parley_core::supervisor::{self, SupervisorHandle, Tuning};
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use std::time::Duration;
use tokio::sync::broadcast;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const CONVERSATION: i64 = 50012;

async fn sim(config: MexcConfig) -> MexcSim {
    let sim = MexcSim::start(config).await.unwrap();
    sim.add_listen_key(KEY);
    sim.add_conversation(
        CONVERSATION,
        Counterparty {
            user_id: "buyer_77".into(),
            nick_name: "Buyer77".into(),
        },
    );
    sim
}

struct Chat {
    store: Store,
    events: Events,
    connection: SupervisorHandle,
    account: AccountId,
}

fn tuning(heartbeat: Duration) -> Tuning {
    Tuning {
        heartbeat_every: Some(heartbeat),
        idle_timeout: Some(Duration::from_secs(2)),
        ..support::fast_tuning()
    }
}

fn connect(sim: &MexcSim, key: &str, tuning: Tuning) -> Chat {
    let store = Store::open_in_memory().unwrap();
    let (tx, events) = broadcast::channel(1024);
    let account = AccountId("mexc-test".into());
    let settings = parley_core::services::MexcSettings::with_endpoint(sim.ws_endpoint());
    let key = parley_core::services::mexc::listen_key::ListenKeySource::Fixed(Secret::new(key));
    let connection = supervisor::spawn(
        account.clone(),
        parley_core::services::mexc::connection(&settings, CONVERSATION, key),
        store.clone(),
        tx,
        tuning,
        parley_core::inspector::Inspector::default(),
    );
    Chat {
        store,
        events: Events(events),
        connection,
        account,
    }
}

impl std::ops::Deref for Chat {
    type Target = Events;
    fn deref(&self) -> &Events {
        &self.events
    }
}

impl std::ops::DerefMut for Chat {
    fn deref_mut(&mut self) -> &mut Events {
        &mut self.events
    }
}

impl Chat {
    async fn send(&self, text: &str) -> i64 {
        let (account, text) = (self.account.clone(), text.to_owned());
        let m = self
            .store
            .run(move |c| {
                messages::insert_own_pending(c, &account, &CONVERSATION.to_string(), "me", &text, 0)
            })
            .await
            .unwrap();
        self.connection.send(supervisor::Command::Flush);
        m.local_id
    }

    async fn history(&self) -> Vec<parley_core::message::StoredMessage> {
        let account = self.account.clone();
        self.store
            .run(move |c| messages::history(c, &account, &CONVERSATION.to_string(), None, 100))
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn pings_every_interval_keep_the_server_from_dropping_us() {
    let sim = sim(MexcConfig {
        idle_limit: Duration::from_millis(400),
        ..MexcConfig::default()
    })
    .await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_millis(100)));
    chat.expect_open().await;
    let stayed = tokio::time::timeout(
        Duration::from_millis(1500),
        chat.expect_state("a drop", |s| *s != ConnectionState::Open),
    )
    .await;
    assert!(stayed.is_err(), "pings keep the socket: {stayed:?}");
    let pings = sim.pings();
    assert!(
        (8..=25).contains(&pings),
        "about one PING per 100 ms over 1.5 s: {pings}"
    );
}

#[tokio::test]
async fn without_pings_the_server_drops_us_and_we_come_back() {
    let sim = sim(MexcConfig {
        idle_limit: Duration::from_millis(300),
        ..MexcConfig::default()
    })
    .await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(30)));
    chat.expect_open().await;
    chat.expect_state("the server's idle drop", |s| {
        matches!(s, ConnectionState::Backoff { .. })
    })
    .await;
    chat.expect_open().await;
}

#[tokio::test]
async fn a_sent_message_is_accepted_then_gets_its_id_from_the_echo() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    chat.expect_open().await;
    let local_id = chat.send("I have paid").await;
    let sent = chat
        .expect("the acceptance", |e| match e {
            Event::Sent(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(sent.local_id, local_id);
    assert_eq!(sent.state, DeliveryState::Sent);
    let echoed = chat
        .expect("the self echo", |e| match e {
            Event::Sent(m) if m.service_id.is_some() => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(echoed.local_id, local_id);
    assert_eq!(
        chat.history().await.len(),
        1,
        "the echo is not a second bubble"
    );
    assert_eq!(sim.sent_by_trader()[0].content, "I have paid");
}

#[tokio::test]
async fn a_refused_send_fails_with_the_servers_reason() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    chat.expect_open().await;
    sim.refuse_next_sends(1, "order already completed");
    chat.send("still there?").await;
    let failed = chat
        .expect("the refusal", |e| match e {
            Event::Failed(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        failed.error.as_deref(),
        Some("refused by the server: order already completed")
    );
    assert!(sim.sent_by_trader().is_empty());
}

#[tokio::test]
async fn the_counterpartys_payment_screenshot_arrives_as_an_image() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    chat.expect_open().await;
    eventually("the server to hold the socket", || sim.open_sockets() == 1).await;
    sim.counterparty_says(
        CONVERSATION,
        2,
        "payment proof",
        "http://127.0.0.1:1/proof.png",
    );
    let image = chat
        .expect("the image", |e| match e {
            Event::Message(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(image.kind, MessageKind::Image);
    assert_eq!(
        image.media.clone().unwrap().url,
        "http://127.0.0.1:1/proof.png"
    );
    assert_eq!(image.sender_name.as_deref(), Some("Buyer77"));
    assert!(!image.own);
}

#[tokio::test]
async fn an_invalid_listen_key_stops_and_asks_for_a_new_one() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(&sim, "not-a-key", tuning(Duration::from_secs(1)));
    let stopped = chat
        .expect_state("a stop", |s| matches!(s, ConnectionState::Stopped { .. }))
        .await;
    let ConnectionState::Stopped { reason } = stopped else {
        unreachable!()
    };
    assert!(reason.contains("replace the listenKey"), "{reason}");
}

#[tokio::test]
async fn a_replayed_history_after_reconnect_shows_nothing_twice() {
    let sim = sim(MexcConfig {
        replay_history: true,
        ..MexcConfig::default()
    })
    .await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    chat.expect_open().await;
    eventually("the server to hold the socket", || sim.open_sockets() == 1).await;
    sim.counterparty_says(CONVERSATION, 1, "hello trader", "");
    chat.expect("the first message", |e| {
        matches!(e, Event::Message(_)).then_some(())
    })
    .await;
    sim.drop_connections();
    chat.expect_state("backoff", |s| matches!(s, ConnectionState::Backoff { .. }))
        .await;
    chat.expect_open().await;
    // Frames arrive in order: once a message said after the replay is in, the replay is too.
    eventually("the server to hold the socket", || sim.open_sockets() == 1).await;
    sim.counterparty_says(CONVERSATION, 1, "after the replay", "");
    chat.expect("the message after the replay", |e| match e {
        Event::Message(m) if m.text == "after the replay" => Some(()),
        _ => None,
    })
    .await;
    let texts: Vec<String> = chat.history().await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["hello trader", "after the replay"]);
}

#[tokio::test]
async fn a_malformed_inner_body_is_reported_and_the_chat_goes_on() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    chat.expect_open().await;
    eventually("the server to hold the socket", || sim.open_sockets() == 1).await;
    sim.push_raw(r#"{"method":"RECEIVE_MESSAGE","data":"{broken"}"#);
    let error = chat
        .expect("an error", |e| match e {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(error.contains("RECEIVE_MESSAGE data"), "{error}");
    sim.counterparty_says(CONVERSATION, 1, "after the garbage", "");
    chat.expect("the next message", |e| match e {
        Event::Message(m) if m.text == "after the garbage" => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn a_server_that_closes_every_chat_at_once_stops_us_with_a_reason() {
    let sim = sim(MexcConfig::default()).await;
    sim.close_on_open(true);
    let mut chat = connect(&sim, KEY, tuning(Duration::from_secs(1)));
    let stopped = chat
        .expect_state("a stop", |s| matches!(s, ConnectionState::Stopped { .. }))
        .await;
    let ConnectionState::Stopped { reason } = stopped else {
        unreachable!()
    };
    assert!(
        reason.contains("5 times in a row") && reason.contains("replace it in settings"),
        "{reason}"
    );
    // Once the server side is fixed, "Retry now" brings the chat back.
    sim.close_on_open(false);
    chat.connection.send(supervisor::Command::RetryNow);
    chat.expect_open().await;
}

#[tokio::test]
async fn a_stalled_link_is_noticed_and_what_was_written_meanwhile_goes_out_once() {
    let sim = sim(MexcConfig::default()).await;
    let mut chat = connect(
        &sim,
        KEY,
        Tuning {
            idle_timeout: Some(Duration::from_millis(600)),
            ..tuning(Duration::from_millis(100))
        },
    );
    chat.expect_open().await;
    sim.set_stalled(true);
    let written = chat.send("sent into a dead link").await;
    chat.expect_state("the silent link to be declared dead", |s| {
        matches!(s, ConnectionState::Backoff { .. })
    })
    .await;
    sim.set_stalled(false);
    chat.expect_open().await;
    chat.expect(
        "the message to be confirmed after the reconnect",
        |e| match e {
            Event::Sent(m) if m.local_id == written => Some(()),
            _ => None,
        },
    )
    .await;
    // The echo then gives it its MEXC id, on the same bubble.
    let deadline = tokio::time::Instant::now() + support::WAIT;
    while !chat
        .history()
        .await
        .iter()
        .any(|m| m.local_id == written && m.service_id.is_some())
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the echo's id never arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent: Vec<String> = sim
        .sent_by_trader()
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(
        sent,
        vec!["sent into a dead link"],
        "delivered exactly once"
    );
    let shown = chat
        .history()
        .await
        .into_iter()
        .filter(|m| m.text == "sent into a dead link")
        .count();
    assert_eq!(shown, 1, "one bubble in the timeline");
}

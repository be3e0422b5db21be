//! A Mixin bot against the Blaze simulator, through the engine: import, the pending list first,
//! acknowledgement only after the store has a message, redelivery without duplicates, sends
//! that survive a lost reply without duplicating, receipts, 401s, and a gzip bomb.

mod support;

use parley_core::account::{AccountId, MixinSettings, ServiceSettings};
use parley_core::connection_state::ConnectionState;
use parley_core::engine::{Engine, EngineError, NewAccount};
use parley_core::event::Event;
use parley_core::message::{DeliveryState, Draft, MessageKind};
use parley_core::secret::Secret;
use parley_core::services::mixin::account::check_keystore;
use parley_core::store::Store;
use parley_sim::mixin::{AuthRefusal, MixinConfig, MixinSim};
use std::sync::Arc;
use std::time::Duration;
use support::{eventually, fast_tuning, Events};

const RSA_PEM: &str = include_str!("../src/services/mixin/keystore/test-rsa-key.pem");

struct World {
    sim: MixinSim,
    keystore: String,
    bot: String,
    ava: String,
}

async fn world(config: MixinConfig) -> World {
    let sim = MixinSim::start(config).await.expect("simulator starts");
    let keystore = sim.add_bot("Desk Bot");
    let bot = MixinSim::bot_id_of(&keystore);
    let ava = sim.add_user("Ava Trader");
    World {
        sim,
        keystore,
        bot,
        ava,
    }
}

fn settings(w: &World) -> MixinSettings {
    MixinSettings {
        bot_id: String::new(),
        bot_name: String::new(),
        blaze_url: w.sim.blaze_url(),
        api_base: w.sim.api_base(),
    }
}

fn engine(store: Store) -> Arc<Engine> {
    support::engine_with(store, fast_tuning())
}

async fn add(engine: &Engine, w: &World, keystore: &str) -> AccountId {
    engine
        .add_account(NewAccount {
            display_name: None,
            settings: ServiceSettings::Mixin(settings(w)),
            secret: Some(Secret::new(keystore)),
            order_numbers: Vec::new(),
        })
        .await
        .expect("the bot is added")
        .id
}

async fn history(engine: &Engine, account: &AccountId, room: &str) -> Vec<(String, DeliveryState)> {
    engine
        .history(account, room, None, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.text, m.state))
        .collect()
}

/// Waits for the connection to stop for good; returns why.
async fn stopped_reason(events: &mut Events) -> String {
    match events
        .expect_state("the bot to stop", |s| {
            matches!(s, ConnectionState::Stopped { .. })
        })
        .await
    {
        ConnectionState::Stopped { reason } => reason,
        other => panic!("not stopped: {other:?}"),
    }
}

fn conversation(w: &World) -> String {
    parley_core::services::mixin::ids::contact_conversation_id(&w.bot, &w.ava)
}

#[tokio::test]
async fn import_checks_the_keystore_with_me_and_saves_nothing_when_it_fails() {
    let w = world(MixinConfig::default()).await;
    let mut s = settings(&w);
    let bot = check_keystore(&mut s, &Secret::new(&w.keystore))
        .await
        .unwrap();
    assert_eq!(
        (bot.bot_name.as_str(), bot.algorithm),
        ("Desk Bot", "EdDSA")
    );
    assert_eq!(s.bot_id, w.bot);

    let rsa = w.sim.add_rsa_bot("Legacy Bot", RSA_PEM).unwrap();
    let legacy = check_keystore(&mut settings(&w), &Secret::new(&rsa))
        .await
        .unwrap();
    assert_eq!(
        (legacy.bot_name.as_str(), legacy.algorithm),
        ("Legacy Bot", "RS512")
    );

    let engine = engine(Store::open_in_memory().unwrap());
    let broken = engine
        .add_account(NewAccount {
            display_name: None,
            settings: ServiceSettings::Mixin(settings(&w)),
            secret: Some(Secret::new("{\"app_id\": 1")),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(broken.to_string().contains("not JSON"), "{broken}");
    // A well-formed keystore the service does not know: refused by /me, with the likely causes.
    let stranger = MixinSim::start(MixinConfig::default())
        .await
        .unwrap()
        .add_bot("Elsewhere");
    let refused = engine
        .add_account(NewAccount {
            display_name: None,
            settings: ServiceSettings::Mixin(settings(&w)),
            secret: Some(Secret::new(stranger)),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("error 401") && refused.to_string().contains("clock"),
        "{refused}"
    );
    assert!(engine.accounts().is_empty(), "nothing saved");
}

#[tokio::test]
async fn the_pending_list_comes_first_each_message_is_stored_once_then_acknowledged() {
    let w = world(MixinConfig::default()).await;
    let offline: Vec<String> = ["Hi bot", "Is the desk open?", "Need 2 BTC"]
        .iter()
        .map(|t| w.sim.user_says(&w.bot, &w.ava, t))
        .collect();
    let store = Store::open_in_memory().unwrap();
    // The store refuses one message (as a full disk would): it must not be acknowledged.
    store
        .run(|c| {
            c.execute_batch(
                "CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.text = 'Need 2 BTC'
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let engine = engine(store.clone());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);

    eventually("two acknowledgements", || w.sim.acknowledged().len() == 2).await;
    let frames = w.sim.client_frames();
    assert_eq!(
        frames[0].1["action"], "LIST_PENDING_MESSAGES",
        "the pending list is asked for first"
    );
    assert_eq!(
        w.sim.acknowledged(),
        offline[..2].to_vec(),
        "stored ones only, in order"
    );
    assert_eq!(w.sim.unacked_count(&w.bot), 1);
    let stored = engine.history(&account, &room, None, 50).await.unwrap();
    assert_eq!(
        stored.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        ["Hi bot", "Is the desk open?"]
    );
    assert_eq!(
        stored[0].sender_name.as_deref(),
        Some("Ava Trader"),
        "named over REST"
    );
    assert_eq!(
        support::room_titles(&engine).await,
        vec!["Ava Trader"],
        "the room is named after the user"
    );

    // The disk recovers; the server pushes what was not acknowledged again on the next connection.
    store
        .run(|c| Ok(c.execute_batch("DROP TRIGGER poison;")?))
        .await
        .unwrap();
    w.sim.drop_connections();
    eventually("the third acknowledgement", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    let texts: Vec<String> = history(&engine, &account, &room)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        texts,
        ["Hi bot", "Is the desk open?", "Need 2 BTC"],
        "each exactly once"
    );
}

#[tokio::test]
async fn a_backlog_is_acknowledged_in_batches_over_rest_and_stored_once_in_order() {
    let w = world(MixinConfig::default()).await;
    let texts: Vec<String> = (0..250).map(|i| format!("backlog {i}")).collect();
    for text in &texts {
        w.sim.user_says(&w.bot, &w.ava, text);
    }
    let engine = engine(Store::open_in_memory().unwrap());
    let account = add(&engine, &w, &w.keystore).await;
    eventually("the backlog acknowledged", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    let stored: Vec<String> = history(&engine, &account, &conversation(&w))
        .await
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    assert_eq!(stored, texts, "every message once, in order");
    let batch_calls = w
        .sim
        .rest_calls()
        .iter()
        .filter(|c| c.contains("/acknowledgements"))
        .count();
    assert!(
        (3..250).contains(&batch_calls),
        "acknowledged in batches of at most 100, not one call each: {batch_calls} calls"
    );
}

#[tokio::test]
async fn slow_name_lookups_of_many_new_senders_do_not_hold_their_messages_back() {
    let w = world(MixinConfig::default()).await;
    // 24 people the bot has not seen, each of whose profiles takes 2 s to answer: looked up one
    // after another, storing their messages would wait 48 s.
    let senders: Vec<String> = (0..24)
        .map(|i| w.sim.add_user(&format!("Sender {i}")))
        .collect();
    for (i, sender) in senders.iter().enumerate() {
        w.sim
            .delay_next(&format!("GET /users/{sender}"), Duration::from_secs(2));
        w.sim.user_says(&w.bot, sender, &format!("hello {i}"));
    }
    let engine = engine(Store::open_in_memory().unwrap());
    let account = add(&engine, &w, &w.keystore).await;
    eventually("every message stored and acknowledged", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    let mut named = 0;
    for sender in &senders {
        let room = parley_core::services::mixin::ids::contact_conversation_id(&w.bot, sender);
        let stored = engine.history(&account, &room, None, 10).await.unwrap();
        assert_eq!(stored.len(), 1, "one message from {sender}");
        named += usize::from(stored[0].sender_name.is_some());
    }
    assert!(
        named > 0,
        "the lookups that finished in time named their senders"
    );
}

#[tokio::test]
async fn a_failed_batch_acknowledgement_is_made_over_the_socket_while_reading_goes_on() {
    let w = world(MixinConfig::default()).await;
    w.sim.inject_error("POST /acknowledgements", 500);
    let texts: Vec<String> = (0..20).map(|i| format!("backlog {i}")).collect();
    for text in &texts {
        w.sim.user_says(&w.bot, &w.ava, text);
    }
    let engine = engine(Store::open_in_memory().unwrap());
    let account = add(&engine, &w, &w.keystore).await;
    eventually("every message acknowledged", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    let over_socket = w
        .sim
        .client_frames()
        .iter()
        .filter(|(_, f)| f["action"] == "ACKNOWLEDGE_MESSAGE_RECEIPT")
        .count();
    assert!(
        over_socket >= 2,
        "the failed batch went frame by frame: {over_socket}"
    );
    let stored = history(&engine, &account, &conversation(&w)).await;
    assert_eq!(stored.len(), texts.len(), "every message stored once");
}

#[tokio::test]
async fn quitting_while_a_batch_acknowledgement_is_in_flight_lets_it_finish() {
    let w = world(MixinConfig::default()).await;
    w.sim
        .delay_next("POST /acknowledgements", Duration::from_millis(400));
    // Several, so they go in one batch call (a single message is acknowledged over the socket).
    for text in ["one", "two", "just before quitting"] {
        w.sim.user_says(&w.bot, &w.ava, text);
    }
    let engine = engine(Store::open_in_memory().unwrap());
    add(&engine, &w, &w.keystore).await;
    eventually("the acknowledgement on its way", || {
        w.sim
            .rest_calls()
            .iter()
            .any(|c| c.contains("/acknowledgements"))
    })
    .await;
    engine.shutdown().await;
    assert_eq!(
        w.sim.unacked_count(&w.bot),
        0,
        "the messages are acknowledged before the connection closes, not sent again next time"
    );
}

#[tokio::test]
async fn redelivered_messages_are_not_duplicated() {
    let w = world(MixinConfig {
        redeliver_every: Some(Duration::from_millis(100)),
        ..MixinConfig::default()
    })
    .await;
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    // The first acknowledgement is lost: the server keeps pushing the message.
    w.sim.inject_error("ACKNOWLEDGE_MESSAGE_RECEIPT", 7000);
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    w.sim.user_says(&w.bot, &w.ava, "only once please");
    eventually("the acknowledgement", || w.sim.unacked_count(&w.bot) == 0).await;
    w.sim.drop_connections();
    events.expect_open().await;
    // Whatever the server pushes again comes before a message the user writes now.
    w.sim.user_says(&w.bot, &w.ava, "after the reconnect");
    eventually("the next message stored and acknowledged", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    let texts: Vec<String> = history(&engine, &account, &conversation(&w))
        .await
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    assert_eq!(texts, ["only once please", "after the reconnect"]);
    assert!(
        w.sim
            .acknowledged()
            .iter()
            .filter(|id| !id.is_empty())
            .count()
            >= 1
    );
}

#[tokio::test]
async fn a_reply_is_sent_once_even_when_its_answer_is_lost_and_receipts_update_its_state() {
    let w = world(MixinConfig {
        receipt_delay: Duration::from_millis(100),
        ..MixinConfig::default()
    })
    .await;
    w.sim.user_says(&w.bot, &w.ava, "hello?");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    eventually("the user's message", || w.sim.unacked_count(&w.bot) == 0).await;

    w.sim.swallow_replies(1);
    let pending = engine
        .send_text(&account, &room, "Desk is open")
        .await
        .unwrap();
    eventually("the server to have it", || w.sim.sent_by(&w.bot).len() == 1).await;
    assert_eq!(
        history(&engine, &account, &room).await[1].1,
        DeliveryState::Pending
    );
    // The answer never came; the connection drops; the outbox sends it again, same message_id.
    w.sim.drop_connections();
    let read = events
        .expect("the reply to be read", |e| match e {
            Event::Sent(m) if m.local_id == pending.local_id && m.state == DeliveryState::Read => {
                Some(m.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(
        read.service_id, pending.service_id,
        "the client's message id is kept"
    );
    let sent = w.sim.sent_by(&w.bot);
    assert_eq!(sent.len(), 1, "the server stored it once");
    assert_eq!(sent[0].text, "Desk is open");
    assert_eq!(Some(sent[0].message_id.clone()), pending.service_id);
    let creates = w
        .sim
        .client_frames()
        .iter()
        .filter(|(_, f)| f["action"] == "CREATE_MESSAGE")
        .count();
    assert_eq!(creates, 2, "sent twice on the wire");
    assert_eq!(
        history(&engine, &account, &room).await,
        vec![
            ("hello?".to_owned(), DeliveryState::Sent),
            ("Desk is open".to_owned(), DeliveryState::Read)
        ],
        "no echo bubble, one reply"
    );
}

#[tokio::test]
async fn a_refused_send_fails_with_the_servers_words_and_the_connection_stays() {
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "hi");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    w.sim.inject_error("CREATE_MESSAGE", 403);
    engine
        .send_text(&account, &conversation(&w), "blocked?")
        .await
        .unwrap();
    let failed = events
        .expect("the failure", |e| match e {
            Event::Failed(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert!(failed.error.clone().unwrap().contains("error 403"));
    engine
        .send_text(&account, &conversation(&w), "next one")
        .await
        .unwrap();
    eventually("the next message", || w.sim.sent_by(&w.bot).len() == 1).await;
}

#[tokio::test]
async fn a_401_on_the_upgrade_stops_and_names_the_keystore_and_the_clock() {
    let w = world(MixinConfig::default()).await;
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    w.sim.set_refuse_tokens(true);
    w.sim.drop_connections();
    let reason = stopped_reason(&mut events).await;
    assert!(
        reason.contains("401") && reason.contains("clock"),
        "{reason}"
    );
}

#[tokio::test]
async fn an_error_401_after_open_is_confirmed_with_me_before_giving_up() {
    let w = world(MixinConfig {
        auth_refusal: AuthRefusal::ErrorFrame,
        ..MixinConfig::default()
    })
    .await;
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    add(&engine, &w, &w.keystore).await;
    events.expect_open().await;

    let listings = || {
        w.sim
            .client_frames()
            .iter()
            .filter(|(_, f)| f["action"] == "LIST_PENDING_MESSAGES")
            .count()
    };
    eventually("the pending list to be asked for", || listings() == 1).await;
    // A 401 the REST API does not confirm: reconnect.
    w.sim.inject_error("LIST_PENDING_MESSAGES", 401);
    w.sim.drop_connections();
    events.expect_open().await;
    events
        .expect_state("a reconnect after the unconfirmed 401", |s| {
            matches!(s, ConnectionState::Backoff { .. })
        })
        .await;
    events.expect_open().await;
    assert!(
        w.sim
            .rest_calls()
            .iter()
            .filter(|c| *c == "GET /me")
            .count()
            >= 2,
        "import + confirmation"
    );

    // A 401 that /me confirms: stop.
    w.sim.set_refuse_tokens(true);
    w.sim.drop_connections();
    let reason = stopped_reason(&mut events).await;
    assert!(reason.contains("clock"), "{reason}");
}

#[tokio::test]
async fn a_gzip_bomb_is_refused_the_connection_resets_and_messages_keep_coming() {
    let w = world(MixinConfig::default()).await;
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    // 64 MiB of spaces, about 64 KB on the wire.
    let bomb = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
        e.finish().unwrap()
    };
    w.sim
        .push_raw(tokio_tungstenite::tungstenite::Message::Binary(bomb.into()));
    let error = events
        .expect("the refusal", |e| match e {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(error.contains("gzip bomb"), "{error}");
    let refused = engine.inspector().frames(Some(&account));
    assert!(
        refused
            .iter()
            .any(|f| f.opcode == "refused" && f.body.contains("gzip bomb")),
        "the inspector shows the refused frame and why"
    );
    events.expect_open().await;
    w.sim.user_says(&w.bot, &w.ava, "still there?");
    eventually("the message after the bomb", || {
        w.sim.unacked_count(&w.bot) == 0
    })
    .await;
    assert_eq!(history(&engine, &account, &conversation(&w)).await.len(), 1);
}

#[tokio::test]
async fn images_stickers_and_groups_arrive_with_their_details() {
    let w = world(MixinConfig::default()).await;
    let group = w.sim.add_group("OTC Desk", &[&w.bot, &w.ava]);
    w.sim.user_sends_image(
        &w.bot,
        &w.ava,
        b"\x89PNG\r\n\x1a\nfake",
        b"\xff\xd8\xffthumb",
        "chart",
    );
    w.sim
        .user_sends_sticker(&w.bot, &w.ava, b"\x89PNG\r\n\x1a\nsticker");
    w.sim
        .user_sends(&w.bot, &w.ava, Some(&group), "PLAIN_TEXT", b"gm desk");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    eventually("all three", || w.sim.unacked_count(&w.bot) == 0).await;
    let direct = engine
        .history(&account, &conversation(&w), None, 50)
        .await
        .unwrap();
    assert_eq!(direct[0].kind, MessageKind::Image);
    assert_eq!(direct[0].text, "chart");
    let media = direct[0].media.clone().unwrap();
    assert!(media.url.starts_with("mixin-attachment:"));
    assert!(media.thumb_inline.is_some());
    assert_eq!(direct[1].kind, MessageKind::Sticker);
    let mut titles = support::room_titles(&engine).await;
    titles.sort();
    assert_eq!(titles, vec!["Ava Trader", "OTC Desk"]);
}

/// Issue 25: a pending message whose `data` is not base64 used to drop the connection without
/// an acknowledgement; the server sends it first on every connection, so nothing behind it
/// ever arrived. It is stored as an unreadable message (category and id shown), acknowledged,
/// and the messages behind it come through.
#[tokio::test]
async fn a_message_with_data_that_is_not_base64_is_shown_as_unreadable_and_does_not_block_the_inbox(
) {
    let w = world(MixinConfig::default()).await;
    let corrupt = w
        .sim
        .user_sends_raw_data(&w.bot, &w.ava, "PLAIN_TEXT", "%%% not base64 %%%");
    let behind = w.sim.user_says(&w.bot, &w.ava, "the message behind it");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events
        .expect("the message behind the corrupt one", |e| match e {
            Event::Message(m) if m.text == "the message behind it" => Some(()),
            _ => None,
        })
        .await;
    eventually("both acknowledged", || w.sim.unacked_count(&w.bot) == 0).await;
    let acked = w.sim.acknowledged();
    assert!(
        acked.contains(&corrupt) && acked.contains(&behind),
        "{acked:?}"
    );
    let stored = engine
        .history(&account, &conversation(&w), None, 10)
        .await
        .unwrap();
    let unreadable = stored
        .iter()
        .find(|m| m.service_id.as_deref() == Some(corrupt.as_str()))
        .expect("the corrupt message is stored");
    assert_eq!(unreadable.kind, MessageKind::Unsupported);
    assert!(
        unreadable.text.contains("PLAIN_TEXT")
            && unreadable.text.contains(&corrupt)
            && unreadable.text.contains("unreadable"),
        "{}",
        unreadable.text
    );
}

/// Issue 25: the server answers every connection with an `ERROR` 401 while `GET /me` still
/// accepts the keystore. Retrying for ever helps nobody: after three connections in a row the
/// bot stops, and says why.
#[tokio::test]
async fn an_error_401_on_three_connections_in_a_row_stops_even_when_me_accepts_the_keystore() {
    let w = world(MixinConfig::default()).await;
    for _ in 0..3 {
        w.sim.inject_error("LIST_PENDING_MESSAGES", 401);
    }
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    add(&engine, &w, &w.keystore).await;
    let reason = stopped_reason(&mut events).await;
    assert!(
        reason.contains("3 connections in a row") && reason.contains("401"),
        "{reason}"
    );
    let checks = w
        .sim
        .rest_calls()
        .iter()
        .filter(|c| *c == "GET /me")
        .count();
    assert!(
        checks >= 4,
        "import + one check per rejection, saw {checks}"
    );
}

#[tokio::test]
async fn a_quote_reply_carries_quote_message_id_on_every_send_and_keeps_its_text() {
    let w = world(MixinConfig::default()).await;
    w.sim
        .user_says(&w.bot, &w.ava, "send 50 USDT to this account");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    eventually("the user's message", || w.sim.unacked_count(&w.bot) == 0).await;
    let asked = engine.history(&account, &room, None, 10).await.unwrap()[0].clone();

    // The answer to the first try is lost: the outbox sends it again after a reconnect.
    w.sim.swallow_replies(1);
    let reply = engine
        .reply(&account, &room, Draft::text("Paid"), asked.local_id)
        .await
        .unwrap();
    assert_eq!(
        reply.quote_id, asked.service_id,
        "the reply keeps what it answers"
    );
    assert_eq!(
        reply.text, "Paid",
        "no quoted line where the service has a field"
    );
    eventually("the server to have it", || w.sim.sent_by(&w.bot).len() == 1).await;
    w.sim.drop_connections();
    eventually("the second try", || {
        w.sim
            .client_frames()
            .iter()
            .filter(|(_, f)| f["action"] == "CREATE_MESSAGE")
            .count()
            == 2
    })
    .await;
    for (_, frame) in w
        .sim
        .client_frames()
        .iter()
        .filter(|(_, f)| f["action"] == "CREATE_MESSAGE")
    {
        assert_eq!(
            frame["params"]["quote_message_id"].as_str(),
            asked.service_id.as_deref(),
            "every send names the quoted message"
        );
    }

    // A message of another room cannot be answered here.
    let elsewhere = engine
        .reply(
            &account,
            "00000000-0000-4000-8000-000000000000",
            Draft::text("x"),
            asked.local_id,
        )
        .await;
    assert!(matches!(elsewhere, Err(EngineError::Invalid(_))));
}

/// A small PNG, `width`×`height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Issue 24: a bot sends a photo and a file. Each is uploaded once through the attachment API
/// (a storage failure is retried without a second message or a second upload), and the message
/// names the attachment with the payload fields the apps read.
#[tokio::test]
async fn a_photo_and_a_file_are_uploaded_once_and_sent_by_attachment_id() {
    use parley_core::media::outgoing::{FileToSend, SendAs};
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "send me the proof");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    let outbox = tempfile::tempdir().unwrap();

    let photo = png(640, 480);
    w.sim.fail_uploads(1);
    let pending = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: photo.clone(),
                name: "/home/me/proof.png".into(),
                send_as: SendAs::Photo,
                caption: "Payment proof".into(),
            },
            outbox.path(),
        )
        .await
        .expect("the photo is accepted");
    assert_eq!(pending.kind, MessageKind::Image);
    assert_eq!(pending.state, DeliveryState::Pending);
    let sent = events
        .expect(
            "the photo to be sent after the storage hiccup",
            |e| match e {
                Event::Sent(m) if m.local_id == pending.local_id => Some(m.clone()),
                Event::Failed(m) if m.local_id == pending.local_id => {
                    panic!("failed: {:?}", m.error)
                }
                _ => None,
            },
        )
        .await;
    let uploaded = w.sim.uploaded();
    assert_eq!(uploaded.len(), 1, "one upload landed");
    assert_eq!(uploaded[0].1, photo, "the photo as it is, not re-encoded");
    let on_server = w.sim.sent_by(&w.bot);
    assert_eq!(on_server.len(), 1, "one message");
    assert_eq!(on_server[0].category, "PLAIN_IMAGE");
    assert_eq!(Some(on_server[0].message_id.clone()), pending.service_id);
    let payload: serde_json::Value = serde_json::from_str(&on_server[0].text).unwrap();
    assert_eq!(payload["attachment_id"], uploaded[0].0);
    assert_eq!(payload["mime_type"], "image/png");
    assert_eq!(
        (payload["width"].as_u64(), payload["height"].as_u64()),
        (Some(640), Some(480))
    );
    assert_eq!(payload["size"].as_u64(), Some(photo.len() as u64));
    assert_eq!(payload["caption"], "Payment proof");
    assert!(payload["thumbnail"].as_str().is_some_and(|t| t.len() > 100));
    let media = sent.media.clone().expect("media kept");
    assert_eq!(media.attachment_id.as_deref(), Some(uploaded[0].0.as_str()));
    assert_eq!(media.local_path, None, "its id is all a resend needs");
    assert_eq!(
        std::fs::read_dir(outbox.path()).unwrap().count(),
        0,
        "the copy kept for the upload is deleted once the service has the file"
    );

    let pdf = b"%PDF-1.4 statement".to_vec();
    let file = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: pdf.clone(),
                name: "statement.pdf".into(),
                send_as: SendAs::File,
                caption: String::new(),
            },
            outbox.path(),
        )
        .await
        .unwrap();
    eventually("the file message", || w.sim.sent_by(&w.bot).len() == 2).await;
    let data = &w.sim.sent_by(&w.bot)[1];
    assert_eq!(data.category, "PLAIN_DATA");
    let payload: serde_json::Value = serde_json::from_str(&data.text).unwrap();
    assert_eq!(payload["name"], "statement.pdf");
    assert_eq!(payload["mime_type"], "application/pdf");
    assert_eq!(payload["size"].as_u64(), Some(pdf.len() as u64));
    assert_eq!(w.sim.uploaded().len(), 2);
    assert_eq!(file.kind, MessageKind::File);

    // PLAIN_DATA has no caption: the text typed with a file goes right after it, not lost.
    let with_text = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: pdf.clone(),
                name: "receipt.pdf".into(),
                send_as: SendAs::File,
                caption: "receipt for order 42".into(),
            },
            outbox.path(),
        )
        .await
        .unwrap();
    assert_eq!(
        with_text.text, "receipt for order 42",
        "one bubble: the file and its text"
    );
    let confirmed = events
        .expect("the file with its text confirmed", |e| match e {
            Event::Sent(m) if m.local_id == with_text.local_id => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(confirmed.state, DeliveryState::Sent);
    let sent = w.sim.sent_by(&w.bot);
    assert_eq!(sent.len(), 4, "the file, then its text: {sent:?}");
    assert_eq!(sent[2].category, "PLAIN_DATA");
    assert_eq!(Some(sent[2].message_id.clone()), with_text.service_id);
    let payload: serde_json::Value = serde_json::from_str(&sent[2].text).unwrap();
    assert_eq!(payload["name"], "receipt.pdf");
    assert!(payload.get("caption").is_none());
    assert_eq!(
        (sent[3].category.as_str(), sent[3].text.as_str()),
        ("PLAIN_TEXT", "receipt for order 42")
    );
    // A blank text is no text: the file goes alone.
    engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: pdf.clone(),
                name: "blank.pdf".into(),
                send_as: SendAs::File,
                caption: " \n ".into(),
            },
            outbox.path(),
        )
        .await
        .expect("a blank caption does not refuse the file");
    eventually("the blank-captioned file", || {
        w.sim.sent_by(&w.bot).len() == 5
    })
    .await;
    assert_eq!(w.sim.sent_by(&w.bot)[4].category, "PLAIN_DATA");
    // A text the service would refuse is refused before anything is uploaded.
    let too_long = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: pdf.clone(),
                name: "long.pdf".into(),
                send_as: SendAs::File,
                caption: "x".repeat(70 * 1024),
            },
            outbox.path(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(too_long, EngineError::Invalid(_) | EngineError::Codec(_)),
        "{too_long:?}"
    );
    let photo_too_long = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: png(64, 48),
                name: "chart.png".into(),
                send_as: SendAs::Photo,
                caption: "y".repeat(70 * 1024),
            },
            outbox.path(),
        )
        .await;
    assert!(
        photo_too_long.is_err(),
        "a caption too long for a photo too"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        w.sim.uploaded().len(),
        4,
        "nothing uploaded for the refused ones"
    );
    assert_eq!(w.sim.sent_by(&w.bot).len(), 5);
    assert_eq!(
        std::fs::read_dir(outbox.path()).unwrap().count(),
        0,
        "no copy is left by the refused ones"
    );

    let refused = engine
        .send_file(
            &account,
            &room,
            FileToSend {
                bytes: Vec::new(),
                name: "empty.txt".into(),
                send_as: SendAs::File,
                caption: String::new(),
            },
            outbox.path(),
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("empty"), "{refused}");
}

/// Issue 24: a file on its way up tells its progress, keeps the bot reading its conversations
/// (the upload used to hold the connection's loop for its whole length), holds back the later
/// messages of its room so they arrive after it, and can be cancelled until it is uploaded:
/// then it is gone and never sent.
#[tokio::test]
async fn a_file_on_its_way_up_shows_progress_keeps_order_and_can_be_cancelled() {
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "send me the ledger");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    let outbox = tempfile::tempdir().unwrap();
    let ledger: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let send_ledger = || {
        engine.send_file(
            &account,
            &room,
            as_file("ledger.bin", ledger.clone()),
            outbox.path(),
        )
    };

    w.sim.hold_uploads(true);
    let file = send_ledger().await.unwrap();
    let after = engine
        .send(&account, &room, Draft::text("that was the ledger"))
        .await
        .unwrap();
    let total = ledger.len() as u64;
    let mut seen = Vec::new();
    events
        .expect("the whole file handed to the storage", |e| match e {
            Event::UploadProgress {
                local_id,
                sent_bytes,
                total_bytes,
                ..
            } if *local_id == file.local_id => {
                assert_eq!(*total_bytes, total);
                seen.push(*sent_bytes);
                (*sent_bytes == total).then_some(())
            }
            _ => None,
        })
        .await;
    assert!(
        seen.windows(2).all(|p| p[0] < p[1]),
        "progress only grows: {seen:?}"
    );
    // The connection reads on while the storage keeps the upload waiting.
    w.sim.user_says(&w.bot, &w.ava, "still there?");
    events
        .expect("a message received during the upload", |e| match e {
            Event::Message(m) if m.text == "still there?" => Some(()),
            _ => None,
        })
        .await;
    assert!(
        w.sim.sent_by(&w.bot).is_empty(),
        "the text written after the file waits for it"
    );

    engine.cancel_upload(file.local_id).await.unwrap();
    events
        .expect("the cancelled file deleted", |e| match e {
            Event::Deleted { local_id, .. } if *local_id == file.local_id => Some(()),
            _ => None,
        })
        .await;
    eventually("the text to go once the file is cancelled", || {
        w.sim.sent_by(&w.bot).len() == 1
    })
    .await;
    assert_eq!(w.sim.sent_by(&w.bot)[0].text, after.text);
    w.sim.hold_uploads(false);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        w.sim.sent_by(&w.bot).len(),
        1,
        "a cancelled file is never sent, even if the storage took it"
    );
    assert_eq!(
        std::fs::read_dir(outbox.path()).unwrap().count(),
        0,
        "the copy kept for the upload is gone"
    );

    // Uploaded and sent: a later message of the room follows it, and it can no longer be cancelled.
    w.sim.hold_uploads(true);
    let file = send_ledger().await.unwrap();
    engine
        .send(&account, &room, Draft::text("ledger attached"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.sim.sent_by(&w.bot).len(), 1, "held behind the upload");
    w.sim.hold_uploads(false);
    eventually("the file then the text", || {
        w.sim.sent_by(&w.bot).len() == 3
    })
    .await;
    let sent = w.sim.sent_by(&w.bot);
    assert_eq!(
        (sent[1].category.as_str(), sent[2].text.as_str()),
        ("PLAIN_DATA", "ledger attached")
    );
    events
        .expect("the file confirmed", |e| match e {
            Event::Sent(m) if m.local_id == file.local_id => Some(()),
            _ => None,
        })
        .await;
    assert!(engine.cancel_upload(file.local_id).await.is_err());
    let payload: serde_json::Value = serde_json::from_str(&sent[1].text).unwrap();
    let landed = w.sim.uploaded();
    assert_eq!(
        landed
            .iter()
            .filter(|(id, _)| payload["attachment_id"] == id.as_str())
            .count(),
        1,
        "the file sent was uploaded once"
    );
}

/// Issue 24: a bot's health board counts the backlog found at the connect, how long the
/// acknowledgements took after storing, and names a machine clock far from the server's when
/// the server refuses the bot's tokens for it (and in the stop reason).
#[tokio::test]
async fn the_health_board_counts_the_backlog_acknowledgements_and_names_a_wrong_clock() {
    let w = world(MixinConfig::default()).await;
    // Three messages waited an hour for the bot (stamped on the server's clock).
    w.sim.set_clock_offset(-3600);
    for text in ["are you there?", "hello?", "order 1138745987"] {
        w.sim.user_says(&w.bot, &w.ava, text);
    }
    w.sim.set_clock_offset(0);
    let engine = engine(Store::open_in_memory().unwrap());
    engine.watch_health().await;
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    eventually("the backlog counted and acknowledged", || {
        let board = engine.health_of(&account);
        board.backlogs.first().map(|b| b.count) == Some(3)
            && board.acknowledged_24h == 3
            && board.ack_p50_ms.is_some()
            && board.unacked_since_ms.is_none()
    })
    .await;
    let board = engine.health_of(&account);
    assert!(
        board.clock_skew_ms.is_some_and(|s| s.abs() < 5_000) && board.clock_warning.is_none(),
        "{board:?}"
    );

    // The server's clock is set 10 minutes ahead: the bot's tokens look 10 minutes old.
    w.sim.set_clock_offset(600);
    w.sim.drop_connections();
    let reason = stopped_reason(&mut events).await;
    assert!(reason.contains("10 min behind the server's"), "{reason}");
    eventually("the board to warn about the clock", || {
        engine
            .health_of(&account)
            .clock_warning
            .is_some_and(|w| w.contains("10 min behind"))
    })
    .await;
}

/// Only a file of this computer still uploading can be cancelled: a text waiting to be sent,
/// or a message that does not exist, is refused with a reason and left as it is.
#[tokio::test]
async fn cancelling_anything_but_an_upload_is_refused_and_changes_nothing() {
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "hi");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    w.sim.set_stalled(true);
    let text = engine
        .send(&account, &room, Draft::text("a text"))
        .await
        .unwrap();
    assert!(matches!(
        engine.cancel_upload(text.local_id).await,
        Err(EngineError::Invalid(_))
    ));
    assert!(matches!(
        engine.cancel_upload(987_654).await,
        Err(EngineError::Invalid(_))
    ));
    w.sim.set_stalled(false);
}

/// A file queued while the bot is disconnected can be taken back before it ever goes up.
#[tokio::test]
async fn a_file_waiting_for_the_connection_can_be_cancelled() {
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "hi");
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    w.sim.set_refuse_tokens(true);
    w.sim.drop_connections();
    stopped_reason(&mut events).await;
    let outbox = tempfile::tempdir().unwrap();
    let file = engine
        .send_file(
            &account,
            &room,
            as_file("queued.pdf", b"%PDF-1.4 queued".to_vec()),
            outbox.path(),
        )
        .await
        .unwrap();
    engine.cancel_upload(file.local_id).await.unwrap();
    events
        .expect("the queued file deleted", |e| match e {
            Event::Deleted { local_id, .. } if *local_id == file.local_id => Some(()),
            _ => None,
        })
        .await;
    w.sim.set_refuse_tokens(false);
    engine.reconnect_now(&account).unwrap();
    events.expect_open().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(w.sim.uploaded().is_empty() && w.sim.sent_by(&w.bot).is_empty());
}

/// A file queued for a bot whose keystore is missing from the keyring (no connection runs to
/// ask) is taken back by Cancel all the same: before, the cancel was sent to no connection and
/// the file stayed, its Cancel doing nothing.
#[tokio::test]
async fn a_file_of_an_account_that_cannot_start_can_be_cancelled() {
    let w = world(MixinConfig::default()).await;
    let store = Store::open_in_memory().unwrap();
    let first = engine(store.clone());
    let mut events = Events(first.subscribe());
    let id = add(&first, &w, &w.keystore).await;
    events.expect_open().await;
    let account = first
        .config()
        .accounts
        .into_iter()
        .find(|a| a.id == id)
        .unwrap();
    first.shutdown().await;

    // The next launch has the account but not its secret.
    let engine = parley_core::engine::Engine::new(
        store,
        None,
        parley_core::config::AppConfig {
            accounts: vec![account],
            ..Default::default()
        },
        Arc::new(parley_core::secrets::SessionOnlyStore::default()),
        fast_tuning(),
    );
    engine.start_configured().await.unwrap();
    let mut events = Events(engine.subscribe());
    let outbox = tempfile::tempdir().unwrap();
    let file = engine
        .send_file(
            &id,
            &conversation(&w),
            as_file("stuck.pdf", b"%PDF-1.4 stuck".to_vec()),
            outbox.path(),
        )
        .await
        .unwrap();
    let copy = file.media.as_ref().unwrap().local_path.clone().unwrap();
    assert!(std::path::Path::new(&copy).exists());

    engine.cancel_upload(file.local_id).await.unwrap();
    events
        .expect("the file deleted", |e| match e {
            Event::Deleted { local_id, .. } if *local_id == file.local_id => Some(()),
            _ => None,
        })
        .await;
    assert!(history(&engine, &id, &conversation(&w)).await.is_empty());
    assert!(
        !std::path::Path::new(&copy).exists(),
        "the kept copy goes too"
    );
    // A second click finds nothing to cancel and says nothing wrong.
    assert!(matches!(
        engine.cancel_upload(file.local_id).await,
        Err(EngineError::Invalid(_))
    ));
}

/// A file of the user's to send as a file (not a photo), without a caption.
fn as_file(name: &str, bytes: Vec<u8>) -> parley_core::media::outgoing::FileToSend {
    parley_core::media::outgoing::FileToSend {
        bytes,
        name: name.into(),
        send_as: parley_core::media::outgoing::SendAs::File,
        caption: String::new(),
    }
}

fn storage_attempts(w: &World) -> usize {
    w.sim
        .rest_calls()
        .iter()
        .filter(|c| c.starts_with("PUT /uploads/"))
        .count()
}

/// Issue 24 (review): an upload the storage refuses for now waits before it goes up again
/// (it was restarted at once, file read again, until its life ran out); a retry that then
/// takes longer than the message's life is not failed when it succeeds; and retries end with
/// the reason once the file has been failing for the message's life.
#[tokio::test]
async fn a_refused_upload_waits_before_the_next_try_and_gives_up_after_the_messages_life() {
    let w = world(MixinConfig::default()).await;
    w.sim.user_says(&w.bot, &w.ava, "send the statement");
    let engine = support::engine_with(
        Store::open_in_memory().unwrap(),
        parley_core::supervisor::Tuning {
            pending_life: Duration::from_millis(1_500),
            upload_retry: Duration::from_millis(400),
            ..fast_tuning()
        },
    );
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let room = conversation(&w);
    let outbox = tempfile::tempdir().unwrap();

    w.sim.fail_uploads(2);
    let file = engine
        .send_file(
            &account,
            &room,
            as_file("a.pdf", b"%PDF-1.4 a".to_vec()),
            outbox.path(),
        )
        .await
        .unwrap();
    eventually("the first try", || storage_attempts(&w) == 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        storage_attempts(&w),
        1,
        "no second try before the wait is over"
    );
    // The third try is held by the storage past the message's life, then succeeds.
    eventually("the second try", || storage_attempts(&w) == 2).await;
    w.sim.hold_uploads(true);
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    w.sim.hold_uploads(false);
    events
        .expect(
            "the file sent, not failed, after a long last try",
            |e| match e {
                Event::Sent(m) if m.local_id == file.local_id => Some(()),
                Event::Failed(m) if m.local_id == file.local_id => panic!("failed: {:?}", m.error),
                _ => None,
            },
        )
        .await;
    assert_eq!(storage_attempts(&w), 3);

    // A storage that never takes it: tries spaced out, then the message fails with why.
    w.sim.fail_uploads(1_000);
    let file = engine
        .send_file(
            &account,
            &room,
            as_file("b.pdf", b"%PDF-1.4 b".to_vec()),
            outbox.path(),
        )
        .await
        .unwrap();
    let reason = events
        .expect("the file failed", |e| match e {
            Event::Failed(m) if m.local_id == file.local_id => m.error.clone(),
            _ => None,
        })
        .await;
    assert!(reason.starts_with("not uploaded within"), "{reason}");
    let tries = storage_attempts(&w) - 3;
    assert!(
        (2..=6).contains(&tries),
        "spaced tries, not a loop: {tries}"
    );
}

/// Issue 24 (review): files going to several conversations go up at most two at a time (each is
/// read whole into memory); the others wait their turn and then go.
#[tokio::test]
async fn at_most_two_files_go_up_at_once_the_others_wait_their_turn() {
    let w = world(MixinConfig::default()).await;
    let users: Vec<String> = (0..4)
        .map(|n| w.sim.add_user(&format!("Buyer {n}")))
        .collect();
    for user in &users {
        w.sim.user_says(&w.bot, user, "hi");
    }
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let account = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let outbox = tempfile::tempdir().unwrap();
    w.sim.hold_uploads(true);
    for (n, user) in users.iter().enumerate() {
        let room = parley_core::services::mixin::ids::contact_conversation_id(&w.bot, user);
        engine
            .send_file(
                &account,
                &room,
                as_file(&format!("{n}.pdf"), b"%PDF-1.4".to_vec()),
                outbox.path(),
            )
            .await
            .unwrap();
    }
    eventually("two uploads at the storage", || storage_attempts(&w) == 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(storage_attempts(&w), 2, "the other two wait");
    w.sim.hold_uploads(false);
    eventually("all four sent", || w.sim.sent_by(&w.bot).len() == 4).await;
    assert_eq!(storage_attempts(&w), 4);
}

/// An operator rotating a bot's key (or giving it back after the keyring lost it) does it with
/// Edit on the account: its own keystore is taken in place, another bot's is refused, and adding
/// the same bot a second time is refused with where to go instead (it made a second, empty
/// account fighting the first over the bot's messages).
#[tokio::test]
async fn a_bots_keystore_is_replaced_in_place_and_the_same_bot_is_not_added_twice() {
    use parley_core::engine::AccountEdit;
    let w = world(MixinConfig::default()).await;
    let engine = engine(Store::open_in_memory().unwrap());
    let mut events = Events(engine.subscribe());
    let id = add(&engine, &w, &w.keystore).await;
    events.expect_open().await;
    let form = |keystore: &str| {
        serde_json::from_value::<parley_core::AccountForm>(serde_json::json!({
            "service": "mixin",
            "keystore": keystore,
            "blaze_url": w.sim.blaze_url(),
            "api_base": w.sim.api_base(),
        }))
        .unwrap()
    };
    let edit = |keystore: &str| AccountEdit {
        credentials: Some(form(keystore)),
        ..AccountEdit::default()
    };

    let edited = engine
        .update_account(&id, edit(&w.keystore))
        .await
        .expect("the bot's own keystore is taken");
    assert_eq!(edited.id, id, "the same account");

    let other = w.sim.add_bot("Another Bot");
    let refused = engine
        .update_account(&id, edit(&other))
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("add it as a new account"), "{refused}");

    let twice = engine
        .add_account(NewAccount {
            display_name: None,
            settings: ServiceSettings::Mixin(settings(&w)),
            secret: Some(Secret::new(&w.keystore)),
            order_numbers: Vec::new(),
        })
        .await
        .unwrap_err()
        .to_string();
    assert!(
        twice.contains("already in Parley as Desk Bot") && twice.contains("Edit"),
        "{twice}"
    );
    assert_eq!(
        engine.config().accounts.len(),
        1,
        "no second account for the same bot"
    );
    // Another bot is still welcome.
    add(&engine, &w, &other).await;
    assert_eq!(engine.config().accounts.len(), 2);
}

/// The Demo bot keeps its conversation from run to run (its ids are fixed), and a later run,
/// which does not greet again, must still let the user write in it.
#[tokio::test]
async fn the_demo_bots_kept_conversation_takes_a_reply_in_a_later_run() {
    use parley_core::account::Account;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parley.db");
    let id = AccountId("demo-mixin".into());
    let account_for = |sim: &MixinSim| Account {
        id: id.clone(),
        display_name: "Demo bot".into(),
        settings: ServiceSettings::Mixin(MixinSettings {
            bot_id: parley_sim::demo_mixin::BOT_ID.into(),
            bot_name: "OTC Desk Bot (demo)".into(),
            blaze_url: sim.blaze_url(),
            api_base: sim.api_base(),
        }),
        demo: true,
    };
    let room = parley_sim::demo_mixin::conversation_id();
    // Run 1: greeted.
    {
        let sim = MixinSim::start(MixinConfig::default()).await.unwrap();
        let bot = parley_sim::demo_mixin::seed(&sim, true);
        let engine = engine(Store::open(&db).unwrap());
        let mut events = Events(engine.subscribe());
        engine
            .add_demo_account(account_for(&sim), Some(Secret::new(bot.keystore.clone())))
            .await
            .unwrap();
        events.expect_open().await;
        eventually("the greeting stored", || sim.unacked_count(&bot.bot) == 0).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        engine.shutdown().await;
    }
    // Run 2: a fresh simulator (the Demo's are in-process), not greeted: Parley has the
    // conversation. Writing to Ava there was refused (error 10002: a conversation the new
    // simulator did not know).
    let sim = MixinSim::start(MixinConfig::default()).await.unwrap();
    let engine = engine(Store::open(&db).unwrap());
    assert!(
        engine.has_history(&id, &room).await.unwrap(),
        "run 1 stored it"
    );
    let bot = parley_sim::demo_mixin::seed(&sim, false);
    let mut events = Events(engine.subscribe());
    engine
        .add_demo_account(account_for(&sim), Some(Secret::new(bot.keystore.clone())))
        .await
        .unwrap();
    events.expect_open().await;
    engine
        .send_text(&id, &room, "still there, Ava?")
        .await
        .unwrap();
    let outcome = events
        .expect("the reply's fate", |e| match e {
            Event::Failed(m) => Some(format!("FAILED: {:?}", m.error)),
            Event::Sent(m)
                if m.text == "still there, Ava?" && m.state != DeliveryState::Pending =>
            {
                Some(format!("{:?}", m.state))
            }
            _ => None,
        })
        .await;
    assert!(!outcome.starts_with("FAILED"), "{outcome}");
}

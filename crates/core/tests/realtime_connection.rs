//! A Realtime account against the simulator, end to end through the engine: sign-in, joining,
//! history with names, sending once, live events, typing, presence, the ticker, reconnects
//! that backfill without gaps or duplicates, and the limits.

mod support;

use parley_core::account::{AccountId, RealtimeSendPath, RealtimeSettings, ServiceSettings};
use parley_core::connection_state::ConnectionState;
use parley_core::engine::{Engine, NewAccount};
use parley_core::event::Event;
use parley_core::live::AlertKind;
use parley_core::message::DeliveryState;
use parley_core::secret::Secret;
use parley_core::services::realtime::account::{log_in, test_connection, Login};
use parley_core::store::Store;
use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
use std::sync::Arc;
use std::time::Duration;
use support::{eventually, fast_tuning, Events};

struct World {
    sim: RealtimeSim,
    me: String,
    other: String,
    room: String,
}

async fn world(config: RealtimeConfig) -> World {
    let sim = RealtimeSim::start(config).await.expect("simulator starts");
    let me = sim.add_user("trader@example.com", "correct horse", "Tess", "Trader");
    let other = sim.add_user("john@example.com", "pw", "John", "Doe");
    let room = sim.create_room("EUR/USD Trading Room", "Discuss EUR/USD", "public", &other);
    World {
        sim,
        me,
        other,
        room,
    }
}

/// A world whose server counts the per-user budget (100 sends) over `window`.
async fn world_with_rate_window(window: Duration) -> World {
    world(RealtimeConfig {
        rate_window: window,
        ..RealtimeConfig::default()
    })
    .await
}

fn engine() -> Arc<Engine> {
    support::engine_with(Store::open_in_memory().unwrap(), fast_tuning())
}

/// Signs in as the settings screen does and adds the account with `rooms` joined.
async fn add_account(
    engine: &Engine,
    w: &World,
    change: impl FnOnce(&mut RealtimeSettings),
) -> AccountId {
    let logged = log_in(
        &w.sim.base_url(),
        Secret::new(w.sim.api_key()),
        Login::Password {
            email: "trader@example.com".into(),
            password: Secret::new("correct horse"),
        },
    )
    .await
    .expect("signs in");
    assert_eq!(logged.user_id, w.me);
    assert_eq!(logged.name.as_deref(), Some("Tess Trader"));
    let mut settings = RealtimeSettings {
        user_id: logged.user_id,
        ..RealtimeSettings::new(w.sim.base_url())
    };
    change(&mut settings);
    engine
        .add_account(NewAccount {
            display_name: Some("Community".into()),
            settings: ServiceSettings::Realtime(settings),
            secret: Some(logged.credentials.to_secret()),
            order_numbers: Vec::new(),
        })
        .await
        .expect("account is added")
        .id
}

/// Adds the account, waits for its socket, joins the world's room and waits until the server
/// has the room subscribed.
async fn joined(
    engine: &Engine,
    w: &World,
    events: &mut Events,
    change: impl FnOnce(&mut RealtimeSettings),
) -> AccountId {
    let account = add_account(engine, w, change).await;
    events.expect_open().await;
    engine.join_room(&account, &w.room).await.unwrap();
    eventually("the room subscription", || w.sim.subscribers(&w.room) == 1).await;
    account
}

async fn texts(engine: &Engine, account: &AccountId, room: &str) -> Vec<String> {
    engine
        .history(account, room, None, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn joining_a_room_loads_named_history_and_live_messages_follow() {
    let w = world(RealtimeConfig::default()).await;
    let others = vec![w.other.clone()];
    w.sim.seed_history(
        &w.room,
        &others,
        &["EUR/USD looking bullish on the 4H chart", "Watching 1.0850"],
        Duration::from_secs(600),
    );
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = add_account(&engine, &w, |_| {}).await;
    events.expect_open().await;

    let directory = engine
        .room_directory(&account, 1, 20, Some("public"))
        .await
        .unwrap();
    assert_eq!(directory.items[0].name, "EUR/USD Trading Room");
    assert_eq!(directory.total, 1);
    let room = engine.join_room(&account, &w.room).await.unwrap();
    assert!(w.sim.is_member(&w.room, &w.me), "joined on the server");
    let first = events
        .expect("the room's history", |e| match e {
            Event::Message(m) if m.room == room => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(first.text, "EUR/USD looking bullish on the 4H chart");
    assert_eq!(
        first.sender_name.as_deref(),
        Some("John Doe"),
        "names come from the history payload"
    );
    assert_eq!(
        support::room_titles(&engine).await,
        vec!["EUR/USD Trading Room"]
    );

    eventually("the socket to subscribe", || {
        w.sim.subscribers(&w.room) == 1
    })
    .await;
    w.sim
        .post(&w.room, &w.other, "EUR/USD breaking resistance!");
    let live = events
        .expect("the live message", |e| match e {
            Event::Message(m) if m.text.contains("breaking") => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        live.sender_name.as_deref(),
        Some("John Doe"),
        "the socket's userId is named from REST"
    );
    assert_eq!(texts(&engine, &account, &room).await.len(), 3);
}

/// Someone whose first message arrives live (never seen in a REST page) is named like anyone
/// else: it used to be stored as "user_…" for good, while their later messages said their name.
#[tokio::test]
async fn a_stranger_whose_first_message_arrives_live_is_named() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = add_account(&engine, &w, |_| {}).await;
    events.expect_open().await;
    let room = engine.join_room(&account, &w.room).await.unwrap();
    eventually("the socket to subscribe", || {
        w.sim.subscribers(&w.room) == 1
    })
    .await;
    // Someone new joins the room and says `text`; the message as stored.
    let newcomer_says =
        |email: &'static str, first: &'static str, last: &'static str, text: &'static str| {
            let user = w.sim.add_user(email, "x", first, last);
            w.sim.add_member(&w.room, &user);
            w.sim.post(&w.room, &user, text);
            text
        };
    let said = newcomer_says("maria@example.com", "Maria", "Lopez", "first time here");
    let live = events
        .expect("the stranger's message", |e| match e {
            Event::Message(m) if m.room == room && m.text == said => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(live.sender_name.as_deref(), Some("Maria Lopez"));
    // A second newcomer a moment later: the room is read again for them.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let said = newcomer_says("kofi@example.com", "Kofi", "Mensah", "me too");
    let second = events
        .expect("the second newcomer's message", |e| match e {
            Event::Message(m) if m.room == room && m.text == said => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(second.sender_name.as_deref(), Some("Kofi Mensah"));
}

#[tokio::test]
async fn the_socket_authenticates_before_it_subscribes_and_a_sent_message_shows_once() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |s| {
        s.symbols = vec!["EUR/USD".into()]
    })
    .await;

    let frames: Vec<String> = w
        .sim
        .client_frames()
        .iter()
        .map(|(_, f)| f["type"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(frames[0], "auth");
    assert!(frames[1..].iter().all(|t| t != "auth"));
    let channels: Vec<String> = w
        .sim
        .client_frames()
        .iter()
        .filter_map(|(_, f)| f["channel"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(channels, vec!["notifications", "market", "chatroom"]);

    let pending = engine
        .send_text(&account, &w.room, "Long EUR/USD at 1.0850")
        .await
        .unwrap();
    assert_eq!(pending.state, DeliveryState::Pending);
    let sent = events
        .expect("the server's echo to confirm it", |e| match e {
            Event::Sent(m) if m.local_id == pending.local_id => Some(m.clone()),
            _ => None,
        })
        .await;
    let server = w.sim.messages(&w.room);
    assert_eq!(
        sent.service_id.as_deref(),
        Some(server[0].id.as_str()),
        "it gets its server id"
    );
    assert_eq!(
        texts(&engine, &account, &w.room).await,
        vec!["Long EUR/USD at 1.0850"],
        "shown once"
    );
}

#[tokio::test]
async fn after_a_drop_it_resubscribes_and_backfills_without_gap_or_duplicate() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;
    w.sim.post(&w.room, &w.other, "before the outage");
    eventually("the first message stored", || {
        futures_like_len(&engine, &account, &w.room) == 1
    })
    .await;

    w.sim.go_down();
    events
        .expect_state("reconnecting", |s| {
            matches!(s, ConnectionState::Backoff { .. })
        })
        .await;
    for i in 0..150 {
        w.sim
            .post(&w.room, &w.other, &format!("during the outage {i}"));
    }
    w.sim.come_back().await.unwrap();
    events.expect_open().await;
    eventually("the room resubscribed", || w.sim.subscribers(&w.room) == 1).await;
    w.sim.post(&w.room, &w.other, "after the outage");
    eventually("every message stored", || {
        futures_like_len(&engine, &account, &w.room) == 152
    })
    .await;

    let stored = texts(&engine, &account, &w.room).await;
    let server: Vec<String> = w
        .sim
        .messages(&w.room)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(stored, server, "same messages, same order, each once");
    let auths = w
        .sim
        .client_frames()
        .iter()
        .filter(|(_, f)| f["type"] == "auth")
        .count();
    assert_eq!(auths, 2, "re-authenticated on the new socket");
}

/// The stored message count of a room, read synchronously for `eventually`.
fn futures_like_len(engine: &Arc<Engine>, account: &AccountId, room: &str) -> usize {
    let (engine, account, room) = (engine.clone(), account.clone(), room.to_owned());
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(async move {
                engine
                    .history(&account, &room, None, 1000)
                    .await
                    .map(|h| h.len())
                    .unwrap_or(0)
            })
    })
    .join()
    .unwrap_or(0)
}

#[tokio::test]
async fn ten_thousand_ticks_arrive_as_a_handful_of_coalesced_updates() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let _account = add_account(&engine, &w, |s| {
        s.symbols = vec!["EUR/USD".into(), "XAU/USD".into()]
    })
    .await;
    events.expect_open().await;
    eventually("the price subscriptions", || {
        w.sim.price_subscribers("EUR/USD") == 1 && w.sim.price_subscribers("XAU/USD") == 1
    })
    .await;

    let started = std::time::Instant::now();
    w.sim.price("XAU/USD", "2650.10", "-3.2", "-0.12");
    w.sim.price_burst("EUR/USD", 10_000);
    let mut updates = 0;
    let mut latest = std::collections::HashMap::new();
    while latest.get("EUR/USD").map(String::as_str) != Some("1.10000") {
        let ticks = events
            .expect("price updates", |e| match e {
                Event::Prices { ticks, .. } => Some(ticks.clone()),
                _ => None,
            })
            .await;
        updates += 1;
        for t in ticks {
            latest.insert(t.symbol, t.price);
        }
    }
    let elapsed = started.elapsed();
    // At most one update per coalescing period (100 ms in tests) plus the first and last.
    let bound = elapsed.as_millis() / 100 + 3;
    assert!(
        updates as u128 <= bound,
        "{updates} updates in {elapsed:?} (bound {bound})"
    );
    assert_eq!(
        latest["XAU/USD"], "2650.10",
        "each symbol's latest price, digits as sent"
    );
}

#[tokio::test]
async fn presence_typing_and_alerts_reach_the_user_and_typing_goes_out() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;

    w.sim.set_online(&w.other, true);
    events
        .expect("John online", |e| {
            matches!(e, Event::UserStatus { online: true, user, .. } if *user == w.other)
                .then_some(())
        })
        .await;
    w.sim.typing(&w.room, &w.other, true);
    events
        .expect("John typing", |e| {
            matches!(e, Event::Typing { active: true, user, .. } if *user == w.other).then_some(())
        })
        .await;
    w.sim.trade_alert("EUR/USD", "buy", "1.0850");
    let trade = events
        .expect("the trade alert", |e| match e {
            Event::Alert { alert, .. } => Some(alert.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        (trade.kind, trade.body.as_str()),
        (AlertKind::Trade, "Entry 1.0850")
    );
    w.sim.notify(
        &w.me,
        "Margin call",
        "Your EUR/USD position is at 80% margin",
        "high",
    );
    let note = events
        .expect("the notification", |e| match e {
            Event::Alert { alert, .. } => Some(alert.clone()),
            _ => None,
        })
        .await;
    assert!(note.is_high_priority());
    w.sim.push_raw(r#"{"type":"community:poll","data":{}}"#);
    w.sim.set_online(&w.other, false);
    events
        .expect("John offline, after an unknown event", |e| {
            matches!(e, Event::UserStatus { online: false, .. }).then_some(())
        })
        .await;

    engine.set_typing(&account, &w.room, true).unwrap();
    eventually("our typing reaches the server", || {
        w.sim
            .client_frames()
            .iter()
            .any(|(_, f)| f["type"] == "typing:start")
    })
    .await;
}

/// Issue 25: over the client's own budget (100 sends per window), further messages are not
/// refused: they wait in the outbox, in order, and go out as the window frees, so the server
/// never has to refuse one.
#[tokio::test]
async fn messages_over_the_clients_own_budget_wait_and_go_out_as_the_window_frees() {
    let window = Duration::from_secs(3);
    let w = world_with_rate_window(window).await;
    let engine = support::engine_with(
        Store::open_in_memory().unwrap(),
        parley_core::supervisor::Tuning {
            rate_window: window,
            ..fast_tuning()
        },
    );
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;
    for i in 0..105 {
        let stored = engine
            .send_text(&account, &w.room, &format!("tick {i}"))
            .await
            .unwrap_or_else(|e| panic!("send {i} refused: {e}"));
        assert_eq!(stored.state, DeliveryState::Pending);
    }
    eventually("the first 100 reach the server", || {
        w.sim.messages(&w.room).len() >= 100
    })
    .await;
    assert_eq!(
        w.sim.messages(&w.room).len(),
        100,
        "the other five wait for the window"
    );
    eventually("the last five follow when the window frees", || {
        w.sim.messages(&w.room).len() == 105
    })
    .await;
    let texts: Vec<String> = w
        .sim
        .messages(&w.room)
        .into_iter()
        .map(|m| m.text)
        .collect();
    let expected: Vec<String> = (0..105).map(|i| format!("tick {i}")).collect();
    assert_eq!(texts, expected, "in order, each once");
    let sends = w
        .sim
        .client_frames()
        .iter()
        .filter(|(_, f)| f["type"] == "chat:send")
        .count();
    assert_eq!(sends, 105, "nothing was refused and sent again");
}

#[tokio::test]
async fn over_rest_a_message_is_stored_once_with_its_id() {
    let w = world(RealtimeConfig::default()).await;
    w.sim.set_accept_chat_send(false);
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |s| {
        s.send_over = RealtimeSendPath::Rest
    })
    .await;
    let pending = engine
        .send_text(&account, &w.room, "via REST")
        .await
        .unwrap();
    let sent = events
        .expect("confirmation", |e| match e {
            Event::Sent(m) if m.local_id == pending.local_id => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        sent.service_id.as_deref(),
        Some(w.sim.messages(&w.room)[0].id.as_str())
    );
    // The socket's echo of it comes too, before anything posted after it.
    w.sim.post(&w.room, &w.other, "posted after");
    events
        .expect("the message posted after", |e| match e {
            Event::Message(m) if m.text == "posted after" => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(
        texts(&engine, &account, &w.room).await,
        vec!["via REST", "posted after"]
    );
    assert!(w
        .sim
        .rest_calls()
        .iter()
        .any(|c| c.starts_with("POST") && c.ends_with("/messages")));
}

#[tokio::test]
async fn scrolling_up_loads_older_pages_in_order() {
    let w = world(RealtimeConfig::default()).await;
    let texts_in: Vec<String> = (0..230).map(|i| format!("old {i:03}")).collect();
    let refs: Vec<&str> = texts_in.iter().map(String::as_str).collect();
    w.sim.seed_history(
        &w.room,
        std::slice::from_ref(&w.other),
        &refs,
        Duration::from_secs(3600),
    );
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = add_account(&engine, &w, |_| {}).await;
    events.expect_open().await;
    engine.join_room(&account, &w.room).await.unwrap();
    eventually("the first 50", || {
        futures_like_len(&engine, &account, &w.room) == 50
    })
    .await;
    let mut exhausted = false;
    let mut rounds = 0;
    while !exhausted {
        let older = engine.load_older(&account, &w.room).await.unwrap();
        exhausted = older.exhausted;
        rounds += 1;
        assert!(rounds < 10, "loading older history ends");
    }
    let stored = texts(&engine, &account, &w.room).await;
    assert_eq!(stored, texts_in, "every message once, oldest first");
}

#[tokio::test]
async fn a_refused_token_stops_with_a_sign_in_prompt_and_rest_errors_are_exact() {
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = add_account(&engine, &w, |_| {}).await;
    events.expect_open().await;

    // Only the creator may delete a room: a clear 403, nothing breaks.
    let refused = engine
        .delete_room_on_server(&account, &w.room)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("HTTP 403") && refused.contains("Only the creator"),
        "{refused}"
    );
    assert!(refused.contains("error id"), "{refused}");
    // Creating, editing and deleting one's own room works.
    let mine = engine
        .create_room(
            &account,
            parley_core::services::realtime::rest::RoomDraft {
                name: "Gold Strategies".into(),
                description: "XAU".into(),
                kind: "group".into(),
            },
        )
        .await
        .unwrap();
    let edited = engine
        .update_room(
            &account,
            &mine.id,
            parley_core::services::realtime::rest::RoomDraft {
                name: "Gold Trading Strategies".into(),
                description: "XAU/USD".into(),
                kind: "group".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.name, "Gold Trading Strategies");
    assert_eq!(
        support::room_titles(&engine).await,
        vec!["Gold Trading Strategies"]
    );
    engine
        .delete_room_on_server(&account, &mine.id)
        .await
        .unwrap();
    assert!(!w.sim.room_exists(&mine.id));
    assert!(support::room_titles(&engine).await.is_empty());

    w.sim.set_broken_rest(true);
    let broken = engine
        .room_directory(&account, 1, 20, None)
        .await
        .unwrap_err()
        .to_string();
    assert!(broken.contains("not JSON"), "{broken}");
    w.sim.set_broken_rest(false);

    w.sim.revoke_tokens(&w.me);
    let expired = engine
        .room_directory(&account, 1, 20, None)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        expired.contains("HTTP 401") && expired.contains("Invalid or expired token"),
        "{expired}"
    );
    w.sim.drop_connections();
    let stopped = events
        .expect_state("stopped for good", |s| {
            matches!(s, ConnectionState::Stopped { .. })
        })
        .await;
    let ConnectionState::Stopped { reason } = stopped else {
        unreachable!()
    };
    assert!(reason.contains("sign in again"), "{reason}");
}

#[tokio::test]
async fn test_connection_reports_success_and_each_kind_of_failure() {
    let w = world(RealtimeConfig::default()).await;
    let settings = RealtimeSettings {
        user_id: w.me.clone(),
        ..RealtimeSettings::new(w.sim.base_url())
    };
    let good = parley_core::services::realtime::rest::RealtimeCredentials {
        api_key: Secret::new(w.sim.api_key()),
        token: Secret::new(w.sim.token_for(&w.me)),
    };
    let report = test_connection(&settings, &good).await.unwrap();
    assert!(
        report.contains("1 room") && report.contains("accepted the token"),
        "{report}"
    );

    let bad_key = parley_core::services::realtime::rest::RealtimeCredentials {
        api_key: Secret::new("wrong"),
        token: good.token.clone(),
    };
    let e = test_connection(&settings, &bad_key)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("HTTP 401") && e.contains("API key") && e.contains("error id"),
        "{e}"
    );

    let wrong_password = log_in(
        &w.sim.base_url(),
        Secret::new(w.sim.api_key()),
        Login::Password {
            email: "trader@example.com".into(),
            password: Secret::new("nope"),
        },
    )
    .await;
    let e = wrong_password.err().expect("refused").to_string();
    assert!(e.contains("Invalid email or password"), "{e}");

    let nowhere = RealtimeSettings {
        base_url: "http://127.0.0.1:9".into(),
        ..settings.clone()
    };
    let e = test_connection(&nowhere, &good)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("cannot reach the server"), "{e}");
}

/// Issue 25: another device has used most of the budget (100 a minute), so the server refuses
/// sends with an error frame that names no message. Each refusal answers the oldest send
/// waiting, which goes again once the window frees: every message ends up sent, once.
#[tokio::test]
async fn sends_refused_for_the_rate_limit_on_the_socket_go_again_when_the_window_frees() {
    let w = world_with_rate_window(Duration::from_millis(1500)).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;
    w.sim.spend_rate_budget(&w.me, 99);
    let mut pending = Vec::new();
    for text in ["first", "second", "third"] {
        pending.push(
            engine
                .send_text(&account, &w.room, text)
                .await
                .unwrap()
                .local_id,
        );
    }
    let mut sent = Vec::new();
    while sent.len() < 3 {
        let id = events
            .expect("every message to be sent in the end", |e| match e {
                Event::Sent(m) => Some(m.local_id),
                Event::Failed(m) => panic!("{} failed: {:?}", m.text, m.error),
                _ => None,
            })
            .await;
        sent.push(id);
    }
    sent.sort();
    assert_eq!(sent, pending);
    let on_server: Vec<String> = w
        .sim
        .messages(&w.room)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(
        on_server,
        ["first", "second", "third"],
        "each once, in order"
    );
}

/// Issue 25: over REST a 429 names its message and says how long to wait (`Retry-After`):
/// the message goes again after that, not only when something else happens to flush.
#[tokio::test]
async fn a_rest_send_refused_with_429_goes_again_after_retry_after() {
    let w = world_with_rate_window(Duration::from_millis(1000)).await;
    w.sim.set_accept_chat_send(false);
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |s| {
        s.send_over = RealtimeSendPath::Rest
    })
    .await;
    w.sim.spend_rate_budget(&w.me, 100);
    let pending = engine
        .send_text(&account, &w.room, "after the window")
        .await
        .unwrap();
    let sent = events
        .expect("the message to go after Retry-After", |e| match e {
            Event::Sent(m) if m.local_id == pending.local_id => Some(m.clone()),
            Event::Failed(m) => panic!("failed: {:?}", m.error),
            _ => None,
        })
        .await;
    assert_eq!(sent.state, DeliveryState::Sent);
    assert_eq!(w.sim.messages(&w.room).len(), 1);
}

/// Issue 25: a message the server never takes does not stay "Sending…" for ever: at the end
/// of its life it fails with the server's reason, and Retry sends it once the server takes it.
#[tokio::test]
async fn a_message_the_server_keeps_refusing_fails_with_the_reason_and_can_be_retried() {
    let w = world_with_rate_window(Duration::from_secs(3600)).await;
    let engine = support::engine_with(
        Store::open_in_memory().unwrap(),
        parley_core::supervisor::Tuning {
            pending_life: Duration::from_secs(1),
            ..fast_tuning()
        },
    );
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;
    w.sim.spend_rate_budget(&w.me, 100);
    let pending = engine.send_text(&account, &w.room, "stuck?").await.unwrap();
    let failed = events
        .expect("the message to fail at the end of its life", |e| match e {
            Event::Failed(m) if m.local_id == pending.local_id => Some(m.clone()),
            Event::Sent(m) if m.local_id == pending.local_id => panic!("sent over the limit"),
            _ => None,
        })
        .await;
    assert_eq!(failed.state, DeliveryState::Failed);
    let reason = failed.error.clone().unwrap_or_default();
    assert!(reason.contains("Rate limit exceeded"), "{reason}");
    assert!(w.sim.messages(&w.room).is_empty());

    w.sim.reset_rate_budget(&w.me);
    engine.retry(pending.local_id).await.unwrap();
    events
        .expect("Retry to send it", |e| match e {
            Event::Sent(m) if m.local_id == pending.local_id => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(w.sim.messages(&w.room).len(), 1);
}

/// Issue 22: a revoked token is replaced from Settings' Edit by signing in again, without
/// removing the account: it reconnects with the new token and its history stays. Signing in as
/// someone else is refused and changes nothing.
#[tokio::test]
async fn a_revoked_token_is_replaced_in_place_and_the_history_stays() {
    use parley_core::engine::AccountEdit;
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let mut events = Events(engine.subscribe());
    let account = joined(&engine, &w, &mut events, |_| {}).await;
    w.sim.post(&w.room, &w.other, "before the token expired");
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = texts(&engine, &account, &w.room).await;
        if seen.iter().any(|t| t == "before the token expired") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        seen.iter().any(|t| t == "before the token expired"),
        "{seen:?}"
    );

    w.sim.revoke_tokens(&w.me);
    w.sim.drop_connections();
    events
        .expect_state("stopped for good", |s| {
            matches!(s, ConnectionState::Stopped { .. })
        })
        .await;

    let sign_in = |email: &str, password: &str| {
        serde_json::from_value::<parley_core::AccountForm>(serde_json::json!({
            "service": "realtime",
            "base_url": w.sim.base_url(),
            "api_key": w.sim.api_key(),
            "email": email,
            "password": password,
        }))
        .unwrap()
    };
    let someone_else = engine
        .update_account(
            &account,
            AccountEdit {
                credentials: Some(sign_in("john@example.com", "pw")),
                ..AccountEdit::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        someone_else.contains("add it as a new account"),
        "{someone_else}"
    );
    let wrong = engine
        .update_account(
            &account,
            AccountEdit {
                credentials: Some(sign_in("trader@example.com", "wrong")),
                ..AccountEdit::default()
            },
        )
        .await;
    assert!(wrong.is_err(), "a refused password replaces nothing");

    engine
        .update_account(
            &account,
            AccountEdit {
                credentials: Some(sign_in("trader@example.com", "correct horse")),
                ..AccountEdit::default()
            },
        )
        .await
        .expect("the new token is accepted");
    events.expect_open().await;
    eventually("the room subscribed again", || {
        w.sim.subscribers(&w.room) == 1
    })
    .await;
    w.sim.post(&w.room, &w.other, "after signing in again");
    for _ in 0..100 {
        seen = texts(&engine, &account, &w.room).await;
        if seen.iter().any(|t| t == "after signing in again") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = seen.iter().position(|t| t == "before the token expired");
    let after = seen.iter().position(|t| t == "after signing in again");
    assert!(
        matches!((before, after), (Some(b), Some(a)) if b < a),
        "the same account, its history kept: {seen:?}"
    );
}

/// Issue 22: "Test connection" answers step by step: where it failed, what passed before, and
/// what was not reached.
#[tokio::test]
async fn test_connection_names_the_step_that_failed() {
    use parley_core::engine::StepOutcome::{self, Failed, NotReached, Passed};
    let w = world(RealtimeConfig::default()).await;
    let form = |password: &str, ws_url: Option<&str>| {
        let parley_core::AccountForm::Realtime(form) =
            serde_json::from_value::<parley_core::AccountForm>(serde_json::json!({
                "service": "realtime",
                "base_url": w.sim.base_url(),
                "ws_url": ws_url,
                "api_key": w.sim.api_key(),
                "email": "trader@example.com",
                "password": password,
            }))
            .unwrap()
        else {
            unreachable!("a Realtime form")
        };
        form
    };
    let outcomes = |steps: &[parley_core::engine::CheckStep]| -> Vec<StepOutcome> {
        steps.iter().map(|s| s.outcome).collect()
    };

    let report = form("correct horse", None)
        .test()
        .await
        .expect("all steps pass");
    assert_eq!(outcomes(&report.steps), [Passed, Passed, Passed, Passed]);
    let details: Vec<_> = report.steps.iter().map(|s| s.detail.clone()).collect();
    assert_eq!(details[1].as_deref(), Some("as Tess Trader"));
    assert_eq!(details[2].as_deref(), Some("1 room in the directory"));

    let e = form("wrong", None).test().await.unwrap_err();
    assert_eq!(
        outcomes(e.steps()),
        [Passed, Failed, NotReached, NotReached]
    );
    assert_eq!(e.steps()[1].label, "Signed in");

    let e = form("correct horse", Some("ws://127.0.0.1:1/ws"))
        .test()
        .await
        .unwrap_err();
    assert_eq!(outcomes(e.steps()), [Passed, Passed, Passed, Failed]);

    w.sim.go_down();
    let e = form("correct horse", None).test().await.unwrap_err();
    assert_eq!(
        outcomes(e.steps()),
        [Failed, NotReached, NotReached, NotReached]
    );
    assert_eq!(e.field(), Some(parley_core::engine::Field::BaseUrl));
}

/// A replacement token that names no user (an opaque one) cannot prove it is this account's
/// user's: it is refused, not taken (another user's would mix both histories in one account).
#[tokio::test]
async fn a_token_that_names_no_user_cannot_replace_the_accounts() {
    use parley_core::engine::AccountEdit;
    let w = world(RealtimeConfig::default()).await;
    let engine = engine();
    let account = add_account(&engine, &w, |_| {}).await;
    let johns = w.sim.opaque_token_for(&w.other);
    let form = serde_json::from_value::<parley_core::AccountForm>(serde_json::json!({
        "service": "realtime",
        "base_url": w.sim.base_url(),
        "api_key": w.sim.api_key(),
        "token": johns,
    }))
    .unwrap();
    let refused = engine
        .update_account(
            &account,
            AccountEdit {
                credentials: Some(form),
                ..AccountEdit::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("does not say whose"), "{refused}");
}

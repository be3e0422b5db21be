//! The mockly service end to end through the core: supervisor + codec + store against the
//! simulator, with the faults a real network has.

mod support;

use parley_core::connection_state::ConnectionState;
use parley_core::event::Event;
use parley_core::message::{DeliveryState, MessageKind};
use parley_core::store::Store;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn connects_and_shows_the_welcome_and_the_online_count() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    let welcome = me
        .expect("the welcome notice", |e| match e {
            Event::Message(m) if m.kind == MessageKind::System => Some(m.text.clone()),
            _ => None,
        })
        .await;
    assert_eq!(welcome, "Welcome to the chat, alice!");
    // The presence count comes with the welcome.
    let history = me
        .engine
        .history(&me.account, "public", None, 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(sim.connected(), ["alice"]);
}

#[tokio::test]
async fn a_sent_message_is_echoed_and_marked_sent_once() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    let pending = me
        .engine
        .send_text(&me.account, "public", "hello room")
        .await
        .unwrap();
    assert_eq!(pending.state, DeliveryState::Pending);
    let sent = me
        .expect("the echo to confirm the message", |e| match e {
            Event::Sent(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(sent.local_id, pending.local_id);
    assert_eq!(sent.state, DeliveryState::Sent);
    assert!(sent.service_id.as_deref().unwrap().starts_with("msg_"));
    assert_eq!(sim.received().len(), 1);
    let texts = me.history_texts().await;
    assert_eq!(texts.iter().filter(|t| *t == "hello room").count(), 1);
}

#[tokio::test]
async fn others_see_join_notices_messages_and_leave_notices() {
    let sim = sim(0.0).await;
    let mut alice = connected(&sim, "alice").await;
    let bob = client(&sim, "bob", Store::open_in_memory().unwrap(), fast_tuning()).await;
    // One system frame carries both: the count first, then the notice.
    alice
        .expect("the online count to reach 2", |e| match e {
            Event::Presence { online: 2, .. } => Some(()),
            _ => None,
        })
        .await;
    alice
        .expect("bob's join notice", |e| match e {
            Event::Message(m) if m.text == "bob has joined the chat" => Some(()),
            _ => None,
        })
        .await;
    eventually("bob is connected", || sim.connected().len() == 2).await;
    bob.engine
        .send_text(&bob.account, "public", "hi alice")
        .await
        .unwrap();
    let from_bob = alice
        .expect("bob's message", |e| match e {
            Event::Message(m) if m.kind == MessageKind::Text => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(from_bob.sender_id, "bob");
    assert!(!from_bob.own);
    bob.engine.shutdown().await;
    alice
        .expect("bob's leave notice", |e| match e {
            Event::Message(m) if m.text == "bob has left the chat" => Some(()),
            _ => None,
        })
        .await;
}

#[tokio::test]
async fn bots_reply_with_their_display_name() {
    let sim = sim(1.0).await;
    let mut me = connected(&sim, "alice").await;
    me.engine
        .send_text(&me.account, "public", "anyone?")
        .await
        .unwrap();
    let bot = me
        .expect("a bot reply", |e| match e {
            Event::Message(m) if m.sender_id.starts_with("bot_") => Some(m.clone()),
            _ => None,
        })
        .await;
    assert!(bot.sender_name.clone().unwrap().ends_with("Bot"));
}

#[tokio::test]
async fn reconnects_by_itself_when_the_server_drops_the_socket() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    sim.drop_connections();
    let backoff = me
        .expect_state("backoff after the drop", |s| {
            matches!(s, ConnectionState::Backoff { .. })
        })
        .await;
    let ConnectionState::Backoff {
        retry_in_ms,
        reason,
        ..
    } = backoff
    else {
        unreachable!()
    };
    assert!(
        retry_in_ms <= 300,
        "the backoff stays under its cap: {retry_in_ms}"
    );
    assert!(
        reason.contains("closed") || reason.contains("lost"),
        "{reason}"
    );
    me.expect_open().await;
}

#[tokio::test]
async fn a_message_written_while_the_server_is_down_is_sent_when_it_returns() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    sim.go_down();
    me.expect_state("backoff while down", |s| {
        matches!(s, ConnectionState::Backoff { .. })
    })
    .await;
    let pending = me
        .engine
        .send_text(&me.account, "public", "typed while offline")
        .await
        .unwrap();
    // Several attempts fail while the server is away.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(sim.received().is_empty());
    sim.come_back().await.unwrap();
    let sent = me
        .expect("the outbox to drain", |e| match e {
            Event::Sent(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(sent.local_id, pending.local_id);
    assert_eq!(sim.received().len(), 1, "sent exactly once");
}

#[tokio::test]
async fn a_malformed_frame_is_reported_and_the_connection_survives() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    eventually("alice is connected", || sim.connected().len() == 1).await;
    sim.push_raw("this is { not json");
    let error = me
        .expect("an error event", |e| match e {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(error.contains("malformed frame"), "{error}");
    sim.push_raw(r#"{"type":"unknown_future_type"}"#);
    me.engine
        .send_text(&me.account, "public", "still here")
        .await
        .unwrap();
    me.expect("the echo after the garbage", |e| match e {
        Event::Sent(m) if m.text == "still here" => Some(()),
        Event::Status { state, .. } if *state != ConnectionState::Open => {
            panic!("the connection should have survived, got {state:?}")
        }
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn a_frame_over_the_services_limit_is_refused_by_the_socket_and_the_connection_is_made_again()
{
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    eventually("alice is connected", || sim.connected().len() == 1).await;
    let limit = parley_core::services::mockly::codec::MAX_FRAME_BYTES;
    sim.push_raw(&"x".repeat(limit + 1));
    let error = me
        .expect("the refusal", |e| match e {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(
        error.contains(&format!("more than the {limit} bytes")),
        "{error}"
    );
    me.expect_state("a reconnect", |s| {
        matches!(
            s,
            ConnectionState::Backoff { .. } | ConnectionState::Connecting { .. }
        )
    })
    .await;
    me.expect_open().await;
    me.engine
        .send_text(&me.account, "public", "after the big frame")
        .await
        .unwrap();
    me.expect("the echo after the reconnect", |e| match e {
        Event::Sent(m) if m.text == "after the big frame" => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn a_server_error_frame_is_shown_and_the_connection_stays_open() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    eventually("alice is connected", || sim.connected().len() == 1).await;
    sim.push_raw(r#"{"type":"error","message":"Invalid JSON format","timestamp":"2023-07-25T14:33:25.123456"}"#);
    let error = me
        .expect("the server's error", |e| match e {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(error, "the server says: Invalid JSON format");
}

#[tokio::test]
async fn a_silent_half_open_socket_is_declared_dead_and_replaced() {
    let sim = sim(0.0).await;
    let tuning = parley_core::supervisor::Tuning {
        heartbeat_every: Some(Duration::from_millis(100)),
        idle_timeout: Some(Duration::from_millis(400)),
        ..fast_tuning()
    };
    let mut me = client(&sim, "alice", Store::open_in_memory().unwrap(), tuning).await;
    me.expect_open().await;
    sim.set_stalled(true);
    let backoff = me
        .expect_state("the idle timeout", |s| {
            matches!(s, ConnectionState::Backoff { .. })
        })
        .await;
    let ConnectionState::Backoff { reason, .. } = backoff else {
        unreachable!()
    };
    assert!(reason.contains("nothing heard"), "{reason}");
    sim.set_stalled(false);
    me.expect_open().await;
}

#[tokio::test]
async fn heartbeats_keep_a_quiet_but_healthy_connection_open() {
    let sim = sim(0.0).await;
    let tuning = parley_core::supervisor::Tuning {
        heartbeat_every: Some(Duration::from_millis(50)),
        idle_timeout: Some(Duration::from_millis(300)),
        ..fast_tuning()
    };
    let mut me = client(&sim, "alice", Store::open_in_memory().unwrap(), tuning).await;
    me.expect_open().await;
    // Ten idle timeouts of silence from the room; only pongs keep it alive.
    let quiet = tokio::time::timeout(
        Duration::from_secs(3),
        me.expect_state("any change", |s| *s != ConnectionState::Open),
    )
    .await;
    assert!(quiet.is_err(), "the connection should stay open: {quiet:?}");
}

#[tokio::test]
async fn a_wrong_endpoint_path_stops_with_a_reason_instead_of_retrying() {
    let sim = sim(0.0).await;
    let engine_store = Store::open_in_memory().unwrap();
    let mut me = client(&sim, "alice", engine_store, fast_tuning()).await;
    me.expect_open().await;
    // Point a second account at a path the server does not serve.
    let wrong = parley_core::engine::NewAccount {
        display_name: None,
        settings: parley_core::account::ServiceSettings::Mockly(
            parley_core::account::MocklySettings {
                client_id: "bob".into(),
                endpoint: format!("ws://{}/ws/nothing/{{client_id}}", sim.addr()),
            },
        ),
        secret: None,
        order_numbers: Vec::new(),
    };
    me.engine.add_account(wrong).await.unwrap();
    let stopped = me
        .expect_state("a stop", |s| matches!(s, ConnectionState::Stopped { .. }))
        .await;
    let ConnectionState::Stopped { reason } = stopped else {
        unreachable!()
    };
    assert!(
        reason.contains("404") && reason.contains("endpoint"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_message_queued_before_a_restart_is_sent_by_the_next_run() {
    let sim = sim(0.0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    sim.go_down();
    let first = client(&sim, "alice", Store::open(&path).unwrap(), fast_tuning()).await;
    first
        .engine
        .send_text(&first.account, "public", "queued before quitting")
        .await
        .unwrap();
    first.engine.shutdown().await;
    let account = first.account.clone();
    drop(first);

    sim.come_back().await.unwrap();
    // The next run: same store, same account id (as the config would give it back).
    let engine = parley_core::engine::Engine::new(
        Store::open(&path).unwrap(),
        None,
        parley_core::config::AppConfig {
            accounts: vec![parley_core::account::Account {
                id: account.clone(),
                display_name: "alice".into(),
                settings: parley_core::account::ServiceSettings::Mockly(
                    parley_core::account::MocklySettings {
                        client_id: "alice".into(),
                        endpoint: sim.endpoint(),
                    },
                ),
                demo: false,
            }],
            demo_dismissed: false,
            notifications: Default::default(),
            desktop: Default::default(),
            auto_media: Default::default(),
            templates: Vec::new(),
        },
        std::sync::Arc::new(parley_core::secrets::SessionOnlyStore::default()),
        fast_tuning(),
    );
    let mut events = Events(engine.subscribe());
    engine.start_configured().await.unwrap();
    let sent = events
        .expect("the queued message to be sent", |e| match e {
            Event::Sent(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(sent.text, "queued before quitting");
    assert_eq!(sim.received().len(), 1);
}

#[tokio::test]
async fn removing_an_account_disconnects_it_and_forgets_its_rooms() {
    let sim = sim(0.0).await;
    let me = connected(&sim, "alice").await;
    eventually("alice is connected", || sim.connected() == ["alice"]).await;
    assert_eq!(me.engine.rooms().await.unwrap().len(), 1);
    me.engine.remove_account(&me.account).await.unwrap();
    eventually("the socket is closed", || sim.connected().is_empty()).await;
    assert!(me.engine.accounts().is_empty());
    assert!(me.engine.rooms().await.unwrap().is_empty());
    assert!(me.history_texts().await.is_empty());
}

#[tokio::test]
async fn retry_now_skips_a_long_backoff() {
    let sim = sim(0.0).await;
    let slow = parley_core::supervisor::Tuning {
        backoff: parley_core::backoff::Backoff {
            base: Duration::from_secs(60),
            max: Duration::from_secs(60),
        },
        ..fast_tuning()
    };
    let mut me = client(&sim, "alice", Store::open_in_memory().unwrap(), slow).await;
    me.expect_open().await;
    sim.go_down();
    let waiting = me
        .expect_state("a long backoff", |s| {
            matches!(s, ConnectionState::Backoff { .. })
        })
        .await;
    let ConnectionState::Backoff { retry_in_ms, .. } = waiting else {
        unreachable!()
    };
    assert!(retry_in_ms >= 30_000);
    sim.come_back().await.unwrap();
    me.engine.reconnect_now(&me.account).unwrap();
    me.expect_open().await;
}

#[tokio::test]
async fn the_tray_badge_follows_the_store_and_leaves_out_muted_rooms() {
    let sim = sim(0.0).await;
    let mut alice = connected(&sim, "alice").await;
    let bob = client(&sim, "bob", Store::open_in_memory().unwrap(), fast_tuning()).await;
    eventually("bob is connected", || sim.connected().len() == 2).await;
    assert_eq!(
        alice.engine.badge_count().await.unwrap(),
        0,
        "notices do not count"
    );
    for text in ["one", "two"] {
        bob.engine
            .send_text(&bob.account, "public", text)
            .await
            .unwrap();
        alice
            .expect("bob's message", |e| match e {
                Event::Message(m) if m.text == text => Some(()),
                _ => None,
            })
            .await;
    }
    assert_eq!(alice.engine.badge_count().await.unwrap(), 2);
    alice
        .engine
        .mark_read(&alice.account, "public")
        .await
        .unwrap();
    assert_eq!(alice.engine.badge_count().await.unwrap(), 0);
    bob.engine
        .send_text(&bob.account, "public", "three")
        .await
        .unwrap();
    alice
        .expect("bob's third message", |e| match e {
            Event::Message(m) if m.text == "three" => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(alice.engine.badge_count().await.unwrap(), 1);
    alice
        .engine
        .set_muted(&alice.account, Some("public"), true)
        .unwrap();
    assert_eq!(
        alice.engine.badge_count().await.unwrap(),
        0,
        "a muted room leaves the badge"
    );
}

/// Issue 25: a restarted mockly server counts its ids from `msg_1` again. Neither the echo
/// of our next message nor another user's new message may be taken for the one stored under
/// the same counter before the restart.
#[tokio::test]
async fn after_a_server_restart_that_reuses_ids_new_messages_and_our_echo_still_arrive() {
    let sim = sim(0.0).await;
    let mut me = connected(&sim, "alice").await;
    me.engine
        .send_text(&me.account, "public", "before the restart")
        .await
        .unwrap();
    let first = me
        .expect("the first echo", |e| match e {
            Event::Sent(m) => Some(m.clone()),
            _ => None,
        })
        .await;
    assert!(first.service_id.as_deref().unwrap().starts_with("msg_1"));

    sim.restart().await.unwrap();
    eventually("alice is back", || sim.connected() == ["alice"]).await;
    let pending = me
        .engine
        .send_text(&me.account, "public", "after the restart")
        .await
        .unwrap();
    let sent = me
        .expect(
            "the echo after the restart to confirm the message",
            |e| match e {
                Event::Sent(m) => Some(m.clone()),
                _ => None,
            },
        )
        .await;
    assert_eq!(sent.local_id, pending.local_id);
    assert!(sent.service_id.as_deref().unwrap().starts_with("msg_1"));
    sim.bot_says(parley_sim::mockly::BOTS[0], "a bot after the restart");
    me.expect("the bot's message (id msg_2 again)", |e| match e {
        Event::Message(m) if m.text == "a bot after the restart" => Some(()),
        _ => None,
    })
    .await;
    let texts = me.history_texts().await;
    for text in [
        "before the restart",
        "after the restart",
        "a bot after the restart",
    ] {
        assert_eq!(
            texts.iter().filter(|t| *t == text).count(),
            1,
            "{text}: {texts:?}"
        );
    }
}

/// Issue 25: a server with a lower size limit than Parley's closes the socket (1009 "message
/// too big") on reading the message. It fails with the reason instead of being sent again on
/// every reconnect, and the connection carries on.
#[tokio::test]
async fn a_message_the_server_refuses_as_too_big_fails_and_the_next_one_goes() {
    let sim = parley_sim::mockly::MocklySim::start(parley_sim::mockly::MocklyConfig {
        bot_reply_chance: 0.0,
        max_message_bytes: 32 * 1024,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut me = connected(&sim, "alice").await;
    let big = "x".repeat(40 * 1024);
    let pending = me
        .engine
        .send_text(&me.account, "public", &big)
        .await
        .unwrap();
    let failed = me
        .expect("the big message to fail", |e| match e {
            Event::Failed(m) if m.local_id == pending.local_id => Some(m.clone()),
            _ => None,
        })
        .await;
    assert!(
        failed.error.as_deref().unwrap_or("").contains("too big"),
        "{:?}",
        failed.error
    );
    me.expect_open().await;
    me.engine
        .send_text(&me.account, "public", "small enough")
        .await
        .unwrap();
    me.expect("the next message to be sent", |e| match e {
        Event::Sent(m) if m.text == "small enough" => Some(()),
        _ => None,
    })
    .await;
    assert!(sim.received().iter().all(|r| r.text != big));
}

/// Issue 25: a server that drops an oversize message without a word: no echo ever comes, and
/// at the end of its life the message fails instead of staying "Sending…".
#[tokio::test]
async fn a_message_the_server_silently_drops_fails_at_the_end_of_its_life() {
    let sim = parley_sim::mockly::MocklySim::start(parley_sim::mockly::MocklyConfig {
        bot_reply_chance: 0.0,
        max_message_bytes: 32 * 1024,
        drop_oversize: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let tuning = parley_core::supervisor::Tuning {
        pending_life: Duration::from_secs(1),
        ..fast_tuning()
    };
    let mut me = client(&sim, "alice", Store::open_in_memory().unwrap(), tuning).await;
    me.expect_open().await;
    let pending = me
        .engine
        .send_text(&me.account, "public", &"y".repeat(40 * 1024))
        .await
        .unwrap();
    let failed = me
        .expect("the dropped message to fail", |e| match e {
            Event::Failed(m) if m.local_id == pending.local_id => Some(m.clone()),
            _ => None,
        })
        .await;
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or("")
            .contains("did not confirm"),
        "{:?}",
        failed.error
    );
}

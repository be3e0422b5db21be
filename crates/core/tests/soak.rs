//! The soak test: random faults (drops, delays, black holes that never close, frames cut in
//! half, server restarts) from a proxy in front of each service while messages flow both ways;
//! afterwards the store holds every message exactly once and nothing is left in the outbox.
//! The normal test run applies a short series; `bash scripts/soak.sh 1000` a long one
//! (`PARLEY_SOAK_FAULTS`).

mod support;
use support::eventually;

use parley_core::account::{
    AccountId, MexcChat, MexcSettings, MixinSettings, MocklySettings, RealtimeSettings,
    ServiceSettings,
};
use parley_core::config::AppConfig;
use parley_core::engine::Engine;
use parley_core::message::{DeliveryState, StoredMessage};
use parley_core::secret::Secret;
use parley_core::secrets::SessionOnlyStore;
use parley_core::services::realtime::account::{log_in, Login};
use parley_core::store::Store;
use parley_sim::bots::BOTS;
use parley_sim::fault_proxy::{Fault, FaultProxy};
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use parley_sim::mixin::{MixinConfig, MixinSim};
use parley_sim::mockly::{MocklyConfig, MocklySim};
use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

fn faults_to_apply() -> usize {
    std::env::var("PARLEY_SOAK_FAULTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60)
}

fn addr_of(url: &str) -> SocketAddr {
    let url = url::Url::parse(url).unwrap();
    format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
        .parse()
        .unwrap()
}

fn random_fault(rng: &mut fastrand::Rng) -> Fault {
    let short = Duration::from_millis(rng.u64(5..60));
    let long = Duration::from_millis(rng.u64(50..600));
    match rng.u8(0..5) {
        0 => Fault::Drop,
        1 => Fault::Delay {
            by: short,
            during: long,
        },
        2 => Fault::BlackHole(long),
        3 => Fault::CutMidFrame,
        _ => Fault::Restart(long / 2),
    }
}

/// The whole stored history of a room (the engine pages by at most 500).
async fn history(engine: &Engine, account: &AccountId, room: &str) -> Vec<StoredMessage> {
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let page = engine.history(account, room, before, 500).await.unwrap();
        let Some(first) = page.first() else {
            return all;
        };
        before = Some(first.local_id);
        all.splice(0..0, page);
    }
}

/// No text twice (every text in the run is unique), and no own message left pending.
fn exactly_once_and_outbox_empty(messages: &[StoredMessage]) -> Result<(), String> {
    let mut seen = HashSet::new();
    for m in messages
        .iter()
        .filter(|m| m.kind != parley_core::message::MessageKind::System)
    {
        if !seen.insert((m.own, m.text.clone())) {
            return Err(format!("stored twice: {}", m.text));
        }
        if m.own && m.state == DeliveryState::Pending {
            return Err(format!("still in the outbox: {}", m.text));
        }
    }
    Ok(())
}

/// MEXC gives a sent message no client id and keeps no history to catch up from, so a resend
/// after a lost echo is a second copy on the server that no client can learn of (delivery is at
/// least once, DESIGN-NOTES "Delivery"). The store must hold every own text the server has, never
/// a copy the server does not (each own copy carries the server id of its echo), never a
/// received message twice, and nothing may stay in the outbox.
fn mexc_mirrors_the_server(messages: &[StoredMessage], sim: &MexcSim) -> Result<(), String> {
    let on_server = sim.sent_by_trader();
    let server_ids: HashSet<String> = on_server.iter().map(|m| m.id.to_string()).collect();
    let mut problems = Vec::new();
    for m in messages.iter().filter(|m| m.own) {
        match m.state {
            DeliveryState::Pending => problems.push(format!("{:?} still in the outbox", m.text)),
            DeliveryState::Failed => {}
            _ => match &m.service_id {
                Some(id) if !server_ids.contains(id) => {
                    problems.push(format!("{:?} stored as server copy {id}, unknown", m.text))
                }
                // Accepted by the reply and its echo not read yet: it must still be on the server.
                None if !on_server.iter().any(|s| s.content == m.text) => {
                    problems.push(format!("{:?} marked sent and never arrived", m.text))
                }
                _ => {}
            },
        }
    }
    let stored_ids: HashSet<&str> = messages
        .iter()
        .filter(|m| m.own)
        .filter_map(|m| m.service_id.as_deref())
        .collect();
    if stored_ids.len()
        != messages
            .iter()
            .filter(|m| m.own && m.service_id.is_some())
            .count()
    {
        problems.push("an own server copy stored twice".into());
    }
    for text in on_server.iter().map(|m| &m.content).collect::<HashSet<_>>() {
        if !messages
            .iter()
            .any(|m| m.own && &m.text == text && m.state != DeliveryState::Failed)
        {
            problems.push(format!("{text:?} is on the server and not stored as sent"));
        }
    }
    let incoming: Vec<&StoredMessage> = messages.iter().filter(|m| !m.own).collect();
    let unique: HashSet<&String> = incoming.iter().map(|m| &m.text).collect();
    if unique.len() != incoming.len() {
        problems.push("a received message stored twice".into());
    }
    problems.truncate(5);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("MEXC: {}", problems.join(", ")))
    }
}

/// Nothing the user sent is lost: every text `send_text` accepted is stored once as the user's,
/// none is still waiting, and each one not marked failed reached the server.
fn nothing_accepted_is_lost(
    service: &str,
    accepted: &[String],
    messages: &[StoredMessage],
    on_server: &HashSet<String>,
) -> Result<(), String> {
    let own: std::collections::HashMap<&str, &StoredMessage> = messages
        .iter()
        .filter(|m| m.own)
        .map(|m| (m.text.as_str(), m))
        .collect();
    for text in accepted {
        let Some(stored) = own.get(text.as_str()) else {
            return Err(format!("{service}: {text} was accepted and is not stored"));
        };
        match stored.state {
            DeliveryState::Pending => {
                return Err(format!("{service}: {text} is still waiting"));
            }
            DeliveryState::Failed => {}
            _ if !on_server.contains(text) => {
                return Err(format!(
                    "{service}: {text} is marked sent and never arrived"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every text in `expected` is stored once as received (what the peer said after the faults
/// stopped, which no missed-while-offline excuse covers).
fn every_text_received(
    service: &str,
    expected: &[String],
    messages: &[StoredMessage],
) -> Result<(), String> {
    for text in expected {
        let copies = messages
            .iter()
            .filter(|m| !m.own && &m.text == text)
            .count();
        if copies != 1 {
            return Err(format!("{service}: {text} received {copies} times"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn random_faults_while_messages_flow_lose_and_duplicate_nothing() {
    let faults = faults_to_apply();
    let mut rng = fastrand::Rng::with_seed(faults as u64);
    let mut tuning = support::fast_tuning();
    tuning.heartbeat_every = Some(Duration::from_millis(300));
    tuning.idle_timeout = Some(Duration::from_millis(1500));

    let mockly = MocklySim::start(MocklyConfig {
        bot_reply_chance: 0.0,
        ..MocklyConfig::default()
    })
    .await
    .unwrap();
    let mockly_proxy = FaultProxy::start(mockly.addr()).await.unwrap();
    let realtime = RealtimeSim::start(RealtimeConfig::default()).await.unwrap();
    let realtime_proxy = FaultProxy::start(addr_of(&realtime.base_url()))
        .await
        .unwrap();
    realtime.add_user("soak@example.com", "pw", "Soak", "Tester");
    let other = realtime.add_user("other@example.com", "pw", "Other", "Member");
    let room = realtime.create_room("Soak room", "", "public", &other);
    let mexc = MexcSim::start(MexcConfig::default()).await.unwrap();
    mexc.add_listen_key("soak-listen-key");
    mexc.add_conversation(
        50012,
        Counterparty {
            user_id: "buyer".into(),
            nick_name: "Buyer".into(),
        },
    );
    let mexc_proxy = FaultProxy::start(mexc.addr()).await.unwrap();
    let mixin = MixinSim::start(MixinConfig::default()).await.unwrap();
    let mixin_proxy = FaultProxy::start(addr_of(&mixin.blaze_url()))
        .await
        .unwrap();
    let keystore = mixin.add_bot("Soak bot");
    let bot = MixinSim::bot_id_of(&keystore);
    let user = mixin.add_user("Ava");
    let conversation = parley_core::services::mixin::ids::contact_conversation_id(&bot, &user);
    mixin.user_says(&bot, &user, "user 0");

    let engine = Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        tuning,
    );
    let add = |settings, secret| support::accounts::add(&engine, settings, secret, Vec::new());
    let room_account = add(
        ServiceSettings::Mockly(MocklySettings {
            client_id: "soaker".into(),
            endpoint: format!("ws://{}/ws/chat/{{client_id}}", mockly_proxy.addr()),
        }),
        None,
    )
    .await;
    let order_chat = add(
        ServiceSettings::Mexc(MexcSettings {
            conversations: vec![MexcChat::by_id(50012)],
            ..MexcSettings::with_endpoint(format!("ws://{}/ws", mexc_proxy.addr()))
        }),
        Some(Secret::new("soak-listen-key")),
    )
    .await;
    let proxied_base = format!("http://{}", realtime_proxy.addr());
    let logged = log_in(
        &realtime.base_url(),
        Secret::new(realtime.api_key()),
        Login::Password {
            email: "soak@example.com".into(),
            password: Secret::new("pw"),
        },
    )
    .await
    .unwrap();
    let community = add(
        ServiceSettings::Realtime(RealtimeSettings {
            user_id: logged.user_id,
            ..RealtimeSettings::new(proxied_base)
        }),
        Some(logged.credentials.to_secret()),
    )
    .await;
    engine.join_room(&community, &room).await.unwrap();
    let bot_account = add(
        ServiceSettings::Mixin(MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: format!("ws://{}/", mixin_proxy.addr()),
            api_base: mixin.api_base(),
        }),
        Some(Secret::new(keystore)),
    )
    .await;

    let proxies = [&mockly_proxy, &realtime_proxy, &mixin_proxy, &mexc_proxy];
    let mut sent = 0;
    let (mut mockly_accepted, mut mexc_accepted) = (Vec::new(), Vec::new());
    for i in 0..faults {
        proxies[rng.usize(0..proxies.len())].inject(random_fault(&mut rng));
        if i % 3 == 0 {
            sent += 1;
            let text = |who: &str| format!("{who} {sent}");
            // Refusals while the rate limit holds are fine: nothing was stored for them. What
            // was accepted must arrive or be marked failed (checked below).
            if engine
                .send_text(&room_account, "public", &text("room"))
                .await
                .is_ok()
            {
                mockly_accepted.push(text("room"));
            }
            if engine
                .send_text(&order_chat, "50012", &text("trader"))
                .await
                .is_ok()
            {
                mexc_accepted.push(text("trader"));
            }
            mexc.counterparty_says(50012, 1, &text("buyer"), "");
            let _ = engine
                .send_text(&community, &room, &text("community"))
                .await;
            let _ = engine
                .send_text(&bot_account, &conversation, &text("bot"))
                .await;
            realtime.post(&room, &other, &text("member"));
            mixin.user_says(&bot, &user, &text("user"));
            mockly.bot_says(BOTS[0], &text("ada"));
        }
        tokio::time::sleep(Duration::from_millis(rng.u64(10..50))).await;
    }
    for proxy in proxies {
        proxy.heal();
    }
    // mockly and MEXC keep no history to catch up from: what their peers said while the
    // connection was down is gone for every client. What they say once it is back must arrive.
    let (mut mockly_after, mut mexc_after) = (Vec::new(), Vec::new());
    for n in 0..5 {
        eventually("the connections to come back", || {
            mockly.connected().len() == 1 && mexc.open_sockets() == 1
        })
        .await;
        mockly_after.push(format!("ada after {n}"));
        mockly.bot_says(BOTS[0], &mockly_after[n]);
        mexc_after.push(format!("buyer after {n}"));
        mexc.counterparty_says(50012, 1, &mexc_after[n], "");
    }

    // Everything settles: the services that keep history or redeliver have it all.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let community_history = history(&engine, &community, &room).await;
        let stored_ids: HashSet<String> = community_history
            .iter()
            .filter_map(|m| m.service_id.clone())
            .collect();
        let server_ids: HashSet<String> =
            realtime.messages(&room).into_iter().map(|m| m.id).collect();
        let room_history = history(&engine, &room_account, "public").await;
        let order_history = history(&engine, &order_chat, "50012").await;
        let mockly_received: HashSet<String> =
            mockly.received().into_iter().map(|r| r.text).collect();
        let mexc_received: HashSet<String> = mexc
            .sent_by_trader()
            .into_iter()
            .map(|m| m.content)
            .collect();
        let checks = [
            exactly_once_and_outbox_empty(&room_history),
            nothing_accepted_is_lost("mockly", &mockly_accepted, &room_history, &mockly_received),
            every_text_received("mockly", &mockly_after, &room_history),
            mexc_mirrors_the_server(&order_history, &mexc),
            nothing_accepted_is_lost("MEXC", &mexc_accepted, &order_history, &mexc_received),
            every_text_received("MEXC", &mexc_after, &order_history),
            exactly_once_and_outbox_empty(&community_history),
            exactly_once_and_outbox_empty(&history(&engine, &bot_account, &conversation).await),
            if stored_ids == server_ids {
                Ok(())
            } else {
                Err(format!(
                    "community: {} stored, {} on the server",
                    stored_ids.len(),
                    server_ids.len()
                ))
            },
            if mixin.unacked_count(&bot) == 0 {
                Ok(())
            } else {
                Err(format!(
                    "bot: {} messages not stored and acknowledged",
                    mixin.unacked_count(&bot)
                ))
            },
        ];
        let problems: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
        if problems.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after {faults} faults: {}",
            problems.join("; ")
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The bot's replies reached Mixin once each (client message ids make resends idempotent).
    let bot_sent = mixin.sent_by(&bot);
    let unique: HashSet<_> = bot_sent.iter().map(|m| &m.text).collect();
    assert_eq!(unique.len(), bot_sent.len(), "no reply twice on the server");
    let own_bot = history(&engine, &bot_account, &conversation)
        .await
        .into_iter()
        .filter(|m| m.own)
        .count();
    assert_eq!(
        bot_sent.len(),
        own_bot,
        "every reply the store holds reached the server"
    );
    let user_messages = history(&engine, &bot_account, &conversation)
        .await
        .into_iter()
        .filter(|m| !m.own)
        .count();
    assert_eq!(user_messages, sent + 1, "every user message stored once");
    let order_history = history(&engine, &order_chat, "50012").await;
    let heard = order_history.iter().filter(|m| !m.own).count();
    assert!(
        !mexc_accepted.is_empty() && heard > mexc_after.len(),
        "the order chat flowed both ways during the faults"
    );
    eprintln!(
        "soak: {faults} faults, {sent} rounds of messages both ways; store and servers agree \
         (MEXC: {} sent by the trader, {heard} of {} received, the rest said while offline)",
        mexc_accepted.len(),
        sent + mexc_after.len()
    );
    engine.shutdown().await;
}

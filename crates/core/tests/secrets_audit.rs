//! The secrets audit: every kind of account is configured with recognisable secrets, connects,
//! sends, exports an evidence pack of each room (the MEXC order chat's with its order details,
//! read with the API key), fails (refused tokens, an expired listenKey), with logging at trace
//! level into the profile — then the whole profile (config, store, logs, media cache, the
//! packs), the frame inspector's export and every event the page or parley-cli would receive
//! are searched for those secrets.
//! There must be no hit.

mod support;

use parley_core::account::{
    MexcAuth, MexcChat, MexcSettings, MixinSettings, RealtimeSettings, ServiceSettings,
};
use parley_core::config::{AppConfig, ConfigFile};
use parley_core::engine::Engine;
use parley_core::secret::Secret;
use parley_core::secrets::SessionOnlyStore;
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::services::realtime::account::{log_in, Login};
use parley_core::store::Store;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim, SimOrder};
use parley_sim::mixin::{MixinConfig, MixinSim};
use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
use std::path::Path;
use std::sync::{Arc, Mutex};
use support::{eventually, fast_tuning};

const LISTEN_KEY: &str = "LISTENKEY0SECRET0a8f3e1";
const API_KEY: &str = "APIKEY0SECRET0b41c9";
const API_SECRET: &str = "APISECRET0SECRET0d7e2";
const RT_API_KEY: &str = "RTKEY0SECRET0e9a7";
const PASSWORD: &str = "PASSWORD0SECRET0f1b3";

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_profile_the_logs_or_the_events() {
    let profile = tempfile::tempdir().unwrap();
    std::env::set_var(parley_core::logging::FILTER_VAR, "trace");
    let guard =
        parley_core::logging::init_file(&profile.path().join("logs")).expect("trace logging");

    // The services, each with its recognisable secrets.
    let mexc = MexcSim::start(MexcConfig::default()).await.unwrap();
    mexc.add_listen_key(LISTEN_KEY);
    mexc.add_api_key(API_KEY, API_SECRET);
    mexc.put_order(
        SimOrder {
            order_no: "1138745987".into(),
            side: "SELL".into(),
            coin: "USDT".into(),
            quantity: "1000".into(),
            price: "0.92".into(),
            fiat_total: "920".into(),
            fiat: "EUR".into(),
            payment_method: "SEPA".into(),
            counterparty: "Buyer".into(),
            state: "PAID".into(),
            pay_deadline_ms: 0,
            appeal_from_ms: 0,
            created_ms: 0,
            updated_ms: 0,
        },
        50013,
    );
    for id in [50012, 50013] {
        mexc.add_conversation(
            id,
            Counterparty {
                user_id: "buyer".into(),
                nick_name: "Buyer".into(),
            },
        );
    }
    let realtime = RealtimeSim::start(RealtimeConfig {
        api_key: RT_API_KEY.into(),
        ..RealtimeConfig::default()
    })
    .await
    .unwrap();
    let me = realtime.add_user("audit@example.com", PASSWORD, "Audit", "User");
    let other = realtime.add_user("other@example.com", "x", "Other", "User");
    let room = realtime.create_room("Audit room", "", "public", &other);
    let mixin = MixinSim::start(MixinConfig::default()).await.unwrap();
    let keystore = mixin.add_bot("Audit bot");
    let bot = MixinSim::bot_id_of(&keystore);
    let user = mixin.add_user("Ava");
    mixin.user_says(&bot, &user, "hello bot");
    let seed: serde_json::Value = serde_json::from_str(&keystore).unwrap();
    let seed = seed["session_private_key"].as_str().unwrap().to_owned();

    let store = Store::open(&profile.path().join("parley.sqlite3")).unwrap();
    let engine = Engine::new(
        store,
        Some(ConfigFile::new(profile.path().join("config.json"))),
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        fast_tuning(),
    );
    // Every event, as the page (JSON over IPC) and parley-cli (NDJSON) would receive it.
    let payloads = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut events = engine.subscribe();
    let captured = payloads.clone();
    let recorder = tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            captured
                .lock()
                .unwrap()
                .push(serde_json::to_string(&event).unwrap());
        }
    });

    let add = |settings, secret: Option<Secret>, orders: Vec<String>| {
        support::accounts::add(&engine, settings, secret, orders)
    };
    let listen = add(
        ServiceSettings::Mexc(MexcSettings {
            conversations: vec![MexcChat::by_id(50012)],
            ..MexcSettings::with_endpoint(mexc.ws_endpoint())
        }),
        Some(Secret::new(LISTEN_KEY)),
        Vec::new(),
    )
    .await;
    let api = add(
        ServiceSettings::Mexc(MexcSettings {
            auth: MexcAuth::ApiKey,
            rest_base: mexc.rest_base(),
            ..MexcSettings::with_endpoint(mexc.ws_endpoint())
        }),
        Some(
            ApiCredentials {
                api_key: Secret::new(API_KEY),
                api_secret: Secret::new(API_SECRET),
            }
            .to_secret(),
        ),
        vec!["1138745987".into()],
    )
    .await;
    let logged = log_in(
        &realtime.base_url(),
        Secret::new(RT_API_KEY),
        Login::Password {
            email: "audit@example.com".into(),
            password: Secret::new(PASSWORD),
        },
    )
    .await
    .unwrap();
    let token = logged.credentials.token.expose().to_owned();
    let community = add(
        ServiceSettings::Realtime(RealtimeSettings {
            user_id: logged.user_id,
            ..RealtimeSettings::new(realtime.base_url())
        }),
        Some(logged.credentials.to_secret()),
        Vec::new(),
    )
    .await;
    let bot_account = add(
        ServiceSettings::Mixin(MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: mixin.blaze_url(),
            api_base: mixin.api_base(),
        }),
        Some(Secret::new(keystore.clone())),
        Vec::new(),
    )
    .await;

    // Connect, join, send on every account.
    eventually("the bot to take the pending message", || {
        mixin.unacked_count(&bot) == 0
    })
    .await;
    engine.join_room(&community, &room).await.unwrap();
    eventually("the room subscription", || realtime.subscribers(&room) == 1).await;
    engine
        .send_text(&listen, "50012", "audit listenKey")
        .await
        .unwrap();
    engine
        .send_text(&api, "50013", "audit API key")
        .await
        .unwrap();
    engine
        .send_text(&community, &room, "audit community")
        .await
        .unwrap();
    let conversation = parley_core::services::mixin::ids::contact_conversation_id(&bot, &user);
    engine
        .send_text(&bot_account, &conversation, "audit bot")
        .await
        .unwrap();
    eventually("every send to land", || {
        mixin.sent_by(&bot).len() == 1
            && realtime.messages(&room).iter().any(|m| m.user_id == me)
            && mexc.sent_by_trader().len() == 2
    })
    .await;

    // An evidence pack of every room, into the profile (searched below with everything else).
    let cache = parley_core::media::MediaCache::new(&profile.path().join("media")).unwrap();
    let packs = profile.path().join("evidence");
    for (account, room) in [
        (&listen, "50012"),
        (&api, "50013"),
        (&community, room.as_str()),
        (&bot_account, conversation.as_str()),
    ] {
        let written = engine
            .export_evidence(account, room, &packs, Some(&cache))
            .await
            .unwrap();
        assert!(parley_core::evidence::verify_pack(&written.dir)
            .unwrap()
            .intact());
        if account == &api {
            let records = std::fs::read_to_string(written.dir.join("messages.json")).unwrap();
            assert!(
                records.contains("\"order_no\": \"1138745987\""),
                "the order was read with the API key: {records}"
            );
        }
    }

    // Fail: refused tokens, expired listenKeys (the pasted one, and the one the key keeper
    // created, which it renews), each account seen to stop or renew before anything is read.
    mixin.set_refuse_tokens(true);
    mixin.drop_connections();
    realtime.revoke_tokens(&me);
    realtime.drop_connections();
    mexc.expire_listen_key(LISTEN_KEY);
    let kept = mexc.live_listen_keys();
    assert!(!kept.is_empty(), "the key keeper created a listenKey");
    for key in &kept {
        mexc.expire_listen_key(key);
    }
    for account in [&listen, &community, &bot_account] {
        let whose = format!(r#""account":"{}""#, account.0);
        eventually("every refused account to stop", || {
            payloads
                .lock()
                .unwrap()
                .iter()
                .any(|p| p.contains(&whose) && p.contains(r#""state":{"state":"stopped""#))
        })
        .await;
    }
    eventually("the key keeper to ask for a new listenKey", || {
        mexc.created_listen_keys().len() > kept.len()
    })
    .await;
    let inspector_export = engine.inspector().export_ndjson(None);
    engine.shutdown().await;
    recorder.abort();
    drop(guard);

    let created_keys = mexc.created_listen_keys();
    let jwts = mixin.seen_tokens();
    assert!(
        jwts.len() >= 3,
        "Mixin saw a token per REST request and per connection"
    );
    let mut secrets = vec![
        LISTEN_KEY,
        API_KEY,
        API_SECRET,
        RT_API_KEY,
        PASSWORD,
        token.as_str(),
        seed.as_str(),
    ];
    secrets.extend(created_keys.iter().map(String::as_str));
    // A JWT's signature part is what makes it a credential; its header and claims are
    // public (ids and times), so searching for the whole token would miss a cut one.
    secrets.extend(jwts.iter().filter_map(|t| t.rsplit('.').next()));
    let mut files = Vec::new();
    files_under(profile.path(), &mut files);
    assert_eq!(
        files.iter().filter(|f| f.ends_with("pack.json")).count(),
        4,
        "the four packs are among the files searched"
    );
    let logs: String = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("logs"))
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(
        logs.contains(" DEBUG ") && logs.contains("dialing") && logs.contains("connection lost"),
        "detailed logs were written ({} bytes)",
        logs.len()
    );
    let payloads = payloads.lock().unwrap().clone();
    assert!(payloads.len() > 20, "events were captured");
    assert!(
        inspector_export.contains("LIST_PENDING_MESSAGES")
            && inspector_export.contains("\"direction\":\"in\"")
            && inspector_export.contains("\"opcode\":\"connect\"")
            && inspector_export.contains("listenKey=%5Bredacted%5D"),
        "the inspector saw every connection, Mixin frames inflated, the listenKey redacted"
    );
    let mut hits = Vec::new();
    for secret in secrets {
        for file in &files {
            if contains(&std::fs::read(file).unwrap_or_default(), secret) {
                hits.push(format!("{} in {}", &secret[..6], file.display()));
            }
        }
        if inspector_export.contains(secret) {
            hits.push(format!("{} in the inspector export", &secret[..6]));
        }
        for payload in &payloads {
            if payload.contains(secret) {
                hits.push(format!(
                    "{} in an event: {}",
                    &secret[..6],
                    &payload[..payload.len().min(200)]
                ));
            }
        }
    }
    assert!(hits.is_empty(), "secrets leaked:\n{}", hits.join("\n"));
}

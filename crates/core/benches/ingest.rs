//! End-to-end ingest (issue 7, benchmark 2): the simulators flood one connection per service
//! on loopback; frames go through decode → store (batched transactions, a real WAL file) →
//! the page's event batches (encoded to JSON as for the IPC). Prints sustained messages/s with
//! every message persisted, and the store's write latency.
//!   cargo bench -p parley-core --bench ingest
//!   PARLEY_BENCH_MESSAGES=5000 cargo bench -p parley-core --bench ingest   (per service; quicker)
//!
//! The simulators run on their own runtime ("sim" threads), so the CPU each phase cost is told
//! apart: the client's (its connections, the store writer), the page's (reading each event, on
//! a thread of its own: WebKit's web process does it in the app) and the simulators' (on the same
//! two cores here; on their own machines in real life).

use parley_core::account::{
    AccountId, MexcChat, MexcSettings, MixinSettings, MocklySettings, RealtimeSettings,
    ServiceSettings,
};
use parley_core::config::AppConfig;
use parley_core::engine::Engine;
use parley_core::event_batch::{EncodedEvent, EventBatches};
use parley_core::secret::Secret;
use parley_core::secrets::SessionOnlyStore;
use parley_core::services::realtime::account::{log_in, Login};
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use parley_sim::bots::BOTS;
use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
use parley_sim::mixin::{MixinConfig, MixinSim};
use parley_sim::mockly::{MocklyConfig, MocklySim};
use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[path = "../tests/support/accounts.rs"]
mod accounts;

/// CPU time per kind of thread of this process, from `/proc/self/task/*/schedstat` (ns on CPU).
#[derive(Clone, Copy, Default)]
struct CpuTime {
    /// The client's async tasks (connections, codecs, the page's batches).
    client_tasks: Duration,
    /// The store's writer and checkpoint threads.
    store: Duration,
    /// The page's share: reading each event of the batches (WebKit's, in the app).
    page: Duration,
    /// The simulators: their runtime, and the main thread that pushes.
    simulators: Duration,
}

/// The name of the thread that reads the batches as the page would.
const PAGE_THREAD: &str = "page";

impl CpuTime {
    fn now() -> CpuTime {
        let mut cpu = CpuTime::default();
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return cpu;
        };
        for task in tasks.flatten() {
            let read = |file: &str| std::fs::read_to_string(task.path().join(file));
            let (Ok(comm), Ok(schedstat)) = (read("comm"), read("schedstat")) else {
                continue;
            };
            let ns: u64 = schedstat
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let spent = Duration::from_nanos(ns);
            match comm.trim() {
                name if name.starts_with("tokio-") => cpu.client_tasks += spent,
                name if name.starts_with("parley-") => cpu.store += spent,
                PAGE_THREAD => cpu.page += spent,
                _ => cpu.simulators += spent,
            }
        }
        cpu
    }

    /// CPU spent since `before`, per message, as a line of the report.
    fn per_message_since(&self, before: &CpuTime, messages: usize) -> String {
        let us = |now: Duration, then: Duration| {
            now.saturating_sub(then).as_secs_f64() * 1e6 / messages.max(1) as f64
        };
        let client = us(self.client_tasks, before.client_tasks);
        let store = us(self.store, before.store);
        let simulators = us(self.simulators, before.simulators);
        let page = us(self.page, before.page);
        format!(
            "CPU per message: client {:.1} µs (connections {client:.1}, store {store:.1}) = {:.0} messages/s per core; the page reading the events {page:.1} µs; simulators {simulators:.1} µs",
            client + store,
            1e6 / (client + store).max(0.001),
        )
    }
}

/// Counts messages per account as the page would receive them.
struct Page {
    counts: mpsc::UnboundedReceiver<(String, usize, usize)>,
    seen: HashMap<String, usize>,
    batches: usize,
    bytes: usize,
    /// Times the page was told to reload its snapshot.
    resyncs: usize,
    store: Store,
}

/// The fields of an event the page's counter looks at.
#[derive(serde::Deserialize)]
struct EventHead {
    event: String,
    account: Option<String>,
}

/// What the page's counter hears when events were dropped for it.
const RESYNC: &str = "\u{0}resync";

impl Page {
    fn attach(engine: &Engine, engine_store: &Store) -> Page {
        let mut batches = EventBatches::new(engine.subscribe());
        let drawn = batches.drawn();
        let (tx, counts) = mpsc::unbounded_channel();
        // The bridge's share runs on the client's runtime: taking each batch and writing it out
        // as the channel to the page does. Reading the events is the page's share (in WebKit's
        // web process in the app): a thread of its own, so its CPU is not counted as the client's.
        let (to_page, page_batches) = std::sync::mpsc::channel::<(Vec<EncodedEvent>, usize)>();
        tokio::spawn(async move {
            while let Some(batch) = batches.next().await {
                let bytes = serde_json::to_string(&batch).map(|s| s.len()).unwrap_or(0);
                if to_page.send((batch, bytes)).is_err() {
                    return;
                }
            }
        });
        std::thread::Builder::new()
            .name(PAGE_THREAD.into())
            .spawn(move || {
                for (batch, bytes) in page_batches {
                    let mut per_account: HashMap<String, usize> = HashMap::new();
                    for event in &batch {
                        // What the page reads of each event first (it parses all of it).
                        let Ok(head) = serde_json::from_str::<EventHead>(event.get()) else {
                            continue;
                        };
                        if head.event == "resync" {
                            let _ = tx.send((RESYNC.to_owned(), 0, 0));
                        }
                        if head.event == "message" {
                            *per_account
                                .entry(head.account.unwrap_or_default())
                                .or_default() += 1;
                        }
                    }
                    for (account, n) in per_account {
                        let _ = tx.send((account, n, 0));
                    }
                    let _ = tx.send((String::new(), 0, bytes));
                    // Counted: the next batch may come (the app's page answers once it drew one).
                    drawn.drew(1);
                }
            })
            .expect("the page's thread");
        Page {
            counts,
            seen: HashMap::new(),
            batches: 0,
            bytes: 0,
            resyncs: 0,
            store: engine_store.clone(),
        }
    }

    /// Waits until `account` has received `n` messages in total. After a resync (the page fell
    /// so far behind that events were dropped, and reloads its snapshot) the store tells.
    async fn wait_for(&mut self, account: &AccountId, n: usize) {
        while self.seen.get(&account.0).copied().unwrap_or(0) < n {
            if self.resyncs > 0 {
                let stored = account_count(&self.store, account).await;
                if stored >= n {
                    self.seen.insert(account.0.clone(), stored);
                    continue;
                }
            }
            let Ok(Some((who, count, bytes))) =
                tokio::time::timeout(Duration::from_secs(120), self.counts.recv()).await
            else {
                panic!(
                    "{} stopped at {:?} of {n}",
                    account.0,
                    self.seen.get(&account.0)
                );
            };
            if who == RESYNC {
                self.resyncs += 1;
            } else if who.is_empty() {
                self.batches += 1;
                self.bytes += bytes;
            } else {
                *self.seen.entry(who).or_default() += count;
            }
        }
    }
}

/// Messages (not notices) stored for one account.
async fn account_count(store: &Store, account: &AccountId) -> usize {
    let account = account.0.clone();
    store
        .run(move |c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM messages WHERE account_id = ?1 AND kind <> 'system'",
                [account],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .await
        .expect("count") as usize
}

async fn stored_count(store: &Store) -> i64 {
    store
        .run(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM messages WHERE kind <> 'system'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .expect("count")
}

fn report(what: &str, n: usize, took: Duration) {
    println!(
        "{what}: {n} messages in {:.2} s = {:.0} messages/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let per_service: usize = std::env::var("PARLEY_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25_000);
    let backlog = per_service.min(10_000);
    let sims = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sim")
        .enable_all()
        .build()
        .expect("the simulators' runtime");
    let (mockly, realtime, mexc, mixin) = sims
        .spawn(async {
            let mockly = MocklySim::start(MocklyConfig {
                bot_reply_chance: 0.0,
                ..MocklyConfig::default()
            })
            .await
            .expect("mockly");
            let realtime = RealtimeSim::start(RealtimeConfig::default())
                .await
                .expect("realtime");
            let mexc = MexcSim::start(MexcConfig::default()).await.expect("mexc");
            let mixin = MixinSim::start(MixinConfig::default())
                .await
                .expect("mixin");
            (mockly, realtime, mexc, mixin)
        })
        .await
        .expect("the simulators start");
    realtime.add_user("bench@example.com", "pw", "Bench", "Trader");
    let other = realtime.add_user("other@example.com", "pw", "Other", "Member");
    let room = realtime.create_room("Bench room", "", "public", &other);
    mexc.add_listen_key("bench-listen-key");
    mexc.add_conversation(
        50012,
        Counterparty {
            user_id: "buyer".into(),
            nick_name: "Buyer".into(),
        },
    );
    let keystore = mixin.add_bot("Bench bot");
    let bot = MixinSim::bot_id_of(&keystore);
    let user = mixin.add_user("Ava");

    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open(&dir.path().join("bench.sqlite3")).expect("store");
    let engine = Engine::new(
        store.clone(),
        None,
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        Tuning::default(),
    );
    let mut page = Page::attach(&engine, &store);
    let add = |settings, secret| accounts::add(&engine, settings, secret, Vec::new());

    // 1. A Mixin bot comes back to a backlog of pending messages.
    for i in 0..backlog {
        mixin.user_says(
            &bot,
            &user,
            &format!("pending message {i} while the bot was away"),
        );
    }
    let cpu_before = CpuTime::now();
    let started = Instant::now();
    let bot_account = add(
        ServiceSettings::Mixin(MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: mixin.blaze_url(),
            api_base: mixin.api_base(),
        }),
        Some(Secret::new(keystore)),
    )
    .await;
    page.wait_for(&bot_account, backlog).await;
    report(
        "Mixin backlog (connect, list, store, acknowledge)",
        backlog,
        started.elapsed(),
    );
    while mixin.unacked_count(&bot) > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    report(
        "  ... and every one acknowledged",
        backlog,
        started.elapsed(),
    );
    println!(
        "  {}",
        CpuTime::now().per_message_since(&cpu_before, backlog)
    );

    // 2. All four services flood at once.
    let room_account = add(
        ServiceSettings::Mockly(MocklySettings {
            client_id: "bencher".into(),
            endpoint: mockly.endpoint(),
        }),
        None,
    )
    .await;
    let order_chat = add(
        ServiceSettings::Mexc(MexcSettings {
            conversations: vec![MexcChat::by_id(50012)],
            ..MexcSettings::with_endpoint(mexc.ws_endpoint())
        }),
        Some(Secret::new("bench-listen-key")),
    )
    .await;
    let logged = log_in(
        &realtime.base_url(),
        Secret::new(realtime.api_key()),
        Login::Password {
            email: "bench@example.com".into(),
            password: Secret::new("pw"),
        },
    )
    .await
    .expect("log in");
    let community = add(
        ServiceSettings::Realtime(RealtimeSettings {
            user_id: logged.user_id,
            ..RealtimeSettings::new(realtime.base_url())
        }),
        Some(logged.credentials.to_secret()),
    )
    .await;
    engine.join_room(&community, &room).await.expect("join");
    while mockly.connected().is_empty() || mexc.open_sockets() == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    const NAMES: [&str; 4] = ["mockly", "MEXC", "Realtime", "Mixin"];
    let accounts = [&room_account, &order_chat, &community, &bot_account];
    let push = |service: usize, phase: &str, i: usize| match service {
        0 => mockly.bot_says(
            BOTS[0],
            &format!("{phase} room {i}: price update for the desk"),
        ),
        1 => mexc.counterparty_says(
            50012,
            1,
            &format!("{phase} order {i}: paid, please release"),
            "",
        ),
        2 => {
            realtime.post(
                &room,
                &other,
                &format!("{phase} community {i}: EUR/USD breaking out"),
            );
        }
        _ => {
            mixin.user_says(&bot, &user, &format!("{phase} bot {i}: what is the rate?"));
        }
    };
    let stall = |service: usize, on: bool| match service {
        0 => mockly.set_stalled(on),
        1 => mexc.set_stalled(on),
        2 => realtime.set_stalled(on),
        _ => mixin.set_stalled(on),
    };
    let mut expected: HashMap<String, usize> = HashMap::from([(bot_account.0.clone(), backlog)]);
    let mut phase_number = 0;
    // Pushes `per_service` messages to each of `services` (queued behind a stalled link when
    // `queued`: then the client's own rate is measured) and reports the sustained rate.
    let mut measure = async |what: &str, services: &[usize], queued: bool| {
        phase_number += 1;
        let phase = format!("phase {phase_number}");
        let before = stored_count(&store).await;
        let push_all = || {
            // Round-robin, as traffic from several services interleaves.
            for i in 0..per_service {
                for &service in services {
                    push(service, &phase, i);
                }
            }
        };
        if queued {
            services.iter().for_each(|&s| stall(s, true));
            push_all();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let writer_before = store.writer_figures();
        let cpu_before = CpuTime::now();
        let started = Instant::now();
        if queued {
            services.iter().for_each(|&s| stall(s, false));
        } else {
            push_all();
        }
        let pushed = started.elapsed();
        for &service in services {
            let account = accounts[service];
            let total = expected.entry(account.0.clone()).or_default();
            *total += per_service;
            page.wait_for(account, *total).await;
        }
        let took = started.elapsed();
        let cpu = CpuTime::now();
        let stored = stored_count(&store).await - before;
        report(what, stored as usize, took);
        assert_eq!(
            stored as usize,
            services.len() * per_service,
            "every message is in the store once"
        );
        let writer = store.writer_figures();
        let batches = writer.batches - writer_before.batches;
        println!(
            "  {}store: {batches} transactions ({:.0} messages each), transaction time p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            if queued { String::new() } else { format!("simulators busy pushing for {:.2} s; ", pushed.as_secs_f64()) },
            stored as f64 / batches.max(1) as f64,
            writer.p50.as_secs_f64() * 1e3,
            writer.p99.as_secs_f64() * 1e3,
            writer.max.as_secs_f64() * 1e3
        );
        println!("  {}", cpu.per_message_since(&cpu_before, stored as usize));
    };
    // 2. Each service alone, frames already queued at the server (after a stall).
    for (service, name) in NAMES.iter().enumerate() {
        measure(&format!("{name} alone, queued burst"), &[service], true).await;
    }
    // 3. All four at once: queued, then live (the simulators encode and push while the client
    //    reads, on the same two cores).
    measure("All four at once, queued burst", &[0, 1, 2, 3], true).await;
    measure("All four at once, live flood", &[0, 1, 2, 3], false).await;
    println!(
        "page: {} event batches, {:.1} MB of JSON ({:.0} events per batch); told to reload its snapshot {} times (it fell behind the event buffer)",
        page.batches,
        page.bytes as f64 / 1e6,
        page.seen.values().sum::<usize>() as f64 / page.batches.max(1) as f64,
        page.resyncs
    );
    let size_mb = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };
    println!(
        "files: database {:.1} MB, write-ahead log {:.1} MB (checkpointed by its own thread)",
        size_mb("bench.sqlite3"),
        size_mb("bench.sqlite3-wal")
    );
    engine.shutdown().await;
    sims.shutdown_background();
}

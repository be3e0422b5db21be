//! The backend's share of push-to-paint (issue 7, benchmark 3): the mockly simulator says
//! messages at a steady rate on loopback; each carries the moment it was pushed. Prints how
//! long until the engine announced it (socket, decode, store) and until its event batch was
//! ready for the page (plus the bridge's batching), as p50/p99/max. The page's own share is
//! measured in the real app by `bash scripts/bench-ui.sh load`.
//!   cargo bench -p parley-core --bench latency
//!   PARLEY_BENCH_RATE=1000 PARLEY_BENCH_MESSAGES=5000 cargo bench -p parley-core --bench latency

use parley_core::account::{MocklySettings, ServiceSettings};
use parley_core::config::AppConfig;
use parley_core::engine::Engine;
use parley_core::event::Event;
use parley_core::event_batch::EventBatches;
use parley_core::secrets::SessionOnlyStore;
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use parley_sim::bots::BOTS;
use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[path = "../tests/support/accounts.rs"]
mod accounts;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Microseconds since `origin`, as the simulator writes them into each message.
fn micros_since(origin: Instant) -> u64 {
    origin.elapsed().as_micros() as u64
}

/// The push time a message's text carries: `latency N at MICROS`.
fn pushed_at(text: &str) -> Option<u64> {
    text.strip_prefix("latency ")?
        .split_once(" at ")?
        .1
        .parse()
        .ok()
}

/// p50, p99 and max of latencies in microseconds, in milliseconds.
fn summary(mut micros: Vec<u64>) -> String {
    micros.sort_unstable();
    let at = |q: f64| {
        let i = ((micros.len() as f64 * q).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} messages)",
        at(0.50),
        at(0.99),
        at(1.0),
        micros.len()
    )
}

#[tokio::main]
async fn main() {
    let rate = env_number("PARLEY_BENCH_RATE", 1000).max(1);
    let count = env_number("PARLEY_BENCH_MESSAGES", 5000) as usize;
    let origin = Instant::now();
    let mockly = MocklySim::start(MocklyConfig {
        bot_reply_chance: 0.0,
        ..MocklyConfig::default()
    })
    .await
    .expect("mockly");
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open(&dir.path().join("bench.sqlite3")).expect("store");
    let engine = Engine::new(
        store,
        None,
        AppConfig::default(),
        Arc::new(SessionOnlyStore::default()),
        Tuning::default(),
    );

    // When the engine announced each message (what every subscriber hears first)…
    let (announced_tx, mut announced) = mpsc::unbounded_channel();
    let mut events = engine.subscribe();
    tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            if let Event::Message(m) = event {
                if let Some(at) = pushed_at(&m.text) {
                    let l = micros_since(origin) - at;
                    if l > 5000 && std::env::var("TAILS").is_ok() {
                        eprintln!("tail {} at {}", l / 1000, at / 1000);
                    }
                    let _ = announced_tx.send(l);
                }
            }
        }
    });
    // …and when its batch was ready for the page.
    let (batched_tx, mut batched) = mpsc::unbounded_channel();
    let mut batches = EventBatches::new(engine.subscribe());
    let drawn = batches.drawn();
    tokio::spawn(async move {
        while let Some(batch) = batches.next().await {
            let now = micros_since(origin);
            for event in &batch {
                let event: serde_json::Value =
                    serde_json::from_str(event.get()).unwrap_or_default();
                if let Some(at) = event["text"].as_str().and_then(pushed_at) {
                    let _ = batched_tx.send(now - at);
                }
            }
            // A page that draws at once (the app's page answers after its frame).
            drawn.drew(1);
        }
    });

    accounts::add(
        &engine,
        ServiceSettings::Mockly(MocklySettings {
            client_id: "bencher".into(),
            endpoint: mockly.endpoint(),
        }),
        None,
        Vec::new(),
    )
    .await;
    while mockly.connected().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let started = tokio::time::Instant::now();
    for i in 0..count {
        let due = started + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due).await;
        mockly.bot_says(BOTS[0], &format!("latency {i} at {}", micros_since(origin)));
    }
    let mut at_engine = Vec::with_capacity(count);
    let mut at_page = Vec::with_capacity(count);
    while at_page.len() < count {
        match tokio::time::timeout(Duration::from_secs(30), batched.recv()).await {
            Ok(Some(latency)) => at_page.push(latency),
            _ => panic!(
                "only {} of {count} messages reached the page",
                at_page.len()
            ),
        }
    }
    while let Ok(latency) = announced.try_recv() {
        at_engine.push(latency);
    }
    println!("Latency at {rate} messages/s (mockly, loopback):");
    println!(
        "  push -> announced by the engine (socket, decode, store): {}",
        summary(at_engine)
    );
    println!(
        "  push -> batch ready for the page (+ the bridge's pacing): {}",
        summary(at_page)
    );
    engine.shutdown().await;
}

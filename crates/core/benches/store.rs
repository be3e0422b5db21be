//! History store at scale (issue 7, benchmark 6): insert 1,000,000 messages through the
//! store's writer thread the way connections do (one job per message, batched into
//! transactions by the store), then time full-text search, "open a room, last 50 messages"
//! and the room list. Prints figures; it is a bench binary, not a test.
//!   cargo bench -p parley-core --bench store
//!   PARLEY_BENCH_MESSAGES=200000 cargo bench -p parley-core --bench store   (quicker)
//!   PARLEY_BENCH_RANDOM_IDS=1 …   (service ids random as Mixin's UUIDs, not in arrival order: each
//!                                 insert then lands on its own page of the de-duplication index)

use parley_core::account::AccountId;
use parley_core::message::{IncomingMessage, MessageKind};
use parley_core::store::{messages, rooms, search, Store};
use std::time::{Duration, Instant};

const ACCOUNTS: usize = 4;
const ROOMS_PER_ACCOUNT: usize = 50;
const IN_FLIGHT: usize = 2048;

/// A vocabulary with a few very common words and a long tail, like chat.
struct Words(Vec<String>);

impl Words {
    fn new(rng: &mut fastrand::Rng) -> Words {
        let common = [
            "the", "usdt", "price", "paid", "ok", "bank", "transfer", "order", "btc", "thanks",
        ];
        let mut words: Vec<String> = common.iter().map(|w| w.to_string()).collect();
        for _ in 0..20_000 {
            let len = rng.usize(3..10);
            words.push((0..len).map(|_| rng.lowercase()).collect());
        }
        Words(words)
    }

    /// Roughly Zipf: low indexes are picked far more often.
    fn pick(&self, rng: &mut fastrand::Rng) -> &str {
        let x = rng.f64();
        &self.0[((x * x * x) * self.0.len() as f64) as usize]
    }

    fn sentence(&self, rng: &mut fastrand::Rng) -> String {
        let n = rng.usize(3..16);
        (0..n).map(|_| self.pick(rng)).collect::<Vec<_>>().join(" ")
    }
}

fn message(i: usize, rng: &mut fastrand::Rng, words: &Words) -> (AccountId, IncomingMessage) {
    let account = AccountId(format!("account-{}", i % ACCOUNTS));
    // One message in 10,000 goes to a quiet room (100 of a million), spread over the history.
    let room = if i.is_multiple_of(10_000) {
        "quiet".to_string()
    } else {
        format!("room-{}", rng.usize(0..ROOMS_PER_ACCOUNT))
    };
    let m = IncomingMessage {
        room,
        service_id: Some(if std::env::var_os("PARLEY_BENCH_RANDOM_IDS").is_some() {
            format!("{:032x}", rng.u128(..))
        } else {
            format!("m{i}")
        }),
        sender_id: format!("user-{}", rng.usize(0..500)),
        sender_name: Some("Trader".into()),
        own: false,
        kind: MessageKind::Text,
        text: words.sentence(rng),
        media: None,
        card: None,
        sender_avatar: None,
        ts_ms: 1_700_000_000_000 + i as i64,
        ts_raw: String::new(),
        quote_id: None,
    };
    (account, m)
}

fn percentiles(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} runs)",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0),
        samples.len()
    )
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let total: usize = std::env::var("PARLEY_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("bench.sqlite3");
    let store = Store::open(&path).expect("store opens");
    let mut rng = fastrand::Rng::with_seed(7);
    let words = Words::new(&mut rng);

    println!("store bench: {total} messages, {ACCOUNTS} accounts x {ROOMS_PER_ACCOUNT} rooms, file in {}", dir.path().display());
    let started = Instant::now();
    let mut waits = Vec::with_capacity(total / 100);
    let mut pending = std::collections::VecDeque::with_capacity(IN_FLIGHT);
    for i in 0..total {
        let (account, m) = message(i, &mut rng, &words);
        let store = store.clone();
        let sent = Instant::now();
        pending.push_back(tokio::spawn(async move {
            store
                .run(move |c| messages::ingest(c, &account, &m))
                .await
                .expect("stored");
            sent.elapsed()
        }));
        if pending.len() >= IN_FLIGHT {
            let latency = pending.pop_front().expect("in flight").await.expect("task");
            if i % 100 == 0 {
                waits.push(latency);
            }
        }
    }
    while let Some(task) = pending.pop_front() {
        task.await.expect("task");
    }
    let elapsed = started.elapsed();
    println!(
        "insert: {:.0} messages/s ({:.1} s for {total}); write latency with {IN_FLIGHT} in flight: {}",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        percentiles(waits)
    );
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "file: {:.0} MB ({:.0} bytes per message)",
        size as f64 / 1e6,
        size as f64 / total as f64
    );

    // Search: common words, rare words, two-word queries and prefixes being typed.
    let queries: Vec<String> = (0..400)
        .map(|n| match n % 4 {
            0 => words.0[rng.usize(0..10)].clone(),
            1 => words.0[rng.usize(10..words.0.len())].clone(),
            2 => format!(
                "{} {}",
                words.0[rng.usize(0..10)],
                words.0[rng.usize(10..2000)]
            ),
            _ => words.0[rng.usize(10..words.0.len())][..3].to_string(),
        })
        .collect();
    let mut samples = Vec::new();
    let mut found = 0;
    for q in &queries {
        let q = q.clone();
        let t = Instant::now();
        found += store
            .run(move |c| search::search(c, &q, None, 50))
            .await
            .expect("search")
            .len();
        samples.push(t.elapsed());
    }
    println!(
        "search everywhere (50 newest hits): {} ; {found} hits",
        percentiles(samples)
    );

    // Typing: every prefix (2 characters on) of the common words, as search-as-you-type asks
    // while a word is being typed (the last word is searched as a prefix).
    let mut by_length: std::collections::BTreeMap<usize, Vec<Duration>> = Default::default();
    for _ in 0..10 {
        for word in &words.0[..10] {
            for n in 2..=word.len() {
                let q = word[..n].to_string();
                let t = Instant::now();
                store
                    .run(move |c| search::search(c, &q, None, 50))
                    .await
                    .expect("search");
                by_length.entry(n.min(5)).or_default().push(t.elapsed());
            }
        }
    }
    let all: Vec<Duration> = by_length.values().flatten().copied().collect();
    println!("search as a common word is typed: {}", percentiles(all));
    for (n, samples) in by_length {
        let plus = if n == 5 { "+" } else { "" };
        println!("  {n}{plus} characters: {}", percentiles(samples));
    }

    let mut samples = Vec::new();
    for n in 0..400 {
        let q = if n % 2 == 0 {
            words.0[rng.usize(0..10)].clone()
        } else {
            words.0[rng.usize(10..words.0.len())].clone()
        };
        let account = AccountId(format!("account-{}", n % ACCOUNTS));
        let room = format!("room-{}", n % ROOMS_PER_ACCOUNT);
        let t = Instant::now();
        store
            .run(move |c| search::search(c, &q, Some((&account, &room)), 50))
            .await
            .expect("search");
        samples.push(t.elapsed());
    }
    println!("search in one room: {}", percentiles(samples));

    // A quiet room (one message in 10,000) searched as a common word is typed: its newest
    // matches lie far behind the newest matches anywhere.
    let mut samples = Vec::new();
    for word in &words.0[..10] {
        for n in 2..=word.len() {
            let q = word[..n].to_string();
            let account = AccountId("account-0".into());
            let t = Instant::now();
            store
                .run(move |c| search::search(c, &q, Some((&account, "quiet")), 50))
                .await
                .expect("search");
            samples.push(t.elapsed());
        }
    }
    println!(
        "search in a quiet room as a word is typed: {}",
        percentiles(samples)
    );

    let mut samples = Vec::new();
    for n in 0..1000 {
        let account = AccountId(format!("account-{}", n % ACCOUNTS));
        let room = format!("room-{}", rng.usize(0..ROOMS_PER_ACCOUNT));
        let t = Instant::now();
        let got = store
            .run(move |c| messages::history(c, &account, &room, None, 50))
            .await
            .expect("history");
        samples.push(t.elapsed());
        assert_eq!(got.len(), 50);
    }
    println!("open room, last 50 messages: {}", percentiles(samples));

    // Opening a room at its first unread message (issue 21): the page asks for the page before
    // the read mark and the page after it, side by side; here one after the other. The mark is
    // anywhere in the room's history.
    let mut samples = Vec::new();
    for n in 0..1000 {
        let account = AccountId(format!("account-{}", n % ACCOUNTS));
        let room = format!("room-{}", rng.usize(0..ROOMS_PER_ACCOUNT));
        let mark = rng.i64(1..total as i64);
        let t = Instant::now();
        let got = store
            .run(move |c| {
                let mut around = messages::history(c, &account, &room, Some(mark + 1), 50)?;
                around.extend(messages::newer(c, &account, &room, mark, 50)?);
                Ok::<_, parley_core::store::StoreError>(around)
            })
            .await
            .expect("history around the read mark");
        samples.push(t.elapsed());
        assert!(!got.is_empty());
    }
    println!(
        "open room at its first unread (50 before the read mark, 50 after; ~{} messages a room): {}",
        total / (ACCOUNTS * ROOMS_PER_ACCOUNT),
        percentiles(samples)
    );

    let mut samples = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        store.run(rooms::list).await.expect("rooms");
        samples.push(t.elapsed());
    }
    println!(
        "room list with unread counts ({} rooms): {}",
        ACCOUNTS * ROOMS_PER_ACCOUNT,
        percentiles(samples)
    );
}

//! `parley-sim`: run a simulator by hand, e.g. to point parley-cli or the app at it.
//!
//! Usage: `parley-sim mockly [--port N] [--seed N] [--demo]`, or `parley-sim scale [--accounts N]`
//! for the benchmarks' scale scenario (the four simulators and N accounts of each service; it
//! prints `scale forms <JSON>`, the settings forms that add the accounts, and runs until its
//! standard input closes).
//!
//! Commands on standard input drive load for benchmarks (each answers `done …` when finished):
//! `flood RATE COUNT` has a bot say COUNT messages at RATE per second, `burst COUNT` all at
//! once. Each text carries the time it was pushed (`sent <ms since the epoch>`), so the page can
//! tell how long a message took to reach the screen.

use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::net::SocketAddr;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("mockly") => {}
        Some("scale") => return scale(&args[1..]).await,
        _ => {
            eprintln!("usage: parley-sim mockly [--port N] [--seed N] [--demo] | parley-sim scale [--accounts N]");
            std::process::exit(2);
        }
    }
    let mut config = MocklyConfig::default();
    let mut demo = false;
    let mut it = args.iter().skip(1);
    while let Some(flag) = it.next() {
        let mut number = |name: &str| -> u64 {
            it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{name} needs a number");
                std::process::exit(2)
            })
        };
        match flag.as_str() {
            "--port" => config.addr = SocketAddr::from(([127, 0, 0, 1], number("--port") as u16)),
            "--seed" => config.seed = number("--seed"),
            "--demo" => demo = true,
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let sim = match MocklySim::start(config.clone()).await {
        Ok(sim) => Arc::new(sim),
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", config.addr);
            std::process::exit(1);
        }
    };
    println!("mockly simulator listening; endpoint {}", sim.endpoint());
    if demo {
        parley_sim::demo_script::spawn(sim.clone(), config.seed);
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = load_commands(sim) => {}
    }
}

/// The scale scenario: serves until standard input closes (or Ctrl+C).
async fn scale(args: &[String]) {
    let per_service = match args {
        [] => 5,
        [flag, n] if flag == "--accounts" => n.parse().unwrap_or_else(|_| {
            eprintln!("--accounts needs a number");
            std::process::exit(2)
        }),
        _ => {
            eprintln!("usage: parley-sim scale [--accounts N]");
            std::process::exit(2);
        }
    };
    let world = match parley_sim::scale::start(per_service).await {
        Ok(world) => world,
        Err(e) => {
            eprintln!("the simulators cannot listen: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "scale forms {}",
        serde_json::Value::from(world.forms.clone())
    );
    let mut stdin = tokio::io::stdin();
    let mut sink = Vec::new();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = tokio::io::AsyncReadExt::read_to_end(&mut stdin, &mut sink) => {}
    }
    drop(world);
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Reads load commands from standard input until it closes (then waits for Ctrl+C).
async fn load_commands(sim: Arc<MocklySim>) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut pushed = 0u64;
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |i: usize| words.get(i).and_then(|w| w.parse::<u64>().ok());
        let bot = parley_sim::bots::BOTS[0];
        match (words.first().copied(), number(1), number(2)) {
            (Some("flood"), Some(rate), Some(count)) if rate > 0 => {
                let start = tokio::time::Instant::now();
                for i in 0..count {
                    let due = start + std::time::Duration::from_secs_f64(i as f64 / rate as f64);
                    tokio::time::sleep_until(due).await;
                    sim.bot_says(bot, &format!("load {pushed} sent {:.3}", now_ms()));
                    pushed += 1;
                }
                println!("done flood {count}");
            }
            (Some("burst"), Some(count), _) => {
                for _ in 0..count {
                    sim.bot_says(bot, &format!("burst {pushed} sent {:.3}", now_ms()));
                    pushed += 1;
                }
                println!("done burst {count}");
            }
            _ => eprintln!("unknown command: {line} (flood RATE COUNT | burst COUNT)"),
        }
    }
    std::future::pending::<()>().await;
}

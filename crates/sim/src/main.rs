//! `parley-sim`: run a simulator by hand, e.g. to point parley-cli or the app at it.
//!
//! Usage: `parley-sim mockly [--port N] [--seed N] [--demo]`

use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::net::SocketAddr;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("mockly") {
        eprintln!("usage: parley-sim mockly [--port N] [--seed N] [--demo]");
        std::process::exit(2);
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
    let _ = tokio::signal::ctrl_c().await;
}

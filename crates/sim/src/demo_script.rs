//! The Demo workspace's life: bots chatting and visitors coming and going in the simulated
//! mockly room, so a new user sees the client work before typing a credential.

use crate::mockly::{MocklySim, BOTS};
use std::sync::Arc;
use std::time::Duration;

const SMALL_TALK: [&str; 8] = [
    "Morning all! Anyone watching EUR/USD today?",
    "This is the Parley demo room: everything here comes from a local simulator.",
    "Try sending a message: it goes out, comes back as an echo, and gets a tick.",
    "Bots answer about a third of the messages, like on mockly.me.",
    "Join and leave notices show up as small lines in the timeline.",
    "The dot next to the account shows the connection state.",
    "Close the app and open it again: the history is still here.",
    "Add your own accounts in Settings when you are ready.",
];

const VISITORS: [&str; 5] = [
    "trader_ines",
    "user_4821",
    "quant_kofi",
    "user_0193",
    "maya_fx",
];

/// Runs until the returned handle is aborted (or the runtime ends).
pub fn spawn(sim: Arc<MocklySim>, seed: u64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut present: Vec<&str> = Vec::new();
        // A lively start: the room fills within a couple of seconds.
        tokio::time::sleep(Duration::from_millis(700)).await;
        sim.visitor_joins(VISITORS[0]);
        present.push(VISITORS[0]);
        for (i, line) in SMALL_TALK.iter().take(3).enumerate() {
            tokio::time::sleep(Duration::from_millis(600)).await;
            sim.bot_says(BOTS[i % BOTS.len()], line);
        }
        loop {
            tokio::time::sleep(Duration::from_millis(rng.u64(4_000..9_000))).await;
            match rng.u8(0..4) {
                0 if present.len() < VISITORS.len() => {
                    let who = VISITORS[rng.usize(..VISITORS.len())];
                    if !present.contains(&who) {
                        present.push(who);
                        sim.visitor_joins(who);
                    }
                }
                1 if !present.is_empty() => {
                    let who = present.remove(rng.usize(..present.len()));
                    sim.visitor_leaves(who);
                }
                _ => {
                    let bot = BOTS[rng.usize(..BOTS.len())];
                    sim.bot_says(bot, SMALL_TALK[rng.usize(..SMALL_TALK.len())]);
                }
            }
        }
    })
}

/// The Demo's P2P order chat: the buyer says hello and sends a payment screenshot; the
/// simulator's `counterparty_replies` answers what the trader writes.
pub fn spawn_p2p(
    sim: Arc<crate::mexc::MexcSim>,
    conversation: i64,
    screenshot_url: String,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        sim.counterparty_says(
            conversation,
            1,
            "Hi! I paid 1,250 EUR for order 1138745987 by bank transfer.",
            "",
        );
        tokio::time::sleep(Duration::from_millis(1200)).await;
        sim.counterparty_says(conversation, 2, "Payment screenshot", &screenshot_url);
    })
}

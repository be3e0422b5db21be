//! The Demo workspace's trading community: a room with history and members who come online,
//! type and talk; EUR/USD, GBP/JPY and XAU/USD ticking; a trade alert, a high-priority
//! notification and a live session. Everything comes from the local Realtime simulator.

use crate::realtime::RealtimeSim;
use std::sync::Arc;
use std::time::Duration;

/// Who and what the Demo community holds; the app signs in as `you`.
pub struct DemoCommunity {
    pub you: String,
    pub trading_room: String,
    pub gold_room: String,
    members: Vec<(String, &'static str)>,
}

const HISTORY: [&str; 12] = [
    "Morning! EUR/USD opened flat after the ECB minutes.",
    "Watching 1.0850 as support on the 4H chart.",
    "GBP/JPY is stretched, I'd wait for a pullback before going long.",
    "Gold above 2,650 again, the trend is intact.",
    "Anyone trading the NFP release on Friday?",
    "I'll be flat before NFP, too much noise.",
    "EUR/USD looking bullish on the 4H chart.",
    "Just entered a long position on EUR/USD at 1.0850.",
    "Stop below 1.0820 for me.",
    "Nice. Target 1.0920?",
    "First target 1.0900, then trail.",
    "Reminder: the live market analysis starts in a few minutes.",
];

const CHATTER: [&str; 8] = [
    "EUR/USD breaking resistance!",
    "Taking partial profits here.",
    "XAU/USD pulling back to the 20 EMA.",
    "Careful, spreads are widening.",
    "GBP/JPY just printed a lower high.",
    "Volume is picking up on the London open.",
    "Moved my stop to break-even.",
    "That candle was a liquidity grab.",
];

const REPLIES: [&str; 4] = [
    "Good call, I see the same setup.",
    "Thanks for sharing! What's your stop?",
    "Agreed, watching it too.",
    "Interesting, I'm flat for now.",
];

/// Creates the Demo community's people and rooms.
pub fn seed(sim: &RealtimeSim) -> DemoCommunity {
    let you = sim.add_user(
        "you@demo.parley",
        "demo-password-not-a-secret",
        "You",
        "(demo)",
    );
    let members: Vec<(String, &'static str)> = [
        ("Maria", "Lopez"),
        ("Kofi", "Mensah"),
        ("Ines", "Duarte"),
        ("Sam", "Okafor"),
    ]
    .iter()
    .map(|(first, last)| {
        let email = format!("{}@demo.parley", first.to_lowercase());
        (sim.add_user(&email, "x", first, last), *first)
    })
    .collect();
    let ids: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
    let trading_room = sim.create_room(
        "EUR/USD Trading Room",
        "Discuss EUR/USD trades and strategies",
        "public",
        &ids[0],
    );
    // Who talks in a room is one of its members (Browse rooms counts them).
    for id in &ids {
        sim.add_member(&trading_room, id);
    }
    sim.seed_history(&trading_room, &ids, &HISTORY, Duration::from_secs(30 * 60));
    let gold_room = sim.create_room(
        "Gold Trading Strategies",
        "Discuss XAU/USD trading",
        "public",
        &ids[1],
    );
    for id in &ids[1..] {
        sim.add_member(&gold_room, id);
    }
    sim.seed_history(
        &gold_room,
        &ids[1..],
        &[
            "Gold respects the 2,600 level every time.",
            "Buying dips until the weekly close says otherwise.",
            "Central bank buying keeps the floor high.",
        ],
        Duration::from_secs(2 * 3600),
    );
    let vip = sim.create_room("VIP Signals", "Members only", "private", &ids[2]);
    sim.seed_history(
        &vip,
        &ids[2..3],
        &["Signals are posted here first."],
        Duration::from_secs(3600),
    );
    DemoCommunity {
        you,
        trading_room,
        gold_room,
        members,
    }
}

/// A random walk with the precision each market quotes.
struct Quote {
    symbol: &'static str,
    open: f64,
    price: f64,
    step: f64,
    decimals: usize,
}

impl Quote {
    fn tick(&mut self, rng: &mut fastrand::Rng, sim: &RealtimeSim) {
        self.price += (rng.f64() - 0.5) * self.step;
        let change = self.price - self.open;
        let percent = change / self.open * 100.0;
        let d = self.decimals;
        sim.price(
            self.symbol,
            &format!("{:.d$}", self.price),
            &format!("{change:.d$}"),
            &format!("{percent:.2}"),
        );
    }
}

/// Runs until the handle is aborted.
pub fn spawn(
    sim: Arc<RealtimeSim>,
    community: DemoCommunity,
    seed: u64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut quotes = [
            Quote {
                symbol: "EUR/USD",
                open: 1.0850,
                price: 1.0875,
                step: 0.0006,
                decimals: 4,
            },
            Quote {
                symbol: "GBP/JPY",
                open: 191.20,
                price: 191.45,
                step: 0.08,
                decimals: 2,
            },
            Quote {
                symbol: "XAU/USD",
                open: 2650.0,
                price: 2655.3,
                step: 1.2,
                decimals: 2,
            },
        ];
        let room = community.trading_room.clone();
        let mut answered = (0usize, 0usize);
        let mut tick: u64 = 0;
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            tick += 1;
            for quote in quotes.iter_mut() {
                quote.tick(&mut rng, &sim);
            }
            let (member, _) = &community.members[rng.usize(..community.members.len())];
            match tick % 40 {
                // No presence snapshot exists on the wire: members say they are online now and then.
                2 => {
                    for (id, _) in &community.members[..3] {
                        sim.set_online(id, true);
                    }
                }
                4 => sim.typing(&room, member, true),
                8 => {
                    sim.typing(&room, member, false);
                    sim.post(&room, member, CHATTER[rng.usize(..CHATTER.len())]);
                }
                12 if tick < 40 => sim.trade_alert("EUR/USD", "buy", "1.0850"),
                20 if tick < 40 => sim.notify(
                    &community.you,
                    "Price alert: XAU/USD",
                    "Gold crossed 2,655.00",
                    "high",
                ),
                24 if tick < 40 => sim.session_started(
                    "session_789",
                    "Live Market Analysis",
                    &community.members[0].0,
                ),
                30 => sim.set_online(&community.members[3].0, tick % 80 < 40),
                _ => {}
            }
            if tick == 160 {
                sim.session_ended("session_789", "Live Market Analysis");
            }
            // Someone answers what the user says (in either public room), after a moment of typing.
            for (r, seen) in [
                (&community.trading_room, &mut answered.0),
                (&community.gold_room, &mut answered.1),
            ] {
                let yours = sim
                    .messages(r)
                    .iter()
                    .filter(|m| m.user_id == community.you)
                    .count();
                if yours <= *seen {
                    continue;
                }
                *seen = yours;
                let (who, _) = community.members[rng.usize(..community.members.len())].clone();
                sim.typing(r, &who, true);
                tokio::time::sleep(Duration::from_millis(900)).await;
                sim.typing(r, &who, false);
                sim.post(r, &who, REPLIES[rng.usize(..REPLIES.len())]);
            }
        }
    })
}

//! The Demo workspace's Mixin bot: a user who sends a text, a chart image and a sticker while
//! the app is closed (they arrive through the pending list), answers the bot's replies, and a
//! second burst that arrives while the bot is "offline" (the Blaze host down for a moment). The
//! bot and the user keep their ids from run to run, so their conversation is history like any
//! other; the first message and the outage play only in the run that first stores it.

use crate::mixin::MixinSim;
use std::sync::Arc;
use std::time::Duration;

const CHART: &[u8] = include_bytes!("../assets/chart.png");
const CHART_THUMB: &[u8] = include_bytes!("../assets/chart-thumb.jpg");
const STICKER: &[u8] = include_bytes!("../assets/sticker.png");

/// The Demo bot and its user.
pub struct DemoBot {
    /// The keystore the app imports (current format).
    pub keystore: String,
    pub bot: String,
    pub user: String,
    /// Whether this run greets a conversation not stored yet: only then does the user write
    /// first, and the short outage play (each run would add its messages to the history kept).
    pub first_run: bool,
}

const ANSWERS: [&str; 3] = [
    "Great, thanks! I'll send the USDT now.",
    "Perfect. Sending the payment proof in a minute.",
    "Got it 👍",
];

/// The Demo bot's and its user's ids, the same in every run: their conversation's id follows
/// from them, so what the user wrote to Ava in the Demo is still there after a restart.
pub const BOT_ID: &str = "5e1c4f0a-0d3b-4c6e-9a77-0b7e0d5c0a01";
pub const USER_ID: &str = "a7a7a7a7-1d2e-4f30-8b41-5c6d7e8f9a02";

/// The conversation between the Demo bot and Ava.
pub fn conversation_id() -> String {
    crate::mixin::contact_conversation_id(BOT_ID, USER_ID)
}

/// Creates the bot and, for a first run (`greet`), queues what the user wrote before the app
/// started; a later run finds that conversation already stored and is not greeted again.
pub fn seed(sim: &MixinSim, greet: bool) -> DemoBot {
    let keystore = sim.add_bot_with_id("OTC Desk Bot (demo)", BOT_ID);
    let (bot, user) = (BOT_ID.to_owned(), USER_ID.to_owned());
    sim.add_user_with_id("Ava Trader", &user);
    if !greet {
        // The conversation Parley kept from an earlier run is one the bot may write in.
        sim.add_contact_conversation(&bot, &user);
        return DemoBot {
            keystore,
            bot,
            user,
            first_run: false,
        };
    }
    sim.user_says(
        &bot,
        &user,
        "Hi! Is the OTC desk open? I'd like to buy 5,000 USDT.",
    );
    sim.user_sends_image(
        &bot,
        &user,
        CHART,
        CHART_THUMB,
        "Here's the rate I saw on the chart",
    );
    sim.user_sends_sticker(&bot, &user, STICKER);
    DemoBot {
        keystore,
        bot,
        user,
        first_run: true,
    }
}

/// Answers the bot's replies, and on a first run plays a short outage once, with messages
/// arriving meanwhile.
pub fn spawn(sim: Arc<MixinSim>, demo: DemoBot) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut answered = 0;
        let mut outage_done = !demo.first_run;
        let started = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let replies = sim.sent_by(&demo.bot).len();
            while answered < replies {
                tokio::time::sleep(Duration::from_millis(900)).await;
                sim.user_says(&demo.bot, &demo.user, ANSWERS[answered % ANSWERS.len()]);
                answered += 1;
            }
            if !outage_done && started.elapsed() > Duration::from_secs(20) {
                outage_done = true;
                sim.go_down();
                sim.drop_connections();
                for text in [
                    "Are you there?",
                    "Payment sent, 5,000 USDT at 1.002.",
                    "Please confirm when received.",
                ] {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    sim.user_says(&demo.bot, &demo.user, text);
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
                if let Err(e) = sim.come_back().await {
                    tracing::warn!(error = %e, "demo Mixin server could not come back");
                }
            }
        }
    })
}

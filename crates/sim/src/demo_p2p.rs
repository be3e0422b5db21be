//! The Demo's P2P desk: four orders in the states a merchant juggles, each with its chat. The
//! first is the scripted buyer who paid and sends a screenshot (the seller must release); one
//! must be paid within minutes (Parley warns before it times out); one is in dispute; one is
//! done (it goes to the Orders view's archive).

use crate::mexc::{Counterparty, MexcSim, SimOrder};
use std::sync::Arc;
use std::time::Duration;

/// One Demo order: its number and the conversation MEXC maps it to.
#[derive(Debug, Clone, Copy)]
pub struct DemoOrder {
    pub order_no: &'static str,
    pub conversation: i64,
}

/// The scripted buyer's order (it keeps the number and conversation the Demo always had).
pub const PAID: DemoOrder = DemoOrder {
    order_no: "1138745987",
    conversation: 1001,
};
const DUE_SOON: DemoOrder = DemoOrder {
    order_no: "1138746120",
    conversation: 1002,
};
const DISPUTED: DemoOrder = DemoOrder {
    order_no: "1138746333",
    conversation: 1003,
};
const DONE: DemoOrder = DemoOrder {
    order_no: "1138741002",
    conversation: 1004,
};

const MINUTE_MS: i64 = 60_000;

/// Puts the orders and their counterparties into the simulator, deadlines counted from
/// `now_ms`; returns them in the order the sidebar lists them first.
pub fn seed(sim: &MexcSim, now_ms: i64) -> Vec<DemoOrder> {
    let order =
        |o: DemoOrder, side: &str, coin: &str, quantity: &str, price: &str, total: &str| SimOrder {
            order_no: o.order_no.into(),
            side: side.into(),
            coin: coin.into(),
            quantity: quantity.into(),
            price: price.into(),
            fiat_total: total.into(),
            fiat: "EUR".into(),
            payment_method: "SEPA bank transfer".into(),
            counterparty: String::new(),
            state: String::new(),
            pay_deadline_ms: now_ms + 15 * MINUTE_MS,
            appeal_from_ms: now_ms + 30 * MINUTE_MS,
            created_ms: now_ms - 10 * MINUTE_MS,
            updated_ms: now_ms - 5 * MINUTE_MS,
        };
    let orders = [
        (
            PAID,
            "Buyer (demo)",
            SimOrder {
                state: "PAID".into(),
                appeal_from_ms: now_ms + 14 * MINUTE_MS,
                ..order(PAID, "SELL", "USDT", "1344.08", "0.93", "1250.00")
            },
        ),
        (
            DUE_SOON,
            "QuickSeller",
            SimOrder {
                state: "NOT_PAID".into(),
                pay_deadline_ms: now_ms + 4 * MINUTE_MS + 30_000,
                payment_method: "SEPA instant".into(),
                ..order(DUE_SOON, "BUY", "USDT", "250", "0.93", "232.50")
            },
        ),
        (
            DISPUTED,
            "slow_payer",
            SimOrder {
                state: "IN_APPEAL".into(),
                ..order(DISPUTED, "SELL", "BTC", "0.015", "92000", "1380.00")
            },
        ),
        (
            DONE,
            "Marta P2P",
            SimOrder {
                state: "DONE".into(),
                created_ms: now_ms - 26 * 60 * MINUTE_MS,
                updated_ms: now_ms - 25 * 60 * MINUTE_MS,
                ..order(DONE, "BUY", "USDT", "500", "0.93", "465.00")
            },
        ),
    ];
    for (o, name, details) in orders.iter().cloned() {
        sim.put_order(
            SimOrder {
                counterparty: name.into(),
                ..details
            },
            o.conversation,
        );
        sim.add_conversation(
            o.conversation,
            Counterparty {
                user_id: format!("demo_{}", o.conversation),
                nick_name: name.into(),
            },
        );
    }
    orders.iter().map(|(o, _, _)| *o).collect()
}

/// The other orders' counterparties write a line each once the chats are open.
pub fn spawn_chatter(sim: Arc<MexcSim>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(3000)).await;
        let lines = [
            (DUE_SOON, "Please pay to the IBAN in the order, reference 1138746120. The order closes in a few minutes."),
            (DISPUTED, "I opened an appeal: my bank says the transfer is on its way."),
            (DONE, "Released, thanks! Pleasure trading with you."),
        ];
        for (order, text) in lines {
            sim.counterparty_says(order.conversation, 1, text, "");
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
    })
}

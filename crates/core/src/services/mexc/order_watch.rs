//! The order watcher of a MEXC API-key account: reads each order chat's order with the signed
//! "P2P Account Read" detail call into the engine's order book, names the chat after it ("Sell
//! 1,000 USDT · bob") and tells the page. It reads again on a cadence that quickens as a
//! deadline nears, and soon after the counterparty writes, since a message often comes with a
//! state change ("I paid"). It never blocks the chat: a failure is shown on the order, and a key
//! without the permission is said once, for settings, and asked again much later.

use super::rest::{MexcRest, RestError};
use crate::account_id::AccountId;
use crate::event::Event;
use crate::orders::turn::{deadline, SOON_MS};
use crate::orders::{OrderBook, OrderEntry, OrderView};
use crate::store::{rooms, Store};
use futures_util::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio::time::{sleep_until, Instant};

/// Read again this soon after the counterparty writes (several messages in a row read once).
const AFTER_A_MESSAGE: Duration = Duration::from_secs(2);
/// A finished order rarely changes again (an appeal after completion): read it seldom.
const FINISHED_EVERY: Duration = Duration::from_secs(600);
/// After a refusal for good (no permission, a bad signature), ask again this much later.
const AFTER_REFUSAL: Duration = Duration::from_secs(600);
/// Why an account has no order details, for settings and the order panel.
pub(crate) const NO_PERMISSION: &str = "the API key lacks the \"P2P Account Read\" permission: the chats work, but Parley cannot show their orders. Add the permission to the key on MEXC, or replace the key in the account's Edit";

/// An order chat to watch: its room and its order number.
pub(crate) struct WatchedChat {
    pub room: String,
    pub order_no: String,
}

/// What the watcher shares with the engine.
pub(crate) struct WatchContext {
    pub account: AccountId,
    pub store: Store,
    pub events: broadcast::Sender<Event>,
    pub orders: OrderBook,
    /// How often a live order is read (quartered while its deadline is near).
    pub every: Duration,
}

pub(crate) struct OrderWatch {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl OrderWatch {
    pub(crate) fn stop(self) -> BoxFuture<'static, ()> {
        let _ = self.stop.send(true);
        let task = self.task;
        Box::pin(async move {
            let _ = task.await;
        })
    }
}

/// Starts watching `chats`; `None` when none has an order number to read.
pub(crate) fn spawn(
    rest: MexcRest,
    chats: Vec<WatchedChat>,
    cx: WatchContext,
) -> Option<OrderWatch> {
    if chats.is_empty() {
        return None;
    }
    let rooms: Vec<String> = chats.iter().map(|c| c.room.clone()).collect();
    cx.orders.retain_rooms(&cx.account, &rooms);
    let (stop, stopped) = watch::channel(false);
    let events = cx.events.subscribe();
    let watcher = Watcher {
        rest: Arc::new(rest),
        chats,
        cx,
    };
    let task = tokio::spawn(watcher.run(stopped, events));
    Some(OrderWatch { stop, task })
}

struct Watcher {
    rest: Arc<MexcRest>,
    chats: Vec<WatchedChat>,
    cx: WatchContext,
}

impl Watcher {
    async fn run(self, mut stopped: watch::Receiver<bool>, mut events: broadcast::Receiver<Event>) {
        let mut due: HashMap<String, Instant> = self
            .chats
            .iter()
            .map(|c| (c.room.clone(), Instant::now()))
            .collect();
        loop {
            let now = Instant::now();
            for chat in &self.chats {
                if due.get(&chat.room).is_some_and(|at| *at <= now) {
                    let next = self.read(chat).await;
                    due.insert(chat.room.clone(), Instant::now() + next);
                }
            }
            let next = due.values().min().copied().unwrap_or(now + FINISHED_EVERY);
            tokio::select! {
                _ = stopped.changed() => return,
                _ = sleep_until(next) => {}
                event = events.recv() => match event {
                    Ok(Event::Message(m)) if m.account == self.cx.account && !m.own => {
                        if let Some(at) = due.get_mut(&m.room) {
                            *at = (*at).min(Instant::now() + AFTER_A_MESSAGE);
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                    _ => {}
                },
            }
        }
    }

    /// Reads one order, records what changed and says when to read it again.
    async fn read(&self, chat: &WatchedChat) -> Duration {
        let read = read_order(&self.rest, &self.cx, &chat.room, &chat.order_no).await;
        match read {
            Ok(entry) => {
                let live = entry.details.as_ref().is_some_and(|d| d.status.is_live());
                let near = entry
                    .details
                    .as_ref()
                    .and_then(deadline)
                    .is_some_and(|d| d.at_ms - crate::timestamp::now_ms() < 2 * SOON_MS);
                match (live, near) {
                    (false, _) => FINISHED_EVERY,
                    (true, true) => self.cx.every / 4,
                    (true, false) => self.cx.every,
                }
            }
            Err(e) if is_refusal_for_good(&e) => AFTER_REFUSAL,
            Err(_) => self.cx.every,
        }
    }
}

/// Whether retrying soon cannot help: no permission, a refused key or signature.
fn is_refusal_for_good(e: &RestError) -> bool {
    e.is_permanent() || e.is_auth()
}

fn is_missing_permission(e: &RestError) -> bool {
    e.status() == Some(403) || e.refusal().and_then(|r| r.code) == Some(700007)
}

/// Reads one order chat's order now and records it: the order book, the chat's title, the
/// page. A failure is recorded on the order (its last details kept) and returned.
pub(crate) async fn read_order(
    rest: &MexcRest,
    cx: &WatchContext,
    room: &str,
    order_no: &str,
) -> Result<OrderEntry, RestError> {
    let known = cx.orders.get(&cx.account, room);
    let fetched = rest.order_detail(order_no).await;
    let entry = match &fetched {
        Ok(details) => OrderEntry {
            account: cx.account.clone(),
            room: room.to_owned(),
            order_no: order_no.to_owned(),
            details: Some(details.clone()),
            fetched_ms: Some(crate::timestamp::now_ms()),
            error: None,
        },
        Err(e) => OrderEntry {
            account: cx.account.clone(),
            room: room.to_owned(),
            order_no: order_no.to_owned(),
            error: Some(if is_missing_permission(e) {
                NO_PERMISSION.to_owned()
            } else {
                format!("the order could not be read: {e}")
            }),
            ..known.unwrap_or(OrderEntry {
                account: cx.account.clone(),
                room: room.to_owned(),
                order_no: order_no.to_owned(),
                details: None,
                fetched_ms: None,
                error: None,
            })
        },
    };
    let unavailable = match &fetched {
        Err(e) if is_missing_permission(e) => Some(NO_PERMISSION.to_owned()),
        _ => None,
    };
    if cx.orders.set_unavailable(&cx.account, unavailable.clone()) {
        let _ = cx.events.send(Event::OrdersUnavailable {
            account: cx.account.clone(),
            reason: unavailable,
        });
    }
    let view = OrderView::from(entry.clone());
    let title = view.title.clone();
    if cx.orders.put(entry.clone()) {
        let _ = cx.events.send(Event::Order(Box::new(view)));
    }
    // Also when the order is unchanged: a restarted account lists its chats by number again.
    if let Some(title) = title {
        rename(cx, room, &title).await;
    }
    fetched.map(|_| entry)
}

/// Names the chat after its order, if it is not so named already.
async fn rename(cx: &WatchContext, room: &str, title: &str) {
    let (account, room_id, new) = (cx.account.clone(), room.to_owned(), title.to_owned());
    let renamed = cx
        .store
        .run(move |c| {
            if rooms::title(c, &account, &room_id)? == new {
                return Ok(false);
            }
            rooms::upsert(c, &account, &room_id, &new)?;
            Ok(true)
        })
        .await;
    match renamed {
        Ok(true) => {
            let _ = cx.events.send(Event::RoomTitle {
                account: cx.account.clone(),
                room: room.to_owned(),
                title: title.to_owned(),
            });
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not rename an order chat"),
    }
}

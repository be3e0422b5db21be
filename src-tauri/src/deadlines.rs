//! Orders about to time out: when the user must act on a P2P order (pay, or release the coin)
//! and its deadline is within five minutes, a desktop notification says so once per deadline,
//! and the notifications panel keeps it with a link to the chat. Muted accounts and rooms, and
//! paused notifications, stay silent as for messages.

use parley_core::live::{Alert, AlertKind};
use parley_core::notify_policy::MessageNotice;
use parley_core::orders::turn::{DeadlineKind, DeadlineWarnings};
use parley_core::orders::OrderView;
use parley_core::Engine;
use std::sync::Arc;
use std::time::Duration;
use tauri::AppHandle;

/// How often deadlines are looked at (the warning window is five minutes).
const EVERY: Duration = Duration::from_secs(15);

pub fn watch(app: AppHandle, engine: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        let mut warned = DeadlineWarnings::default();
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let prefs = engine.notification_prefs();
            let now = chrono::Utc::now().timestamp_millis();
            for view in engine.order_views() {
                let Some(details) = &view.entry.details else {
                    continue;
                };
                let key = format!("{}\0{}", view.entry.account.0, view.entry.room);
                if !warned.due(&key, details, now) {
                    continue;
                }
                if prefs.paused
                    || prefs.account_muted(&view.entry.account)
                    || prefs.room_muted(&view.entry.account, &view.entry.room)
                {
                    continue;
                }
                let notice = warning(&view, now);
                engine.record_alert(
                    &view.entry.account,
                    Alert {
                        kind: AlertKind::Notification,
                        id: Some(view.entry.order_no.clone()),
                        title: notice.title.clone(),
                        body: notice.body.clone(),
                        priority: Some("high".into()),
                        ts_ms: now,
                        room: Some(view.entry.room.clone()),
                        local_id: None,
                    },
                );
                crate::notifier::show(&app, notice);
            }
        }
    });
}

/// "Order 1001: pay within 4 min" and what to do.
fn warning(view: &OrderView, now_ms: i64) -> MessageNotice {
    let minutes = view
        .deadline
        .map_or(0, |d| ((d.at_ms - now_ms).max(0) + 59_999) / 60_000);
    let name = view
        .title
        .clone()
        .unwrap_or_else(|| format!("Order {}", view.entry.order_no));
    let (title, body) = match view.deadline.map(|d| d.kind) {
        Some(DeadlineKind::AppealOpens) => (
            format!("Release within {minutes} min: {name}"),
            "The buyer has paid and may open a dispute soon: check the payment and release the coin."
                .to_owned(),
        ),
        _ => (
            format!("Pay within {minutes} min: {name}"),
            "The order times out if it is not paid and marked as paid in time.".to_owned(),
        ),
    };
    MessageNotice {
        title,
        body,
        account: view.entry.account.clone(),
        room: view.entry.room.clone(),
    }
}

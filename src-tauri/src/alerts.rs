//! The notifications panel's backlog and desktop notifications for high-priority alerts. Both
//! are decided here in Rust from the engine's events, so they work with the window hidden and
//! survive a page reload.

use parley_core::account::AccountId;
use parley_core::event::Event;
use parley_core::live::Alert;
use parley_core::notify_policy::RoomThrottle;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::{error::RecvError, Receiver};

/// Alerts kept for the panel; older ones drop off.
const KEEP: usize = 200;

#[derive(Debug, Clone, Serialize)]
pub struct AlertEntry {
    pub account: AccountId,
    #[serde(flatten)]
    pub alert: Alert,
}

#[derive(Default, Clone)]
pub struct AlertLog(Arc<Mutex<VecDeque<AlertEntry>>>);

impl AlertLog {
    fn push(&self, entry: AlertEntry) {
        let mut log = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == KEEP {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Empties the panel (its *Clear all*).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Newest last.
    pub fn all(&self) -> Vec<AlertEntry> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

/// High-priority alerts of one account notify at most once per this interval, as a room's
/// messages do: a server sending a flood of them must not flood the desktop.
const PER_ACCOUNT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// Records every alert and shows the high-priority ones on the desktop.
pub fn watch(app: AppHandle, mut events: Receiver<Event>, log: AlertLog) {
    tauri::async_runtime::spawn(async move {
        let mut throttle = RoomThrottle::new(PER_ACCOUNT_INTERVAL);
        loop {
            match events.recv().await {
                Ok(Event::Alert { account, alert }) => {
                    if goes_to_the_desktop(&mut throttle, &account, &alert, Instant::now()) {
                        notify(&app, &alert);
                    }
                    log.push(AlertEntry {
                        account,
                        alert: *alert,
                    });
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Whether an alert is shown on the desktop: high priority, and the first of its account
/// within [`PER_ACCOUNT_INTERVAL`].
fn goes_to_the_desktop(
    throttle: &mut RoomThrottle,
    account: &AccountId,
    alert: &Alert,
    now: Instant,
) -> bool {
    alert.is_high_priority() && throttle.allow(account, "alerts", now)
}

fn notify(app: &AppHandle, alert: &Alert) {
    let shown = app
        .notification()
        .builder()
        .title(crate::notifier::escape_markup(&alert.title))
        .body(crate::notifier::escape_markup(&alert.body))
        .show();
    if let Err(e) = shown {
        // No notification daemon (a headless session): the panel still has it.
        tracing::info!(error = %e, "desktop notification not shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::live::AlertKind;

    fn alert(priority: &str) -> Alert {
        Alert {
            kind: AlertKind::Notification,
            id: None,
            title: "Margin call".into(),
            body: "!".into(),
            priority: Some(priority.into()),
            ts_ms: 0,
            room: None,
            local_id: None,
        }
    }

    #[test]
    fn a_flood_of_high_priority_alerts_notifies_once_per_account_per_interval() {
        let mut throttle = RoomThrottle::new(PER_ACCOUNT_INTERVAL);
        let (a, b) = (AccountId("a".into()), AccountId("b".into()));
        let start = Instant::now();
        let shown = (0..100)
            .filter(|_| goes_to_the_desktop(&mut throttle, &a, &alert("high"), start))
            .count();
        assert_eq!(shown, 1, "a hundred alerts at once notify once");
        assert!(
            goes_to_the_desktop(&mut throttle, &b, &alert("high"), start),
            "another account has its own"
        );
        assert!(!goes_to_the_desktop(
            &mut throttle,
            &a,
            &alert("high"),
            start + PER_ACCOUNT_INTERVAL / 2
        ));
        assert!(goes_to_the_desktop(
            &mut throttle,
            &a,
            &alert("high"),
            start + PER_ACCOUNT_INTERVAL
        ));
        let later = start + PER_ACCOUNT_INTERVAL * 3;
        assert!(
            !goes_to_the_desktop(&mut throttle, &b, &alert("low"), later),
            "low priority stays in the panel"
        );
    }
}

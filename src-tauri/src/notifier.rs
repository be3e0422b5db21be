//! Desktop notifications for new messages, decided in Rust from the engine's events (so they
//! work with the window hidden) by `parley_core::notify_policy`: muted accounts and rooms, the
//! "hide message text" setting, and the room on screen in a focused window stay silent. A room
//! notifies at most once per 30 s (`RoomThrottle`, which also bounds how many rooms it
//! remembers), and at most three rooms within 10 s, the rest said in one summary
//! (`BurstLimit`), so a busy room or a backlog across many rooms does not flood the desktop.

use parley_core::account::AccountId;
use parley_core::engine::Engine;
use parley_core::event::Event;
use parley_core::notify_policy::{
    notice, room_notifies, should_notify, BurstLimit, Focus, MessageNotice, RoomThrottle,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::{error::RecvError, Receiver};

/// What the user is looking at, updated by the page (open room) and the window (focus).
#[derive(Clone, Default)]
pub struct FocusTracker(Arc<Mutex<Focus>>);

impl FocusTracker {
    pub fn update(&self, change: impl FnOnce(&mut Focus)) {
        change(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn get(&self) -> Focus {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A busy room (or a backlog arriving after start) notifies at most once per this interval.
const PER_ROOM_INTERVAL: Duration = Duration::from_secs(30);

pub fn watch(
    app: AppHandle,
    engine: Arc<Engine>,
    mut events: Receiver<Event>,
    focus: FocusTracker,
) {
    tauri::async_runtime::spawn(async move {
        let mut throttle = RoomThrottle::new(PER_ROOM_INTERVAL);
        let mut burst = BurstLimit::default();
        loop {
            let summary_due = burst.summary_due();
            let event = tokio::select! {
                event = events.recv() => event,
                _ = sleep_until(summary_due) => {
                    // Decided again now: notifications paused, a room muted or opened in a
                    // focused window since it was held back, stay silent.
                    let (prefs, on_screen) = (engine.notification_prefs(), focus.get());
                    let still = |account: &AccountId, room: &str| room_notifies(account, room, &prefs, &on_screen);
                    // One room: its own notification; more: one summary. (Each message they
                    // stand for is in the panel already.)
                    if let Some(notice) = burst.take_summary(Instant::now(), still) {
                        show(&app, notice);
                    }
                    continue;
                }
            };
            match event {
                Ok(Event::Message(message)) => {
                    let prefs = engine.notification_prefs();
                    if !should_notify(&message, &prefs, &focus.get()) {
                        continue;
                    }
                    let now = Instant::now();
                    if !throttle.allow(&message.account, &message.room, now) {
                        continue;
                    }
                    // The room's title is read only for a notification that says it.
                    let title = if prefs.hide_text {
                        String::new()
                    } else {
                        engine
                            .room_title(&message.account, &message.room)
                            .await
                            .unwrap_or_else(|_| message.room.clone())
                    };
                    let notice = notice(&message, &title, &prefs);
                    // Every message that notifies is in the notifications panel, shown now or
                    // said in a burst's summary.
                    engine.record_notified(&message, &notice.title, &notice.body);
                    if burst.allow(&notice, now) {
                        show(&app, notice);
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Sleeps until `at`, or for ever without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Notifications whose click is waited for at once; each holds a blocking thread until it is
/// closed. Past this many, a notification is shown without a click action.
const MAX_WAITING: usize = 8;

static WAITING: WaitSlots = WaitSlots::new(MAX_WAITING);

/// Counts the notifications holding a thread while they wait for their click.
struct WaitSlots {
    taken: AtomicUsize,
    max: usize,
}

/// A notification's right to wait for its click, given back when dropped.
struct WaitSlot<'a>(&'a WaitSlots);

impl WaitSlots {
    const fn new(max: usize) -> Self {
        WaitSlots {
            taken: AtomicUsize::new(0),
            max,
        }
    }

    /// A slot, or `None` when [`WaitSlots::max`] notifications already wait.
    fn take(&self) -> Option<WaitSlot<'_>> {
        self.taken
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| WaitSlot(self))
    }
}

impl Drop for WaitSlot<'_> {
    fn drop(&mut self) {
        self.0.taken.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Text for a notification: daemons that read markup in the body (most do) must show a peer's
/// `<b>` or `&amp;` as written, not render it.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shows the notification; a click on it brings the window up with the message's room open.
/// The wait for the click blocks, so it runs on a blocking thread and ends when the
/// notification is closed; at most [`MAX_WAITING`] wait at once.
pub(crate) fn show(app: &AppHandle, notice: MessageNotice) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut notification = notify_rust::Notification::new();
        notification
            .appname("Parley")
            .summary(&escape_markup(&notice.title))
            .body(&escape_markup(&notice.body))
            .icon("parley");
        let slot = WAITING.take();
        if slot.is_some() {
            notification.action("default", "Open");
        }
        match notification.show() {
            Ok(handle) if slot.is_some() => handle.wait_for_action(|action| {
                if action == "default" {
                    open_room(&app, &notice.account.0, &notice.room);
                }
            }),
            Ok(_) => {}
            // No notification daemon (a headless session): nothing else to do.
            Err(e) => tracing::info!(error = %e, "desktop notification not shown"),
        }
        drop(slot);
    });
}

/// Brings the window up and tells the page to open `room`.
fn open_room(app: &AppHandle, account: &str, room: &str) {
    crate::tray::show_window(app);
    if let Some(state) = app.try_state::<crate::startup::AppState>() {
        let page = state.page.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let event = serde_json::json!({"event": "open_room", "account": account, "room": room});
        if let (Some(page), Ok(event)) = (page, serde_json::value::to_raw_value(&event)) {
            let _ = page.send(vec![event]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_markup, WaitSlots};

    #[test]
    fn at_most_eight_notifications_hold_a_thread_waiting_for_their_click() {
        let slots = WaitSlots::new(8);
        let held: Vec<_> = (0..8).map(|_| slots.take()).collect();
        assert!(held.iter().all(Option::is_some));
        assert!(slots.take().is_none(), "the ninth is shown without waiting");
        drop(held);
        assert!(
            slots.take().is_some(),
            "a closed notification gives its slot back"
        );
    }

    #[test]
    fn peer_text_reaches_the_daemon_as_text_not_markup() {
        assert_eq!(
            escape_markup(r#"<b>PAID</b> & <a href="x">'release'</a>"#),
            "&lt;b&gt;PAID&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;&#39;release&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_markup("plain 1,000 USDT"), "plain 1,000 USDT");
    }
}

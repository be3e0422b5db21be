//! The window is created hidden (`tauri.conf.json`) and shown once the page has drawn its first
//! screen. WebKitGTK paints a window as soon as it is mapped, and when its web process has not
//! set up the page yet, that paint blocks the UI thread for up to 500 ms waiting for the page's
//! first update, while the page cannot start loading because the UI thread is blocked. In most
//! launches that wait was most of start-up (strace: the main thread in a 500 ms timed wait just
//! after the window was mapped; start to cached rooms ~1.1 s instead of ~0.6 s, measured by
//! `bash scripts/bench-ui.sh startup`). A window that appears already drawn also never flashes
//! empty.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// How long a page that never says it is ready (a script error) keeps the window hidden.
pub const FALLBACK: Duration = Duration::from_secs(3);

/// Whether the window still has to be shown for the first time.
pub struct Reveal {
    pending: AtomicBool,
}

impl Reveal {
    /// `show`: false when Parley starts hidden in the tray (launched at login).
    pub fn new(show: bool) -> Self {
        Self {
            pending: AtomicBool::new(show),
        }
    }

    /// Whether to show the window now: true once, and never after [`Reveal::settle`].
    fn take(&self) -> bool {
        self.pending.swap(false, Ordering::SeqCst)
    }

    fn settle(&self) {
        self.pending.store(false, Ordering::SeqCst);
    }
}

/// Shows the window if that is still pending (the page drew its first screen, or the fallback
/// ran out); later calls do nothing. Returns whether it showed the window.
pub fn reveal(app: &AppHandle) -> bool {
    let shown = app.try_state::<Reveal>().is_some_and(|r| r.take());
    if shown {
        crate::tray::show_window(app);
    }
    shown
}

/// The user hid the window before it was first shown: keep it hidden.
pub fn settle(app: &AppHandle) {
    if let Some(reveal) = app.try_state::<Reveal>() {
        reveal.settle();
    }
}

/// Shows the window after [`FALLBACK`] if the page has not done it by then.
pub fn reveal_later(app: AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(FALLBACK);
        if reveal(&app) {
            tracing::warn!(
                after = ?FALLBACK,
                "the page did not report its first screen; showed the window anyway"
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_shown_once_and_never_after_the_user_hid_it() {
        let reveal = Reveal::new(true);
        assert!(reveal.take(), "the page's first screen shows it");
        assert!(!reveal.take(), "the fallback later does nothing");

        let hidden_first = Reveal::new(true);
        hidden_first.settle();
        assert!(
            !hidden_first.take(),
            "hidden from the tray before it showed: stays hidden"
        );

        assert!(!Reveal::new(false).take(), "started hidden in the tray");
    }
}

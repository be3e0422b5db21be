//! Whether a new message becomes a desktop notification, and what it says. Decided in Rust from
//! the engine's events (so it works with the window hidden), from the user's preferences (muted
//! accounts and rooms, "hide message text") and what is on screen (the focused window's room).

use crate::account::AccountId;
use crate::message::{MessageKind, StoredMessage};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Longest notification body; longer texts are cut with an ellipsis.
const MAX_BODY_CHARS: usize = 200;

/// The user's notification preferences, kept in the config file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationPrefs {
    #[serde(default)]
    pub muted_accounts: Vec<AccountId>,
    #[serde(default)]
    pub muted_rooms: Vec<RoomRef>,
    /// Say only "New message", never who wrote what (for shared screens).
    #[serde(default)]
    pub hide_text: bool,
    /// Every notification is off (the tray menu's "Mute notifications").
    #[serde(default)]
    pub paused: bool,
    /// Rooms where a new message plays a sound though their account's rooms do not by default.
    #[serde(default)]
    pub sound_rooms: Vec<RoomRef>,
    /// Rooms kept silent though their account's rooms play a sound by default (order chats).
    #[serde(default)]
    pub silent_rooms: Vec<RoomRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomRef {
    pub account: AccountId,
    pub room: String,
}

impl NotificationPrefs {
    pub fn room_muted(&self, account: &AccountId, room: &str) -> bool {
        self.muted_rooms
            .iter()
            .any(|r| &r.account == account && r.room == room)
    }

    pub fn account_muted(&self, account: &AccountId) -> bool {
        self.muted_accounts.contains(account)
    }

    /// Chooses whether a new message in the room plays a sound; `by_default` is what the
    /// room's account does without a choice (order chats: on), which needs no entry.
    pub fn set_sound(&mut self, account: &AccountId, room: &str, on: bool, by_default: bool) {
        let this = |r: &RoomRef| &r.account == account && r.room == room;
        self.sound_rooms.retain(|r| !this(r));
        self.silent_rooms.retain(|r| !this(r));
        let entry = RoomRef {
            account: account.clone(),
            room: room.to_owned(),
        };
        match (on, by_default) {
            (true, false) => self.sound_rooms.push(entry),
            (false, true) => self.silent_rooms.push(entry),
            _ => {}
        }
    }

    /// Mutes or unmutes one room (`Some`) or a whole account (`None`).
    pub fn set_muted(&mut self, account: &AccountId, room: Option<&str>, muted: bool) {
        match room {
            Some(room) => {
                self.muted_rooms
                    .retain(|r| !(&r.account == account && r.room == room));
                if muted {
                    self.muted_rooms.push(RoomRef {
                        account: account.clone(),
                        room: room.to_owned(),
                    });
                }
            }
            None => {
                self.muted_accounts.retain(|a| a != account);
                if muted {
                    self.muted_accounts.push(account.clone());
                }
            }
        }
    }
}

/// What the user is looking at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Focus {
    /// The window is shown and has the keyboard focus.
    pub window_focused: bool,
    /// The room open in the window.
    pub open_room: Option<RoomRef>,
}

/// A desktop notification for a message; a click opens `account`/`room`.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageNotice {
    pub title: String,
    pub body: String,
    pub account: AccountId,
    pub room: String,
}

/// Whether `message` notifies at all: own messages, notices, muted accounts or rooms, paused
/// notifications and the room already on screen stay silent.
pub fn should_notify(message: &StoredMessage, prefs: &NotificationPrefs, focus: &Focus) -> bool {
    if message.own || message.kind == MessageKind::System {
        return false;
    }
    room_notifies(&message.account, &message.room, prefs, focus)
}

/// Whether a new message in `room` may notify now: not with notifications paused, the account
/// or the room muted, or the room on screen in a focused window.
pub fn room_notifies(
    account: &AccountId,
    room: &str,
    prefs: &NotificationPrefs,
    focus: &Focus,
) -> bool {
    if prefs.paused || prefs.account_muted(account) || prefs.room_muted(account, room) {
        return false;
    }
    let on_screen = focus.window_focused
        && focus
            .open_room
            .as_ref()
            .is_some_and(|r| &r.account == account && r.room == room);
    !on_screen
}

/// What the notification for `message` says (in a room titled `room_title`; unused when the
/// text is hidden).
pub fn notice(
    message: &StoredMessage,
    room_title: &str,
    prefs: &NotificationPrefs,
) -> MessageNotice {
    let (title, body) = if prefs.hide_text {
        ("Parley".to_owned(), "New message".to_owned())
    } else {
        let sender = message.sender_name.as_deref().unwrap_or(&message.sender_id);
        // A one-to-one conversation is named after the other person: once is enough.
        let title = if sender == room_title {
            sender.to_owned()
        } else {
            format!("{sender} · {room_title}")
        };
        (title, preview(message))
    };
    MessageNotice {
        title,
        body,
        account: message.account.clone(),
        room: message.room.clone(),
    }
}

/// The notification for `message`, or `None` when it should stay silent ([`should_notify`]).
pub fn decide(
    message: &StoredMessage,
    room_title: &str,
    prefs: &NotificationPrefs,
    focus: &Focus,
) -> Option<MessageNotice> {
    should_notify(message, prefs, focus).then(|| notice(message, room_title, prefs))
}

/// The unread count the tray shows: unread messages of every room that is not muted.
pub fn badge_count(rooms: &[crate::store::RoomSummary], prefs: &NotificationPrefs) -> u32 {
    rooms
        .iter()
        .filter(|r| !prefs.account_muted(&r.account) && !prefs.room_muted(&r.account, &r.room))
        .map(|r| r.unread)
        .sum()
}

/// The text of a message as a notification shows it.
fn preview(message: &StoredMessage) -> String {
    let text = match (message.kind, message.text.trim()) {
        (MessageKind::Text | MessageKind::Post, t) => t.to_owned(),
        (kind, "") => format!("[{}]", kind.as_str()),
        (kind, t) => format!("[{}] {t}", kind.as_str()),
    };
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_BODY_CHARS {
        let cut: String = one_line.chars().take(MAX_BODY_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// A room notifies at most once per interval, so a busy room or a backlog does not flood the
/// desktop. The rooms come from servers, so what is remembered is bounded: a room last shown
/// more than an interval ago no longer matters and is forgotten once the map is full, and at
/// most [`MAX_THROTTLED_ROOMS`] rooms notify within one interval (more stay silent until the
/// older ones expire). Pure: the caller passes the time.
#[derive(Debug)]
pub struct RoomThrottle {
    interval: Duration,
    last_shown: HashMap<(AccountId, String), Instant>,
}

/// Most rooms that notify within one interval; each notification shown also holds a thread
/// until it is closed, so this bounds those too.
pub const MAX_THROTTLED_ROOMS: usize = 1024;

impl RoomThrottle {
    pub fn new(interval: Duration) -> RoomThrottle {
        RoomThrottle {
            interval,
            last_shown: HashMap::new(),
        }
    }

    /// Whether a message in `room` may notify `now`; if so, the room's interval starts.
    pub fn allow(&mut self, account: &AccountId, room: &str, now: Instant) -> bool {
        let recent = |at: &Instant| now.saturating_duration_since(*at) < self.interval;
        let key = (account.clone(), room.to_owned());
        match self.last_shown.get(&key) {
            Some(at) if recent(at) => return false,
            Some(_) => {}
            None if self.last_shown.len() >= MAX_THROTTLED_ROOMS => {
                self.last_shown.retain(|_, at| recent(at));
                if self.last_shown.len() >= MAX_THROTTLED_ROOMS {
                    return false;
                }
            }
            None => {}
        }
        self.last_shown.insert(key, now);
        true
    }

    /// How many rooms are remembered.
    pub fn remembered(&self) -> usize {
        self.last_shown.len()
    }
}

/// Across rooms, at most [`BurstLimit::MAX`] notifications within [`BurstLimit::WINDOW`]: a bot
/// added with 27 conversations waiting, or an account back after a night offline, showed one
/// notification per room at once. What is held back is said in one notification when the window
/// ends ("New messages in 24 more rooms"). Pure: the caller passes the time.
#[derive(Debug, Default)]
pub struct BurstLimit {
    shown: std::collections::VecDeque<Instant>,
    /// The latest notification of each room held back since the last summary (bounded like
    /// [`RoomThrottle`]), and which room was held last.
    held: HashMap<(AccountId, String), MessageNotice>,
    last_held: Option<(AccountId, String)>,
    held_since: Option<Instant>,
}

impl BurstLimit {
    pub const MAX: usize = 3;
    pub const WINDOW: Duration = Duration::from_secs(10);

    /// Whether `notice` may show `now`; if not, it is held for the summary.
    pub fn allow(&mut self, notice: &MessageNotice, now: Instant) -> bool {
        while self
            .shown
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= Self::WINDOW)
        {
            self.shown.pop_front();
        }
        if self.shown.len() < Self::MAX && self.held.is_empty() {
            self.shown.push_back(now);
            return true;
        }
        let key = (notice.account.clone(), notice.room.clone());
        if self.held.len() < MAX_THROTTLED_ROOMS || self.held.contains_key(&key) {
            self.held.insert(key.clone(), notice.clone());
        }
        self.last_held = Some(key);
        self.held_since.get_or_insert(now);
        false
    }

    /// When the summary of what is held back is due.
    pub fn summary_due(&self) -> Option<Instant> {
        self.held_since.map(|since| since + Self::WINDOW)
    }

    /// What to show once the summary is due, of the rooms held back that `still` says should
    /// notify now (notifications paused, a room muted or opened meanwhile: left out): one
    /// room's own notification, or "New messages in N more rooms", whose click opens the last
    /// one held. The window starts again with it. `None` when not due, or no room is left.
    pub fn take_summary(
        &mut self,
        now: Instant,
        still: impl Fn(&AccountId, &str) -> bool,
    ) -> Option<MessageNotice> {
        if self.summary_due().is_none_or(|due| now < due) {
            return None;
        }
        self.held_since = None;
        let mut held: HashMap<(AccountId, String), MessageNotice> = self
            .held
            .drain()
            .filter(|((account, room), _)| still(account, room))
            .collect();
        let last = self
            .last_held
            .take()
            .filter(|key| held.contains_key(key))
            .or_else(|| held.keys().next().cloned())?;
        self.shown.clear();
        self.shown.push_back(now);
        let rooms = held.len();
        let own = held.remove(&last)?;
        Some(if rooms == 1 {
            own
        } else {
            MessageNotice {
                title: "Parley".into(),
                body: format!("New messages in {rooms} more rooms"),
                account: last.0,
                room: last.1,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(account: &str, room: &str, text: &str) -> StoredMessage {
        StoredMessage {
            room: room.into(),
            service_id: Some("m1".into()),
            sender_id: "u1".into(),
            sender_name: Some("Ava Trader".into()),
            text: text.into(),
            ..StoredMessage::received_for_test(account)
        }
    }

    fn room(account: &str, room: &str) -> RoomRef {
        RoomRef {
            account: AccountId(account.into()),
            room: room.into(),
        }
    }

    #[test]
    fn a_message_in_another_room_names_sender_room_and_text() {
        let focus = Focus {
            window_focused: true,
            open_room: Some(room("a", "other")),
        };
        let notice = decide(
            &message("a", "r", "Payment\n sent"),
            "Order 42",
            &NotificationPrefs::default(),
            &focus,
        )
        .unwrap();
        assert_eq!(notice.title, "Ava Trader · Order 42");
        assert_eq!(notice.body, "Payment sent");
        assert_eq!(
            (notice.account.0.as_str(), notice.room.as_str()),
            ("a", "r")
        );
    }

    #[test]
    fn the_open_room_of_a_focused_window_stays_silent_but_not_when_the_window_is_hidden() {
        let mut focus = Focus {
            window_focused: true,
            open_room: Some(room("a", "r")),
        };
        let prefs = NotificationPrefs::default();
        assert!(decide(&message("a", "r", "hi"), "R", &prefs, &focus).is_none());
        focus.window_focused = false;
        assert!(decide(&message("a", "r", "hi"), "R", &prefs, &focus).is_some());
    }

    #[test]
    fn a_sound_choice_is_kept_only_where_it_differs_from_the_default() {
        let a = AccountId("a".into());
        let mut prefs = NotificationPrefs::default();
        prefs.set_sound(&a, "order", false, true);
        prefs.set_sound(&a, "bot", true, false);
        assert_eq!(prefs.silent_rooms.len(), 1);
        assert_eq!(prefs.sound_rooms.len(), 1);
        prefs.set_sound(&a, "order", true, true);
        prefs.set_sound(&a, "bot", false, false);
        assert_eq!(prefs, NotificationPrefs::default(), "back to the defaults");
    }

    #[test]
    fn muted_rooms_and_accounts_own_messages_and_notices_stay_silent() {
        let focus = Focus::default();
        let mut prefs = NotificationPrefs::default();
        prefs.set_muted(&AccountId("a".into()), Some("r"), true);
        assert!(decide(&message("a", "r", "hi"), "R", &prefs, &focus).is_none());
        assert!(decide(&message("a", "s", "hi"), "S", &prefs, &focus).is_some());
        prefs.set_muted(&AccountId("a".into()), Some("r"), false);
        prefs.set_muted(&AccountId("a".into()), None, true);
        assert!(decide(&message("a", "s", "hi"), "S", &prefs, &focus).is_none());
        prefs.set_muted(&AccountId("a".into()), None, false);
        assert_eq!(
            prefs,
            NotificationPrefs::default(),
            "unmuting leaves nothing behind"
        );
        let mut own = message("a", "r", "mine");
        own.own = true;
        assert!(decide(&own, "R", &prefs, &focus).is_none());
        let mut notice = message("a", "r", "joined");
        notice.kind = MessageKind::System;
        assert!(decide(&notice, "R", &prefs, &focus).is_none());
    }

    #[test]
    fn paused_notifications_stay_silent_and_muted_rooms_leave_the_badge() {
        let prefs = NotificationPrefs {
            paused: true,
            ..NotificationPrefs::default()
        };
        assert!(decide(&message("a", "r", "hi"), "R", &prefs, &Focus::default()).is_none());
        let summary = |room: &str, unread| crate::store::RoomSummary {
            account: AccountId("a".into()),
            room: room.into(),
            title: room.into(),
            unread,
            last_text: None,
            last_ts_ms: None,
            last_sender: None,
            last_own: false,
            last_kind: None,
            last_read_local_id: 0,
        };
        let rooms = [summary("r", 3), summary("s", 2)];
        let mut prefs = NotificationPrefs::default();
        assert_eq!(badge_count(&rooms, &prefs), 5);
        prefs.set_muted(&AccountId("a".into()), Some("s"), true);
        assert_eq!(badge_count(&rooms, &prefs), 3);
    }

    #[test]
    fn hidden_text_says_only_new_message() {
        let prefs = NotificationPrefs {
            hide_text: true,
            ..NotificationPrefs::default()
        };
        let notice = decide(
            &message("a", "r", "my card number"),
            "R",
            &prefs,
            &Focus::default(),
        )
        .unwrap();
        assert_eq!(
            (notice.title.as_str(), notice.body.as_str()),
            ("Parley", "New message")
        );
    }

    #[test]
    fn media_are_labelled_and_long_texts_cut() {
        let mut image = message("a", "r", "chart");
        image.kind = MessageKind::Image;
        let prefs = NotificationPrefs::default();
        assert_eq!(
            decide(&image, "R", &prefs, &Focus::default()).unwrap().body,
            "[image] chart"
        );
        let long = decide(
            &message("a", "r", &"x".repeat(500)),
            "R",
            &prefs,
            &Focus::default(),
        )
        .unwrap();
        assert_eq!(long.body.chars().count(), MAX_BODY_CHARS);
        assert!(long.body.ends_with('…'));
    }

    #[test]
    fn a_room_notifies_once_per_interval() {
        let t0 = Instant::now();
        let mut throttle = RoomThrottle::new(Duration::from_secs(30));
        let account = AccountId("a".into());
        assert!(throttle.allow(&account, "r", t0));
        assert!(!throttle.allow(&account, "r", t0 + Duration::from_secs(29)));
        assert!(throttle.allow(&account, "other", t0 + Duration::from_secs(29)));
        assert!(throttle.allow(&account, "r", t0 + Duration::from_secs(30)));
    }

    #[test]
    fn rooms_made_up_by_a_server_are_remembered_in_bounded_numbers() {
        let t0 = Instant::now();
        let interval = Duration::from_secs(30);
        let mut throttle = RoomThrottle::new(interval);
        let account = AccountId("a".into());
        let shown = (0..MAX_THROTTLED_ROOMS + 100)
            .filter(|n| throttle.allow(&account, &format!("room {n}"), t0))
            .count();
        assert_eq!(
            shown, MAX_THROTTLED_ROOMS,
            "the rest stay silent within the interval"
        );
        assert_eq!(throttle.remembered(), MAX_THROTTLED_ROOMS);
        // Once the interval has passed, the old rooms are forgotten to make room for new ones.
        let later = t0 + interval;
        assert!(throttle.allow(&account, "a new room", later));
        assert_eq!(throttle.remembered(), 1);
    }

    #[test]
    fn a_burst_across_rooms_shows_three_then_one_summary() {
        let t0 = Instant::now();
        let mut burst = BurstLimit::default();
        let said = |room: &str| MessageNotice {
            title: format!("Ava · {room}"),
            body: "Hi".into(),
            account: AccountId("mixin-1".into()),
            room: room.into(),
        };
        let shown = (0..27)
            .filter(|n| burst.allow(&said(&format!("conversation {n}")), t0))
            .count();
        assert_eq!(shown, BurstLimit::MAX, "the first three show");
        assert_eq!(burst.summary_due(), Some(t0 + BurstLimit::WINDOW));
        let all = |_: &AccountId, _: &str| true;
        assert_eq!(burst.take_summary(t0 + Duration::from_secs(9), all), None);
        let summary = burst
            .take_summary(t0 + BurstLimit::WINDOW, all)
            .expect("one summary");
        assert_eq!(summary.body, "New messages in 24 more rooms");
        assert_eq!(
            summary.room, "conversation 26",
            "a click opens the last one"
        );
        assert_eq!(
            burst.take_summary(t0 + BurstLimit::WINDOW, all),
            None,
            "once"
        );
        // The summary counts as one shown: two more fit in the next window, then held again.
        let later = t0 + BurstLimit::WINDOW + Duration::from_secs(1);
        assert!(burst.allow(&said("a"), later));
        assert!(burst.allow(&said("b"), later));
        assert!(!burst.allow(&said("c"), later));
        // One room held back: its own notification, not a summary.
        let own = burst
            .take_summary(later + BurstLimit::WINDOW, all)
            .expect("due");
        assert_eq!(own, said("c"));
        // A quiet spell: notifications show again one by one.
        let quiet = later + BurstLimit::WINDOW * 3;
        assert!(burst.allow(&said("d"), quiet));
    }

    #[test]
    fn a_summary_leaves_out_rooms_muted_meanwhile_and_none_comes_when_none_is_left() {
        let t0 = Instant::now();
        let mut burst = BurstLimit::default();
        let said = |room: String| MessageNotice {
            title: "Ava".into(),
            body: "Hi".into(),
            account: AccountId("mixin-1".into()),
            room,
        };
        for n in 0..7 {
            burst.allow(&said(format!("c{n}")), t0);
        }
        let due = t0 + BurstLimit::WINDOW;
        let summary = burst
            .take_summary(due, |_, room| room != "c6" && room != "c5")
            .expect("the rooms still to tell");
        assert_eq!(summary.body, "New messages in 2 more rooms");
        assert_ne!(summary.room, "c6", "not a room muted meanwhile");
        for n in 0..6 {
            burst.allow(&said(format!("d{n}")), due);
        }
        assert_eq!(
            burst.take_summary(due + BurstLimit::WINDOW, |_, _| false),
            None,
            "paused meanwhile: no summary"
        );
    }

    #[test]
    fn a_conversation_named_after_its_person_names_them_once() {
        let prefs = NotificationPrefs::default();
        let m = message("mixin-1", "c-1", "Hi");
        assert_eq!(notice(&m, "Ava Trader", &prefs).title, "Ava Trader");
        assert_eq!(
            notice(&m, "OTC group", &prefs).title,
            "Ava Trader · OTC group"
        );
    }
}

//! The user's notification preferences (muted accounts and rooms, hidden text), kept in the
//! config file, and what a notification needs to name a room.

use super::{Engine, EngineError};
use crate::account::AccountId;
use crate::notify_policy::NotificationPrefs;
use crate::store::rooms;

impl Engine {
    pub fn notification_prefs(&self) -> NotificationPrefs {
        self.config().notifications
    }

    /// Mutes or unmutes one room (`Some`) or a whole account (`None`).
    pub fn set_muted(
        &self,
        account: &AccountId,
        room: Option<&str>,
        muted: bool,
    ) -> Result<NotificationPrefs, EngineError> {
        self.running_account(account)?;
        self.update_config(|c| c.notifications.set_muted(account, room, muted))?;
        Ok(self.notification_prefs())
    }

    /// Chooses whether a new message in the room plays a sound in the window.
    pub fn set_room_sound(
        &self,
        account: &AccountId,
        room: &str,
        on: bool,
    ) -> Result<NotificationPrefs, EngineError> {
        let by_default = self
            .running_account(account)?
            .settings
            .service()
            .capabilities()
            .order_chats;
        self.update_config(|c| c.notifications.set_sound(account, room, on, by_default))?;
        Ok(self.notification_prefs())
    }

    /// Puts something the desktop shell noticed (an order about to time out) into the
    /// notifications panel.
    pub fn record_alert(&self, account: &AccountId, alert: crate::live::Alert) {
        self.publish(crate::event::Event::Alert {
            account: account.clone(),
            alert: Box::new(alert),
        });
    }

    /// Puts a message that was shown as a desktop notification into the notifications panel,
    /// with the words the notification used, so the entry opens the message later.
    pub fn record_notified(
        &self,
        message: &crate::message::StoredMessage,
        title: &str,
        body: &str,
    ) {
        self.publish(crate::event::Event::Alert {
            account: message.account.clone(),
            alert: Box::new(crate::live::Alert {
                kind: crate::live::AlertKind::Message,
                id: message.service_id.clone(),
                title: title.to_owned(),
                body: body.to_owned(),
                priority: None,
                ts_ms: message.ts_ms,
                room: Some(message.room.clone()),
                local_id: Some(message.local_id),
            }),
        });
    }

    /// Whether notifications say only "New message".
    pub fn set_hide_text(&self, hide: bool) -> Result<NotificationPrefs, EngineError> {
        self.update_config(|c| c.notifications.hide_text = hide)?;
        Ok(self.notification_prefs())
    }

    /// Turns every notification off or on (the tray's "Mute notifications").
    pub fn set_notifications_paused(&self, paused: bool) -> Result<NotificationPrefs, EngineError> {
        self.update_config(|c| c.notifications.paused = paused)?;
        Ok(self.notification_prefs())
    }

    /// The unread count for the tray: every room of a running account that is not muted.
    pub async fn badge_count(&self) -> Result<u32, EngineError> {
        Ok(crate::notify_policy::badge_count(
            &self.rooms().await?,
            &self.notification_prefs(),
        ))
    }

    /// The title the sidebar shows for a room (its id when it has none).
    pub async fn room_title(&self, account: &AccountId, room: &str) -> Result<String, EngineError> {
        let (account, room) = (account.clone(), room.to_owned());
        Ok(self
            .store
            .run(move |c| rooms::title(c, &account, &room))
            .await?)
    }
}

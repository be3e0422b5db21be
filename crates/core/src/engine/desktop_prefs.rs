//! How the window behaves on the desktop (close to tray, start at login, start hidden) and
//! whether each account's media load by themselves, kept in the config file.

use super::{Engine, EngineError};
use crate::config::DesktopPrefs;

impl Engine {
    pub fn desktop_prefs(&self) -> DesktopPrefs {
        self.config().desktop
    }

    pub fn set_desktop_prefs(&self, prefs: DesktopPrefs) -> Result<DesktopPrefs, EngineError> {
        self.update_config(|c| c.desktop = prefs)?;
        Ok(self.desktop_prefs())
    }

    /// Whether an account's media load by themselves is the user's choice; see [`auto_media_of`].
    pub fn set_auto_media(
        &self,
        account: &crate::account::AccountId,
        auto: bool,
    ) -> Result<(), EngineError> {
        self.running_account(account)?;
        self.update_config(|c| {
            c.auto_media.insert(account.clone(), auto);
        })
    }
}

/// Whether an account's media load by themselves: the user's choice, else on for the Demo
/// (loopback) and off for real accounts (loading tells the media's host who is looking).
pub(super) fn auto_media_of(
    choices: &std::collections::BTreeMap<crate::account::AccountId, bool>,
    account: &crate::account::Account,
) -> bool {
    choices.get(&account.id).copied().unwrap_or(account.demo)
}

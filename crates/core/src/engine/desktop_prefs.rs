//! How the window behaves on the desktop (close to tray, start at login, start hidden), kept
//! in the config file so the shell reads it at start.

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
}

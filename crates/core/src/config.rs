//! The config file: accounts and preferences, never a secret. Written atomically (temp file
//! and rename) so a crash mid-write cannot leave half a file.

use crate::account::Account;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppConfig {
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The user removed the Demo workspace; do not start it again.
    #[serde(default)]
    pub demo_dismissed: bool,
    /// Muted accounts and rooms, and whether notifications hide the text.
    #[serde(default)]
    pub notifications: crate::notify_policy::NotificationPrefs,
    /// How the window behaves on the desktop (tray, start at login).
    #[serde(default)]
    pub desktop: DesktopPrefs,
    /// Per account: whether media (images, video, stickers) load by themselves. Loading one
    /// tells its host the user's address, so for real accounts it is the user's choice; the
    /// Demo's media come from loopback and load by themselves.
    #[serde(default)]
    pub auto_media: std::collections::BTreeMap<crate::account::AccountId, bool>,
    /// Saved replies the composer offers, in the user's order.
    #[serde(default)]
    pub templates: Vec<crate::engine::ReplyTemplate>,
}

/// Desktop behaviour the user chooses in Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesktopPrefs {
    /// Closing the window keeps Parley running in the tray (otherwise it quits).
    #[serde(default = "yes")]
    pub close_to_tray: bool,
    /// Start when the user logs in.
    #[serde(default)]
    pub start_at_login: bool,
    /// When started at login, stay in the tray instead of opening the window.
    #[serde(default)]
    pub start_hidden: bool,
}

fn yes() -> bool {
    true
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs {
            close_to_tray: true,
            start_at_login: false,
            start_hidden: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid Parley config: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub config: AppConfig,
    /// Set when the file was unreadable: it was moved here, untouched, and a fresh config used.
    pub set_aside: Option<(PathBuf, String)>,
}

pub struct ConfigFile {
    path: PathBuf,
}

impl ConfigFile {
    pub fn new(path: PathBuf) -> Self {
        ConfigFile { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the config; a missing file is an empty config. A file that does not parse is
    /// renamed aside (never deleted or overwritten) and an empty config is returned, so the
    /// app still starts and the user's file can be repaired by hand.
    pub fn load(&self) -> Result<Loaded, ConfigError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    config: AppConfig::default(),
                    set_aside: None,
                })
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: self.path.display().to_string(),
                    source,
                })
            }
        };
        match serde_json::from_str(&text) {
            Ok(config) => Ok(Loaded {
                config,
                set_aside: None,
            }),
            Err(e) => {
                let aside = self.path.with_extension(format!(
                    "json.unreadable-{}",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S")
                ));
                std::fs::rename(&self.path, &aside).map_err(|source| ConfigError::Write {
                    path: aside.display().to_string(),
                    source,
                })?;
                let why = ConfigError::Parse {
                    path: self.path.display().to_string(),
                    source: e,
                }
                .to_string();
                Ok(Loaded {
                    config: AppConfig::default(),
                    set_aside: Some((aside, why)),
                })
            }
        }
    }

    /// Writes the config; demo accounts are left out (they belong to this run only).
    pub fn save(&self, config: &AppConfig) -> Result<(), ConfigError> {
        let err = |source| ConfigError::Write {
            path: self.path.display().to_string(),
            source,
        };
        let mut persisted = config.clone();
        persisted.accounts.retain(|a| !a.demo);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let text =
            serde_json::to_string_pretty(&persisted).map_err(|e| err(std::io::Error::other(e)))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AccountId, MocklySettings, ServiceSettings};

    fn account(demo: bool) -> Account {
        Account {
            id: AccountId(if demo { "demo" } else { "real" }.into()),
            display_name: "me".into(),
            settings: ServiceSettings::Mockly(MocklySettings {
                client_id: "me".into(),
                endpoint: MocklySettings::default_endpoint(),
            }),
            demo,
        }
    }

    #[test]
    fn saved_accounts_load_back_without_the_demo_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = ConfigFile::new(dir.path().join("config.json"));
        let config = AppConfig {
            accounts: vec![account(false), account(true)],
            demo_dismissed: true,
            notifications: Default::default(),
            desktop: Default::default(),
            auto_media: Default::default(),
            templates: Vec::new(),
        };
        file.save(&config).unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.config.accounts, vec![account(false)]);
        assert!(loaded.config.demo_dismissed);
    }

    #[test]
    fn a_missing_file_is_an_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = ConfigFile::new(dir.path().join("none.json"))
            .load()
            .unwrap();
        assert_eq!(loaded.config, AppConfig::default());
    }

    #[test]
    fn an_unreadable_file_is_kept_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{ this is not json").unwrap();
        let loaded = ConfigFile::new(path.clone()).load().unwrap();
        let (aside, why) = loaded.set_aside.expect("should be set aside");
        assert_eq!(
            std::fs::read_to_string(aside).unwrap(),
            "{ this is not json"
        );
        assert!(why.contains("not a valid Parley config"), "{why}");
        assert!(!path.exists());
    }
}

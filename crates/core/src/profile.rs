//! Where a profile keeps its files. `--profile DIR` puts everything in DIR, so several
//! profiles (and tests) run side by side without touching the user's own.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub config_file: PathBuf,
    pub store_file: PathBuf,
    pub logs_dir: PathBuf,
    /// Media fetched for the page, content-addressed (see [`crate::media`]).
    pub media_dir: PathBuf,
    /// Keeps this profile's keyring entries apart from other profiles'.
    pub keyring_namespace: String,
}

impl Profile {
    /// Everything under one folder.
    pub fn in_dir(dir: &Path) -> Profile {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        Profile {
            config_file: dir.join("config.json"),
            store_file: dir.join("parley.sqlite3"),
            logs_dir: dir.join("logs"),
            media_dir: dir.join("media"),
            keyring_namespace: format!("profile:{}", dir.display()),
        }
    }

    /// The platform's config dir for the config, its data dir for the store and logs
    /// (on Linux `~/.config/parley` and `~/.local/share/parley`).
    pub fn platform_default() -> Profile {
        let home = dirs::home_dir().unwrap_or_else(|| PathBuf::from("."));
        let config = dirs::config_dir()
            .unwrap_or_else(|| home.join(".config"))
            .join("parley");
        let data = dirs::data_dir()
            .unwrap_or_else(|| home.join(".local/share"))
            .join("parley");
        Profile {
            config_file: config.join("config.json"),
            store_file: data.join("parley.sqlite3"),
            logs_dir: data.join("logs"),
            media_dir: dirs::cache_dir()
                .unwrap_or_else(|| home.join(".cache"))
                .join("parley/media"),
            keyring_namespace: "default".into(),
        }
    }

    pub fn from_arg(dir: Option<&Path>) -> Profile {
        dir.map(Profile::in_dir)
            .unwrap_or_else(Profile::platform_default)
    }
}

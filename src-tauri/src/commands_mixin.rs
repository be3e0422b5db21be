//! The commands of Mixin bots: checking a keystore before it is added (the settings screen
//! shows the bot's name), and opening a card's link in the system browser. Arguments are
//! checked here as if the page were hostile.

use crate::error::{CommandError, CommandResult};
use parley_core::account::MixinSettings;
use parley_core::engine::NewAccount;
use parley_core::secret::Secret;
use parley_core::services::mixin::account::{check_keystore, ImportedBot};
use serde::Deserialize;

/// Keystores are small JSON files (an RSA one is about 2 KB).
const MAX_KEYSTORE: usize = 16 * 1024;
const MAX_URL: usize = 2048;

/// What the settings screen sends for a Mixin bot.
#[derive(Deserialize)]
pub struct MixinRequest {
    pub keystore: String,
    #[serde(default)]
    pub blaze_url: Option<String>,
    #[serde(default)]
    pub api_base: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

impl MixinRequest {
    fn settings(&self) -> CommandResult<MixinSettings> {
        let endpoint = |value: &Option<String>, default: &str| -> CommandResult<String> {
            let v = value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(default);
            if v.len() > MAX_URL || v.chars().any(char::is_control) {
                return Err(CommandError("invalid endpoint".into()));
            }
            Ok(v.to_owned())
        };
        Ok(MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: endpoint(&self.blaze_url, MixinSettings::DEFAULT_BLAZE_URL)?,
            api_base: endpoint(&self.api_base, MixinSettings::DEFAULT_API_BASE)?,
        })
    }

    fn keystore(&self) -> CommandResult<Secret> {
        let k = self.keystore.trim();
        if k.is_empty() {
            return Err(CommandError(
                "paste the bot's keystore or choose its file".into(),
            ));
        }
        if k.len() > MAX_KEYSTORE {
            return Err(CommandError(
                "that file is too large to be a keystore".into(),
            ));
        }
        Ok(Secret::new(k))
    }

    /// The account to add; the engine checks the keystore with `GET /me` before saving.
    pub fn into_new_account(self) -> CommandResult<NewAccount> {
        Ok(NewAccount {
            settings: parley_core::account::ServiceSettings::Mixin(self.settings()?),
            secret: Some(self.keystore()?),
            display_name: self
                .display_name
                .filter(|n| !n.trim().is_empty() && n.len() <= 200),
            order_numbers: Vec::new(),
        })
    }
}

/// Reads the keystore and asks Mixin who it belongs to; nothing is saved.
#[tauri::command]
pub async fn check_mixin_keystore(request: MixinRequest) -> CommandResult<ImportedBot> {
    let mut settings = request.settings()?;
    check_keystore(&mut settings, &request.keystore()?)
        .await
        .map_err(CommandError)
}

/// Opens an http(s) link from a message (a card's button) in the system browser.
#[tauri::command]
pub async fn open_link(app: tauri::AppHandle, url: String) -> CommandResult<()> {
    let parsed = url::Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && url.len() <= MAX_URL)
        .ok_or_else(|| CommandError("only http:// and https:// links are opened".into()))?;
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| CommandError(format!("the browser could not be opened: {e}")))
}

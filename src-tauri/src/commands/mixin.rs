//! The commands of Mixin bots: checking a keystore before it is added (the settings screen
//! shows the bot's name), and opening a card's link in the system browser.

use crate::error::{CommandError, CommandResult};
use parley_core::services::mixin::account::ImportedBot;
use parley_core::services::mixin::MixinForm;

const MAX_URL: usize = 2048;

/// Reads the keystore and asks Mixin who it belongs to; nothing is saved.
#[tauri::command]
pub async fn check_mixin_keystore(request: MixinForm) -> CommandResult<ImportedBot> {
    Ok(request.check().await?)
}

/// Opens an http(s) link from a message (a card's button) in the system browser.
#[tauri::command]
pub async fn open_link(app: tauri::AppHandle, url: String) -> CommandResult<()> {
    let parsed = url::Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && url.len() <= MAX_URL)
        .ok_or_else(|| CommandError::invalid("only http:// and https:// links are opened"))?;
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| CommandError::internal(format!("the browser could not be opened: {e}")))
}

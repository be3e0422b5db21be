//! Importing a Mixin bot: the keystore must parse (any generation), and `GET /me` signed with
//! it must answer with the same bot, before anything is saved. The settings keep the bot's id
//! and name; the keystore itself goes to the keyring untouched.

use crate::account::MixinSettings;
use crate::secret::Secret;
use crate::services::mixin::keystore::Keystore;
use crate::services::mixin::rest::MixinRest;

/// Who a checked keystore belongs to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportedBot {
    pub bot_id: String,
    pub bot_name: String,
    /// RS512 or EdDSA.
    pub algorithm: &'static str,
}

/// Checks `keystore` against the service at `settings`' endpoints; on success fills the
/// settings' bot id and name.
pub async fn check_keystore(
    settings: &mut MixinSettings,
    keystore: &Secret,
) -> Result<ImportedBot, String> {
    let parsed = Keystore::parse(keystore.expose()).map_err(|e| e.to_string())?;
    crate::wire::ws_url(&settings.blaze_url).map_err(|e| e.to_string())?;
    let algorithm = parsed.algorithm();
    let bot_id = parsed.user_id.clone();
    let rest = MixinRest::new(settings, parsed).map_err(|e| e.to_string())?;
    let me = rest.me().await.map_err(|e| e.explain())?;
    if me.user_id != bot_id {
        return Err(format!(
            "Mixin says this keystore belongs to {}, not to {bot_id}",
            me.user_id
        ));
    }
    settings.bot_id = bot_id.clone();
    settings.bot_name = me.full_name.clone();
    Ok(ImportedBot {
        bot_id,
        bot_name: me.full_name,
        algorithm,
    })
}

//! Importing a Mixin bot: the keystore must parse (any generation), and `GET /me` signed with
//! it must answer with the same bot, before anything is saved. The settings keep the bot's id
//! and name; the keystore itself goes to the keyring untouched.

use super::MixinSettings;
use crate::engine::{EngineError, Field};
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
) -> Result<ImportedBot, EngineError> {
    let parsed = Keystore::parse(keystore.expose())?;
    crate::wire::ws_url(&settings.blaze_url)
        .map_err(|e| EngineError::Codec(e.into()).in_field(Field::BlazeUrl))?;
    let algorithm = parsed.algorithm();
    let bot_id = parsed.user_id.clone();
    let rest = MixinRest::new(settings, parsed)
        .map_err(|e| EngineError::from(e).in_field(Field::ApiBase))?;
    let me = rest.me().await.map_err(|e| {
        let at = if e.is_auth() {
            Field::Keystore
        } else {
            Field::ApiBase
        };
        EngineError::from(e).in_field(at)
    })?;
    if me.user_id != bot_id {
        return Err(EngineError::Invalid(format!(
            "Mixin says this keystore belongs to {}, not to {bot_id}",
            me.user_id
        ))
        .in_field(Field::Keystore));
    }
    settings.bot_id = bot_id.clone();
    settings.bot_name = me.full_name.clone();
    Ok(ImportedBot {
        bot_id,
        bot_name: me.full_name,
        algorithm,
    })
}

//! The settings form of a Mixin bot: its keystore (pasted or read from a file by the page) and,
//! optionally, other endpoints. "Check" asks Mixin who the keystore belongs to.

use super::account::{check_keystore, ImportedBot};
use super::MixinSettings;
use crate::engine::{EngineError, Field, NewAccount};
use crate::secret::Secret;
use crate::services::form;
use crate::services::ServiceSettings;
use serde::Deserialize;

/// Keystores are small JSON files (an RSA one is about 2 KB).
const MAX_KEYSTORE: usize = 16 * 1024;

#[derive(Deserialize)]
pub struct MixinForm {
    pub keystore: String,
    #[serde(default)]
    pub blaze_url: Option<String>,
    #[serde(default)]
    pub api_base: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The user confirmed that a plain `http://` / `ws://` address may carry the bot's tokens.
    #[serde(default)]
    pub allow_unencrypted: bool,
}

impl MixinForm {
    fn settings(&self) -> Result<MixinSettings, EngineError> {
        for (field, address) in [
            (Field::BlazeUrl, &self.blaze_url),
            (Field::ApiBase, &self.api_base),
        ] {
            if let Some(address) = address {
                form::encrypted_or_confirmed(
                    field,
                    address,
                    "signed token",
                    self.allow_unencrypted,
                )?;
            }
        }
        Ok(MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: form::address_or(
                Field::BlazeUrl,
                self.blaze_url.as_deref(),
                MixinSettings::DEFAULT_BLAZE_URL,
            )?,
            api_base: form::address_or(
                Field::ApiBase,
                self.api_base.as_deref(),
                MixinSettings::DEFAULT_API_BASE,
            )?,
        })
    }

    fn keystore(&self) -> Result<Secret, EngineError> {
        let k = self.keystore.trim();
        let refuse = |why: &str| EngineError::Invalid(why.into()).in_field(Field::Keystore);
        if k.is_empty() {
            return Err(refuse("paste the bot's keystore or choose its file"));
        }
        if k.len() > MAX_KEYSTORE {
            return Err(refuse("that file is too large to be a keystore"));
        }
        Ok(Secret::new(k))
    }

    /// The account to add; the engine checks the keystore with `GET /me` before saving.
    pub fn into_new_account(self) -> Result<NewAccount, EngineError> {
        Ok(NewAccount {
            settings: ServiceSettings::Mixin(self.settings()?),
            secret: Some(self.keystore()?),
            // Mixin names are short; a longer one is not a name.
            display_name: form::display_name(self.display_name).filter(|n| n.len() <= 200),
            order_numbers: Vec::new(),
        })
    }

    /// Reads the keystore and asks Mixin who it belongs to; nothing is saved.
    pub async fn check(self) -> Result<ImportedBot, EngineError> {
        let mut settings = self.settings()?;
        check_keystore(&mut settings, &self.keystore()?).await
    }
}

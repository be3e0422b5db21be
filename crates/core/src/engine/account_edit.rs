//! Editing an account in place (Settings' "Edit"): its name and its addresses change, its id
//! does not, so its rooms, history, keyring secret and preferences stay with it. A changed
//! address reconnects the account; a new name alone does not.

use super::{lock, Engine, EngineError, Field};
use crate::account::{Account, AccountId};
use crate::event::Event;
use crate::services::form;
use serde::Deserialize;

/// What the user changed; what is left out stays as it is.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AccountEdit {
    #[serde(default)]
    pub display_name: Option<String>,
    /// New addresses, each named by the add form's field (endpoint, rest_base, base_url, …).
    #[serde(default)]
    pub addresses: Vec<AddressEdit>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AddressEdit {
    pub field: Field,
    pub value: String,
}

impl Engine {
    /// Applies `edit` to the account `id` and saves it: every change is checked first, so a
    /// refused one changes nothing.
    pub async fn update_account(
        &self,
        id: &AccountId,
        edit: AccountEdit,
    ) -> Result<Account, EngineError> {
        let before = self.running_account(id)?;
        if before.demo {
            return Err(EngineError::Invalid(
                "the Demo's accounts cannot be edited: remove the Demo and add your own".into(),
            ));
        }
        let mut account = before.clone();
        if let Some(name) = edit.display_name {
            account.display_name = checked_name(&name)?;
        }
        for AddressEdit { field, value } in &edit.addresses {
            account.settings.service_mut().set_address(*field, value)?;
        }
        if account == before {
            return Ok(account);
        }
        self.update_config(|c| {
            if let Some(saved) = c.accounts.iter_mut().find(|a| &a.id == id) {
                *saved = account.clone();
            }
        })?;
        if account.settings != before.settings {
            // The connections are made from the settings: new addresses, new connections.
            self.start(account.clone()).await?;
        } else if let Some(running) = lock(&self.running).get_mut(id) {
            running.account.display_name = account.display_name.clone();
        }
        self.publish(Event::AccountsChanged);
        Ok(account)
    }
}

/// A new name: trimmed, not empty, bounded, without control characters.
fn checked_name(name: &str) -> Result<String, EngineError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(
            EngineError::Invalid("give the account a name".into()).in_field(Field::DisplayName)
        );
    }
    form::text(Field::DisplayName, "name", name, form::MAX_ID)?;
    Ok(name.to_owned())
}

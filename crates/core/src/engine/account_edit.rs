//! Editing an account in place (Settings' "Edit"): its name and its addresses change, its id
//! does not, so its rooms, history and preferences stay with it. A changed address or a
//! replaced key or token reconnects the account; a new name alone does not.

use super::{lock, Engine, EngineError, Field};
use crate::account::{Account, AccountId};
use crate::event::Event;
use crate::secret::Secret;
use crate::services::{form, AccountForm, ServiceSettings};
use serde::Deserialize;

/// What the user changed; what is left out stays as it is.
#[derive(Debug, Default, Deserialize)]
pub struct AccountEdit {
    #[serde(default)]
    pub display_name: Option<String>,
    /// New addresses, each named by the add form's field (endpoint, rest_base, base_url, …).
    #[serde(default)]
    pub addresses: Vec<AddressEdit>,
    /// The user confirmed that the account's credentials may travel to a new plain http:// or
    /// ws:// address on another machine (as the add form asks).
    #[serde(default)]
    pub allow_unencrypted: bool,
    /// A new key, token or keystore, as the add form of the account's service describes it (only
    /// its credential is used; the account's addresses and rooms stay).
    #[serde(default)]
    pub credentials: Option<AccountForm>,
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
            set_address(&mut account.settings, *field, value, edit.allow_unencrypted)?;
        }
        let new_secret = match edit.credentials {
            Some(form) => Some(replacement_secret(&account.settings, form).await?),
            None => None,
        };
        if account == before && new_secret.is_none() {
            return Ok(account);
        }
        if let Some(secret) = &new_secret {
            self.secrets.put(id, secret)?;
        }
        self.update_config(|c| {
            if let Some(saved) = c.accounts.iter_mut().find(|a| &a.id == id) {
                *saved = account.clone();
            }
        })?;
        if account.settings != before.settings || new_secret.is_some() {
            // The connections are made from the settings and the secret: new ones, new
            // connections.
            self.start(account.clone()).await?;
        } else if let Some(running) = lock(&self.running).get_mut(id) {
            running.account.display_name = account.display_name.clone();
        }
        self.publish(Event::AccountsChanged);
        Ok(account)
    }
}

/// Sets one address, refusing as the add form does a plain address on another machine that the
/// account's credentials would travel to unless the user confirmed it.
fn set_address(
    settings: &mut ServiceSettings,
    field: Field,
    value: &str,
    allow_unencrypted: bool,
) -> Result<(), EngineError> {
    if settings.service().needs_secret() {
        form::encrypted_or_confirmed(field, value, "credentials", allow_unencrypted)?;
    }
    settings.service_mut().set_address(field, value)
}

/// The key, token or keystore the user gave to replace the account's, once proved against the
/// account's own addresses. Refused: another service's, another kind (a listenKey for an
/// API-key account), or another identity (another bot or user: its history would mix with
/// this account's).
async fn replacement_secret(
    settings: &ServiceSettings,
    form: AccountForm,
) -> Result<Secret, EngineError> {
    let service = settings.service();
    if !service.needs_secret() {
        return Err(EngineError::Invalid(format!(
            "a {} account has no key or token to replace",
            service.name()
        )));
    }
    let new = form.into_new_account().await?;
    let given = new.settings.service();
    if new.settings.kind() != settings.kind()
        || given.credential_kind() != service.credential_kind()
    {
        return Err(EngineError::Invalid(format!(
            "this account signs in with a {} {}; to use a {} {} instead, add a new account",
            service.name(),
            service.credential_kind(),
            given.name(),
            given.credential_kind()
        )));
    }
    let secret = new
        .secret
        .ok_or_else(|| EngineError::Invalid("give the new key or token".into()))?;
    let mut proved = settings.clone();
    let prepared = proved.service_mut().prepare(Some(&secret), &[]).await?;
    let identity = |s: &ServiceSettings| s.service().own_sender_id();
    // Whose the secret is: the proof says it where the service tells (a Mixin keystore, whose
    // form leaves the bot id empty); elsewhere the form must name this account's own user.
    let typed = identity(&new.settings);
    let typed_differs = service.proven_identity().is_none() && typed != identity(settings);
    if typed_differs || identity(&proved) != identity(settings) {
        let kind = service.credential_kind();
        let whose = prepared
            .display_name
            .or_else(|| Some(typed).filter(|t| !t.is_empty()));
        return Err(EngineError::Invalid(match whose {
            Some(whose) => format!(
                "this {kind} belongs to {whose}, not to this account; add it as a new account so the two histories stay apart"
            ),
            None => format!(
                "this {kind} does not say whose it is, so it cannot replace this account's; sign in again as this account's user"
            ),
        }));
    }
    Ok(secret)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ErrorKind;
    use crate::services::mockly::MocklySettings;
    use crate::services::realtime::RealtimeSettings;

    #[test]
    fn a_plain_address_on_another_machine_needs_the_users_confirmation_when_credentials_go_there() {
        let mut realtime =
            ServiceSettings::Realtime(RealtimeSettings::new("https://api.example.com"));
        let e = set_address(
            &mut realtime,
            Field::BaseUrl,
            "http://api.example.com",
            false,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::NeedsConfirmation, Some(Field::BaseUrl))
        );
        set_address(
            &mut realtime,
            Field::BaseUrl,
            "http://127.0.0.1:8080",
            false,
        )
        .expect("this machine: nothing crosses the network");
        set_address(
            &mut realtime,
            Field::BaseUrl,
            "http://api.example.com",
            true,
        )
        .expect("confirmed");
        let ServiceSettings::Realtime(s) = &realtime else {
            unreachable!()
        };
        assert_eq!(s.base_url, "http://api.example.com");

        let mut mockly = ServiceSettings::Mockly(MocklySettings {
            client_id: "me".into(),
            endpoint: "wss://mockly.me/ws/chat/{client_id}".into(),
        });
        set_address(
            &mut mockly,
            Field::Endpoint,
            "ws://chat.example.com/ws/{client_id}",
            false,
        )
        .expect("mockly carries no credential");
    }
}

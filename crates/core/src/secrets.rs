//! Where secrets live: the OS keyring (Secret Service on Linux, via the `keyring` crate).
//!
//! Each account's secret is one keyring entry, service `parley`, user = the account id (plus the
//! profile, so test profiles never touch the user's own entries). Nothing here ever writes a
//! secret anywhere else; a session-only in-memory store exists for when the user chooses it
//! because no keyring is available.

use crate::account::AccountId;
use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Mutex;

mod prefetched;
pub use prefetched::PrefetchedSecrets;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("the system keyring is not available: {0}")]
    Unavailable(String),
    #[error("the system keyring refused the operation: {0}")]
    Keyring(String),
    #[error("no system keyring is available; to use this account anyway, choose \"Keep secrets for this session only\" in the banner (nothing is written to disk)")]
    NeedsConsent,
}

/// A place to keep secrets by account.
pub trait SecretStore: Send + Sync {
    fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError>;
    /// `Ok(None)` when the account has no secret stored.
    fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError>;
    /// Deleting a secret that is not there is not an error.
    fn delete(&self, account: &AccountId) -> Result<(), SecretsError>;
}

/// The OS keyring. `namespace` separates profiles (the default profile uses `default`).
pub struct KeyringStore {
    namespace: String,
}

impl KeyringStore {
    pub const SERVICE: &'static str = "parley";

    pub fn new(namespace: impl Into<String>) -> Self {
        KeyringStore {
            namespace: namespace.into(),
        }
    }

    fn entry(&self, account: &AccountId) -> Result<keyring::Entry, SecretsError> {
        let user = format!("{}/{}", self.namespace, account.0);
        keyring::Entry::new(Self::SERVICE, &user).map_err(map_err)
    }

    /// Checks that a keyring answers at all, so the app can say so at start rather than on first use.
    pub fn probe(&self) -> Result<(), SecretsError> {
        let probe = AccountId("__probe__".into());
        match self.entry(&probe)?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn map_err(e: keyring::Error) -> SecretsError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SecretsError::Unavailable(inner.to_string())
        }
        other => SecretsError::Keyring(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(map_err)
    }

    fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn delete(&self, account: &AccountId) -> Result<(), SecretsError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// Secrets kept in memory for this session only (the user's choice when no keyring answers).
#[derive(Default)]
pub struct SessionOnlyStore {
    entries: Mutex<HashMap<AccountId, Secret>>,
}

impl SecretStore for SessionOnlyStore {
    fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError> {
        self.lock().insert(account.clone(), secret.clone());
        Ok(())
    }

    fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError> {
        Ok(self.lock().get(account).cloned())
    }

    fn delete(&self, account: &AccountId) -> Result<(), SecretsError> {
        self.lock().remove(account);
        Ok(())
    }
}

impl SessionOnlyStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AccountId, Secret>> {
        // A poisoned map still holds valid secrets; keep using it.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What Parley uses when no keyring answers: nothing is kept until the user agrees to keep
/// secrets in memory for this session only (never on disk); then it is a [`SessionOnlyStore`].
#[derive(Default)]
pub struct ConsentStore {
    allowed: std::sync::atomic::AtomicBool,
    session: SessionOnlyStore,
}

impl ConsentStore {
    /// The user agreed: secrets are kept in memory until Parley quits.
    pub fn allow(&self) {
        self.allowed
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn allowed(&self) -> bool {
        self.allowed.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl SecretStore for ConsentStore {
    fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError> {
        if !self.allowed() {
            return Err(SecretsError::NeedsConsent);
        }
        self.session.put(account, secret)
    }

    fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError> {
        self.session.get(account)
    }

    fn delete(&self, account: &AccountId) -> Result<(), SecretsError> {
        self.session.delete(account)
    }
}

#[cfg(test)]
mod consent_tests {
    use super::*;

    #[test]
    fn nothing_is_kept_until_the_user_agrees_then_only_in_memory() {
        let store = ConsentStore::default();
        let id = AccountId("a".into());
        assert!(matches!(
            store.put(&id, &Secret::new("s")),
            Err(SecretsError::NeedsConsent)
        ));
        assert!(store.get(&id).unwrap().is_none());
        store.allow();
        store.put(&id, &Secret::new("s")).unwrap();
        assert_eq!(store.get(&id).unwrap().unwrap().expose(), "s");
        store.delete(&id).unwrap();
        assert!(store.get(&id).unwrap().is_none());
    }
}

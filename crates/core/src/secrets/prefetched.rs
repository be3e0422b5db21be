//! Secrets read ahead at start-up. The Secret Service answers one read in ~7 ms (the keyring
//! crate opens a D-Bus session for each), so 15 accounts read one by one held the engine, and
//! the window waiting on it, ~100 ms. Reading them side by side while the window is still being
//! built takes that off the start-up path. Each read-ahead secret is handed out once; later
//! reads, and every write, go to the keyring itself, so an edited secret is never stale.

use super::{SecretStore, SecretsError};
use crate::account::AccountId;
use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Mutex;

/// Reads at most this many secrets at once (each is a D-Bus round trip, not CPU work).
const READS_AT_ONCE: usize = 8;

type Read = Result<Option<Secret>, SecretsError>;

pub struct PrefetchedSecrets<S> {
    store: S,
    early: Mutex<HashMap<AccountId, Read>>,
}

impl<S: SecretStore> PrefetchedSecrets<S> {
    /// Reads the secrets of `accounts` from `store`, several at a time.
    pub fn read_ahead(store: S, accounts: &[AccountId]) -> Self {
        let mut early = HashMap::with_capacity(accounts.len());
        for chunk in accounts.chunks(READS_AT_ONCE) {
            let reads: Vec<(AccountId, Read)> = std::thread::scope(|scope| {
                let store = &store;
                let readers: Vec<_> = chunk
                    .iter()
                    .map(|account| scope.spawn(move || (account.clone(), store.get(account))))
                    .collect();
                readers
                    .into_iter()
                    .filter_map(|reader| reader.join().ok())
                    .collect()
            });
            early.extend(reads);
        }
        PrefetchedSecrets {
            store,
            early: Mutex::new(early),
        }
    }

    fn take_early(&self, account: &AccountId) -> Option<Read> {
        self.early
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account)
    }
}

impl<S: SecretStore> SecretStore for PrefetchedSecrets<S> {
    fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError> {
        self.take_early(account);
        self.store.put(account, secret)
    }

    fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError> {
        match self.take_early(account) {
            Some(read) => read,
            None => self.store.get(account),
        }
    }

    fn delete(&self, account: &AccountId) -> Result<(), SecretsError> {
        self.take_early(account);
        self.store.delete(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::SessionOnlyStore;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A store that counts its reads.
    #[derive(Default)]
    struct Counted {
        inner: SessionOnlyStore,
        reads: AtomicUsize,
    }

    impl SecretStore for Counted {
        fn put(&self, account: &AccountId, secret: &Secret) -> Result<(), SecretsError> {
            self.inner.put(account, secret)
        }
        fn get(&self, account: &AccountId) -> Result<Option<Secret>, SecretsError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.get(account)
        }
        fn delete(&self, account: &AccountId) -> Result<(), SecretsError> {
            self.inner.delete(account)
        }
    }

    fn id(n: usize) -> AccountId {
        AccountId(format!("acct-{n}"))
    }

    #[test]
    fn every_account_is_read_once_ahead_then_from_the_store_again() {
        let store = Counted::default();
        for n in 0..20 {
            store
                .put(&id(n), &Secret::new(format!("secret {n}")))
                .unwrap();
        }
        let accounts: Vec<AccountId> = (0..21).map(id).collect();
        let secrets = PrefetchedSecrets::read_ahead(store, &accounts);
        assert_eq!(secrets.store.reads.load(Ordering::SeqCst), 21);
        for n in 0..20 {
            let got = secrets.get(&id(n)).unwrap().expect("read ahead");
            assert_eq!(got.expose(), format!("secret {n}"));
        }
        assert!(
            secrets.get(&id(20)).unwrap().is_none(),
            "an account without a secret"
        );
        assert_eq!(
            secrets.store.reads.load(Ordering::SeqCst),
            21,
            "handed out from what was read ahead"
        );
        // A second read (a reconnect after an edit) asks the store.
        secrets.get(&id(3)).unwrap();
        assert_eq!(secrets.store.reads.load(Ordering::SeqCst), 22);
    }

    #[test]
    fn a_secret_changed_or_deleted_after_the_read_ahead_is_never_handed_out_stale() {
        let store = Counted::default();
        store.put(&id(1), &Secret::new("old")).unwrap();
        store.put(&id(2), &Secret::new("gone")).unwrap();
        let secrets = PrefetchedSecrets::read_ahead(store, &[id(1), id(2)]);
        secrets.put(&id(1), &Secret::new("new")).unwrap();
        secrets.delete(&id(2)).unwrap();
        assert_eq!(secrets.get(&id(1)).unwrap().unwrap().expose(), "new");
        assert!(secrets.get(&id(2)).unwrap().is_none());
    }
}

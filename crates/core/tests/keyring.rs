//! The OS keyring for real (Secret Service on Linux). The README's test command runs the tests
//! inside a D-Bus session with gnome-keyring and sets PARLEY_REQUIRE_KEYRING=1, so there this
//! test cannot skip; a bare `cargo test` without a session bus skips it with a note.

use parley_core::account::AccountId;
use parley_core::secret::Secret;
use parley_core::secrets::{KeyringStore, SecretStore};

fn keyring_or_skip() -> Option<KeyringStore> {
    let required = std::env::var_os("PARLEY_REQUIRE_KEYRING").is_some();
    let namespace = format!("test-{:08x}", fastrand_u32());
    let store = KeyringStore::new(namespace);
    match store.probe() {
        Ok(()) => Some(store),
        Err(e) if !required => {
            eprintln!("skipping keyring test, no Secret Service here ({e}); the README test command provides one");
            None
        }
        Err(e) => panic!("the keyring must be available under the test command: {e}"),
    }
}

fn fastrand_u32() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ std::process::id())
        .unwrap_or(7)
}

#[test]
fn a_secret_is_stored_read_back_and_deleted() {
    let Some(store) = keyring_or_skip() else {
        return;
    };
    let account = AccountId("mexc-1234".into());
    assert!(store.get(&account).unwrap().is_none());
    store.put(&account, &Secret::new("listen-key-ABC")).unwrap();
    assert_eq!(
        store.get(&account).unwrap().unwrap().expose(),
        "listen-key-ABC"
    );
    store.put(&account, &Secret::new("listen-key-DEF")).unwrap();
    assert_eq!(
        store.get(&account).unwrap().unwrap().expose(),
        "listen-key-DEF"
    );
    store.delete(&account).unwrap();
    assert!(store.get(&account).unwrap().is_none());
    store.delete(&account).expect("deleting twice is fine");
}

#[test]
fn profiles_do_not_see_each_others_secrets() {
    let Some(first) = keyring_or_skip() else {
        return;
    };
    let second = KeyringStore::new("another-profile-for-tests");
    let account = AccountId("realtime-1".into());
    first.put(&account, &Secret::new("token-one")).unwrap();
    assert!(second.get(&account).unwrap().is_none());
    first.delete(&account).unwrap();
}

//! Without a keyring, nothing secret is kept until the user agrees to keep it for this session
//! only; refusing never loses what is already configured.

mod support;

use parley_core::account::{MexcChat, MexcSettings, ServiceSettings};
use parley_core::config::AppConfig;
use parley_core::engine::{Engine, EngineError, NewAccount};
use parley_core::secret::Secret;
use parley_core::secrets::{ConsentStore, SecretsError};
use parley_core::store::Store;
use std::sync::Arc;

fn mexc_account() -> NewAccount {
    NewAccount {
        display_name: Some("P2P".into()),
        settings: ServiceSettings::Mexc(MexcSettings {
            conversations: vec![MexcChat::by_id(50012)],
            ..MexcSettings::with_endpoint("ws://127.0.0.1:9/ws".into())
        }),
        secret: Some(Secret::new("a-listen-key")),
        order_numbers: Vec::new(),
    }
}

#[tokio::test]
async fn an_account_with_a_secret_waits_for_consent_and_nothing_is_saved_before() {
    let consent = Arc::new(ConsentStore::default());
    let engine = Engine::new(
        Store::open_in_memory().unwrap(),
        None,
        AppConfig::default(),
        consent.clone(),
        support::fast_tuning(),
    );
    let refused = engine.add_account(mexc_account()).await.unwrap_err();
    assert!(
        matches!(refused, EngineError::Secrets(SecretsError::NeedsConsent)),
        "{refused}"
    );
    assert!(refused
        .to_string()
        .contains("Keep secrets for this session only"));
    assert!(engine.accounts().is_empty(), "nothing saved");
    consent.allow();
    engine
        .add_account(mexc_account())
        .await
        .expect("added once the user agreed");
    assert_eq!(engine.accounts().len(), 1);
    engine.shutdown().await;
}

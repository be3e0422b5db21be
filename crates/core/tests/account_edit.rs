//! Editing an account in place (Settings' "Edit"): a new name and a new endpoint keep the
//! account's id and history, the new endpoint is where it reconnects, and a refused change
//! changes nothing.

mod support;

use parley_core::account::ServiceSettings;
use parley_core::engine::{AccountEdit, AddressEdit, ErrorKind, Field};
use parley_core::event::Event;
use parley_core::message::MessageKind;
use support::*;

fn endpoint_of(me: &Client) -> String {
    let view = me
        .engine
        .accounts()
        .into_iter()
        .find(|v| v.account.id == me.account)
        .expect("the account is listed");
    match view.account.settings {
        ServiceSettings::Mockly(s) => s.endpoint,
        _ => unreachable!("a mockly account"),
    }
}

fn name_of(me: &Client) -> String {
    me.engine
        .accounts()
        .into_iter()
        .find(|v| v.account.id == me.account)
        .expect("the account is listed")
        .account
        .display_name
}

#[tokio::test]
async fn a_new_name_and_endpoint_keep_the_history_and_reconnect_there() {
    let first = sim(0.0).await;
    let second = sim(0.0).await;
    let mut me = connected(&first, "alice").await;
    me.expect("the welcome notice", |e| match e {
        Event::Message(m) if m.kind == MessageKind::System => Some(()),
        _ => None,
    })
    .await;
    let before = me.history_texts().await;
    assert!(before.iter().any(|t| t == "Welcome to the chat, alice!"));

    let edited = me
        .engine
        .update_account(
            &me.account,
            AccountEdit {
                allow_unencrypted: false,
                display_name: Some("  Trading floor ".into()),
                addresses: vec![AddressEdit {
                    field: Field::Endpoint,
                    value: second.endpoint(),
                }],
                credentials: None,
            },
        )
        .await
        .expect("the edit is accepted");
    assert_eq!(edited.id, me.account, "the same account");
    assert_eq!(name_of(&me), "Trading floor");
    assert_eq!(endpoint_of(&me), second.endpoint());
    eventually("the account to connect to the new endpoint", || {
        second.connected() == ["alice"]
    })
    .await;
    eventually("and to leave the old one", || first.connected().is_empty()).await;
    let after = me.history_texts().await;
    assert!(
        after.starts_with(&before),
        "the history stays: {before:?} then {after:?}"
    );
}

#[tokio::test]
async fn a_refused_change_names_its_field_and_changes_nothing() {
    let server = sim(0.0).await;
    let me = connected(&server, "alice").await;
    let name = name_of(&me);
    let refused = |edit: AccountEdit| {
        let engine = me.engine.clone();
        let id = me.account.clone();
        async move { engine.update_account(&id, edit).await.unwrap_err() }
    };

    let e = refused(AccountEdit {
        allow_unencrypted: false,
        display_name: Some("New name".into()),
        addresses: vec![AddressEdit {
            field: Field::Endpoint,
            value: "https://example.com/ws".into(),
        }],
        credentials: None,
    })
    .await;
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidInput, Some(Field::Endpoint))
    );
    assert!(e.to_string().contains("wss:// or ws://"), "{e}");
    assert_eq!(name_of(&me), name, "the valid name was not saved either");
    assert_eq!(endpoint_of(&me), server.endpoint());

    let e = refused(AccountEdit {
        allow_unencrypted: false,
        display_name: Some("   ".into()),
        addresses: Vec::new(),
        credentials: None,
    })
    .await;
    assert_eq!(e.field(), Some(Field::DisplayName));

    let e = refused(AccountEdit {
        allow_unencrypted: false,
        display_name: None,
        addresses: vec![AddressEdit {
            field: Field::BaseUrl,
            value: "https://example.com".into(),
        }],
        credentials: None,
    })
    .await;
    assert_eq!(
        e.field(),
        Some(Field::BaseUrl),
        "mockly has no server address"
    );
    assert_eq!(server.connected(), ["alice"], "still connected as before");
}

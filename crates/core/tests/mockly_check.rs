//! The check Settings makes before adding a mockly.me account: the endpoint answers the
//! WebSocket handshake, or the failure names the endpoint field in the user's words.

mod support;

use parley_core::engine::{user_text, ErrorKind, Field};
use parley_core::services::mockly::MocklyForm;
use support::*;

fn form(endpoint: String) -> MocklyForm {
    MocklyForm {
        client_id: "checker".into(),
        display_name: None,
        endpoint: Some(endpoint),
    }
}

#[tokio::test]
async fn a_running_server_passes_the_check() {
    let server = sim(0.0).await;
    let line = form(server.endpoint())
        .test()
        .await
        .expect("the check passes");
    assert!(line.starts_with("Connected"), "{line}");
}

#[tokio::test]
async fn a_server_that_is_down_fails_at_the_endpoint_field_in_plain_words() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let e = form(format!("ws://127.0.0.1:{port}/ws/chat/{{client_id}}"))
        .test()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unreachable);
    assert_eq!(e.field(), Some(Field::Endpoint));
    let text = user_text(&e);
    assert_eq!(
        text.summary,
        "Can't reach the chat server — is it running, and is the address right?"
    );
    assert!(!text.summary.contains("127.0.0.1"));
    assert!(text.detail.unwrap().to_lowercase().contains("refused"));
}

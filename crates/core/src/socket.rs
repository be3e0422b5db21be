//! Dialing a WebSocket from a codec's [`ConnectRequest`], and saying why it failed in words a
//! user can act on. The only place that knows tokio-tungstenite's handshake API.

use crate::codec::ConnectRequest;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a dial failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DialError {
    /// The HTTP status when the server answered the upgrade with one.
    pub status: Option<u16>,
    /// Whether retrying cannot help whatever the server does (a malformed request).
    pub fatal: bool,
    pub message: String,
}

pub(crate) async fn dial(
    request: &ConnectRequest,
    timeout: Duration,
    max_frame_bytes: usize,
) -> Result<Socket, DialError> {
    let fatal = |message: String| DialError {
        status: None,
        fatal: true,
        message,
    };
    let mut http = request
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| fatal(format!("invalid endpoint: {e}")))?;
    for (name, value) in &request.headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName = name
            .parse()
            .map_err(|_| fatal(format!("invalid header name `{name}`")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| fatal(format!("invalid value for header `{name}`")))?;
        http.headers_mut().insert(name, value);
    }
    if let Some(proto) = &request.subprotocol {
        let value = HeaderValue::from_str(proto)
            .map_err(|_| fatal(format!("invalid subprotocol `{proto}`")))?;
        http.headers_mut().insert("Sec-WebSocket-Protocol", value);
    }
    // Let frames somewhat over the codec's limit through so the codec can refuse them with a
    // precise error; a frame far beyond it is cut off by tungstenite and the socket is reset.
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_frame_bytes * 2 + 64 * 1024))
        .max_frame_size(Some(max_frame_bytes * 2 + 64 * 1024));
    let dial = tokio_tungstenite::connect_async_with_config(http, Some(config), true);
    match tokio::time::timeout(timeout, dial).await {
        Err(_) => Err(DialError {
            status: None,
            fatal: false,
            message: format!("no answer from the server within {} s", timeout.as_secs()),
        }),
        Ok(Ok((socket, _response))) => Ok(socket),
        Ok(Err(e)) => Err(describe(e)),
    }
}

fn describe(e: tokio_tungstenite::tungstenite::Error) -> DialError {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Http(response) => {
            let status = response.status();
            DialError {
                status: Some(status.as_u16()),
                fatal: false,
                message: format!(
                    "the server refused the connection: HTTP {} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("")
                )
                .trim_end()
                .to_owned(),
            }
        }
        E::Url(u) => DialError {
            status: None,
            fatal: true,
            message: format!("invalid endpoint: {u}"),
        },
        E::Io(io) => DialError {
            status: None,
            fatal: false,
            message: format!("cannot reach the server: {io}"),
        },
        other => DialError {
            status: None,
            fatal: false,
            message: format!("connection failed: {other}"),
        },
    }
}

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
    /// The server's clock when it answered (its `Date` header), Unix ms.
    pub server_time_ms: Option<i64>,
}

/// An open socket, and the server's clock when it opened (its `Date` header), Unix ms.
pub(crate) struct Dialed {
    pub socket: Socket,
    pub server_time_ms: Option<i64>,
}

/// The time an HTTP `Date` header says (`Sun, 06 Nov 1994 08:49:37 GMT`), Unix ms.
fn server_time_ms(headers: &tokio_tungstenite::tungstenite::http::HeaderMap) -> Option<i64> {
    let date = headers.get("date")?.to_str().ok()?;
    chrono::DateTime::parse_from_rfc2822(date)
        .ok()
        .map(|t| t.timestamp_millis())
}

pub(crate) async fn dial(
    request: &ConnectRequest,
    timeout: Duration,
    max_frame_bytes: usize,
) -> Result<Dialed, DialError> {
    let fatal = |message: String| DialError {
        status: None,
        fatal: true,
        message,
        server_time_ms: None,
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
    // The service's own limit, for one frame and for a message in fragments: tungstenite
    // refuses a bigger one from its header, before reading (or allocating for) its payload, and
    // the read fails with an error that [`oversize`] explains.
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_frame_bytes))
        .max_frame_size(Some(max_frame_bytes));
    let dial = tokio_tungstenite::connect_async_with_config(http, Some(config), true);
    match tokio::time::timeout(timeout, dial).await {
        Err(_) => Err(DialError {
            status: None,
            fatal: false,
            message: format!("no answer from the server within {} s", timeout.as_secs()),
            server_time_ms: None,
        }),
        Ok(Ok((socket, response))) => Ok(Dialed {
            socket,
            server_time_ms: server_time_ms(response.headers()),
        }),
        Ok(Err(e)) => Err(describe(e)),
    }
}

/// What to tell the user when a read failed because the server sent more than the service's
/// limit (see [`dial`]); `None` for any other read error.
pub(crate) fn oversize(e: &tokio_tungstenite::tungstenite::Error) -> Option<String> {
    use tokio_tungstenite::tungstenite::error::CapacityError;
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Capacity(CapacityError::MessageTooLong { size, max_size }) => Some(format!(
            "the server sent a frame of {size} bytes, more than the {max_size} bytes this service \
             allows; it was refused and the connection is made again"
        )),
        _ => None,
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
                server_time_ms: server_time_ms(response.headers()),
            }
        }
        E::Url(u) => DialError {
            status: None,
            fatal: true,
            message: format!("invalid endpoint: {u}"),
            server_time_ms: None,
        },
        E::Io(io) => DialError {
            status: None,
            fatal: false,
            message: format!("cannot reach the server: {io}"),
            server_time_ms: None,
        },
        // tungstenite says "Handshake not finished": the TCP connection was taken and closed
        // without an HTTP answer, as a proxy does when the server behind it is down.
        E::Protocol(tokio_tungstenite::tungstenite::error::ProtocolError::HandshakeIncomplete)
        | E::ConnectionClosed
        | E::AlreadyClosed => DialError {
            status: None,
            fatal: false,
            message: "the server closed the connection without answering (a proxy whose server is \
                      down, a server still starting, or a ws:// address for a wss:// server)"
                .into(),
            server_time_ms: None,
        },
        other => DialError {
            status: None,
            fatal: false,
            message: format!("connection failed: {other}"),
            server_time_ms: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    /// A WebSocket server on 127.0.0.1 that sends `frames` to its one client, then waits.
    async fn server_sending(frames: Vec<Message>) -> ConnectRequest {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
            for frame in frames {
                if socket.send(frame).await.is_err() {
                    return;
                }
            }
            while socket.next().await.is_some() {}
        });
        ConnectRequest {
            url: url::Url::parse(&format!("ws://{addr}/")).unwrap(),
            headers: Vec::new(),
            subprotocol: None,
        }
    }

    const LIMIT: usize = 1024;

    #[tokio::test]
    async fn a_server_that_closes_before_answering_is_said_in_words() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            loop {
                let Ok((mut tcp, _)) = listener.accept().await else {
                    return;
                };
                // Reads the upgrade request, then closes without a word (a proxy whose server
                // is down).
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                drop(tcp);
            }
        });
        let request = ConnectRequest {
            url: url::Url::parse(&format!("ws://{addr}/")).unwrap(),
            headers: Vec::new(),
            subprotocol: None,
        };
        let e = dial(&request, std::time::Duration::from_secs(5), LIMIT)
            .await
            .err()
            .expect("refused");
        assert!(
            e.message
                .contains("closed the connection without answering"),
            "{}",
            e.message
        );
        assert!(!e.fatal, "tried again");
    }

    #[tokio::test]
    async fn a_frame_over_the_services_limit_is_refused_by_the_socket() {
        let request = server_sending(vec![
            Message::Text("x".repeat(LIMIT).into()),
            Message::Text("x".repeat(LIMIT + 1).into()),
        ])
        .await;
        let mut socket = dial(&request, Duration::from_secs(5), LIMIT)
            .await
            .unwrap()
            .socket;
        let at_limit = socket.next().await.unwrap().unwrap();
        assert_eq!(at_limit.len(), LIMIT, "a frame at the limit is read");
        let over = socket.next().await.unwrap().unwrap_err();
        let reason = oversize(&over).unwrap_or_default();
        assert!(
            matches!(over, tokio_tungstenite::tungstenite::Error::Capacity(_)),
            "{over}"
        );
        assert!(reason.contains("more than the 1024 bytes"), "{reason}");
    }

    #[tokio::test]
    async fn a_message_in_fragments_over_the_limit_is_refused_too() {
        use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
        use tokio_tungstenite::tungstenite::protocol::frame::Frame;
        // Two frames, each under the limit, one message over it.
        let half = vec![b'x'; LIMIT / 2 + 1];
        let request = server_sending(vec![
            Message::Frame(Frame::message(
                half.clone(),
                OpCode::Data(Data::Text),
                false,
            )),
            Message::Frame(Frame::message(half, OpCode::Data(Data::Continue), true)),
        ])
        .await;
        let mut socket = dial(&request, Duration::from_secs(5), LIMIT)
            .await
            .unwrap()
            .socket;
        let over = socket.next().await.unwrap().unwrap_err();
        assert!(
            matches!(over, tokio_tungstenite::tungstenite::Error::Capacity(_)),
            "{over}"
        );
    }
}

//! The REST client core every service's REST module shares: the checked base address, one
//! HTTP client for all (see [`client`]), sending with the service's timeout, the status and
//! `Retry-After`, a body read with a cap, and one error type ([`RestError`]) that each service
//! fills from its own error envelope.

mod body;
mod client;

pub(crate) use client::api;

use std::time::Duration;

/// The longest wait a service's `Retry-After` is taken for: beyond an hour the header is
/// odd, and a deadline of `now + u64::MAX` seconds would overflow.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Which API a client talks to, as the user reads it in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApiName {
    /// Who cannot be reached or answered oddly: "the MEXC API", "the server", "Mixin".
    pub api: &'static str,
    /// Who refused: "MEXC", "the server", "Mixin".
    pub refuser: &'static str,
}

/// A request the service answered with a refusal, as its error envelope tells it. A REST
/// client fills what its envelope says and [`RestCore::refused`] names the service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refusal {
    pub refuser: &'static str,
    /// The HTTP status (absent where the service answers errors inside a 2xx, as Mixin does).
    pub status: Option<u16>,
    /// The service's own error code.
    pub code: Option<i64>,
    pub message: String,
    /// The id the service gives the error, for its support desk.
    pub error_id: Option<String>,
    /// How long the service asks to wait (`Retry-After` of a 429).
    pub retry_after: Option<Duration>,
    /// The credentials (or the clock they are signed with) were refused.
    pub auth: bool,
    /// The likely cause, when the service's refusals have a usual one.
    pub hint: Option<&'static str>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = match (self.status, self.code) {
            (Some(status), Some(code)) => format!("HTTP {status}, code {code}"),
            (Some(status), None) => format!("HTTP {status}"),
            (None, Some(code)) => format!("error {code}"),
            (None, None) => "no status".to_owned(),
        };
        write!(
            f,
            "{} refused the request ({detail}): {}",
            self.refuser, self.message
        )?;
        if let Some(id) = &self.error_id {
            write!(f, " (error id {id})")?;
        }
        if let Some(hint) = self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

/// Why a REST call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestError {
    #[error("cannot reach {api}: {reason}")]
    Unreachable { api: &'static str, reason: String },
    #[error("{0}")]
    Refused(Box<Refusal>),
    #[error("{api} answered something unexpected: {detail}")]
    Malformed { api: &'static str, detail: String },
    /// The settings or the input cannot make a request (a bad address, an empty id).
    #[error("{0}")]
    Settings(String),
}

impl RestError {
    /// Whether retrying the same request later cannot help (bad key, bad signature, no
    /// permission, bad settings), as opposed to a network or server hiccup.
    pub fn is_permanent(&self) -> bool {
        match self {
            RestError::Refused(r) => match r.status {
                Some(status) => (400..500).contains(&status) && status != 408 && status != 429,
                None => r.auth,
            },
            RestError::Settings(_) => true,
            RestError::Unreachable { .. } | RestError::Malformed { .. } => false,
        }
    }

    /// Refused credentials: retrying cannot help until the user fixes the account.
    pub fn is_auth(&self) -> bool {
        matches!(self, RestError::Refused(r) if r.auth)
    }

    /// The refusal, when the service refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            RestError::Refused(r) => Some(r),
            _ => None,
        }
    }

    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        self.refusal().and_then(|r| r.status)
    }

    /// How long the service asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.refusal().and_then(|r| r.retry_after)
    }
}

/// A base address the user typed, checked: http(s) only, with a host, no query or fragment.
/// `what` names it in errors ("the REST base").
pub(crate) fn http_base(raw: &str, what: &str) -> Result<url::Url, RestError> {
    let raw = raw.trim();
    let mut url = url::Url::parse(raw)
        .map_err(|e| RestError::Settings(format!("{what} `{raw}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RestError::Settings(format!(
            "{what} must start with https:// or http://, not {}://",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RestError::Settings(format!("{what} has no host")));
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// `base` with `path` appended to its own path (a base may carry a prefix, `/api`).
pub(crate) fn join_path(base: &url::Url, path: &str) -> url::Url {
    let mut url = base.clone();
    let full = format!("{}{path}", url.path().trim_end_matches('/'));
    url.set_path(&full);
    url
}

/// What a service answered: its status, `Retry-After`, headers and the body (capped).
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, if it is JSON.
    pub(crate) fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A transport error as "what failed: why" — "error sending request: Connection refused (os
/// error 111)" — the innermost cause being what the user can act on. Never the URL (URLs can
/// carry secrets).
fn transport_reason(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut cause: &dyn std::error::Error = &error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let (top, root) = (error.to_string(), cause.to_string());
    if root == top {
        top
    } else {
        format!("{top}: {root}")
    }
}

/// The part every service's REST client shares: the client, the base, the timeout and the cap.
#[derive(Clone)]
pub(crate) struct RestCore {
    http: reqwest::Client,
    pub base: url::Url,
    pub name: ApiName,
    timeout: Duration,
    max_body: usize,
}

impl RestCore {
    pub(crate) fn new(
        base: url::Url,
        name: ApiName,
        timeout: Duration,
        max_body: usize,
    ) -> Result<Self, RestError> {
        Ok(RestCore {
            http: api().map_err(RestError::Settings)?,
            base,
            name,
            timeout,
            max_body,
        })
    }

    /// A request to `url` with the service's timeout.
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: url::Url,
    ) -> reqwest::RequestBuilder {
        self.http.request(method, url).timeout(self.timeout)
    }

    /// Sends a request and reads the answer, whatever its status. Transport errors never
    /// carry the URL (URLs can carry secrets).
    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, RestError> {
        let response = request.send().await.map_err(|e| RestError::Unreachable {
            api: self.name.api,
            reason: transport_reason(e),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let retry_after = headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER));
        let body = body::read_capped(response, self.max_body)
            .await
            .map_err(|e| match e {
                body::BodyError::Transport(reason) => RestError::Unreachable {
                    api: self.name.api,
                    reason,
                },
                body::BodyError::TooLarge(limit) => {
                    self.malformed(format!("an answer over {limit} bytes"))
                }
            })?;
        Ok(Answer {
            status,
            retry_after,
            headers,
            body,
        })
    }

    /// An answer that is not what the service documents. The detail is bounded: a parser's
    /// error quotes what it found, and a hostile answer's field can be megabytes long.
    pub(crate) fn malformed(&self, detail: impl Into<String>) -> RestError {
        RestError::Malformed {
            api: self.name.api,
            detail: bounded(detail.into()),
        }
    }

    /// A refusal from this service.
    /// A refusal from this service; its words are bounded as [`Self::malformed`]'s are.
    pub(crate) fn refused(&self, refusal: Refusal) -> RestError {
        RestError::Refused(Box::new(Refusal {
            refuser: self.name.refuser,
            message: bounded(refusal.message),
            error_id: refusal.error_id.map(bounded),
            ..refusal
        }))
    }
}

/// The longest text of an answer quoted in an error (it reaches the log, the page and a
/// failed message's bubble).
const MAX_QUOTED_CHARS: usize = 200;

/// `text`, cut to [`MAX_QUOTED_CHARS`] characters with "…" when longer.
pub(crate) fn bounded(text: String) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn errors_quote_a_bounded_part_of_an_answer() {
        assert_eq!(bounded("short".into()), "short");
        let long = bounded("é".repeat(1_000_000));
        assert_eq!(long.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    /// A server that answers one request with `head` (status line and headers, no body).
    async fn answering(head: &'static str) -> url::Url {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(head.as_bytes()).await;
        });
        url::Url::parse(&format!("http://{address}/")).unwrap()
    }

    /// A hostile or broken `Retry-After` (the largest number there is) is taken as an hour: the
    /// connection adds it to "now", which overflowed and ended its task with a panic.
    #[tokio::test]
    async fn a_huge_retry_after_is_taken_as_an_hour() {
        let base = answering(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 18446744073709551615\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .await;
        let core = RestCore::new(
            base.clone(),
            ApiName {
                api: "the server",
                refuser: "the server",
            },
            Duration::from_secs(5),
            1024,
        )
        .unwrap();
        let answer = core
            .send(core.request(reqwest::Method::GET, base))
            .await
            .unwrap();
        assert_eq!(answer.status, 429);
        assert_eq!(answer.retry_after, Some(MAX_RETRY_AFTER));
        // What the connection then does with it stays within a clock's range.
        let _ = tokio::time::Instant::now() + answer.retry_after.unwrap();
    }
}

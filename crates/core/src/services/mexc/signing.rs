//! Signing MEXC REST requests (PROTOCOLS.md §2.2): SIGNED endpoints carry `timestamp` (ms),
//! optionally `recvWindow`, and `signature` = lowercase hex HMAC-SHA256, keyed by the API
//! secret, over the query string concatenated with the body; the API key goes in the
//! `X-MEXC-APIKEY` header. Pure: the caller supplies the clock.

use crate::secret::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "X-MEXC-APIKEY";

/// Lowercase hex HMAC-SHA256 of `total_params` keyed by `secret`.
pub fn signature(secret: &Secret, total_params: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(total_params.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The query string of a signed request: `params` in order (values URL-encoded), then
/// `timestamp`, then `recvWindow` when given, then the `signature` over that query + `body`.
pub fn signed_query(
    params: &[(&str, &str)],
    timestamp_ms: i64,
    recv_window_ms: Option<u32>,
    body: &str,
    secret: &Secret,
) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name, value);
    }
    query.append_pair("timestamp", &timestamp_ms.to_string());
    if let Some(window) = recv_window_ms {
        query.append_pair("recvWindow", &window.to_string());
    }
    let unsigned = query.finish();
    let signature = signature(secret, &format!("{unsigned}{body}"));
    format!("{unsigned}&signature={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python's hmac/hashlib.
    const SECRET: &str = "45d0b3c26f2644f19bfb98b07741b2f5";

    #[test]
    fn a_query_is_signed_as_python_hmac_computes_it() {
        let query = signed_query(
            &[("orderNo", "11387459871234567")],
            1_644_489_390_087,
            Some(5000),
            "",
            &Secret::new(SECRET),
        );
        assert_eq!(
            query,
            "orderNo=11387459871234567&timestamp=1644489390087&recvWindow=5000\
             &signature=b9f4b13c2b1794df7dafbe2e00062edb1430ce5e567bee7c773bcc82abb3ab2b"
        );
    }

    #[test]
    fn the_body_is_part_of_what_is_signed() {
        let query = signed_query(
            &[],
            1_644_489_390_087,
            None,
            r#"{"listenKey":"x"}"#,
            &Secret::new(SECRET),
        );
        assert_eq!(
            query,
            "timestamp=1644489390087\
             &signature=44650ca3a3d1b270f6d9957349d938e9f0300c4950b870c5d404fc9b69adb33a"
        );
    }

    #[test]
    fn values_are_url_encoded_before_signing() {
        let query = signed_query(&[("note", "a b&c")], 1, None, "", &Secret::new(SECRET));
        assert_eq!(
            query,
            "note=a+b%26c&timestamp=1\
             &signature=1eb1fe9a488701dd30ed7cccc15a60c6581f156027d3ba8c9cfe1f7881cc1dad"
        );
    }

    #[test]
    fn the_spot_api_documentation_example_signs_as_python_computes_it() {
        let total = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11\
                     &recvWindow=5000&timestamp=1644489390087";
        assert_eq!(
            signature(&Secret::new(SECRET), total),
            "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a"
        );
    }
}

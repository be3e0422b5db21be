//! The JWT Mixin wants on every REST request and every Blaze connection (PROTOCOLS.md §1.3):
//! `uid`, `sid`, `iat`, `exp`, a fresh `jti`, `scp: FULL` and `sig` = hex SHA-256 of
//! method + URI (path and query) + body, signed RS512 or EdDSA by the keystore's session key.
//! A token is never reused: sign one per request.

use crate::secret::Secret;
use crate::services::mixin::keystore::{Keystore, SessionKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha512};

/// How long a token is valid. Short, because each one is used once (NODE uses 1 hour too).
pub const TOKEN_LIFETIME_S: i64 = 3600;

/// A signed token and its request id (`jti`, also sent as `X-Request-Id`). The token is a
/// bearer credential for its lifetime: held as a [`Secret`], wiped when dropped, never printed.
#[derive(Clone)]
pub struct SignedToken {
    pub token: Secret,
    pub request_id: String,
}

/// Lowercase hex SHA-256 of `method + uri + body`, the request fingerprint in `sig`.
pub fn request_signature(method: &str, uri: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(uri.as_bytes());
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Signs a token for one request at `now_s` (Unix seconds); `request_id` is its fresh `jti`.
pub fn sign(
    keystore: &Keystore,
    method: &str,
    uri: &str,
    body: &[u8],
    now_s: i64,
    request_id: String,
) -> SignedToken {
    let header = serde_json::json!({"alg": keystore.algorithm(), "typ": "JWT"});
    let claims = serde_json::json!({
        "uid": keystore.user_id,
        "sid": keystore.session_id,
        "iat": now_s,
        "exp": now_s + TOKEN_LIFETIME_S,
        "jti": request_id,
        "sig": request_signature(method, uri, body),
        "scp": "FULL",
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = match &keystore.key {
        SessionKey::Ed25519(key) => {
            use ed25519_dalek::Signer;
            key.sign(signing_input.as_bytes()).to_bytes().to_vec()
        }
        SessionKey::Rsa(key) => {
            let digest = Sha512::digest(signing_input.as_bytes());
            // PKCS#1 v1.5 signing is deterministic and cannot fail for a valid key and digest.
            key.sign(rsa::Pkcs1v15Sign::new::<Sha512>(), &digest)
                .unwrap_or_default()
        }
    };
    SignedToken {
        token: Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )),
        request_id,
    }
}

/// The path and query of `url`, as `sig` covers them.
pub fn uri_of(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

#[cfg(test)]
mod tests;

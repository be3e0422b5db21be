//! Checking a request's JWT as Mixin does (PROTOCOLS.md §1.3, §1.16): the signature with the
//! session's public key (EdDSA or RS512), `uid`/`sid` of a known session, `sig` = SHA-256 of
//! this request's method + URI + body, `iat` within 5 minutes, `exp` in the future, and a `jti`
//! never seen before.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

/// A session's public key.
#[derive(Clone)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

/// The claims of a verified token.
pub struct Verified {
    pub uid: String,
    pub jti: String,
}

/// Verifies `token` for the request `method uri body` at the server's time `now` (Unix
/// seconds); `key_of(uid, sid)` finds the session key.
pub fn verify(
    token: &str,
    method: &str,
    uri: &str,
    body: &[u8],
    now: i64,
    key_of: impl Fn(&str, &str) -> Option<PublicKey>,
) -> Result<Verified, String> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a JWT".into());
    };
    let decode = |p: &str| {
        URL_SAFE_NO_PAD
            .decode(p)
            .map_err(|_| "bad base64url".to_owned())
    };
    let header: Value = serde_json::from_slice(&decode(h)?).map_err(|_| "bad header")?;
    let claims: Value = serde_json::from_slice(&decode(c)?).map_err(|_| "bad claims")?;
    let signature = decode(s)?;
    let field = |name: &str| claims[name].as_str().unwrap_or("").to_owned();
    let (uid, sid) = (field("uid"), field("sid"));
    let key = key_of(&uid, &sid).ok_or("unknown session")?;
    let input = format!("{h}.{c}");
    match (header["alg"].as_str(), key) {
        (Some("EdDSA"), PublicKey::Ed25519(key)) => {
            use ed25519_dalek::Verifier;
            let sig =
                ed25519_dalek::Signature::from_slice(&signature).map_err(|_| "bad signature")?;
            key.verify(input.as_bytes(), &sig)
                .map_err(|_| "signature does not verify")?;
        }
        (Some("RS512"), PublicKey::Rsa(key)) => {
            key.verify(
                rsa::Pkcs1v15Sign::new::<Sha512>(),
                &Sha512::digest(input.as_bytes()),
                &signature,
            )
            .map_err(|_| "signature does not verify")?;
        }
        (alg, _) => return Err(format!("algorithm {alg:?} does not fit the session key")),
    }
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(uri.as_bytes());
    hash.update(body);
    if field("sig") != hex::encode(hash.finalize()) {
        return Err("sig does not match the request".into());
    }
    let iat = claims["iat"].as_i64().ok_or("no iat")?;
    let exp = claims["exp"].as_i64().ok_or("no exp")?;
    if (now - iat).abs() > 300 {
        return Err("iat is more than 5 minutes off".into());
    }
    if exp <= now {
        return Err("token expired".into());
    }
    let jti = field("jti");
    if jti.is_empty() {
        return Err("no jti".into());
    }
    Ok(Verified { uid, jti })
}

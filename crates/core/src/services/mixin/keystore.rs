//! Mixin bot keystores, all three generations (PROTOCOLS.md §1.2): legacy RSA (`client_id`,
//! PKCS#1 PEM `private_key`), Ed25519 2020–2023 (`client_id`, base64 64-byte `private_key`) and
//! the current one (`app_id`, hex 32-byte `session_private_key`). The keystore JSON goes into
//! the keyring untouched; this only reads what signing needs, and says precisely what is wrong.

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::RsaPrivateKey;
use serde_json::{Map, Value};

/// The session key a keystore signs with.
#[derive(Clone)]
pub enum SessionKey {
    /// RS512 (legacy keystores).
    Rsa(Box<RsaPrivateKey>),
    /// EdDSA (every keystore since 2020).
    Ed25519(Box<SigningKey>),
}

/// What signing a request needs: the bot's user id, its session id and key.
#[derive(Clone)]
pub struct Keystore {
    pub user_id: String,
    pub session_id: String,
    pub key: SessionKey,
}

impl std::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keystore")
            .field("user_id", &self.user_id)
            .field("session_id", &self.session_id)
            .field("key", &self.algorithm())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeystoreError {
    #[error("the keystore is not JSON: {0}")]
    NotJson(String),
    #[error("the keystore must be a JSON object")]
    NotObject,
    #[error("the keystore has no `{0}`")]
    Missing(&'static str),
    #[error("`{field}` must be a UUID, not `{value}`")]
    NotUuid { field: &'static str, value: String },
    #[error("`private_key` is not a valid RSA PEM key: {0}")]
    BadPem(String),
    #[error("`private_key` is a PEM key of the wrong kind ({0}); Mixin RSA keystores hold an RSA PRIVATE KEY")]
    WrongPemKind(String),
    #[error("`{field}` is not {encoding}")]
    BadEncoding {
        field: &'static str,
        encoding: &'static str,
    },
    #[error("`{field}` holds {found} bytes; an Ed25519 key is {expected}")]
    WrongLength {
        field: &'static str,
        found: usize,
        expected: &'static str,
    },
    #[error("`private_key` holds an Ed25519 key whose public half does not match its seed")]
    KeyMismatch,
}

impl Keystore {
    /// Reads a keystore in any of the three generations.
    pub fn parse(json: &str) -> Result<Keystore, KeystoreError> {
        let value: Value =
            serde_json::from_str(json.trim()).map_err(|e| KeystoreError::NotJson(e.to_string()))?;
        let Value::Object(fields) = value else {
            return Err(KeystoreError::NotObject);
        };
        let user_id = ["app_id", "client_id", "user_id"]
            .iter()
            .find_map(|f| text(&fields, f).map(|v| (*f, v)))
            .ok_or(KeystoreError::Missing("app_id"))?;
        let user_id = uuid_field(user_id.0, user_id.1)?;
        let session_id = uuid_field(
            "session_id",
            text(&fields, "session_id").ok_or(KeystoreError::Missing("session_id"))?,
        )?;
        let key = if let Some(hex_seed) = text(&fields, "session_private_key") {
            hex_seed_key(hex_seed)?
        } else {
            let raw = text(&fields, "private_key").ok_or(KeystoreError::Missing("private_key"))?;
            if raw.trim_start().starts_with("-----BEGIN") {
                rsa_key(raw)?
            } else {
                base64_ed25519_key(raw)?
            }
        };
        Ok(Keystore {
            user_id,
            session_id,
            key,
        })
    }

    /// The JWT `alg` this keystore signs with.
    pub fn algorithm(&self) -> &'static str {
        match self.key {
            SessionKey::Rsa(_) => "RS512",
            SessionKey::Ed25519(_) => "EdDSA",
        }
    }
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    fields
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn uuid_field(field: &'static str, value: &str) -> Result<String, KeystoreError> {
    let trimmed = value.trim();
    uuid::Uuid::parse_str(trimmed)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| KeystoreError::NotUuid {
            field,
            value: trimmed.chars().take(60).collect(),
        })
}

fn rsa_key(pem: &str) -> Result<SessionKey, KeystoreError> {
    // Keystores carry `\r\n` inside the PEM; the PEM reader wants plain lines.
    let pem = pem.replace("\\r\\n", "\n").replace("\r\n", "\n");
    let label = pem
        .lines()
        .find_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .and_then(|l| l.strip_suffix("-----"))
        .unwrap_or("")
        .to_owned();
    match label.as_str() {
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(pem.trim())
            .map(|k| SessionKey::Rsa(Box::new(k)))
            .map_err(|e| KeystoreError::BadPem(e.to_string())),
        "PRIVATE KEY" => {
            use rsa::pkcs8::DecodePrivateKey;
            RsaPrivateKey::from_pkcs8_pem(pem.trim())
                .map(|k| SessionKey::Rsa(Box::new(k)))
                .map_err(|_| KeystoreError::WrongPemKind("a PKCS#8 key that is not RSA".into()))
        }
        "" => Err(KeystoreError::BadPem("no PEM header".into())),
        other => Err(KeystoreError::WrongPemKind(other.to_owned())),
    }
}

fn hex_seed_key(hex_seed: &str) -> Result<SessionKey, KeystoreError> {
    let bytes = hex::decode(hex_seed.trim()).map_err(|_| KeystoreError::BadEncoding {
        field: "session_private_key",
        encoding: "hexadecimal",
    })?;
    ed25519_from_bytes("session_private_key", &bytes)
}

fn base64_ed25519_key(encoded: &str) -> Result<SessionKey, KeystoreError> {
    let bytes = decode_base64_any(encoded).ok_or(KeystoreError::BadEncoding {
        field: "private_key",
        encoding: "a PEM key or base64",
    })?;
    ed25519_from_bytes("private_key", &bytes)
}

/// A 32-byte seed, or the 64-byte seed ‖ public key form (checked to match).
fn ed25519_from_bytes(field: &'static str, bytes: &[u8]) -> Result<SessionKey, KeystoreError> {
    match bytes.len() {
        32 => {
            let seed: [u8; 32] = bytes.try_into().map_err(|_| KeystoreError::KeyMismatch)?;
            Ok(SessionKey::Ed25519(Box::new(SigningKey::from_bytes(&seed))))
        }
        64 => {
            let pair: [u8; 64] = bytes.try_into().map_err(|_| KeystoreError::KeyMismatch)?;
            SigningKey::from_keypair_bytes(&pair)
                .map(|k| SessionKey::Ed25519(Box::new(k)))
                .map_err(|_| KeystoreError::KeyMismatch)
        }
        found => Err(KeystoreError::WrongLength {
            field,
            found,
            expected: "32 bytes (seed) or 64 bytes (seed and public key)",
        }),
    }
}

/// Base64 in either alphabet, padded or not (Mixin uses both, PROTOCOLS.md §1.9).
pub fn decode_base64_any(encoded: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let unpadded = trimmed.trim_end_matches('=');
    URL_SAFE_NO_PAD
        .decode(unpadded)
        .or_else(|_| STANDARD_NO_PAD.decode(unpadded))
        .ok()
}

#[cfg(test)]
pub(crate) mod tests;

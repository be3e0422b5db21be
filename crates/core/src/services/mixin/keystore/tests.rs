use super::*;

pub(crate) const RSA_PEM: &str = include_str!("test-rsa-key.pem");
const BOT: &str = "82d20bc7-9a97-4a69-bcd0-4da502374f6c";
const SESSION: &str = "c87ff6c9-c33a-4bc3-98d7-3d449f4adfe8";

fn seed() -> [u8; 32] {
    [7u8; 32]
}

fn public_of(k: &Keystore) -> Vec<u8> {
    match &k.key {
        SessionKey::Ed25519(s) => s.verifying_key().to_bytes().to_vec(),
        SessionKey::Rsa(_) => panic!("expected an Ed25519 key"),
    }
}

#[test]
fn the_documented_rsa_keystore_with_crlf_inside_the_pem_is_read() {
    let json = serde_json::json!({
        "pin": "123456",
        "client_id": BOT,
        "session_id": SESSION,
        "pin_token": "U+HOgPnysUK5cWxOpwagrYi2JW9LU=",
        "private_key": RSA_PEM.replace('\n', "\r\n"),
    })
    .to_string();
    let k = Keystore::parse(&json).unwrap();
    assert_eq!(k.user_id, BOT);
    assert_eq!(k.session_id, SESSION);
    assert_eq!(k.algorithm(), "RS512");
}

#[test]
fn the_ed25519_keystore_in_either_base64_alphabet_and_the_hex_seed_one_sign_alike() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let signing = SigningKey::from_bytes(&seed());
    let pair = signing.to_keypair_bytes();
    let url = serde_json::json!({"client_id": BOT, "session_id": SESSION, "pin_token": "x",
        "private_key": URL_SAFE_NO_PAD.encode(pair)});
    let std = serde_json::json!({"client_id": BOT, "session_id": SESSION,
        "private_key": STANDARD.encode(pair)});
    let current = serde_json::json!({"app_id": BOT, "session_id": SESSION,
        "session_private_key": hex::encode(seed()), "server_public_key": "ab", "spend_private_key": "cd"});
    let keys: Vec<Keystore> = [url, std, current]
        .iter()
        .map(|j| Keystore::parse(&j.to_string()).unwrap())
        .collect();
    for k in &keys {
        assert_eq!(k.algorithm(), "EdDSA");
        assert_eq!(k.user_id, BOT);
        assert_eq!(public_of(k), signing.verifying_key().to_bytes().to_vec());
    }
}

fn error_of(json: serde_json::Value) -> KeystoreError {
    Keystore::parse(&json.to_string()).unwrap_err()
}

#[test]
fn each_malformed_keystore_gets_a_precise_error() {
    assert!(matches!(
        Keystore::parse("{not json"),
        Err(KeystoreError::NotJson(_))
    ));
    assert_eq!(
        Keystore::parse("[1,2]").unwrap_err(),
        KeystoreError::NotObject
    );
    assert_eq!(
        error_of(serde_json::json!({"session_id": SESSION, "private_key": "x"})),
        KeystoreError::Missing("app_id")
    );
    assert_eq!(
        error_of(serde_json::json!({"app_id": BOT, "session_private_key": "00"})),
        KeystoreError::Missing("session_id")
    );
    assert_eq!(
        error_of(serde_json::json!({"app_id": "bot-1", "session_id": SESSION})),
        KeystoreError::NotUuid {
            field: "app_id",
            value: "bot-1".into()
        }
    );
    assert_eq!(
        error_of(serde_json::json!({"app_id": BOT, "session_id": SESSION})),
        KeystoreError::Missing("private_key")
    );
    // A PEM whose body is damaged.
    let damaged = RSA_PEM.replacen("MII", "MIX", 1);
    assert!(matches!(
        error_of(
            serde_json::json!({"client_id": BOT, "session_id": SESSION, "private_key": damaged})
        ),
        KeystoreError::BadPem(_)
    ));
    // A PEM of another kind.
    let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n";
    assert_eq!(
        error_of(serde_json::json!({"client_id": BOT, "session_id": SESSION, "private_key": ec})),
        KeystoreError::WrongPemKind("EC PRIVATE KEY".into())
    );
    // A hex seed of the wrong length, and one that is not hex.
    assert_eq!(
        error_of(
            serde_json::json!({"app_id": BOT, "session_id": SESSION, "session_private_key": hex::encode([1u8; 31])})
        ),
        KeystoreError::WrongLength {
            field: "session_private_key",
            found: 31,
            expected: "32 bytes (seed) or 64 bytes (seed and public key)"
        }
    );
    assert_eq!(
        error_of(
            serde_json::json!({"app_id": BOT, "session_id": SESSION, "session_private_key": "zz"})
        ),
        KeystoreError::BadEncoding {
            field: "session_private_key",
            encoding: "hexadecimal"
        }
    );
    assert_eq!(
        error_of(
            serde_json::json!({"client_id": BOT, "session_id": SESSION, "private_key": "!!not base64!!"})
        ),
        KeystoreError::BadEncoding {
            field: "private_key",
            encoding: "a PEM key or base64"
        }
    );
    // 64 bytes whose public half belongs to another seed.
    let mut pair = SigningKey::from_bytes(&seed()).to_keypair_bytes();
    pair[40] ^= 1;
    use base64::Engine as _;
    assert_eq!(
        error_of(serde_json::json!({"client_id": BOT, "session_id": SESSION,
            "private_key": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair)})),
        KeystoreError::KeyMismatch
    );
}

#[test]
fn debug_output_never_shows_the_key() {
    let k = Keystore::parse(
        &serde_json::json!({"app_id": BOT, "session_id": SESSION, "session_private_key": hex::encode(seed())})
            .to_string(),
    )
    .unwrap();
    let shown = format!("{k:?}");
    assert!(shown.contains("EdDSA") && !shown.contains(&hex::encode(seed())));
}

use super::*;
use crate::services::mixin::keystore::Keystore;

const BOT: &str = "82d20bc7-9a97-4a69-bcd0-4da502374f6c";
const SESSION: &str = "c87ff6c9-c33a-4bc3-98d7-3d449f4adfe8";

fn parts(token: &str) -> (serde_json::Value, serde_json::Value, Vec<u8>, String) {
    let pieces: Vec<&str> = token.split('.').collect();
    assert_eq!(pieces.len(), 3);
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap();
    (
        serde_json::from_slice(&decode(pieces[0])).unwrap(),
        serde_json::from_slice(&decode(pieces[1])).unwrap(),
        decode(pieces[2]),
        format!("{}.{}", pieces[0], pieces[1]),
    )
}

#[test]
fn sig_matches_the_protocol_notes_test_vector() {
    assert_eq!(
        request_signature("GET", "/", b""),
        "f837ebeb4c2981ad9c64b70d0b0d18724c76c60781b9e4bf7a582510df7ada39"
    );
}

#[test]
fn an_eddsa_token_verifies_with_the_public_key_and_carries_every_claim() {
    let seed = [9u8; 32];
    let keystore = Keystore::parse(
        &serde_json::json!({"app_id": BOT, "session_id": SESSION, "session_private_key": hex::encode(seed)})
            .to_string(),
    )
    .unwrap();
    let signed = sign(
        &keystore,
        "POST",
        "/acknowledgements",
        b"[{\"a\":1}]",
        1_700_000_000,
        "00000000-0000-4000-8000-000000000001".into(),
    );
    let (header, claims, signature, input) = parts(signed.token.expose());
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(claims["uid"], BOT);
    assert_eq!(claims["sid"], SESSION);
    assert_eq!(claims["iat"], 1_700_000_000);
    assert_eq!(claims["exp"], 1_700_000_000 + TOKEN_LIFETIME_S);
    assert_eq!(claims["jti"], signed.request_id.as_str());
    assert_eq!(
        claims["sig"],
        request_signature("POST", "/acknowledgements", b"[{\"a\":1}]")
    );
    let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    let signature = ed25519_dalek::Signature::from_slice(&signature).unwrap();
    use ed25519_dalek::Verifier;
    public.verify(input.as_bytes(), &signature).unwrap();
    // The request id given is the token's `jti`.
    assert_eq!(claims["jti"], signed.request_id.as_str());
}

#[test]
fn an_rs512_token_verifies_with_the_public_key() {
    let pem = crate::services::mixin::keystore::tests::RSA_PEM;
    let keystore = Keystore::parse(
        &serde_json::json!({"client_id": BOT, "session_id": SESSION, "private_key": pem})
            .to_string(),
    )
    .unwrap();
    let signed = sign(
        &keystore,
        "GET",
        "/",
        b"",
        1_700_000_000,
        "00000000-0000-4000-8000-000000000001".into(),
    );
    let (header, claims, signature, input) = parts(signed.token.expose());
    assert_eq!(header["alg"], "RS512");
    assert_eq!(
        claims["sig"],
        "f837ebeb4c2981ad9c64b70d0b0d18724c76c60781b9e4bf7a582510df7ada39"
    );
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let public = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
        .unwrap()
        .to_public_key();
    public
        .verify(
            rsa::Pkcs1v15Sign::new::<Sha512>(),
            &Sha512::digest(input.as_bytes()),
            &signature,
        )
        .unwrap();
}

#[test]
fn uri_keeps_the_query() {
    let url = url::Url::parse("https://api.mixin.one/users/abc?x=1&y=2").unwrap();
    assert_eq!(uri_of(&url), "/users/abc?x=1&y=2");
}

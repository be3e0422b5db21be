//! What the settings screen submits to add an account, checked as if the page were hostile:
//! every text bounded and free of control characters, every error naming the field at fault.
//! Each service's form is in its folder (`services/<name>/form.rs`); this file holds the
//! tagged union the page sends and the checks they share.

use super::{mexc::MexcForm, mixin::MixinForm, mockly::MocklyForm, realtime::RealtimeForm};
use crate::engine::{EngineError, Field, NewAccount};
use crate::secret::Secret;
use serde::Deserialize;

/// The longest id or secret typed into a form.
pub const MAX_ID: usize = 256;
/// The longest address typed into a form.
pub const MAX_URL: usize = 2048;

/// A new account as the settings screen describes it, tagged by service.
#[derive(Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum AccountForm {
    Mockly(MocklyForm),
    Mexc(MexcForm),
    Realtime(RealtimeForm),
    Mixin(MixinForm),
}

impl std::fmt::Debug for AccountForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // It holds keys, tokens and passwords: never printed.
        f.write_str("AccountForm { .. }")
    }
}

impl AccountForm {
    /// The account to add (signing in first where the form has a password).
    pub async fn into_new_account(self) -> Result<NewAccount, EngineError> {
        match self {
            AccountForm::Mockly(f) => f.into_new_account(),
            AccountForm::Mexc(f) => f.into_new_account(),
            AccountForm::Realtime(f) => f.into_new_account().await,
            AccountForm::Mixin(f) => f.into_new_account(),
        }
    }
}

fn invalid(field: Field, message: String) -> EngineError {
    EngineError::Invalid(message).in_field(field)
}

/// A required secret: trimmed, bounded, no control characters.
pub fn secret(field: Field, what: &str, value: &str) -> Result<Secret, EngineError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, format!("the {what} is required")));
    }
    text(field, what, value, MAX_ID)?;
    Ok(Secret::new(value))
}

/// A bounded text without control characters.
pub fn text(field: Field, what: &str, value: &str, max: usize) -> Result<(), EngineError> {
    if value.len() > max || value.chars().any(char::is_control) {
        return Err(invalid(field, format!("invalid {what}")));
    }
    Ok(())
}

/// A required id (a client id, an order number).
pub fn id(field: Field, what: &str, value: &str) -> Result<String, EngineError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, format!("invalid {what}")));
    }
    text(field, what, value, MAX_ID)?;
    Ok(value.to_owned())
}

/// An address the user may leave empty for the default.
pub fn address_or(field: Field, value: Option<&str>, default: &str) -> Result<String, EngineError> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(default);
    text(field, "address", value, MAX_URL)?;
    Ok(value.to_owned())
}

/// An address the user changed (Settings' "Edit"): required, bounded, a URL whose scheme is
/// one of `schemes` ("wss", "ws"). `what` names it in the error.
pub fn address(
    field: Field,
    what: &str,
    value: &str,
    schemes: &[&str],
) -> Result<String, EngineError> {
    let value = value.trim();
    text(field, what, value, MAX_URL)?;
    let wanted = schemes
        .iter()
        .map(|s| format!("{s}://"))
        .collect::<Vec<_>>()
        .join(" or ");
    match url::Url::parse(value) {
        Ok(url) if schemes.contains(&url.scheme()) && url.host_str().is_some() => {
            Ok(value.to_owned())
        }
        _ => Err(invalid(
            field,
            format!("the {what} must be an address starting with {wanted}"),
        )),
    }
}

/// Checks that an address a credential travels to is encrypted (`https://`, `wss://`), on this
/// machine (loopback never leaves it: the simulators, a local server or tunnel), or confirmed
/// by the user for plain `http://` / `ws://`. Run before anything is sent to it.
pub fn encrypted_or_confirmed(
    field: Field,
    address: &str,
    credential: &'static str,
    confirmed: bool,
) -> Result<(), EngineError> {
    let Ok(url) = url::Url::parse(address.trim()) else {
        // Not an address at all: the service's own check says what is wrong with it.
        return Ok(());
    };
    let plain = matches!(url.scheme(), "http" | "ws");
    if !plain || confirmed || stays_on_this_machine(&url) {
        return Ok(());
    }
    let mut shown = url.clone();
    shown.set_query(None);
    let _ = shown.set_password(None);
    Err(EngineError::Unencrypted {
        address: shown.origin().ascii_serialization(),
        credential,
    }
    .in_field(field))
}

fn stays_on_this_machine(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The name the user gave, if it is a usable one.
pub fn display_name(name: Option<String>) -> Option<String> {
    name.filter(|n| !n.trim().is_empty() && n.len() <= MAX_ID)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ErrorKind;

    #[test]
    fn a_credential_goes_unencrypted_only_on_this_machine_or_when_confirmed() {
        let check = |address: &str, confirmed| {
            encrypted_or_confirmed(Field::BaseUrl, address, "API key", confirmed)
        };
        for fine in [
            "https://chat.example",
            "wss://chat.example/ws",
            "http://127.0.0.1:8080",
            "ws://localhost:9000/ws",
            "http://[::1]:80",
            "not an address",
        ] {
            assert!(check(fine, false).is_ok(), "{fine}");
        }
        for plain in [
            "http://chat.example",
            "ws://10.0.0.5/ws",
            "HTTP://Chat.Example:8080/api?token=x",
        ] {
            let e = check(plain, false).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::NeedsConfirmation, "{plain}");
            assert_eq!(e.field(), Some(Field::BaseUrl));
            assert!(
                e.to_string().contains("API key") && !e.to_string().contains("token=x"),
                "{e}"
            );
            assert!(check(plain, true).is_ok(), "{plain} confirmed");
        }
    }
}

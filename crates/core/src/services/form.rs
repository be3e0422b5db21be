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

/// The name the user gave, if it is a usable one.
pub fn display_name(name: Option<String>) -> Option<String> {
    name.filter(|n| !n.trim().is_empty() && n.len() <= MAX_ID)
}

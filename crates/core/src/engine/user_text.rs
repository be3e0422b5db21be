//! What the user reads when something fails, and the technical text kept one click away. The
//! one place that turns a typed [`EngineError`] into words: the shell sends `summary` as the
//! error's message and `detail` behind the page's "Details", so a raw error id, an internal
//! account id or a transport message ("error sending request") is never the main text.

use super::EngineError;
use crate::codec::CodecError;
use crate::rest::RestError;

/// An error as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserText {
    /// One sentence in the user's words: what failed and what to check.
    pub summary: String,
    /// The exact technical text (the error's own message), when it says more than `summary`.
    pub detail: Option<String>,
}

impl UserText {
    fn new(summary: impl Into<String>, technical: String) -> Self {
        let summary = summary.into();
        let detail = (technical != summary).then_some(technical);
        UserText { summary, detail }
    }
}

/// `error` in the user's words, with its own text as the detail.
pub fn user_text(error: &EngineError) -> UserText {
    UserText::new(summary(error), error.to_string())
}

fn summary(error: &EngineError) -> String {
    match error {
        EngineError::UnknownAccount(_) => "This account is no longer set up in Parley.".into(),
        EngineError::UnknownRoom(_) => "This room is no longer in Parley.".into(),
        EngineError::Store(_) | EngineError::Config(_) => {
            "Parley could not read or save its data on this computer.".into()
        }
        EngineError::Evidence(e) => format!("The evidence pack could not be written: {e}."),
        EngineError::WriteFile { folder, .. } => {
            format!("Parley could not write the file into {folder}.")
        }
        EngineError::Secrets(crate::secrets::SecretsError::NeedsConsent) => error.to_string(),
        EngineError::Secrets(_) => "Parley could not use the system keyring.".into(),
        EngineError::Codec(CodecError::Settings(why) | CodecError::Refused(why)) => sentence(why),
        EngineError::Codec(CodecError::NotReady(_)) => {
            "Not connected yet: try again once the account is connected.".into()
        }
        EngineError::Codec(_) => "The service sent something Parley could not read.".into(),
        EngineError::Rest(e) => rest_summary(e),
        EngineError::MediaUnavailable(e) => {
            format!("The media could not be fetched. {}", rest_summary(e))
        }
        EngineError::Order { order, source } => {
            format!("Order {order}: {}", rest_summary(source))
        }
        EngineError::InField { source, .. } | EngineError::AtStep { source, .. } => summary(source),
        EngineError::Invalid(_) | EngineError::Keystore(_) | EngineError::Unencrypted { .. } => {
            sentence(&error.to_string())
        }
    }
}

fn rest_summary(error: &RestError) -> String {
    match error {
        RestError::Unreachable { api, .. } => {
            format!("Can't reach {api} — is it running, and is the address right?")
        }
        RestError::Refused(refusal) => {
            let code = match (refusal.code, refusal.message.trim()) {
                (Some(code), "") => format!(" (error {code})"),
                (Some(code), message) => format!(" (error {code}: {message})"),
                (None, "") => String::new(),
                (None, message) => format!(" ({message})"),
            };
            let check = match (refusal.hint, refusal.auth) {
                (Some(hint), _) => format!(" Check: {hint}."),
                (None, true) => " Check the key, token or password of this account.".into(),
                (None, false) => String::new(),
            };
            format!(
                "{} didn't accept the request{code}.{check}",
                capitalized(refusal.refuser)
            )
        }
        RestError::Malformed { api, .. } => {
            format!(
                "{} answered something Parley could not read.",
                capitalized(api)
            )
        }
        RestError::Settings(why) => sentence(why),
    }
}

/// "the server" → "The server".
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A message as a sentence: capitalized, ending with a full stop.
fn sentence(text: &str) -> String {
    let text = capitalized(text.trim());
    if text.ends_with(['.', '!', '?']) {
        text
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Field;
    use crate::rest::Refusal;

    #[test]
    fn an_unreachable_server_asks_whether_it_runs_and_keeps_the_os_error_as_detail() {
        let e = EngineError::Rest(RestError::Unreachable {
            api: "the server",
            reason: "error sending request: Connection refused (os error 111)".into(),
        })
        .in_field(Field::BaseUrl);
        let text = user_text(&e);
        assert_eq!(
            text.summary,
            "Can't reach the server — is it running, and is the address right?"
        );
        let detail = text.detail.unwrap();
        assert!(
            detail.contains("Connection refused (os error 111)"),
            "{detail}"
        );
        assert!(!text.summary.contains("error sending request"));
    }

    #[test]
    fn a_refusal_names_the_code_and_what_to_check_but_keeps_the_error_id_in_the_detail() {
        let e = EngineError::Rest(RestError::Refused(Box::new(Refusal {
            refuser: "MEXC",
            status: Some(400),
            code: Some(10002),
            message: "invalid field".into(),
            error_id: Some("a1b2-c3".into()),
            hint: Some("the API key's permissions"),
            ..Default::default()
        })));
        let text = user_text(&e);
        assert_eq!(
            text.summary,
            "MEXC didn't accept the request (error 10002: invalid field). Check: the API key's permissions."
        );
        assert!(!text.summary.contains("a1b2-c3"));
        assert!(text.detail.unwrap().contains("a1b2-c3"));
    }

    #[test]
    fn a_refused_sign_in_without_a_hint_says_to_check_the_credentials() {
        let e = EngineError::Rest(RestError::Refused(Box::new(Refusal {
            refuser: "the server",
            status: Some(401),
            message: "invalid credentials".into(),
            auth: true,
            ..Default::default()
        })));
        assert_eq!(
            user_text(&e).summary,
            "The server didn't accept the request (invalid credentials). Check the key, token or password of this account."
        );
    }

    #[test]
    fn internal_ids_stay_in_the_detail() {
        let id = crate::account::AccountId("mockly-7f3a9c".into());
        let text = user_text(&EngineError::UnknownAccount(id));
        assert!(!text.summary.contains("mockly-7f3a9c"));
        assert!(text.detail.unwrap().contains("mockly-7f3a9c"));
    }

    #[test]
    fn a_message_already_in_the_users_words_has_no_detail() {
        let text = user_text(&EngineError::Invalid("Enter a room name.".into()));
        assert_eq!(text.summary, "Enter a room name.");
        assert_eq!(text.detail, None);
    }
}

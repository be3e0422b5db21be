//! What a command returns on failure, as the page reads it: `{kind, message, detail?, field?,
//! retry_after_ms?}`. The page decides by `kind` and `field`, shows `message` (the user's words,
//! from parley-core's `user_text`) and keeps `detail` (the technical text) behind "Details"; it
//! never parses the text (the plugins-workspace `error.rs` shape).

use parley_core::engine::{user_text, EngineError, ErrorKind, Field};
use serde::Serialize;

#[derive(Debug, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    /// The technical text behind the message ("Connection refused (os error 111)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The steps of a settings check, when the failure ended one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<parley_core::engine::CheckStep>,
}

impl CommandError {
    /// The page sent something no command takes (a malformed id, an unknown kind).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::InvalidInput, message)
    }

    /// The desktop around the app failed (no Downloads folder, the browser did not open).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Internal, message)
    }

    pub fn of(kind: ErrorKind, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            detail: None,
            field: None,
            retry_after_ms: None,
            steps: Vec::new(),
        }
    }
}

impl From<EngineError> for CommandError {
    fn from(e: EngineError) -> Self {
        let text = user_text(&e);
        CommandError {
            kind: e.kind(),
            field: e.field(),
            retry_after_ms: e.retry_after_ms(),
            steps: e.steps().to_vec(),
            message: text.summary,
            detail: text.detail,
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_gets_the_kind_the_field_and_the_wait_not_just_text() {
        let limited = CommandError::from(EngineError::Rest(parley_core::RestError::Refused(
            Box::new(parley_core::Refusal {
                refuser: "Realtime",
                status: Some(429),
                code: None,
                message: "Too many requests".into(),
                error_id: None,
                retry_after: Some(std::time::Duration::from_millis(4_200)),
                auth: false,
                hint: None,
            }),
        )));
        let json = serde_json::to_value(&limited).unwrap();
        assert_eq!(json["retry_after_ms"], 4_200);
        assert!(json.get("field").is_none());
        let in_field = CommandError::from(
            EngineError::Invalid("invalid client id".into()).in_field(Field::ClientId),
        );
        let json = serde_json::to_value(&in_field).unwrap();
        assert_eq!(json["kind"], "invalid_input");
        assert_eq!(json["field"], "client_id");
        assert_eq!(json["message"], "Invalid client id.");
        assert_eq!(json["detail"], "invalid client id");
    }
}

//! The engine's error: every cause keeps its type (`#[from]`) up to the shell, which sends the
//! page a `kind`, the message, the settings `field` at fault and how long to wait, so that the
//! page never parses error text.

use crate::account::AccountId;
use crate::codec::CodecError;
use crate::config::ConfigError;
use crate::rest::RestError;
use crate::secrets::SecretsError;
use crate::services::mixin::keystore::KeystoreError;
use crate::store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no account with id {0}")]
    UnknownAccount(AccountId),
    #[error("this account has no room {0}")]
    UnknownRoom(String),
    /// What the user asked for cannot be done as asked (an empty name, a room that is not
    /// theirs to remove).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The service's codec refused the settings or the message before anything was sent.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// A service's REST API could not be reached, refused, or answered oddly.
    #[error(transparent)]
    Rest(#[from] RestError),
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// An evidence pack could not be written.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::PackError),
    /// A file the user asked for (an export) could not be written.
    #[error("cannot write into {folder}: {source}")]
    WriteFile {
        folder: String,
        #[source]
        source: std::io::Error,
    },
    /// A message's media could not be had from its service.
    #[error("the media cannot be fetched: {0}")]
    MediaUnavailable(RestError),
    /// A settings check failed at one of its steps ([`super::Steps`]): the cause, and every step.
    #[error("{source}")]
    AtStep {
        steps: Vec<super::CheckStep>,
        source: Box<EngineError>,
    },
    /// An order number could not be looked up (MEXC API-key mode).
    #[error("order {order}: {source}")]
    Order {
        order: String,
        #[source]
        source: RestError,
    },
    /// A credential would travel unencrypted to another machine (`http://`, `ws://`) and the
    /// user has not confirmed that it may.
    #[error("{address} is not encrypted: your {credential} would cross the network readable by anyone on the way. Use https:// or wss://, or confirm that it may be sent unencrypted")]
    Unencrypted {
        address: String,
        credential: &'static str,
    },
    /// The error comes from one field of the settings the user typed.
    #[error("{source}")]
    InField {
        field: Field,
        #[source]
        source: Box<EngineError>,
    },
}

/// A field of a settings form, named as the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    DisplayName,
    Endpoint,
    ClientId,
    ListenKey,
    ApiKey,
    ApiSecret,
    Conversations,
    Orders,
    RestBase,
    BaseUrl,
    WsUrl,
    Email,
    Password,
    ApiToken,
    Keystore,
    BlazeUrl,
    ApiBase,
}

/// What kind of failure an error is, for the page to decide what to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    InvalidInput,
    UnknownAccount,
    UnknownRoom,
    /// Allowed only once the user confirms it (an unencrypted address for a credential).
    NeedsConfirmation,
    ServiceRefused,
    Unreachable,
    Keyring,
    Storage,
    Internal,
}

impl EngineError {
    /// Marks the error as coming from `field` of the settings.
    pub fn in_field(self, field: Field) -> EngineError {
        match self {
            // The innermost field is the most precise.
            EngineError::InField { .. } => self,
            other => EngineError::InField {
                field,
                source: Box::new(other),
            },
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            EngineError::UnknownAccount(_) => ErrorKind::UnknownAccount,
            EngineError::UnknownRoom(_) => ErrorKind::UnknownRoom,
            EngineError::Invalid(_) | EngineError::Keystore(_) => ErrorKind::InvalidInput,
            EngineError::Store(_)
            | EngineError::Config(_)
            | EngineError::Evidence(_)
            | EngineError::WriteFile { .. } => ErrorKind::Storage,
            EngineError::Secrets(_) => ErrorKind::Keyring,
            EngineError::Codec(e) => match e {
                CodecError::Settings(_) | CodecError::Refused(_) => ErrorKind::InvalidInput,
                CodecError::NotReady(_) => ErrorKind::Unreachable,
                _ => ErrorKind::Internal,
            },
            EngineError::Rest(e)
            | EngineError::MediaUnavailable(e)
            | EngineError::Order { source: e, .. } => match e {
                RestError::Unreachable { .. } => ErrorKind::Unreachable,
                RestError::Refused(_) => ErrorKind::ServiceRefused,
                RestError::Settings(_) => ErrorKind::InvalidInput,
                RestError::Malformed { .. } => ErrorKind::Internal,
            },
            EngineError::Unencrypted { .. } => ErrorKind::NeedsConfirmation,
            EngineError::InField { source, .. } | EngineError::AtStep { source, .. } => {
                source.kind()
            }
        }
    }

    /// The steps of the check that failed, when it was one.
    pub fn steps(&self) -> &[super::CheckStep] {
        match self {
            EngineError::AtStep { steps, .. } => steps,
            EngineError::InField { source, .. } => source.steps(),
            _ => &[],
        }
    }

    /// The settings field at fault, when one is.
    pub fn field(&self) -> Option<Field> {
        match self {
            EngineError::InField { field, .. } => Some(*field),
            EngineError::AtStep { source, .. } => source.field(),
            EngineError::Keystore(_) => Some(Field::Keystore),
            EngineError::Order { .. } => Some(Field::Orders),
            _ => None,
        }
    }

    /// How long to wait before trying again, when the service or Parley's own limit says.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            EngineError::Rest(e) | EngineError::Order { source: e, .. } => {
                e.retry_after().map(|d| d.as_millis() as u64)
            }
            EngineError::InField { source, .. } | EngineError::AtStep { source, .. } => {
                source.retry_after_ms()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_keeps_the_kind_and_message_of_its_cause() {
        let e = EngineError::Rest(RestError::Unreachable {
            api: "the server",
            reason: "Connection refused".into(),
        })
        .in_field(Field::BaseUrl)
        .in_field(Field::ApiKey);
        assert_eq!(e.kind(), ErrorKind::Unreachable);
        assert_eq!(e.field(), Some(Field::BaseUrl));
        assert_eq!(e.to_string(), "cannot reach the server: Connection refused");
    }
}

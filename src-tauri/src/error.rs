//! What a command returns on failure: a message the page can show as it is.

use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

impl From<parley_core::engine::EngineError> for CommandError {
    fn from(e: parley_core::engine::EngineError) -> Self {
        CommandError(e.to_string())
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

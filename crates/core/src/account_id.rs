//! The local id of an account, on its own so that what names an account (messages, events,
//! codecs' output) depends on nothing else: the account model itself depends on the services.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable local id of an account, chosen by Parley when the account is added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub String);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

//! Where a MEXC chat socket gets its listenKey: a key the user pasted (fixed), or a slot that
//! the API-key keeper ([`crate::services::mexc::keeper`]) fills, renews and replaces. A slot serves at most
//! a few sockets (MEXC allows 5 connections per key, PROTOCOLS §2.1), so an account with many
//! order chats has several slots.

use crate::codec::CodecError;
use crate::secret::Secret;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Clone, Debug)]
pub enum ListenKeySource {
    Fixed(Secret),
    Managed(Arc<ListenKeySlot>),
}

impl ListenKeySource {
    /// The key to dial with now. A slot still waiting for its key is a passing condition
    /// (retry later); a slot whose key cannot be had is a permanent one.
    pub fn current(&self) -> Result<Secret, CodecError> {
        match self {
            ListenKeySource::Fixed(key) if key.expose().trim().is_empty() => {
                Err(CodecError::Settings("the listenKey is empty".into()))
            }
            ListenKeySource::Fixed(key) => Ok(key.clone()),
            ListenKeySource::Managed(slot) => slot.current(),
        }
    }

    pub fn is_managed(&self) -> bool {
        matches!(self, ListenKeySource::Managed(_))
    }
}

/// The supervisor reads the key before every dial and reports refusals here: a managed slot
/// asks its keeper for a new key; a pasted key can only be replaced by the user.
impl crate::supervisor::Credentials for ListenKeySource {
    fn current(&self) -> Result<Secret, CodecError> {
        ListenKeySource::current(self)
    }

    fn refused(&self, credential: &Secret) -> bool {
        match self {
            ListenKeySource::Managed(slot) => {
                slot.refused(credential);
                true
            }
            ListenKeySource::Fixed(_) => false,
        }
    }
}

#[derive(Debug)]
enum SlotState {
    Waiting(String),
    Ready(Secret),
    Failed(String),
}

/// One listenKey shared by up to a few sockets, kept by the keeper task.
#[derive(Debug)]
pub struct ListenKeySlot {
    state: Mutex<SlotState>,
    /// Woken when a socket was refused the current key (once per key, however many sockets).
    pub(crate) refused: Notify,
    /// The key a socket was refused, taken off the slot and waiting for the keeper to delete it.
    retired: Mutex<Option<Secret>>,
}

impl Default for ListenKeySlot {
    fn default() -> Self {
        ListenKeySlot {
            state: Mutex::new(SlotState::Waiting(
                "getting a listenKey from the MEXC API".into(),
            )),
            refused: Notify::new(),
            retired: Mutex::new(None),
        }
    }
}

impl ListenKeySlot {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn current(&self) -> Result<Secret, CodecError> {
        match &*self.lock() {
            SlotState::Ready(key) => Ok(key.clone()),
            SlotState::Waiting(why) => Err(CodecError::NotReady(why.clone())),
            SlotState::Failed(why) => Err(CodecError::Settings(why.clone())),
        }
    }

    pub(crate) fn key(&self) -> Option<Secret> {
        match &*self.lock() {
            SlotState::Ready(key) => Some(key.clone()),
            _ => None,
        }
    }

    /// A socket was refused `key`. If it is still the current key it is retired at once (no
    /// socket dials it again) and the keeper is woken to delete it and get a new one; a
    /// refusal of a key already replaced (another socket reported it first, or a failed
    /// keep-alive replaced it) changes nothing, so a fresh key is never thrown away.
    pub(crate) fn refused(&self, key: &Secret) {
        let mut state = self.lock();
        if matches!(&*state, SlotState::Ready(current) if current.expose() == key.expose()) {
            *state = SlotState::Waiting("MEXC refused the listenKey; getting a new one".into());
            *self.retired.lock().unwrap_or_else(|p| p.into_inner()) = Some(key.clone());
            self.refused.notify_one();
        }
    }

    /// The refused key the keeper has yet to delete.
    pub(crate) fn take_retired(&self) -> Option<Secret> {
        self.retired
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    pub(crate) fn set_ready(&self, key: Secret) {
        *self.lock() = SlotState::Ready(key);
    }

    pub(crate) fn set_waiting(&self, why: String) {
        *self.lock() = SlotState::Waiting(why);
    }

    pub(crate) fn set_failed(&self, why: String) {
        *self.lock() = SlotState::Failed(why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_waiting_then_ready_then_failed() {
        let slot = Arc::new(ListenKeySlot::default());
        let source = ListenKeySource::Managed(slot.clone());
        assert!(matches!(source.current(), Err(CodecError::NotReady(_))));
        slot.set_ready(Secret::new("k1"));
        assert_eq!(source.current().unwrap().expose(), "k1");
        slot.set_failed("signature refused".into());
        assert_eq!(
            source.current().unwrap_err(),
            CodecError::Settings("signature refused".into())
        );
    }

    #[test]
    fn only_a_refusal_of_the_current_key_retires_it() {
        let slot = ListenKeySlot::default();
        slot.set_ready(Secret::new("k2"));
        slot.refused(&Secret::new("k1"));
        assert_eq!(
            slot.current().unwrap().expose(),
            "k2",
            "an old key's refusal"
        );
        assert!(slot.take_retired().is_none());
        slot.refused(&Secret::new("k2"));
        assert!(matches!(slot.current(), Err(CodecError::NotReady(_))));
        slot.refused(&Secret::new("k2"));
        assert_eq!(slot.take_retired().unwrap().expose(), "k2");
        assert!(slot.take_retired().is_none(), "retired once");
    }

    #[test]
    fn a_blank_pasted_key_is_a_settings_error() {
        let source = ListenKeySource::Fixed(Secret::new("  "));
        assert!(matches!(source.current(), Err(CodecError::Settings(_))));
    }
}

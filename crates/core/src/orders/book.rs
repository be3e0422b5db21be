//! The latest details known of each order chat, shared by the engine (snapshots, the Orders
//! view, evidence packs) and the task that refreshes them (MEXC's order watcher). Cheap to
//! clone; a lock held only to copy an entry in or out.

use super::OrderDetails;
use crate::account_id::AccountId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What is known of one order chat's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEntry {
    pub account: AccountId,
    pub room: String,
    pub order_no: String,
    /// The details, once fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<OrderDetails>,
    /// When the details were fetched (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_ms: Option<i64>,
    /// Why the last fetch failed, when it did (the details, if any, are older).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why an account's orders cannot be read at all (its API key lacks the permission, or it has
/// no API key), for the settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    pub account: AccountId,
    pub reason: String,
}

#[derive(Default)]
struct Entries {
    orders: HashMap<(AccountId, String), OrderEntry>,
    unavailable: HashMap<AccountId, String>,
}

#[derive(Clone, Default)]
pub struct OrderBook {
    inner: Arc<Mutex<Entries>>,
}

impl OrderBook {
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records an entry; returns whether it differs from the one known.
    pub fn put(&self, entry: OrderEntry) -> bool {
        let key = (entry.account.clone(), entry.room.clone());
        let mut entries = self.lock();
        if entries.orders.get(&key) == Some(&entry) {
            return false;
        }
        entries.orders.insert(key, entry);
        true
    }

    pub fn get(&self, account: &AccountId, room: &str) -> Option<OrderEntry> {
        self.lock()
            .orders
            .get(&(account.clone(), room.to_owned()))
            .cloned()
    }

    /// Every entry of the accounts in `accounts`.
    pub fn entries(&self, accounts: &[AccountId]) -> Vec<OrderEntry> {
        self.lock()
            .orders
            .values()
            .filter(|e| accounts.contains(&e.account))
            .cloned()
            .collect()
    }

    /// Forgets an account's orders (it was removed or restarted) except those of `keep` rooms.
    pub fn retain_rooms(&self, account: &AccountId, keep: &[String]) {
        self.lock()
            .orders
            .retain(|(a, room), _| a != account || keep.contains(room));
    }

    /// Says (or, with `None`, unsays) why the account's orders cannot be read; whether that
    /// changed what was said.
    pub fn set_unavailable(&self, account: &AccountId, reason: Option<String>) -> bool {
        let mut entries = self.lock();
        match reason {
            Some(reason) => {
                entries.unavailable.insert(account.clone(), reason.clone()) != Some(reason)
            }
            None => entries.unavailable.remove(account).is_some(),
        }
    }

    pub fn unavailable(&self, accounts: &[AccountId]) -> Vec<Unavailable> {
        self.lock()
            .unavailable
            .iter()
            .filter(|(a, _)| accounts.contains(a))
            .map(|(account, reason)| Unavailable {
                account: account.clone(),
                reason: reason.clone(),
            })
            .collect()
    }
}
